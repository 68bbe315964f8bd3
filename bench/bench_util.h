/*
 * bench/bench_util.h -- what every benchmark program shares: its clocks,
 * its fixed-seed generator (splitmix64; the same inputs in every run) and
 * the median of a sample.  Header-only, static: each program has its own
 * generator state (`rng_state`, which a program may reset).
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* seconds, monotonic wall clock */
static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* nanoseconds this thread ran (not the time it waited for a core) */
static inline double cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return 1e9 * (double)ts.tv_sec + (double)ts.tv_nsec;
}

static uint64_t rng_state = 0x243F6A8885A308D3u; /* fixed seed */

static inline uint64_t splitmix64(void)
{
    uint64_t x = (rng_state += 0x9E3779B97F4A7C15u);
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return x ^ (x >> 31);
}

/* uniform in [0, 1), 53 bits */
static inline double unif(void) { return (double)(splitmix64() >> 11) * 0x1p-53; }

static inline int bench_cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* the median of v[0..m-1] (sorts v) */
static inline double median(double *v, int m)
{
    qsort(v, (size_t)m, sizeof *v, bench_cmpd);
    return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

#endif
