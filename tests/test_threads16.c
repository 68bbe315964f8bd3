/*
 * test_threads16.c -- concurrent first calls of the 16-bit entry points:
 * the table path's tables (core/lowp.c, bce_lowp_table) are filled lazily,
 * once per (form, format), under pthread_once.  T threads are started
 * before any libbce call in this process and wait on a barrier; released
 * together, each calls the four 16-bit-output entry points (each thread
 * starting with a different one), so every table is asked for by several
 * threads at the same moment.  After the join the main thread computes the
 * reference and compares every thread's outputs bit for bit.
 * Plain C and pthreads (runs under ThreadSanitizer in .ci/run).
 * Usage: test_threads16 [THREADS]; exit status 0 when every output matches.
 */
#if !defined _GNU_SOURCE && !defined _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L   /* pthread barriers */
#endif
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bce.h"

enum { N = 777, K = 4, MAX_T = 64 };

static uint16_t zb[N], ze[N], pb[N], pe[N], yb[N], ye[N], wb[N], we[N];

typedef struct { uint16_t L[K][N], G[K][N]; int st[K]; } outputs;

static void compute(int k, outputs *o)
{
    switch (k) {
    case 0: o->st[0] = bce_logits_bf16_bf16(N, zb, yb, wb, NULL, o->L[0], o->G[0]); break;
    case 1: o->st[1] = bce_logits_f16_f16(N, ze, ye, NULL, NULL, o->L[1], o->G[1]); break;
    case 2: o->st[2] = bce_probs_bf16_bf16(N, pb, yb, NULL, NULL, o->L[2], o->G[2]); break;
    default: o->st[3] = bce_probs_f16_f16(N, pe, ye, we, NULL, o->L[3], o->G[3]); break;
    }
}

static pthread_barrier_t start;
typedef struct { int id; outputs out; } worker;

static void *run(void *arg)
{
    worker *w = arg;
    pthread_barrier_wait(&start);
    for (int j = 0; j < K; j++) compute((w->id + j) % K, &w->out);
    return NULL;
}

static uint64_t rng = 0x243f6a8885a308d3u;
static unsigned r16(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (unsigned)(rng >> 40);
}

int main(int argc, char **argv)
{
    int T = argc > 1 ? atoi(argv[1]) : 8;
    if (T < 2 || T > MAX_T) T = 8;
    for (int i = 0; i < N; i++) {
        zb[i] = (uint16_t)(r16() & 0xc1ff) | 0x3c00;     /* |z| in [2^-7, 2^8): bf16 */
        ze[i] = (uint16_t)((r16() & 0x83ff) | 0x4000);   /* |z| in [2, 4): f16 */
        pb[i] = (uint16_t)(r16() % 0x3f81);              /* p in [0, 1] */
        pe[i] = (uint16_t)(r16() % 0x3c01);
        yb[i] = (uint16_t)(r16() % 0x3f81);
        ye[i] = (uint16_t)(r16() % 0x3c01);
        wb[i] = (uint16_t)(0x3e00 + r16() % 0x200);      /* w in [0.125, 0.5): bf16 */
        we[i] = (uint16_t)(0x3000 + r16() % 0x800);
    }
    static worker ws[MAX_T];
    pthread_t th[MAX_T];
    pthread_barrier_init(&start, NULL, (unsigned)T);
    for (int i = 0; i < T; i++) {
        ws[i].id = i;
        if (pthread_create(&th[i], NULL, run, &ws[i]) != 0) {
            fprintf(stderr, "test_threads16: pthread_create failed\n");
            return 1;
        }
    }
    for (int i = 0; i < T; i++) pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);
    static outputs ref;
    for (int k = 0; k < K; k++) compute(k, &ref);
    int bad = 0;
    for (int k = 0; k < K; k++)
        if (ref.st[k] != BCE_OK) { fprintf(stderr, "test_threads16: status %d\n", ref.st[k]); bad = 1; }
    for (int i = 0; i < T; i++)
        if (memcmp(ws[i].out.L, ref.L, sizeof ref.L) || memcmp(ws[i].out.G, ref.G, sizeof ref.G) ||
            memcmp(ws[i].out.st, ref.st, sizeof ref.st)) {
            fprintf(stderr, "test_threads16: thread %d differs from the reference\n", i);
            bad = 1;
        }
    printf("test_threads16: %d threads, first calls of the 16-bit entry points: %s\n", T,
           bad ? "FAIL" : "same bits");
    return bad;
}
