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
