/*
 * core/isa.c -- picks the kernel table once.
 * Order: BCE_ISA environment variable (scalar|sse4.1|avx2) if set and
 * runnable, else the best ISA the CPU and OS support.  AVX2 is trusted only
 * when CPUID reports AVX2, FMA, AVX and OSXSAVE *and* XGETBV shows the OS
 * saves the YMM state.  On x86-64 builds: scalar, sse4.1, avx2 (every
 * ISA gives the scalar kernels' bits).
 *
 * The global mutable state of libbce: the CPU features, read once
 * (bce_cpu_feat, relaxed atomics), and the pointer bce_active below, a C11
 * atomic (lock-free on every target libbce builds for, so no
 * libatomic): the first choice is published with one compare-and-swap from
 * NULL, bce_set_isa is one atomic store, every read is one acquire load.
 * Threads that make their first calls at once may each compute the choice
 * (getenv and CPUID only, the same answer for all); the first CAS wins and
 * the others use its table.  A bce_set_isa that lands before that CAS wins
 * over the lazy choice (the CAS fails and returns the stored table).
 */
#ifdef __STDC_NO_ATOMICS__
#error "libbce needs C11 <stdatomic.h> (the kernel table pointer is atomic)"
#endif
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "core/isa.h"
#include "logreg/logreg.h"
#if BCE_HAVE_AVX2 || BCE_HAVE_SSE41
#include <cpuid.h>
#endif

static const bce_kernels bce_table_scalar = {
    "scalar",
    bce_logits_f64_scalar, bce_probs_f64_scalar,
    bce_logits_f32_scalar, bce_probs_f32_scalar,
    bce_lr_dots_f64_scalar, bce_lr_accum_f64_scalar,
    bce_lr_dots_f32_scalar, bce_lr_accum_f32_scalar,
    bce_lr_dots_fast_f64_scalar, bce_lr_accum_fast_f64_scalar,
    bce_lr_dots_fast_f32_scalar, bce_lr_accum_fast_f32_scalar,
    bce_lr_block_scalar, bce_lr_rows_fast_scalar,
};

#if BCE_HAVE_AVX2
static const bce_kernels bce_table_avx2 = {
    "avx2",
    bce_logits_f64_avx2, bce_probs_f64_avx2,
    bce_logits_f32_avx2, bce_probs_f32_avx2,
    bce_lr_dots_f64_avx2, bce_lr_accum_f64_avx2,
    bce_lr_dots_f32_avx2, bce_lr_accum_f32_avx2,
    bce_lr_dots_fast_f64_avx2, bce_lr_accum_fast_f64_avx2,
    bce_lr_dots_fast_f32_avx2, bce_lr_accum_fast_f32_avx2,
    bce_lr_block_avx2, bce_lr_rows_fast_avx2,
};

static int cpuid_avx2_fma(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const unsigned need1 = (1u << 12) /* FMA */ | (1u << 27) /* OSXSAVE */ | (1u << 28) /* AVX */;
    if ((c & need1) != need1) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6u) != 6u) return 0;                    /* XMM and YMM state enabled */
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & (1u << 5)) != 0;                      /* AVX2 */
}
#endif

#if BCE_HAVE_SSE41
static const bce_kernels bce_table_sse41 = {
    "sse4.1",
    bce_logits_f64_sse41, bce_probs_f64_sse41,
    bce_logits_f32_sse41, bce_probs_f32_sse41,
    /* the feature loops gain nothing from SSE4.1: the baseline ones */
    bce_lr_dots_f64_scalar, bce_lr_accum_f64_scalar,
    bce_lr_dots_f32_scalar, bce_lr_accum_f32_scalar,
    bce_lr_dots_fast_f64_scalar, bce_lr_accum_fast_f64_scalar,
    bce_lr_dots_fast_f32_scalar, bce_lr_accum_fast_f32_scalar,
    bce_lr_block_scalar, bce_lr_rows_fast_scalar,
};

static int cpuid_sse41(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    return (c & (1u << 19)) != 0;                     /* SSE4.1 */
}
#endif

/* NULL until the first call chooses a table; then always a valid table. */
/* The CPU's features, read once (CPUID costs about 12.5 us per call in
 * the VMs measured here, and bce_set_isa / bce_isa_available ask on every
 * call: the api fuzz target ran at half speed): 0 until read, then
 * 1 | 2 (AVX2+FMA usable) | 4 (SSE4.1).  Relaxed atomics suffice: every
 * thread that reads the CPU stores the same value. */
static _Atomic unsigned bce_cpu_feat;

static unsigned cpu_features(void)
{
    unsigned f = atomic_load_explicit(&bce_cpu_feat, memory_order_relaxed);
    if (f) return f;
    f = 1;
#if BCE_HAVE_AVX2
    if (cpuid_avx2_fma()) f |= 2;
#endif
#if BCE_HAVE_SSE41
    if (cpuid_sse41()) f |= 4;
#endif
    atomic_store_explicit(&bce_cpu_feat, f, memory_order_relaxed);
    return f;
}
#if BCE_HAVE_AVX2
static int cpu_has_avx2_fma(void) { return (cpu_features() & 2) != 0; }
#endif
#if BCE_HAVE_SSE41
static int cpu_has_sse41(void) { return (cpu_features() & 4) != 0; }
#endif

static _Atomic(const bce_kernels *) bce_active;
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2,
               "the kernel table pointer must be a lock-free atomic");

static int known_isa(const char *name)
{
    return !strcmp(name, "scalar") || !strcmp(name, "sse4.1") || !strcmp(name, "avx2");
}

static const bce_kernels *table_for(const char *name)
{
    if (!strcmp(name, "scalar")) return &bce_table_scalar;
#if BCE_HAVE_AVX2
    if (!strcmp(name, "avx2") && cpu_has_avx2_fma()) return &bce_table_avx2;
#endif
#if BCE_HAVE_SSE41
    if (!strcmp(name, "sse4.1") && cpu_has_sse41()) return &bce_table_sse41;
#endif
    return NULL;
}

static const bce_kernels *best_table(void)
{
#if BCE_HAVE_AVX2
    if (cpu_has_avx2_fma()) return &bce_table_avx2;
#endif
#if BCE_HAVE_SSE41
    if (cpu_has_sse41()) return &bce_table_sse41;
#endif
    return &bce_table_scalar;
}

/* The first choice: BCE_ISA if set, known and runnable, else the best. */
static const bce_kernels *initial_table(void)
{
    const char *env = getenv("BCE_ISA");
    const bce_kernels *t = NULL;
    if (env && *env && strcmp(env, "auto") != 0) t = table_for(env);
    return t ? t : best_table();
}

/* Each entry point calls this once per call and uses that table for the
 * whole call. */
const bce_kernels *bce_kernels_active(void)
{
    const bce_kernels *t = atomic_load_explicit(&bce_active, memory_order_acquire);
    if (t) return t;
    const bce_kernels *choice = initial_table();
    if (atomic_compare_exchange_strong_explicit(&bce_active, &t, choice,
                                                memory_order_acq_rel,
                                                memory_order_acquire))
        return choice;
    return t;   /* another thread (or bce_set_isa) stored first: use that */
}

int bce_isa_available(const char *name)
{
    if (!name) return 0;
    if (!strcmp(name, "auto")) return 1;
    return table_for(name) != NULL;
}

bce_status bce_set_isa(const char *name)
{
    if (!name) return BCE_E_NULL_POINTER;
    const bce_kernels *t;
    if (!strcmp(name, "auto")) {
        t = best_table();
    } else {
        if (!known_isa(name)) return BCE_E_UNKNOWN_ISA;
        t = table_for(name);
        if (!t) return BCE_E_ISA_UNAVAILABLE;
    }
    /* one atomic store: a concurrent entry point uses the old or the new
     * table for its whole call (the same bits either way) */
    atomic_store_explicit(&bce_active, t, memory_order_release);
    return BCE_OK;
}

const char *bce_active_isa(void) { return bce_kernels_active()->name; }
