/*
 * isa/scalar/logits_f32.c -- the scalar kernel, logits form, f32: one
 * sample at a time, the per-sample code every ISA shares.
 *
 * Algorithm: src/level1/logits.c (level 1, double-double, relative error
 * <= BCE_EPS_* of core/internal.h) with the slow path src/accurate/slow.c
 * (triple-double) for results whose rounding the bound cannot decide.
 * Bound (error budgets in level1/elem_f64.h; rounding tests in
 * core/internal.h; measured maxima in docs/ACCURACY.md only):
 *   loss and gradient correctly rounded unless the slow path itself cannot
 *   decide (never observed): every result passes a float rounding test;
 *   an exact float midpoint is decided by the sign of the term too small
 *   to represent (bce_res.sticky) or, where the value is rational, by
 *   exact arithmetic (src/accurate/exact.c).
 */
#include "core/isa.h"

#define PFX(name) logits_f32_##name
#include "level1/form_logits_f32.h"      /* the logits form in f32: FT, SAMPLE, SLOW, tests */
#include "level1/sample_tmpl.h"      /* the per-sample code: logits_f32_one */

void bce_logits_f32_scalar(size_t n, const float *x, const float *y, const float *w,
                           const bce_kparams *kp, float *loss, float *grad, bce_acc *acc)
{
    for (size_t i = 0; i < n; i++)
        logits_f32_one(i, x, y, w, kp, loss, grad, acc);
}
