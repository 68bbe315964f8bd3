/*
 * probs_f32.c -- scalar kernel, probs form, f32.
 *
 * Algorithm: src/scalar/probs_core.c (level 1, double-double, relative
 * error <= BCE_EPS_* of internal.h) with the slow path src/scalar/slow.c
 * (triple-double) for results whose rounding the bound cannot decide.
 * Bounds (docs/ACCURACY.md has the measured maxima and the inputs reaching
 * them; `bce verify` re-measures them):
 *   loss and gradient correctly rounded unless the slow path itself cannot
 *   decide (never observed): every result passes a float rounding test.
 */
#include "kernels.h"

#define KERNEL_NAME bce_probs_f32_scalar
#define FT float
#define SAMPLE(x, lab, kp, L, G) bce_probs_sample((x), (lab), (kp)->flags, (kp)->want_loss, (kp)->want_grad, (L), (G))
#define SLOW(x, y, kp, which, r) bce_slow_probs((x), (y), (kp), (which), (r))
#define GRAD_OK(r) bce_f32_safe(r)
#define LOSS_OK(r) bce_f32_safe(r)
#define ROUND(r) bce_res_f32(r)
#include "scalar/kernel_loop.h"
