/*
 * bench.c -- bce-bench: throughput of libbce, every ISA this CPU runs, next
 * to baselines compiled into this program, all in one run, single thread.
 *
 * Timed, for each size n (default 4096, in cache, and 10^7, in memory):
 *   - libbce: for every ISA of the library's registry (bce_isa_name(i),
 *     i < bce_isa_count()) with bce_isa_available(name), each of
 *     bce_logits_f64, bce_logits_f32,
 *     bce_probs_f64, bce_probs_f32, loss AND gradient, reduction NONE,
 *     on hard labels {0,1} and on uniform soft labels in [0,1];
 *   - libm loop (the baseline of the ratios), the textbook formula
 *         L[i] = fmax(z,0) - z*y + log1p(exp(-fabs(z)));
 *         G[i] = 1/(1+exp(-z)) - y;
 *     in double, and in float with fmaxf/expf/log1pf/fabsf;
 *   - copy floor: read z and y, write L and G (L[i] = z[i]; G[i] = y[i]).
 * Both baselines are compiled in this translation unit, with the project's
 * default flags (no -march: baseline x86-64); the program prints which.
 *
 * Inputs: fixed-seed logits uniform in [-20, 20]; for the probability form
 * p = sigma(z) computed in double and rounded once to the type (in float,
 * sigma(z) rounds to exactly 1 for z above ~17.3, which is valid input).
 *
 * Figures: ns per element, median over reps timed samples after a warm-up
 * call; a sample at small n times a batch of k calls (k calibrated so that a
 * sample lasts >= ~10 ms, 2 ms with --quick).  speedup = libm-loop ns / ns,
 * against the libm loop of the same type and label kind, same n, same run.
 * Every output buffer is folded into a checksum that is printed, so nothing
 * can be optimised away; the timed functions are called through volatile
 * pointers.
 *
 * Usage: bce-bench [--quick] [--json] [--min] [--n N[,N...]] [--reps R]
 *   --quick   3 samples per case, shorter batches (CI smoke)
 *   --json    machine-readable JSON on stdout instead of the table
 *   --n LIST  sizes, comma-separated (repeatable), replacing 4096,10000000
 *   --reps R  samples per case (default 7; 3 with --quick)
 *   --min     report the best (minimum) sample instead of the median, for
 *             the table and the speedups (a shared, loaded machine: the
 *             best of R samples is the least disturbed one)
 * Progress goes to stderr.  Exit status 0, 1 if libbce reports an error,
 * 2 on usage or allocation errors.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bce.h"
#include "bench_util.h"

#ifndef BENCH_COMPILER
#define BENCH_COMPILER "unknown compiler"
#endif
#ifndef BENCH_CFLAGS
#define BENCH_CFLAGS "unknown flags"
#endif

/* ------------------------------------------------------------------ */
/* Baselines (compiled here, baseline x86-64).                         */

static void libm_f64(size_t n, const double *z, const double *y,
                     double *L, double *G)
{
    for (size_t i = 0; i < n; i++) {
        double zi = z[i], yi = y[i];
        L[i] = fmax(zi, 0.0) - zi * yi + log1p(exp(-fabs(zi)));
        G[i] = 1.0 / (1.0 + exp(-zi)) - yi;
    }
}

static void libm_f32(size_t n, const float *z, const float *y,
                     float *L, float *G)
{
    for (size_t i = 0; i < n; i++) {
        float zi = z[i], yi = y[i];
        L[i] = fmaxf(zi, 0.0f) - zi * yi + log1pf(expf(-fabsf(zi)));
        G[i] = 1.0f / (1.0f + expf(-zi)) - yi;
    }
}

static void copy_f64(size_t n, const double *z, const double *y,
                     double *L, double *G)
{
    for (size_t i = 0; i < n; i++) { L[i] = z[i]; G[i] = y[i]; }
}

static void copy_f32(size_t n, const float *z, const float *y,
                     float *L, float *G)
{
    for (size_t i = 0; i < n; i++) { L[i] = z[i]; G[i] = y[i]; }
}

/* ------------------------------------------------------------------ */
/* Clock, RNG, helpers.                                                */



static void *xalloc(size_t count, size_t size)
{
    /* 64-byte aligned; aligned_alloc wants a multiple of the alignment */
    size_t bytes = count * size;
    if (count && bytes / count != size) return NULL;
    bytes = (bytes + 63) / 64 * 64;
    if (bytes == 0) bytes = 64;
    return aligned_alloc(64, bytes);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ------------------------------------------------------------------ */
/* Cases.                                                              */

enum { T_F64, T_F32 };
enum { LAB_HARD, LAB_SOFT };
enum { K_LIBBCE, K_LIBM, K_COPY };

typedef struct {
    size_t n;
    /* f64 */
    double *z64, *p64, *yh64, *ys64, *L64, *G64;
    /* f32 */
    float *z32, *p32, *yh32, *ys32, *L32, *G32;
} data_t;

typedef struct {
    int kind;            /* K_LIBBCE, K_LIBM, K_COPY      */
    const char *isa;     /* libbce: ISA name               */
    const char *entry;   /* libbce: entry point name; else baseline name */
    int type;            /* T_F64 / T_F32                  */
    int probs;           /* libbce: probability form       */
    int labels;          /* LAB_HARD / LAB_SOFT            */
} case_t;

typedef struct {
    case_t c;
    size_t n;
    size_t batch;        /* calls per sample               */
    int reps;
    double med_ns, min_ns;
    double speedup;      /* libm ns / ns; 0 if no baseline */
} result_t;

typedef void (*base64_fn)(size_t, const double *, const double *, double *, double *);
typedef void (*base32_fn)(size_t, const float *, const float *, float *, float *);
typedef bce_status (*bce64_fn)(size_t, const double *, const double *, const double *,
                               const bce_options *, double *, double *);
typedef bce_status (*bce32_fn)(size_t, const float *, const float *, const float *,
                               const bce_options *, float *, float *);

static base64_fn volatile v_libm_f64 = libm_f64;
static base32_fn volatile v_libm_f32 = libm_f32;
static base64_fn volatile v_copy_f64 = copy_f64;
static base32_fn volatile v_copy_f32 = copy_f32;
static bce64_fn volatile v_logits_f64 = bce_logits_f64;
static bce32_fn volatile v_logits_f32 = bce_logits_f32;
static bce64_fn volatile v_probs_f64 = bce_probs_f64;
static bce32_fn volatile v_probs_f32 = bce_probs_f32;

static double checksum = 0.0;
static int use_min = 0;   /* --min: figures are the best sample */

/* the figure reported for a result: median, or best with --min */
static double fig(const result_t *r) { return use_min ? r->min_ns : r->med_ns; }
static bce_status last_error = BCE_OK;

/* One call of case c on data d. */
static void run_once(const case_t *c, const data_t *d)
{
    bce_options opt;
    memset(&opt, 0, sizeof opt);
    opt.reduction = BCE_REDUCTION_NONE;
    bce_status st = BCE_OK;
    if (c->type == T_F64) {
        const double *y = c->labels == LAB_HARD ? d->yh64 : d->ys64;
        switch (c->kind) {
        case K_LIBM: v_libm_f64(d->n, d->z64, y, d->L64, d->G64); break;
        case K_COPY: v_copy_f64(d->n, d->z64, y, d->L64, d->G64); break;
        default:
            st = c->probs ? v_probs_f64(d->n, d->p64, y, NULL, &opt, d->L64, d->G64)
                          : v_logits_f64(d->n, d->z64, y, NULL, &opt, d->L64, d->G64);
        }
    } else {
        const float *y = c->labels == LAB_HARD ? d->yh32 : d->ys32;
        switch (c->kind) {
        case K_LIBM: v_libm_f32(d->n, d->z32, y, d->L32, d->G32); break;
        case K_COPY: v_copy_f32(d->n, d->z32, y, d->L32, d->G32); break;
        default:
            st = c->probs ? v_probs_f32(d->n, d->p32, y, NULL, &opt, d->L32, d->G32)
                          : v_logits_f32(d->n, d->z32, y, NULL, &opt, d->L32, d->G32);
        }
    }
    if (st != BCE_OK && last_error == BCE_OK) last_error = st;
}

/* Fold the outputs into the checksum (finite values only: the probability
 * form legitimately returns +-inf at p = 1). */
static void fold_outputs(const case_t *c, const data_t *d)
{
    double s = 0.0;
    if (c->type == T_F64) {
        for (size_t i = 0; i < d->n; i++) {
            if (isfinite(d->L64[i])) s += d->L64[i];
            if (isfinite(d->G64[i])) s += d->G64[i];
        }
    } else {
        for (size_t i = 0; i < d->n; i++) {
            if (isfinite(d->L32[i])) s += d->L32[i];
            if (isfinite(d->G32[i])) s += d->G32[i];
        }
    }
    checksum += s;
}

static void time_case(const case_t *c, const data_t *d, int reps,
                      double target_s, result_t *r)
{
    double *samples = malloc((size_t)reps * sizeof *samples);
    if (!samples) { fprintf(stderr, "bce-bench: out of memory\n"); exit(2); }

    run_once(c, d);                          /* warm-up: caches, page faults */

    size_t batch = 1;                        /* calibrate the batch size */
    for (;;) {
        double t0 = now_s();
        for (size_t k = 0; k < batch; k++) run_once(c, d);
        double t = now_s() - t0;
        if (t >= target_s || batch >= ((size_t)1 << 30)) break;
        size_t grow = t > 0 ? (size_t)(target_s / t * 1.2) + 1 : 16;
        if (grow < 2) grow = 2;
        if (grow > 16) grow = 16;
        batch *= grow;
    }
    for (int rep = 0; rep < reps; rep++) {
        double t0 = now_s();
        for (size_t k = 0; k < batch; k++) run_once(c, d);
        samples[rep] = (now_s() - t0) * 1e9 / ((double)batch * (double)d->n);
    }
    qsort(samples, (size_t)reps, sizeof *samples, cmp_double);
    r->c = *c;
    r->n = d->n;
    r->batch = batch;
    r->reps = reps;
    r->min_ns = samples[0];
    r->med_ns = reps % 2 ? samples[reps / 2]
                         : 0.5 * (samples[reps / 2 - 1] + samples[reps / 2]);
    r->speedup = 0.0;
    free(samples);
    fold_outputs(c, d);
}

/* ------------------------------------------------------------------ */
/* Data.                                                               */

static int data_make(data_t *d, size_t n)
{
    memset(d, 0, sizeof *d);
    d->n = n;
    d->z64 = xalloc(n, sizeof(double)); d->p64 = xalloc(n, sizeof(double));
    d->yh64 = xalloc(n, sizeof(double)); d->ys64 = xalloc(n, sizeof(double));
    d->L64 = xalloc(n, sizeof(double)); d->G64 = xalloc(n, sizeof(double));
    d->z32 = xalloc(n, sizeof(float)); d->p32 = xalloc(n, sizeof(float));
    d->yh32 = xalloc(n, sizeof(float)); d->ys32 = xalloc(n, sizeof(float));
    d->L32 = xalloc(n, sizeof(float)); d->G32 = xalloc(n, sizeof(float));
    if (!d->z64 || !d->p64 || !d->yh64 || !d->ys64 || !d->L64 || !d->G64 ||
        !d->z32 || !d->p32 || !d->yh32 || !d->ys32 || !d->L32 || !d->G32)
        return -1;
    rng_state = 0x243F6A8885A308D3u ^ (uint64_t)n;
    for (size_t i = 0; i < n; i++) {
        double z = -20.0 + 40.0 * unif();
        float zf = (float)z;
        d->z64[i] = z;
        d->z32[i] = zf;
        d->p64[i] = 1.0 / (1.0 + exp(-z));
        d->p32[i] = (float)(1.0 / (1.0 + exp(-(double)zf)));
        double yh = (splitmix64() >> 63) ? 1.0 : 0.0;
        d->yh64[i] = yh;
        d->yh32[i] = (float)yh;
        double ys = unif();
        d->ys64[i] = ys;
        d->ys32[i] = (float)ys;
    }
    return 0;
}

static void data_free(data_t *d)
{
    free(d->z64); free(d->p64); free(d->yh64); free(d->ys64);
    free(d->L64); free(d->G64);
    free(d->z32); free(d->p32); free(d->yh32); free(d->ys32);
    free(d->L32); free(d->G32);
    memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------------ */
/* Output.                                                             */

/* the ISAs: the library's registry, in its order */
#define N_ISA ((int)bce_isa_count())
#define ISA_NAME(i) bce_isa_name((size_t)(i))

static const char *type_name(int t) { return t == T_F64 ? "f64" : "f32"; }
static const char *label_name(int l) { return l == LAB_HARD ? "hard" : "soft"; }

static const char *row_name(const case_t *c, char *buf, size_t sz)
{
    if (c->kind == K_LIBM) return "libm loop (baseline)";
    if (c->kind == K_COPY) return "copy floor";
    snprintf(buf, sz, "libbce %-6s %s", c->isa, c->probs ? "probs" : "logits");
    return buf;
}

static void cpu_model(char *buf, size_t sz)
{
    snprintf(buf, sz, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "model name", 10)) {
            char *p = strchr(line, ':');
            if (p) {
                p++;
                while (*p == ' ' || *p == '\t') p++;
                size_t len = strlen(p);
                while (len && (p[len - 1] == '\n' || p[len - 1] == ' ')) p[--len] = 0;
                snprintf(buf, sz, "%s", p);
            }
            break;
        }
    }
    fclose(f);
}

static const char *target_note(void)
{
#if defined(__AVX2__) || defined(__AVX__) || defined(__FMA__) || defined(__SSE4_1__)
    return "WARNING: this build targets more than baseline x86-64 (-march set?)";
#elif defined(__x86_64__)
    return "baseline x86-64 (no -march: SSE2 only, no FMA)";
#else
    return "not x86-64";
#endif
}

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20) printf("\\u%04x", (unsigned)(unsigned char)*s);
        else putchar(*s);
    }
    putchar('"');
}

static void print_json(const result_t *r, size_t nr, const size_t *sizes,
                       size_t nsizes, int reps, int quick, const char *cpu)
{
    printf("{\n  \"program\": \"bce-bench\",\n  \"libbce_version\": ");
    json_str(bce_version());
    printf(",\n  \"cpu\": ");
    json_str(cpu);
    printf(",\n  \"compiler\": ");
    json_str(BENCH_COMPILER);
    printf(",\n  \"baseline_cflags\": ");
    json_str(BENCH_CFLAGS);
    printf(",\n  \"baseline_target\": ");
    json_str(target_note());
    printf(",\n  \"isas_available\": [");
    int first = 1;
    for (int i = 0; i < N_ISA; i++)
        if (bce_isa_available(ISA_NAME(i))) {
            printf("%s\"%s\"", first ? "" : ", ", ISA_NAME(i));
            first = 0;
        }
    printf("],\n  \"isas_unavailable\": [");
    first = 1;
    for (int i = 0; i < N_ISA; i++)
        if (!bce_isa_available(ISA_NAME(i))) {
            printf("%s\"%s\"", first ? "" : ", ", ISA_NAME(i));
            first = 0;
        }
    printf("],\n  \"sizes\": [");
    for (size_t i = 0; i < nsizes; i++) printf("%s%zu", i ? ", " : "", sizes[i]);
    printf("],\n  \"reps\": %d,\n  \"quick\": %s,\n", reps, quick ? "true" : "false");
    printf("  \"unit\": \"ns per element, median of reps samples\",\n");
    printf("  \"speedup_basis\": \"%s\",\n", use_min ? "min_ns_per_elem" : "ns_per_elem");
    printf("  \"results\": [\n");
    for (size_t i = 0; i < nr; i++) {
        const result_t *x = &r[i];
        const char *impl = x->c.kind == K_LIBBCE ? "libbce"
                         : x->c.kind == K_LIBM ? "libm" : "copy";
        printf("    {\"n\": %zu, \"impl\": \"%s\", \"isa\": ", x->n, impl);
        if (x->c.kind == K_LIBBCE) json_str(x->c.isa); else printf("null");
        printf(", \"entry\": ");
        json_str(x->c.entry);
        printf(", \"type\": \"%s\", \"form\": \"%s\", \"labels\": \"%s\", "
               "\"ns_per_elem\": %.4f, \"min_ns_per_elem\": %.4f, "
               "\"calls_per_sample\": %zu, \"speedup_vs_libm\": %.3f}%s\n",
               type_name(x->c.type), x->c.probs ? "probs" : "logits",
               label_name(x->c.labels), x->med_ns, x->min_ns, x->batch,
               x->speedup, i + 1 < nr ? "," : "");
    }
    printf("  ],\n  \"checksum\": %.17g\n}\n", checksum);
}

static void print_table(const result_t *r, size_t nr, const size_t *sizes,
                        size_t nsizes, int reps, const char *cpu)
{
    printf("bce-bench: libbce %s, single thread, loss + gradient, reduction NONE\n",
           bce_version());
    printf("cpu:       %s\n", cpu);
    printf("compiler:  %s\n", BENCH_COMPILER);
    printf("baselines: libm loop and copy floor built in bce-bench with: %s\n",
           BENCH_CFLAGS);
    printf("           target: %s\n", target_note());
    printf("ISAs:      available:");
    for (int i = 0; i < N_ISA; i++)
        if (bce_isa_available(ISA_NAME(i))) printf(" %s", ISA_NAME(i));
    printf("; not available:");
    int none = 1;
    for (int i = 0; i < N_ISA; i++)
        if (!bce_isa_available(ISA_NAME(i))) { printf(" %s", ISA_NAME(i)); none = 0; }
    if (none) printf(" (none)");
    printf("\n");
    printf("figures:   ns per element, %s of %d samples after a warm-up; "
           "(x) = speedup vs the libm loop of the same type and labels\n",
           use_min ? "best" : "median", reps);

    for (size_t si = 0; si < nsizes; si++) {
        size_t n = sizes[si];
        printf("\nn = %zu%s\n", n,
               n * 4 * sizeof(double) <= ((size_t)1 << 20) ? " (in cache)"
               : n >= ((size_t)1 << 22) ? " (memory)" : "");
        printf("%-26s %16s %16s %16s %16s\n", "", "f64 hard", "f64 soft",
               "f32 hard", "f32 soft");
        /* rows in order of first appearance for this n */
        for (size_t i = 0; i < nr; i++) {
            if (r[i].n != n) continue;
            char name[64], key[64];
            const char *rn = row_name(&r[i].c, name, sizeof name);
            snprintf(key, sizeof key, "%s", rn);
            /* print the row only at its first occurrence */
            int seen = 0;
            for (size_t j = 0; j < i; j++) {
                char b2[64];
                if (r[j].n == n && !strcmp(row_name(&r[j].c, b2, sizeof b2), key)) {
                    seen = 1;
                    break;
                }
            }
            if (seen) continue;
            printf("%-26s", key);
            for (int t = 0; t < 2; t++)
                for (int l = 0; l < 2; l++) {
                    const result_t *hit = NULL;
                    for (size_t j = 0; j < nr; j++) {
                        char b2[64];
                        if (r[j].n == n && r[j].c.type == (t ? T_F32 : T_F64) &&
                            r[j].c.labels == l &&
                            !strcmp(row_name(&r[j].c, b2, sizeof b2), key)) {
                            hit = &r[j];
                            break;
                        }
                    }
                    char cell[40];
                    if (!hit) snprintf(cell, sizeof cell, "-");
                    else if (hit->c.kind == K_LIBBCE)
                        snprintf(cell, sizeof cell, "%.2f (%5.2fx)", fig(hit),
                                 hit->speedup);
                    else snprintf(cell, sizeof cell, "%.2f        ", fig(hit));
                    printf(" %16s", cell);
                }
            printf("\n");
        }
    }
    printf("\nchecksum %.17g\n", checksum);
}

/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fprintf(f,
        "usage: bce-bench [--quick] [--json] [--min] [--n N[,N...]] [--reps R]\n"
        "  times libbce (every available ISA, every entry point, hard and soft\n"
        "  labels) against a libm loop and a copy floor, in one run.\n"
        "  --quick   fewer samples, short batches (CI smoke)\n"
        "  --json    JSON on stdout instead of the table\n"
        "  --n LIST  sizes, comma-separated (default 4096,10000000)\n"
        "  --reps R  samples per case (default 7, 3 with --quick)\n"
        "  --min     report the best sample, not the median (noisy machines)\n");
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);  /* accepts 1e7 */
    if (end == s || errno || !(v >= 1.0) || v > 1e12 || v != floor(v)) return -1;
    *out = (size_t)v;
    return 0;
}

#define MAX_SIZES 16

int main(int argc, char **argv)
{
    int json = 0, quick = 0, reps = 0;
    size_t sizes[MAX_SIZES];
    size_t nsizes = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--quick")) quick = 1;
        else if (!strcmp(argv[i], "--min")) use_min = 1;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 1 || v > 1000) {
                fprintf(stderr, "bce-bench: bad --reps '%s'\n", argv[i]);
                return 2;
            }
            reps = (int)v;
        } else if (!strcmp(argv[i], "--n") && i + 1 < argc) {
            char buf[256];
            snprintf(buf, sizeof buf, "%s", argv[++i]);
            for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
                if (nsizes == MAX_SIZES || parse_size(tok, &sizes[nsizes])) {
                    fprintf(stderr, "bce-bench: bad --n '%s'\n", argv[i]);
                    return 2;
                }
                nsizes++;
            }
        } else {
            fprintf(stderr, "bce-bench: unknown or incomplete argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (nsizes == 0) { sizes[0] = 4096; sizes[1] = 10000000; nsizes = 2; }
    if (reps == 0) reps = quick ? 3 : 7;
    const double target_s = quick ? 0.002 : 0.010;

    char cpu[256];
    cpu_model(cpu, sizeof cpu);

    /* the case list: baselines, then libbce per ISA, per entry point */
    case_t *cases = malloc((8 + (size_t)N_ISA * 8) * sizeof *cases);
    if (!cases) { fprintf(stderr, "bce-bench: out of memory\n"); return 2; }
    size_t ncases = 0;
    for (int t = 0; t < 2; t++)
        for (int l = 0; l < 2; l++) {
            case_t c = {K_COPY, NULL, t ? "copy_f32" : "copy_f64",
                        t ? T_F32 : T_F64, 0, l};
            cases[ncases++] = c;
        }
    for (int t = 0; t < 2; t++)
        for (int l = 0; l < 2; l++) {
            case_t c = {K_LIBM, NULL, t ? "libm_f32" : "libm_f64",
                        t ? T_F32 : T_F64, 0, l};
            cases[ncases++] = c;
        }
    for (int k = 0; k < N_ISA; k++) {
        if (!bce_isa_available(ISA_NAME(k))) continue;
        for (int probs = 0; probs < 2; probs++)
            for (int t = 0; t < 2; t++)
                for (int l = 0; l < 2; l++) {
                    static const char *const entries[2][2] = {
                        {"bce_logits_f64", "bce_logits_f32"},
                        {"bce_probs_f64", "bce_probs_f32"}};
                    case_t c = {K_LIBBCE, ISA_NAME(k), entries[probs][t],
                                t ? T_F32 : T_F64, probs, l};
                    cases[ncases++] = c;
                }
    }

    size_t nres = ncases * nsizes;
    result_t *res = calloc(nres, sizeof *res);
    if (!res) { fprintf(stderr, "bce-bench: out of memory\n"); free(cases); return 2; }
    size_t nr = 0;
    int status = 0;

    for (size_t si = 0; si < nsizes && !status; si++) {
        data_t d;
        fprintf(stderr, "bce-bench: n = %zu: generating inputs\n", sizes[si]);
        if (data_make(&d, sizes[si])) {
            fprintf(stderr, "bce-bench: out of memory for n = %zu\n", sizes[si]);
            data_free(&d);
            free(res);
            free(cases);
            return 2;
        }
        size_t first = nr;
        for (size_t ci = 0; ci < ncases; ci++) {
            const case_t *c = &cases[ci];
            if (c->kind == K_LIBBCE) {
                bce_status st = bce_set_isa(c->isa);
                if (st != BCE_OK || strcmp(bce_active_isa(), c->isa)) {
                    fprintf(stderr, "bce-bench: bce_set_isa(%s): %s\n", c->isa,
                            bce_strerror(st));
                    status = 1;
                    break;
                }
            }
            time_case(c, &d, reps, target_s, &res[nr]);
            if (last_error != BCE_OK) {
                fprintf(stderr, "bce-bench: %s (%s): %s\n", c->entry,
                        c->isa ? c->isa : "", bce_strerror(last_error));
                status = 1;
                break;
            }
            char nb[64];
            fprintf(stderr, "bce-bench: n = %zu  %-26s %s %s  %8.3f ns/elem\n",
                    sizes[si], row_name(c, nb, sizeof nb), type_name(c->type),
                    label_name(c->labels), res[nr].med_ns);
            nr++;
        }
        /* speedups against the libm loop of the same n, type, labels */
        for (size_t i = first; i < nr; i++)
            for (size_t j = first; j < nr; j++)
                if (res[j].c.kind == K_LIBM && res[j].c.type == res[i].c.type &&
                    res[j].c.labels == res[i].c.labels && fig(&res[i]) > 0)
                    res[i].speedup = fig(&res[j]) / fig(&res[i]);
        data_free(&d);
    }
    bce_set_isa("auto");

    if (!status) {
        if (json) print_json(res, nr, sizes, nsizes, reps, quick, cpu);
        else print_table(res, nr, sizes, nsizes, reps, cpu);
    }
    free(res);
    free(cases);
    return status;
}
