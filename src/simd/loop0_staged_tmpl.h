/*
 * simd/loop0_staged_tmpl.h -- level 0 of the f64 outputs in stages, for
 * calls without weights, reduction or gradient factor (included by
 * simd/loop_tmpl.h when the kernel unit defines WITH_LEVEL0_STAGED and the
 * form the stages of its level 0, on T = PFX(l0t), five vectors:
 *   VL0_SOFT(y)        1 if a group needs the form's soft-label variant
 *                      (chosen per block: any group of it)
 *   VL0_S1(z, y, wl, wg, soft, T), optionally VL0_S1B(same), VL0_S2(same)
 *                      the first stages
 *   VL0_S3(z, y, wl, wg, soft, T, &Lv, &Lef, &Led, &Gv, &Gef, &Ged)
 *                      the rest, as VLEVEL0 (its lane mask and outputs)
 * (the logits form: e = e^-|z|, the log's table look-ups, log(1 + e), the
 * rest; the probability form: its logs, the rest -- level0/logits_tmpl.h,
 * level0/probs_tmpl.h, where the one-call functions are these stages in a
 * row).
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
 * multiple of L0_BG VW); the caller's loop does the rest.
 */
#define PFX_L0_RUN 1
#ifndef L0_BG
#define L0_BG 16          /* groups of VW lanes per block */
#endif

typedef struct { VD a, b, c, d, e; } PFX(l0t);

/* one block of L0_BG groups at i; wl, wg (want_loss, want_grad) and soft
 * are constants in each of PFX(l0_run)'s loops */
static inline __attribute__((always_inline)) void
PFX(l0_block)(size_t i, const FT *x, const FT *y, const bce_kparams *kp,
              FT *loss, FT *grad, bce_acc *acc, const int wl, const int wg, const int soft)
{
    VD Z[L0_BG], Y[L0_BG];
    VI H[L0_BG];
    PFX(l0t) T[L0_BG];
    const VD zero = VSPLAT(0.0);
    (void)soft;                       /* (the logits form has one variant) */
    for (int g = 0; g < L0_BG; g++) {
        VD z = LOADV(x + i + VW * g), yv = LOADV(y + i + VW * g);
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
        T[g].a = T[g].b = T[g].c = T[g].d = T[g].e = zero;
        VL0_S1(z, yv, wl, wg, soft, T[g]);
    }
#ifdef VL0_S1B
    for (int g = 0; g < L0_BG; g++)
        VL0_S1B(Z[g], Y[g], wl, wg, soft, T[g]);
#endif
    for (int g = 0; g < L0_BG; g++)
        VL0_S2(Z[g], Y[g], wl, wg, soft, T[g]);
    /* the rest: the loss, the gradient, the rounding tests, the stores */
    for (int g = 0; g < L0_BG; g++) {
        VDD fL = VFN(make)(zero, zero), fG = fL;
        VD fLe = zero, fLd = zero, fGe = zero, fGd = zero;
        VI ok = VL0_S3(Z[g], Y[g], wl, wg, soft, T[g], &fL, &fLe, &fLd, &fG, &fGe, &fGd);
        if (wl) ok &= VFN(f64_safe)(fL, fLe + fLd);
        if (wg) ok &= VFN(f64_safe)(fG, fGe + fGd);
        ok &= H[g];
        VD Lo = fL.hi + fL.lo, Go = fG.hi + fG.lo;
#ifdef BCE_LEVEL0_STATS
        bce_level0_stats[VALL(ok)]++;
#endif
        if (__builtin_expect(VALL(ok), 1)) {
            if (wg) STOREV(grad + i + VW * g, Go);
            if (wl) STOREV(loss + i + VW * g, Lo);
        } else {
            PFX(group_lanes)(i + VW * (size_t)g, VW, Z[g], Y[g], H[g], ok, Lo, Go,
                             x, y, NULL, kp, loss, grad, acc);
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

static size_t PFX(l0_run)(size_t n, const FT *x, const FT *y, const bce_kparams *kp,
                          FT *loss, FT *grad, bce_acc *acc)
{
    size_t i = 0;
    const size_t B = L0_BG * VW;
#define L0_RUN(wl, wg)                                                           \
    for (; i + B <= n; i += B) {                                                 \
        if (PFX(l0_soft)(i, y))                                                  \
            PFX(l0_block)(i, x, y, kp, loss, grad, acc, (wl), (wg), 1);          \
        else                                                                     \
            PFX(l0_block)(i, x, y, kp, loss, grad, acc, (wl), (wg), 0);          \
    }
    if (kp->want_loss && kp->want_grad)
        L0_RUN(1, 1)
    else if (kp->want_loss)
        L0_RUN(1, 0)
    else if (kp->want_grad)
        L0_RUN(0, 1)
#undef L0_RUN
    return i;
}
