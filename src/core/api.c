/*
 * core/api.c -- the entry points: validate everything (no output is written on
 * error), turn the options into a kernel parameter block, run the active
 * kernel, finish the reduction.
 *
 * Validation order: pointers, size, options, then the elements in index
 * order (for each i: x, then y, then w), so error_index is the first
 * offending index.  Reductions: the per-sample losses (double-double) are
 * summed in a double-double accumulator per block of BCE_THREADS_BLOCK
 * samples, the blocks' sums then in block order (relative error ~ n 2^-104,
 * all terms >= 0), and divided once: the reduced loss is within about 0.5
 * ulp.  bce_options.threads splits the blocks across threads (run_blocks,
 * core/threads.c) without changing a bit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/isa.h"
#include "core/half.h"
#include "core/lowp.h"
#include "core/threads.h"

enum form { FORM_LOGITS, FORM_PROBS };

static bce_status fail(const bce_options *opt, bce_status st, size_t idx)
{
    if (opt && opt->error_index) *opt->error_index = idx;
    return st;
}


bce_status bce_check_options(const bce_options *o, int logits_form)
{
    if ((unsigned)o->reduction > (unsigned)BCE_REDUCTION_WEIGHTED_MEAN)
        return BCE_E_BAD_OPTION;
    if (o->flags & ~BCE_OPT_ALL_FLAGS) return BCE_E_BAD_OPTION;
    if ((o->flags & BCE_OPT_POS_WEIGHT) &&
        !(o->pos_weight == 0.0 ||
          (o->pos_weight >= BCE_POS_WEIGHT_MIN && o->pos_weight <= BCE_POS_WEIGHT_MAX)))
        return BCE_E_BAD_OPTION;
    if (!(o->label_smoothing == 0.0 ||
          (o->label_smoothing >= BCE_SMOOTHING_MIN && o->label_smoothing <= 1.0)))
        return BCE_E_BAD_OPTION;
    if ((o->flags & BCE_OPT_LOG_CLAMP) && logits_form)
        return BCE_E_BAD_OPTION;
    if (o->threads > BCE_THREADS_MAX) return BCE_E_BAD_OPTION;
    for (size_t i = 0; i < sizeof o->reserved / sizeof o->reserved[0]; i++)
        if (o->reserved[i] != 0) return BCE_E_BAD_OPTION; /* future options */
    return BCE_OK;
}

void bce_kparams_init(const bce_options *opt, int want_loss, int want_grad,
                      bce_kparams *kp)
{
    kp->flags = opt->flags;
    kp->has_pw = (opt->flags & BCE_OPT_POS_WEIGHT) != 0;
    kp->pos_weight = kp->has_pw ? opt->pos_weight : 1.0;
    kp->smooth = opt->label_smoothing;
    kp->one_minus_a = bce_two_sum(1.0, -kp->smooth);
    kp->half_a = 0.5 * kp->smooth;
    kp->plain = !kp->has_pw && kp->smooth == 0.0;
    kp->has_gscale = 0;
    kp->gscale = bce_dd_make(1.0, 0.0);
    kp->gden = kp->gscale;
    kp->gden_xn = 0;
    kp->wscale_e = 0;
    kp->lscale_e = 0;
    kp->mean_e = 0;
    kp->want_loss = want_loss;
    kp->want_grad = want_grad;
    kp->reduce = opt->reduction != BCE_REDUCTION_NONE;
    kp->l0red = 0;
}

/* The element types of the entry points: the arrays are read through
 * load() (a float, bf16 or f16 widened to double is exact, and the scan's
 * comparisons with 0 and 1 give the same answers on either). */
enum elem { ELEM_F64, ELEM_F32, ELEM_BF16, ELEM_F16 };

static inline __attribute__((always_inline)) double
load(const void *p, size_t i, enum elem t)
{
    switch (t) {
    case ELEM_F32: return (double)((const float *)p)[i];
    case ELEM_BF16: return (double)bce_bf16_to_float(((const uint16_t *)p)[i]);
    case ELEM_F16: return (double)bce_f16_to_float(((const uint16_t *)p)[i]);
    default: return ((const double *)p)[i];
    }
}

/* Scan the elements; first offender wins.  Also sums the weights and, for
 * the means, the bounds B and G (finish_prepare).
 *
 * Calls without weights whose reduction is NONE or SUM need neither: they
 * only need to know that every element is valid.  They take a branch-free
 * check per chunk of SCAN_CHUNK elements (SSE2 below: about 0.15 ns per
 * element instead of about 1.8 for the loop of scan_elements, measured with
 * bce-bench-pair on AVX2 logits f32 with and without the check, n = 4096;
 * on a CPU with AVX2, isa/x86_avx2/scan.c, 8 floats or 4 doubles a step);
 * a chunk that holds an offender is scanned again by scan_elements, which
 * names the first one.  The check accepts exactly the elements the loop
 * accepts: x not NaN (or NaN with PROPAGATE_NAN), for probabilities
 * 0 <= x <= 1, and 0 <= y <= 1 (false for NaN). */
#define SCAN_CHUNK 512   /* 8 KiB of f64 x and y: still in L1 for the rescan */

/* One element of the chunk check: nonzero iff (x, y) is not accepted.  The
 * negated predicates are true for NaN: bad y <=> !(y >= 0) | !(y <= 1).
 * (Not vectorised by the compilers: NaN-aware comparisons; the SSE2 chunk
 * checks below use it for their tails only.) */
static inline int elem_rejected(double xi, double yi, int probs, int prop)
{
    return (!(yi >= 0.0) | !(yi <= 1.0)) | (!prop & (xi != xi))
         | (probs & (xi == xi) & (!(xi >= 0.0) | !(xi <= 1.0)));
}

/* The chunk checks: nonzero iff some element of x[0..m), y[0..m) is not
 * accepted (elem_rejected).  On x86-64 the bodies run on SSE2 (baseline)
 * with the negated predicates, 2 doubles or 4 floats per step. */
#if defined(__SSE2__)
#include <emmintrin.h>
/* 2 elements of scan_chunk_f64: all ones in the lanes not accepted */
static inline __m128d scan2_f64(const double *x, const double *y, __m128d zero, __m128d one,
                                __m128d nanbad, int probs)
{
    __m128d a = _mm_loadu_pd(x), b = _mm_loadu_pd(y);
    __m128d r = _mm_or_pd(_mm_or_pd(_mm_cmpnge_pd(b, zero), _mm_cmpnle_pd(b, one)),
                          _mm_and_pd(nanbad, _mm_cmpunord_pd(a, a)));
    if (probs)
        r = _mm_or_pd(r, _mm_and_pd(_mm_cmpord_pd(a, a),
                      _mm_or_pd(_mm_cmpnge_pd(a, zero), _mm_cmpnle_pd(a, one))));
    return r;
}

static int scan_chunk_f64(const double *x, const double *y, size_t m, int probs, int prop)
{
#if BCE_HAVE_AVX2
    if (m && bce_cpu_avx2()) return bce_scan_chunk_f64_avx2(x, y, m, probs, prop);
#endif
    const __m128d zero = _mm_setzero_pd(), one = _mm_set1_pd(1);
    const __m128d nanbad = prop ? zero : _mm_castsi128_pd(_mm_set1_epi32(-1));
    /* two accumulators, one OR into each per step (as scan_chunk_f32) */
    __m128d acc0 = zero, acc1 = zero;
    size_t i = 0;
    for (; i + 4 <= m; i += 4) {
        acc0 = _mm_or_pd(acc0, scan2_f64(x + i, y + i, zero, one, nanbad, probs));
        acc1 = _mm_or_pd(acc1, scan2_f64(x + i + 2, y + i + 2, zero, one, nanbad, probs));
    }
    for (; i + 2 <= m; i += 2) acc0 = _mm_or_pd(acc0, scan2_f64(x + i, y + i, zero, one, nanbad, probs));
    int off = _mm_movemask_pd(_mm_or_pd(acc0, acc1)) != 0;
    for (; i < m; i++) off |= elem_rejected(x[i], y[i], probs, prop);
    return off;
}

/* 4 elements of scan_chunk_f32: all ones in the lanes not accepted */
static inline __m128 scan4_f32(const float *x, const float *y, __m128 zero, __m128 one,
                               __m128 nanbad, int probs)
{
    __m128 a = _mm_loadu_ps(x), b = _mm_loadu_ps(y);
    __m128 r = _mm_or_ps(_mm_or_ps(_mm_cmpnge_ps(b, zero), _mm_cmpnle_ps(b, one)),
                         _mm_and_ps(nanbad, _mm_cmpunord_ps(a, a)));
    if (probs)
        r = _mm_or_ps(r, _mm_and_ps(_mm_cmpord_ps(a, a),
                      _mm_or_ps(_mm_cmpnge_ps(a, zero), _mm_cmpnle_ps(a, one))));
    return r;
}

static int scan_chunk_f32(const float *x, const float *y, size_t m, int probs, int prop)
{
#if BCE_HAVE_AVX2
    /* 8 floats at a time where the CPU has AVX2 (isa/x86_avx2/scan.c:
     * bce-bench-ab, AVX2 logits f32, n = 4096: the scan took 6% of the
     * call with SSE2) */
    if (m && bce_cpu_avx2()) return bce_scan_chunk_f32_avx2(x, y, m, probs, prop);
#endif
    const __m128 zero = _mm_setzero_ps(), one = _mm_set1_ps(1);
    const __m128 nanbad = prop ? zero : _mm_castsi128_ps(_mm_set1_epi32(-1));
    /* two accumulators, one OR into each per 4 elements: the chain of
     * two or three ORs per step into one accumulator was the limit
     * (bce-bench-ab, AVX2 logits f32, n = 4096: 2% of the call) */
    __m128 acc0 = zero, acc1 = zero;
    size_t i = 0;
    for (; i + 8 <= m; i += 8) {
        acc0 = _mm_or_ps(acc0, scan4_f32(x + i, y + i, zero, one, nanbad, probs));
        acc1 = _mm_or_ps(acc1, scan4_f32(x + i + 4, y + i + 4, zero, one, nanbad, probs));
    }
    for (; i + 4 <= m; i += 4) acc0 = _mm_or_ps(acc0, scan4_f32(x + i, y + i, zero, one, nanbad, probs));
    int off = _mm_movemask_ps(_mm_or_ps(acc0, acc1)) != 0;
    for (; i < m; i++) off |= elem_rejected(x[i], y[i], probs, prop);
    return off;
}
#else
static int scan_chunk_f64(const double *x, const double *y, size_t m, int probs, int prop)
{
    int off = 0;
    for (size_t i = 0; i < m; i++) off |= elem_rejected(x[i], y[i], probs, prop);
    return off;
}

static int scan_chunk_f32(const float *x, const float *y, size_t m, int probs, int prop)
{
    int off = 0;
    for (size_t i = 0; i < m; i++) off |= elem_rejected(x[i], y[i], probs, prop);
    return off;
}
#endif

/* The 16-bit types' chunk check, on the bit patterns (integer compares the
 * compilers vectorise): with one = the bits of 1 (0x3f80 bf16, 0x3c00 f16)
 * and inf = those of +inf (0x7f80, 0x7c00), a value v is NaN iff
 * (v & 0x7fff) > inf, and in [0, 1] iff v <= one or v == 0x8000 (-0):
 * every other pattern is negative, above 1 or NaN.  The same answers as
 * elem_rejected on the widened values.  The common cases (NaN rejected)
 * are written in 16-bit arithmetic, so the baseline SSE2 build checks 8
 * elements per instruction: y (and p) is bad iff (v == 0x8000 ? 0 : v) >
 * one, which covers NaN p too (> one); z is bad iff (z & 0x7fff) > inf. */
static int scan_chunk_h16(const uint16_t *x, const uint16_t *y, size_t m, int probs,
                          int prop, uint16_t one, uint16_t inf)
{
    if (!prop) {
#if BCE_HAVE_AVX2
        /* 16 patterns at a time where the CPU has AVX2 (isa/x86_avx2/scan.c:
         * with SSE2 the scan took 5-6% of a 16-bit-output call, n = 4096) */
        if (m && bce_cpu_avx2()) return bce_scan_chunk_h16_avx2(x, y, m, probs, one, inf);
#endif
        /* written so that GCC 12 vectorises it (masks, no ?:) */
        uint16_t off = 0;
        if (probs) {
            for (size_t i = 0; i < m; i++) {
                const uint16_t a = x[i], b = y[i];
                const uint16_t a1 = (uint16_t)(a & (uint16_t)~(uint16_t)-(uint16_t)(a == 0x8000u));
                const uint16_t b1 = (uint16_t)(b & (uint16_t)~(uint16_t)-(uint16_t)(b == 0x8000u));
                off |= (uint16_t)(-(uint16_t)(a1 > one) | -(uint16_t)(b1 > one));
            }
        } else {
            for (size_t i = 0; i < m; i++) {
                const uint16_t a = (uint16_t)(x[i] & 0x7fffu), b = y[i];
                const uint16_t b1 = (uint16_t)(b & (uint16_t)~(uint16_t)-(uint16_t)(b == 0x8000u));
                off |= (uint16_t)(-(uint16_t)(a > inf) | -(uint16_t)(b1 > one));
            }
        }
        return off != 0;
    }
    unsigned off = 0;
    const unsigned pr = probs ? 1u : 0u;
    for (size_t i = 0; i < m; i++) {
        const unsigned a = x[i], b = y[i];
        const unsigned nan_x = (a & 0x7fffu) > inf;
        const unsigned out_x = (a > one) & (a != 0x8000u);
        const unsigned bad_y = (b > one) & (b != 0x8000u);
        off |= bad_y | (pr & out_x & !nan_x);
    }
    return off != 0;
}

/* The index of the first chunk of [i0, i1) that holds an offender (i1
 * when none does). */
static inline __attribute__((always_inline)) size_t
scan_range(size_t i0, size_t i1, const void *x, const void *y, enum elem t, int probs,
           int prop)
{
    for (; i0 < i1; i0 += SCAN_CHUNK) {
        const size_t m = i1 - i0 < SCAN_CHUNK ? i1 - i0 : SCAN_CHUNK;
        const int off = t == ELEM_F32
            ? scan_chunk_f32((const float *)x + i0, (const float *)y + i0, m, probs, prop)
            : t == ELEM_BF16
            ? scan_chunk_h16((const uint16_t *)x + i0, (const uint16_t *)y + i0, m, probs, prop,
                             0x3f80u, 0x7f80u)
            : t == ELEM_F16
            ? scan_chunk_h16((const uint16_t *)x + i0, (const uint16_t *)y + i0, m, probs, prop,
                             0x3c00u, 0x7c00u)
            : scan_chunk_f64((const double *)x + i0, (const double *)y + i0, m, probs, prop);
        if (off) return i0;
    }
    return i1;
}

/* The chunk scan split across threads (bce_options.threads): part j scans
 * its chunks and records the first one with an offender; the first part
 * that found one names the chunk (the same as one thread's). */
typedef struct scan_job {
    size_t n;
    const void *x, *y;
    enum elem t;
    int probs, prop;
    size_t first[BCE_THREADS_MAX];
} scan_job;

static void scan_part(void *ctx, unsigned part, size_t c0, size_t c1)
{
    scan_job *j = ctx;
    const size_t i1 = c1 * SCAN_CHUNK < j->n ? c1 * SCAN_CHUNK : j->n;
    j->first[part] = scan_range(c0 * SCAN_CHUNK, i1, j->x, j->y, j->t, j->probs, j->prop);
    if (j->first[part] == i1) j->first[part] = j->n;
}

/* (out of line: the job's array stays off the one-thread call's frame) */
static __attribute__((noinline)) size_t
scan_chunks_par(size_t n, const void *x, const void *y, enum elem t, int probs, int prop,
                unsigned parts)
{
    scan_job j = { n, x, y, t, probs, prop, { 0 } };
    bce_par_for((n + SCAN_CHUNK - 1) / SCAN_CHUNK, parts, scan_part, &j);
    for (unsigned p = 0; p < parts; p++)
        if (j.first[p] != n) return j.first[p];
    return n;
}

/* The index of the first chunk that holds an offender (n when none does):
 * scan_elements starts there. */
static size_t scan_chunks(size_t n, const void *x, const void *y, enum elem t,
                          int probs, int prop, unsigned parts)
{
    if (parts <= 1) return scan_range(0, n, x, y, t, probs, prop);
    return scan_chunks_par(n, x, y, t, probs, prop, parts);
}

/* The coefficient c of the loss bound's |z| term (scan_elements), relative
 * to P + 1: beta = 1 - y' <= 1 - y + a for z > 0, alpha / (P + 1) =
 * P y' / (P + 1) <= min(P, 1) (y + a) otherwise; at most 1. */
static inline double label_side(double z, double y, double a, double pmin1)
{
    const double c = z > 0.0 ? (1.0 - y) + a : pmin1 * (y + a);
    return c < 1.0 ? c : 1.0;
}

/* The checks of one element, in scan_elements' order (x, then y, then w):
 * BCE_OK or the error of its first offending value. */
static inline __attribute__((always_inline)) bce_status
elem_check(double xi, double yi, const void *w, double wi, enum form f, int prop)
{
    if (xi != xi) {
        if (!prop) return f == FORM_LOGITS ? BCE_E_NAN_LOGIT : BCE_E_NAN_PROB;
    } else if (f == FORM_PROBS && !(xi >= 0.0 && xi <= 1.0)) {
        return BCE_E_PROB_RANGE;
    }
    if (yi != yi) return BCE_E_NAN_LABEL;
    if (!(yi >= 0.0 && yi <= 1.0)) return BCE_E_LABEL_RANGE;
    if (w) {
        if (wi != wi) return BCE_E_NAN_WEIGHT;
        if (!(wi == 0.0 || (wi >= BCE_WEIGHT_MIN && wi <= BCE_WEIGHT_MAX)))
            return BCE_E_WEIGHT_RANGE;
    }
    return BCE_OK;
}

/* The sums of scan_elements for one accepted element, into one lane's
 * accumulators: the weights' double-double sum (s), the smallest positive
 * weight (wm), the bounds B (bnd) and G (gmx).
 * B: L = C |z| + N log1p(e^-|z|) <= (P + 1) (c |z| + 1), where
 * C = beta = 1 - y' (z > 0) or alpha = P y' (z <= 0) and c is
 * label_side's bound of C / (P + 1).  A
 * huge z on its label's side has a tiny loss and must not count as
 * huge: a bound beyond 2^1000 sends MEAN into the 2^-600 frame,
 * which drops terms below 2^-474.  An infinite z has an exact loss
 * (+inf, which makes the result inf anyway, or 0): it adds nothing. */
static inline __attribute__((always_inline)) void
elem_sums(double xi, double yi, const void *w, double wi, enum form f, double smooth,
          double pmin1, int bounds, bce_dd *s, double *wm, double *bnd, double *gmx)
{
    if (w) {
        *s = bce_dd_add_d(*s, wi);
        if (wi > 0.0 && wi < *wm) *wm = wi;
    }
    if (!bounds) return;
    const double Lb = f == FORM_PROBS ? 746.0
                    : xi - xi != 0.0 ? 0.0
                    : label_side(xi, yi, smooth, pmin1) * bce_fabs(xi) + 1.0;
    /* p = 0 or 1: an exact limit or a clamped (finite) gradient */
    const double Gb = f == FORM_LOGITS || !(xi > 0.0 && xi < 1.0) ? 2.0
                    : 2.0 / (xi < 0.5 ? xi : 1.0 - xi);
    if (w) {
        if (wi > 0.0) *bnd += wi * Lb;
        /* G: w = 0 is skipped (0 * Gb is NaN for a subnormal p, and a
         * NaN maximum would be overwritten by the next element) */
        if (wi > 0.0 && !(wi * Gb <= *gmx)) *gmx = wi * Gb;
    } else {
        *bnd += Lb;
        if (!(Gb <= *gmx)) *gmx = Gb;
    }
}

#if defined(__SSE2__)
/* scan_elements' lanes on SSE2 (the baseline of x86-64): 8 pairs per
 * step of BCE_SCAN_LANES (core/scan_lanes_tmpl.h) */
#define SL_V __m128d
#define SL_FN(name) sse2_##name
#define SL_SET1(d) _mm_set1_pd(d)
#define SL_ADD _mm_add_pd
#define SL_SUB _mm_sub_pd
#define SL_MUL _mm_mul_pd
#define SL_DIV _mm_div_pd
#define SL_AND _mm_and_pd
#define SL_ANDNOT _mm_andnot_pd
#define SL_OR _mm_or_pd
#define SL_GE _mm_cmpge_pd
#define SL_LE _mm_cmple_pd
#define SL_LT _mm_cmplt_pd
#define SL_GT _mm_cmpgt_pd
#define SL_EQ _mm_cmpeq_pd
#define SL_NEQ _mm_cmpneq_pd
#define SL_UNORD _mm_cmpunord_pd
#define SL_ORD _mm_cmpord_pd
#define SL_LOAD_F64(p) _mm_loadu_pd(p)
/* 2 floats: 8 bytes at any 4-byte alignment (memcpy: a double load of a
 * float array is a misaligned access, UBSan's error in the first version) */
static inline __m128d sse2_load2_f32(const float *p)
{
    double d;
    memcpy(&d, p, sizeof d);
    return _mm_cvtps_pd(_mm_castpd_ps(_mm_set_sd(d)));
}
#define SL_LOAD_F32(p) sse2_load2_f32(p)
#include "core/scan_lanes_tmpl.h"
#endif

#if BCE_HAVE_AVX2
/* The sums on AVX2 (4 vectors of 4 lanes per step) when the CPU has it and the active
 * ISA is neither scalar nor sse4.1: BCE_ISA=sse4.1 (or bce_set_isa) keeps
 * them on the SSE2 pairs, so that the tests that run every ISA
 * (tests/isa_bits.c, tests/test_isa.c) reach both instantiations of the
 * template; their lanes and so their sums are the same. */
static int scan_sums_wide(void)
{
    const char *a = bce_kernels_active()->name;
    return bce_cpu_avx2() && strcmp(a, "scalar") != 0 && strcmp(a, "sse4.1") != 0;
}
#endif

/* The validation of elements i0..n-1 (x, then y, then w: the first
 * offender is *bad), summing the weights and the bounds B and G (see
 * finish_prepare) into wsum.  Always inlined into scan_f64 and scan_f32,
 * so that the loads are specialised per type.
 *
 * The sums run on SCAN_LANES interleaved lanes (element i into lane
 * (i - i0) mod SCAN_LANES, the last (n - i0) mod SCAN_LANES elements into
 * lane 0), each lane in index order, the lanes combined at the end in lane
 * order (bce_dd_add, +, max, min): independent dependency chains instead
 * of one.  A double-double addition per weight is a ~16-cycle chain: with
 * one lane the scan of an f32 call with weights cost 6.4 ns per element,
 * 3.5x the kernel; SCAN_LANES = BCE_SCAN_LANES = 16 (core/isa.h) bring it
 * to ~1 cycle per weight.  f64 and f32 inputs: core/scan_lanes_tmpl.h on
 * AVX2 (4 vectors of 4 lanes per step, isa/x86_avx2/scan.c;
 * scan_sums_wide) or SSE2 (8 pairs per step); elsewhere, and for the
 * 16-bit types, the scalar statements lane by lane -- the same operations
 * per lane on every path.  Nothing leaves the loop early; when any element
 * is rejected, the index-order loop runs again from i0 and reports the
 * first one, as before.  The order is fixed by n and i0 alone (not the ISA, not the
 * threads).  What the order may change:
 *   - the weights' sum: exact whenever wsum_sure_exact holds (its proof
 *     covers any order of bce_dd_add_d and bce_dd_add on partial sums of
 *     the weights), so the same value; otherwise a WEIGHTED_MEAN replaces
 *     it by the exact sum (wsum_exact), and the other reductions use it
 *     only for finish_prepare's frame decision wsum.hi <= 2^900, which
 *     holds in any order (w <= 2^64, n < 2^64: sum w < 2^128);
 *   - B: another rounding of the same sum of bounds (at most n u relative,
 *     far inside the 2^24 between the frame threshold 2^1000 and
 *     overflow: still an upper bound), as with the blocks (scan_blocks);
 *   - G, wmn: a maximum and a minimum, the same values in any order.
 * The sum of w only: the sums of w 2^-600 and w 2^600 that the frames
 * need (wsum[1], wsum[2]) are this one scaled, exactly.  Every weight
 * is 0 or in [2^-64, 2^64] and the sum is built by additions only
 * (two_sum, fast_two_sum), so every intermediate is 0 or a multiple of
 * 2^-116 at least 2^-116 in magnitude and at most 2^129 (n < 2^64):
 * scaled by 2^-600 or 2^600 every one stays a normal number (>=
 * 2^-716, <= 2^729), and rounding to nearest commutes with a power-of-
 * two scaling in the normal range.  So scaling the sum is the same as
 * summing the scaled weights, which this loop did until 2026-12-07,
 * bit for bit (at one third of the double-double additions).
 * *wmn: the smallest positive weight (wsum_sure_exact). */
#define SCAN_LANES BCE_SCAN_LANES
static inline __attribute__((always_inline)) bce_status
scan_elements(size_t i0, size_t n, const void *x, const void *y, const void *w,
              enum elem t, enum form f, int prop, double smooth, double pmin1,
              size_t *bad, bce_dd *wsum, double *wmn)
{
    if (i0 == n) {
        /* nothing to scan (every call without weights or bounds whose
         * chunk check found no offender): the empty sums, without the
         * lanes (their set-up cost ~65 ns per call: bce-bench-ab at n = 1) */
        const bce_dd sw = bce_dd_make(w ? 0.0 : (double)n, 0.0);
        *wmn = HUGE_VAL;
        wsum[0] = sw;
        wsum[1] = bce_dd_make(sw.hi * 0x1p-600, 0.0);
        wsum[2] = bce_dd_make(sw.hi * 0x1p600, 0.0);
        wsum[3] = bce_dd_make(0.0, 0.0);
        return BCE_OK;
    }
    /* B and G only for f64 inputs (run_entry, need_bounds: those of the
     * narrower types never reach the frame thresholds; 0 here) */
    const int bounds = t == ELEM_F64;
    int rej = 0;
    bce_dd s[SCAN_LANES];
    double wm[SCAN_LANES], bnd[SCAN_LANES], gmx[SCAN_LANES];
    for (int k = 0; k < SCAN_LANES; k++) {
        s[k] = bce_dd_make(0.0, 0.0);
        wm[k] = HUGE_VAL;
        bnd[k] = 0.0;      /* >= sum w L / (P + 1) (loose)  */
        gmx[k] = 0.0;      /* >= max w |g| / (P + 1) (loose) */
    }
    const size_t nq = (n - i0) / SCAN_LANES * SCAN_LANES;
#if BCE_HAVE_AVX2
    if ((t == ELEM_F64 || t == ELEM_F32) && nq && scan_sums_wide()) {
        /* AVX2: 4 vectors of 4 lanes per step (isa/x86_avx2/scan.c, the same template) */
        double acc[5][BCE_SCAN_LANES];
        rej = bce_scan_sums_avx2(i0, nq, x, y, w, t == ELEM_F32, f == FORM_PROBS, prop, bounds,
                                 smooth, pmin1, acc);
        for (int k = 0; k < SCAN_LANES; k++) {
            s[k] = bce_dd_make(acc[0][k], acc[1][k]);
            wm[k] = acc[2][k];
            bnd[k] = acc[3][k];
            gmx[k] = acc[4][k];
        }
    } else
#endif
#if defined(__SSE2__)
    if ((t == ELEM_F64 || t == ELEM_F32) && nq) {
        /* SCAN_LANES / 2 pairs of lanes: pair q holds elements i + 2q,
         * i + 2q + 1 (f64 and f32; the 16-bit types take the scalar lanes
         * below) */
        enum { NP = SCAN_LANES / 2 };
        __m128d ok = _mm_castsi128_pd(_mm_set1_epi32(-1));
        __m128d sh[NP], sl[NP], wmv[NP], bd[NP], gm[NP];
        for (int q = 0; q < NP; q++) {
            sh[q] = sl[q] = bd[q] = gm[q] = _mm_setzero_pd();
            wmv[q] = _mm_set1_pd(HUGE_VAL);
        }
        for (size_t i = i0; i < i0 + nq; i += SCAN_LANES)
            for (int q = 0; q < NP; q++)
                sse2_scan_step(i + 2 * (size_t)q, x, y, w, t == ELEM_F32, f == FORM_PROBS, prop,
                               bounds, smooth, pmin1, &ok, &sh[q], &sl[q], &wmv[q], &bd[q], &gm[q]);
        rej = _mm_movemask_pd(ok) != 3;
        for (int q = 0; q < NP; q++) {
            double a[2], b[2];
            _mm_storeu_pd(a, sh[q]);
            _mm_storeu_pd(b, sl[q]);
            s[2 * q] = bce_dd_make(a[0], b[0]);
            s[2 * q + 1] = bce_dd_make(a[1], b[1]);
            _mm_storeu_pd(wm + 2 * q, wmv[q]);
            _mm_storeu_pd(bnd + 2 * q, bd[q]);
            _mm_storeu_pd(gmx + 2 * q, gm[q]);
        }
    } else
#endif
    for (size_t i = i0; i < i0 + nq; i += SCAN_LANES)
        for (int k = 0; k < SCAN_LANES; k++) {
            const double xi = load(x, i + k, t), yi = load(y, i + k, t);
            const double wi = w ? load(w, i + k, t) : 1.0;
            rej |= elem_check(xi, yi, w, wi, f, prop) != BCE_OK;
            elem_sums(xi, yi, w, wi, f, smooth, pmin1, bounds, &s[k], &wm[k], &bnd[k], &gmx[k]);
        }
    for (size_t i = i0 + nq; i < n; i++) {
        const double xi = load(x, i, t), yi = load(y, i, t);
        const double wi = w ? load(w, i, t) : 1.0;
        rej |= elem_check(xi, yi, w, wi, f, prop) != BCE_OK;
        elem_sums(xi, yi, w, wi, f, smooth, pmin1, bounds, &s[0], &wm[0], &bnd[0], &gmx[0]);
    }
    if (rej) {
        /* the first offender, in index order */
        for (size_t i = i0; i < n; i++) {
            const double xi = load(x, i, t), yi = load(y, i, t);
            const bce_status st = elem_check(xi, yi, w, w ? load(w, i, t) : 1.0, f, prop);
            if (st != BCE_OK) { *bad = i; return st; }
        }
    }
    /* the lanes in lane order; lanes 1 .. SCAN_LANES - 1 hold nothing
     * when nq = 0 (short calls, and every call without weights or bounds,
     * which arrive with i0 = n): adding their zeros would change no value
     * but cost ~200 ns per call (15 double-double additions and the rest;
     * bce-bench-ab at n = 100: 0.80x before this test) */
    for (int k = 1; nq && k < SCAN_LANES; k++) {
        s[0] = bce_dd_add(s[0], s[k]);
        if (wm[k] < wm[0]) wm[0] = wm[k];
        bnd[0] += bnd[k];
        if (!(gmx[k] <= gmx[0])) gmx[0] = gmx[k];
    }
    bce_dd sw = w ? s[0] : bce_dd_make((double)n, 0.0);
    *wmn = wm[0];
    wsum[0] = sw;
    wsum[1] = bce_dd_make(sw.hi * 0x1p-600, sw.lo * 0x1p-600);   /* exact (above) */
    wsum[2] = bce_dd_make(sw.hi * 0x1p600, sw.lo * 0x1p600);
    wsum[3] = bce_dd_make(bnd[0], gmx[0]);
    return BCE_OK;
}

/* The element loop with sums (weights, or the means' bounds) of f64 and
 * f32 calls of more than one block: each block of BCE_THREADS_BLOCK
 * elements (the kernel's blocks, run_blocks) is scanned from zero sums
 * (split across the threads: bce_options.threads), and the blocks' sums
 * are combined in block order after the join: the weights' double-double
 * sums by bce_dd_add, the loss bound B by a double addition, the gradient
 * bound G by max.  One thread does the same, so the sums -- and the frame
 * decisions finish_prepare takes on them -- never depend on the thread
 * count.  (Against the index-order sums of one loop, which this replaced:
 * the weights' sums are the same value whenever the double-double sums are
 * exact; when they may not be (wsum_sure_exact), run_entry replaces
 * them by the exact sum rounded to a double-double, wsum_exact, which
 * does not depend on any order either; and B
 * is another rounding of the same sum of bounds, an upper bound of the
 * loss sum by the same argument: B's rounding error, at most n u relative,
 * is far inside the 2^24 between the frame threshold 2^1000 and overflow.)
 * The first offender is the first of the first block holding one. */
typedef struct escan_res {
    bce_status st;
    size_t bad;
    bce_dd ws[4];
    double wmn;
} escan_res;

typedef struct escan_job {
    size_t n;
    const void *x, *y, *w;
    enum elem t;
    enum form f;
    int prop;
    double smooth, pmin1;
    escan_res *res;
} escan_job;

static void escan_block(const escan_job *j, size_t b, escan_res *r)
{
    const size_t i0 = b * BCE_THREADS_BLOCK;
    const size_t i1 = j->n - i0 < BCE_THREADS_BLOCK ? j->n : i0 + BCE_THREADS_BLOCK;
    r->st = j->t == ELEM_F32
          ? scan_elements(i0, i1, j->x, j->y, j->w, ELEM_F32, j->f, j->prop, j->smooth,
                          j->pmin1, &r->bad, r->ws, &r->wmn)
          : scan_elements(i0, i1, j->x, j->y, j->w, ELEM_F64, j->f, j->prop, j->smooth,
                          j->pmin1, &r->bad, r->ws, &r->wmn);
}

static void escan_part(void *ctx, unsigned part, size_t b0, size_t b1)
{
    (void)part;
    const escan_job *j = ctx;
    for (size_t b = b0; b < b1; b++) {
        escan_block(j, b, j->res + b);
        if (j->res[b].st != BCE_OK) return;
    }
}

static __attribute__((noinline)) bce_status
scan_blocks(size_t n, const void *x, const void *y, const void *w, enum elem t,
            enum form f, int prop, double smooth, double pmin1, unsigned parts,
            size_t *bad, bce_dd *wsum, double *wmn)
{
    const size_t nb = (n + BCE_THREADS_BLOCK - 1) / BCE_THREADS_BLOCK;
    escan_job j = { n, x, y, w, t, f, prop, smooth, pmin1, NULL };
    escan_res one;
    if (parts > 1 && !(j.res = malloc(nb * sizeof *j.res))) parts = 1;  /* the same sums */
    if (parts > 1) bce_par_for(nb, parts, escan_part, &j);
    for (size_t b = 0; b < nb; b++) {
        escan_res *r = j.res ? j.res + b : &one;
        if (!j.res) escan_block(&j, b, r);
        if (r->st != BCE_OK) {
            const bce_status st = r->st;
            *bad = r->bad;
            free(j.res);
            return st;
        }
        if (b == 0) {
            for (int q = 0; q < 4; q++) wsum[q] = r->ws[q];
            *wmn = r->wmn;
            continue;
        }
        if (r->wmn < *wmn) *wmn = r->wmn;
        for (int q = 0; q < 3; q++) wsum[q] = bce_dd_add(wsum[q], r->ws[q]);
        wsum[3].hi = wsum[3].hi + r->ws[3].hi;
        if (r->ws[3].lo > wsum[3].lo) wsum[3].lo = r->ws[3].lo;
    }
    free(j.res);
    if (!w) {   /* the count, as scan_elements gives it */
        wsum[0] = bce_dd_make((double)n, 0.0);
        wsum[1] = bce_dd_make((double)n * 0x1p-600, 0.0);
        wsum[2] = bce_dd_make((double)n * 0x1p600, 0.0);
    }
    return BCE_OK;
}

/* The scan of a call: the chunk checks first when neither the weights nor
 * the bounds are needed, then the element loop from the first chunk that
 * holds an offender (from 0 otherwise); with weights or bounds, f64 and
 * f32 calls of more than one block scan block by block (scan_blocks). */
static inline __attribute__((always_inline)) bce_status
scan(size_t n, const void *x, const void *y, const void *w, enum elem t,
     enum form f, unsigned flags, double smooth, double pmin1, int need_bounds,
     unsigned parts, size_t *bad, bce_dd *wsum, double *wmn)
{
    const int prop = (flags & BCE_OPT_PROPAGATE_NAN) != 0;
    *wmn = HUGE_VAL;
    if ((w || need_bounds) && (t == ELEM_F64 || t == ELEM_F32) && n > BCE_THREADS_BLOCK)
        return scan_blocks(n, x, y, w, t, f, prop, smooth, pmin1, parts, bad, wsum, wmn);
    const size_t i0 = !w && !need_bounds
                    ? scan_chunks(n, x, y, t, f == FORM_PROBS, prop, parts) : 0;
    return scan_elements(i0, n, x, y, w, t, f, prop, smooth, pmin1, bad, wsum, wmn);
}

static bce_status scan_f64(size_t n, const double *x, const double *y, const double *w,
                           enum form f, unsigned flags, double smooth, double pmin1,
                           int need_bounds, unsigned parts, size_t *bad, bce_dd *wsum, double *wmn)
{
    return scan(n, x, y, w, ELEM_F64, f, flags, smooth, pmin1, need_bounds, parts, bad, wsum, wmn);
}

static bce_status scan_f32(size_t n, const float *x, const float *y, const float *w,
                           enum form f, unsigned flags, double smooth, double pmin1,
                           int need_bounds, unsigned parts, size_t *bad, bce_dd *wsum, double *wmn)
{
    return scan(n, x, y, w, ELEM_F32, f, flags, smooth, pmin1, need_bounds, parts, bad, wsum, wmn);
}

static bce_status scan_bf16(size_t n, const uint16_t *x, const uint16_t *y, const uint16_t *w,
                            enum form f, unsigned flags, double smooth, double pmin1,
                            int need_bounds, unsigned parts, size_t *bad, bce_dd *wsum, double *wmn)
{
    return scan(n, x, y, w, ELEM_BF16, f, flags, smooth, pmin1, need_bounds, parts, bad, wsum, wmn);
}

static bce_status scan_f16(size_t n, const uint16_t *x, const uint16_t *y, const uint16_t *w,
                           enum form f, unsigned flags, double smooth, double pmin1,
                           int need_bounds, unsigned parts, size_t *bad, bce_dd *wsum, double *wmn)
{
    return scan(n, x, y, w, ELEM_F16, f, flags, smooth, pmin1, need_bounds, parts, bad, wsum, wmn);
}

/* Is the scan's double-double sum of the weights (wsum[0], built by
 * bce_dd_add_d in index order per block and bce_dd_add over the blocks)
 * their exact sum S?  Yes when S <= wmin 2^51, wmin the smallest positive
 * weight: every weight is a multiple of q = ulp(wmin) > wmin 2^-53, so
 * every partial sum P (<= S < 2^104 q) and every quantity the additions
 * form is a multiple of q, and the one rounded operation of bce_dd_add_d
 * (lo + the TwoSum's error: at most ulp(hi) <= 2^-52 P < 2^52 q) and the
 * two of bce_dd_add (s.lo + t.hi <= 1.5 ulp(s.hi) (1 + u) < 2^53 q; t.lo +
 * v.lo <= ulp(v.hi)) are multiples of q below 2^53 q: representable, so
 * exact; the fast_two_sums are exact (terms >= 0, |lo| <= ulp(hi)).  The
 * test S.hi <= wmin 2^50 covers S <= S.hi (1 + 2^-52).  Ordinary weights
 * pass it (weights in [1/2, 3/2): any n < 2^49); when it fails
 * (weights spanning more than ~2^50 relative to their sum), run_entry sums
 * exactly (wsum_exact).  No weight (wmin = inf, S = 0): exact. */
static inline int wsum_sure_exact(bce_dd s, double wmin)
{
    return s.hi <= wmin * 0x1p50;
}

/* The exact sum S of the weights, for a WEIGHTED_MEAN whose double-double
 * sum of the scan may not be exact (wsum_sure_exact).  Every
 * accepted weight is 0 or m 2^e in [2^-64, 2^64] (m < 2^53, e >= -116), so
 * S 2^116 is an integer below n 2^180 < 2^244: four 64-bit limbs, two's
 * complement (the remainders below are signed, |value| < 2^244).  The sum
 * is order-free (integer additions), so the threads and blocks do not
 * matter.  The weights are added as 32-bit digits into 64-bit counters
 * without carries (wsum_dig_add: up to three digits per weight, each
 * < 2^32, so 2^31 weights cannot overflow a counter; wsum_exact folds the
 * carries every 2^31 weights); wsum_fx_* then work on the limbs X (value
 * X 2^-116). */
__extension__ typedef unsigned __int128 wsum_u128;

/* X += sgn m 2^pos (m < 2^53, 0 <= pos <= 192: m 2^pos < 2^245) */
static void wsum_fx_addm(uint64_t *X, uint64_t m, int pos, int neg)
{
    uint64_t a[4] = { 0, 0, 0, 0 };
    const int li = pos >> 6, sh = pos & 63;
    const wsum_u128 v = (wsum_u128)m << sh;
    a[li] = (uint64_t)v;
    if (li + 1 < 4) a[li + 1] = (uint64_t)(v >> 64);
    if (neg) {   /* -a in two's complement */
        unsigned c = 1;
        for (int i = 0; i < 4; i++) {
            a[i] = ~a[i] + c;
            c = c && a[i] == 0;
        }
    }
    wsum_u128 c = 0;
    for (int i = 0; i < 4; i++) {
        c += (wsum_u128)X[i] + a[i];
        X[i] = (uint64_t)c;
        c >>= 64;
    }
}

/* X += d, d a multiple of 2^-116 below 2^244 in magnitude (weights, and
 * the roundings of S and its remainders: each a multiple of 2^-116 since
 * S is and >= 2^-64 when nonzero, so RN keeps the grid) */
static void wsum_fx_add(uint64_t *X, double d)
{
    if (d == 0.0) return;
    const uint64_t u = bce_asuint64(d);
    uint64_t m = (u & 0xfffffffffffffULL) | (1ULL << 52);   /* normal: >= 2^-116 */
    int pos = (int)((u >> 52) & 0x7ff) - 1075 + 116;
    const int tz = __builtin_ctzll(m);
    m >>= tz;
    pos += tz;
    wsum_fx_addm(X, m, pos, (u >> 63) != 0);
}

/* D += w (0 or in [2^-64, 2^64]): m 2^pos with pos = e + 116 in 0..128,
 * as the 32-bit digits of m 2^(pos mod 32) (< 2^85) at digit pos / 32 */
static inline __attribute__((always_inline)) void wsum_dig_add(uint64_t *D, double w)
{
    if (w == 0.0) return;
    const uint64_t u = bce_asuint64(w);
    const int pos = (int)(u >> 52) - 959;                     /* w >= 2^-64: normal */
    const uint64_t m = (u & 0xfffffffffffffULL) | (1ULL << 52);
    const wsum_u128 v = (wsum_u128)m << (pos & 31);
    uint64_t *d = D + (pos >> 5);                             /* pos >> 5 <= 4 */
    d[0] += (uint32_t)v;
    d[1] += (uint32_t)(v >> 32);
    d[2] += (uint64_t)(v >> 64);
}

/* X += the digits' value (carries propagated), D = 0 */
static void wsum_dig_fold(uint64_t *D, uint64_t *X)
{
    uint64_t a[4];
    wsum_u128 c = 0;
    for (int q = 0; q < 4; q++) {
        c += D[2 * q];
        const uint64_t lo = (uint64_t)c & 0xffffffffULL;
        c >>= 32;
        c += D[2 * q + 1];
        a[q] = lo | ((uint64_t)c << 32);
        c >>= 32;
        D[2 * q] = D[2 * q + 1] = 0;
    }
    wsum_u128 k = 0;                  /* (c == 0: S 2^116 < 2^256) */
    for (int q = 0; q < 4; q++) {
        k += (wsum_u128)X[q] + a[q];
        X[q] = (uint64_t)k;
        k >>= 64;
    }
}

/* X rounded to a double, to nearest-even (rz = 0) or towards zero */
static double wsum_fx_round(const uint64_t *X, int rz)
{
    uint64_t a[4];
    const int neg = (X[3] >> 63) != 0;
    unsigned c = 1;
    for (int i = 0; i < 4; i++) {
        a[i] = neg ? ~X[i] + c : X[i];
        if (neg) c = c && a[i] == 0;
    }
    int top = 3;
    while (top > 0 && a[top] == 0) top--;
    if (a[top] == 0) return 0.0;
    const int L = 64 * top + 63 - __builtin_clzll(a[top]);   /* leading bit */
    uint64_t m;
    int sh = L - 52;
    if (sh <= 0) {
        m = a[0];                                            /* < 2^53: exact */
        sh = 0;
    } else {
        /* bits sh .. L, then the guard bit sh - 1 and the sticky rest */
        const int li = sh >> 6, bs = sh & 63;
        m = a[li] >> bs;
        if (bs && li + 1 < 4) m |= a[li + 1] << (64 - bs);
        m &= (1ULL << 53) - 1;
        const int g = sh - 1;
        const int guard = (int)((a[g >> 6] >> (g & 63)) & 1);
        int sticky = (a[g >> 6] & ((1ULL << (g & 63)) - 1)) != 0;
        for (int i = 0; i < (g >> 6) && !sticky; i++) sticky = a[i] != 0;
        if (!rz && guard && (sticky || (m & 1))) {
            if (++m == (1ULL << 53)) { m >>= 1; sh++; }
        }
    }
    const double r = (double)m * bce_pow2i(sh - 116);        /* exact */
    return neg ? -r : r;
}

/* S from the weights; wsum[0..2] = S rounded to a double-double (gden: hi
 * = RN(S), lo = RN(S - hi), then normalised by fast_two_sum, |gden - S| <=
 * |lo| 2^-53 <= 2^-106 (1 + 2^-52) S), and 2^-600, 2^600 times it (exact:
 * its parts are >= 2^-116); rem[0..k-1] = S - gden exactly, in parts of
 * at most 53 bits from the top (truncated; k <= 3: S spans at most 244
 * bits, gden takes the top 106).  Returns k (0: S is a double-double, as
 * the scan's sum then was too, exactly). */
static __attribute__((noinline)) int
wsum_exact(size_t n, const void *w, enum elem t, bce_dd *wsum, double *rem)
{
    uint64_t X[4] = { 0, 0, 0, 0 };
    /* digit d: 2^(32 d); four sets, element i into set i mod 4, so that
     * consecutive weights do not wait on each other's counters */
    uint64_t D[4][8];
    memset(D, 0, sizeof D);
    for (size_t i0 = 0; i0 < n; i0 += (size_t)1 << 31) {
        const size_t i1 = n - i0 < ((size_t)1 << 31) ? n : i0 + ((size_t)1 << 31);
        switch (t) {   /* one loop per type (load() specialised) */
        case ELEM_F32: for (size_t i = i0; i < i1; i++) wsum_dig_add(D[i & 3], load(w, i, ELEM_F32)); break;
        case ELEM_BF16: for (size_t i = i0; i < i1; i++) wsum_dig_add(D[i & 3], load(w, i, ELEM_BF16)); break;
        case ELEM_F16: for (size_t i = i0; i < i1; i++) wsum_dig_add(D[i & 3], load(w, i, ELEM_F16)); break;
        default: for (size_t i = i0; i < i1; i++) wsum_dig_add(D[i & 3], load(w, i, ELEM_F64)); break;
        }
        for (int q = 0; q < 4; q++) wsum_dig_fold(D[q], X);
    }
    const double hi = wsum_fx_round(X, 0);
    wsum_fx_add(X, -hi);
    const double lo = wsum_fx_round(X, 0);
    wsum_fx_add(X, -lo);
    int k = 0;
    for (double c; k < 3 && (c = wsum_fx_round(X, 1)) != 0.0; k++) {
        rem[k] = c;
        wsum_fx_add(X, -c);
    }
    const bce_dd s = bce_fast_two_sum(hi, lo);
    wsum[0] = s;
    wsum[1] = bce_dd_make(s.hi * 0x1p-600, s.lo * 0x1p-600);
    wsum[2] = bce_dd_make(s.hi * 0x1p600, s.lo * 0x1p600);
    return k;
}

/* Common front end: returns BCE_OK and fills kp, or an error. */
static bce_status prepare(size_t n, const void *x, const void *y, size_t esize,
                          const bce_options *opt, enum form f, int want_loss,
                          int want_grad, bce_kparams *kp)
{
    if (n > 0 && (!x || !y)) return fail(opt, BCE_E_NULL_POINTER, BCE_NO_INDEX);
    if (n > SIZE_MAX / esize) return fail(opt, BCE_E_SIZE_OVERFLOW, BCE_NO_INDEX);
    bce_status st = bce_check_options(opt, f == FORM_LOGITS);
    if (st == BCE_OK && (opt->flags & BCE_OPT_FAST_ACCUM)) st = BCE_E_BAD_OPTION;
    if (st != BCE_OK) return fail(opt, st, BCE_NO_INDEX);
    if (opt->reduction == BCE_REDUCTION_MEAN && n == 0)
        return fail(opt, BCE_E_EMPTY_MEAN, BCE_NO_INDEX);

    bce_kparams_init(opt, want_loss, want_grad, kp);
    return BCE_OK;
}

/* The frames of a MEAN or WEIGHTED_MEAN, and the divisor of the reduction
 * (1, n or sum w: bce_reduce_norm, core/reduce.c).  wsum: the sums of w,
 * w 2^-600 and w 2^600, and the scan's bounds (B, G) with B >= sum w L /
 * (P + 1) (L <= (P + 1)(|z| + 1) from logits, <= 746 (P + 1) from p in
 * (0,1)) and G >= max w |g| / (P + 1) (|g| <= P + 1 from logits, 2 (P + 1)
 * / min(p, 1-p) from p).
 * Rules: w L, their sum and w g may overflow while the means do not.  So a
 * MEAN or WEIGHTED_MEAN whose weights sum beyond 2^900, or whose B (P + 1)
 * (the loss) or G (P + 1) (the gradient) exceeds 2^1000, works with w 2^E,
 * E = -600 (kp->lscale_e for the loss, kp->wscale_e for the gradient,
 * chosen separately: the 2^-600 frame loses the terms below 2^-474, so a
 * loss that cannot overflow keeps its tiny terms although its gradient
 * needs the frame); a WEIGHTED_MEAN whose sum of weights is below 2^-900
 * (1/sum w would overflow or lose its accuracy) works with w 2^600.  It
 * then divides by the sum of the scaled weights (wsum[1] or wsum[2]): those
 * differ from the scaled sum w 2^E only by the terms below 2^-1074 (w <
 * 2^-474 beside a sum > 2^900), negligible. */
static bce_status finish_prepare(size_t n, const bce_options *opt,
                                 const bce_dd *wsum, const double *wrem, int wrem_n,
                                 bce_kparams *kp, bce_dd *denom)
{
    bce_dd norm;
    bce_status st = bce_reduce_norm(opt->reduction, n, wsum[0], &norm);
    if (st != BCE_OK) return fail(opt, st, BCE_NO_INDEX);
    *denom = norm;
    bce_dd gden = norm;        /* the gradient's divisor */
    const int wbig = !(wsum[0].hi <= 0x1p900);
    const int lbig = wbig || !(wsum[3].hi * (kp->pos_weight + 1.0) <= 0x1p1000);
    const int gbig = wbig || !(wsum[3].lo * (kp->pos_weight + 1.0) <= 0x1p1000);
    if (opt->reduction == BCE_REDUCTION_MEAN) {
        if (lbig) kp->lscale_e = -600;
        if (gbig) kp->wscale_e = -600;
        kp->mean_e = 1;
    } else if (opt->reduction == BCE_REDUCTION_WEIGHTED_MEAN) {
        if (wsum[0].hi < 0x1p-900) {
            kp->wscale_e = kp->lscale_e = 600;
            *denom = gden = wsum[2];
        } else {
            if (lbig) { kp->lscale_e = -600; *denom = wsum[1]; }
            if (gbig) { kp->wscale_e = -600; gden = wsum[1]; }
        }
    }
    if (gden.hi != 1.0 || gden.lo != 0.0) {
        kp->has_gscale = 1;
        kp->gden = gden;
        kp->gscale = bce_dd_div(bce_dd_make(1.0, 0.0), gden);
    }
    if (opt->reduction == BCE_REDUCTION_WEIGHTED_MEAN && wrem_n > 0) {
        /* gden = S 2^E rounded (wsum_exact): the rest, in the same frame
         * (exact: each part >= 2^-116).  has_gscale: S 2^E is not 1. */
        kp->has_gscale = 1;
        kp->gden_xn = wrem_n;
        for (int k = 0; k < wrem_n; k++)
            kp->gden_x[k] = kp->wscale_e ? wrem[k] * bce_pow2i(kp->wscale_e) : wrem[k];
    }
    return BCE_OK;
}

/* The reduced loss: the accumulated sum divided by denom (bce_reduce_div),
 * in the frame the sum was taken in.  keep: return the MEAN's 2^-E frame
 * as a double-double (the 16-bit entry points round it once themselves)
 * instead of rounding it to double. */
static bce_dd reduced(const bce_acc *acc, bce_dd denom, const bce_kparams *kp, int keep)
{
    if (acc->nan) return bce_dd_make(__builtin_nan(""), 0.0);
    if (acc->inf) return bce_dd_make(__builtin_inf(), 0.0);
    if (acc->t.hi != 0.0) {
        /* tiny terms (a sum of values below 2^-900, times 2^600) */
        if (bce_fabs(acc->s.hi) < 0x1p-700 && !kp->lscale_e) {
            /* the whole sum is small: divide in the 2^600 frame, round once */
            bce_dd T = bce_dd_add(bce_dd_ldexp(acc->s, 600), acc->t);
            bce_dd q = bce_reduce_div(T, denom);
            return bce_dd_make(bce_round_scaled(q, 600), 0.0);
        }
        /* else the tiny part is below 2^-100 of the rest (n < 2^90) */
        bce_acc a2 = *acc;
        a2.s = bce_dd_add(acc->s, bce_dd_make(bce_round_scaled(acc->t, 600), 0.0));
        a2.t = bce_dd_make(0.0, 0.0);
        return reduced(&a2, denom, kp, keep);
    }
    if (acc->s.hi == 0.0) return acc->s;
    bce_dd q = bce_reduce_div(acc->s, denom);
    if (kp->mean_e && kp->lscale_e) { /* the sum was of w L 2^E: q 2^-E, rounded once */
        if (keep) {
            const bce_dd u = bce_dd_ldexp(q, -kp->lscale_e);   /* exact unless it overflows */
            return u.hi - u.hi != 0.0 ? bce_dd_make(u.hi, 0.0) : u;
        }
        q = bce_dd_make(bce_round_scaled(q, kp->lscale_e), 0.0);
    }
    return q;
}

/* The reduced loss of a call whose kernels summed level-0 terms
 * (kp->l0red, acc->l0n > 0): *out gets the bits reduced() would give on
 * the level-1 sum of the same call, when the sum's error bounds prove them;
 * returns 0 (rare) when they do not, or when the accumulator took anything
 * but finite terms of the plain frame (inf, NaN, tiny terms: the caller
 * then recomputes the loss on the current path).  (docs/ACCURACY.md,
 * "Reductions and weights on level 0", proves the rule.)
 *   S = s0 + s (bce_dd_add) is within E = e0 (1 + (n + 1024) 2^-50) +
 *   (n + 1024) 2^-100 S of the level-1 dd sum Sc the other kernels build:
 *   e0 bounds the terms (each level-0 term within its bound of the current
 *   path's term; the factor: e0's own recursive sum of <= 1.01 n + 1024
 *   doubles),
 *   the rest the double-double additions of both sums (<= 3u^2 / (1 - 4u)
 *   of a partial sum <= S each, at most n + 2 n / 16384 + 64 of them per
 *   sum, all terms >= 0).  reduced() returns RN(q) with q =
 *   bce_reduce_div(Sc, denom) (normalised: its hi is RN(hi + lo), ties
 *   aside), |q - Sc/d| <= 15u^2 |q| (bce_dd_div: 12.5u^2 |Sc/d|
 *   machine-checked in proofs/gappa/dd_div.g for Sc, Sc/d >= 2^-964).  So q lies within R = E/d + |Q| 2^-98
 *   of Q = bce_reduce_div(S, denom); when every value within R of Q rounds
 *   to one double (bce_f64_cr's test, no midpoint inside) or one float
 *   (bce_f32_safe), that is reduced()'s result. */
static int reduced_l0(const bce_acc *acc, bce_dd denom, const bce_kparams *kp, size_t n,
                      enum elem t, void *out)
{
    if (acc->nan || acc->inf) {
        /* a NaN or infinite term (never a level-0 one: those are finite,
         * and so are their level-1 values; a finite sum of n < 2^40 plain
         * terms, each < 2^75 with its weight, cannot overflow): the flags
         * are the current path's, and so is reduced()'s result */
        const bce_dd r = reduced(acc, denom, kp, 0);
        if (t == ELEM_F32) *(float *)out = bce_dd_to_float(r);
        else *(double *)out = r.hi;
        return 1;
    }
    if (acc->t.hi != 0.0) return 0;
    const bce_dd S = bce_dd_add(acc->s0, acc->s);
    const double Sup = S.hi + bce_fabs(S.lo);
    if (!(Sup >= 0x1p-800 && Sup <= 0x1p1000)) return 0;   /* also NaN, inf */
    const double E = acc->e0 * (1 + ((double)n + 1024.0) * 0x1p-50)
                   + ((double)n + 1024.0) * 0x1p-100 * Sup;
    if (!(E <= Sup * 0x1p-40)) return 0;
    const bce_dd Q = bce_reduce_div(S, denom);
    bce_res r = { Q, 0, E / denom.hi * (1 + 0x1p-50) + bce_fabs(Q.hi) * 0x1p-98, 0 };
    if (t == ELEM_F32) {
        if (!bce_f32_safe(&r)) return 0;
        *(float *)out = bce_dd_to_float(Q);
    } else {
        if (!bce_f64_cr(&r)) return 0;
        *(double *)out = Q.hi + Q.lo;
    }
    return 1;
}

/* The kernel of table kt for (type, form), through its typed field. */
static void run_kernel(const bce_kernels *kt, size_t n, const void *x, const void *y,
                       const void *w, enum elem t, enum form f, const bce_kparams *kp,
                       void *loss, void *grad, bce_acc *acc)
{
    if (t == ELEM_F32)
        (f == FORM_LOGITS ? kt->logits_f32 : kt->probs_f32)(n, x, y, w, kp, loss, grad, acc);
    else
        (f == FORM_LOGITS ? kt->logits_f64 : kt->probs_f64)(n, x, y, w, kp, loss, grad, acc);
}

/* The kernel over blocks of BCE_THREADS_BLOCK samples (bce_options.threads):
 * block b is samples [b B, b B + B), run as its own kernel call with its
 * own accumulator accs[b] (a reduction: its terms in index order); the
 * block sums are then added in block order (merge_acc).  One thread does
 * the same, so the bits do not depend on the thread count.  A call of at
 * most one block is the one kernel call it always was. */
typedef struct kern_job {
    const bce_kernels *kt;
    size_t n;
    const void *x, *y, *w;
    enum elem t;
    enum form f;
    const bce_kparams *kp;
    void *loss, *grad;       /* loss: NULL for the reductions */
    bce_acc acc0, *accs;
} kern_job;

static void kern_block(const kern_job *j, size_t b, bce_acc *acc)
{
    const size_t es = j->t == ELEM_F32 ? sizeof(float) : sizeof(double);
    const size_t i0 = b * BCE_THREADS_BLOCK;
    const size_t m = j->n - i0 < BCE_THREADS_BLOCK ? j->n - i0 : BCE_THREADS_BLOCK;
    const char *x = j->x, *y = j->y, *w = j->w;
    char *loss = j->loss, *grad = j->grad;
    *acc = j->acc0;
    run_kernel(j->kt, m, x + i0 * es, y + i0 * es, w ? w + i0 * es : NULL, j->t, j->f,
               j->kp, loss ? loss + i0 * es : NULL, grad ? grad + i0 * es : NULL, acc);
}

static void kern_part(void *ctx, unsigned part, size_t b0, size_t b1)
{
    (void)part;
    const kern_job *j = ctx;
    bce_acc scratch;   /* no reduction: the accumulator is not used */
    for (size_t b = b0; b < b1; b++) kern_block(j, b, j->accs ? &j->accs[b] : &scratch);
}

/* acc += a block's accumulator (terms >= 0: an overflow is +inf) */
static void merge_acc(bce_acc *acc, const bce_acc *b)
{
    acc->nan |= b->nan;
    acc->inf |= b->inf;
    acc->sticky |= b->sticky;
    acc->s = bce_dd_add(acc->s, b->s);
    acc->t = bce_dd_add(acc->t, b->t);
    acc->s0 = bce_dd_add(acc->s0, b->s0);
    acc->e0 += b->e0;
    acc->l0n += b->l0n;
    if (acc->s.hi - acc->s.hi != 0.0) acc->inf = 1;
}

static __attribute__((noinline)) void
run_blocks(const bce_kernels *kt, size_t n, const void *x, const void *y, const void *w,
           enum elem t, enum form f, const bce_kparams *kp, void *loss, void *grad,
           bce_acc *acc, unsigned parts)
{
    const size_t nb = (n + BCE_THREADS_BLOCK - 1) / BCE_THREADS_BLOCK;
    if (nb <= 1) {
        run_kernel(kt, n, x, y, w, t, f, kp, loss, grad, acc);
        return;
    }
    kern_job j = { kt, n, x, y, w, t, f, kp, loss, grad, *acc, NULL };
    bce_acc one;
    if (parts > 1 && kp->reduce) {
        j.accs = malloc(nb * sizeof *j.accs);
        if (!j.accs) parts = 1;   /* the same bits, one thread */
    }
    if (parts <= 1) {
        for (size_t b = 0; b < nb; b++) {
            kern_block(&j, b, &one);
            merge_acc(acc, &one);
        }
        return;
    }
    bce_par_for(nb, parts, kern_part, &j);
    if (j.accs) {
        for (size_t b = 0; b < nb; b++) merge_acc(acc, &j.accs[b]);
        free(j.accs);
    }
}

/* The work of every entry point, for element type t and form f: the front
 * end (prepare), the scan (first offender wins; nothing is written on
 * error), the frames and divisor (finish_prepare), the kernel, and the
 * reduced loss rounded once to the type. */
static bce_status run_entry(size_t n, const void *x, const void *y, const void *w,
                            const bce_options *opt, void *loss, void *grad,
                            enum elem t, enum form f, int out16)
{
    static const bce_options defaults;
    const bce_options *o = opt ? opt : &defaults;
    const int h16 = t == ELEM_BF16 || t == ELEM_F16;
    const size_t esize = t == ELEM_F32 ? sizeof(float) : h16 ? sizeof(uint16_t) : sizeof(double);
    bce_kparams kp;
    bce_status st = prepare(n, x, y, esize, o, f, loss != NULL, grad != NULL, &kp);
    if (st != BCE_OK) return st;
    /* (the 16-bit inputs' kernels, core/lowp.c, run on the calling thread) */
    const unsigned parts = h16 ? 1 : bce_par_parts(n, o->threads);
    size_t bad = BCE_NO_INDEX;
    bce_dd wsum[4];
    double wmn = HUGE_VAL;        /* the smallest positive weight */
    /* The bounds B and G of the loss and gradient terms (scan_elements,
     * finish_prepare's frames) for the means of f64 inputs only.  Those of
     * f32, bf16 and f16 inputs cannot reach the thresholds: |z| <= FLT_MAX
     * < 2^128 gives L/(P + 1) <= |z| + 1 < 2^129 per term (probabilities:
     * 746), |g|/(P + 1) <= 2/min(p, 1 - p) <= 2^150 (p >= 2^-149), so with
     * w <= 2^64 and n < 2^64, B and G < 2^257 and B (P + 1), G (P + 1) <
     * 2^322 (P <= 2^64), far below 2^1000; and sum w < 2^128 < 2^900.  So
     * finish_prepare takes the same decisions with B = G = 0, which the scan
     * leaves for them, and a MEAN of f32 without weights keeps the chunk
     * scan (SSE2/AVX2) instead of the element loop (4.1 -> 2.1 ns per
     * element, logits, n = 4096, avx512 row). */
    const int need_bounds = t == ELEM_F64 && (o->reduction == BCE_REDUCTION_MEAN ||
                                              o->reduction == BCE_REDUCTION_WEIGHTED_MEAN);
    /* min(P, 1) for the loss bound (P = 1 without BCE_OPT_POS_WEIGHT) */
    const double pmin1 = kp.pos_weight < 1.0 ? kp.pos_weight : 1.0;
    st = t == ELEM_F32
        ? scan_f32(n, x, y, w, f, o->flags, o->label_smoothing, pmin1, need_bounds, parts, &bad, wsum, &wmn)
        : t == ELEM_BF16
        ? scan_bf16(n, x, y, w, f, o->flags, o->label_smoothing, pmin1, need_bounds, parts, &bad, wsum, &wmn)
        : t == ELEM_F16
        ? scan_f16(n, x, y, w, f, o->flags, o->label_smoothing, pmin1, need_bounds, parts, &bad, wsum, &wmn)
        : scan_f64(n, x, y, w, f, o->flags, o->label_smoothing, pmin1, need_bounds, parts, &bad, wsum, &wmn);
    if (st != BCE_OK) return fail(o, st, bad);
    bce_dd denom;
    /* a WEIGHTED_MEAN whose sum was not built exactly: the exact sum, its
     * double-double rounding as the divisor (core/api.c, wsum_exact) */
    double wrem[3];
    int wrem_n = 0;
    if (w && o->reduction == BCE_REDUCTION_WEIGHTED_MEAN && n > 0 &&
        !wsum_sure_exact(wsum[0], wmn))
        wrem_n = wsum_exact(n, w, t, wsum, wrem);
    st = finish_prepare(n, o, wsum, wrem, wrem_n, &kp, &denom);
    if (st != BCE_OK) return st;
    bce_acc acc = { { 0.0, 0.0 }, 0, 0, { 0.0, 0.0 }, kp.lscale_e == 0, 0,
                    { 0.0, 0.0 }, 0.0, 0 };
    /* weights, reductions and the gradient factor without frames (n <
     * 2^40: reduced_l0's bounds): level 0 may take them (simd/loop_tmpl.h; the 16-bit inputs' kernels
     * keep the current path) */
    kp.l0red = !h16 && !kp.wscale_e && !kp.lscale_e && (kp.reduce || kp.has_gscale || w)
               && n < ((size_t)1 << 40);
    /* gden is not the exact sum of the weights (rare: it needs more than
     * 106 bits): the level-1 path, whose tests include the divisor's
     * error (bce_res_gden_err); level 0's do not */
    if (kp.gden_xn) kp.l0red = 0;
    /* a reduced loss with a gradient written over an input (grad == x,
     * y or w: include/bce.h allows it) could not be recomputed after the
     * kernel (reduced_l0 undecided): the current path, one pass */
    if (kp.l0red && loss && kp.reduce && grad &&
        ((const void *)grad == x || (const void *)grad == y || (const void *)grad == w))
        kp.l0red = 0;
    if (h16) {
        /* 16-bit inputs: core/lowp.c (float or 16-bit outputs) */
        const int fmt = t == ELEM_BF16 ? BCE_FMT_BF16 : BCE_FMT_F16;
        if (n > 0 && (loss || grad))
            bce_lowp_run(n, x, y, w, fmt, f == FORM_LOGITS, &kp,
                         out16 ? NULL : (kp.reduce ? NULL : loss), out16 ? NULL : grad,
                         out16 ? (kp.reduce ? NULL : loss) : NULL, out16 ? grad : NULL, &acc);
        if (loss && kp.reduce) {
            bce_dd r = reduced(&acc, denom, &kp, 1);
            /* an exact midpoint of the sum (n = 1, z = -1016, y = 3/4 in
             * bf16: 762 + e^-1016) is broken by the dropped positive parts */
            if (acc.sticky) r = bce_dd_sticky(r, 1);
            if (out16) *(uint16_t *)loss = bce_h16_bits(bce_h16_round_dd(r, fmt), fmt);
            else *(float *)loss = bce_dd_to_float(r);
        }
        return BCE_OK;
    }
    if (n > 0 && (loss || grad))
        run_blocks(bce_kernels_active(), n, x, y, w, t, f, &kp, kp.reduce ? NULL : loss,
                   grad, &acc, parts);
    if (loss && kp.reduce) {
        if (acc.l0n) {
            if (reduced_l0(&acc, denom, &kp, n, t, loss)) return BCE_OK;
            /* undecided (rare): the loss again on the current path */
            bce_kparams kp1 = kp;
            kp1.l0red = 0;
            kp1.want_grad = 0;
            bce_acc acc1 = { { 0.0, 0.0 }, 0, 0, { 0.0, 0.0 }, kp.lscale_e == 0, 0,
                             { 0.0, 0.0 }, 0.0, 0 };
            run_blocks(bce_kernels_active(), n, x, y, w, t, f, &kp1, NULL, NULL, &acc1, parts);
            acc = acc1;
        }
        const bce_dd r = reduced(&acc, denom, &kp, 0);
        if (t == ELEM_F32) *(float *)loss = bce_dd_to_float(r);
        else *(double *)loss = r.hi;
    }
    return BCE_OK;
}

bce_status bce_logits_f64(size_t n, const double *x, const double *y, const double *w,
                          const bce_options *opt, double *loss, double *grad)
{
    return run_entry(n, x, y, w, opt, loss, grad, ELEM_F64, FORM_LOGITS, 0);
}

bce_status bce_probs_f64(size_t n, const double *x, const double *y, const double *w,
                         const bce_options *opt, double *loss, double *grad)
{
    return run_entry(n, x, y, w, opt, loss, grad, ELEM_F64, FORM_PROBS, 0);
}

bce_status bce_logits_f32(size_t n, const float *x, const float *y, const float *w,
                          const bce_options *opt, float *loss, float *grad)
{
    return run_entry(n, x, y, w, opt, loss, grad, ELEM_F32, FORM_LOGITS, 0);
}

bce_status bce_probs_f32(size_t n, const float *x, const float *y, const float *w,
                         const bce_options *opt, float *loss, float *grad)
{
    return run_entry(n, x, y, w, opt, loss, grad, ELEM_F32, FORM_PROBS, 0);
}

/* 16-bit inputs (core/lowp.c): float outputs, or outputs in the input's type. */
#define LOWP_ENTRY(form, type, FORM, ELEM)                                          \
bce_status bce_##form##_##type(size_t n, const uint16_t *x, const uint16_t *y,       \
                               const uint16_t *w, const bce_options *opt,          \
                               float *loss, float *grad)                           \
{                                                                                   \
    return run_entry(n, x, y, w, opt, loss, grad, ELEM, FORM, 0);                   \
}                                                                                   \
bce_status bce_##form##_##type##_##type(size_t n, const uint16_t *x,                 \
                                        const uint16_t *y, const uint16_t *w,         \
                                        const bce_options *opt, uint16_t *loss,       \
                                        uint16_t *grad)                               \
{                                                                                   \
    return run_entry(n, x, y, w, opt, loss, grad, ELEM, FORM, 1);                   \
}
LOWP_ENTRY(logits, bf16, FORM_LOGITS, ELEM_BF16)
LOWP_ENTRY(logits, f16, FORM_LOGITS, ELEM_F16)
LOWP_ENTRY(probs, bf16, FORM_PROBS, ELEM_BF16)
LOWP_ENTRY(probs, f16, FORM_PROBS, ELEM_F16)
