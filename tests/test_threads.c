/*
 * test_threads.c -- concurrent first calls and concurrent bce_set_isa.
 *
 * Phase 1 (the first-use race): T threads are started before any libbce
 * call in this process and wait on a barrier; released together, each makes
 * its first calls at once (bce_logits_f64, bce_probs_f32, bce_logits_f32,
 * bce_probs_f64, bce_logreg_f64, bce_active_isa: each thread starts with a
 * different one), so the kernel table is chosen lazily by several threads
 * at the same moment.  Only after the join does the main thread compute the
 * reference, once per available ISA (which must all agree), and compare
 * every thread's outputs bit for bit.
 *
 * Phase 2 (unless --first-only): T threads run ROUNDS rounds of the same
 * calls while a quarter of them switch the ISA with bce_set_isa between
 * "scalar", "auto" and every available ISA, which bce.h documents as
 * allowed: each call uses the old or the new table, and the bits are the
 * same.
 *
 * Plain C and pthreads (no Criterion: the test runs under ThreadSanitizer
 * in .ci/run, where only libbce and this file are instrumented).
 * Usage: test_threads [--first-only] [THREADS]
 * Exit status 0 when every output matches, 1 otherwise.
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

enum { N = 1000, LR_N = 200, LR_K = 5, LR_M = LR_K + 1, ROUNDS = 40, MAX_T = 64 };

/* inputs: written by main before the threads start, read-only afterwards */
static double z64[N], y64[N], p64[N];
static float z32[N], y32[N], p32[N];
static double lr_x[LR_N * LR_K], lr_y[LR_N], lr_w[LR_M];

typedef struct outputs {
    double lz_loss, lz_grad[N];          /* bce_logits_f64, MEAN            */
    double pz_loss[N], pz_grad[N];       /* bce_probs_f64, NONE, pos_weight */
    float lf_loss, lf_grad[N];           /* bce_logits_f32, SUM, smoothing  */
    float pf_loss[N], pf_grad[N];        /* bce_probs_f32, NONE             */
    double lr_loss, lr_grad[LR_M];       /* bce_logreg_f64, MEAN            */
    int st[5];                           /* statuses                        */
} outputs;

static outputs reference;                /* the single-thread reference     */

typedef struct worker {
    int id, phase;
    outputs out;
    const char *isa;                     /* bce_active_isa() seen           */
    int isa_ok;                          /* that name is available          */
    int mismatches;                      /* phase 2: rounds that differed   */
    int set_errors;                      /* phase 2: bce_set_isa failures   */
} worker;

static pthread_barrier_t start;
static const char *isas[8];              /* available ISAs, set after phase 1 */
static int n_isas;

static uint64_t rng = 0x9e3779b97f4a7c15u;
static double uniform(void)              /* [0, 1) */
{
    rng = rng * 6364136223846793005u + 1442695040888963407u;
    return (double)(rng >> 11) * 0x1p-53;
}

static void make_inputs(void)
{
    for (int i = 0; i < N; i++) {
        z64[i] = (uniform() - 0.5) * 80.0;         /* both tails */
        y64[i] = (i % 3 == 0) ? (double)(i % 2) : uniform();
        p64[i] = uniform();
        z32[i] = (float)((uniform() - 0.5) * 40.0);
        y32[i] = (i % 3 == 0) ? (float)(i % 2) : (float)uniform();
        p32[i] = (float)uniform();
    }
    for (int i = 0; i < LR_N * LR_K; i++) lr_x[i] = uniform() * 4.0 - 2.0;
    for (int i = 0; i < LR_N; i++) lr_y[i] = uniform() < 0.5 ? 0.0 : 1.0;
    for (int j = 0; j < LR_M; j++) lr_w[j] = uniform() - 0.5;
}

/* One of the five computations, into o. */
static void compute(int which, outputs *o)
{
    switch (which) {
    case 0: {
        bce_options op = { .reduction = BCE_REDUCTION_MEAN };
        o->st[0] = bce_logits_f64(N, z64, y64, NULL, &op, &o->lz_loss, o->lz_grad);
        break;
    }
    case 1: {
        o->st[1] = bce_probs_f32(N, p32, y32, NULL, NULL, o->pf_loss, o->pf_grad);
        break;
    }
    case 2: {
        bce_options op = { .reduction = BCE_REDUCTION_SUM, .label_smoothing = 0.125 };
        o->st[2] = bce_logits_f32(N, z32, y32, NULL, &op, &o->lf_loss, o->lf_grad);
        break;
    }
    case 3: {
        bce_options op = { .flags = BCE_OPT_POS_WEIGHT, .pos_weight = 3.0 };
        o->st[3] = bce_probs_f64(N, p64, y64, NULL, &op, o->pz_loss, o->pz_grad);
        break;
    }
    case 4: {
        bce_logreg_f64_problem pb = { .n = LR_N, .k = LR_K, .x = lr_x, .ldx = LR_K,
                                      .y = lr_y, .sw = NULL, .fit_intercept = 1,
                                      .l2 = 0.01 };
        bce_options op = { .reduction = BCE_REDUCTION_MEAN };
        o->st[4] = bce_logreg_f64(&pb, lr_w, &op, &o->lr_loss, o->lr_grad, NULL);
        break;
    }
    }
}

static void compute_all(int first, outputs *o)
{
    for (int k = 0; k < 5; k++) compute((first + k) % 5, o);
}

static int same(const outputs *a, const outputs *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static void check_isa(worker *w)
{
    w->isa = bce_active_isa();
    w->isa_ok = w->isa != NULL && bce_isa_available(w->isa);
}

static void *run(void *arg)
{
    worker *w = arg;
    pthread_barrier_wait(&start);
    if (w->phase == 1) {
        /* the first libbce call of this thread, at the same moment as the
         * others: thread 5 asks for the active ISA first */
        if (w->id % 6 == 5) check_isa(w);
        compute_all(w->id % 6, &w->out);
        if (w->id % 6 != 5) check_isa(w);
        return NULL;
    }
    for (int r = 0; r < ROUNDS; r++) {
        if (w->id % 4 == 3) {
            const char *name = (r % 3 == 0) ? "auto"
                             : (r % 3 == 1) ? "scalar"
                             : isas[(r / 3 + w->id) % n_isas];
            if (bce_set_isa(name) != BCE_OK) w->set_errors++;
        }
        memset(&w->out, 0, sizeof w->out);
        compute_all(w->id + r, &w->out);
        check_isa(w);
        if (!same(&w->out, &reference) || !w->isa_ok) w->mismatches++;
    }
    return NULL;
}

static int run_phase(int phase, int T, worker *ws)
{
    pthread_t th[MAX_T];
    if (pthread_barrier_init(&start, NULL, (unsigned)T) != 0) {
        fprintf(stderr, "test_threads: pthread_barrier_init failed\n");
        return -1;
    }
    for (int i = 0; i < T; i++) {
        memset(&ws[i], 0, sizeof ws[i]);
        ws[i].id = i;
        ws[i].phase = phase;
        if (pthread_create(&th[i], NULL, run, &ws[i]) != 0) {
            fprintf(stderr, "test_threads: pthread_create failed\n");
            exit(1);   /* threads already waiting on the barrier */
        }
    }
    for (int i = 0; i < T; i++) pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);
    return 0;
}

int main(int argc, char **argv)
{
    int first_only = 0, T = 8;
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--first-only")) first_only = 1;
        else T = atoi(argv[a]);
    }
    if (T < 2 || T > MAX_T) {
        fprintf(stderr, "usage: test_threads [--first-only] [THREADS in 2..%d]\n", MAX_T);
        return 2;
    }
    make_inputs();
    static worker ws[MAX_T];
    int fail = 0;

    /* phase 1: no libbce call in this process before this point */
    if (run_phase(1, T, ws) != 0) return 1;

    /* the reference, only now: once per available ISA, all the same bits */
    for (size_t i = 0; i < bce_isa_count(); i++) {
        const char *name = bce_isa_name(i);
        if (!bce_isa_available(name)) {
            printf("SKIP: ISA %s (%s)\n", name, bce_isa_compiled(name)
                   ? "not runnable on this CPU" : "not built into this library");
            continue;
        }
        if (n_isas >= (int)(sizeof isas / sizeof isas[0])) {
            fprintf(stderr, "FAIL: more ISAs than this test has room for\n");
            return 1;
        }
        isas[n_isas++] = name;
    }
    for (int i = 0; i < n_isas; i++) {
        outputs o;
        memset(&o, 0, sizeof o);
        if (bce_set_isa(isas[i]) != BCE_OK) {
            fprintf(stderr, "FAIL: bce_set_isa(\"%s\") failed\n", isas[i]);
            return 1;
        }
        compute_all(0, &o);
        if (i == 0) {
            memcpy(&reference, &o, sizeof o);   /* padding too: compared by memcmp */
            for (int k = 0; k < 5; k++)
                if (o.st[k] != BCE_OK) {
                    fprintf(stderr, "FAIL: reference computation %d: %s\n", k,
                            bce_status_name(o.st[k]));
                    fail = 1;
                }
        } else if (!same(&o, &reference)) {
            fprintf(stderr, "FAIL: ISA %s differs from %s\n", isas[i], isas[0]);
            fail = 1;
        }
    }
    bce_set_isa("auto");
    for (int i = 0; i < T; i++) {
        if (!ws[i].isa_ok) {
            fprintf(stderr, "FAIL: thread %d: bce_active_isa() = %s, not available\n",
                    i, ws[i].isa ? ws[i].isa : "(null)");
            fail = 1;
        }
        if (!same(&ws[i].out, &reference)) {
            fprintf(stderr, "FAIL: thread %d: concurrent first calls differ from the reference\n", i);
            fail = 1;
        }
    }
    printf("phase 1: %d threads, concurrent first calls: %s (active ISA %s)\n",
           T, fail ? "FAILED" : "same bits", ws[0].isa ? ws[0].isa : "(null)");

    if (!first_only) {
        if (run_phase(2, T, ws) != 0) return 1;
        int bad = 0;
        for (int i = 0; i < T; i++) {
            if (ws[i].mismatches || ws[i].set_errors) {
                fprintf(stderr, "FAIL: thread %d: %d of %d rounds differ, %d bce_set_isa errors\n",
                        i, ws[i].mismatches, ROUNDS, ws[i].set_errors);
                bad = 1;
            }
        }
        bce_set_isa("auto");
        printf("phase 2: %d threads x %d rounds with concurrent bce_set_isa over %d ISAs: %s\n",
               T, ROUNDS, n_isas, bad ? "FAILED" : "same bits");
        fail |= bad;
    }
    return fail;
}
