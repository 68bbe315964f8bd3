/* test_env.h -- settings the tests take from the environment. */
#ifndef BCE_TEST_ENV_H
#define BCE_TEST_ENV_H

#include <stdlib.h>

/* BCE_TEST_SAMPLES if set to a positive count, else dflt. */
static inline long bce_test_samples(long dflt)
{
    const char *s = getenv("BCE_TEST_SAMPLES");
    long v = s ? atol(s) : 0;
    return v > 0 ? v : dflt;
}

#endif
