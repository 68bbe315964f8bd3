/*
 * dispatch.c -- picks the kernel table once.
 * Order: BCE_ISA environment variable (scalar|sse4.1|avx2) if set and
 * runnable, else the best ISA the CPU and OS support.  The SIMD tables are
 * added by the SIMD kernels (issue 3); today only "scalar" is compiled in,
 * and asking for another ISA is BCE_E_ISA_UNAVAILABLE.
 * The one piece of global mutable state in libbce is the pointer below.
 */
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

static const bce_kernels bce_table_scalar = {
    "scalar",
    bce_logits_f64_scalar, bce_probs_f64_scalar,
    bce_logits_f32_scalar, bce_probs_f32_scalar,
};

static const bce_kernels *bce_active;

static int known_isa(const char *name)
{
    return !strcmp(name, "scalar") || !strcmp(name, "sse4.1") || !strcmp(name, "avx2");
}

static const bce_kernels *table_for(const char *name)
{
    if (!strcmp(name, "scalar")) return &bce_table_scalar;
    return NULL; /* sse4.1, avx2: not built yet */
}

static const bce_kernels *best_table(void)
{
    return &bce_table_scalar;
}

const bce_kernels *bce_kernels_active(void)
{
    if (!bce_active) {
        const char *env = getenv("BCE_ISA");
        const bce_kernels *t = NULL;
        if (env && *env && strcmp(env, "auto") != 0) t = table_for(env);
        bce_active = t ? t : best_table();
    }
    return bce_active;
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
    if (!strcmp(name, "auto")) { bce_active = best_table(); return BCE_OK; }
    if (!known_isa(name)) return BCE_E_UNKNOWN_ISA;
    const bce_kernels *t = table_for(name);
    if (!t) return BCE_E_ISA_UNAVAILABLE;
    bce_active = t;
    return BCE_OK;
}

const char *bce_active_isa(void) { return bce_kernels_active()->name; }
