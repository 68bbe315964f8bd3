/*
 * simd/loop0_staged_tmpl.h -- level 0 of the f64 outputs in stages
 * (included by simd/loop_tmpl.h when the kernel unit defines
 * WITH_LEVEL0_STAGED and the form the stages of its level 0), for the
 * calls without weights, reduction or gradient factor (PFX(l0_run)) and,
 * in a second translation unit of the same kernel (the kernel unit again
 * with BCE_L0RED_UNIT defined: isa/x86_avx2/logits_f64_l0red.c and the
 * three like it), for the kp->l0red calls: weights, SUM, MEAN,
 * WEIGHTED_MEAN, a gradient factor (PFX(l0_runr), called by
 * PFX(loop_red)).  There stage 3 is followed by the main loop's
 * LEVEL0_BODY statements, per lane the same arithmetic on the same values
 * (the probability form's variant aside, chosen per block as below: it can
 * change which lanes fall back, never the bits): PFX(l0_scale) with the weight and gscale,
 * f64_safe on the scaled values, a reduced loss's terms TwoSum(fL) and
 * their bounds summed per lane (flushed into acc->s0, e0, l0n once per
 * kernel call; their order differs from the main loop's, which
 * core/api.c's reduced_l0 allows: PFX(l0_runr)), the groups that fail
 * through PFX(group_lanes_b) with the weights.  Its own unit, because in
 * the kernel unit it changed gcc's inlining of the plain calls' code
 * (PFX(loop_red)).  bce-bench-side-by-side --options, n = 4096, avx512,
 * time over the plain call, two rounds: logits f64 weights 2.76-2.88 ->
 * 2.27-2.48, MEAN 2.40-2.45 -> 1.42-1.61, SUM 1.77-1.88 -> 0.97-1.01,
 * WEIGHTED_MEAN 3.24-3.29 -> 2.31-2.53 (the rest is mostly core/api.c's
 * validation of the weights; docs/PERFORMANCE.md, "Options, weights and
 * reductions").
 * The form's stages, on T = PFX(l0t), five vectors:
 *   VL0_SOFT(y)        1 if a group needs the form's soft-label variant
 *                      (chosen per block: any group of it)
 *   VL0_S1(z, y, wl, wg, soft, T), optionally VL0_S1B(same), VL0_S2(same)
 *                      the first stages
 *   VL0_S3(z, y, kp, wl, wg, soft, T, &Lv, &Lef, &Led, &Gv, &Gef, &Ged)
 *                      the rest, as VLEVEL0 (its lane mask and outputs)
 * soft is 2 in every block of a call with pos_weight or smoothing (not
 * kp->plain: the stages of the form's variant for label coefficients,
 * simd/label_tmpl.h), else 0 or 1 per block as VL0_SOFT says.
 * (the logits form: e = e^-|z|, the log's table look-ups, log(1 + e), the
 * rest; the probability form: its logs, the rest -- level0/logits_tmpl.h,
 * level0/probs_tmpl.h, where the one-call functions are these stages in a
 * row); optionally VL0_TINIT(wl, wg, soft, T), zeroing only the fields of T
 * that no stage sets (otherwise all five are zeroed first).
 *
 * Over a block of L0_BG groups of VW lanes, each stage runs on every group
 * (its results in a small buffer) before the next.  The arithmetic is level
 * 0's, statement for statement, so the results are the same and so are the
 * rounding tests; only the order of the work changes (the probability
 * form's variant is chosen per block instead of per group: both are proven
 * for hard labels, so that can change which lanes fall back, never the
 * bits).  Why: one group's chain (exponential, then logarithm and
 * division, then the tests) is ~300 instructions long, about what the
 * out-of-order window holds, so the groups of the main loop hardly
 * overlapped; short independent stages over a block do (measured with
 * bce-bench-ab, n = 4096, logits f64: one pass -> two stages 1.31x, three
 * stages with constant wl, wg 1.10x more, the look-ups apart 1.03x more;
 * docs/PERFORMANCE.md, "Where the time goes").
 * A group whose lanes are all hot and pass is stored on the vectors;
 * otherwise PFX(group_lanes) finishes it lane by lane (the passing lanes
 * stored, the others through the dd path or the scalar per-sample code),
 * as in the main loop.  PFX(l0_run) returns the number of samples done (a
 * multiple of L0_BG VW); the caller's loop does the rest.  With m > 0
 * leftover samples (n mod (NG VW), at x + n), the first block also takes
 * them, padded to one or two groups (PFX(l0_first)); nothing past the
 * arrays is read or written (tests/test_tail.c, guard pages).  (PFX(l0_runr)
 * leaves the samples after its blocks, the leftover among them, to the
 * kernel unit's kernel, PFX(loop), whose main loop and padded tail step
 * handle weights and a reduced loss already.)
 */
#define PFX_L0_RUN 1
#ifndef L0_BG
#define L0_BG 16          /* groups of VW lanes per block */
#endif

typedef struct { VD a, b, c, d, e; } PFX(l0t);

#ifdef BCE_L0RED_UNIT
/* (the kp->l0red unit) a reduced loss's level-0 terms: per lane their
 * double-double sum (VFN(dd_add), as PFX(loop)'s lsum), their bounds,
 * how many; PFX(l0_block)'s extra arguments: the weights and that sum */
typedef struct { VDD s; VD e; size_t n; } PFX(l0sum);
#define L0R_P , const FT *w, PFX(l0sum) *ls
#define L0R_A , w, &ls
#else
#define L0R_P
#define L0R_A
#endif

/* one block of L0_BG groups at i; wl, wg (want_loss, want_grad) and soft
 * are constants in each of PFX(l0_run)'s loops.  In the kp->l0red unit
 * (BCE_L0RED_UNIT: weights w, a reduction, gscale, runtime tests that are
 * the same in every group), stage 3 is followed by LEVEL0_BODY's
 * statements (simd/loop_tmpl.h): PFX(l0_scale) with the weight and
 * gscale, f64_safe on the scaled values, and a reduced loss's terms
 * TwoSum(fL) and their bounds summed into *ls instead of stored; a group
 * that fails goes to PFX(group_lanes_b) with those values, as in
 * PFX(loop).  (That unit has no padded groups: nt = 0.) */
static inline __attribute__((always_inline)) void
PFX(l0_block)(size_t i, const FT *x, const FT *y, const bce_kparams *kp,
              FT *loss, FT *grad, bce_acc *acc, const int wl, const int wg, const int soft,
              const int nt, const FT *tx, const FT *ty, FT *tl, FT *tg, size_t tm L0R_P)
{
    VD Z[L0_BG + 2], Y[L0_BG + 2];
    VI H[L0_BG + 2];
    PFX(l0t) T[L0_BG + 2];
    const VD zero = VSPLAT(0.0);
    (void)soft;                       /* (the logits form: 0 and 1 alike) */
    for (int g = 0; g < L0_BG + nt; g++) {
        /* groups from L0_BG on: the padded leftover (tx, ty) */
        const FT *xp = nt && g >= L0_BG ? tx + VW * (g - L0_BG) : x + i + VW * g;
        const FT *yp = nt && g >= L0_BG ? ty + VW * (g - L0_BG) : y + i + VW * g;
        VD z = LOADV(xp), yv = LOADV(yp);
        VI hot = VHOT(z, yv);
        if (__builtin_expect(!VALL(hot), 0)) {
            /* as the main loop: harmless hot inputs in the lanes that
             * are not hot (their results are not used) */
            const VD half = VSPLAT(0.5);
            z = EL_SEL(hot, z, half);
            yv = EL_SEL(hot, yv, half);
        }
        Z[g] = z;
        Y[g] = yv;
        H[g] = hot;
#ifdef VL0_TINIT
        VL0_TINIT(wl, wg, soft, T[g]);    /* the fields no stage sets */
#else
        T[g].a = T[g].b = T[g].c = T[g].d = T[g].e = zero;
#endif
        VL0_S1(z, yv, wl, wg, soft, T[g]);
    }
#ifdef VL0_S1B
    for (int g = 0; g < L0_BG + nt; g++)
        VL0_S1B(Z[g], Y[g], wl, wg, soft, T[g]);
#endif
    for (int g = 0; g < L0_BG + nt; g++)
        VL0_S2(Z[g], Y[g], wl, wg, soft, T[g]);
    /* the rest: the loss, the gradient, the rounding tests, the stores */
    for (int g = 0; g < L0_BG + nt; g++) {
        VDD fL = VFN(make)(zero, zero), fG = fL;
        VD fLe = zero, fLd = zero, fGe = zero, fGd = zero;
        VI ok = VL0_S3(Z[g], Y[g], kp, wl, wg, soft, T[g], &fL, &fLe, &fLd, &fG, &fGe, &fGd);
        VD Lo = zero, Go = zero;      /* RN(hi + lo) where the test passes */
#ifndef BCE_L0RED_UNIT
        if (wl) ok &= VFN(f64_safe_r)(fL, fLe + fLd, &Lo);
        if (wg) ok &= VFN(f64_safe_r)(fG, fGe + fGd, &Go);
#else
        /* LEVEL0_BODY's statements (simd/loop_tmpl.h), lane by lane the
         * same operations */
        const int rsum = wl && kp->reduce;        /* a reduced loss: summed */
        VD Ll = zero, Lb = zero;      /* (rsum) TwoSum(fL)'s low part, its bound */
        const VD wv = w ? LOADV(w + i + VW * g) : zero;
        if (wl) {
            VD rL = fLe + fLd;
            if (w) ok &= PFX(l0_scale)(&fL, &rL, wv, zero);
            if (rsum) {
                VDD Ls = VFN(two_sum)(fL.hi, fL.lo);
                Lo = Ls.hi;
                Ll = Ls.lo;
                Lb = rL;
            } else {
                ok &= VFN(f64_safe_r)(fL, rL, &Lo);
            }
        }
        if (wg) {
            VD rG = fGe + fGd;
            if (w) ok &= PFX(l0_scale)(&fG, &rG, wv, zero);
            if (kp->has_gscale)
                ok &= PFX(l0_scale)(&fG, &rG, VSPLAT(kp->gscale.hi), VSPLAT(kp->gscale.lo));
            ok &= VFN(f64_safe_r)(fG, rG, &Go);
        }
#endif
        ok &= H[g];
#ifdef BCE_LEVEL0_STATS
        bce_level0_stats[VALL(ok)]++;
#endif
        if (nt && g >= L0_BG) {
            /* a padded group: into the local buffers, its first lanes up
             * to tm the samples (group_lanes stops there) */
            size_t k0 = VW * (size_t)(g - L0_BG);
            if (__builtin_expect(VALL(ok), 1)) {
                if (wg) STOREV(tg + k0, Go);
                if (wl) STOREV(tl + k0, Lo);
            } else {
                PFX(group_lanes)(k0, tm - k0 < VW ? tm - k0 : VW, Z[g], Y[g], H[g], ok, Lo, Go,
                                 tx, ty, NULL, kp, tl, tg, acc);
            }
        } else if (__builtin_expect(VALL(ok), 1)) {
            if (wg) STOREV(grad + i + VW * g, Go);
#ifndef BCE_L0RED_UNIT
            if (wl) STOREV(loss + i + VW * g, Lo);
#else
            if (rsum) {
                ls->s = VFN(dd_add)(ls->s, VFN(make)(Lo, Ll));
                ls->e += Lb;
                ls->n += VW;
            } else if (wl) {
                STOREV(loss + i + VW * g, Lo);
            }
#endif
        } else {
#ifndef BCE_L0RED_UNIT
            PFX(group_lanes)(i + VW * (size_t)g, VW, Z[g], Y[g], H[g], ok, Lo, Go,
                             x, y, NULL, kp, loss, grad, acc);
#else
            PFX(group_lanes_b)(i + VW * (size_t)g, VW, Z[g], Y[g], H[g], ok, Lo, Ll, Lb, Go,
                               x, y, w, kp, loss, grad, acc);
#endif
        }
    }
}

/* does the block at i need the soft variant? */
static inline int PFX(l0_soft)(size_t i, const FT *y)
{
    int soft = 0;
    for (int g = 0; g < L0_BG; g++) {
        VD yv = LOADV(y + i + VW * g);
        soft |= VL0_SOFT(yv);
        (void)yv;
    }
    return soft;
}

#ifndef BCE_L0RED_UNIT
/* The first block with the m (0 < m < NG VW) leftover samples at x + n
 * appended as one or two padded groups (PFX(tail)'s padding: (0.25, 0),
 * hot with a hard label in either form); only their m outputs are copied
 * back.  wl, wg and soft constants in each instantiation (with soft a
 * variable, gcc no longer inlined the probability form's stages: the first
 * block took ~50 ns longer); the count of padded groups, 1 or 2, is a
 * variable (it runs once per call). */
__attribute__((noinline)) static void
PFX(l0_first)(size_t n, size_t m, const FT *x, const FT *y, const bce_kparams *kp,
              FT *loss, FT *grad, bce_acc *acc)
{
    enum { TW = NG * VW };
    FT bx[TW], by[TW], bl[TW], bg[TW];
    for (size_t l = 0; l < TW; l++) {
        bx[l] = (FT)0.25;
        by[l] = 0;
    }
    for (size_t l = 0; l < m; l++) {
        bx[l] = x[n + l];
        by[l] = y[n + l];
    }
    const int nt = m <= VW ? 1 : 2;
    int soft = PFX(l0_soft)(0, y);
    for (int g = 0; g < nt; g++) {
        VD yv = LOADV(by + VW * g);
        soft |= VL0_SOFT(yv);
        (void)yv;
    }
#define L0_FIRST(wl, wg)                                                         \
    do {                                                                         \
        if (!kp->plain)                                                          \
            PFX(l0_block)(0, x, y, kp, loss, grad, acc, (wl), (wg), 2,           \
                          nt, bx, by, bl, bg, m);                                \
        else if (soft)                                                           \
            PFX(l0_block)(0, x, y, kp, loss, grad, acc, (wl), (wg), 1,           \
                          nt, bx, by, bl, bg, m);                                \
        else                                                                     \
            PFX(l0_block)(0, x, y, kp, loss, grad, acc, (wl), (wg), 0,           \
                          nt, bx, by, bl, bg, m);                                \
    } while (0)
    if (kp->want_loss && kp->want_grad)
        L0_FIRST(1, 1);
    else if (kp->want_loss)
        L0_FIRST(1, 0);
    else
        L0_FIRST(0, 1);
#undef L0_FIRST
    for (size_t l = 0; l < m; l++) {
        if (kp->want_loss) loss[n + l] = bl[l];
        if (kp->want_grad) grad[n + l] = bg[l];
    }
}

#endif

#ifndef BCE_L0RED_UNIT
/* level 0 in blocks over [0, n); with m > 0 (and n >= one block), the m
 * leftover samples at n go with the first block (PFX(l0_first)) */
static size_t PFX(l0_run)(size_t n, size_t m, const FT *x, const FT *y, const bce_kparams *kp,
                          FT *loss, FT *grad, bce_acc *acc)
{
    size_t i = 0;
    const size_t B = L0_BG * VW;
    if (m) {
        PFX(l0_first)(n, m, x, y, kp, loss, grad, acc);
        i = B;
    }
#else
/* (the kp->l0red unit) level 0 in blocks over [0, n - n mod B); returns
 * the number of samples done; the rest go through the kernel unit's
 * kernel (PFX(loop_red)).  A reduced loss's level-0
 * terms are summed per lane over all the blocks and flushed into acc->s0,
 * e0, l0n at the end.  The order of that sum is not PFX(loop)'s, and
 * need not be: core/api.c's reduced_l0 bounds |s0 + s - Sc| by the sum of
 * the terms' bounds (e0) and 3u^2/(1 - 4u) of the total per rounding
 * double-double addition, and any order of additions of nonnegative terms
 * has at most one rounding addition per term -- an addition to an exact
 * zero (each lane's first, the zero parts) is exact (dd_add of (0, 0) and
 * a normalised pair returns the pair) --, fewer than its count of n +
 * 2n/16384 + 64.  e0 likewise: one double addition per bound and per lane
 * flushed, within its 1.01 n + 1024 (docs/ACCURACY.md, "Reductions and
 * weights on level 0").  The weights, gscale, the outputs' tests and
 * the fallback are LEVEL0_BODY's, lane by lane (PFX(l0_block)). */
__attribute__((noinline)) static size_t
PFX(l0_runr)(size_t n, const FT *x, const FT *y, const FT *w, const bce_kparams *kp,
             FT *loss, FT *grad, bce_acc *acc)
{
    size_t i = 0;
    const size_t B = L0_BG * VW;
    const VD zero = VSPLAT(0.0);
    PFX(l0sum) ls = { VFN(make)(zero, zero), zero, 0 };
#endif
#define L0_RUN(wl, wg)                                                           \
    for (; i + B <= n; i += B) {                                                 \
        if (!kp->plain)                                                          \
            PFX(l0_block)(i, x, y, kp, loss, grad, acc, (wl), (wg), 2,           \
                          0, NULL, NULL, NULL, NULL, 0 L0R_A);                   \
        else if (PFX(l0_soft)(i, y))                                             \
            PFX(l0_block)(i, x, y, kp, loss, grad, acc, (wl), (wg), 1,           \
                          0, NULL, NULL, NULL, NULL, 0 L0R_A);                   \
        else                                                                     \
            PFX(l0_block)(i, x, y, kp, loss, grad, acc, (wl), (wg), 0,           \
                          0, NULL, NULL, NULL, NULL, 0 L0R_A);                   \
    }
    if (kp->want_loss && kp->want_grad)
        L0_RUN(1, 1)
    else if (kp->want_loss)
        L0_RUN(1, 0)
    else if (kp->want_grad)
        L0_RUN(0, 1)
#undef L0_RUN
#ifdef BCE_L0RED_UNIT
    if (ls.n) PFX(l0_sum_flush)(acc, ls.s, ls.e, ls.n);
#endif
    return i;
}
#undef L0R_P
#undef L0R_A
