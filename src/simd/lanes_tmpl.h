/*
 * simd/lanes_tmpl.h -- makes a SIMD lane type a level-1 lane type: the
 * double-double operations (core/dd_tmpl.h), the elementary functions
 * (level1/elem_tmpl.h), the lane-wise rounding tests and the EL_* macros
 * the forms' templates (level1/logits_hot_tmpl.h and the others) need, written with GCC
 * vector extensions.  A kernel unit then includes the forms' templates it
 * uses.  The ISA header (isa/<isa>/vec_<isa>.h) defines first:
 *   VW             lanes
 *   VD, VI, VU     vectors of VW double / int64 / uint64
 *   VDD            struct { VD hi, lo; }
 *   VFN(name), VEL(name)  names of the core/dd_tmpl.h / elem functions
 *   VALL(m)        are all lanes of mask m set?
 *   VLOOKUP(tab, idx, col), VLOOKUP1(tab, idx)  per-lane table loads, written
 *                  out lane by lane (a loop over lanes compiles to slower code)
 *   VDD_FMA(a,b,c) optional: the ISA's fused multiply-add
 * Table lookups are one scalar load per lane (no gathers).
 */
#if !defined(VW) || !defined(VD) || !defined(VI) || !defined(VU) || \
    !defined(VDD) || !defined(VFN) || !defined(VEL) || !defined(VALL) || \
    !defined(VLOOKUP) || !defined(VLOOKUP1)
#error "simd/lanes_tmpl.h: define VW, VD, VI, VU, VDD, VFN, VEL, VALL, VLOOKUP, VLOOKUP1 before including it (contract above)"
#endif

static inline VDD VFN(make)(VD h, VD l) { VDD r; r.hi = h; r.lo = l; return r; }
static inline VD VFN(splat)(double c) { VD z = { 0 }; return z + c; }
#define VSPLAT(c) VFN(splat)(c)

#define DD_V VD
#define DD_T VDD
#define DD_MAKE(h, l) VFN(make)((h), (l))
#define DD_FN(name) VFN(name)
#ifdef VDD_FMA
#define DD_FMA(a, b, c) VDD_FMA((a), (b), (c))
#endif
#include "core/dd_tmpl.h"
#undef DD_V
#undef DD_T
#undef DD_MAKE
#undef DD_FN
#undef DD_FMA

/* Round-to-odd of hi + lo, lane-wise: bce_dd_round_odd's value for every
 * lane with hi finite and (hi != 0 or lo == 0) -- the caller checks that
 * with VFN(ro_ok) and otherwise takes the scalar code. */
static inline VD VFN(round_odd)(VDD a)
{
    VI u = (VI)a.hi;
    VI need = (a.lo != 0.0) & ((u & 1) == 0);
    VI same = ~((a.lo > 0.0) ^ (a.hi > 0.0));        /* lo on hi's side */
    VI step = (same & 1) | (~same & -1);
    return (VD)(u + (need & step));
}

static inline VI VFN(ro_ok)(VDD a)
{
    VI fin = (VI)(a.hi - a.hi) == 0;                 /* finite (not inf/NaN) */
    return fin & ((a.hi != 0.0) | (a.lo == 0.0));
}

/* bce_f64_cr lane-wise for scale 0 (core/internal.h): the same statements */
static inline VI VFN(f64_cr)(VDD v, VD err)
{
    VD alo = (VD)((VI)v.lo & 0x7fffffffffffffffLL);
    VD e = err * (1 + 0x1p-50) + alo * 0x1p-52;
    VI exact = (err == 0.0) & (v.lo == 0.0);
    VI nonfinite = (VI)(v.hi - v.hi) != 0;
    return exact | nonfinite | ((v.hi + (v.lo - e)) == (v.hi + (v.lo + e)));
}

/* bce_f32_safe lane-wise: do hi + lo - e and hi + lo + e round to the same
 * float (e = err (1 + 2^-40))?  err == 0 is safe.  Lanes failing ro_ok
 * report "unsafe", so the caller falls back to the scalar code. */
static inline VI VFN(f32_safe)(VDD v, VD err)
{
    VD e = err * (1 + 0x1p-40);
    VDD a = VFN(two_sum)(v.hi, v.lo - e);
    VDD b = VFN(two_sum)(v.hi, v.lo + e);
    VD ra = VFN(round_odd)(a), rb = VFN(round_odd)(b);
    typedef float vfs __attribute__((vector_size(sizeof(VD) / 2)));
    vfs fa = __builtin_convertvector(ra, vfs), fb = __builtin_convertvector(rb, vfs);
    VI eq = __builtin_convertvector(fa == fb, VI);
    return (eq | (err == 0.0)) & VFN(ro_ok)(a) & VFN(ro_ok)(b) & VFN(ro_ok)(v);
}

#define EL_V VD
#define EL_I VI
#define EL_DD VDD
#define EL_DDFN(name) VFN(name)
#define EL_FN(name) VEL(name)
#define EL_ASI(v) ((VI)(v))
#define EL_ASD(i) ((VD)(i))
/* int64 -> double without AVX-512: for |i| < 2^51, the double with bits
 * bits(1.5 2^52) + i is 1.5 2^52 + i exactly; subtracting 1.5 2^52 is exact. */
#define EL_I2D(i) (((VD)((i) + (int64_t)0x4338000000000000)) - 0x1.8p52)
/* Shifts: logical shifts are native; the arithmetic ones needed here act on
 * values of known range (a 12-bit field, or |k| < 2^30), so sign extension
 * by xor/subtract, or an offset, gives the arithmetic result. */
#define EL_SRL(i, n) ((VI)(((VU)(i)) >> (n)))
#define EL_SRA(i, n) ((n) == 52 ? ((EL_SRL((i), 52) ^ 0x800) - 0x800) \
                               : (EL_SRL((i) + ((int64_t)1 << 40), (n)) - ((int64_t)1 << (40 - (n)))))
#define EL_LOOKUP(tab, idx, col) VLOOKUP((tab), (idx), (col))
#define EL_LOOKUP1(tab, idx) VLOOKUP1((tab), (idx))
#define EL_SPLAT(c) VSPLAT(c)
#define EL_M VI
#define EL_SEL(m, a, b) ((VD)(((m) & (VI)(a)) | (~(m) & (VI)(b))))
#define EL_ABS(x) ((VD)((VI)(x) & 0x7fffffffffffffffLL))
#include "level1/elem_tmpl.h"
#ifdef VDD_FMA
/* level 0, the double-only level, needs a hardware FMA: its templates
 * (level0/) are included by the kernel units that use them */
#define EL_FMA(a, b, c) VDD_FMA((a), (b), (c))
#ifdef VLOOKUP2
#define EL_LOOKUP2(tab, idx, c0, c1) VLOOKUP2((tab), (idx), (c0), (c1))
#endif

/* f64 rounding test of a level-0 result v = hi + lo (any |lo|) whose exact
 * value and the dd path's value both lie within err of hi + lo: do all
 * values in [hi + lo - err, hi + lo + err] round to one double?  With
 * e = err (1 + 2^-50) + |lo| 2^-52, RN(lo -+ e) moves at least err, and RN
 * is monotonic: RN(hi + RN(lo - e)) == RN(hi + RN(lo + e)) proves it.
 * That double is then RN(hi + lo) = hi + lo. */
static inline VI VFN(f64_safe)(VDD v, VD err)
{
    VD e = EL_FMA(err, VSPLAT(1 + 0x1p-50), EL_ABS(v.lo) * 0x1p-52);   /* one rounding fewer */
    return (v.hi + (v.lo - e)) == (v.hi + (v.lo + e));
}
/* the same, also giving that double, *r = RN(hi + RN(lo + e)) (where the
 * test passes, RN(hi + lo) lies between the two ends: it is *r) */
static inline VI VFN(f64_safe_r)(VDD v, VD err, VD *r)
{
    VD e = EL_FMA(err, VSPLAT(1 + 0x1p-50), EL_ABS(v.lo) * 0x1p-52);
    VD up = v.hi + (v.lo + e);
    *r = up;
    return (v.hi + (v.lo - e)) == up;
}
#endif
