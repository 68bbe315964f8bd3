/*
 * iut.c -- the child process of an implementation under test, for
 * `bce check` and `bce gradcheck` (iut.h).
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bcev_cli.h"
#include "iut.h"
#include "tool.h"

int bce_iut_spawn(char *const *cmd, const char *tool, bce_iut_proc *p)
{
    int pin[2], pout[2];
    memset(p, 0, sizeof *p);
    p->wfd = p->rfd = -1;
    if (pipe(pin) != 0)
        return -1;
    if (pipe(pout) != 0) {
        close(pin[0]);
        close(pin[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(pin[0]); close(pin[1]); close(pout[0]); close(pout[1]);
        errno = e;
        return -1;
    }
    if (pid == 0) {
        dup2(pin[0], 0);
        dup2(pout[1], 1);
        close(pin[0]); close(pin[1]); close(pout[0]); close(pout[1]);
        signal(SIGPIPE, SIG_DFL);
        execvp(cmd[0], cmd);
        fprintf(stderr, "bce %s: cannot run '%s': %s\n", tool,
                bce_tool_esc(cmd[0], BCE_TOOL_ESC_NAME), strerror(errno));
        _exit(127);
    }
    close(pin[0]);
    close(pout[1]);
    fcntl(pin[1], F_SETFL, fcntl(pin[1], F_GETFL) | O_NONBLOCK);
    fcntl(pout[0], F_SETFL, fcntl(pout[0], F_GETFL) | O_NONBLOCK);
    p->pid = pid;
    p->wfd = pin[1];
    p->rfd = pout[0];
    return 0;
}

static int wait_fd(int fd, short ev, double deadline)
{
    for (;;) {
        double left = deadline - bcev_now();
        if (left <= 0)
            return -2;
        struct pollfd f = {fd, ev, 0};
        int pr = poll(&f, 1, left > 1 ? 1000 : (int)(left * 1000) + 1);
        if (pr > 0)
            return 0;
        if (pr < 0 && errno != EINTR)
            return -1;
    }
}

int bce_iut_write(bce_iut_proc *p, const char *s, size_t n, double deadline)
{
    size_t off = 0;
    if (p->wfd < 0)
        return -1;
    while (off < n) {
        ssize_t k = write(p->wfd, s + off, n - off > (1 << 16) ? (1 << 16) : n - off);
        if (k > 0) {
            off += (size_t)k;
            continue;
        }
        if (k < 0 && errno != EAGAIN && errno != EINTR)
            return -1;                            /* EPIPE: it closed its input */
        int r = wait_fd(p->wfd, POLLOUT, deadline);
        if (r != 0)
            return r;
    }
    return 0;
}

int bce_iut_readline(bce_iut_proc *p, double deadline, char **line)
{
    /* drop the line returned last time */
    if (p->off > 0) {
        memmove(p->buf, p->buf + p->off, p->len - p->off);
        p->len -= p->off;
        p->off = 0;
    }
    for (;;) {
        char *nl = p->len ? memchr(p->buf, '\n', p->len) : NULL;
        if (nl != NULL) {
            *nl = '\0';
            p->off = (size_t)(nl - p->buf) + 1;
            *line = p->buf;
            return 0;
        }
        if (p->rfd < 0) {
            if (p->len == 0)
                return -1;
            /* a last line without its newline */
            if (p->len + 1 > p->cap) {
                char *b = realloc(p->buf, p->len + 1);
                if (b == NULL)
                    return -3;
                p->buf = b;
                p->cap = p->len + 1;
            }
            p->buf[p->len] = '\0';
            p->off = p->len;
            *line = p->buf;
            return 0;
        }
        if (p->len + 4096 > p->cap) {
            size_t cap = p->cap ? 2 * p->cap : 65536;
            char *b = realloc(p->buf, cap);
            if (b == NULL)
                return -3;
            p->buf = b;
            p->cap = cap;
        }
        ssize_t k = read(p->rfd, p->buf + p->len, p->cap - p->len - 1);
        if (k > 0) {
            p->len += (size_t)k;
        } else if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
            close(p->rfd);
            p->rfd = -1;
        } else {
            int r = wait_fd(p->rfd, POLLIN, deadline);
            if (r == -2)
                return -2;
        }
    }
}

int bce_iut_finish(bce_iut_proc *p, double deadline, int *status)
{
    int st = 0, killed = 0;
    if (p->wfd >= 0)
        close(p->wfd);
    if (p->rfd >= 0)
        close(p->rfd);
    p->wfd = p->rfd = -1;
    free(p->buf);
    p->buf = NULL;
    p->len = p->cap = p->off = 0;
    if (p->pid <= 0)
        return 0;
    for (;;) {
        pid_t w = waitpid(p->pid, &st, WNOHANG);
        if (w == p->pid)
            break;
        if (w < 0 && errno != EINTR)
            break;
        if (bcev_now() > deadline) {
            kill(p->pid, SIGKILL);
            waitpid(p->pid, &st, 0);
            killed = 1;
            break;
        }
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    p->pid = 0;
    if (status)
        *status = st;
    return killed;
}

const char *bce_iut_status_text(int status, char *buf, size_t size)
{
    if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
    return buf;
}

void bce_tool_xml_esc(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", out);
        else if (*s == '>') fputs("&gt;", out);
        else if (*s == '&') fputs("&amp;", out);
        else if (*s == '"') fputs("&quot;", out);
        else fputc(*s, out);
    }
}

int bce_iut_batch(bce_iut_proc *p, const char *in, size_t len, double deadline,
                  char **outp, size_t *olenp, int *status)
{
    size_t ocap = 1 << 16, olen = 0, off = 0;
    char *out = malloc(ocap);
    int wfd = p->wfd, rfd = p->rfd, timed_out = 0, oom = out == NULL;
    *status = 0;
    while (rfd >= 0 && !oom) {
        struct pollfd fds[2];
        int nf = 0, wi = -1, ri;
        if (wfd >= 0) {
            fds[nf] = (struct pollfd){wfd, POLLOUT, 0};
            wi = nf++;
        }
        fds[nf] = (struct pollfd){rfd, POLLIN, 0};
        ri = nf++;
        double left = deadline - bcev_now();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        int pr = poll(fds, (nfds_t)nf, left > 1 ? 1000 : (int)(left * 1000) + 1);
        if (pr < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (wi >= 0 && (fds[wi].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t k = write(wfd, in + off, len - off > (1 << 16) ? (1 << 16) : len - off);
            if (k > 0) off += (size_t)k;
            if ((k < 0 && errno != EAGAIN && errno != EINTR) || off == len) {
                /* done, or the IUT closed its input (EPIPE): its answers
                 * will tell */
                close(wfd);
                wfd = -1;
            }
        }
        if (fds[ri].revents & (POLLIN | POLLHUP | POLLERR)) {
            for (;;) {
                if (olen + 65536 > ocap) {
                    char *q = realloc(out, 2 * ocap);
                    if (q == NULL) { oom = 1; break; }
                    out = q;
                    ocap *= 2;
                }
                ssize_t k = read(rfd, out + olen, ocap - olen - 1);
                if (k > 0) { olen += (size_t)k; continue; }
                if (k == 0) { close(rfd); rfd = -1; }
                break;
            }
        }
    }
    if (wfd >= 0) close(wfd);
    if (rfd >= 0) close(rfd);
    p->wfd = p->rfd = -1;
    /* wait for the exit, within the deadline */
    int waited = 0;
    while (!timed_out && !oom) {
        pid_t w = waitpid(p->pid, status, WNOHANG);
        if (w == p->pid) { waited = 1; break; }
        if (bcev_now() > deadline) { timed_out = 1; break; }
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    if (!waited) {
        kill(p->pid, SIGKILL);
        waitpid(p->pid, status, 0);
    }
    if (out) out[olen] = '\0';
    *outp = out;
    *olenp = olen;
    return oom ? -3 : timed_out ? -2 : 0;
}
