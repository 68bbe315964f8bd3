/*
 * isa_list.h -- the ISAs a Criterion test runs: every ISA of the library's
 * registry (bce_isa_count / bce_isa_name, src/core/isa.c), never a list of
 * names of its own.  An ISA this build or CPU cannot run is skipped with a
 * message on stderr (in the test's log), never counted as tested.  (Not
 * cr_log_warn: a Criterion warning fails the run.)
 */
#ifndef BCE_TEST_ISA_LIST_H
#define BCE_TEST_ISA_LIST_H

#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include "bce.h"

/* Room for the registry in the tests' arrays (checked: test_isa_count). */
#define TEST_MAX_ISA 16

/* bce_isa_count(), after checking it fits TEST_MAX_ISA. */
static inline size_t test_isa_count(void)
{
    size_t n = bce_isa_count();
    cr_assert(n >= 1 && n <= TEST_MAX_ISA, "bce_isa_count() = %zu (TEST_MAX_ISA %d)", n,
              TEST_MAX_ISA);
    return n;
}

/* Can this build and CPU run registry ISA i?  If not, says so. */
static inline int test_isa_runnable(size_t i)
{
    const char *name = bce_isa_name(i);
    if (bce_isa_available(name))
        return 1;
    fprintf(stderr, "[SKIP] ISA %s: %s\n", name,
            bce_isa_compiled(name) ? "not runnable on this CPU"
                                   : "not built into this library");
    return 0;
}

/* The registry's ISAs this build and CPU run, in its order (scalar first);
 * returns their count (>= 1).  out has room for TEST_MAX_ISA. */
static inline size_t test_runnable_isas(const char *out[TEST_MAX_ISA])
{
    size_t m = 0, n = test_isa_count();
    for (size_t i = 0; i < n; i++)
        if (test_isa_runnable(i))
            out[m++] = bce_isa_name(i);
    cr_assert(m >= 1, "scalar must always be available");
    return m;
}

#endif
