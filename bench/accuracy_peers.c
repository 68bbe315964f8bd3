/*
 * accuracy_peers.c -- how far the usual formulas for the BCE loss and its
 * gradient are from the exact value, next to libbce, in the same run, on the
 * same inputs (f64, from logits).  Exact values: MPFR (libbce-verify).
 *
 *   textbook    L = max(z,0) - z y + log1p(exp(-|z|))        (TensorFlow's
 *               sigmoid_cross_entropy_with_logits formula)
 *               g = 1/(1+exp(-z)) - y
 *   logsumexp   L = (1-y) z + m + log(exp(-m) + exp(-z-m)), m = max(-z,0)
 *               (the formula of PyTorch 1.13's BCEWithLogitsLoss)
 *               g = sigmoid(z) - y as above (autograd of that formula)
 *   probspace   s = 1/(1+exp(-z)), L = -(y log s + (1-y) log(1-s))
 *               g = s - y
 *   branchfree  g = ((1-y) - y e)/(1+e), e = exp(-z) for z > -37, else
 *               exp(z) - y (the gradient formula of scikit-learn 1.2's
 *               HalfBinomialLoss, as we read it)
 * Usage: accuracy_peers [N]   (default 20000 samples per regime)
 * Prints one line per (formula, output, regime): max ulp error and where.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "bce_verify.h"

typedef struct { double L, g; } lg_t;

static lg_t textbook(double z, double y)
{
    lg_t r;
    r.L = fmax(z, 0.0) - z * y + log1p(exp(-fabs(z)));
    r.g = 1.0 / (1.0 + exp(-z)) - y;
    return r;
}

static lg_t logsumexp(double z, double y)
{
    lg_t r;
    double m = fmax(-z, 0.0);
    r.L = (1 - y) * z + m + log(exp(-m) + exp(-z - m));
    r.g = 1.0 / (1.0 + exp(-z)) - y;
    return r;
}

static lg_t probspace(double z, double y)
{
    lg_t r;
    double s = 1.0 / (1.0 + exp(-z));
    r.L = -(y * log(s) + (1 - y) * log(1 - s));
    r.g = s - y;
    return r;
}

static lg_t branchfree(double z, double y)
{
    lg_t r;
    r.L = textbook(z, y).L;
    if (z > -37) { double e = exp(-z); r.g = ((1 - y) - y * e) / (1 + e); }
    else r.g = exp(z) - y;
    return r;
}

static lg_t libbce(double z, double y)
{
    lg_t r;
    bce_logits_f64(1, &z, &y, NULL, NULL, &r.L, &r.g);
    return r;
}

typedef lg_t (*impl_fn)(double, double);
static const struct { const char *name; impl_fn f; } impls[] = {
    { "libbce", libbce }, { "textbook", textbook }, { "logsumexp", logsumexp },
    { "probspace", probspace }, { "branchfree", branchfree },
};
#define NIMPL (sizeof impls / sizeof impls[0])

enum { R_RANDOM, R_TAIL_POS, R_TAIL_NEG, R_SOFT, R_SOFT_CANCEL, NREG };
static const char *reg_name[NREG] = { "random", "tail yhat->1", "tail yhat->0",
                                      "soft labels", "soft cancel" };

static void gen(bcev_rng *rng, int reg, double *z, double *y, mpfr_t tmp)
{
    double u = bcev_rng_unif(rng);
    switch (reg) {
    case R_RANDOM: *z = (u - 0.5) * 40; *y = (double)(bcev_rng_next(rng) & 1); break;
    case R_TAIL_POS: *z = 20 + u * 700; *y = (bcev_rng_next(rng) & 1) ? 1.0 : 0.0; break;
    case R_TAIL_NEG: *z = -20 - u * 700; *y = (bcev_rng_next(rng) & 1) ? 1.0 : 0.0; break;
    case R_SOFT: *z = (u - 0.5) * 40; *y = bcev_rng_unif(rng); break;
    default: /* y = the double nearest sigma(z) */
        *z = (u - 0.5) * 80;
        mpfr_set_d(tmp, -*z, MPFR_RNDN);
        mpfr_exp(tmp, tmp, MPFR_RNDN);
        mpfr_add_ui(tmp, tmp, 1, MPFR_RNDN);
        mpfr_ui_div(tmp, 1, tmp, MPFR_RNDN);
        *y = mpfr_get_d(tmp, MPFR_RNDN);
    }
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000;
    mpfr_t L, G, tmp;
    mpfr_inits2(256, L, G, tmp, (mpfr_ptr)0);
    printf("%-11s %-5s %-13s %14s  %s\n", "formula", "out", "regime", "max ulp", "at (z, y)");
    for (int reg = 0; reg < NREG; reg++) {
        double maxe[NIMPL][2] = { { 0 } }, at[NIMPL][2][2] = { { { 0 } } };
        bcev_rng rng;
        bcev_rng_seed(&rng, 1000 + (uint64_t)reg);
        for (long i = 0; i < n; i++) {
            double z, y;
            gen(&rng, reg, &z, &y, tmp);
            bcev_sample s = { z, y, 1.0 };
            bcev_exact(BCEV_LOGITS, &s, NULL, 1.0, 256, L, G);
            for (size_t k = 0; k < NIMPL; k++) {
                lg_t r = impls[k].f(z, y);
                double e[2] = { bcev_ulp_error(BCEV_F64, r.L, L), bcev_ulp_error(BCEV_F64, r.g, G) };
                for (int o = 0; o < 2; o++)
                    if (e[o] > maxe[k][o]) { maxe[k][o] = e[o]; at[k][o][0] = z; at[k][o][1] = y; }
            }
        }
        for (size_t k = 0; k < NIMPL; k++)
            for (int o = 0; o < 2; o++)
                printf("%-11s %-5s %-13s %14.4g  (%a, %a)\n", impls[k].name, o ? "grad" : "loss",
                       reg_name[reg], maxe[k][o], at[k][o][0], at[k][o][1]);
    }
    mpfr_clears(L, G, tmp, (mpfr_ptr)0);
    return 0;
}
