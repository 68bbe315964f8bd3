/*
 * fuzz_common.c -- byte reader, edge-biased decoders, validation model
 * (see fuzz_common.h).
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"
#include "core/thresholds.h"

void fz_init(fz_reader *r, const uint8_t *data, size_t size)
{
    r->p = data;
    r->left = size;
    r->mode = 0;
}

uint8_t fz_u8(fz_reader *r)
{
    if (r->left == 0) return 0;
    r->left--;
    return *r->p++;
}

uint16_t fz_u16(fz_reader *r)
{
    uint16_t v = fz_u8(r);
    return (uint16_t)(v | (uint16_t)fz_u8(r) << 8);
}

uint32_t fz_u32(fz_reader *r)
{
    uint32_t v = fz_u16(r);
    return v | (uint32_t)fz_u16(r) << 16;
}

uint64_t fz_u64(fz_reader *r)
{
    uint64_t v = fz_u32(r);
    return v | (uint64_t)fz_u32(r) << 32;
}

static int fz_stats_on;
static void fz_print_stats(void);

void fz_fail(const char *fmt, ...)
{
    if (fz_stats_on) fz_print_stats();
    va_list ap;
    va_start(ap, fmt);
    fputs("libbce fuzz: CHECK FAILED: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stderr);
    abort();
}

static unsigned long long fz_nstat[2];

static void fz_print_stats(void)
{
    const unsigned long long t = fz_nstat[0] + fz_nstat[1];
    fprintf(stderr, "libbce fuzz: %llu checks, %llu decided by the fast filter,"
            " %llu by MPFR (%.3g%%)\n", t, fz_nstat[1], fz_nstat[0],
            t ? 100.0 * (double)fz_nstat[0] / (double)t : 0.0);
}

void fz_stat(int decided)
{
    static int on = -1;
    if (on < 0) {
        const char *e = getenv("FZ_STATS");
        on = fz_stats_on = e && e[0] == '1';
        if (on) atexit(fz_print_stats);
    }
    fz_nstat[decided != 0]++;
}

int fz_no_detours(void)
{
    static int v = -1;
    if (v < 0) {
        const char *e = getenv("FZ_NO_DETOURS");
        v = e && e[0] == '1';
    }
    return v;
}

/* bce_isa_available and bce_set_isa run CPUID on every call (src/core/isa.c),
 * and CPUID traps to the hypervisor on virtual machines: 12.5 us each on the
 * CI machine, 26 us for one bce_set_isa("avx2").  So the list is taken once
 * per process, and fz_isa_plan orders the ISAs so that each input switches
 * to a vector ISA only once (see there). */
int fz_isas(const char **names, int max)
{
    static const char *have[FZ_MAX_ISA];
    static int nhave = -1;
    if (nhave < 0) {
        if (bce_isa_count() > FZ_MAX_ISA)
            fz_fail("libbce knows %zu ISAs, FZ_MAX_ISA is %d", bce_isa_count(), FZ_MAX_ISA);
        nhave = 0;
        for (size_t i = 0; i < bce_isa_count(); i++)
            if (bce_isa_available(bce_isa_name(i))) have[nhave++] = bce_isa_name(i);
    }
    int k = 0;
    for (int i = 0; i < nhave && k < max; i++) names[k++] = have[i];
    return k;
}

int fz_isa_plan(const char **names, int max)
{
    const char *all[FZ_MAX_ISA];
    const int n = fz_isas(all, FZ_MAX_ISA);
    const char *cur = bce_active_isa();
    int k = 0, ci = -1;
    for (int i = 0; i < n; i++)
        if (!strcmp(all[i], cur)) ci = i;
    if (ci >= 0 && k < max) names[k++] = all[ci];
    if (ci != 0 && k < max) names[k++] = all[0];          /* scalar */
    for (int i = 1; i < n && k < max; i++)
        if (i != ci) names[k++] = all[i];
    return k;
}

void fz_use_isa(const char *name)
{
    if (strcmp(bce_active_isa(), name) != 0 && bce_set_isa(name) != BCE_OK)
        fz_fail("bce_set_isa(%s) failed", name);
}

/* ------------------------------------------------------------------ */
/* Edge values                                                         */

#define TH_VAL(name, v, kind, file, lit) v,
#define TH_KIND(name, v, kind, file, lit) #kind[0],
static const double th_val[] = { BCE_THRESHOLDS(TH_VAL) };
static const char th_kind[] = { BCE_THRESHOLDS(TH_KIND) };
#define TH_COUNT (sizeof th_val / sizeof th_val[0])

/* A threshold of kind `kind` (or any kind when none matches), by index.
 * (The per-kind lists are built once: this runs for most elements.) */
static double threshold(uint8_t idx, char kind)
{
    static double by_kind[128][TH_COUNT];
    static size_t count[128];
    static int ready;
    if (!ready) {
        for (size_t i = 0; i < TH_COUNT; i++) {
            const unsigned char k = (unsigned char)th_kind[i] & 127;
            by_kind[k][count[k]++] = th_val[i];
        }
        ready = 1;
    }
    const unsigned char k = (unsigned char)kind & 127;
    if (count[k] == 0) return th_val[idx % TH_COUNT];
    return by_kind[k][idx % count[k]];
}

static const double specials[] = {
    0.0, 1.0, 0.5, 2.0, INFINITY, DBL_MIN, 0x1p-1074, DBL_MAX,
    FLT_MIN, 0x1p-149, FLT_MAX, 0x1p-53, 0x1p-24, 1.0 - 0x1p-53, 1.0 - 0x1p-24,
    0x1p-60, 0x1p-1022, 0x1p-126, 0x1p-600, 0x1p600, 100.0, 0x1p-100,
};
#define SPECIALS_COUNT (sizeof specials / sizeof specials[0])

double fz_nudge(double x, int k, int f32)
{
    if (x != x || k == 0) return x;
    if (f32) {
        float f = (float)x;
        for (int i = 0; i < (k < 0 ? -k : k); i++)
            f = nextafterf(f, k < 0 ? -INFINITY : INFINITY);
        return f;
    }
    for (int i = 0; i < (k < 0 ? -k : k); i++)
        x = nextafter(x, k < 0 ? -INFINITY : INFINITY);
    return x;
}

static double to_type(double v, int f32) { return f32 ? (double)(float)v : v; }

/* A signed nudge of -8..8 ulps, 0 most often. */
static int nudge_amount(fz_reader *r)
{
    int8_t b = (int8_t)fz_u8(r);
    if (b > -64 && b < 64) return b % 3 - (b % 3 == 2 ? 3 : 0); /* -1, 0, 1 */
    return b % 9;
}

/* |v| log-uniform over the type's range, random mantissa. */
static double log_uniform(fz_reader *r, int f32, int emin, int emax)
{
    uint16_t eb = fz_u16(r);
    uint64_t m = fz_u64(r);
    int e = emin + (int)(eb % (unsigned)(emax - emin + 1));
    double v = ldexp(1.0 + (double)(m >> 11) * 0x1p-53, e);
    return to_type(v, f32);
}

static double raw_value(fz_reader *r, int f32)
{
    if (f32) {
        uint32_t b = fz_u32(r);
        float f;
        memcpy(&f, &b, sizeof f);
        return f;
    }
    uint64_t b = fz_u64(r);
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

/* sigma(x) in double (within a few ulps: the labels are meant to land
 * within a few ulps of it, not on it exactly) */
static double sigma_d(double z)
{
    if (z >= 0) return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

double fz_logit(fz_reader *r, int f32, double prev)
{
    uint8_t s = fz_u8(r);
    double v, sign = (s & 0x80) ? -1.0 : 1.0;
    switch (s & 7) {
    case 0: v = raw_value(r, f32); sign = 1.0; break;
    case 1: case 2: v = threshold(fz_u8(r), 'Z'); break;
    case 3: v = specials[fz_u8(r) % SPECIALS_COUNT]; break;
    case 4: v = log_uniform(r, f32, -70, 70); break;   /* beyond 2^+-64: BCE_E_WEIGHT_RANGE */
    case 5: v = (double)fz_u32(r) * 0x1p-32 * 40.0; break;      /* [0, 40) */
    case 6: v = (double)fz_u32(r) * 0x1p-32 * 1100.0; break;    /* [0, 1100) */
    default: v = prev; sign = (s & 0x40) ? -1.0 : 1.0; break;   /* repeat */
    }
    v = to_type(sign * v, f32);
    if (s & 0x08) v = fz_nudge(v, nudge_amount(r), f32);
    if (v == 0.0 && (s & 0x10)) v = -0.0;
    return v;
}

double fz_prob(fz_reader *r, int f32)
{
    uint8_t s = fz_u8(r);
    double v;
    switch (s & 7) {
    case 0: v = fabs(raw_value(r, f32)); if (v > 1.0) v = 1.0 / v; break;
    case 1: v = threshold(fz_u8(r), 'P'); break;
    case 2: v = 1.0 - threshold(fz_u8(r), 'P'); break;
    case 3: v = specials[fz_u8(r) % SPECIALS_COUNT]; if (v > 1.0) v = 1.0; break;
    case 4: v = log_uniform(r, f32, f32 ? -149 : -1074, -1); break;
    case 5: v = 1.0 - log_uniform(r, f32, f32 ? -30 : -60, -1); break;
    case 6: v = sigma_d(fz_logit(r, f32, 0.0)); break;
    default: v = (double)(fz_u64(r) >> 11) * 0x1p-53; break;
    }
    v = to_type(v, f32);
    if (s & 0x08) v = fz_nudge(v, nudge_amount(r), f32);
    if (!(v >= 0.0)) v = 0.0;           /* NaN, -0, nudged below 0 */
    if (v > 1.0) v = 1.0;
    return v;
}

double fz_label(fz_reader *r, int f32, double x, int logits)
{
    uint8_t s = fz_u8(r);
    double v;
    if ((r->mode & FZ_MODE_V2) && (s & 0xE0) == 0x20) {
        /* raw bits (the dictionaries' label entries), folded into [0, 1] */
        v = fabs(raw_value(r, f32));
        if (!(v <= 1.0)) v = v > 1.0 && isfinite(v) ? 1.0 / v : 0.0;
        return to_type(v, f32);
    }
    switch (s & 7) {
    case 0: v = 0.0; break;
    case 1: v = 1.0; break;
    case 2: v = (double)(fz_u64(r) >> 11) * 0x1p-53; break;
    case 3: case 4: /* soft label a few ulps from sigma(z) (or from p) */
        v = logits ? (x == x ? sigma_d(x) : 0.5) : x;
        v = fz_nudge(to_type(v, f32), nudge_amount(r), f32);
        break;
    case 5: v = log_uniform(r, f32, f32 ? -149 : -1074, -1); break;
    case 6: v = 1.0 - log_uniform(r, f32, f32 ? -30 : -60, -1); break;
    default: v = threshold(fz_u8(r), 'Y'); break;
    }
    v = to_type(v, f32);
    if ((s & 0x18) == 0x18) v = fz_nudge(v, nudge_amount(r), f32);
    if (!(v >= 0.0)) v = 0.0;
    if (v > 1.0) v = 1.0;
    return v;
}

double fz_weight(fz_reader *r, int f32)
{
    uint8_t s = fz_u8(r);
    double v;
    switch (s & 7) {
    case 0: case 1: v = 1.0; break;
    case 2: v = 0.0; break;
    case 3: v = fabs(raw_value(r, f32)); break;
    case 4: v = log_uniform(r, f32, -70, 70); break;   /* beyond 2^+-64: BCE_E_WEIGHT_RANGE */
    case 5: v = 1.0 + fz_u8(r); break;
    case 6: v = threshold(fz_u8(r), 'M'); break;
    default: v = specials[fz_u8(r) % SPECIALS_COUNT]; break;
    }
    v = to_type(v, f32);
    if (s & 0x08) v = fz_nudge(v, nudge_amount(r), f32);
    if (!(v >= 0.0)) v = 0.0;
    if (v - v != 0.0) v = f32 ? FLT_MAX : DBL_MAX;
    return v;
}

double fz_smoothing(fz_reader *r, int f32)
{
    uint8_t s = fz_u8(r);
    double v;
    switch (s & 3) {
    case 0: v = log_uniform(r, 0, -70, -1); break;   /* < 2^-64: BAD_OPTION */
    case 1: v = (double)(fz_u64(r) >> 11) * 0x1p-53; break;
    case 2: v = 1.0; break;
    default: v = 1.0 - log_uniform(r, 0, -60, -1); break;
    }
    (void)f32; /* the smoothing is a double option for both types */
    if (s & 0x08) v = fz_nudge(v, nudge_amount(r), 0);
    if (!(v >= 0.0)) v = 0.0;
    if (v > 1.0) v = 1.0;
    return v;
}

/* ------------------------------------------------------------------ */
/* V2: option ends and constructed elements                            */

double fz_pos_weight_v2(fz_reader *r)
{
    static const double ends[] = {
        0.0, BCE_POS_WEIGHT_MIN, 0x1.0000000000001p-64, 0x1.0000000000002p-64,
        BCE_POS_WEIGHT_MAX, 0x1.fffffffffffffp+63, 0x1.ffffffffffffep+63,
        1.0, 2.0, 0.5, 0x1p-32, 0x1p32, 3.0, 0x1.0000000000001p+0,
        0x1.fffffffffffffp-1, 0x1p-63,
    };
    uint8_t s = fz_u8(r);
    if (s & 0x80) return fz_weight(r, 0);
    return ends[s % (sizeof ends / sizeof ends[0])];
}

double fz_smoothing_v2(fz_reader *r)
{
    static const double ends[] = {
        BCE_SMOOTHING_MIN, 0x1.0000000000001p-64, 0x1.0000000000002p-64,
        1.0, 0x1.fffffffffffffp-1, 0x1.ffffffffffffep-1, 0x1.fffffep-1,
        0x1p-53, 0x1p-24, 0.5, 0x1p-1022, 0x1p-63,
    };
    uint8_t s = fz_u8(r);
    if (s & 0x80) return fz_smoothing(r, 0);
    return ends[s % (sizeof ends / sizeof ends[0])];
}

/* sigma(t) in long double (relative error about 2^-62) */
static long double sigma_ld(long double t)
{
    if (t >= 0) return 1.0L / (1.0L + expl(-t));
    const long double e = expl(t);
    return e / (1.0L + e);
}

/* the label y whose smoothed y' = y (1 - a) + a/2 is nearest t */
static double unsmooth(long double t, double a, int f32)
{
    long double y = a > 0.0 ? (t - (long double)a / 2) / (1.0L - (long double)a) : t;
    if (!(y >= 0.0L)) y = 0.0L;
    if (y > 1.0L) y = 1.0L;
    return f32 ? (double)(float)y : (double)y;
}

/* an odd number of exactly `bits` bits (1..53) from the reader */
static uint64_t odd_bits(fz_reader *r, int bits)
{
    uint64_t m = fz_u64(r);
    if (bits >= 64) bits = 63;
    m &= ((uint64_t)1 << bits) - 1;
    m |= (uint64_t)1 << (bits - 1);
    return m | 1;
}

static int nbits(uint64_t m) { return m ? 64 - __builtin_clzll(m) : 0; }

/* significant bits of the product of two odd numbers below 2^53 */
static int prod_bits(uint64_t a, uint64_t b)
{
    __extension__ typedef unsigned __int128 u128;
    const u128 pr = (u128)a * b;
    return pr >> 64 ? 64 + nbits((uint64_t)(pr >> 64)) : nbits((uint64_t)pr);
}

/* (m1, m2) odd with m1 of b1 bits and the product m1 m2 of exactly `want`
 * bits (a midpoint of a (want - 1)-bit format): m2 adjusted by steps of 2
 * until the product has the right length; 0 if none found quickly */
static int midpoint_pair(fz_reader *r, int want, int b1, uint64_t *m1, uint64_t *m2)
{
    *m1 = odd_bits(r, b1);
    const int b2 = want - nbits(*m1) + 1;
    if (b2 < 1 || b2 > 53) return 0;
    uint64_t c = odd_bits(r, b2);
    for (int k = 0; k < 64; k++, c += 2) {
        const int nb = prod_bits(*m1, c);
        if (nb == want) { *m2 = c; return 1; }
        if (nb > want) break;
    }
    c = odd_bits(r, b2 - 1 > 0 ? b2 - 1 : 1);
    for (int k = 0; k < 64; k++, c += 2) {
        const int nb = prod_bits(*m1, c);
        if (nb == want) { *m2 = c; return 1; }
        if (nb > want) break;
    }
    return 0;
}

int fz_element_v2(fz_reader *r, int f32, int logits, double P, double a,
                  double *x, double *y)
{
    const uint8_t c = fz_u8(r);
    if (c < 0xA0) return 0;                     /* 5 in 8: ordinary elements */
    const int kind = c & 7, nudge = (c >> 3) & 3;
    const double Pe = P > 0.0 ? P : 1.0;
    const int prec = f32 ? 24 : 53;
    double xv = 0.0, yv = 0.0;
    if (!logits) {
        if (kind <= 3) {
            /* P y' = p: p = m 2^-k, m odd (small, or any width) */
            const uint8_t b = fz_u8(r);
            const int bits = (b & 0x80) ? 1 + (b & 7) : 1 + (int)(b % (unsigned)prec);
            const uint64_t m = odd_bits(r, bits);
            const uint16_t eb = fz_u16(r);
            int k;
            if (kind <= 1) k = f32 ? 100 + eb % 50 : 400 + eb % 675;       /* tiny, subnormal */
            else k = 1 + eb % (f32 ? 149 : 1074);
            xv = to_type(ldexp((double)m, -k), f32);
            if (!(xv > 0.0)) xv = f32 ? 0x1p-149 : 0x1p-1074;
            if (xv >= 1.0) xv = 0.5;
            yv = unsmooth((long double)xv / Pe, a, f32);
        } else if (kind <= 5) {
            /* y' = p / (P (1 - p) + p): the gradient's zero */
            xv = fz_prob(r, f32);
            if (!(xv > 0.0 && xv < 1.0)) xv = 0.25;
            const long double p = xv;
            yv = unsmooth(p / (Pe * (1.0L - p) + p), a, f32);
        } else {
            /* y = p (the plain cancellation), p from the decoder */
            xv = fz_prob(r, f32);
            yv = unsmooth(xv, a, f32);
        }
    } else {
        if (kind <= 3) {
            /* y' = RN(sigma(z - ln P)): the gradient's zero */
            const uint8_t zs = fz_u8(r);
            switch (zs & 3) {
            case 0: xv = fz_logit(r, f32, 0.0); break;
            case 1: xv = ((double)fz_u32(r) * 0x1p-32 - 0.5) * 80.0; break;
            case 2: xv = ((double)fz_u32(r) * 0x1p-32 - 0.5) * 1500.0; break;
            default: xv = log_uniform(r, f32, -60, 10) * ((zs & 4) ? -1.0 : 1.0); break;
            }
            xv = to_type(xv, f32);
            if (xv != xv) xv = 0.0;
            const long double t = isinf(xv) ? (xv > 0 ? 1.0L : 0.0L)
                                            : sigma_ld((long double)xv - logl((long double)Pe));
            yv = unsmooth(t, a, f32);
        } else if (kind <= 5) {
            /* the loss on a midpoint: (1 - y) z (z > 0) or y |z| (z < 0)
             * an odd product of prec + 1 bits, |z| >= 2^7 > 104 */
            uint64_t m1, m2;
            const uint8_t b = fz_u8(r);
            const int neg = kind == 5;
            if (!midpoint_pair(r, prec + 1, 1 + b % (unsigned)(prec - 1), &m1, &m2)) return 0;
            if (nbits(m2) > prec) return 0;
            const int ez = 7 + fz_u8(r) % (f32 ? 100 : 900);
            xv = ldexp((double)m2, ez - nbits(m2) + 1);          /* in [2^ez, 2^(ez+1)) */
            const int ey = 1 + fz_u8(r) % 20;
            const double t = ldexp((double)m1, -nbits(m1) - ey); /* (0, 1/2) */
            yv = neg ? t : 1.0 - t;
            if (neg) xv = -xv;
            if (to_type(xv, f32) != xv || to_type(yv, f32) != yv || (!neg && 1.0 - yv != t))
                return 0;
        } else {
            /* the gradient on a midpoint: 1 - y = odd 2^-(prec+1) (z > 0),
             * |z| huge, y < 1/2 */
            const uint64_t m = odd_bits(r, prec);
            yv = ldexp((double)m, -(prec + 1));
            if (!(yv > 0.0 && yv < 0.5)) yv = ldexp(1.0, -(prec + 1));
            const int ez = 7 + fz_u8(r) % (f32 ? 120 : 1000);
            xv = to_type(ldexp(1.0 + (double)(fz_u16(r) >> 4) * 0x1p-12, ez), f32);
            if (kind == 7) xv = -xv;     /* z < 0: y itself (not a midpoint) */
        }
    }
    if (nudge == 3) yv = fz_nudge(yv, nudge_amount(r), f32);
    if (!(yv >= 0.0)) yv = 0.0;
    if (yv > 1.0) yv = 1.0;
    *x = to_type(xv, f32);
    *y = to_type(yv, f32);
    return 1;
}

double fz_invalid(fz_reader *r, int which, int logits, int f32)
{
    static const double bad[] = {
        NAN, -NAN, -0.0, -1.0, -0x1p-1074, -INFINITY, INFINITY, 2.0,
        0x1.0000000000001p+0, 0x1.000002p+0, -DBL_MAX, DBL_MAX,
    };
    uint8_t s = fz_u8(r);
    double v = bad[s % (sizeof bad / sizeof bad[0])];
    (void)which; (void)logits;
    return to_type(v, f32);
}

/* ------------------------------------------------------------------ */
/* Validation model: bce.h's documented order (pointers, size, options,
 * empty mean, then for each i: x, y, w; then the zero weight sum). */

bce_status fz_model_status(size_t n, const double *x, const double *y,
                           const double *w, const bce_options *opt,
                           int logits, int xnull, int ynull, size_t esize,
                           size_t *index)
{
    static const bce_options defaults;
    const bce_options *o = opt ? opt : &defaults;
    *index = BCE_NO_INDEX;
    if (n > 0 && (xnull || ynull)) return BCE_E_NULL_POINTER;
    if (n > SIZE_MAX / esize) return BCE_E_SIZE_OVERFLOW;
    if ((unsigned)o->reduction > 3u || (o->flags & ~BCE_OPT_ALL_FLAGS) ||
        ((o->flags & BCE_OPT_POS_WEIGHT) &&
         !(o->pos_weight == 0.0 || (o->pos_weight >= BCE_POS_WEIGHT_MIN &&
                                    o->pos_weight <= BCE_POS_WEIGHT_MAX))) ||
        !(o->label_smoothing == 0.0 || (o->label_smoothing >= BCE_SMOOTHING_MIN &&
                                         o->label_smoothing <= 1.0)) ||
        ((o->flags & BCE_OPT_LOG_CLAMP) && logits) ||
        (o->flags & BCE_OPT_FAST_ACCUM))   /* fused logistic regression only */
        return BCE_E_BAD_OPTION;
    if (o->reduction == BCE_REDUCTION_MEAN && n == 0) return BCE_E_EMPTY_MEAN;
    int wpos = 0;
    for (size_t i = 0; i < n; i++) {
        *index = i;
        if (isnan(x[i])) {
            if (!(o->flags & BCE_OPT_PROPAGATE_NAN))
                return logits ? BCE_E_NAN_LOGIT : BCE_E_NAN_PROB;
        } else if (!logits && !(x[i] >= 0.0 && x[i] <= 1.0)) {
            return BCE_E_PROB_RANGE;
        }
        if (isnan(y[i])) return BCE_E_NAN_LABEL;
        if (!(y[i] >= 0.0 && y[i] <= 1.0)) return BCE_E_LABEL_RANGE;
        if (w) {
            if (isnan(w[i])) return BCE_E_NAN_WEIGHT;
            if (!(w[i] == 0.0 || (w[i] >= BCE_WEIGHT_MIN && w[i] <= BCE_WEIGHT_MAX))) return BCE_E_WEIGHT_RANGE;
            wpos |= w[i] > 0.0;
        }
    }
    *index = BCE_NO_INDEX;
    if (o->reduction == BCE_REDUCTION_WEIGHTED_MEAN && (w ? !wpos : n == 0))
        return BCE_E_ZERO_WEIGHT_SUM;
    return BCE_OK;
}
