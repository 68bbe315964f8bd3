/*
 * known_failures.c -- inputs the fuzzers found that libbce once got wrong
 * (extreme weights, a subnormal smoothing, an overflowing x.v in the
 * Hessian-vector product).  Since weights are limited to 0 or
 * [2^-64, 2^64] and smoothing to 0 or [2^-64, 1], most are now rejected
 * with their documented status; the HVP case is fixed.  The program prints
 * one line per case and exits 1 if any case regresses (a regular test).
 */
#include <math.h>
#include <stdio.h>
#include "bce_verify.h"

static int report(const char *what, int ok, double got)
{
    printf("%s: %s (got %a)\n", ok ? "FIXED" : "STILL WRONG", what, got);
    return !ok;
}

int main(void)
{
    int wrong = 0;
    mpfr_t el;
    mpfr_init2(el, 256);
    { /* WEIGHTED_MEAN of one sample: the mean is L (~2^900), but w L =
         2^1854 overflows even in the w 2^-600 frame of core/api.c */
        bce_options o = { .reduction = BCE_REDUCTION_WEIGHTED_MEAN };
        double z = 0x1.fffffffffffffp+899, y = 0x1.ffffffffffff8p-901;
        double w = 0x1.90049b8885f6dp+954, l = 0;
        /* since weights are limited to [2^-64, 2^64]: rejected */
        bce_status st = bce_logits_f64(1, &z, &y, &w, &o, &l, NULL);
        wrong += report("logits_f64 WEIGHTED_MEAN z = 2^900, w = 2^954: BCE_E_WEIGHT_RANGE, nothing written",
                        st == BCE_E_WEIGHT_RANGE && l == 0, l);
    }
    { /* Hessian-vector product of one row whose x.v overflows (2^1349)
         while h = s(z)(1 - s(z)) underflows (z ~ -2^309): h t = 0 inf = NaN,
         the exact hv[0] is 0 (x_0 = 0) */
        double x[3] = { 0x0p+0, -0x0p+0, 0x1.badee1ef505e2p+474 }, y = 1.0, s = 0x1.10aef2f6a2d9dp+455;
        double w[3] = { 0x1.10ep+1, 0x1.9p+6, -0x1.e57cp-166 };
        double v[3] = { 0x1.c0ep-2, -0x1.da737151f2ef4p+762, 0x1.8176223443524p+875 };
        bce_logreg_f64_problem p = { 1, 3, x, 3, &y, &s, 0, 0.0 };
        bce_options o = { .reduction = BCE_REDUCTION_MEAN };
        double hv[3] = { 0, 0, 0 };
        bce_logreg_hvp_f64(&p, w, v, &o, hv);
        wrong += report("logreg_hvp_f64 x.v = 2^1349, h underflows: hv[0] = 0, not NaN",
                        hv[0] == 0.0, hv[0]);
    }
    { /* the deep tail (z = -1000: e^-1000 < 2^-1300) drops sigma(z) as
         negligible before the weight 2^813 lifts it to 2^-630 */
        double z = -1000.0, y = 0.0, w = 0x1.0837ea8e219eap+813, g = 0;
        bce_status st = bce_logits_f64(1, &z, &y, &w, NULL, NULL, &g);
        wrong += report("logits_f64 z = -1000, y = 0, w = 2^813: BCE_E_WEIGHT_RANGE",
                        st == BCE_E_WEIGHT_RANGE && g == 0, g);
    }
    { /* MEAN whose largest weight (2^1000) puts the loss in the w 2^-600
         frame, where the only nonzero term (weight 9 2^-1074) is lost */
        bce_options o = { .reduction = BCE_REDUCTION_MEAN };
        double p[2] = { 1.0, 0x1.ffcf65fbb0e6cp-1 }, y[2] = { 1.0, 0x1.fafb000f0d1e8p-604 };
        double w[2] = { 0x1p+1000, 0x0.0000000000009p-1022 }, l = 0;
        bce_status st = bce_probs_f64(2, p, y, w, &o, &l, NULL);
        wrong += report("probs_f64 MEAN w = {2^1000, 9 2^-1074}: BCE_E_WEIGHT_RANGE",
                        st == BCE_E_WEIGHT_RANGE && l == 0, l);
    }
    { /* P = 0, smoothing 2^-795, y = 1: alpha = 0, beta = a/2; the gradient
         at p = 2^-800 is beta/(1-p) ~ 2^-796, but N p underflows */
        bce_options o = { .flags = BCE_OPT_POS_WEIGHT, .pos_weight = 0.0,
                          .label_smoothing = 0x1.1c005b79347c4p-795 };
        double p = 0x1.0000000000001p-800, y = 1.0, g = 0;
        bce_status st = bce_probs_f64(1, &p, &y, NULL, &o, NULL, &g);
        wrong += report("probs_f64 P = 0, a = 2^-795: BCE_E_BAD_OPTION (smoothing < 2^-64)",
                        st == BCE_E_BAD_OPTION && g == 0, g);
    }
    mpfr_clear(el);
    printf("%d known failure(s) still wrong\n", wrong);
    return wrong ? 1 : 0;
}
