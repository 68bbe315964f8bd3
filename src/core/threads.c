/*
 * core/threads.c -- bce_options.threads: a fixed partition of a range of
 * items across POSIX threads (the calling thread and up to
 * BCE_THREADS_MAX - 1 started for the call, all joined before it returns).
 * pthreads are in glibc's libc since 2.34: the library still needs only
 * libc and libm (`readelf -d libbce.so`).
 *
 * Determinism: the parts are a function of (items, parts) only, never of
 * timing; what each part computes does not depend on which thread runs it
 * (core/api.c: per-sample results do not depend on position, and a
 * reduction keeps one accumulator per block, summed in block order after
 * the join).  A thread that cannot be started leaves its part to the
 * calling thread: the same results.
 */
#include <pthread.h>
#include "core/threads.h"

/* [begin, end) of part j of t over items: the first items % t parts have
 * one item more (no product that could overflow). */
static void part_range(size_t items, unsigned t, unsigned j, size_t *b, size_t *e)
{
    const size_t q = items / t, r = items % t;
    *b = q * j + (j < r ? j : r);
    *e = *b + q + (j < r);
}

typedef struct par_arg {
    bce_part_fn fn;
    void *ctx;
    unsigned part;
    size_t b, e;
} par_arg;

static void *par_main(void *p)
{
    const par_arg *a = p;
    if (a->b < a->e) a->fn(a->ctx, a->part, a->b, a->e);
    return NULL;
}

void bce_par_for(size_t items, unsigned parts, bce_part_fn fn, void *ctx)
{
    if (parts > BCE_THREADS_MAX) parts = BCE_THREADS_MAX;
    if (parts > items) parts = (unsigned)items;
    if (parts <= 1) {
        if (items) fn(ctx, 0, 0, items);
        return;
    }
    pthread_t th[BCE_THREADS_MAX];
    par_arg a[BCE_THREADS_MAX];
    unsigned char started[BCE_THREADS_MAX];
    for (unsigned j = 0; j < parts; j++) {
        a[j].fn = fn; a[j].ctx = ctx; a[j].part = j;
        part_range(items, parts, j, &a[j].b, &a[j].e);
    }
    for (unsigned j = 1; j < parts; j++)
        started[j] = pthread_create(&th[j], NULL, par_main, &a[j]) == 0;
    par_main(&a[0]);
    for (unsigned j = 1; j < parts; j++) {
        if (started[j]) pthread_join(th[j], NULL);
        else par_main(&a[j]);
    }
}
