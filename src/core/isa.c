/*
 * isa.c -- the ISA registry: the one list of the instruction sets libbce
 * knows, and the choice of the one entry points use.
 *
 * The registry (bce_isa_registry below) is ordered from the baseline to the
 * best ISA of each target.  An ISA without a kernel of its own for some
 * entry point (NULL in its row) runs there the kernel of the best ISA
 * before it that has one; scalar has every kernel.  Every ISA gives the
 * scalar kernels' bits (tests/test_isa.c), so the fallback changes speed
 * only.  Adding an ISA: docs/HACKING.md, "Add an ISA".
 *
 * The choice: the BCE_ISA environment variable if it names a runnable ISA,
 * else the best runnable one (the last runnable row of the registry).
 * AVX2 is trusted only when CPUID reports AVX2, FMA, AVX and OSXSAVE *and*
 * XGETBV shows that the OS saves the YMM state; AVX-512 only when CPUID
 * reports AVX512F, VL, DQ, BW (and the AVX2 row's FMA, AVX, F16C, OSXSAVE)
 * and XCR0 shows the XMM, YMM, opmask and both ZMM states (bits 1, 2, 5,
 * 6, 7) enabled.
 *
 * The global mutable state of libbce, all C11 atomics (lock-free on every
 * target libbce builds for, so no libatomic):
 *   - the CPU features, read once (relaxed: every reader stores the same);
 *   - the resolved kernel tables, one per registry row, built on first use
 *     by the thread that wins a compare-and-swap (0 -> 1), published by a
 *     release store (-> 2); a thread that finds 1 waits for 2 (the build is
 *     a few loads and stores);
 *   - the active table pointer: the first choice is published with one
 *     compare-and-swap from NULL, bce_set_isa is one atomic store, every
 *     read is one acquire load.  Threads that make their first calls at
 *     once may each compute the choice (getenv and CPUID only, the same
 *     answer for all); the first CAS wins and the others use its table.  A
 *     bce_set_isa that lands before that CAS wins over the lazy choice.
 */
#ifdef __STDC_NO_ATOMICS__
#error "libbce needs C11 <stdatomic.h> (the kernel table pointer is atomic)"
#endif
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "core/isa.h"
#if BCE_HAVE_AVX2 || BCE_HAVE_SSE41 || BCE_HAVE_AVX512
#include <cpuid.h>
#endif

/* ---- can this CPU run it? ---------------------------------------------- */

static int runs_everywhere(void) { return 1; }

#if BCE_HAVE_AVX2 || BCE_HAVE_SSE41 || BCE_HAVE_AVX512
static int cpuid_avx2_fma(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const unsigned need1 = (1u << 12) /* FMA */ | (1u << 27) /* OSXSAVE */ | (1u << 28) /* AVX */
                         | (1u << 29) /* F16C: the avx2 row's f16 conversions (every AVX2 CPU has it) */;
    if ((c & need1) != need1) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6u) != 6u) return 0;                    /* XMM and YMM state enabled */
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & (1u << 5)) != 0;                      /* AVX2 */
}

/* AVX512F, VL, DQ, BW on top of cpuid_avx2_fma, and the OS saving the
 * opmask and ZMM state: XCR0 bits 5 (opmask), 6 (ZMM0-15 upper halves),
 * 7 (ZMM16-31), besides 1 and 2 (XMM, YMM) */
static int cpuid_avx512(void)
{
    if (!cpuid_avx2_fma()) return 0;
    unsigned a, b, c, d;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    const unsigned xcr0 = (1u << 1) | (1u << 2) | (1u << 5) | (1u << 6) | (1u << 7);
    if ((lo & xcr0) != xcr0) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const unsigned need7 = (1u << 16) /* AVX512F */ | (1u << 17) /* AVX512DQ */
                         | (1u << 30) /* AVX512BW */ | (1u << 31) /* AVX512VL */;
    return (b & need7) == need7;
}

static int cpuid_sse41(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    return (c & (1u << 19)) != 0;                     /* SSE4.1 */
}

/* The CPU's features, read once (CPUID costs about 12.5 us per call in
 * the VMs measured here, and bce_set_isa / bce_isa_available ask on every
 * call): 0 until read, then 1 | 2 (AVX2+FMA usable) | 4 (SSE4.1)
 * | 8 (AVX-512 usable). */
static _Atomic unsigned bce_cpu_feat;

static unsigned cpu_features(void)
{
    unsigned f = atomic_load_explicit(&bce_cpu_feat, memory_order_relaxed);
    if (f) return f;
    f = 1;
    if (cpuid_avx2_fma()) f |= 2;
    if (cpuid_sse41()) f |= 4;
    if (cpuid_avx512()) f |= 8;
    atomic_store_explicit(&bce_cpu_feat, f, memory_order_relaxed);
    return f;
}
#endif
#if BCE_HAVE_AVX2
static int cpu_has_avx2_fma(void) { return (cpu_features() & 2) != 0; }
int bce_cpu_avx2(void) { return cpu_has_avx2_fma(); }
#endif
#if BCE_HAVE_AVX512
static int cpu_has_avx512(void) { return (cpu_features() & 8) != 0; }
#endif
#if BCE_HAVE_SSE41
static int cpu_has_sse41(void) { return (cpu_features() & 4) != 0; }
#endif

/* ---- the registry -------------------------------------------------------- */

static const bce_isa bce_isa_registry[] = {
    {
        .name = "scalar", .target = "any",
        .runnable = runs_everywhere,
        .logits_f64 = bce_logits_f64_scalar, .probs_f64 = bce_probs_f64_scalar,
        .logits_f32 = bce_logits_f32_scalar, .probs_f32 = bce_probs_f32_scalar,
        .logreg = &bce_lr_kernels_scalar,
        .cvt_bf16 = bce_cvt_bf16_scalar, .cvt_f16 = bce_cvt_f16_scalar,
        .lowp16 = bce_lowp16_scalar_chunk,
    },
    {
        .name = "sse4.1", .target = "x86-64",
#if BCE_HAVE_SSE41
        .runnable = cpu_has_sse41,
        .logits_f64 = bce_logits_f64_sse41, .probs_f64 = bce_probs_f64_sse41,
        .logits_f32 = bce_logits_f32_sse41, .probs_f32 = bce_probs_f32_sse41,
        /* no fused-regression kernels: SSE4.1 gains nothing there */
#endif
    },
    {
        .name = "avx2", .target = "x86-64",
#if BCE_HAVE_AVX2
        .runnable = cpu_has_avx2_fma,
        .logits_f64 = bce_logits_f64_avx2_l0red, .probs_f64 = bce_probs_f64_avx2_l0red,
        .logits_f32 = bce_logits_f32_avx2_lab, .probs_f32 = bce_probs_f32_avx2_lab,
        .logreg = &bce_lr_kernels_avx2,
        .cvt_bf16 = bce_cvt_bf16_avx2, .cvt_f16 = bce_cvt_f16_avx2,
        .lowp16 = bce_lowp16_avx2_chunk,
#endif
    },
    {
        /* 8 lanes; the entry points without an avx512 kernel of their own
         * (NULL here) run avx2's (resolve) */
        .name = "avx512", .target = "x86-64",
#if BCE_HAVE_AVX512
        .runnable = cpu_has_avx512,
        .logits_f64 = bce_logits_f64_avx512_l0red, .probs_f64 = bce_probs_f64_avx512_l0red,
        .logits_f32 = bce_logits_f32_avx512_lab, .probs_f32 = bce_probs_f32_avx512_lab,
        .logreg = &bce_lr_kernels_avx512,
#endif
    },
    {
        .name = "neon", .target = "aarch64",
#if BCE_HAVE_NEON
        .runnable = runs_everywhere,   /* AdvSIMD is part of the AArch64 baseline */
        .logits_f64 = bce_logits_f64_neon, .probs_f64 = bce_probs_f64_neon,
        .logits_f32 = bce_logits_f32_neon, .probs_f32 = bce_probs_f32_neon,
        /* no fused-regression kernels yet: scalar's */
#endif
    },
};

#define BCE_NISA (sizeof bce_isa_registry / sizeof bce_isa_registry[0])

size_t bce_isa_count(void) { return BCE_NISA; }

const char *bce_isa_name(size_t i)
{
    return i < BCE_NISA ? bce_isa_registry[i].name : NULL;
}

const bce_isa *bce_isa_entry(size_t i)
{
    return i < BCE_NISA ? &bce_isa_registry[i] : NULL;
}

static int isa_runnable(size_t i)
{
    const bce_isa *e = &bce_isa_registry[i];
    return e->runnable && e->runnable();
}

/* registry row of this name, or -1 */
static long isa_index(const char *name)
{
    for (size_t i = 0; i < BCE_NISA; i++)
        if (!strcmp(name, bce_isa_registry[i].name)) return (long)i;
    return -1;
}

/* ---- the resolved tables -------------------------------------------------- */

static bce_kernels bce_resolved[BCE_NISA];
static _Atomic int bce_resolved_state[BCE_NISA];  /* 0 none, 1 building, 2 ready */

/* Row i's kernels, each missing one taken from the nearest row before it
 * that has one and runs here (scalar always does). */
static void resolve(size_t i, bce_kernels *k)
{
    memset(k, 0, sizeof *k);
    k->name = bce_isa_registry[i].name;
    for (size_t j = i + 1; j-- > 0;) {
        const bce_isa *e = &bce_isa_registry[j];
        if (!e->runnable || !e->runnable()) continue;   /* not built, or not here */
        if (!k->logits_f64) k->logits_f64 = e->logits_f64;
        if (!k->probs_f64) k->probs_f64 = e->probs_f64;
        if (!k->logits_f32) k->logits_f32 = e->logits_f32;
        if (!k->probs_f32) k->probs_f32 = e->probs_f32;
        if (!k->lr.block && e->logreg) k->lr = *e->logreg;
        if (!k->cvt_bf16) k->cvt_bf16 = e->cvt_bf16;
        if (!k->cvt_f16) k->cvt_f16 = e->cvt_f16;
        if (!k->lowp16) k->lowp16 = e->lowp16;
    }
}

static const bce_kernels *resolved(size_t i)
{
    int st = atomic_load_explicit(&bce_resolved_state[i], memory_order_acquire);
    if (st == 2) return &bce_resolved[i];
    int zero = 0;
    if (atomic_compare_exchange_strong_explicit(&bce_resolved_state[i], &zero, 1,
                                                memory_order_acq_rel,
                                                memory_order_acquire)) {
        resolve(i, &bce_resolved[i]);
        atomic_store_explicit(&bce_resolved_state[i], 2, memory_order_release);
        return &bce_resolved[i];
    }
    while (atomic_load_explicit(&bce_resolved_state[i], memory_order_acquire) != 2)
        ;   /* another thread is filling it: a few dozen stores */
    return &bce_resolved[i];
}

/* ---- the choice ------------------------------------------------------------ */

static _Atomic(const bce_kernels *) bce_active;
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2,
               "the kernel table pointer must be a lock-free atomic");

static size_t best_isa(void)
{
    for (size_t i = BCE_NISA; i-- > 0;)
        if (isa_runnable(i)) return i;
    return 0;
}

/* The first choice: BCE_ISA if set, known and runnable, else the best. */
static const bce_kernels *initial_table(void)
{
    const char *env = getenv("BCE_ISA");
    if (env && *env && strcmp(env, "auto") != 0) {
        long i = isa_index(env);
        if (i >= 0 && isa_runnable((size_t)i)) return resolved((size_t)i);
    }
    return resolved(best_isa());
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
    long i = isa_index(name);
    return i >= 0 && isa_runnable((size_t)i);
}

int bce_isa_compiled(const char *name)
{
    if (!name) return 0;
    if (!strcmp(name, "auto")) return 1;
    long i = isa_index(name);
    return i >= 0 && bce_isa_registry[i].runnable != NULL;
}

bce_status bce_set_isa(const char *name)
{
    if (!name) return BCE_E_NULL_POINTER;
    size_t i;
    if (!strcmp(name, "auto")) {
        i = best_isa();
    } else {
        long j = isa_index(name);
        if (j < 0) return BCE_E_UNKNOWN_ISA;
        if (!isa_runnable((size_t)j)) return BCE_E_ISA_UNAVAILABLE;
        i = (size_t)j;
    }
    /* one atomic store: a concurrent entry point uses the old or the new
     * table for its whole call (the same bits either way) */
    atomic_store_explicit(&bce_active, resolved(i), memory_order_release);
    return BCE_OK;
}

const char *bce_active_isa(void) { return bce_kernels_active()->name; }
