/*
 * core/thresholds.h -- every number a kernel branches on, in one list, with the
 * file and the literal text of the branch that uses it.
 *
 * The kernels keep their own literals (they are proven statement by
 * statement next to them); this list mirrors them so that the fuzzers
 * (fuzz/fuzz_common.c) can aim inputs at each side of every branch and
 * fuzz/gen_dicts.py can write the libFuzzer dictionaries from the same
 * numbers.  fuzz/check_thresholds.py (meson test fuzz-thresholds) checks
 * that each quoted literal is still present in its file, and that each
 * derived value (a log of a power of two) is what its formula says: a
 * kernel change that moves a threshold fails that test until this list
 * follows it.
 *
 * X(NAME, VALUE, KIND, FILE, "literal text of the branch")
 *   KIND: Z  a logit magnitude |z| (the kernels branch on |z| or e^-|z|)
 *         P  a probability p
 *         Y  a label or a label coefficient (alpha = P y')
 *         M  a magnitude of an intermediate or a result (weights,
 *            pos_weight and 1/n reach these)
 *   VALUE is a literal (hex float where it is not a round decimal).
 * Not used by the library itself: no code in src/ includes this header.
 */
#ifndef BCE_THRESHOLDS_H
#define BCE_THRESHOLDS_H

#define BCE_THRESHOLDS(X) \
    /* logits: |z| */ \
    X(Z_EXP_ARG_MAX, 1000.0, Z, "src/level1/logits.c", "if (az <= 1000.0)") \
    X(Z_SIMD_HOT_MAX, 600.0, Z, "src/simd/form_logits.h", "(EL_ABS(x) <= 600.0)") \
    X(Z_SIMD_HOT_MIN, 0x1p-900, Z, "src/simd/form_logits.h", "((EL_ABS(x) >= 0x1p-900)") \
    X(Z_TINY, 0x1p-900, Z, "src/level1/logits.c", "if (az < 0x1p-900)") \
    X(Z_SLOW_MIN, 0x1p-900, Z, "src/accurate/slow.c", "az < 0x1p-900) return;") \
    X(Z_SLOW_SMALL_GRAD, 0x1p-20, Z, "src/accurate/slow.c", "if (which == 1 && az < 0x1p-20) {") \
    X(Z_SLOW_CUBIC, 0x1p-300, Z, "src/accurate/slow.c", "if (az >= 0x1p-300) {") \
    X(Z_RESOLVE, 0x1p-300, Z, "src/accurate/exact.c", "!(bce_fabs(p) < 0x1p-300)") \
    X(Z_SLOW_MAX, 0x1p900, Z, "src/accurate/slow.c", "az > 0x1p900 ||") \
    X(Z_MUL_BIG, 0x1p900, Z, "src/level1/logits.c", "if (bce_fabs(t) <= 0x1p900)") \
    /* e^-|z| = 2^E m: deep tail when E < -900, i.e. |z| > 900 ln 2 */ \
    X(Z_DEEP_TAIL, 0x1.37ea8e219ecebp+9, Z, "src/level1/logits.c", "if (E >= -900)") \
    /* 2^E B negligible when E < -1300, i.e. |z| > 1300 ln 2 */ \
    X(Z_DEEP_NEGLIGIBLE, 0x1.c28bb0db3ab8cp+9, Z, "src/level1/logits.c", "E < -1300") \
    /* |C z| < 2^-800 in the deep tail (scaled frame) */ \
    X(Z_DEEP_TINY_X, 0x1p-800, M, "src/level1/logits.c", "const double tiny_x = 0x1p-800;") \
    /* saturation: sigma(z) rounds to 1 (53 ln 2, 54 ln 2 in f64; 24, 25 ln 2 in f32) */ \
    X(Z_SAT_F64_LO, 0x1.25e4f7b2737fap+5, Z, "-", "53 ln 2") \
    X(Z_SAT_F64_HI, 0x1.2b708872320e2p+5, Z, "-", "54 ln 2") \
    X(Z_SAT_F32_LO, 0x1.0a2b23f3bab73p+4, Z, "-", "24 ln 2") \
    X(Z_SAT_F32_HI, 0x1.1542457337d43p+4, Z, "-", "25 ln 2") \
    /* exp overflow / underflow limits of the results */ \
    X(Z_EXP_OVF_F64, 0x1.62e42fefa39efp+9, Z, "-", "ln DBL_MAX") \
    X(Z_EXP_NORMAL_F64, 0x1.6232bdd7abcd2p+9, Z, "-", "1022 ln 2") \
    X(Z_EXP_UNF_F64, 0x1.74385446d71c3p+9, Z, "-", "1074 ln 2") \
    X(Z_EXP_UNF_HALF_F64, 0x1.74910d52d3052p+9, Z, "-", "1075 ln 2") \
    X(Z_EXP_OVF_F32, 0x1.62e42feba39efp+6, Z, "-", "ln FLT_MAX") \
    X(Z_EXP_NORMAL_F32, 0x1.5d589f2fe5107p+6, Z, "-", "126 ln 2") \
    X(Z_EXP_UNF_F32, 0x1.9d1d9fccf4770p+6, Z, "-", "149 ln 2") \
    X(Z_EXP_UNF_HALF_F32, 0x1.9fe3682cd3be4p+6, Z, "-", "150 ln 2") \
    X(Z_TD_EXP_MAX, 0x1p30, Z, "src/accurate/td_exp.c", "#define TD_EXP_XMAX 0x1p30") \
    /* probabilities */ \
    X(P_HOT_MIN, 0x1p-800, P, "src/level1/probs.c", "p >= 0x1p-800 && p < 1.0") \
    X(P_SIMD_HOT_MIN, 0x1p-800, P, "src/simd/form_probs.h", "(x >= 0x1p-800) & (x < 1.0)") \
    X(P_TINY_GRAD, 0x1p-800, P, "src/level1/probs.c", "if (p < 0x1p-800) {") \
    X(P_SCALED, 0x1p-900, P, "src/level1/probs.c", "|| p < 0x1p-900) ? 600 : 0;") \
    X(P_LN_TINY, 0x1p-1000, P, "src/level1/elem_tmpl.h", "if (xh < 0x1p-1000) {") \
    X(P_CLAMP, 0x1.a8c1f14e2af5dp-145, P, "src/core/internal.h", "#define BCE_P100 0x1.a8c1f14e2af5dp-145") \
    X(P_ONE, 1.0, P, "src/level1/probs.c", "if (p == 1.0) {") \
    X(P_TD_LOG1P_SMALL, 0x1p-60, P, "src/accurate/td_log.c", "if (au < 0x1p-60) {") \
    X(P_TD_LOG1P_MID, 0x1p-480, P, "src/accurate/td_log.c", "if (au >= 0x1p-480) {") \
    X(P_TD_LOG1P_NEG, 0x1p-9, P, "src/accurate/td_log.c", "if (u >= -0x1p-9 && u < 0x1p-8) {") \
    X(P_TD_LOG1P_POS, 0x1p-8, P, "src/accurate/td_log.c", "if (u >= -0x1p-9 && u < 0x1p-8) {") \
    /* labels and their coefficients */ \
    X(Y_TINY, 0x1p-900, Y, "src/core/label.c", "if (yp.hi < 0x1p-900 || lab->alpha.hi < 0x1p-900)") \
    X(Y_ALPHA_TINY, 0x1p-900, Y, "src/level1/probs.c", "lab->alpha.hi >= 0x1p-900)) {") \
    X(Y_SIMD_HOT_MIN, 0x1p-900, Y, "src/simd/form_probs.h", "((y == 0.0) | (y >= 0x1p-900))") \
    X(Y_ALPHA_S_TINY, 0x1p-300, M, "src/core/internal.h", "if (lab->alpha_s.hi < 0x1p-300)") \
    /* magnitudes of intermediates and results */ \
    X(M_SCALE_BIG, 0x1p900, M, "src/core/frame.c", "if (av > 0x1p900 || af > 0x1p900 || est > 0x1p700) {") \
    X(M_SCALE_EST, 0x1p700, M, "src/core/frame.c", "|| est > 0x1p700) {") \
    X(M_SCALE_OVF, 0x1p1000, M, "src/core/frame.c", "if (est > 0x1p1000) {") \
    X(M_SCALE_V_BIG, 0x1p600, M, "src/core/frame.c", "(r->v.hi > 0x1p600 || r->v.hi < -0x1p600)") \
    X(M_DIV_BIG, 0x1p900, M, "src/core/dd.h", "if (q > 0x1p900 || q < -0x1p900) {") \
    X(M_SLOW_X_TINY, 0x1p-600, M, "src/accurate/slow.c", "if (ax > 0x1p-600) {") \
    X(M_DEEP_LOSS_BIG, 0x1p420, M, "src/level1/logits.c", "* 0x1p-600) > 0x1p420)") \
    X(M_SLOW_G_BIG, 0x1p900, M, "src/accurate/slow.c", "if (ldexp(bce_fabs(gd.hi), F) > 0x1p900) return;") \
    X(M_TINY_P_BIG, 0x1p1000, M, "src/level1/probs.c", "/ pp > 0x1p1000;") \
    X(M_ROUND_NORMAL, 0x1p-1022, M, "src/core/round.c", ">= 0x1p-1022)") \
    X(M_SCALE_TINY_FACTOR, 0x1p300, M, "src/core/frame.c", "return af < 0x1p300 && af > 0.0") \
    X(M_SCALE_TINY_PRODUCT, 0x1p-900, M, "src/core/frame.c", "bce_fabs(r->v.hi) * af < 0x1p-900;") \
    X(M_SCALE_TINY_1200, 0x1p-200, M, "src/core/frame.c", "&& *af <= 0x1p-200 &&") \
    /* sum of the weights (MEAN, WEIGHTED_MEAN) */ \
    X(M_WSUM_BIG, 0x1p900, M, "src/core/api.c", "const int wbig = !(wsum[0].hi <= 0x1p900);") \
    X(M_WSUM_LOSS_BOUND, 0x1p1000, M, "src/core/api.c", "!(wsum[3].hi * (kp->pos_weight + 1.0) <= 0x1p1000)") \
    X(M_WSUM_GRAD_BOUND, 0x1p1000, M, "src/core/api.c", "!(wsum[3].lo * (kp->pos_weight + 1.0) <= 0x1p1000)") \
    X(M_WSUM_TINY, 0x1p-900, M, "src/core/api.c", "if (wsum[0].hi < 0x1p-900) {") \
    /* options */ \
    X(M_POS_WEIGHT_MAX, 0x1p64, M, "include/bce.h", "#define BCE_POS_WEIGHT_MAX    0x1p64") \
    X(M_POS_WEIGHT_MIN, 0x1p-64, M, "include/bce.h", "#define BCE_POS_WEIGHT_MIN    0x1p-64")

#endif
