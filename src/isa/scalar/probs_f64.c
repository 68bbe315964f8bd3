/*
 * probs_f64.c -- scalar kernel, probs form, f64.
 *
 * Algorithm: src/level1/probs.c (level 1, double-double, relative
 * error <= BCE_EPS_* of core/internal.h) with the slow path src/accurate/slow.c
 * (triple-double) for results whose rounding the bound cannot decide.
 * Bound (error budgets in level1/elem_f64.h, not yet machine-checked; rounding
 * tests in core/internal.h):
 *   loss <= 0.5 + 2^-9 ulp (level-1 bound BCE_EPS_LOSS = 2^-62);
 *   gradient correctly rounded: rounding test bce_f64_cr, else the slow
 *   path (exact numerator, src/accurate/exact.c), else the exact tie-break
 *   (bce_probs_grad_resolve).
 * Measured maxima: docs/ACCURACY.md ("Measured: bce verify").
 */
#include "core/isa.h"

#define KERNEL_NAME bce_probs_f64_scalar
#define PFX(name) probs_f64_##name
#include "level1/form_probs_f64.h"
#include "level1/sample_tmpl.h"
