/*
 * simd/loop_tmpl.h -- the SIMD kernel loop, for either form and f64 or f32 (FT),
 * for any vector width: defines PFX(loop), which the kernel unit's exported
 * kernel calls.  The includer has included simd/lanes_tmpl.h (through its
 * ISA header), level1/sample_tmpl.h (PFX, FT, the per-sample code) and the
 * form's simd/form_*.h, and defines LOADV(p), and for f64 STOREV(p, v), for
 * f32 STOREVF(p, v) (v rounded to float).  The form defines:
 *   VUSABLE(kp)        may this call take the vector path at all?
 *   VHOT(x, y)         lane mask: the lanes the vector path computes
 *   VEVAL(x, y, kp, Lv, Lerr, Gv, Gerr)  the level-1 evaluation on them (a
 *                      level1/..._hot_tmpl.h function: the scalar kernel's
 *                      statements)
 *   VLEVEL0            optionally (ISAs with an FMA whose kernel unit asks
 *                      for it with WITH_LEVEL0): level 0, the double-only
 *                      level (level0/logits_tmpl.h, level0/probs_tmpl.h)
 * Optionally (the AVX2 f32 kernels) VF32V_A: the float outputs' level 0,
 * whose loop PFX(f32v_run) the kernel unit defines after this file
 * (isa/x86_avx2/loop_f32.h).  Optionally (the AVX2 and AVX-512 f64
 * kernels: the kernel unit defines WITH_LEVEL0_STAGED, the form VL0_S1 ...)
 * level 0 first runs in stages over blocks of groups
 * (simd/loop0_staged_tmpl.h, PFX(l0_run)); the kp->l0red calls (weights,
 * reductions, gscale) too, from a second unit of the kernel (the kernel
 * unit again with BCE_L0RED_UNIT defined: PFX(loop_red) at the end of this
 * file), which hands the samples after its blocks to this unit's kernel.
 * Two groups of VW lanes at a time.  Calls without weights, reduction or
 * gradient factor, and those with them that kp->l0red admits (no frames:
 * core/api.c), first try level 0 on every group: a group whose
 * lanes are all hot and pass its rounding tests (results provably those of
 * the dd path and its finishing code: with a weight or gscale, PFX(l0_scale)
 * widens each interval by the finishing code's products) is stored on the
 * vectors, and a reduced loss's level-0 terms go into acc->s0 with their
 * bounds (core/api.c's reduced_l0 decides the sum, or recomputes it on the
 * current path).  Otherwise,
 * and for the other calls, the dd level 1 runs on the hot lanes (the scalar
 * kernel's statements) and each lane is finished by the scalar kernel's
 * finishing code (weight, reduction factor, rounding test, slow path,
 * rounding, accumulation in index order); a lane that is not hot (special
 * or cold) goes through the scalar per-sample code.  The n mod (NG VW)
 * samples left after the full steps go through one more step on a padded
 * local copy (PFX(tail)), or, in the AVX2 f64 kernels' staged path, as
 * padded groups of the first block (PFX(l0_first)).  So results and
 * reductions are bit-identical to
 * the scalar kernel's.
 */
#ifndef VEVAL_USABLE
#define VEVAL_USABLE(kp) 1        /* may the lanes level 0 leaves take VEVAL?
                                     (else: the scalar per-sample code) */
#endif
#ifndef VF32V_USABLE
#define VF32V_USABLE(kp) 1        /* may this call take PFX(f32v_run)? */
#endif
#if !defined(PFX) || !defined(FT) || !defined(VW) || !defined(LOADV) || \
    !defined(VUSABLE) || !defined(VHOT) || !defined(VEVAL) || \
    (!defined(STOREV) && !defined(STOREVF))
#error "simd/loop_tmpl.h: include an ISA header, level1/sample_tmpl.h and a simd/form_*.h, and define LOADV and STOREV or STOREVF, before including it (contract above)"
#endif
#if defined(BCE_LEVEL0_STATS) && !defined(BCE_LEVEL0_STATS_DEFINED)
#define BCE_LEVEL0_STATS_DEFINED
#include <stdio.h>
/* development counters: level-0 groups that fell back / passed */
__attribute__((weak)) long bce_level0_stats[2];
__attribute__((destructor)) static void bce_level0_stats_print(void)
{
    if (bce_level0_stats[0] + bce_level0_stats[1])
        fprintf(stderr, "level 0: %ld groups fell back, %ld passed\n",
                bce_level0_stats[0], bce_level0_stats[1]);
}
#endif
/* The f64 gradient's rounding test on the vectors: the scalar GRAD_OK's
 * statements (bce_f64_ok unless the form defines its own: the probability
 * form's is bce_f64_cr, simd/lanes_tmpl.h's f64_safe) */
#ifndef VGRAD_OK64
#define VGRAD_OK64(G, e) ((e) * 0x1p55 <= EL_ABS((G).hi))
#endif
/* (f64 outputs; the AVX2 f32 kernels take isa/x86_avx2/loop_f32.h instead) */
#if defined(VLEVEL0) && defined(STOREV)
#define HAVE_LEVEL0 1
/* Level 0 on one group (no weights, reduction or factor): the
 * lanes whose results are proven to be the dd path's (its value and the
 * exact one both within the tested interval), and those results. */
/* A level-0 value times a factor F = sh + sl > 0 as the current path's
 * finishing code applies it (bce_res_scale: the weight w, sl = 0, then for
 * a gradient the reduction's gscale, 1/n or 1/sum w; kp->l0red), on the
 * vectors: V = (gh + gl) F as ph + pl (ph, pe = TwoProd(gh, sh) exact), and
 * the radius r of the interval V -+ r that holds every value the current
 * path can round (its level-1 value times F by bce_dd_mul, its slow path's,
 * the exact value of its resolve step) becomes
 *   r sh (1 + 2^-50)          r = fast + dd bound, times F <= sh (1 + u)
 *   + |gl| sh 2^-50           gl sh and gl sl (<= 3.01 u |gl| sh)
 *   + |pl| 2^-52              the last addition (u |pl|)
 *   + |ph| 2^-98              gh sl (u^2), the current path's bce_dd_mul
 *                             (4u^2), gscale - 1/n or 1/sum w (15u^2;
 *                             12.5u^2 proven, proofs/gappa/dd_div.g)
 * (docs/ACCURACY.md, "Reductions and weights on level 0").  Lanes whose |ph| is
 * outside [2^-899, 2^899] fail (a zero weight among them): the current
 * path's bce_res_scale would take a frame there. */
static inline VI PFX(l0_scale)(VDD *G, VD *r, VD sh, VD sl)
{
    VDD p = VFN(two_prod)(G->hi, sh);
    VD c = G->hi * sl + G->lo * sh;
    VD pl = p.lo + c;
    *r = *r * sh * (1 + 0x1p-50) + EL_ABS(G->lo) * sh * 0x1p-50
       + EL_ABS(pl) * 0x1p-52 + EL_ABS(p.hi) * 0x1p-98;
    VI ok = (EL_ABS(p.hi) >= 0x1p-899) & (EL_ABS(p.hi) <= 0x1p899);
    G->hi = p.hi;
    G->lo = pl;
    return ok;
}
#define LEVEL0_BODY                                                      \
    const VD zero = VSPLAT(0.0);                                         \
    VI ok = VSPLAT(1.0) > zero;                                          \
    VDD fL = VFN(make)(zero, zero), fG = fL;                             \
    VD fLe = zero, fLd = zero, fGe = zero, fGd = zero;                   \
    ok &= VLEVEL0(z, yv, kp, &fL, &fLe, &fLd, &fG, &fGe, &fGd);          \
    const VD wv = wp ? LOADV(wp) : zero;                                 \
    VD rL = fLe + fLd;                                                   \
    if (kp->want_loss) {                                                 \
        if (wp) ok &= PFX(l0_scale)(&fL, &rL, wv, zero);                 \
        if (!kp->reduce) ok &= VFN(f64_safe)(fL, rL);                    \
    }                                                                    \
    if (kp->want_grad) {                                                 \
        VD rG = fGe + fGd;                                               \
        if (wp) ok &= PFX(l0_scale)(&fG, &rG, wv, zero);                 \
        if (kp->has_gscale)                                              \
            ok &= PFX(l0_scale)(&fG, &rG, VSPLAT(kp->gscale.hi),         \
                                VSPLAT(kp->gscale.lo));                  \
        ok &= VFN(f64_safe)(fG, rG);                                     \
    }                                                                    \
    /* (Lo, Ll) = TwoSum(fL): Lo = RN(fL), Lo + Ll = fL exactly */      \
    VDD Ls = VFN(two_sum)(fL.hi, fL.lo);                                 \
    *Lo = Ls.hi;                                                         \
    *Ll = Ls.lo;                                                         \
    *Go = fG.hi + fG.lo;                                                 \
    /* a reduced loss: the bound of |Lo + Ll - the current path's term| */ \
    *Lb = rL;                                                            \
    return ok;
static inline VI PFX(level0)(VD z, VD yv, const FT *wp, const bce_kparams *kp, VD *Lo, VD *Ll,
                             VD *Go, VD *Lb)
{
    LEVEL0_BODY
}
/* Level 0 of the tail step (PFX(step)).  A form may ask for a second
 * copy (VLEVEL0_TAIL_COPY), so that PFX(level0) keeps its one call site in
 * the main loop: gcc then inlines it there.  Measured with bce-bench-ab
 * (n = 4096, AVX2, gcc 12): the probability form's main loop took 6-8%
 * longer with level 0 out of line, the logits form's 3-10% longer with it
 * inlined. */
#if defined(VLEVEL0_TAIL_COPY) && !defined(BCE_L0RED_UNIT)
__attribute__((noinline)) static VI PFX(level0_tail)(VD z, VD yv, const FT *wp,
                                                     const bce_kparams *kp,
                                                     VD *Lo, VD *Ll, VD *Go, VD *Lb)
{
    LEVEL0_BODY
}
#define L0TAIL PFX(level0_tail)
#else
#define L0TAIL PFX(level0)
#endif
#undef LEVEL0_BODY
#endif


/* Group h of the iteration at i where some lane is not hot or fails the
 * level 0's test: lane by lane (its first nl lanes: VW, or fewer in the
 * padded tail step, whose other lanes are padding), in index order, the level-0 result (fok),
 * the scalar per-sample code (not hot), or the dd path on the vectors
 * (computed once, if a lane needs it) finished by the scalar finishing
 * code.  (fok may be set on a lane that is not hot: the f32 level 0
 * also takes z = 0.) */
/* kp->l0red, a reduced loss: the level-0 terms' sum, vector accumulators
 * (per lane a double-double, DWPlusFP: relative error <= 2u^2 of the
 * partial sum per addition) and their bounds, flushed into acc->s0, e0,
 * l0n at the end of the kernel call (core/api.c decides on them) */
static inline void PFX(l0_sum_flush)(bce_acc *acc, VDD s, VD e, size_t cnt)
{
    for (size_t l = 0; l < VW; l++) {
        acc->s0 = bce_dd_add(acc->s0, bce_dd_make(s.hi[l], s.lo[l]));
        acc->e0 += e[l];
    }
    acc->l0n += cnt;
}

__attribute__((noinline)) static void PFX(group_lanes_b)(size_t k0, size_t nl, VD z, VD yv,
                                    VI hot, VI fok,
                                    VD fL, VD fLl, VD fLb, VD fG, const FT *x, const FT *y,
                                    const FT *w, const bce_kparams *kp,
                                    FT *loss, FT *grad, bce_acc *acc)
{
    const VD zero = VSPLAT(0.0);
    VDD Lv = VFN(make)(zero, zero), Gv = Lv;
    VD Le = zero, Ge = zero;
    int dd_done = 0;
    for (size_t l = 0; l < VW; l++) {
        if (l >= nl) break;   /* padding lanes of the tail step */
        size_t k = k0 + l;
        if (fok[l]) {
            if (kp->want_grad) grad[k] = (FT)fG[l];
            if (kp->want_loss) {
                if (kp->reduce) {
                    /* (kp->l0red) fL within fLb of the level-1 value */
                    acc->s0 = bce_dd_add(acc->s0, bce_two_sum(fL[l], fLl[l]));
                    acc->e0 += fLb[l];
                    acc->l0n++;
                } else {
                    loss[k] = (FT)fL[l];
                }
            }
            continue;
        }
        if (!hot[l] || !VEVAL_USABLE(kp)) {
            PFX(one)(k, x, y, w, kp, loss, grad, acc);
            continue;
        }
        if (!dd_done) {
            VEVAL(z, yv, kp, &Lv, &Le, &Gv, &Ge);
            dd_done = 1;
        }
        bce_res L = { { Lv.hi[l], Lv.lo[l] }, 0, Le[l], 0 };
        bce_res G = { { Gv.hi[l], Gv.lo[l] }, 0, Ge[l], 0 };
        double wi = w ? (double)w[k] : 1.0;
        PFX(finish)(k, z[l], yv[l], wi, w != NULL, kp, L, G, loss, grad, acc);
    }
}

/* group_lanes_b without a reduced loss's level-0 bounds (simd/loop0_staged_tmpl.h) */
static inline void PFX(group_lanes)(size_t k0, size_t nl, VD z, VD yv, VI hot, VI fok,
                                    VD fL, VD fG, const FT *x, const FT *y,
                                    const FT *w, const bce_kparams *kp,
                                    FT *loss, FT *grad, bce_acc *acc)
{
    PFX(group_lanes_b)(k0, nl, z, yv, hot, fok, fL, VSPLAT(0.0), VSPLAT(0.0), fG, x, y, w, kp, loss,
                       grad, acc);
}

#ifndef NG
#define NG 2   /* groups of VW lanes per iteration */
#endif

#if defined(HAVE_LEVEL0) && defined(WITH_LEVEL0_STAGED) && defined(VL0_S1)
#include "simd/loop0_staged_tmpl.h"   /* PFX(l0_run): level 0 in stages */
#endif

#ifdef VF32V_A
/* the float outputs' level 0 (defined after this file by the kernel unit) */
static size_t PFX(f32v_run)(size_t n, const float *x, const float *y, const float *w,
                            const bce_kparams *kp, float *loss, float *grad,
                            bce_acc *acc);
#endif

#ifndef BCE_L0RED_UNIT   /* (the kp->l0red unit: PFX(loop_red) below) */
/* One step of the vector loop at i, for the tail (PFX(tail); PFX(loop)'s
 * full steps are the same statements with ng = NG and lim = NG VW): ng (NG,
 * or 1) groups of VW lanes, of which the first lim are samples.  The
 * padded tail step runs on a local buffer whose lanes from
 * lim on are padding: valid, hot inputs whose results are stored into the
 * buffer and dropped, never finished into acc (the lane loops stop at
 * lim).  Always inlined with constant ng. */
static inline __attribute__((always_inline)) void
PFX(step)(size_t i, int ng, size_t lim, const FT *x, const FT *y, const FT *w,
          const bce_kparams *kp, FT *loss, FT *grad, bce_acc *acc)
{
    const VD zero = VSPLAT(0.0);
#ifdef HAVE_LEVEL0
    const int level0 = (!w && !kp->has_gscale && !kp->reduce) || kp->l0red;
#endif
    /* the lanes of group h that are samples */
#define GROUP_NL(h) (lim >= VW * (size_t)((h) + 1) ? (size_t)VW \
                     : lim > VW * (size_t)(h) ? lim - VW * (size_t)(h) : 0)
    /* ng independent groups per step: the dependency chains are
     * long, two groups interleave well */
    VD z[NG], yv[NG];
    VI hot[NG];
    int all = 1;
    for (int h = 0; h < ng; h++) {
        z[h] = LOADV(x + i + VW * h);
        yv[h] = LOADV(y + i + VW * h);
        hot[h] = VHOT(z[h], yv[h]);
        all &= VALL(hot[h]);
    }
    if (!all) {
        /* the vector code runs on whole groups: give the lanes
         * that are not hot a harmless hot input (0.5, 0.5) -- their
         * results are not used (the scalar code reads x[], y[]) */
        const VD half = VSPLAT(0.5);
        for (int h = 0; h < ng; h++) {
            z[h] = EL_SEL(hot[h], z[h], half);
            yv[h] = EL_SEL(hot[h], yv[h], half);
        }
    }
#ifdef HAVE_LEVEL0
    if (level0) {
        /* level 0 on every group; a group whose lanes are
         * all hot and pass is stored on the vectors */
        VD fL[NG], fLl[NG], fG[NG], fLb[NG];
        VI fok[NG];
        for (int h = 0; h < ng; h++)
            fok[h] = L0TAIL(z[h], yv[h], w ? w + i + VW * h : NULL, kp, &fL[h], &fLl[h], &fG[h],
                            &fLb[h]) & hot[h];
        for (int h = 0; h < ng; h++) {
#ifdef BCE_LEVEL0_STATS
            bce_level0_stats[VALL(fok[h])]++;
#endif
            /* (the padded tail's group: its padding lanes go through
             * group_lanes, which stops at the samples) */
            if (VALL(fok[h]) && (!kp->reduce || GROUP_NL(h) == VW)) {
                if (kp->want_grad) STOREV(grad + i + VW * h, fG[h]);
                if (kp->want_loss) {
                    if (kp->reduce)
                        PFX(l0_sum_flush)(acc, VFN(make)(fL[h], fLl[h]), fLb[h], VW);
                    else
                        STOREV(loss + i + VW * h, fL[h]);
                }
            } else {
                PFX(group_lanes_b)(i + VW * (size_t)h, GROUP_NL(h), z[h], yv[h], hot[h],
                                 fok[h], fL[h], fLl[h], fLb[h], fG[h], x, y, w, kp, loss, grad, acc);
            }
        }
        return;
    }
#endif
    if (!all) {
        /* a cold or special lane: the scalar per-sample code for
         * it, the dd path on the vectors for the hot lanes */
        for (int h = 0; h < ng; h++)
            PFX(group_lanes)(i + VW * (size_t)h, GROUP_NL(h), z[h], yv[h], hot[h],
                             zero < zero, zero, zero, x, y, w, kp, loss, grad, acc);
        return;
    }
    VDD Lv[NG], Gv[NG];
    VD Lerr[NG], Gerr[NG];
    for (int h = 0; h < ng; h++) {
        Lv[h] = Gv[h] = VFN(make)(zero, zero);
        Lerr[h] = Gerr[h] = zero;
        VEVAL(z[h], yv[h], kp, &Lv[h], &Lerr[h], &Gv[h], &Gerr[h]);
    }
#ifdef STOREV
    /* f64 without weights, reduction or factor: the finishing steps
     * are "hi if the rounding test passes" on every lane -- done on
     * the vectors when every lane passes (same bits as PFX(finish)) */
    if (!w && !kp->has_gscale && !kp->reduce) {
        int ok = 1;
        if (kp->want_grad)
            for (int h = 0; h < ng; h++)
                ok &= VALL(VGRAD_OK64(Gv[h], Gerr[h]));
        if (ok) {
            for (int h = 0; h < ng; h++) {
                if (kp->want_grad) STOREV(grad + i + VW * h, Gv[h].hi);
                if (kp->want_loss) STOREV(loss + i + VW * h, Lv[h].hi);
            }
            return;
        }
    }
#endif
#ifdef STOREVF
    /* f32 without weights, reduction or factor: round-to-odd then
     * one rounding to float, when every lane passes the float
     * rounding test (bce_f32_safe) -- the same bits as PFX(finish) */
    if (!w && !kp->has_gscale && !kp->reduce) {
        int ok = 1;
        for (int h = 0; h < ng && ok; h++) {
            if (kp->want_grad) ok &= VALL(VFN(f32_safe)(Gv[h], Gerr[h]));
            if (kp->want_loss) ok &= VALL(VFN(f32_safe)(Lv[h], Lerr[h]));
        }
        if (ok) {
            for (int h = 0; h < ng; h++) {
                if (kp->want_grad) STOREVF(grad + i + VW * h, VFN(round_odd)(Gv[h]));
                if (kp->want_loss) STOREVF(loss + i + VW * h, VFN(round_odd)(Lv[h]));
            }
            return;
        }
    }
#endif
    for (int h = 0; h < ng; h++)
        for (size_t l = 0; l < GROUP_NL(h); l++) {
            bce_res L = { { Lv[h].hi[l], Lv[h].lo[l] }, 0, Lerr[h][l], 0 };
            bce_res G = { { Gv[h].hi[l], Gv[h].lo[l] }, 0, Gerr[h][l], 0 };
            size_t k = i + VW * (size_t)h + l;
            double wi = w ? (double)w[k] : 1.0;
            PFX(finish)(k, z[h][l], yv[h][l], wi, w != NULL, kp, L, G,
                        loss, grad, acc);
        }
#undef GROUP_NL
}

/* The m < NG VW samples left after the full steps (x, y, w, loss, grad
 * point at the first of them; PFX(loop) runs them before the full steps
 * when nothing is accumulated), through one padded vector step: the inputs
 * are copied into local buffers whose lanes from m on hold the pair
 * (0.25, 0) (and weight 1): hot in either form, with a hard label and a
 * gradient far from 0, so that level 0 decides them (a soft label 0.5 at
 * p = 0.5 has gradient 0 and sent the padding to the slow path), the step
 * runs there (its lane loops stop at m, so acc sees the m samples, in index order), and
 * only the m outputs are copied back.  Nothing past the arrays is read or
 * written; the results are the step's, lane by lane the scalar kernel's
 * (the same bits on every ISA: tests/isa_bits.c).  (The f32 outputs'
 * level 0, VF32V_A, pads its own last group: isa/x86_avx2/loop_f32.h.) */
__attribute__((noinline)) static void PFX(tail)(size_t m, const FT *x, const FT *y, const FT *w,
                      const bce_kparams *kp, FT *loss, FT *grad, bce_acc *acc)
{
    enum { TW = NG * VW };
    FT bx[TW], by[TW], bw[TW], bl[TW], bg[TW];
    for (size_t l = 0; l < TW; l++) {
        bx[l] = (FT)0.25;
        by[l] = 0;
        bw[l] = 1;
    }
    /* (bl, bg: the step writes every lane the copy below reads) */
    /* (separate loops: a conditional w[l] let gcc emit a masked load from
     * w = NULL with an empty mask, which costs a microcode assist -- about
     * 60 ns -- on AMD Zen 4) */
    for (size_t l = 0; l < m; l++) {
        bx[l] = x[l];
        by[l] = y[l];
    }
    if (w)
        for (size_t l = 0; l < m; l++) bw[l] = w[l];
    const FT *bwp = w ? bw : NULL;
    if (m <= VW)
        PFX(step)(0, 1, m, bx, by, bwp, kp, bl, bg, acc);
    else
        PFX(step)(0, NG, m, bx, by, bwp, kp, bl, bg, acc);
    for (size_t l = 0; l < m; l++) {
        if (kp->want_loss && !kp->reduce) loss[l] = bl[l];
        if (kp->want_grad) grad[l] = bg[l];
    }
}

/* The kernel: n samples, every lane's result the scalar kernel's.  (The
 * full steps are written out here rather than through PFX(step): with the
 * step instantiated three times gcc stopped inlining level 0 into the main
 * loop, and the steps of 4096 elements took 6-14% longer.) */
static inline void PFX(loop)(size_t n, const FT *x, const FT *y, const FT *w,
                             const bce_kparams *kp, FT *loss, FT *grad, bce_acc *acc)
{
    size_t i = 0;
    /* the vector path: the form admits the call, and either its level 1
     * (VEVAL) takes what level 0 leaves or level 0 runs on every group
     * (then the lanes it leaves go through the scalar per-sample code) */
#ifdef HAVE_LEVEL0
    const int vuse = VUSABLE(kp) &&
        (VEVAL_USABLE(kp) || (!w && !kp->has_gscale && !kp->reduce) || kp->l0red);
#else
    const int vuse = VUSABLE(kp) && VEVAL_USABLE(kp);
#endif
#ifdef VF32V_A
    /* f32 outputs without weights, reduction or factor, or with those
     * kp->l0red admits, any labels: the table-free level 0 on 8 floats at
     * a time (isa/x86_avx2/loop_f32.h).  (Not on vuse: the probability
     * form's label calls with weights or a reduction have no vector path
     * behind it -- VEVAL is for plain labels -- and the lanes it leaves go
     * through the scalar per-sample code, group_lanes_b.) */
    if (VUSABLE(kp) && VF32V_USABLE(kp) &&
        ((!w && !kp->has_gscale && !kp->reduce) || kp->l0red))
        i = PFX(f32v_run)(n, x, y, w, kp, loss, grad, acc);
#endif
#ifdef PFX_L0_RUN
    /* f64 level 0 in stages over blocks (simd/loop0_staged_tmpl.h); the
     * m leftover samples as one or two padded groups of the first block
     * (PFX(l0_first): the same statements on PFX(tail)'s padding), whose
     * stages then overlap with the block's 16 groups instead of running
     * alone through the one-group level 0 (bce-bench-side-by-side, the
     * leftover table in units of T(4096)/4096, logits: m = 1..4 7.4-7.9 ->
     * 5.6-6.2, m = 5..7 14.0-14.5 -> 9.8-10.5; probs 6.5-7.4 -> 3.6-4.8,
     * 11.6-12.2 -> 8.6-8.8).  The kp->l0red calls (weights, reductions,
     * gscale) of at least one block take the staged level 0 too, in the
     * kernel's second unit (PFX(loop_red) below, through the registry's
     * bce_*_f64_*_l0red), which hands this loop only the samples after its
     * blocks, fewer than L0_BG VW: they take the main loop below. */
    if (vuse && !w && !kp->has_gscale && !kp->reduce && n >= L0_BG * VW) {
        size_t m = n % (NG * VW);
        n -= m;
        i = PFX(l0_run)(n, m, x, y, kp, loss, grad, acc);
    } else
#endif
    if (vuse && !kp->reduce && (n - i) % (NG * VW) && n - i > NG * VW) {
        /* (the other calls, and n < one block:) the leftover samples
         * first (PFX(tail)), when nothing is
         * accumulated (their order does not matter): the out-of-order
         * window then overlaps the padded step's dependency chain with
         * the full steps' work instead of leaving it alone at the end
         * (bce-bench-ab, AVX2 f64 logits: one leftover sample after 64
         * cost 65 ns, now 51; 4 full lanes cost 42) */
        size_t m = (n - i) % (NG * VW);
        n -= m;
        PFX(tail)(m, x + n, y + n, w ? w + n : NULL, kp,
                  kp->want_loss ? loss + n : NULL, kp->want_grad ? grad + n : NULL, acc);
    }
    if (vuse) {
        const VD zero = VSPLAT(0.0);
#ifdef HAVE_LEVEL0
        const int level0 = (!w && !kp->has_gscale && !kp->reduce) || kp->l0red;
        /* a reduced loss on level 0: the sum of the passing groups' terms */
        VDD lsum = VFN(make)(zero, zero);
        VD lerr = zero;
        size_t lcnt = 0;
#endif
        /* NG independent groups per iteration: the dependency chains are
         * long, two groups interleave well */
        for (; i + NG * VW <= n; i += NG * VW) {
            VD z[NG], yv[NG];
            VI hot[NG];
            int all = 1;
            for (int h = 0; h < NG; h++) {
                z[h] = LOADV(x + i + VW * h);
                yv[h] = LOADV(y + i + VW * h);
                hot[h] = VHOT(z[h], yv[h]);
                all &= VALL(hot[h]);
            }
            if (!all) {
                /* the vector code runs on whole groups: give the lanes
                 * that are not hot a harmless hot input (0.5, 0.5) -- their
                 * results are not used (the scalar code reads x[], y[]) */
                const VD half = VSPLAT(0.5);
                for (int h = 0; h < NG; h++) {
                    z[h] = EL_SEL(hot[h], z[h], half);
                    yv[h] = EL_SEL(hot[h], yv[h], half);
                }
            }
#ifdef HAVE_LEVEL0
            if (level0) {
                /* level 0 on every group; a group whose lanes are
                 * all hot and pass is stored on the vectors */
                VD fL[NG], fLl[NG], fG[NG], fLb[NG];
                VI fok[NG];
                for (int h = 0; h < NG; h++)
                    fok[h] = PFX(level0)(z[h], yv[h], w ? w + i + VW * h : NULL, kp, &fL[h],
                                         &fLl[h], &fG[h], &fLb[h]) & hot[h];
                for (int h = 0; h < NG; h++) {
#ifdef BCE_LEVEL0_STATS
                    bce_level0_stats[VALL(fok[h])]++;
#endif
                    if (VALL(fok[h])) {
                        if (kp->want_grad) STOREV(grad + i + VW * h, fG[h]);
                        if (kp->want_loss) {
                            if (kp->reduce) {
                                lsum = VFN(dd_add)(lsum, VFN(make)(fL[h], fLl[h]));
                                lerr += fLb[h];
                                lcnt += VW;
                            } else {
                                STOREV(loss + i + VW * h, fL[h]);
                            }
                        }
                    } else {
                        PFX(group_lanes_b)(i + VW * (size_t)h, VW, z[h], yv[h], hot[h], fok[h],
                                         fL[h], fLl[h], fLb[h], fG[h], x, y, w, kp, loss, grad, acc);
                    }
                }
                continue;
            }
#endif
            if (!all) {
                /* a cold or special lane: the scalar per-sample code for
                 * it, the dd path on the vectors for the hot lanes */
                for (int h = 0; h < NG; h++)
                    PFX(group_lanes)(i + VW * (size_t)h, VW, z[h], yv[h], hot[h], zero < zero,
                                     zero, zero, x, y, w, kp, loss, grad, acc);
                continue;
            }
            VDD Lv[NG], Gv[NG];
            VD Lerr[NG], Gerr[NG];
            for (int h = 0; h < NG; h++) {
                Lv[h] = Gv[h] = VFN(make)(zero, zero);
                Lerr[h] = Gerr[h] = zero;
                VEVAL(z[h], yv[h], kp, &Lv[h], &Lerr[h], &Gv[h], &Gerr[h]);
            }
#ifdef STOREV
            /* f64 without weights, reduction or factor: the finishing steps
             * are "hi if the rounding test passes" on every lane -- done on
             * the vectors when every lane passes (same bits as PFX(finish)) */
            if (!w && !kp->has_gscale && !kp->reduce) {
                int ok = 1;
                if (kp->want_grad)
                    for (int h = 0; h < NG; h++)
                        ok &= VALL(VGRAD_OK64(Gv[h], Gerr[h]));
                if (ok) {
                    for (int h = 0; h < NG; h++) {
                        if (kp->want_grad) STOREV(grad + i + VW * h, Gv[h].hi);
                        if (kp->want_loss) STOREV(loss + i + VW * h, Lv[h].hi);
                    }
                    continue;
                }
            }
#endif
#ifdef STOREVF
            /* f32 without weights, reduction or factor: round-to-odd then
             * one rounding to float, when every lane passes the float
             * rounding test (bce_f32_safe) -- the same bits as PFX(finish) */
            if (!w && !kp->has_gscale && !kp->reduce) {
                int ok = 1;
                for (int h = 0; h < NG && ok; h++) {
                    if (kp->want_grad) ok &= VALL(VFN(f32_safe)(Gv[h], Gerr[h]));
                    if (kp->want_loss) ok &= VALL(VFN(f32_safe)(Lv[h], Lerr[h]));
                }
                if (ok) {
                    for (int h = 0; h < NG; h++) {
                        if (kp->want_grad) STOREVF(grad + i + VW * h, VFN(round_odd)(Gv[h]));
                        if (kp->want_loss) STOREVF(loss + i + VW * h, VFN(round_odd)(Lv[h]));
                    }
                    continue;
                }
            }
#endif
            for (int h = 0; h < NG; h++)
                for (size_t l = 0; l < VW; l++) {
                    bce_res L = { { Lv[h].hi[l], Lv[h].lo[l] }, 0, Lerr[h][l], 0 };
                    bce_res G = { { Gv[h].hi[l], Gv[h].lo[l] }, 0, Gerr[h][l], 0 };
                    size_t k = i + VW * (size_t)h + l;
                    double wi = w ? (double)w[k] : 1.0;
                    PFX(finish)(k, z[h][l], yv[h][l], wi, w != NULL, kp, L, G,
                                loss, grad, acc);
                }
        }
#ifdef HAVE_LEVEL0
        if (lcnt) PFX(l0_sum_flush)(acc, lsum, lerr, lcnt);
#endif
    }
    if (vuse && i < n) {
        /* the leftover samples: one padded vector step (PFX(tail)) */
        PFX(tail)(n - i, x + i, y + i, w ? w + i : NULL, kp,
                  kp->want_loss && !kp->reduce ? loss + i : NULL,
                  kp->want_grad ? grad + i : NULL, acc);
        return;
    }
    for (; i < n; i++)
        PFX(one)(i, x, y, w, kp, loss, grad, acc);
}
#endif /* !BCE_L0RED_UNIT */

#if defined(PFX_L0_RUN) && defined(BCE_L0RED_UNIT)
/* (the kp->l0red unit: the kernel unit again with BCE_L0RED_UNIT, e.g.
 * isa/x86_avx2/logits_f64_l0red.c, which also defines L0RED_KERNEL, the
 * kernel unit's exported kernel, and L0RED_ENTRY, the name of its own
 * exported kernel, the registry's (core/isa.c), defined below:
 * PFX(loop_red) for a kp->l0red call of at least one block, else
 * L0RED_KERNEL.)  A kp->l0red call (weights, a reduction,
 * gscale): level 0 in stages over the blocks (PFX(l0_runr): the stages,
 * then LEVEL0_BODY's statements, simd/loop0_staged_tmpl.h), then the rest,
 * fewer than L0_BG VW samples (the n mod (NG VW) leftover among them),
 * through L0RED_KERNEL: its main loop with its own level-0 sum, its padded
 * tail step.  Only the order of a reduced loss's terms changes (level-0
 * terms into acc->s0 in any order, the others into acc->s: core/api.c's
 * reduced_l0 takes the sums in any order, PFX(l0_runr); when it cannot
 * decide, the loss is computed again on the current path).
 * A unit of its own, linked after the other kernels, so that the code of
 * the calls without weights, reduction or factor stays as it was, the
 * same instructions at the same addresses: with PFX(l0_runr) in the kernel
 * unit, gcc inlined differently there (veval, the level-0 logarithms out
 * of line) and plain calls took longer (bce-bench-ab, AVX-512: logits f64
 * n = 100 1.6x); with the same instructions 73 KB further on (this unit
 * linked right after its kernel unit), the AVX-512 probs f64 main loop
 * alone took 1.2-1.4x longer at n = 16..48 on this machine (AMD EPYC,
 * Zen 4; bce-bench-ab, a driver at 64 stack offsets: not the stack, the
 * code's or the tables' placement). */
static void PFX(loop_red)(size_t n, const FT *x, const FT *y, const FT *w,
                          const bce_kparams *kp, FT *loss, FT *grad, bce_acc *acc)
{
    const size_t i = PFX(l0_runr)(n, x, y, w, kp, loss, grad, acc);
    if (i < n)
        L0RED_KERNEL(n - i, x + i, y + i, w ? w + i : NULL, kp, loss ? loss + i : NULL,
                     grad ? grad + i : NULL, acc);
}
/* does the call take PFX(loop_red)? (PFX(loop)'s vuse for a kp->l0red call) */
#define L0RED_TAKES(n, kp) ((kp)->l0red && (n) >= L0_BG * VW && VUSABLE(kp))
/* the unit's exported kernel, L0RED_ENTRY (the registry's, core/isa.h):
 * PFX(loop_red) for the calls it takes, else the kernel unit's kernel */
void L0RED_ENTRY(size_t n, const FT *x, const FT *y, const FT *w, const bce_kparams *kp,
                 FT *loss, FT *grad, bce_acc *acc)
{
    if (L0RED_TAKES(n, kp))
        PFX(loop_red)(n, x, y, w, kp, loss, grad, acc);
    else
        L0RED_KERNEL(n, x, y, w, kp, loss, grad, acc);
}
#endif
