/*
 * isa/scalar/probs_f64.c -- the scalar kernel, probability form, f64: one
 * sample at a time, the per-sample code every ISA shares.
 *
 * Algorithm: src/level1/probs.c (level 1, double-double, relative error
 * <= BCE_EPS_* of core/internal.h) with the slow path src/accurate/slow.c
 * (triple-double) for results whose rounding the bound cannot decide.
 * Bound (error budgets in level1/elem_f64.h; rounding tests in
 * core/internal.h; measured maxima in docs/ACCURACY.md only):
 *   loss <= 0.5 + 2^-9 ulp (level-1 bound BCE_EPS_LOSS = 2^-62);
 *   gradient correctly rounded: rounding test bce_f64_cr, else the slow
 *   path (exact numerator, src/accurate/exact.c), else the exact tie-break
 *   (bce_probs_grad_resolve).
 */
#include "core/isa.h"

#define PFX(name) probs_f64_##name
#include "level1/form_probs_f64.h"      /* the probs form in f64: FT, SAMPLE, SLOW, tests */
#include "level1/sample_tmpl.h"      /* the per-sample code: probs_f64_one */

void bce_probs_f64_scalar(size_t n, const double *x, const double *y, const double *w,
                          const bce_kparams *kp, double *loss, double *grad, bce_acc *acc)
{
    for (size_t i = 0; i < n; i++)
        probs_f64_one(i, x, y, w, kp, loss, grad, acc);
}
