/*
 * level0/f32_coef.h -- constants of the float outputs' table-free level 1
 * (src/level0/f32_tmpl.h).  Polynomials by Sollya's fpminimax
 * (relative error, double coefficients); proofs/sollya/f32v_poly.sollya
 * regenerates them from these committed values' domains and certifies the
 * supnorms quoted in level0/f32_tmpl.h.
 */
#ifndef BCE_F32V_COEF_H
#define BCE_F32V_COEF_H

/* ln2 = L1 + L2 (+ 1.95e-31): L1 a multiple of 2^-42, L2 = RN(ln2 - L1) */
static const double bce_f32v_ln2[2] = { 0x1.62e42fefa38p-1, 0x1.ef35793c7673p-45 };

/* e^r ~ 1 + r + c2 r^2 + ... + c9 r^9 on |r| <= ln2/2 + 2^-30
 * fpminimax(exp(x), 9, [|1,1,D...|], I, floating, relative):
 * supnorm 1.928e-14 = 2^-45.56 */
static const double bce_f32v_exp_c[10] = {
    0x1p0, 0x1p0, 0x1.ffffffffee8bep-2, 0x1.5555555578869p-3,
    0x1.5555558187de7p-5, 0x1.111110ba236e9p-7, 0x1.6c163619fd259p-10,
    0x1.a01aea8f04be4p-13, 0x1.a1740d4762693p-16, 0x1.7187fa56791a1p-19,
};

/* 2 atanh(s) ~ s (2 + t R(t)), t = s^2: R's coefficients are 2 c3, 2 c5,
 * ... of fpminimax(atanh(x), [|3,5,...|], [|D...|], [2^-200; S], floating,
 * relative, x):
 *   S = 1/3 + 2^-30, c3 .. c15: supnorm 7.027e-14 = 2^-43.69 */
static const double bce_f32v_at15_c[7] = {
    2 * 0x1.55555556356c3p-2, 2 * 0x1.9999980b6ad3bp-3, 2 * 0x1.2492c07c266c3p-3,
    2 * 0x1.c6faacb888812p-4, 2 * 0x1.76e6384d9ef2bp-4, 2 * 0x1.20b4031d2b05fp-4,
    2 * 0x1.99bb7582e8737p-4,
};
/*   S = 0.1716 + 2^-20, c3 .. c11: supnorm 2.954e-14 = 2^-44.94 */
static const double bce_f32v_at11_c[5] = {
    2 * 0x1.555555561dd2ap-2, 2 * 0x1.999996aa5267ap-3, 2 * 0x1.2494118eb28a2p-3,
    2 * 0x1.c62b2f9127416p-4, 2 * 0x1.911444a597e2ap-4,
};

#endif
