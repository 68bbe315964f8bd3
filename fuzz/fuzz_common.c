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
#include "thresholds.h"

void fz_init(fz_reader *r, const uint8_t *data, size_t size)
{
    r->p = data;
    r->left = size;
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

void fz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("libbce fuzz: CHECK FAILED: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stderr);
    abort();
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

int fz_isas(const char **names, int max)
{
    static const char *all[] = { "scalar", "sse4.1", "avx2" };
    int k = 0;
    for (int i = 0; i < 3 && k < max; i++)
        if (bce_isa_available(all[i])) names[k++] = all[i];
    return k;
}

/* ------------------------------------------------------------------ */
/* Edge values                                                         */

#define TH_VAL(name, v, kind, file, lit) v,
#define TH_KIND(name, v, kind, file, lit) #kind[0],
static const double th_val[] = { BCE_THRESHOLDS(TH_VAL) };
static const char th_kind[] = { BCE_THRESHOLDS(TH_KIND) };
#define TH_COUNT (sizeof th_val / sizeof th_val[0])

/* A threshold of kind `kind` (or any kind when none matches), by index. */
static double threshold(uint8_t idx, char kind)
{
    size_t cnt = 0;
    for (size_t i = 0; i < TH_COUNT; i++) cnt += th_kind[i] == kind;
    if (cnt == 0) return th_val[idx % TH_COUNT];
    size_t want = idx % cnt;
    for (size_t i = 0; i < TH_COUNT; i++)
        if (th_kind[i] == kind && want-- == 0) return th_val[i];
    return th_val[0];
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
