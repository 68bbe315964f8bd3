/*
 * test_lowp.c -- the bf16/f16 entry points (issue 18) against the MPFR
 * reference rounded ONCE to the output type (verify/round16.c for 16-bit
 * outputs, bcev_round_to for float outputs; never a float rounded again):
 *
 *   exhaustive_*  every 16-bit z (or p) with y = 0 and y = 1, both forms,
 *                 both formats, both output types, on every runnable ISA:
 *                 0 misrounded; NaN / out-of-range inputs rejected with the
 *                 right status, index 0 and nothing written; NaN
 *                 propagation.  Decided by the proven double filter of
 *                 `bce exhaustive` (verify/exhaustive_filter.c: relative
 *                 error <= 2^-46) with a 16-bit rounding test, MPFR (256
 *                 bits, rounded to odd, then once to 16 bits) otherwise.
 *   soft_*        every z (or p) with 64 soft labels (among them simple
 *                 dyadic ones where C z is an exact 16-bit midpoint), no
 *                 options: 16-bit outputs correctly rounded; float outputs
 *                 correctly rounded (the f32 claim without options).
 *                 Decided from the f64 entry point (bound 1 ulp, measured
 *                 by `bce verify`) with a rounding test, MPFR otherwise.
 *   options_*     random samples under pos_weight, label_smoothing,
 *                 weights and every reduction, against MPFR directly:
 *                 16-bit outputs correctly rounded, float outputs within
 *                 the f32 bound (2 ulp; CR counted).
 *   midpoint_*    the constructed midpoint cases (z(1-y) an exact 16-bit
 *                 midpoint with a dropped tiny term; the reduced sum of it).
 *   double_rounding_detected  the harness would see RN16(RN32(x)): over
 *                 the soft slice, RN16(float output) differs from the
 *                 correct rounding on some inputs.
 *   validation_and_f32_equivalence  statuses, first offending index and
 *                 "nothing written" as bce_<form>_f32; float outputs are
 *                 bce_<form>_f32's bits on the widened inputs.
 *   round16_known, f32_to_h16_rounding  the rounding functions.
 *   filter_any_*  the any-label filter (verify/lowp_filter.c): its speed
 *                 (pairs/s), its decisions against MPFR, and the library
 *                 against it over every x x 48 labels.
 * Counts are printed (stderr).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bce.h"
#include "bce_verify.h"
#include "exhaustive.h"

typedef bce_status (*ep32_t)(size_t, const uint16_t *, const uint16_t *, const uint16_t *,
                             const bce_options *, float *, float *);
typedef bce_status (*ep16_t)(size_t, const uint16_t *, const uint16_t *, const uint16_t *,
                             const bce_options *, uint16_t *, uint16_t *);

static ep32_t ep32(int fmt, bcev_form form)
{
    if (fmt == BCEV_BF16) return form == BCEV_LOGITS ? bce_logits_bf16 : bce_probs_bf16;
    return form == BCEV_LOGITS ? bce_logits_f16 : bce_probs_f16;
}

static ep16_t ep16(int fmt, bcev_form form)
{
    if (fmt == BCEV_BF16) return form == BCEV_LOGITS ? bce_logits_bf16_bf16 : bce_probs_bf16_bf16;
    return form == BCEV_LOGITS ? bce_logits_f16_f16 : bce_probs_f16_f16;
}

static const char *fname(int fmt) { return fmt == BCEV_BF16 ? "bf16" : "f16"; }
static const char *formname(bcev_form f) { return f == BCEV_LOGITS ? "logits" : "probs"; }
static uint16_t one16(int fmt) { return fmt == BCEV_BF16 ? 0x3f80 : 0x3c00; }

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* RN-even of a double a >= 0 to the 16-bit format, in double arithmetic
 * (the test's own, checked against bcev_round16 in round16_known). */
static double rn16d(int fmt, double a)
{
    const int p = fmt == BCEV_BF16 ? 8 : 11, emin = fmt == BCEV_BF16 ? -126 : -14;
    const double big = fmt == BCEV_BF16 ? 0x1p128 : 0x1p16;
    if (!(a > 0) || isinf(a)) return a;
    if (a >= big) return INFINITY;
    int e;
    frexp(a, &e);                       /* a in [2^(e-1), 2^e) */
    int q = (e - 1 > emin ? e - 1 : emin) - p + 1;
    if (q - 60 < -1074) return 0.0;     /* far below the least subnormal */
    double C = ldexp(1.0, q + 52);
    double r = (a + C) - C;
    return r >= big ? INFINITY : r;
}

/* RN16 of a value known within 2^-45 |a| + 2^-1060 of approximation a
 * (sign s of the exact value known): 1 and *out when decided. */
static int decide16(int fmt, double a, int neg, double *out)
{
    a = fabs(a);
    double b = a * 0x1p-45 + 0x1p-1060;
    double lo = a - b > 0 ? a - b : 0.0, hi = a + b;
    double rl = rn16d(fmt, lo), rh = rn16d(fmt, hi);
    if (rl != rh) return 0;
    *out = neg ? -rl : rl;
    return 1;
}

/* An exact zero is +0 (the library's convention, docs/ACCURACY.md "Known
 * limits": the reference may sign it). */
static void plus_zero(mpfr_t v)
{
    if (mpfr_zero_p(v)) mpfr_set_zero(v, 1);
}

/* The reference returns 0 for values below 2^-(2^60) (bce_verify.h): a
 * logits gradient at finite |z| >= 2^60 with a zero coefficient on z's
 * side (y' = 1, z > 0: -alpha sigma(-z) < 0; y' = 0, z < 0: > 0) is such a
 * nonzero value, and its rounding is a zero of its sign. */
static void tiny_sign(bcev_form form, double x, double w, mpfr_t g)
{
    if (form == BCEV_LOGITS && w != 0 && mpfr_zero_p(g) && isfinite(x) && fabs(x) >= 0x1p60)
        mpfr_set_zero(g, x > 0 ? -1 : 1);
}

/* same bits, NaN == NaN */
static int same16(uint16_t a, uint16_t b, int fmt)
{
    double x = bcev_from_bits16(fmt, a), y = bcev_from_bits16(fmt, b);
    if (isnan(x) && isnan(y)) return 1;
    return a == b;
}

static int samef(float a, float b)
{
    if (isnan(a) && isnan(b)) return 1;
    uint32_t u, v;
    memcpy(&u, &a, 4);
    memcpy(&v, &b, 4);
    return u == v;
}

/* ---- exhaustive, hard labels ------------------------------------------ */

static void exhaustive(int fmt, bcev_form form)
{
    static uint16_t xs[65536], ys[65536];
    static float L32[65536], G32[65536];
    static uint16_t L16[65536], G16[65536];
    static float eL32[2][65536], eG32[2][65536];
    static double eL16[2][65536], eG16[2][65536];
    double t0 = now();
    size_t nv = 0, nmpfr = 0, nrej = 0;
    /* the expected results */
    for (uint32_t b = 0; b < 65536; b++) {
        const double x = bcev_from_bits16(fmt, (uint16_t)b);
        const bcev_f32_class c = bcev_f32_classify(form, (float)x);
        if (c == BCEV_X_NAN || c == BCEV_X_RANGE) {
            /* rejected: status, index 0, nothing written */
            bce_options o = {0};
            size_t idx = 12345;
            o.error_index = &idx;
            uint16_t xb = (uint16_t)b, yb = 0;
            float l = 7.0f, g = 7.0f;
            uint16_t l16 = 7, g16 = 7;
            const bce_status want = c == BCEV_X_NAN
                ? (form == BCEV_LOGITS ? BCE_E_NAN_LOGIT : BCE_E_NAN_PROB) : BCE_E_PROB_RANGE;
            cr_assert_eq(ep32(fmt, form)(1, &xb, &yb, NULL, &o, &l, &g), want);
            cr_assert_eq(idx, 0u);
            idx = 12345;
            cr_assert_eq(ep16(fmt, form)(1, &xb, &yb, NULL, &o, &l16, &g16), want);
            cr_assert_eq(idx, 0u);
            cr_assert(l == 7.0f && g == 7.0f && l16 == 7 && g16 == 7, "written on error");
            if (c == BCEV_X_NAN) {
                o.flags = BCE_OPT_PROPAGATE_NAN;
                cr_assert_eq(ep16(fmt, form)(1, &xb, &yb, NULL, &o, &l16, &g16), BCE_OK);
                cr_assert(isnan(bcev_from_bits16(fmt, l16)) && isnan(bcev_from_bits16(fmt, g16)));
                cr_assert_eq(ep32(fmt, form)(1, &xb, &yb, NULL, &o, &l, &g), BCE_OK);
                cr_assert(isnan(l) && isnan(g));
            }
            nrej++;
            continue;
        }
        xs[nv] = (uint16_t)b;
        float out[2][2];
        int dec[2][2];
        double ap[2][2];
        if (c == BCEV_X_FILTER) bcev_f32_filter(form, (float)x, out, dec, ap);
        else memset(dec, 0, sizeof dec);
        for (int y = 0; y < 2; y++) {
            double r16[2];
            float r32[2];
            int need = 0;
            for (int k = 0; k < 2; k++) {
                if (dec[y][k]) {
                    r32[k] = out[y][k];
                    if (!decide16(fmt, ap[y][k], signbit(out[y][k]), &r16[k])) need = 1;
                } else {
                    need = 1;
                }
            }
            if (need) {
                bcev_sample s = { x, (double)y, 1.0 };
                mpfr_t Lm, Gm;
                mpfr_inits2(256, Lm, Gm, (mpfr_ptr)0);
                bcev_exact(form, &s, NULL, 1.0, 256, Lm, Gm);
                plus_zero(Lm); plus_zero(Gm);
                tiny_sign(form, x, 1.0, Gm);
                double l16 = bcev_round16(fmt, Lm), g16 = bcev_round16(fmt, Gm);
                float l32 = (float)bcev_round_to(BCEV_F32, Lm), g32 = (float)bcev_round_to(BCEV_F32, Gm);
                mpfr_clears(Lm, Gm, (mpfr_ptr)0);
                /* the filter's decided outputs must agree with MPFR */
                if (dec[y][0]) cr_assert(samef(r32[0], l32), "filter vs MPFR");
                if (dec[y][1]) cr_assert(samef(r32[1], g32), "filter vs MPFR");
                r16[0] = l16; r16[1] = g16; r32[0] = l32; r32[1] = g32;
                nmpfr++;
            }
            eL32[y][nv] = r32[0]; eG32[y][nv] = r32[1];
            eL16[y][nv] = r16[0]; eG16[y][nv] = r16[1];
        }
        nv++;
    }
    const double tref = now() - t0;
    /* every runnable ISA, both labels, both output types */
    size_t checked = 0, bad16 = 0, bad32 = 0;
    for (size_t i = 0; i < bce_isa_count(); i++) {
        const char *isa = bce_isa_name(i);
        if (!bce_isa_available(isa)) continue;
        cr_assert_eq(bce_set_isa(isa), BCE_OK);
        for (int y = 0; y < 2; y++) {
            for (size_t j = 0; j < nv; j++) ys[j] = y ? one16(fmt) : 0;
            cr_assert_eq(ep32(fmt, form)(nv, xs, ys, NULL, NULL, L32, G32), BCE_OK);
            cr_assert_eq(ep16(fmt, form)(nv, xs, ys, NULL, NULL, L16, G16), BCE_OK);
            for (size_t j = 0; j < nv; j++) {
                checked += 4;
                if (!same16(L16[j], bcev_bits16(fmt, eL16[y][j]), fmt) ||
                    !same16(G16[j], bcev_bits16(fmt, eG16[y][j]), fmt)) {
                    if (bad16++ < 5)
                        fprintf(stderr, "%s %s %s y=%d x=%a: 16-bit loss %a grad %a, correct %a %a\n",
                                isa, formname(form), fname(fmt), y, bcev_from_bits16(fmt, xs[j]),
                                bcev_from_bits16(fmt, L16[j]), bcev_from_bits16(fmt, G16[j]),
                                eL16[y][j], eG16[y][j]);
                }
                if (!samef(L32[j], eL32[y][j]) || !samef(G32[j], eG32[y][j])) {
                    if (bad32++ < 5)
                        fprintf(stderr, "%s %s %s y=%d x=%a: float loss %a grad %a, correct %a %a\n",
                                isa, formname(form), fname(fmt), y, bcev_from_bits16(fmt, xs[j]),
                                L32[j], G32[j], eL32[y][j], eG32[y][j]);
                }
            }
        }
    }
    bce_set_isa("auto");
    /* BCE_LOWP_JSON_DIR=DIR: the summary as DIR/hard-<form>-<type>.json
     * (data/exhaustive/lowp/, docs/ACCURACY.md) */
    const char *jd = getenv("BCE_LOWP_JSON_DIR");
    if (jd && *jd) {
        char path[4096], isas[256] = "";
        for (size_t i = 0; i < bce_isa_count(); i++)
            if (bce_isa_available(bce_isa_name(i))) {
                if (*isas) strcat(isas, ", ");
                strcat(isas, "\"");
                strcat(isas, bce_isa_name(i));
                strcat(isas, "\"");
            }
        snprintf(path, sizeof path, "%s/hard-%s-%s.json", jd, formname(form), fname(fmt));
        FILE *f = fopen(path, "w");
        cr_assert(f != NULL, "cannot write %s", path);
        fprintf(f, "{\"tool\": \"test_lowp exhaustive\", \"libbce\": \"%s\", \"schema\": 1,\n"
                " \"command\": \"BCE_LOWP_JSON_DIR=%s B/tests/test_lowp --jobs 1 --filter 'lowp/exhaustive_*'\",\n"
                " \"type\": \"%s\", \"form\": \"%s\", \"label\": \"both\", \"out_types\": [\"f32\", \"%s\"],\n"
                " \"isas\": [%s], \"inputs\": 65536, \"valid_inputs\": %zu, \"rejected_inputs\": %zu,\n"
                " \"pairs\": %zu, \"outputs_checked\": %zu, \"misrounded\": {\"f32\": %zu, \"%s\": %zu},\n"
                " \"mpfr_calls\": %zu, \"seconds_reference\": %.3f, \"seconds_total\": %.3f}\n",
                bce_version(), jd, fname(fmt), formname(form), fname(fmt), isas, nv, nrej,
                2 * nv, checked, bad32, fname(fmt), bad16, nmpfr, tref, now() - t0);
        fclose(f);
    }
    fprintf(stderr, "exhaustive %s %s y in {0,1}: %zu valid inputs, %zu rejected; %zu outputs "
            "checked (all ISAs, f32 and %s outputs), misrounded: %zu (%s out), %zu (f32 out); "
            "MPFR calls %zu; %.2f s reference, %.2f s total\n",
            formname(form), fname(fmt), nv, nrej, checked, fname(fmt), bad16, fname(fmt),
            bad32, nmpfr, tref, now() - t0);
    cr_assert_eq(bad16, 0u);
    cr_assert_eq(bad32, 0u);
}

Test(lowp, exhaustive_logits_bf16) { exhaustive(BCEV_BF16, BCEV_LOGITS); }
Test(lowp, exhaustive_logits_f16) { exhaustive(BCEV_F16, BCEV_LOGITS); }
Test(lowp, exhaustive_probs_bf16) { exhaustive(BCEV_BF16, BCEV_PROBS); }
Test(lowp, exhaustive_probs_f16) { exhaustive(BCEV_F16, BCEV_PROBS); }

/* ---- soft labels, no options ---------------------------------------- */

#define NSOFT 64
/* 64 labels: simple dyadic values (1/2, 3/4, 1/4, 3/8, ...: z(1-y) and z y
 * land on 16-bit midpoints for many z) and values spread over (0,1). */
static void soft_labels(int fmt, uint16_t *lab)
{
    static const double simple[] = { 0.5, 0.25, 0.75, 0.375, 0.625, 0.125, 0.875,
                                     0x1.8p-2, 0x1.4p-1, 0x1.cp-1, 0x1p-9, 0x1p-12,
                                     1 - 0x1p-8, 1 - 0x1p-9, 0x1.02p-1, 0x1.fep-2 };
    int k = 0;
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
        mpfr_t t;
        mpfr_init2(t, 64);
        mpfr_set_d(t, simple[i], MPFR_RNDN);
        lab[k++] = bcev_bits16(fmt, bcev_round16(fmt, t));
        mpfr_clear(t);
    }
    const uint16_t one = one16(fmt);
    for (; k < NSOFT; k++)       /* bit patterns spread over (0, 1) */
        lab[k] = (uint16_t)(1 + (uint32_t)(one - 2) * (uint32_t)(k - 16) / (NSOFT - 17));
}

static uint64_t dr_seen;   /* RN16(float output) != correct 16-bit, over the slice */

static void soft(int fmt, bcev_form form)
{
    static uint16_t xs[65536], ys[65536];
    static double xd[65536], yd[65536], L64[65536], G64[65536];
    static float L32[65536], G32[65536];
    static uint16_t L16[65536], G16[65536];
    uint16_t lab[NSOFT];
    soft_labels(fmt, lab);
    double t0 = now();
    size_t nv = 0;
    for (uint32_t b = 0; b < 65536; b++) {
        const double x = bcev_from_bits16(fmt, (uint16_t)b);
        if (isnan(x) || (form == BCEV_PROBS && !(x >= 0 && x <= 1))) continue;
        xs[nv] = (uint16_t)b;
        xd[nv++] = x;
    }
    size_t checked = 0, bad16 = 0, bad32 = 0, nmpfr = 0, dr = 0;
    for (int k = 0; k < NSOFT; k++) {
        const double y = bcev_from_bits16(fmt, lab[k]);
        for (size_t j = 0; j < nv; j++) { ys[j] = lab[k]; yd[j] = y; }
        if (form == BCEV_LOGITS) {
            cr_assert_eq(bce_logits_f64(nv, xd, yd, NULL, NULL, L64, G64), BCE_OK);
        } else {
            cr_assert_eq(bce_probs_f64(nv, xd, yd, NULL, NULL, L64, G64), BCE_OK);
        }
        cr_assert_eq(ep32(fmt, form)(nv, xs, ys, NULL, NULL, L32, G32), BCE_OK);
        cr_assert_eq(ep16(fmt, form)(nv, xs, ys, NULL, NULL, L16, G16), BCE_OK);
        for (size_t j = 0; j < nv; j++) {
            const double a[2] = { L64[j], G64[j] };
            const float g32[2] = { L32[j], G32[j] };
            const uint16_t g16[2] = { L16[j], G16[j] };
            for (int o = 0; o < 2; o++) {
                double e16;
                float e32;
                /* f64 within 1 ulp (2^-52 relative; exact limits exact):
                 * decided when a +- 2^-45 |a| rounds alike in both formats */
                int ok = isfinite(a[o]) && a[o] != 0.0 && fabs(a[o]) > 0x1p-1000 &&
                         decide16(fmt, a[o], signbit(a[o]), &e16);
                if (ok) {
                    double b = fabs(a[o]) * 0x1p-45;
                    float f1 = (float)(a[o] - b), f2 = (float)(a[o] + b);
                    ok = f1 == f2;
                    e32 = f1;
                }
                if (!ok) {
                    bcev_sample s = { xd[j], y, 1.0 };
                    mpfr_t Lm, Gm;
                    mpfr_inits2(256, Lm, Gm, (mpfr_ptr)0);
                    bcev_exact(form, &s, NULL, 1.0, 256, Lm, Gm);
                plus_zero(Lm); plus_zero(Gm);
                tiny_sign(form, xd[j], 1.0, Gm);
                    e16 = bcev_round16(fmt, o ? Gm : Lm);
                    e32 = (float)bcev_round_to(BCEV_F32, o ? Gm : Lm);
                    mpfr_clears(Lm, Gm, (mpfr_ptr)0);
                    nmpfr++;
                }
                checked += 2;
                if (!same16(g16[o], bcev_bits16(fmt, e16), fmt)) {
                    if (bad16++ < 5)
                        fprintf(stderr, "soft %s %s %s x=%a y=%a: %a, correct %a\n",
                                formname(form), fname(fmt), o ? "grad" : "loss", xd[j], y,
                                bcev_from_bits16(fmt, g16[o]), e16);
                }
                if (!samef(g32[o], e32)) {
                    if (bad32++ < 5)
                        fprintf(stderr, "soft %s %s %s x=%a y=%a: float %a, correct %a\n",
                                formname(form), fname(fmt), o ? "grad" : "loss", xd[j], y,
                                g32[o], e32);
                }
                /* what a double-rounding port would return */
                if (!isnan(g32[o]) && !isnan(e16) &&
                    copysign(rn16d(fmt, fabs((double)g32[o])), g32[o]) != e16) dr++;
            }
        }
    }
    dr_seen += dr;
    fprintf(stderr, "soft %s %s: %zu inputs x %d labels, %zu outputs checked (f32 and %s), "
            "misrounded: %zu (%s out), %zu (f32 out); MPFR calls %zu; RN16(RN32) would "
            "misround %zu; %.2f s\n", formname(form), fname(fmt), nv, NSOFT, checked,
            fname(fmt), bad16, fname(fmt), bad32, nmpfr, dr, now() - t0);
    cr_assert_eq(bad16, 0u);
    cr_assert_eq(bad32, 0u);
}

Test(lowp, soft_logits_bf16) { soft(BCEV_BF16, BCEV_LOGITS); }
Test(lowp, soft_logits_f16) { soft(BCEV_F16, BCEV_LOGITS); }
Test(lowp, soft_probs_bf16) { soft(BCEV_BF16, BCEV_PROBS); }
Test(lowp, soft_probs_f16) { soft(BCEV_F16, BCEV_PROBS); }

/* The harness is sensitive: a port rounding the float result again
 * (RN16(RN32(x))) is caught on this slice. */
Test(lowp, double_rounding_detected)
{
    dr_seen = 0;
    soft(BCEV_BF16, BCEV_LOGITS);
    cr_assert_gt(dr_seen, 0u, "RN16(RN32(x)) never differs on the slice: the test could not catch it");
}

/* ---- options and reductions on random samples -------------------------- */

static uint64_t rs = 0x6c6f777031363031u;   /* "lowp1601" */
static uint64_t rnd(void)
{
    rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
    return rs;
}

/* a random valid 16-bit value: z any non-NaN, p / y in [0,1], w in [2^-8, 2^8] or 0 */
static uint16_t rnd16(int fmt, int kind)
{
    for (;;) {
        uint16_t b = (uint16_t)rnd();
        double v = bcev_from_bits16(fmt, b);
        if (isnan(v)) continue;
        if (kind == 0) return b;
        if (kind == 1) {
            b &= 0x7fff;
            v = bcev_from_bits16(fmt, b);
            if (v <= 1) return b;
            continue;
        }
        if (rnd() % 16 == 0) return 0;
        b &= 0x7fff;
        v = bcev_from_bits16(fmt, b);
        if (v >= 0x1p-8 && v <= 0x1p8) return b;
    }
}

static void options(int fmt, bcev_form form)
{
    enum { N = 96, CFG = 9 };
    uint16_t x[N], y[N], w[N];
    float L32[N], G32[N];
    uint16_t L16[N], G16[N];
    size_t checked = 0, bad16 = 0, bad32 = 0, cr32 = 0, n32 = 0;
    double worst32 = 0;
    double t0 = now();
    for (int rep = 0; rep < 150; rep++) {
        for (int cfg = 0; cfg < CFG; cfg++) {
            bce_options o = {0};
            int weighted = 0;
            switch (cfg) {
            case 0: o.flags = BCE_OPT_POS_WEIGHT; o.pos_weight = 3.0; break;
            case 1: o.label_smoothing = 0.1; break;
            case 2: weighted = 1; break;
            case 3: o.flags = BCE_OPT_POS_WEIGHT; o.pos_weight = 0.375; o.label_smoothing = 0.25;
                    weighted = 1; o.reduction = BCE_REDUCTION_MEAN; break;
            case 4: o.reduction = BCE_REDUCTION_SUM; break;
            case 5: weighted = 1; o.reduction = BCE_REDUCTION_WEIGHTED_MEAN; break;
            case 6: o.flags = form == BCEV_PROBS ? BCE_OPT_LOG_CLAMP : 0;
                    o.reduction = BCE_REDUCTION_MEAN; break;
            case 7: o.flags = form == BCEV_PROBS ? BCE_OPT_LOG_CLAMP : BCE_OPT_POS_WEIGHT;
                    o.pos_weight = 0.75; weighted = 1; break;
            case 8: weighted = 1; o.reduction = BCE_REDUCTION_MEAN; break;
            }
            const size_t n = 1 + rnd() % N;
            for (size_t i = 0; i < n; i++) {
                x[i] = rnd16(fmt, form == BCEV_PROBS ? 1 : 0);
                y[i] = rnd16(fmt, 1);
                w[i] = rnd16(fmt, 2);
                if (rep % 3 == 0 && i % 2 == 0) {
                    /* soft labels on simple dyadics: midpoints of z(1-y) */
                    static const double sy[] = { 0.25, 0.5, 0.75, 0.375 };
                    y[i] = bcev_bits16(fmt, sy[rnd() % 4]);
                }
            }
            const uint16_t *wp = weighted ? w : NULL;
            bce_status s32 = ep32(fmt, form)(n, x, y, wp, &o, L32, G32);
            bce_status s16 = ep16(fmt, form)(n, x, y, wp, &o, L16, G16);
            cr_assert_eq(s32, s16);
            if (s32 == BCE_E_ZERO_WEIGHT_SUM) continue;
            cr_assert_eq(s32, BCE_OK, "cfg %d status %d", cfg, s32);
            double xd[N], yd[N], wd[N];
            for (size_t i = 0; i < n; i++) {
                xd[i] = bcev_from_bits16(fmt, x[i]);
                yd[i] = bcev_from_bits16(fmt, y[i]);
                wd[i] = weighted ? bcev_from_bits16(fmt, w[i]) : 1.0;
            }
            mpfr_t den, Lm, Gm;
            mpfr_inits2(256, Lm, Gm, (mpfr_ptr)0);
            mpfr_init(den);
            bcev_denominator(n, weighted ? wd : NULL, &o, den);
            for (size_t i = 0; i < n; i++) {
                bcev_sample sm = { xd[i], yd[i], wd[i] };
                bcev_exact_mp(form, &sm, &o, den, 256, o.reduction ? NULL : Lm, Gm);
                plus_zero(Lm); plus_zero(Gm);
                tiny_sign(form, xd[i], wd[i], Gm);
                double e16 = bcev_round16(fmt, Gm);
                checked++;
                if (!same16(G16[i], bcev_bits16(fmt, e16), fmt) && bad16++ < 5)
                    fprintf(stderr, "options cfg %d %s %s grad x=%a y=%a w=%a: %a, correct %a\n",
                            cfg, formname(form), fname(fmt), xd[i], yd[i], wd[i],
                            bcev_from_bits16(fmt, G16[i]), e16);
                double u = bcev_ulp_error(BCEV_F32, G32[i], Gm);
                n32++;
                if (samef(G32[i], (float)bcev_round_to(BCEV_F32, Gm))) cr32++;
                if (u > worst32) worst32 = u;
                if (u > 2) bad32++;
                if (!o.reduction) {
                    e16 = bcev_round16(fmt, Lm);
                    checked++;
                    if (!same16(L16[i], bcev_bits16(fmt, e16), fmt) && bad16++ < 5)
                        fprintf(stderr, "options cfg %d %s %s loss x=%a y=%a w=%a: %a, correct %a\n",
                                cfg, formname(form), fname(fmt), xd[i], yd[i], wd[i],
                                bcev_from_bits16(fmt, L16[i]), e16);
                    u = bcev_ulp_error(BCEV_F32, L32[i], Lm);
                    n32++;
                    if (samef(L32[i], (float)bcev_round_to(BCEV_F32, Lm))) cr32++;
                    if (u > worst32) worst32 = u;
                    if (u > 2) bad32++;
                }
            }
            if (o.reduction) {
                mpfr_t R;
                mpfr_init2(R, 256);
                cr_assert_eq(bcev_exact_reduced(form, n, xd, yd, weighted ? wd : NULL, &o, NAN,
                                                256, R), 0);
                double e16 = bcev_round16(fmt, R);
                checked++;
                if (!same16(L16[0], bcev_bits16(fmt, e16), fmt) && bad16++ < 5)
                    fprintf(stderr, "options cfg %d %s %s reduced loss n=%zu: %a, correct %a\n",
                            cfg, formname(form), fname(fmt), n, bcev_from_bits16(fmt, L16[0]), e16);
                double u = bcev_ulp_error(BCEV_F32, L32[0], R);
                n32++;
                if (samef(L32[0], (float)bcev_round_to(BCEV_F32, R))) cr32++;
                if (u > worst32) worst32 = u;
                if (u > 2) bad32++;
                mpfr_clear(R);
            }
            mpfr_clears(Lm, Gm, den, (mpfr_ptr)0);
        }
    }
    fprintf(stderr, "options %s %s: %zu 16-bit outputs checked, misrounded %zu; float outputs "
            "%zu, correctly rounded %zu, worst %.3g ulp (bound 2), over 2 ulp %zu; %.2f s\n",
            formname(form), fname(fmt), checked, bad16, n32, cr32, worst32, bad32, now() - t0);
    cr_assert_eq(bad16, 0u);
    cr_assert_eq(bad32, 0u);
}

Test(lowp, options_logits_bf16) { options(BCEV_BF16, BCEV_LOGITS); }
Test(lowp, options_logits_f16) { options(BCEV_F16, BCEV_LOGITS); }
Test(lowp, options_probs_bf16) { options(BCEV_BF16, BCEV_PROBS); }
Test(lowp, options_probs_f16) { options(BCEV_F16, BCEV_PROBS); }

/* ---- constructed midpoints -------------------------------------------- */

/* bf16: z = -1016 (= -127 * 8), y = 3/4: L = 762 + log1p(e^-1016), 762 an
 * exact bf16 midpoint (760 and 764), e^-1016 below 2^-1074: the dropped
 * term decides: 764.  RN16(RN32(L)) = RN16(762) = 760 (ties to even). */
Test(lowp, midpoint_dropped_term_bf16)
{
    uint16_t z = bcev_bits16(BCEV_BF16, -1016.0), y = bcev_bits16(BCEV_BF16, 0.75);
    uint16_t L = 0, G = 0;
    float Lf = 0, Gf = 0;
    cr_assert_eq(bce_logits_bf16_bf16(1, &z, &y, NULL, NULL, &L, &G), BCE_OK);
    cr_assert_eq(bcev_from_bits16(BCEV_BF16, L), 764.0, "got %a", bcev_from_bits16(BCEV_BF16, L));
    cr_assert_eq(bce_logits_bf16(1, &z, &y, NULL, NULL, &Lf, &Gf), BCE_OK);
    cr_assert_eq(Lf, 762.0f);
    /* the gradient -(y - sigma(z)) = -0.75 + tiny: exact bf16, no tie */
    cr_assert_eq(bcev_from_bits16(BCEV_BF16, G), -0.75);
    /* the reduced loss (SUM and MEAN of one sample) rounds once too */
    bce_options o = { .reduction = BCE_REDUCTION_SUM };
    cr_assert_eq(bce_logits_bf16_bf16(1, &z, &y, NULL, &o, &L, NULL), BCE_OK);
    cr_assert_eq(bcev_from_bits16(BCEV_BF16, L), 764.0, "SUM got %a", bcev_from_bits16(BCEV_BF16, L));
    o.reduction = BCE_REDUCTION_MEAN;
    uint16_t z2[2] = { z, z }, y2[2] = { y, y };
    cr_assert_eq(bce_logits_bf16_bf16(2, z2, y2, NULL, &o, &L, NULL), BCE_OK);
    cr_assert_eq(bcev_from_bits16(BCEV_BF16, L), 764.0, "MEAN got %a", bcev_from_bits16(BCEV_BF16, L));
}

/* f16: z = 10, y = 1/4 (y is f16; z(1-y) = 7.5), a midpoint? 7.5 is f16.
 * Take z = 1025 (inf? no: f16 has 1025): z(1-y) with y = 0x1p-11 ... the
 * f16 midpoint 2049 = 2^11 + 1 from z = 2049 - not f16.  Use the gradient
 * instead: z = 16, y = 1 - 2^-11 (f16: 0x1.ffcp-1): g = sigma(16) - y =
 * 2^-11 - sigma(-16) - tiny ... checked against MPFR. */
Test(lowp, midpoint_f16_against_mpfr)
{
    static const double zs[] = { 16.0, 20.0, 40.0, -40.0, 0x1p-14, 1024.0, 11.0 };
    static const double yv[] = { 0x1.ffcp-1, 0x1p-11, 0.5, 0.75, 0.25 };
    size_t bad = 0, n = 0;
    for (size_t i = 0; i < sizeof zs / sizeof zs[0]; i++)
        for (size_t j = 0; j < sizeof yv / sizeof yv[0]; j++) {
            uint16_t z = bcev_bits16(BCEV_F16, zs[i]), y = bcev_bits16(BCEV_F16, yv[j]);
            uint16_t L, G;
            cr_assert_eq(bce_logits_f16_f16(1, &z, &y, NULL, NULL, &L, &G), BCE_OK);
            bcev_sample s = { zs[i], yv[j], 1.0 };
            double eL, eG;
            cr_assert_eq(bcev_ref16(BCEV_LOGITS, BCEV_F16, &s, NULL, 1.0, &eL, &eG), 0);
            n += 2;
            if (L != bcev_bits16(BCEV_F16, eL) || G != bcev_bits16(BCEV_F16, eG)) {
                bad++;
                fprintf(stderr, "f16 z=%a y=%a: %a %a, correct %a %a\n", zs[i], yv[j],
                        bcev_from_bits16(BCEV_F16, L), bcev_from_bits16(BCEV_F16, G), eL, eG);
            }
        }
    cr_assert_eq(bad, 0u, "%zu of %zu", bad, n);
}

/* The rounding functions on known values (verify and core agree). */
Test(lowp, round16_known)
{
    mpfr_t t;
    mpfr_init2(t, 64);
    /* bf16 midpoint 1 + 2^-8 ties to 1; just above goes up */
    mpfr_set_d(t, 1 + 0x1p-8, MPFR_RNDN);
    cr_assert_eq(bcev_round16(BCEV_BF16, t), 1.0);
    mpfr_set_d(t, 1 + 0x1p-8 + 0x1p-40, MPFR_RNDN);
    cr_assert_eq(bcev_round16(BCEV_BF16, t), 1 + 0x1p-7);
    /* f16 overflow: 65520 (midpoint above 65504) -> inf, just below -> 65504 */
    mpfr_set_d(t, 65520.0, MPFR_RNDN);
    cr_assert(isinf(bcev_round16(BCEV_F16, t)));
    mpfr_set_d(t, 65519.99, MPFR_RNDN);
    cr_assert_eq(bcev_round16(BCEV_F16, t), 65504.0);
    /* f16 subnormals: 2^-25 (half the least) ties to 0; 3 2^-25 to 2^-23 */
    mpfr_set_d(t, 0x1p-25, MPFR_RNDN);
    cr_assert_eq(bcev_round16(BCEV_F16, t), 0.0);
    mpfr_set_d(t, 3 * 0x1p-25, MPFR_RNDN);
    cr_assert_eq(bcev_round16(BCEV_F16, t), 0x1p-23);
    /* bf16 subnormal: 2^-134 ties to 0, 2^-134 + 2^-150 to 2^-133 */
    mpfr_set_d(t, 0x1p-134, MPFR_RNDN);
    cr_assert_eq(bcev_round16(BCEV_BF16, t), 0.0);
    mpfr_set_d(t, 0x1p-134 + 0x1p-150, MPFR_RNDN);
    cr_assert_eq(bcev_round16(BCEV_BF16, t), 0x1p-133);
    mpfr_clear(t);
    for (uint32_t b = 0; b < 65536; b++) {
        for (int fmt = BCEV_BF16; fmt <= BCEV_F16; fmt++) {
            double v = bcev_from_bits16(fmt, (uint16_t)b);
            if (isnan(v)) continue;
            cr_assert_eq(bcev_bits16(fmt, v), b);
        }
    }
    /* the test's double rounding agrees with bcev_round16 on the values,
     * the midpoints and their neighbours */
    mpfr_init2(t, 64);
    for (uint32_t b = 0; b < 0x7f80; b++) {
        for (int fmt = BCEV_BF16; fmt <= BCEV_F16; fmt++) {
            double v = bcev_from_bits16(fmt, (uint16_t)b), v2 = bcev_from_bits16(fmt, (uint16_t)(b + 1));
            if (isnan(v) || isnan(v2) || isinf(v2)) continue;
            double m = 0.5 * (v + v2);
            const double c[3] = { m, nextafter(m, 0), nextafter(m, INFINITY) };
            for (int k = 0; k < 3; k++) {
                mpfr_set_d(t, c[k], MPFR_RNDN);
                cr_assert_eq(rn16d(fmt, c[k]), bcev_round16(fmt, t), "%s %a", fname(fmt), c[k]);
            }
        }
    }
    mpfr_clear(t);
}

/* The logits gradient's tail tie under a reduction's divisor: f16 z =
 * 0x1.c2p+6, y = 0x1.bf4p-4, MEAN over n = 80: (1 - y)/80 is exactly the
 * f16 midpoint 0x1.6cep-7 and -sigma(-z)/80 decides: 0x1.6ccp-7 (it was
 * rounded up before accurate/exact.c's tail_cmp). */
Test(lowp, midpoint_mean_divisor_f16)
{
    uint16_t z[80], y[80], G[80];
    float Gf[80];
    for (int i = 0; i < 80; i++) {
        z[i] = bcev_bits16(BCEV_F16, 0x1.c2p+6);
        y[i] = bcev_bits16(BCEV_F16, 0x1.bf4p-4);
    }
    bce_options o = { .reduction = BCE_REDUCTION_MEAN };
    cr_assert_eq(bce_logits_f16_f16(80, z, y, NULL, &o, NULL, G), BCE_OK);
    cr_assert_eq(bcev_from_bits16(BCEV_F16, G[0]), 0x1.6ccp-7, "got %a", bcev_from_bits16(BCEV_F16, G[0]));
    cr_assert_eq(bce_logits_f16(80, z, y, NULL, &o, NULL, Gf), BCE_OK);
    cr_assert_eq(Gf[0], 0x1.6cep-7f);   /* the float: below the tie by far less than 1/2 ulp32 */
    for (size_t i = 0; i < bce_isa_count(); i++) {
        if (!bce_isa_available(bce_isa_name(i))) continue;
        bce_set_isa(bce_isa_name(i));
        cr_assert_eq(bce_logits_f16_f16(80, z, y, NULL, &o, NULL, G), BCE_OK);
        cr_assert_eq(bcev_from_bits16(BCEV_F16, G[79]), 0x1.6ccp-7);
    }
    bce_set_isa("auto");
}

/* The library's integer binary32 -> 16-bit rounding (core/half.h, used on
 * every f32 result of the 16-bit outputs) against bcev_round16 on every
 * 2^9-th binary32 pattern and around every 16-bit midpoint. */
#include "core/half.h"
Test(lowp, f32_to_h16_rounding)
{
    mpfr_t t;
    mpfr_init2(t, 24);
    for (int fmt = BCEV_BF16; fmt <= BCEV_F16; fmt++) {
        size_t n = 0;
        for (uint64_t u = 0; u < 0x7f800000u; u += (u & 0xff) == 0 ? 1 : 0x1ff) {
            float f;
            uint32_t a = (uint32_t)u;
            memcpy(&f, &a, 4);
            mpfr_set_flt(t, f, MPFR_RNDN);
            double want = bcev_round16(fmt, t);
            uint32_t got = bce_f32mag_to_h16(a, fmt);
            cr_assert_eq(bcev_from_bits16(fmt, (uint16_t)got), want, "%s %a: %a", fname(fmt),
                         (double)f, bcev_from_bits16(fmt, (uint16_t)got));
            n++;
        }
        for (uint32_t b = 0; b < 0x7c00; b++) {
            double v = bcev_from_bits16(fmt, (uint16_t)b), v2 = bcev_from_bits16(fmt, (uint16_t)(b + 1));
            if (isnan(v2) || isinf(v2)) continue;
            float m = (float)(0.5 * (v + v2));
            for (int d = -2; d <= 2; d++) {
                uint32_t a;
                memcpy(&a, &m, 4);
                a = (uint32_t)((int64_t)a + d);
                float f;
                memcpy(&f, &a, 4);
                mpfr_set_flt(t, f, MPFR_RNDN);
                cr_assert_eq(bcev_from_bits16(fmt, (uint16_t)bce_f32mag_to_h16(a, fmt)),
                             bcev_round16(fmt, t), "%s %a", fname(fmt), (double)f);
            }
        }
    }
    mpfr_clear(t);
}

/* Validation and "as f32": the 16-bit entry points give the status and
 * first offending index of bce_<form>_f32 on the same values (widened
 * exactly), write nothing on error (neither output type), and their float
 * outputs are bce_<form>_f32's bits; every option set and reduction of
 * isa_bits' list, inputs with NaN, out-of-range labels/probabilities,
 * negative, tiny (< 2^-64: bf16 only) and NaN weights planted at random. */
Test(lowp, validation_and_f32_equivalence)
{
    enum { N = 40 };
    size_t nerr = 0, nok = 0;
    for (int rep = 0; rep < 4000; rep++) {
        const int fmt = rep & 1 ? BCEV_F16 : BCEV_BF16;
        const bcev_form form = rep & 2 ? BCEV_PROBS : BCEV_LOGITS;
        const size_t n = rnd() % N;
        uint16_t x[N], y[N], w[N];
        float xf[N], yf[N], wf[N];
        for (size_t i = 0; i < n; i++) {
            x[i] = rnd16(fmt, form == BCEV_PROBS ? 1 : 0);
            y[i] = rnd16(fmt, 1);
            w[i] = rnd16(fmt, 2);
            if (rnd() % 32 == 0) {      /* plant an offender */
                const uint16_t nan = fmt == BCEV_BF16 ? 0x7fc1 : 0x7e01;
                switch (rnd() % 6) {
                case 0: x[i] = nan; break;
                case 1: y[i] = nan; break;
                case 2: y[i] = bcev_bits16(fmt, rnd() % 2 ? 1.5 : -0x1p-10); break;
                case 3: w[i] = bcev_bits16(fmt, -1.0); break;
                case 4: w[i] = fmt == BCEV_BF16 ? bcev_bits16(fmt, 0x1p-70) : nan; break;
                default: x[i] = bcev_bits16(fmt, form == BCEV_PROBS ? 2.0 : -INFINITY); break;
                }
            }
            xf[i] = (float)bcev_from_bits16(fmt, x[i]);
            yf[i] = (float)bcev_from_bits16(fmt, y[i]);
            wf[i] = (float)bcev_from_bits16(fmt, w[i]);
        }
        bce_options o = {0};
        o.reduction = (bce_reduction)(rnd() % 4);
        switch (rnd() % 5) {
        case 1: o.flags = BCE_OPT_POS_WEIGHT; o.pos_weight = 2.5; break;
        case 2: o.label_smoothing = 0.1; break;
        case 3: o.flags = BCE_OPT_PROPAGATE_NAN; break;
        case 4: o.flags = BCE_OPT_LOG_CLAMP; break;   /* logits: BCE_E_BAD_OPTION */
        default: break;
        }
        const int weighted = rnd() % 2;
        float L32[N + 1], G32[N + 1], Lr[N + 1], Gr[N + 1];
        uint16_t L16[N + 1], G16[N + 1];
        memset(L32, 0x5a, sizeof L32); memset(G32, 0x5a, sizeof G32);
        memset(Lr, 0x5a, sizeof Lr); memset(Gr, 0x5a, sizeof Gr);
        memset(L16, 0x5a, sizeof L16); memset(G16, 0x5a, sizeof G16);
        size_t i32 = 777, i16 = 777, ir = 777;
        o.error_index = &ir;
        bce_status sr = form == BCEV_LOGITS
            ? bce_logits_f32(n, xf, yf, weighted ? wf : NULL, &o, Lr, Gr)
            : bce_probs_f32(n, xf, yf, weighted ? wf : NULL, &o, Lr, Gr);
        o.error_index = &i32;
        bce_status s32 = ep32(fmt, form)(n, x, y, weighted ? w : NULL, &o, L32, G32);
        o.error_index = &i16;
        bce_status s16 = ep16(fmt, form)(n, x, y, weighted ? w : NULL, &o, L16, G16);
        cr_assert_eq(s32, sr, "rep %d: status %s, f32 %s", rep, bce_status_name(s32), bce_status_name(sr));
        cr_assert_eq(s16, sr, "rep %d: status %s, f32 %s", rep, bce_status_name(s16), bce_status_name(sr));
        if (sr != BCE_OK) {
            cr_assert_eq(i32, ir);
            cr_assert_eq(i16, ir);
            for (size_t i = 0; i <= N; i++) {
                uint32_t a, b;
                memcpy(&a, &L32[i], 4); memcpy(&b, &G32[i], 4);
                cr_assert(a == 0x5a5a5a5au && b == 0x5a5a5a5au, "written on error");
                cr_assert(L16[i] == 0x5a5a && G16[i] == 0x5a5a, "written on error");
            }
            nerr++;
            continue;
        }
        for (size_t i = 0; i <= N; i++) {
            if (i < (o.reduction ? 1 : n))
                cr_assert(samef(L32[i], Lr[i]), "rep %d loss[%zu] %a vs f32 %a", rep, i, L32[i], Lr[i]);
            if (i < n)
                cr_assert(samef(G32[i], Gr[i]), "rep %d grad[%zu] %a vs f32 %a", rep, i, G32[i], Gr[i]);
        }
        /* nothing past the outputs */
        uint32_t a;
        memcpy(&a, &L32[o.reduction ? 1 : n], 4);
        if (o.reduction || n < N) cr_assert_eq(a, 0x5a5a5a5au);
        cr_assert_eq(G16[n], 0x5a5a);
        nok++;
    }
    fprintf(stderr, "validation: %zu calls rejected (same status and index as f32, nothing "
            "written), %zu accepted (float outputs = f32 bits)\n", nerr, nok);
    cr_assert_gt(nerr, 100u);
    cr_assert_gt(nok, 100u);
}

/* A reduced loss on a midpoint with a representable tail: bf16 z = -254,
 * y = 3/4: each L = 190.5 + log1p(e^-254) (190.5 a bf16 midpoint, the tail
 * 2^-366: kept in the double-double's low part); MEAN over 1, 2, 3, 5
 * samples and SUM over 2 (381 + 2 e^-254: 381 is a bf16 midpoint too) must
 * round up: 191, 382. */
Test(lowp, midpoint_reduced_tail_bf16)
{
    uint16_t z[5], y[5];
    for (int i = 0; i < 5; i++) {
        z[i] = bcev_bits16(BCEV_BF16, -254.0);
        y[i] = bcev_bits16(BCEV_BF16, 0.75);
    }
    static const size_t ns[] = { 1, 2, 3, 5 };
    for (size_t k = 0; k < 4; k++) {
        bce_options o = { .reduction = BCE_REDUCTION_MEAN };
        uint16_t L;
        cr_assert_eq(bce_logits_bf16_bf16(ns[k], z, y, NULL, &o, &L, NULL), BCE_OK);
        cr_assert_eq(bcev_from_bits16(BCEV_BF16, L), 191.0, "MEAN n=%zu: %a", ns[k],
                     bcev_from_bits16(BCEV_BF16, L));
    }
    bce_options o = { .reduction = BCE_REDUCTION_SUM };
    uint16_t L;
    cr_assert_eq(bce_logits_bf16_bf16(2, z, y, NULL, &o, &L, NULL), BCE_OK);
    cr_assert_eq(bcev_from_bits16(BCEV_BF16, L), 382.0, "SUM: %a", bcev_from_bits16(BCEV_BF16, L));
    /* and the reference agrees */
    double xd[2] = { -254.0, -254.0 }, yd[2] = { 0.75, 0.75 };
    mpfr_t R;
    mpfr_init2(R, 256);
    cr_assert_eq(bcev_exact_reduced(BCEV_LOGITS, 2, xd, yd, NULL, &o, NAN, 256, R), 0);
    cr_assert_eq(bcev_round16(BCEV_BF16, R), 382.0);
    mpfr_clear(R);
}

/* ---- the any-label filter (verify/lowp_filter.c) ------------------------ */

/* Its decided outputs against MPFR (every 61st pair, and every pair it
 * leaves undecided), the library's 16-bit and float outputs against the
 * filter / MPFR on every pair, over every x and 48 labels spread over the
 * label values of the type in [0, 1]; and its speed over every x and 256
 * labels (what `--label all` needs: about 10^7 pairs/s per core). */
static void filter_any(int fmt, bcev_form form)
{
    static uint16_t xs[65536], ys[65536];
    static double xd[65536];
    static float L32[65536], G32[65536];
    static uint16_t L16[65536], G16[65536];
    size_t nv = 0;
    for (uint32_t b = 0; b < 65536; b++) {
        const double x = bcev_from_bits16(fmt, (uint16_t)b);
        if (isnan(x) || (form == BCEV_PROBS && !(x >= 0 && x <= 1))) continue;
        xs[nv] = (uint16_t)b;
        xd[nv++] = x;
    }
    const uint32_t one = one16(fmt);
    /* speed: every x, 256 labels */
    double t0 = now();
    size_t und = 0, pairs = 0;
    volatile float sink = 0;
    for (uint32_t k = 0; k < 256; k++) {
        const double y = bcev_from_bits16(fmt, (uint16_t)(k * one / 255));
        for (size_t j = 0; j < nv; j++) {
            float o32[2];
            double o16[2];
            int dec[2][2];
            und += (size_t)bcev_lowp_filter(form, fmt, xd[j], y, o32, o16, dec);
            sink += o32[0];
        }
        pairs += nv;
    }
    const double tf = now() - t0;
    (void)sink;
    /* correctness: 48 labels */
    size_t checked = 0, bad16 = 0, bad32 = 0, nmpfr = 0, fbad = 0;
    for (uint32_t k = 0; k < 48; k++) {
        const uint16_t yb = (uint16_t)(k * one / 47 + (k % 3 == 1 && k < 47 ? 1 : 0));
        const double y = bcev_from_bits16(fmt, yb);
        for (size_t j = 0; j < nv; j++) ys[j] = yb;
        cr_assert_eq(ep32(fmt, form)(nv, xs, ys, NULL, NULL, L32, G32), BCE_OK);
        cr_assert_eq(ep16(fmt, form)(nv, xs, ys, NULL, NULL, L16, G16), BCE_OK);
        for (size_t j = 0; j < nv; j++) {
            float o32[2];
            double o16[2];
            int dec[2][2];
            bcev_lowp_filter(form, fmt, xd[j], y, o32, o16, dec);
            const int all = dec[0][0] & dec[0][1] & dec[1][0] & dec[1][1];
            if (!all || j % 61 == 0) {
                bcev_sample s = { xd[j], y, 1.0 };
                mpfr_t Lm, Gm;
                mpfr_inits2(256, Lm, Gm, (mpfr_ptr)0);
                bcev_exact(form, &s, NULL, 1.0, 256, Lm, Gm);
                plus_zero(Lm); plus_zero(Gm);
                tiny_sign(form, xd[j], 1.0, Gm);
                const double m16[2] = { bcev_round16(fmt, Lm), bcev_round16(fmt, Gm) };
                const float m32[2] = { (float)bcev_round_to(BCEV_F32, Lm), (float)bcev_round_to(BCEV_F32, Gm) };
                mpfr_clears(Lm, Gm, (mpfr_ptr)0);
                nmpfr++;
                for (int o = 0; o < 2; o++) {
                    if (dec[0][o] && !samef(o32[o], m32[o]) && fbad++ < 5)
                        fprintf(stderr, "filter f32 %s %s x=%a y=%a out %d: %a, MPFR %a\n", formname(form),
                                fname(fmt), xd[j], y, o, o32[o], m32[o]);
                    if (dec[1][o] && bcev_bits16(fmt, o16[o]) != bcev_bits16(fmt, m16[o]) && fbad++ < 5)
                        fprintf(stderr, "filter 16 %s %s x=%a y=%a out %d: %a, MPFR %a\n", formname(form),
                                fname(fmt), xd[j], y, o, o16[o], m16[o]);
                    o32[o] = m32[o];
                    o16[o] = m16[o];
                }
            }
            const float g32[2] = { L32[j], G32[j] };
            const uint16_t g16[2] = { L16[j], G16[j] };
            for (int o = 0; o < 2; o++) {
                checked += 2;
                if (!same16(g16[o], bcev_bits16(fmt, o16[o]), fmt) && bad16++ < 5)
                    fprintf(stderr, "any-label %s %s x=%a y=%a out %d: %a, correct %a\n", formname(form),
                            fname(fmt), xd[j], y, o, bcev_from_bits16(fmt, g16[o]), o16[o]);
                if (!samef(g32[o], o32[o]) && bad32++ < 5)
                    fprintf(stderr, "any-label %s %s x=%a y=%a out %d: float %a, correct %a\n",
                            formname(form), fname(fmt), xd[j], y, o, g32[o], o32[o]);
            }
        }
    }
    fprintf(stderr, "filter %s %s: %.3g pairs/s on one core (%zu pairs x 256 labels in %.2f s, "
            "%.2g%% outputs undecided); library vs filter/MPFR over 48 labels: %zu outputs, "
            "misrounded %zu (16-bit), %zu (f32); filter wrong %zu; MPFR calls %zu\n",
            formname(form), fname(fmt), (double)pairs / tf, nv, tf, 100.0 * und / (4.0 * pairs),
            checked, bad16, bad32, fbad, nmpfr);
    cr_assert_eq(fbad, 0u);
    cr_assert_eq(bad16, 0u);
    cr_assert_eq(bad32, 0u);
}

Test(lowp, filter_any_logits_bf16) { filter_any(BCEV_BF16, BCEV_LOGITS); }
Test(lowp, filter_any_logits_f16) { filter_any(BCEV_F16, BCEV_LOGITS); }
Test(lowp, filter_any_probs_bf16) { filter_any(BCEV_BF16, BCEV_PROBS); }
Test(lowp, filter_any_probs_f16) { filter_any(BCEV_F16, BCEV_PROBS); }

/* dz == z (in place) is allowed for the 16-bit outputs: the same bits as
 * out of place, over several chunks (n = 1000 > the 256-element chunk). */
Test(lowp, in_place_gradient)
{
    enum { N = 1000 };
    static uint16_t z[N], y[N], g[N], zi[N];
    for (int fmt = BCEV_BF16; fmt <= BCEV_F16; fmt++) {
        for (int i = 0; i < N; i++) {
            z[i] = rnd16(fmt, 0);
            y[i] = rnd16(fmt, 1);
            zi[i] = z[i];
        }
        ep16_t f = ep16(fmt, BCEV_LOGITS);
        cr_assert_eq(f(N, z, y, NULL, NULL, NULL, g), BCE_OK);
        cr_assert_eq(f(N, zi, y, NULL, NULL, NULL, zi), BCE_OK);
        cr_assert(memcmp(g, zi, sizeof g) == 0, "%s: in place differs", fname(fmt));
    }
}
