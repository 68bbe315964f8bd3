/*
 * tests/test_rng.h -- the fixed-seed generator the thread-split tests share
 * (test_split.c, test_split_logreg.c): splitmix64, uniform doubles in
 * [0, 1) with 53 bits; the same inputs in every run.
 */
#ifndef TEST_RNG_H
#define TEST_RNG_H
#include <stdint.h>

static uint64_t rs = 0x9E3779B97F4A7C15u;
static inline double unif(void)
{
    uint64_t x = (rs += 0x9E3779B97F4A7C15u);
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    x ^= x >> 31;
    return (double)(x >> 11) * 0x1p-53;
}
#endif
