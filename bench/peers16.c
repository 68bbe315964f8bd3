/*
 * peers16.c -- the textbook BCE of 16-bit inputs as two peers compute it,
 * measured over EVERY (z or p, y) pair of bf16 or f16 with y in [0, 1]
 * (every label value of the type, -0 included, as `bce exhaustive --label
 * all`), against the correctly rounded 16-bit outputs (docs/ACCURACY.md,
 * "Peers over every pair").
 *
 * The reference: libbce's own outputs, which the exhaustive runs certify
 * on every one of these pairs (data/exhaustive/lowp/all-*.json and
 * tool-all-*.json: 0 misrounded, float and 16-bit outputs):
 * bce_<form>_<t>_<t> gives the correctly rounded 16-bit value (a pair is
 * "correctly rounded" when the peer returns exactly it; +0 and -0 equal),
 * bce_<form>_<t> the correctly rounded binary32 value v32, from which the
 * error in 16-bit ulps is |got - v32| / ulp16(v32) (v32 is within 2^-24
 * relative of the exact value, so the figure is within 2^-13 ulp16 of the
 * error against the exact value).  ulp16(v): the spacing of the 16-bit type
 * at v's binade (the subnormal spacing below the normal range).  An output
 * that is infinite or NaN where the exact value is finite (or the reverse,
 * or an infinity of the other sign) counts as an infinite error.
 *
 * The peers (each operation named with where it rounds; R = RN to the
 * 16-bit type, F = RN to binary32; elementary functions computed in double
 * by libm and rounded once to the target (R(exp(x)), F(exp(x))), which is
 * the correctly rounded value unless the double lies within 2^-50 relative
 * of a midpoint: the best case for the peer):
 *
 *  optax (logits): optax.sigmoid_binary_cross_entropy in the input dtype,
 *   log_p = log_sigmoid(z), log_not_p = log_sigmoid(-z),
 *   loss = -y log_p - (1 - y) log_not_p, with jax.nn.log_sigmoid(x) =
 *   -softplus(-x), softplus(t) = logaddexp(t, 0) = max(t, 0) +
 *   log1p(exp(-|t|)) (jnp.logaddexp), every op in the 16-bit type:
 *     l = R(log1p(R(exp(-|z|))))                       (|z|, negation exact)
 *     A = R(max(-z, 0) + l)  (= -log_p),  B = R(max(z, 0) + l)  (= -log_not_p)
 *     c = R(1 - y)
 *     loss = R(R(y A) + R(c B))
 *   The gradient as JAX's reverse mode gives it, through logaddexp's
 *   custom JVP (d logaddexp(t, 0)/dt = exp(t - logaddexp(t, 0))), every
 *   op in the 16-bit type:
 *     e1 = R(exp(R(-z - A))),  e2 = R(exp(R(z - B)))
 *     grad = R(R(c e2) - R(y e1))
 *   (XLA may keep some intermediates in f32 when it fuses, with
 *   xla_allow_excess_precision; this is the per-operation rounding the
 *   dtype promises.)
 *  optax-style (probs; optax has no probability form): the textbook
 *   loss = -(y log p + (1 - y) log1p(-p)) in the 16-bit type, its gradient
 *   by reverse mode (d log p = 1/p, d log1p(u) = 1/(1 + u)):
 *     lp = R(log p), l1 = R(log1p(-p)), c = R(1 - y)
 *     loss = -R(R(y lp) + R(c l1))
 *     grad = R(R(-y / p) + R(c / R(1 - p)))
 *  torch (logits): PyTorch 1.13's CPU binary_cross_entropy_with_logits in
 *   binary32 on the widened inputs (exact), then the result rounded to the
 *   16-bit type (RN16(RN32(...)), autocast's f32 loss cast back):
 *     m = max(-z, 0)
 *     loss32 = F(F(F(F(1 - y) z) + m) + F(log(F(F(exp(-m)) + F(exp(F(-z - m)))))))
 *     grad32 = F(F(1 / F(1 + F(exp(-z)))) - y)      (sigmoid(z) - y)
 *     loss = R(loss32), grad = R(grad32)
 *  torch (probs): PyTorch 1.13's CPU binary_cross_entropy (BCELoss, log
 *   clamped at -100) and its backward, in binary32, rounded at the end:
 *     loss32 = F(F((y - 1) max(F(log(F(1 - p))), -100)) - F(y max(F(log p), -100)))
 *   (log(1 - p), not log1p(-p): 1.13's CPU kernel; 1 - p rounds to 1 in
 *   binary32 for p < 2^-25, and the loss loses the (1 - y) p term)
 *     grad32 = F(F(p - y) / max(F(F(1 - p) p), 1e-12f))
 *     loss = R(loss32), grad = R(grad32)
 *   (tools: bench/peers16_torch.py compares these with torch itself.)
 *
 * Inputs: every finite z (every p in [0, 1]) of the type; z = +-inf (4 of
 * 65,282 bf16 patterns' labels) are left out: the peers' infinities depend
 * on library details this emulation does not model.
 *
 * usage: peers16 logits|probs bf16|f16 [--threads T] [--json FILE]
 *        peers16 logits|probs bf16|f16 --sample N [--seed S]
 *          (N random pairs: "x y torch_loss32 torch_grad32 torch_loss
 *           torch_grad optax_loss optax_grad", hex floats)
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bce.h"

enum { BF16 = 0, F16 = 1 };
enum { P_OPTAX, P_TORCH, NPEER };
static const char *const peer_name[2][NPEER] = {{"optax", "torch"}, {"optax-style", "torch"}};

static int T, FORM;          /* type, form (0 logits, 1 probs) */
static int PREC, EMIN, EMAX;

/* ---------------------------------------------------------------- */
/* The 16-bit type */

static double from16(uint16_t h)
{
    if (T == BF16) {
        uint32_t u = (uint32_t)h << 16;
        float f;
        memcpy(&f, &u, sizeof f);
        return f;
    }
    const int s = h >> 15, e = (h >> 10) & 31, m = h & 1023;
    double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(1024 + m, e - 25);
    return s ? -v : v;
}

static uint64_t dbits(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

static double pow2(int k)   /* 2^k, k in the normal range of double */
{
    uint64_t u = (uint64_t)(k + 1023) << 52;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* R: round-to-nearest-even of a double to the 16-bit type, as a double.
 * k = |v| 2^-q is exact (a power-of-two scaling), below 2^12, and
 * (k + 2^52) - 2^52 rounds it to an integer, ties to even. */
static inline double R(double v)
{
    double a = fabs(v);
    if (!(a > 0) || a == INFINITY) return v;   /* 0, inf, NaN */
    int e = (int)((dbits(a) >> 52) & 0x7ff) - 1023;   /* a double subnormal: -1023 */
    if (e < EMIN - PREC - 1) return v < 0 ? -0.0 : 0.0;   /* below half the least subnormal */
    int q = (e > EMIN ? e : EMIN) - PREC + 1;
    double k = a * pow2(-q);
    double r = ((k + 0x1p52) - 0x1p52) * pow2(q);
    if (r >= pow2(EMAX + 1)) r = INFINITY;
    return v < 0 ? -r : r;
}

/* the 16-bit spacing at v's binade */
static double ulp16(double v)
{
    double a = fabs(v);
    int e = a > 0 ? (int)((dbits(a) >> 52) & 0x7ff) - 1023 : EMIN;
    if (e < EMIN) e = EMIN;
    if (e > EMAX) e = EMAX;
    return pow2(e - PREC + 1);
}

static float F(double v) { return (float)v; }   /* RN to binary32 (overflow: inf) */

/* ---------------------------------------------------------------- */
/* The peers, split into what depends on x alone (once per x) and the rest */

typedef struct xpre {
    double x;
    /* optax logits: A, B, e1, e2; optax-style probs: lp, l1, q = R(1 - p) */
    double o[4];
    /* torch: logits m, lg, sg; probs a = max(log1p(-p), -100), b = max(log p, -100), d */
    float t[3];
} xpre;

static void pre(double x, xpre *p)
{
    p->x = x;
    if (FORM == 0) {
        const double l = R(log1p(R(exp(-fabs(x)))));
        const double A = R(fmax(-x, 0) + l), B = R(fmax(x, 0) + l);
        p->o[0] = A;
        p->o[1] = B;
        p->o[2] = R(exp(R(-x - A)));
        p->o[3] = R(exp(R(x - B)));
        const float z = (float)x;
        const float m = -z > 0 ? -z : 0.0f;
        const float e1 = F(exp(-(double)m)), e2 = F(exp((double)(-z - m)));
        p->t[0] = m;
        p->t[1] = F(log((double)(e1 + e2)));
        const float d = 1.0f + F(exp(-(double)z));
        p->t[2] = 1.0f / d;
    } else {
        p->o[0] = R(log(x));
        p->o[1] = R(log1p(-x));
        p->o[2] = R(1 - x);
        const float pf = (float)x;
        const float a = F(log((double)(1.0f - pf))), b = F(log((double)pf));
        p->t[0] = a > -100.0f ? a : -100.0f;
        p->t[1] = b > -100.0f ? b : -100.0f;
        const float d = (1.0f - pf) * pf;
        p->t[2] = d > 1e-12f ? d : 1e-12f;
    }
}

/* out[peer][0 loss, 1 grad]; t32: torch's binary32 values */
static void peers(const xpre *p, double y, double out[NPEER][2], float t32[2])
{
    const double c = R(1 - y);
    const float yf = (float)y;
    if (FORM == 0) {
        out[P_OPTAX][0] = R(R(y * p->o[0]) + R(c * p->o[1]));
        out[P_OPTAX][1] = R(R(c * p->o[3]) - R(y * p->o[2]));
        const float z = (float)p->x;
        const float t1 = 1.0f - yf, t2 = t1 * z, t3 = t2 + p->t[0];
        t32[0] = t3 + p->t[1];
        t32[1] = p->t[2] - yf;
    } else {
        out[P_OPTAX][0] = -R(R(y * p->o[0]) + R(c * p->o[1]));
        out[P_OPTAX][1] = R(R(-y / p->x) + R(c / p->o[2]));
        const float pf = (float)p->x;
        const float t1 = (yf - 1.0f) * p->t[0], t2 = yf * p->t[1];
        t32[0] = t1 - t2;
        const float num = pf - yf;
        t32[1] = num / p->t[2];
    }
    out[P_TORCH][0] = R(t32[0]);
    out[P_TORCH][1] = R(t32[1]);
}

/* ---------------------------------------------------------------- */
/* The run */

typedef struct stat {
    uint64_t pairs, not_cr, over1, nonfinite;
    double max_err;            /* over the finite errors */
    double wx, wy, wgot, wexp; /* the worst finite pair (first in label, x order) */
    double nx, ny, ngot, nexp; /* the first infinite one */
    int wset, nset;
} stat;

typedef struct job {
    const xpre *xs;
    size_t nx;
    const uint16_t *xb;
    const uint16_t *labels;
    size_t lo, hi;
    stat st[NPEER][2];
    stat hard[NPEER][2];    /* the same over the pairs with y in {-0, 0, 1} */
    uint64_t pairs;
} job;

static void note(stat *s, double x, double y, double got, double cr16, double v32)
{
    s->pairs++;
    if (got == cr16 || (isnan(got) && isnan(cr16))) return;
    s->not_cr++;
    if (isnan(got) || isinf(got) || isinf(v32) || isnan(v32)) {
        s->over1++;
        if (!s->nset) { s->nx = x; s->ny = y; s->ngot = got; s->nexp = cr16; s->nset = 1; }
        s->nonfinite++;
        return;
    }
    const double err = fabs(got - v32) / ulp16(v32);
    if (err > 1) s->over1++;
    if (!s->wset || err > s->max_err) {
        s->max_err = err;
        s->wx = x; s->wy = y; s->wgot = got; s->wexp = cr16;
        s->wset = 1;
    }
}

static void *run(void *arg)
{
    job *J = arg;
    const size_t n = J->nx;
    uint16_t *yb = malloc(n * sizeof *yb), *l16 = malloc(n * sizeof *l16), *g16 = malloc(n * sizeof *g16);
    float *lf = malloc(n * sizeof *lf), *gf = malloc(n * sizeof *gf);
    if (!yb || !l16 || !g16 || !lf || !gf) { fprintf(stderr, "peers16: out of memory\n"); exit(2); }
    for (size_t k = J->lo; k < J->hi; k++) {
        const uint16_t lb = J->labels[k];
        const double y = from16(lb);
        for (size_t i = 0; i < n; i++) yb[i] = lb;
        bce_status s1, s2;
        if (T == BF16) {
            s1 = FORM ? bce_probs_bf16_bf16(n, J->xb, yb, NULL, NULL, l16, g16)
                      : bce_logits_bf16_bf16(n, J->xb, yb, NULL, NULL, l16, g16);
            s2 = FORM ? bce_probs_bf16(n, J->xb, yb, NULL, NULL, lf, gf)
                      : bce_logits_bf16(n, J->xb, yb, NULL, NULL, lf, gf);
        } else {
            s1 = FORM ? bce_probs_f16_f16(n, J->xb, yb, NULL, NULL, l16, g16)
                      : bce_logits_f16_f16(n, J->xb, yb, NULL, NULL, l16, g16);
            s2 = FORM ? bce_probs_f16(n, J->xb, yb, NULL, NULL, lf, gf)
                      : bce_logits_f16(n, J->xb, yb, NULL, NULL, lf, gf);
        }
        if (s1 != BCE_OK || s2 != BCE_OK) {
            fprintf(stderr, "peers16: libbce status %d/%d at label %a\n", (int)s1, (int)s2, y);
            exit(2);
        }
        for (size_t i = 0; i < n; i++) {
            double out[NPEER][2];
            float t32[2];
            peers(&J->xs[i], y, out, t32);
            const double cr[2] = {from16(l16[i]), from16(g16[i])};
            const double v32[2] = {lf[i], gf[i]};
            for (int p = 0; p < NPEER; p++)
                for (int o = 0; o < 2; o++) {
                    note(&J->st[p][o], J->xs[i].x, y, out[p][o], cr[o], v32[o]);
                    if (y == 0 || y == 1)
                        note(&J->hard[p][o], J->xs[i].x, y, out[p][o], cr[o], v32[o]);
                }
        }
        J->pairs += n;
    }
    free(yb); free(l16); free(g16); free(lf); free(gf);
    return NULL;
}

static void merge(stat *d, const stat *s)
{
    d->pairs += s->pairs;
    d->not_cr += s->not_cr;
    d->over1 += s->over1;
    d->nonfinite += s->nonfinite;
    if (s->wset && (!d->wset || s->max_err > d->max_err)) {
        d->max_err = s->max_err;
        d->wx = s->wx; d->wy = s->wy; d->wgot = s->wgot; d->wexp = s->wexp;
        d->wset = 1;
    }
    if (s->nset && !d->nset) {
        d->nx = s->nx; d->ny = s->ny; d->ngot = s->ngot; d->nexp = s->nexp;
        d->nset = 1;
    }
}

static uint64_t rs;
static uint64_t rnd(void)
{
    uint64_t z = (rs += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: peers16 logits|probs bf16|f16 [--threads T] [--json FILE] | [--sample N [--seed S]]\n");
        return 2;
    }
    FORM = !strcmp(argv[1], "probs") ? 1 : !strcmp(argv[1], "logits") ? 0 : -1;
    T = !strcmp(argv[2], "bf16") ? BF16 : !strcmp(argv[2], "f16") ? F16 : -1;
    if (FORM < 0 || T < 0) {
        fprintf(stderr, "peers16: expected logits|probs bf16|f16\n");
        return 2;
    }
    PREC = T == BF16 ? 8 : 11;
    EMIN = T == BF16 ? -126 : -14;
    EMAX = T == BF16 ? 127 : 15;
    unsigned threads = 1;
    long sample = 0;
    uint64_t seed = 1;
    const char *json = NULL;
    for (int i = 3; i < argc; i++) {
        if (i + 1 >= argc) { fprintf(stderr, "peers16: %s needs a value\n", argv[i]); return 2; }
        if (!strcmp(argv[i], "--threads")) threads = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--sample")) sample = atol(argv[++i]);
        else if (!strcmp(argv[i], "--seed")) seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--json")) json = argv[++i];
        else { fprintf(stderr, "peers16: unknown option %s\n", argv[i]); return 2; }
    }
    if (threads < 1 || threads > 64) threads = 1;
    /* every finite x (p in [0, 1]); every label in [0, 1], -0 first */
    uint16_t *xb = malloc(65536 * sizeof *xb), *labels = malloc(65536 * sizeof *labels);
    xpre *xs = malloc(65536 * sizeof *xs);
    size_t nx = 0, nl = 0;
    for (uint32_t b = 0; b < 65536; b++) {
        double x = from16((uint16_t)b);
        if (!isfinite(x) || (FORM && !(x >= 0 && x <= 1))) continue;
        xb[nx] = (uint16_t)b;
        pre(x, &xs[nx]);
        nx++;
    }
    labels[nl++] = 0x8000;
    for (uint32_t b = 0; from16((uint16_t)b) <= 1.0; b++) labels[nl++] = (uint16_t)b;
    if (sample > 0) {
        rs = seed;
        for (long k = 0; k < sample; k++) {
            const xpre *p = &xs[rnd() % nx];
            double y = from16(labels[rnd() % nl]);
            double out[NPEER][2];
            float t32[2];
            peers(p, y, out, t32);
            printf("%a %a %a %a %a %a %a %a\n", p->x, y, (double)t32[0], (double)t32[1],
                   out[P_TORCH][0], out[P_TORCH][1], out[P_OPTAX][0], out[P_OPTAX][1]);
        }
        free(xb); free(labels); free(xs);
        return 0;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    job *jobs = calloc(threads, sizeof *jobs);
    pthread_t *tid = calloc(threads, sizeof *tid);
    for (unsigned t = 0; t < threads; t++) {
        jobs[t].xs = xs; jobs[t].nx = nx; jobs[t].xb = xb; jobs[t].labels = labels;
        jobs[t].lo = nl * t / threads; jobs[t].hi = nl * (t + 1) / threads;
    }
    for (unsigned t = 1; t < threads; t++) pthread_create(&tid[t], NULL, run, &jobs[t]);
    run(&jobs[0]);
    for (unsigned t = 1; t < threads; t++) pthread_join(tid[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    stat st[NPEER][2], hd[NPEER][2];
    memset(st, 0, sizeof st);
    memset(hd, 0, sizeof hd);
    uint64_t pairs = 0;
    for (unsigned t = 0; t < threads; t++) {   /* label order: the first worst wins */
        pairs += jobs[t].pairs;
        for (int p = 0; p < NPEER; p++)
            for (int o = 0; o < 2; o++) {
                merge(&st[p][o], &jobs[t].st[p][o]);
                merge(&hd[p][o], &jobs[t].hard[p][o]);
            }
    }
    printf("%s %s: %zu x values x %zu labels = %llu pairs, %.1f s (%u thread%s)\n", argv[1], argv[2],
           nx, nl, (unsigned long long)pairs, secs, threads, threads == 1 ? "" : "s");
    for (int set = 0; set < 2; set++) {
        stat (*S)[2] = set ? hd : st;
        printf("%s\n| peer | output | max ulp (finite outputs) | not correctly rounded | > 1 ulp | non-finite | worst finite input: x, y -> got (correctly rounded) | first non-finite: x, y -> got (correctly rounded) |\n",
               set ? "labels y in {0, 1} only:" : "every label:");
        printf("|---|---|---|---|---|---|---|---|\n");
        for (int p = 0; p < NPEER; p++)
            for (int o = 0; o < 2; o++) {
                const stat *s = &S[p][o];
                printf("| %s | %s | %.4g | %.3g%% (%llu) | %.3g%% (%llu) | %llu |", peer_name[FORM][p],
                       o ? "grad" : "loss", s->max_err, 100.0 * (double)s->not_cr / (double)s->pairs,
                       (unsigned long long)s->not_cr, 100.0 * (double)s->over1 / (double)s->pairs,
                       (unsigned long long)s->over1, (unsigned long long)s->nonfinite);
                if (s->wset) printf(" %a, %a -> %a (%a) |", s->wx, s->wy, s->wgot, s->wexp);
                else printf(" |");
                if (s->nset) printf(" %a, %a -> %a (%a) |\n", s->nx, s->ny, s->ngot, s->nexp);
                else printf(" |\n");
            }
    }
    if (json) {
        FILE *f = fopen(json, "w");
        if (!f) { perror(json); return 2; }
        fprintf(f, "{\"tool\": \"peers16\", \"libbce\": \"%s\", \"form\": \"%s\", \"type\": \"%s\", "
                "\"x_values\": %zu, \"labels\": %zu, \"pairs\": %llu, \"seconds\": %.1f,\n\"rows\": [",
                bce_version(), argv[1], argv[2], nx, nl, (unsigned long long)pairs, secs);
        for (int set = 0; set < 2; set++)
        for (int p = 0; p < NPEER; p++)
            for (int o = 0; o < 2; o++) {
                const stat *s = set ? &hd[p][o] : &st[p][o];
                fprintf(f, "%s\n  {\"labels\": \"%s\", \"peer\": \"%s\", \"output\": \"%s\", \"pairs\": %llu, \"not_cr\": %llu, "
                        "\"over_1ulp\": %llu, \"nonfinite\": %llu, \"max_ulp\": ", set || p || o ? "," : "",
                        set ? "0,1" : "all", peer_name[FORM][p], o ? "grad" : "loss", (unsigned long long)s->pairs,
                        (unsigned long long)s->not_cr, (unsigned long long)s->over1,
                        (unsigned long long)s->nonfinite);
                fprintf(f, "%.17g", s->max_err);
                fprintf(f, ", \"worst\": {\"x\": \"%a\", \"y\": \"%a\", \"got\": \"%a\", \"expected\": \"%a\"}",
                        s->wx, s->wy, s->wgot, s->wexp);
                if (s->nset)
                    fprintf(f, ", \"first_nonfinite\": {\"x\": \"%a\", \"y\": \"%a\", \"got\": \"%a\", \"expected\": \"%a\"}",
                            s->nx, s->ny, s->ngot, s->nexp);
                fputc('}', f);
            }
        fputs("\n]}\n", f);
        fclose(f);
    }
    free(jobs); free(tid); free(xb); free(labels); free(xs);
    return 0;
}
