/*
 * gc_iut_libbce.c -- an implementation under test for `bce gradcheck --
 * CMD`: libbce's fused regression (bce_logreg_f64/_f32 and
 * bce_logreg_hvp_*) speaking the interactive protocol of CONVENTIONS.md
 * (docs/PORTING.md, "Checking a gradient").  Registered as the test
 * program gc_iut_libbce (tools/meson.build), run by
 * tests/test_gradcheck_port.sh.
 *
 * usage: gc_iut_libbce [--die-after R] [--short R] [--nan R:J] [--hang R]
 *                      [--bad-header]
 * The options break it on purpose at request R (1-based): exit without
 * answering, a grad line one number short, coordinate J of the gradient
 * NaN, or no answer at all (the harness's timeout).
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L   /* getline */
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bce.h"

static char *line;
static size_t cap;
/* file-scope, so that they stay reachable at any exit (LeakSanitizer in
 * the sanitizer build would otherwise turn an exit status into 23) */
static double *x, *y, *sw, *w, *g, *vv;
static float *fx, *fy, *fsw, *fw, *fg, *fv;

static int getl(void) { return getline(&line, &cap, stdin) > 0; }

static int key(const char *hdr, const char *k, char *out, size_t size)
{
    const char *p = strstr(hdr, k);
    if (p == NULL)
        return -1;
    p += strlen(k);
    size_t i = 0;
    while (p[i] && p[i] != ' ' && p[i] != '\n' && i + 1 < size) {
        out[i] = p[i];
        i++;
    }
    out[i] = '\0';
    return 0;
}

int main(int argc, char **argv)
{
    long die = 0, shrt = 0, nanr = 0, nanj = 0, hang = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--die-after")) die = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--short")) shrt = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--hang")) hang = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--nan")) sscanf(argv[i + 1], "%ld:%ld", &nanr, &nanj);
    }
    if (!getl() || strncmp(line, "# bce-gradcheck 1 ", 18) != 0) {
        fprintf(stderr, "gc_iut_libbce: not a bce-gradcheck header\n");
        return 2;
    }
    char v[64];
    int f32 = key(line, "type=", v, sizeof v) == 0 && !strcmp(v, "f32");
    size_t n = key(line, " n=", v, sizeof v) == 0 ? strtoul(v, NULL, 10) : 0;
    size_t k = key(line, " k=", v, sizeof v) == 0 ? strtoul(v, NULL, 10) : 0;
    int icpt = key(line, "intercept=", v, sizeof v) == 0 && atoi(v);
    int wts = key(line, "weights=", v, sizeof v) == 0 && atoi(v);
    double l2 = key(line, "l2=", v, sizeof v) == 0 ? strtod(v, NULL) : 0;
    double pw = key(line, "pos_weight=", v, sizeof v) == 0 ? strtod(v, NULL) : 1;
    double sm = key(line, "label_smoothing=", v, sizeof v) == 0 ? strtod(v, NULL) : 0;
    bce_options opt = {0};
    key(line, "reduction=", v, sizeof v);
    opt.reduction = !strcmp(v, "sum") ? BCE_REDUCTION_SUM
                    : !strcmp(v, "weighted-mean") ? BCE_REDUCTION_WEIGHTED_MEAN
                    : BCE_REDUCTION_MEAN;
    if (pw != 1.0) {
        opt.flags |= BCE_OPT_POS_WEIGHT;
        opt.pos_weight = pw;
    }
    opt.label_smoothing = sm;
    size_t m = k + (size_t)icpt;
    x = malloc((n * k + 1) * sizeof *x);
    y = malloc((n + 1) * sizeof *y);
    sw = malloc((n + 1) * sizeof *sw);
    w = malloc((m + 1) * sizeof *w);
    g = malloc((m + 1) * sizeof *g);
    vv = malloc((m + 1) * sizeof *vv);
    fx = malloc((n * k + 1) * sizeof *fx);
    fy = malloc((n + 1) * sizeof *fy);
    fsw = malloc((n + 1) * sizeof *fsw);
    fw = malloc((m + 1) * sizeof *fw);
    fg = malloc((m + 1) * sizeof *fg);
    fv = malloc((m + 1) * sizeof *fv);
    if (!x || !y || !sw || !w || !g || !vv || !fx || !fy || !fsw || !fw || !fg || !fv)
        return 2;
    for (size_t i = 0; i < n; i++) {
        if (!getl())
            return 2;
        char *p = line, *e;
        y[i] = strtod(p, &e);
        for (size_t j = 0; j < k; j++)
            x[i * k + j] = strtod(p = e, &e);
        sw[i] = wts ? strtod(p = e, &e) : 1.0;
        fy[i] = (float)y[i];
        fsw[i] = (float)sw[i];
        for (size_t j = 0; j < k; j++)
            fx[i * k + j] = (float)x[i * k + j];
    }
    bce_logreg_f64_problem pb = {n, k, x, k, y, wts ? sw : NULL, icpt, l2};
    bce_logreg_f32_problem pf = {n, k, fx, k, fy, wts ? fsw : NULL, icpt, l2};
    long req = 0;
    while (getl()) {
        req++;
        if (req == die)
            return 3;
        if (req == hang)
            for (;;) pause();
        char *p = line + 1, *e;
        double *dst = line[0] == 'v' ? vv : w;
        for (size_t j = 0; j < m; j++) {
            dst[j] = strtod(p, &e);
            p = e;
        }
        bce_status st;
        if (line[0] == 'w') {
            double loss;
            if (f32) {
                float fl;
                for (size_t j = 0; j < m; j++) fw[j] = (float)w[j];
                st = bce_logreg_f32(&pf, fw, &opt, &fl, fg, NULL);
                loss = fl;
                for (size_t j = 0; j < m; j++) g[j] = fg[j];
            } else {
                st = bce_logreg_f64(&pb, w, &opt, &loss, g, NULL);
            }
            if (st != BCE_OK)
                return 4;
            if (req == nanr && (size_t)nanj < m)
                g[nanj] = NAN;
            printf("loss %a\ngrad", loss);
            for (size_t j = 0; j + (req == shrt) < m; j++)
                printf(" %a", g[j]);
        } else {
            if (f32) {
                for (size_t j = 0; j < m; j++) fv[j] = (float)vv[j];
                st = bce_logreg_hvp_f32(&pf, fw, fv, &opt, fg);
                for (size_t j = 0; j < m; j++) g[j] = fg[j];
            } else {
                st = bce_logreg_hvp_f64(&pb, w, vv, &opt, g);
            }
            if (st != BCE_OK)
                return 4;
            printf("hv");
            for (size_t j = 0; j < m; j++)
                printf(" %a", g[j]);
        }
        printf("\n");
        fflush(stdout);
    }
    return 0;
}
