/*
 * test_tail.c -- the leftover elements (simd/loop_tmpl.h's padded step)
 * never read or write past the arrays, and give the baseline ISA's bits.
 *
 * For every runnable ISA, every per-sample entry point, n = 1 .. 33 (every
 * leftover count of every vector step up to 2 x 8 lanes, and beyond) and
 * n = 64 .. 73, 135 (the AVX2 f64 kernels' staged blocks of 64 with the
 * leftover samples as padded groups of the first block), the
 * inputs, weights and outputs are each a malloc block of exactly n
 * elements, so that AddressSanitizer (.ci/run's ASan stage runs the meson
 * tests) reports any access past the end; the outputs are compared bit for
 * bit with the baseline ISA's, for options {none, pos_weight, smoothing},
 * reductions NONE and MEAN, with and without weights.  The inputs mix hot
 * values with specials (0, +-inf, p = 0 or 1, soft labels) so that the
 * padded step meets cold lanes too.  Then (POSIX) the same entry points
 * with every array ending at an inaccessible page, so that any access
 * past it faults -- masked vector loads and stores included, which
 * AddressSanitizer does not check.  Plain C.
 * Exit status 0 when every output matches, 1 otherwise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bce.h"

static unsigned long long rs = 88172645463325252ull;
static double unif(void)
{
    rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
    return (double)(rs >> 11) * 0x1p-53;
}

typedef struct bufs {
    void *x, *y, *w, *L, *G;
} bufs;

static int run(int ep, size_t n, const bufs *b, int weighted, const bce_options *o,
               void *L, void *G)
{
    switch (ep) {
    case 0: return bce_logits_f64(n, b->x, b->y, weighted ? b->w : NULL, o, L, G);
    case 1: return bce_probs_f64(n, b->x, b->y, weighted ? b->w : NULL, o, L, G);
    case 2: return bce_logits_f32(n, b->x, b->y, weighted ? b->w : NULL, o, L, G);
    default: return bce_probs_f32(n, b->x, b->y, weighted ? b->w : NULL, o, L, G);
    }
}

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#include <unistd.h>
/* An array of n elements of size es ending where an inaccessible page
 * begins (any access past it faults, also from masked or vector loads
 * and stores that ASan does not see): page k of a mapping of 2 per
 * array. */
static void *at_page_end(unsigned char *map, size_t pg, int k, size_t n, size_t es)
{
    return map + (size_t)(2 * k + 1) * pg - n * es;
}

/* the sizes tried: 1 .. 33, 64 .. 73, 135 */
#define N_MAX 135
static size_t next_n(size_t n) { return n == 33 ? 64 : n == 73 ? 135 : n + 1; }

/* Every ISA, every entry point, n = 1 .. 33, 64 .. 73, 135, plain calls (the AVX2 f32
 * kernels' leftover floats by masked loads and stores) and with weights:
 * x, y, w, loss and grad each end at an inaccessible page; the outputs
 * are compared with the baseline ISA's on the same inputs. */
static int guard_pages(const char *base)
{
    const size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *map = mmap(NULL, 10 * pg, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) { fprintf(stderr, "mmap failed\n"); return 1; }
    for (int k = 0; k < 5; k++)
        if (mprotect(map + (size_t)(2 * k + 1) * pg, pg, PROT_NONE)) {
            fprintf(stderr, "mprotect failed\n");
            return 1;
        }
    int fails = 0;
    size_t checks = 0;
    for (int ep = 0; ep < 4; ep++) {
        const size_t es = ep < 2 ? sizeof(double) : sizeof(float);
        for (size_t n = 1; n <= N_MAX; n = next_n(n)) {
            bufs b = { at_page_end(map, pg, 0, n, es), at_page_end(map, pg, 1, n, es),
                       at_page_end(map, pg, 2, n, es), at_page_end(map, pg, 3, n, es),
                       at_page_end(map, pg, 4, n, es) };
            unsigned char L0[N_MAX * 8], G0[N_MAX * 8];
            for (size_t i = 0; i < n; i++) {
                double x = ep & 1 ? unif() : -20.0 + 40.0 * unif(), y = (double)(unif() < 0.5);
                if (es == 8) { ((double *)b.x)[i] = x; ((double *)b.y)[i] = y; ((double *)b.w)[i] = 1.5; }
                else { ((float *)b.x)[i] = (float)x; ((float *)b.y)[i] = (float)y; ((float *)b.w)[i] = 1.5f; }
            }
            for (int wt = 0; wt < 2; wt++) {
                bce_set_isa(base);
                int s0 = run(ep, n, &b, wt, NULL, b.L, b.G);
                memcpy(L0, b.L, n * es);
                memcpy(G0, b.G, n * es);
                for (size_t t = 1; t < bce_isa_count(); t++) {
                    const char *isa = bce_isa_name(t);
                    if (!bce_isa_available(isa)) continue;
                    bce_set_isa(isa);
                    memset(b.L, 0, n * es); memset(b.G, 0, n * es);
                    int s1 = run(ep, n, &b, wt, NULL, b.L, b.G);
                    checks++;
                    if (s1 != s0 || memcmp(L0, b.L, n * es) || memcmp(G0, b.G, n * es)) {
                        fprintf(stderr, "FAIL: guard pages, entry %d n=%zu weights %d: %s differs from %s\n",
                                ep, n, wt, isa, base);
                        fails++;
                    }
                }
            }
        }
    }
    bce_set_isa("auto");
    munmap(map, 10 * pg);
    printf("%zu comparisons with %s, arrays ending at an inaccessible page: %s\n", checks, base,
           fails ? "FAILED" : "same bits");
    return fails;
}
#else
static int guard_pages(const char *base) { (void)base; return 0; }
#endif

int main(void)
{
    const char *base = bce_isa_name(0);
    int fails = 0;
    size_t checks = 0;
    for (int ep = 0; ep < 4; ep++) {
        const size_t es = ep < 2 ? sizeof(double) : sizeof(float);
        for (size_t n = 1; n <= N_MAX; n = next_n(n)) {
            bufs b = { malloc(n * es), malloc(n * es), malloc(n * es), malloc(n * es), malloc(n * es) };
            void *L0 = malloc(n * es), *G0 = malloc(n * es);
            if (!b.x || !b.y || !b.w || !b.L || !b.G || !L0 || !G0) { fprintf(stderr, "out of memory\n"); return 2; }
            for (int trial = 0; trial < 4; trial++) {
                for (size_t i = 0; i < n; i++) {
                    double u = unif(), x;
                    if (ep & 1) x = u < 0.05 ? 0.0 : u > 0.95 ? 1.0 : unif();
                    else x = u < 0.03 ? 0.0 : u < 0.05 ? INFINITY : -30.0 + 60.0 * unif();
                    double y = trial & 1 ? unif() : (double)(unif() < 0.5);
                    double w = unif() < 0.1 ? 0.0 : 0.5 + unif();
                    if (es == 8) { ((double *)b.x)[i] = x; ((double *)b.y)[i] = y; ((double *)b.w)[i] = w; }
                    else { ((float *)b.x)[i] = (float)x; ((float *)b.y)[i] = (float)y; ((float *)b.w)[i] = (float)w; }
                }
                static const bce_options opts[] = {
                    { .reduction = BCE_REDUCTION_NONE },
                    { .reduction = BCE_REDUCTION_MEAN },
                    { .flags = BCE_OPT_POS_WEIGHT, .pos_weight = 3.0 },
                    { .label_smoothing = 0.05, .reduction = BCE_REDUCTION_SUM },
                };
                for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
                    for (int wt = 0; wt < 2; wt++) {
                        const size_t nl = opts[k].reduction ? 1 : n;
                        bce_set_isa(base);
                        memset(L0, 0, n * es); memset(G0, 0, n * es);
                        int s0 = run(ep, n, &b, wt, &opts[k], L0, G0);
                        for (size_t t = 1; t < bce_isa_count(); t++) {
                            const char *isa = bce_isa_name(t);
                            if (!bce_isa_available(isa)) continue;
                            bce_set_isa(isa);
                            memset(b.L, 0, n * es); memset(b.G, 0, n * es);
                            int s1 = run(ep, n, &b, wt, &opts[k], b.L, b.G);
                            checks++;
                            if (s1 != s0 || memcmp(L0, b.L, nl * es) || memcmp(G0, b.G, n * es)) {
                                fprintf(stderr, "FAIL: entry %d n=%zu option set %zu weights %d trial %d: "
                                        "%s differs from %s\n", ep, n, k, wt, trial, isa, base);
                                fails++;
                            }
                        }
                    }
            }
            free(b.x); free(b.y); free(b.w); free(b.L); free(b.G); free(L0); free(G0);
        }
    }
    bce_set_isa("auto");
    printf("%zu comparisons with %s, exact-size arrays: %s\n", checks, base,
           fails ? "FAILED" : "same bits");
    int gfails = guard_pages(base);
    return fails != 0 || gfails != 0;
}
