/*
 * lowp_label_all.c -- every (x, y) pair of 16-bit values with y in [0, 1]
 * (`--label all` of issue 18) for one form and type: the library's float
 * and 16-bit outputs (bce_<form>_<type>, bce_<form>_<type>_<type>, the
 * active ISA) against the correct rounding, decided by the any-label filter
 * (verify/lowp_filter.c) or, where it leaves an output undecided, by MPFR
 * (bcev_exact at 256 bits rounded to odd, then once to the format).
 * A stand-in for `bce exhaustive --type bf16|f16 --label all` until the
 * tools take the 16-bit types.
 *
 *   lowp_label_all logits|probs bf16|f16 [--stride K] [--threads N] [--json FILE]
 *
 * --stride K takes every K-th label bit pattern (default 1: all of them,
 * -0 included); labels are split among the threads.  Exit 0 when nothing
 * is misrounded, 1 otherwise, 2 on usage errors.  Summary on stdout and,
 * with --json, as a file with the shared header.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bce.h"
#include "bce_verify.h"
#include "exhaustive.h"

typedef bce_status (*ep32_t)(size_t, const uint16_t *, const uint16_t *, const uint16_t *,
                             const bce_options *, float *, float *);
typedef bce_status (*ep16_t)(size_t, const uint16_t *, const uint16_t *, const uint16_t *,
                             const bce_options *, uint16_t *, uint16_t *);

static bcev_form form;
static int fmt, nthreads = 2;
static unsigned stride = 1;
static size_t nv;
static uint16_t xs[65536];
static double xd[65536];
static uint16_t labels[65536];
static size_t nlab;
static ep32_t f32ep;
static ep16_t f16ep;

typedef struct job {
    int id;
    unsigned long long pairs, outputs, bad32, bad16, mpfr, calls_failed;
} job;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int samef(float a, float b)
{
    if (isnan(a) && isnan(b)) return 1;
    uint32_t u, v;
    memcpy(&u, &a, 4);
    memcpy(&v, &b, 4);
    return u == v;
}

static void *run(void *arg)
{
    job *jb = arg;
    uint16_t *ys = malloc(nv * 2), *L16 = malloc(nv * 2), *G16 = malloc(nv * 2);
    float *L32 = malloc(nv * 4), *G32 = malloc(nv * 4);
    mpfr_t Lm, Gm;
    mpfr_inits2(256, Lm, Gm, (mpfr_ptr)0);
    for (size_t k = (size_t)jb->id; k < nlab; k += (size_t)nthreads) {
        const double y = bcev_from_bits16(fmt, labels[k]);
        for (size_t j = 0; j < nv; j++) ys[j] = labels[k];
        if (f32ep(nv, xs, ys, NULL, NULL, L32, G32) != BCE_OK ||
            f16ep(nv, xs, ys, NULL, NULL, L16, G16) != BCE_OK) {
            jb->calls_failed++;
            continue;
        }
        for (size_t j = 0; j < nv; j++) {
            float o32[2];
            double o16[2];
            int dec[2][2];
            const int und = bcev_lowp_filter(form, fmt, xd[j], y, o32, o16, dec);
            if (und) {
                bcev_sample s = { xd[j], y, 1.0 };
                bcev_exact(form, &s, NULL, 1.0, 256, Lm, Gm);
                /* an exact zero is +0 (the library's convention); a value
                 * below 2^-(2^60) that the reference returns as 0 is the
                 * logits gradient at |z| >= 2^60 with y' = 1 (z > 0) or 0 */
                if (mpfr_zero_p(Lm)) mpfr_set_zero(Lm, 1);
                if (mpfr_zero_p(Gm)) {
                    mpfr_set_zero(Gm, 1);
                    if (form == BCEV_LOGITS && isfinite(xd[j]) && fabs(xd[j]) >= 0x1p60)
                        mpfr_set_zero(Gm, xd[j] > 0 ? -1 : 1);
                }
                mpfr_t *mv[2] = { &Lm, &Gm };
                for (int o = 0; o < 2; o++) {
                    if (!dec[0][o]) o32[o] = (float)bcev_round_to(BCEV_F32, *mv[o]);
                    if (!dec[1][o]) o16[o] = bcev_round16(fmt, *mv[o]);
                }
                jb->mpfr++;
            }
            const float g32[2] = { L32[j], G32[j] };
            const uint16_t g16[2] = { L16[j], G16[j] };
            for (int o = 0; o < 2; o++) {
                jb->outputs += 2;
                if (!samef(g32[o], o32[o])) {
                    if (jb->bad32++ < 5)
                        fprintf(stderr, "MISROUNDED f32 %s x=%a y=%a %s: %a, correct %a\n",
                                form == BCEV_LOGITS ? "logits" : "probs", xd[j], y,
                                o ? "grad" : "loss", g32[o], o32[o]);
                }
                const double e16 = o16[o], got = bcev_from_bits16(fmt, g16[o]);
                if (!(isnan(e16) && isnan(got)) && g16[o] != bcev_bits16(fmt, e16)) {
                    if (jb->bad16++ < 5)
                        fprintf(stderr, "MISROUNDED 16-bit %s x=%a y=%a %s: %a, correct %a\n",
                                form == BCEV_LOGITS ? "logits" : "probs", xd[j], y,
                                o ? "grad" : "loss", got, e16);
                }
            }
        }
        jb->pairs += nv;
    }
    mpfr_clears(Lm, Gm, (mpfr_ptr)0);
    /* MPFR's constant caches are per thread: free this thread's before it
     * ends (LeakSanitizer reports them otherwise) */
    mpfr_free_cache();
    free(ys); free(L16); free(G16); free(L32); free(G32);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *json = NULL;
    if (argc < 3) goto usage;
    if (!strcmp(argv[1], "logits")) form = BCEV_LOGITS;
    else if (!strcmp(argv[1], "probs")) form = BCEV_PROBS;
    else goto usage;
    if (!strcmp(argv[2], "bf16")) fmt = BCEV_BF16;
    else if (!strcmp(argv[2], "f16")) fmt = BCEV_F16;
    else goto usage;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--stride") && i + 1 < argc) stride = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) nthreads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--json") && i + 1 < argc) json = argv[++i];
        else goto usage;
    }
    if (stride < 1 || nthreads < 1 || nthreads > 64) goto usage;
    f32ep = fmt == BCEV_BF16 ? (form == BCEV_LOGITS ? bce_logits_bf16 : bce_probs_bf16)
                             : (form == BCEV_LOGITS ? bce_logits_f16 : bce_probs_f16);
    f16ep = fmt == BCEV_BF16 ? (form == BCEV_LOGITS ? bce_logits_bf16_bf16 : bce_probs_bf16_bf16)
                             : (form == BCEV_LOGITS ? bce_logits_f16_f16 : bce_probs_f16_f16);
    for (uint32_t b = 0; b < 65536; b++) {
        const double x = bcev_from_bits16(fmt, (uint16_t)b);
        if (isnan(x) || (form == BCEV_PROBS && !(x >= 0 && x <= 1))) continue;
        xs[nv] = (uint16_t)b;
        xd[nv++] = x;
    }
    /* every label value in [0, 1]: +0 .. 1, and -0 */
    const uint32_t one = fmt == BCEV_BF16 ? 0x3f80 : 0x3c00;
    size_t all = 0;
    for (uint32_t b = 0; b <= one; b++, all++)
        if (b % stride == 0) labels[nlab++] = (uint16_t)b;
    if (stride == 1) labels[nlab++] = 0x8000;
    all++;
    const double t0 = now();
    pthread_t th[64];
    job jobs[64];
    memset(jobs, 0, sizeof jobs);
    for (int t = 0; t < nthreads; t++) {
        jobs[t].id = t;
        pthread_create(&th[t], NULL, run, &jobs[t]);
    }
    job tot;
    memset(&tot, 0, sizeof tot);
    for (int t = 0; t < nthreads; t++) {
        pthread_join(th[t], NULL);
        tot.pairs += jobs[t].pairs; tot.outputs += jobs[t].outputs;
        tot.bad32 += jobs[t].bad32; tot.bad16 += jobs[t].bad16;
        tot.mpfr += jobs[t].mpfr; tot.calls_failed += jobs[t].calls_failed;
    }
    const double secs = now() - t0;
    printf("lowp_label_all %s %s: %zu x values x %zu labels (of %zu), isa %s, %d threads: "
           "%llu pairs, %llu outputs (f32 and %s, loss and grad), misrounded %llu (f32) "
           "%llu (%s), MPFR calls %llu, failed calls %llu, %.1f s\n",
           argv[1], argv[2], nv, nlab, all, bce_active_isa(), nthreads, tot.pairs, tot.outputs,
           argv[2], tot.bad32, tot.bad16, argv[2], tot.mpfr, tot.calls_failed, secs);
    if (json) {
        const char *isa_env = getenv("BCE_ISA");
        if (isa_env && !*isa_env) isa_env = NULL;
        FILE *f = fopen(json, "w");
        if (!f) { perror(json); return 2; }
        fprintf(f, "{\"tool\": \"lowp_label_all\", \"libbce\": \"%s\", \"schema\": 1,\n"
                " \"command\": \"%s%s%sB/tests/lowp_label_all %s %s --stride %u --threads %d --json %s\",\n"
                " \"type\": \"%s\", \"form\": \"%s\", \"label\": \"%s\", \"out_types\": [\"f32\", \"%s\"],\n"
                " \"isa\": \"%s\", \"x_values\": %zu, \"labels\": %zu, \"labels_of_type_in_0_1\": %zu,\n"
                " \"pairs\": %llu, \"outputs_checked\": %llu, \"misrounded\": {\"f32\": %llu, \"%s\": %llu},\n"
                " \"mpfr_pairs\": %llu, \"failed_calls\": %llu, \"seconds\": %.1f}\n",
                bce_version(), isa_env ? "BCE_ISA=" : "", isa_env ? isa_env : "", isa_env ? " " : "",
                argv[1], argv[2], stride, nthreads, json, argv[2], argv[1],
                stride == 1 ? "all" : "stride", argv[2], bce_active_isa(), nv, nlab, all,
                tot.pairs, tot.outputs, tot.bad32, argv[2], tot.bad16, tot.mpfr,
                tot.calls_failed, secs);
        fclose(f);
    }
    return tot.bad32 || tot.bad16 || tot.calls_failed ? 1 : 0;
usage:
    fprintf(stderr, "usage: lowp_label_all logits|probs bf16|f16 [--stride K] [--threads N] [--json FILE]\n");
    return 2;
}
