/*
 * probs_f64.c -- scalar kernel, probs form, f64.
 *
 * Algorithm: src/scalar/probs_core.c (level 1, double-double, relative
 * error <= BCE_EPS_* of internal.h) with the slow path src/scalar/slow.c
 * (triple-double) for results whose rounding the bound cannot decide.
 * Bound (error budgets in elem_f64.h, not yet machine-checked; rounding
 * tests in internal.h):
 *   loss <= 0.5 + 2^-9 ulp (level-1 bound BCE_EPS_LOSS = 2^-62);
 *   gradient <= 1 ulp: rounding test |err| * 2^55 <= |g|, else slow path.
 * Max measured (`bce verify`, default run, docs/ACCURACY.md):
 *   loss 0.5 ulp (clamp, random) at x, y = 0x1.5f7be678e08cep-994, 0x1.3308a4dd8afb8p-4
 *   grad 0.5019 ulp (pos_weight, soft_cancel) at x, y = 0x1.fffffffffff4fp-1, 0x1.fffffffffff5p-1
 */
#include "kernels.h"

#define KERNEL_NAME bce_probs_f64_scalar
#define PFX(name) probs_f64_##name
#include "scalar/probs_f64_inst.h"
#include "scalar/kernel_loop.h"
