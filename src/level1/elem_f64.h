/*
 * level1/elem_f64.h -- the level-1 elementary functions of libbce, in
 * double-double, written once and shared by every scalar kernel.  The SIMD
 * kernels implement the same statements lane-wise, so they give the same bits.
 *
 * bce_exp_scaled(x, &E):  e^x = 2^E (hi + lo), x in [-1000, 0].
 *   Algorithm: k = round(x 128/ln2), r = x - k ln2/128 with ln2/128 = L1+L2+L3
 *   (k L1 exact: L1 has 35 bits, |k| < 2^18; x - k L1 exact by Sterbenz;
 *   k L2 by an exact product), so r = rh + rl to ~2^-100 absolute,
 *   |r| <= ln2/256 (1 + 2^-33).  e^r = 1 + rh + [rl + rh rl + rh^2 Q(rh)],
 *   Q = Taylor 1/2 + r/6 + ... + r^4/720 (truncation r^7/5040 < 2^-72).
 *   T = 2^(j/128) from bce_exp_tab (dd part), e = T e^r reconstructed with one
 *   exact product T.hi*rh.  Relative error budget (before scaling):
 *     truncation 2^-72, rounding of the bracket ~4 x 2^-71, table 2^-106
 *   => |hi+lo - e^x 2^-E| <= 2^-66 e^x 2^-E  (budget; measured: see
 *      tests/test_level1.c and docs/ACCURACY.md).
 *
 * bce_ln3(xh, xl, xu):  log(xh + xl + xu) for xh > 0 normal or subnormal,
 *   xl, xu tiny corrections (|xl| <= ulp(xh), |xu| <= |xl| or xh ~ 1).
 *   Algorithm: x = 2^k m, m in [0.6875, 1.375), 256 intervals; c = bce_log_c[i]
 *   (c = 1 on the two intervals next to 1, so x ~ 1 keeps full relative
 *   accuracy); r = c m - 1 computed exactly as a double-double (exact product,
 *   Sterbenz, TwoSum); |r| <= 2^-8.  log1p(r) = (rh - rh^2/2 exactly as a
 *   double-double) + [rl - rh rl + rh^3 P(rh)], P Taylor 1/3 - r/4 ... + r^6/9
 *   (certified error 2^-71.48 relative, mostly the rounding of 1/3; the
 *   truncation r^9/10 is 2^-75.3).  log x = k ln2 + (-log c) +
 *   log1p(r), summed with exact TwoSums.
 *   Relative error budget: 2^-64 (measured: tests/test_level1.c).
 *
 * Proven (proofs/README.md):
 *   exp_scaled: |hi+lo - e^x 2^-E| <= 2^-67 e^x 2^-E  (proofs/gappa/exp_scaled.g;
 *     polynomial 2^-71.99: proofs/sollya/exp_poly.sollya; table and ln2/128
 *     parts: proofs/sollya/exp_data.sollya; exact steps: proofs/coq/BceEFT.v).
 *   ln3: 2^-65 relative on the intervals next to 1 for |r| >= 2^-60
 *     (proofs/gappa/ln3_near1.g), 2^-68 absolute everywhere, i.e. 2^-66.3
 *     relative for k != 0 (proofs/gappa/ln3_far.g); polynomial
 *     proofs/sollya/log_poly.sollya, tables proofs/sollya/log_data.sollya.
 *     Not machine-checked: k = 0 with c != 1, and |r| < 2^-60 near 1
 *     (the written budget above covers them).
 */
#ifndef BCE_ELEM_F64_H
#define BCE_ELEM_F64_H

#include "core/dd.h"
#include "tables/tables.h"
#include "core/internal.h"

/* Absolute-value thresholds on x = -|z| (reasons in the comments). */
#define BCE_EXP_XMIN (-1000.0) /* below: e^x < 2^-1442, negligible against any
                                  result >= 2^-1074 (callers use E = BCE_E_TINY) */
#define BCE_E_TINY (-100000)

/* The scalar instantiation of the level-1 templates. */
#include "level1/lanes_scalar.h"
#include "level1/elem_tmpl.h"
#include "level1/logits_hot_tmpl.h"
#include "level1/probs_hot_tmpl.h"
#include "level1/lanes_scalar_end.h"

static inline bce_dd bce_exp_scaled(double x, int *E)
{
    int64_t e;
    bce_dd r = bce_el_exp_scaled(x, &e);
    *E = (int)e;
    return r;
}

static inline bce_dd bce_ln3(double xh, double xl, double xu)
{
    return bce_el_ln3(xh, xl, xu);
}

#endif
