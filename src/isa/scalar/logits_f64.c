/*
 * logits_f64.c -- scalar kernel, logits form, f64.
 *
 * Algorithm: src/level1/logits.c (level 1, double-double, relative
 * error <= BCE_EPS_* of core/internal.h) with the slow path src/accurate/slow.c
 * (triple-double) for results whose rounding the bound cannot decide.
 * Bound (error budgets in level1/elem_f64.h, not yet machine-checked; rounding
 * tests in core/internal.h):
 *   loss <= 0.5 + 2^-9 ulp (level-1 bound BCE_EPS_LOSS = 2^-62);
 *   gradient <= 1 ulp: rounding test |err| * 2^55 <= |g|, else slow path.
 * Max measured (`bce verify`, default run, docs/ACCURACY.md):
 *   loss 0.5 ulp (hard, random) at x, y = -0x1.e74d3e155e0acp-25, 0x1p+0
 *   grad 0.5 ulp (hard, random) at x, y = -0x1.251570de6c0c4p-2, 0x1p+0
 */
#include "core/isa.h"

#define KERNEL_NAME bce_logits_f64_scalar
#define PFX(name) logits_f64_##name
#include "level1/form_logits_f64.h"
#include "level1/sample_tmpl.h"
