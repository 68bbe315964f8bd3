/*
 * probs_f64.c -- scalar kernel, probs form, f64.
 *
 * Algorithm: src/scalar/probs_core.c (level 1, double-double, relative
 * error <= BCE_EPS_* of internal.h) with the slow path src/scalar/slow.c
 * (triple-double) for results whose rounding the bound cannot decide.
 * Bound (error budgets in elem_f64.h, not yet machine-checked; rounding
 * tests in internal.h):
 *   loss <= 0.5 + 2^-9 ulp (level-1 bound BCE_EPS_LOSS = 2^-62);
 *   gradient correctly rounded: rounding test bce_f64_cr, else the slow
 *   path (exact numerator, src/exact.c), else the exact tie-break
 *   (bce_probs_grad_resolve).
 * Measured maxima: docs/ACCURACY.md ("Measured: bce verify").
 */
#include "kernels.h"

#define KERNEL_NAME bce_probs_f64_scalar
#define PFX(name) probs_f64_##name
#include "scalar/probs_f64_inst.h"
#include "scalar/kernel_loop.h"
