/*
 * simd/loop0_staged_tmpl.h -- level 0 of the f64 outputs in stages, for
 * calls without weights, reduction or gradient factor (included by
 * simd/loop_tmpl.h when the kernel unit defines WITH_LEVEL0_STAGED and the
 * form the stages of its level 0, on T = PFX(l0t), five vectors:
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
 * arrays is read or written (tests/test_tail.c, guard pages).
 */
#define PFX_L0_RUN 1
#ifndef L0_BG
#define L0_BG 16          /* groups of VW lanes per block */
#endif

typedef struct { VD a, b, c, d, e; } PFX(l0t);

/* a reduced loss's level-0 terms (red): per lane their double-double sum
 * (VFN(dd_add), as the main loop's lsum), their bounds, how many */
typedef struct { VDD s; VD e; size_t n; } PFX(l0sum);

/* one block of L0_BG groups at i; wl, wg (want_loss, want_grad), soft and
 * red are constants in each of PFX(l0_run)'s loops.  red: a kp->l0red call
 * (weights w, a reduction, gscale: runtime tests, the same in every group);
 * then stage 3 is followed by LEVEL0_BODY's statements (PFX(l0_scale) with
 * the weight and gscale, f64_safe on the scaled values; a reduced loss's
 * terms TwoSum(fL) with their bounds into *ls instead of stores), and the
 * groups that fail go to PFX(group_lanes_b) with those values, as in the
 * main loop.  Padded groups: tw their weights (1 in the padding), and a
 * reduced loss adds only its first tm samples' terms (the padding lanes'
 * are replaced by exact zeros, which dd_add adds exactly). */
static inline __attribute__((always_inline)) void
PFX(l0_block)(size_t i, const FT *x, const FT *y, const FT *w, const bce_kparams *kp,
              FT *loss, FT *grad, bce_acc *acc, const int wl, const int wg, const int soft,
              const int red, PFX(l0sum) *ls,
              const int nt, const FT *tx, const FT *ty, const FT *tw, FT *tl, FT *tg, size_t tm)
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
    const int rsum = red && wl && kp->reduce;     /* a reduced loss: summed */
    for (int g = 0; g < L0_BG + nt; g++) {
        const int pad = nt && g >= L0_BG;
        VDD fL = VFN(make)(zero, zero), fG = fL;
        VD fLe = zero, fLd = zero, fGe = zero, fGd = zero;
        VI ok = VL0_S3(Z[g], Y[g], kp, wl, wg, soft, T[g], &fL, &fLe, &fLd, &fG, &fGe, &fGd);
        VD Lo = zero, Go = zero;      /* RN(hi + lo) where the test passes */
        VD Ll = zero, Lb = zero;      /* (rsum) TwoSum(fL)'s low part, the bound */
        if (!red) {
            if (wl) ok &= VFN(f64_safe_r)(fL, fLe + fLd, &Lo);
            if (wg) ok &= VFN(f64_safe_r)(fG, fGe + fGd, &Go);
        } else {
            /* LEVEL0_BODY's statements (simd/loop_tmpl.h) */
            const VD wv = w ? LOADV(pad ? tw + VW * (g - L0_BG) : w + i + VW * g) : zero;
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
        }
        ok &= H[g];
#ifdef BCE_LEVEL0_STATS
        bce_level0_stats[VALL(ok)]++;
#endif
        if (pad) {
            /* a padded group: into the local buffers, its first lanes up
             * to tm the samples (group_lanes stops there) */
            size_t k0 = VW * (size_t)(g - L0_BG);
            size_t nl = tm - k0 < VW ? tm - k0 : VW;
            if (__builtin_expect(VALL(ok), 1)) {
                if (wg) STOREV(tg + k0, Go);
                if (rsum) {
                    /* only the samples' terms: exact zeros in the padding */
                    VI li;
                    for (int l = 0; l < VW; l++) li[l] = l;
                    VI smp = li < (int64_t)nl;
                    ls->s = VFN(dd_add)(ls->s, VFN(make)(EL_SEL(smp, Lo, zero),
                                                         EL_SEL(smp, Ll, zero)));
                    ls->e += EL_SEL(smp, Lb, zero);
                    ls->n += nl;
                } else if (wl) {
                    STOREV(tl + k0, Lo);
                }
            } else {
                PFX(group_lanes_b)(k0, nl, Z[g], Y[g], H[g], ok, Lo, Ll, Lb, Go,
                                   tx, ty, red ? (w ? tw : NULL) : NULL, kp, tl, tg, acc);
            }
        } else if (__builtin_expect(VALL(ok), 1)) {
            if (wg) STOREV(grad + i + VW * g, Go);
            if (rsum) {
                ls->s = VFN(dd_add)(ls->s, VFN(make)(Lo, Ll));
                ls->e += Lb;
                ls->n += VW;
            } else if (wl) {
                STOREV(loss + i + VW * g, Lo);
            }
        } else {
            PFX(group_lanes_b)(i + VW * (size_t)g, VW, Z[g], Y[g], H[g], ok, Lo, Ll, Lb, Go,
                               x, y, red ? w : NULL, kp, loss, grad, acc);
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

/* The first block with the m (0 < m < NG VW) leftover samples at x + n
 * appended as one or two padded groups (PFX(tail)'s padding: (0.25, 0),
 * hot with a hard label in either form, weight 1); only their m outputs
 * are copied back (a reduced loss: only their m terms are summed, into
 * *ls).  wl, wg, soft and red constants in each instantiation (with soft a
 * variable, gcc no longer inlined the probability form's stages: the first
 * block took ~50 ns longer); the count of padded groups, 1 or 2, is a
 * variable (it runs once per call). */
__attribute__((noinline)) static PFX(l0sum)
PFX(l0_first)(size_t n, size_t m, const FT *x, const FT *y, const FT *w, const bce_kparams *kp,
              FT *loss, FT *grad, bce_acc *acc, const int red)
{
    const VD zero = VSPLAT(0.0);
    PFX(l0sum) s = { VFN(make)(zero, zero), zero, 0 }, *ls = &s;
    enum { TW = NG * VW };
    FT bx[TW], by[TW], bw[TW], bl[TW], bg[TW];
    for (size_t l = 0; l < TW; l++) {
        bx[l] = (FT)0.25;
        by[l] = 0;
        bw[l] = 1;
    }
    /* (separate loops: see PFX(tail)) */
    for (size_t l = 0; l < m; l++) {
        bx[l] = x[n + l];
        by[l] = y[n + l];
    }
    if (w)
        for (size_t l = 0; l < m; l++) bw[l] = w[n + l];
    const int nt = m <= VW ? 1 : 2;
    int soft = PFX(l0_soft)(0, y);
    for (int g = 0; g < nt; g++) {
        VD yv = LOADV(by + VW * g);
        soft |= VL0_SOFT(yv);
        (void)yv;
    }
#define L0_FIRST(wl, wg, r)                                                      \
    do {                                                                         \
        if (!kp->plain)                                                          \
            PFX(l0_block)(0, x, y, w, kp, loss, grad, acc, (wl), (wg), 2, (r), ls, \
                          nt, bx, by, bw, bl, bg, m);                            \
        else if (soft)                                                           \
            PFX(l0_block)(0, x, y, w, kp, loss, grad, acc, (wl), (wg), 1, (r), ls, \
                          nt, bx, by, bw, bl, bg, m);                            \
        else                                                                     \
            PFX(l0_block)(0, x, y, w, kp, loss, grad, acc, (wl), (wg), 0, (r), ls, \
                          nt, bx, by, bw, bl, bg, m);                            \
    } while (0)
    if (red) {
        if (kp->want_loss && kp->want_grad)
            L0_FIRST(1, 1, 1);
        else if (kp->want_loss)
            L0_FIRST(1, 0, 1);
        else
            L0_FIRST(0, 1, 1);
    } else {
        if (kp->want_loss && kp->want_grad)
            L0_FIRST(1, 1, 0);
        else if (kp->want_loss)
            L0_FIRST(1, 0, 0);
        else
            L0_FIRST(0, 1, 0);
    }
#undef L0_FIRST
    for (size_t l = 0; l < m; l++) {
        if (kp->want_loss && !kp->reduce) loss[n + l] = bl[l];
        if (kp->want_grad) grad[n + l] = bg[l];
    }
    return s;
}

/* the blocks of PFX(l0_run) from i, for one (wl, wg, red) */
#define L0_RUN(wl, wg, r)                                                        \
    for (; i + B <= n; i += B) {                                                 \
        if (!kp->plain)                                                          \
            PFX(l0_block)(i, x, y, w, kp, loss, grad, acc, (wl), (wg), 2, (r), &ls, \
                          0, NULL, NULL, NULL, NULL, NULL, 0);                   \
        else if (PFX(l0_soft)(i, y))                                             \
            PFX(l0_block)(i, x, y, w, kp, loss, grad, acc, (wl), (wg), 1, (r), &ls, \
                          0, NULL, NULL, NULL, NULL, NULL, 0);                   \
        else                                                                     \
            PFX(l0_block)(i, x, y, w, kp, loss, grad, acc, (wl), (wg), 0, (r), &ls, \
                          0, NULL, NULL, NULL, NULL, NULL, 0);                   \
    }

/* level 0 in blocks over [0, n) of a call without weights, reduction or
 * factor (red = 0) or of a kp->l0red call (red = 1, PFX(l0_runr)); with
 * m > 0 (and n >= one block), the m leftover samples at n go with the
 * first block (PFX(l0_first)).  A reduced loss's level-0 terms: summed
 * per lane, flushed into acc->s0, e0, l0n once at the end. */
static inline __attribute__((always_inline)) size_t
PFX(l0_run_t)(size_t n, size_t m, const FT *x, const FT *y, const FT *w,
              const bce_kparams *kp, FT *loss, FT *grad, bce_acc *acc, const int red)
{
    size_t i = 0;
    const size_t B = L0_BG * VW;
    const VD zero = VSPLAT(0.0);
    PFX(l0sum) ls = { VFN(make)(zero, zero), zero, 0 };
    if (m) {
        ls = PFX(l0_first)(n, m, x, y, w, kp, loss, grad, acc, red);
        i = B;
    }
    if (red) {
        if (kp->want_loss && kp->want_grad)
            L0_RUN(1, 1, 1)
        else if (kp->want_loss)
            L0_RUN(1, 0, 1)
        else if (kp->want_grad)
            L0_RUN(0, 1, 1)
        if (ls.n) PFX(l0_sum_flush)(acc, ls.s, ls.e, ls.n);
    } else {
        if (kp->want_loss && kp->want_grad)
            L0_RUN(1, 1, 0)
        else if (kp->want_loss)
            L0_RUN(1, 0, 0)
        else if (kp->want_grad)
            L0_RUN(0, 1, 0)
    }
    return i;
}
#undef L0_RUN

static size_t PFX(l0_run)(size_t n, size_t m, const FT *x, const FT *y,
                          const bce_kparams *kp, FT *loss, FT *grad, bce_acc *acc)
{
    return PFX(l0_run_t)(n, m, x, y, NULL, kp, loss, grad, acc, 0);
}

__attribute__((noinline)) static size_t
PFX(l0_runr)(size_t n, size_t m, const FT *x, const FT *y, const FT *w,
             const bce_kparams *kp, FT *loss, FT *grad, bce_acc *acc)
{
    return PFX(l0_run_t)(n, m, x, y, w, kp, loss, grad, acc, 1);
}
