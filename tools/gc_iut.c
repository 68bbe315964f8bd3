/*
 * gc_iut.c -- `bce gradcheck`'s implementation under test: a function with
 * the --lib signature (bcev_logreg_fn_f64/_f32 of bce_gradcheck.h, libbce's
 * shim without an IUT) or a process speaking the interactive protocol of
 * CONVENTIONS.md:
 *   # bce-gradcheck 1 type=T n=N k=K reduction=R intercept=0|1 l2=L
 *     pos_weight=P label_smoothing=A weights=0|1
 *   y x1 ... xk [w]                      (n lines, C99 hex floats)
 * then one request at a time, the IUT flushing after each answer:
 *   w w_1 ... w_m        ->  loss L  /  grad g_1 ... g_m
 *   v v_1 ... v_m        ->  hv h_1 ... h_m     (Hessian at the last w)
 * Answers in any syntax strtod (strtof for f32) reads; blank lines and
 * lines starting with '#' are skipped.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bcev_cli.h"
#include "gc.h"
#include "tool.h"

const char *gc_red_name(bce_reduction r)
{
    return r == BCE_REDUCTION_SUM ? "sum"
           : r == BCE_REDUCTION_WEIGHTED_MEAN ? "weighted-mean"
           : r == BCE_REDUCTION_MEAN ? "mean" : "none";
}

static int iut_error(const gc_iut *I, const char *why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int iut_error(const gc_iut *I, const char *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bce gradcheck: IUT error: problem '%s'", I->P->name);
    if (why != NULL)
        fprintf(stderr, ", parameter vector #%zu (%s)", I->nreq, why);
    fputs(": ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return BCE_EXIT_USAGE;
}

static int put(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int put(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
        va_end(ap);
        if (k < 0)
            return -1;
        if ((size_t)k < *cap - *len) {
            *len += (size_t)k;
            return 0;
        }
        char *b = realloc(*buf, 2 * *cap + (size_t)k);
        if (b == NULL)
            return -1;
        *buf = b;
        *cap = 2 * *cap + (size_t)k;
    }
}

int gc_iut_begin(gc_iut *I, const gc_problem *P)
{
    const size_t n = P->n, k = P->k, m = P->m;
    I->P = P;
    I->nreq = 0;
    I->have_lastw = 0;
    I->running = 0;
    I->req = malloc(32 * (m + 2));
    I->lastw = malloc((m ? m : 1) * sizeof *I->lastw);
    if (I->req == NULL || I->lastw == NULL)
        return iut_error(I, NULL, "out of memory");
    if (P->type == BCEV_F32) {
        size_t sz = n * k + 2 * n + 4 * m + 1;
        float *f = I->fdata = malloc(sz * sizeof *f);
        if (f == NULL)
            return iut_error(I, NULL, "out of memory");
        for (size_t i = 0; i < n * k; i++)
            f[i] = (float)P->x[i];
        for (size_t i = 0; i < n; i++) {
            f[n * k + i] = (float)P->y[i];
            if (P->sw)
                f[n * k + n + i] = (float)P->sw[i];
        }
    }
    if (I->kind != GC_PROC)
        return 0;
    /* the header and the data */
    size_t cap = 256 + n * (k + 2) * 26, len = 0;
    char *in = malloc(cap);
    if (in == NULL)
        return iut_error(I, NULL, "out of memory");
    int bad = put(&in, &len, &cap, "# bce-gradcheck 1 type=%s n=%zu k=%zu reduction=%s "
                  "intercept=%d l2=%a pos_weight=%a label_smoothing=%a weights=%d\n",
                  P->type == BCEV_F32 ? "f32" : "f64", n, k, gc_red_name(P->red),
                  P->intercept ? 1 : 0, P->l2, P->pos_weight, P->smoothing,
                  P->sw != NULL);
    for (size_t i = 0; i < n && !bad; i++) {
        bad |= put(&in, &len, &cap, "%a", P->y[i]);
        for (size_t j = 0; j < k; j++)
            bad |= put(&in, &len, &cap, " %a", P->x[i * k + j]);
        if (P->sw)
            bad |= put(&in, &len, &cap, " %a", P->sw[i]);
        bad |= put(&in, &len, &cap, "\n");
    }
    if (bad) {
        free(in);
        return iut_error(I, NULL, "out of memory");
    }
    if (bce_iut_spawn(I->cmd, "gradcheck", &I->proc) != 0) {
        free(in);
        return iut_error(I, NULL, "cannot start '%s': %s",
                         bce_tool_esc(I->cmd[0], BCE_TOOL_ESC_NAME), strerror(errno));
    }
    I->running = 1;
    /* --timeout bounds each megabyte of data: a slow reader of a large
     * problem is not a dead one */
    int r = 0;
    for (size_t off = 0; off < len && r == 0; off += 1 << 20)
        r = bce_iut_write(&I->proc, in + off, len - off < (1 << 20) ? len - off : 1 << 20,
                          bcev_now() + I->timeout);
    free(in);
    if (r == -2)
        return iut_error(I, NULL, "timed out: %g s (--timeout) without reading "
                         "a megabyte of its %zu data lines", I->timeout, n);
    if (r != 0) {
        int st;
        char sbuf[96];
        bce_iut_finish(&I->proc, bcev_now() + 1, &st);
        I->running = 0;
        return iut_error(I, NULL, "the IUT stopped reading its input (%s) before "
                         "the end of the %zu data lines",
                         bce_iut_status_text(st, sbuf, sizeof sbuf), n);
    }
    return 0;
}

/* The next answer line, keyword kw, with cnt numbers into out. */
static int read_answer(gc_iut *I, const char *kw, size_t cnt, double *out,
                       const char *why)
{
    const gc_problem *P = I->P;
    char *line;
    int r;
    for (;;) {
        r = bce_iut_readline(&I->proc, bcev_now() + I->timeout, &line);
        if (r != 0)
            break;
        char *q = line;
        while (*q == ' ' || *q == '\t' || *q == '\r') q++;
        if (*q != '\0' && *q != '#')
            break;
    }
    if (r == -2)
        return iut_error(I, why, "timed out after %g s (--timeout) waiting for "
                         "its '%s' line", I->timeout, kw);
    if (r == -3)
        return iut_error(I, why, "out of memory");
    if (r == -1) {
        int st;
        char sbuf[96];
        bce_iut_finish(&I->proc, bcev_now() + 1, &st);
        I->running = 0;
        return iut_error(I, why, "the IUT closed its output (%s) without its "
                         "'%s' line", bce_iut_status_text(st, sbuf, sizeof sbuf), kw);
    }
    char *s = line;
    while (*s == ' ' || *s == '\t') s++;
    size_t kl = strlen(kw);
    if (strncmp(s, kw, kl) != 0 || (s[kl] != ' ' && s[kl] != '\t' && s[kl] != '\0'
                                    && s[kl] != '\r'))
        return iut_error(I, why, "expected a line '%s ...', got '%s'", kw,
                         bce_tool_esc(line, BCE_TOOL_ESC_TOKEN));
    s += kl;
    for (size_t j = 0; j < cnt; j++) {
        char *e;
        while (*s == ' ' || *s == '\t') s++;
        errno = 0;
        out[j] = P->type == BCEV_F32 ? (double)strtof(s, &e) : strtod(s, &e);
        if (e == s) {
            const char *c = cnt == 1 ? "the value" : P->coord[j];
            if (*s == '\0' || *s == '\r')
                return iut_error(I, why, "'%s' line has %zu numbers, expected %zu: "
                                 "coordinate %zu (%s) missing", kw, j, cnt, j, c);
            return iut_error(I, why, "'%s' line, coordinate %zu (%s): not a number: "
                             "'%s'", kw, j, c, bce_tool_esc(s, BCE_TOOL_ESC_TOKEN));
        }
        s = e;
    }
    while (*s == ' ' || *s == '\t' || *s == '\r') s++;
    if (*s != '\0')
        return iut_error(I, why, "'%s' line has more than the %zu numbers expected: "
                         "'%s'", kw, cnt, bce_tool_esc(s, BCE_TOOL_ESC_TOKEN));
    return 0;
}

static int send_vec(gc_iut *I, char kw, const double *x, const char *why)
{
    size_t len = (size_t)snprintf(I->req, 8, "%c", kw);
    for (size_t j = 0; j < I->P->m; j++)
        len += (size_t)snprintf(I->req + len, 32, " %a", x[j]);
    I->req[len++] = '\n';
    int r = bce_iut_write(&I->proc, I->req, len, bcev_now() + I->timeout);
    if (r == -2)
        return iut_error(I, why, "timed out after %g s (--timeout) sending the "
                         "request", I->timeout);
    if (r != 0) {
        int st;
        char sbuf[96];
        bce_iut_finish(&I->proc, bcev_now() + 1, &st);
        I->running = 0;
        return iut_error(I, why, "the IUT is gone (%s): cannot send the '%c' request",
                         bce_iut_status_text(st, sbuf, sizeof sbuf), kw);
    }
    return 0;
}

/* NaN or inf in an answer: an IUT error naming the coordinate. */
static int finite_or_error(gc_iut *I, const char *kw, const double *x, size_t cnt,
                           const char *why)
{
    for (size_t j = 0; j < cnt; j++)
        if (!isfinite(x[j])) {
            const char *v = isnan(x[j]) ? "NaN" : x[j] > 0 ? "+inf" : "-inf";
            return cnt == 1 ? iut_error(I, why, "%s is %s", kw, v)
                            : iut_error(I, why, "%s coordinate %zu (%s) is %s", kw, j,
                                        I->P->coord[j], v);
        }
    return 0;
}

static int eval_lib(gc_iut *I, const double *w, double *loss, double *grad,
                    const double *v, double *hv, const char *why)
{
    const gc_problem *P = I->P;
    const size_t n = P->n, k = P->k, m = P->m;
    int r;
    if (P->type == BCEV_F64) {
        r = I->f64(n, k, P->x, k, P->y, P->sw, P->intercept, P->l2, P->pos_weight,
                   P->smoothing, (int)P->red, w, loss, grad, v, v ? hv : NULL);
    } else {
        float *x = I->fdata, *y = x + n * k, *sw = y + n, *fw = sw + n;
        float *fv = fw + m, *fg = fv + m, *fh = fg + m, fl = 0.0f;
        for (size_t j = 0; j < m; j++) {
            fw[j] = (float)w[j];
            if (v)
                fv[j] = (float)v[j];
        }
        r = I->f32(n, k, x, k, y, P->sw ? sw : NULL, P->intercept, P->l2,
                   P->pos_weight, P->smoothing, (int)P->red, fw, loss ? &fl : NULL,
                   grad ? fg : NULL, v ? fv : NULL, v ? fh : NULL);
        if (loss)
            *loss = fl;
        for (size_t j = 0; j < m; j++) {
            if (grad)
                grad[j] = fg[j];
            if (v)
                hv[j] = fh[j];
        }
    }
    if (r != 0) {
        /* libbce's shim returns a bce_status: name it */
        int shim = P->type == BCEV_F64 ? I->f64 == bcev_logreg_shim_f64
                                       : I->f32 == bcev_logreg_shim_f32;
        return iut_error(I, why, "%s returned %d%s%s%s", I->label, r,
                         shim ? " (" : "", shim ? bce_status_name((bce_status)r) : "",
                         shim ? ")" : "");
    }
    return 0;
}

int gc_iut_eval(gc_iut *I, const double *w, double *loss, double *grad,
                const double *v, double *hv, const char *why)
{
    const size_t m = I->P->m;
    int r;
    I->nreq++;
    if (I->kind == GC_LIB) {
        r = eval_lib(I, w, loss, grad, v, hv, why);
    } else {
        r = 0;
        if (!I->have_lastw || memcmp(I->lastw, w, m * sizeof *w) != 0 || loss || grad) {
            double l, *g = malloc((m ? m : 1) * sizeof *g);
            if (g == NULL)
                return iut_error(I, why, "out of memory");
            r = send_vec(I, 'w', w, why);
            if (r == 0)
                r = read_answer(I, "loss", 1, &l, why);
            if (r == 0)
                r = read_answer(I, "grad", m, g, why);
            /* every number answered must be finite, wanted or not */
            if (r == 0)
                r = finite_or_error(I, "loss", &l, 1, why);
            if (r == 0)
                r = finite_or_error(I, "grad", g, m, why);
            if (r == 0) {
                memcpy(I->lastw, w, m * sizeof *w);
                I->have_lastw = 1;
                if (loss)
                    *loss = l;
                if (grad)
                    memcpy(grad, g, m * sizeof *g);
            }
            free(g);
        }
        if (r == 0 && v != NULL) {
            r = send_vec(I, 'v', v, why);
            if (r == 0)
                r = read_answer(I, "hv", m, hv, why);
        }
    }
    if (r == 0 && loss)
        r = finite_or_error(I, "loss", loss, 1, why);
    if (r == 0 && grad)
        r = finite_or_error(I, "grad", grad, m, why);
    if (r == 0 && v)
        r = finite_or_error(I, "hv", hv, m, why);
    return r;
}

int gc_iut_end(gc_iut *I, int quiet_kill)
{
    int ret = 0;
    if (I->running) {
        int st = 0;
        /* its input closed: it should exit at once */
        if (I->proc.wfd >= 0) {
            close(I->proc.wfd);
            I->proc.wfd = -1;
        }
        int killed = bce_iut_finish(&I->proc, bcev_now() + (quiet_kill ? 0.2 : 10),
                                    &st);
        char sbuf[96];
        if (!quiet_kill && (killed || st != 0))
            ret = iut_error(I, NULL, "after its last answer the IUT %s",
                            killed ? "did not exit within 10 s of the end of its "
                                     "input (killed)"
                                   : bce_iut_status_text(st, sbuf, sizeof sbuf));
        I->running = 0;
    }
    free(I->fdata);
    free(I->req);
    free(I->lastw);
    I->fdata = NULL;
    I->req = NULL;
    I->lastw = NULL;
    return ret;
}
