/*
 * iut.h -- what `bce check` and `bce gradcheck` share (iut.c): an
 * implementation under test run as a child process with both its standard
 * streams on pipes (non-blocking, every wait bounded by a deadline on
 * bcev_now()'s clock), and JUnit's escaping.  (The --json/--junit files
 * and JSON itself: bcev_cli.h.)
 */
#ifndef BCE_TOOL_IUT_H
#define BCE_TOOL_IUT_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

typedef struct bce_iut_proc {
    pid_t pid;
    int wfd, rfd;             /* our ends: its stdin, its stdout (-1 closed) */
    char *buf;                /* bytes read, not yet returned as lines      */
    size_t len, cap, off;
} bce_iut_proc;

/* Start cmd (execvp) with stdin and stdout on non-blocking pipes; the
 * child's exec failure is reported on stderr by the child ("bce TOOL: cannot
 * run ...") and exits 127.  Returns 0, or -1 with errno set. */
int bce_iut_spawn(char *const *cmd, const char *tool, bce_iut_proc *p);

/* Write n bytes before the deadline.  Returns 0, -1 when the IUT closed its
 * input (or died), -2 on timeout. */
int bce_iut_write(bce_iut_proc *p, const char *s, size_t n, double deadline);

/* The next line of output (without its newline, NUL-terminated, valid until
 * the next call) before the deadline.  Returns 0, -1 at end of output (the
 * IUT closed stdout or exited), -2 on timeout, -3 out of memory. */
int bce_iut_readline(bce_iut_proc *p, double deadline, char **line);

/* Close both pipes, wait for the exit until the deadline, then SIGKILL.
 * *status (may be NULL) receives waitpid's status; returns 1 when the IUT
 * had to be killed, else 0. */
int bce_iut_finish(bce_iut_proc *p, double deadline, int *status);

/* The batch protocol's exchange: write in[0..len) while reading every
 * answer byte (no deadlock at any size), close the IUT's input when all is
 * written, read to its end of output, wait for its exit; all before the
 * deadline, else SIGKILL.  *out (malloc'd, NUL-terminated, *olen bytes; the
 * caller frees it) and *status (waitpid's) are always set.  Returns 0, -2
 * on timeout, -3 out of memory. */
int bce_iut_batch(bce_iut_proc *p, const char *in, size_t len, double deadline,
                  char **out, size_t *olen, int *status);

/* "exited with status S" / "killed by signal N (NAME)" into buf. */
const char *bce_iut_status_text(int status, char *buf, size_t size);

/* s with XML's five specials escaped (JUnit files). */
void bce_tool_xml_esc(FILE *out, const char *s);

#endif
