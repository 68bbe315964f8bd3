/*
 * test_tables.c -- every coefficient table entry against MPFR: the
 * triple-double parts must be the nearest doubles of the remainders, the
 * reduction constants what gen/gen_tables.c says, and the log reduction
 * must keep |c m - 1| <= 2^-8 on every interval.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <mpfr.h>
#include "tables/tables.h"
#include "core/dd.h"

static void check_split(const double t[3], mpfr_t v, const char *what, int i)
{
    mpfr_t r;
    mpfr_init2(r, 400);
    mpfr_set(r, v, MPFR_RNDN);
    for (int k = 0; k < 3; k++) {
        double want = mpfr_get_d(r, MPFR_RNDN);
        cr_expect(want == t[k], "%s[%d][%d] = %a, MPFR says %a", what, i, k, t[k], want);
        mpfr_sub_d(r, r, t[k], MPFR_RNDN);
    }
    mpfr_clear(r);
}

Test(tables, exp_2_j_over_128)
{
    mpfr_t v;
    mpfr_init2(v, 400);
    for (int j = 0; j < BCE_EXP_N; j++) {
        mpfr_set_ui(v, (unsigned long)j, MPFR_RNDN);
        mpfr_div_ui(v, v, BCE_EXP_N, MPFR_RNDN);
        mpfr_ui_pow(v, 2, v, MPFR_RNDN);
        check_split(bce_exp_tab[j], v, "bce_exp_tab", j);
    }
    mpfr_clear(v);
}

Test(tables, reduction_constants)
{
    mpfr_t v, s;
    mpfr_inits2(400, v, s, (mpfr_ptr)0);
    mpfr_const_log2(v, MPFR_RNDN);
    mpfr_div_ui(v, v, 128, MPFR_RNDN);
    mpfr_set_d(s, bce_exp_ln2n[0], MPFR_RNDN);
    mpfr_add_d(s, s, bce_exp_ln2n[1], MPFR_RNDN);
    mpfr_add_d(s, s, bce_exp_ln2n[2], MPFR_RNDN);
    mpfr_sub(s, s, v, MPFR_RNDN);
    mpfr_div(s, s, v, MPFR_RNDN);
    /* L3 = RN(remainder): relative error <= 2^-53 |L3| / (ln2/128) ~ 2^-145 */
    double rel = mpfr_get_d(s, MPFR_RNDN);
    cr_expect(rel < 0x1p-140 && rel > -0x1p-140, "ln2/128 split: rel err %a", rel);
    /* L1 has <= 35 significant bits: k L1 exact for |k| < 2^18 */
    uint64_t u = bce_asuint64(bce_exp_ln2n[0]);
    cr_expect((u & ((1ull << 18) - 1)) == 0, "L1 low bits");
    u = bce_asuint64(bce_ln2[0]);
    cr_expect((u & ((1ull << 11) - 1)) == 0, "ln2 hi low bits");
    mpfr_clears(v, s, (mpfr_ptr)0);
}

Test(tables, log_intervals)
{
    mpfr_t v, lo, hi;
    mpfr_inits2(400, v, lo, hi, (mpfr_ptr)0);
    for (int i = 0; i < BCE_LOG_N; i++) {
        double c = bce_log_c[i];
        mpfr_set_d(v, c, MPFR_RNDN);
        mpfr_log(v, v, MPFR_RNDN);
        mpfr_neg(v, v, MPFR_RNDN);
        check_split(bce_log_tab[i], v, "bce_log_tab", i);
        double a = bce_asdouble(BCE_LOG_OFF + ((uint64_t)i << 44));
        double b = bce_asdouble(BCE_LOG_OFF + ((uint64_t)(i + 1) << 44));
        /* |c a - 1| and |c b - 1| bound |c m - 1| on [a, b) */
        mpfr_set_d(lo, c, MPFR_RNDN); mpfr_mul_d(lo, lo, a, MPFR_RNDN); mpfr_sub_ui(lo, lo, 1, MPFR_RNDN);
        mpfr_set_d(hi, c, MPFR_RNDN); mpfr_mul_d(hi, hi, b, MPFR_RNDN); mpfr_sub_ui(hi, hi, 1, MPFR_RNDN);
        double rl = mpfr_get_d(lo, MPFR_RNDN), rh = mpfr_get_d(hi, MPFR_RNDN);
        cr_expect(rl >= -0x1p-8 && rh <= 0x1p-8, "interval %d: c m - 1 in [%a, %a]", i, rl, rh);
        if (i == 159 || i == 160) cr_expect(c == 1.0, "c = 1 next to 1");
    }
    mpfr_clears(v, lo, hi, (mpfr_ptr)0);
}

/* level 0's log_12 table over [1, 2] (row i: [1 + i 2^-8, 1 + (i+1) 2^-8)):
 * -log c to the triple-double split, |c D - 1| <= 2^-8, c = 1 on row 0, and
 * the Fast2Sum condition |t0| >= 1.01 max |c D - 1| elsewhere */
Test(tables, log1_intervals)
{
    mpfr_t v, lo, hi;
    mpfr_inits2(400, v, lo, hi, (mpfr_ptr)0);
    cr_expect(bce_asdouble(BCE_LOG1_OFF) == 1.0, "BCE_LOG1_OFF = bits(1)");
    for (int i = 0; i < BCE_LOG1_N; i++) {
        double c = bce_log1_c[i];
        mpfr_set_d(v, c, MPFR_RNDN);
        mpfr_log(v, v, MPFR_RNDN);
        mpfr_neg(v, v, MPFR_RNDN);
        check_split(bce_log1_tab[i], v, "bce_log1_tab", i);
        double a = bce_asdouble(BCE_LOG1_OFF + ((uint64_t)i << 44));
        /* (row 256 takes Dh = 2 only, Dh <= 2: checked on [2, 2 + 2^-8]) */
        double b = i < 256 ? bce_asdouble(BCE_LOG1_OFF + ((uint64_t)(i + 1) << 44)) : 2.0 + 0x1p-8;
        cr_expect(a == 1.0 + i * 0x1p-8 && b == a + 0x1p-8, "row %d's interval", i);
        mpfr_set_d(lo, c, MPFR_RNDN); mpfr_mul_d(lo, lo, a, MPFR_RNDN); mpfr_sub_ui(lo, lo, 1, MPFR_RNDN);
        mpfr_set_d(hi, c, MPFR_RNDN); mpfr_mul_d(hi, hi, b, MPFR_RNDN); mpfr_sub_ui(hi, hi, 1, MPFR_RNDN);
        double rl = mpfr_get_d(lo, MPFR_RNDN), rh = mpfr_get_d(hi, MPFR_RNDN);
        cr_expect(rl >= -0x1p-8 && rh <= 0x1p-8, "log1 row %d: c D - 1 in [%a, %a]", i, rl, rh);
        double r = rh > -rl ? rh : -rl;
        if (i == 0) cr_expect(c == 1.0 && bce_log1_tab[0][0] == 0.0, "c = 1 on row 0");
        else cr_expect(__builtin_fabs(bce_log1_tab[i][0]) >= 1.01 * r, "log1 row %d: Fast2Sum condition", i);
    }
    mpfr_clears(v, lo, hi, (mpfr_ptr)0);
}
