/*
 * logits_f32.c -- scalar kernel, logits form, f32.
 *
 * Algorithm: src/level1/logits.c (level 1, double-double, relative
 * error <= BCE_EPS_* of core/internal.h) with the slow path src/accurate/slow.c
 * (triple-double) for results whose rounding the bound cannot decide.
 * Bound (error budgets in level1/elem_f64.h, not yet machine-checked; rounding
 * tests in core/internal.h):
 *   loss and gradient correctly rounded unless the slow path itself cannot
 *   decide (never observed): every result passes a float rounding test;
 *   an exact float midpoint is decided by the sign of the term too small
 *   to represent (bce_res.sticky) or, where the value is rational, by
 *   exact arithmetic (src/accurate/exact.c) -- issue 13: before, such ties went to
 *   even (z = 0x1.e34p+9, y = 0x1.4d8p-5 gave 0x1.cf93ap+9).
 * Max measured (`bce verify`, default run, docs/ACCURACY.md):
 *   loss 0.5 ulp (hard, random) at x, y = 0x1.df4218p-25, 0x1p+0
 *   grad 0.5 ulp (hard, random) at x, y = -0x1.8afp-12, 0x0p+0
 */
#include "core/isa.h"

#define KERNEL_NAME bce_logits_f32_scalar
#define PFX(name) logits_f32_##name
#include "level1/form_logits_f32.h"
#include "level1/sample_tmpl.h"
