/*
 * isa/scalar/logits_f64.c -- the scalar kernel, logits form, f64: one
 * sample at a time, the per-sample code every ISA shares.
 *
 * Algorithm: src/level1/logits.c (level 1, double-double, relative error
 * <= BCE_EPS_* of core/internal.h) with the slow path src/accurate/slow.c
 * (triple-double) for results whose rounding the bound cannot decide.
 * Bound (error budgets in level1/elem_f64.h; rounding tests in
 * core/internal.h; measured maxima in docs/ACCURACY.md only):
 *   loss <= 0.5 + 2^-9 ulp (level-1 bound BCE_EPS_LOSS = 2^-62);
 *   gradient <= 1 ulp: rounding test |err| 2^55 <= |g|, else the slow path.
 */
#include "core/isa.h"

#define PFX(name) logits_f64_##name
#include "level1/form_logits_f64.h"      /* the logits form in f64: FT, SAMPLE, SLOW, tests */
#include "level1/sample_tmpl.h"      /* the per-sample code: logits_f64_one */

void bce_logits_f64_scalar(size_t n, const double *x, const double *y, const double *w,
                           const bce_kparams *kp, double *loss, double *grad, bce_acc *acc)
{
    for (size_t i = 0; i < n; i++)
        logits_f64_one(i, x, y, w, kp, loss, grad, acc);
}
