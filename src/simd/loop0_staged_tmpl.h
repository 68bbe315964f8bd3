/*
 * simd/loop0_staged_tmpl.h -- level 0 of the f64 outputs in stages, for
 * calls without weights, reduction or gradient factor (included by
 * simd/loop_tmpl.h when the kernel unit defines WITH_LEVEL0_STAGED and the
 * form VLEVEL0_E / VLEVEL0_B: the logits form's e = e^-|z| and the rest,
 * level0/logits_tmpl.h's logits_l0_e and logits_l0_b).
 *
 * Over a block of L0_BG groups of VW lanes: first stage E on every group
 * (its results in a small buffer), then the rest and the rounding tests
 * group by group.  The arithmetic is level 0's, statement for statement
 * (logits_l0 is the two stages in a row), so the results and the lanes that
 * fall back are the same; only the order of the work changes.  Why: one
 * group's chain (exponential, then logarithm and division, then the tests)
 * is ~300 instructions long, about what the out-of-order window holds, so
 * two groups in a row hardly overlapped; a block of short independent
 * stages does.  A group whose lanes are all hot and pass is stored on the
 * vectors; otherwise PFX(group_lanes) finishes it lane by lane (the dd path
 * or the scalar per-sample code), as in the main loop.  Returns the number
 * of samples done (a multiple of L0_BG VW); the caller's loop does the rest.
 */
#define PFX_L0_RUN 1
#ifndef L0_BG
#define L0_BG 16          /* groups of VW lanes per block */
#endif

/* one block of L0_BG groups at i; wl, wg: want_loss, want_grad, constants
 * in each of PFX(l0_run)'s three loops */
static inline __attribute__((always_inline)) void
PFX(l0_block)(size_t i, const FT *x, const FT *y, const bce_kparams *kp,
              FT *loss, FT *grad, bce_acc *acc, const int wl, const int wg)
{
    VD Z[L0_BG], Y[L0_BG], EH[L0_BG], EL[L0_BG];
    VI H[L0_BG];
    VDD LG[L0_BG];
    /* stage E: e = e^-|z| */
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
        VLEVEL0_E(z, &EH[g], &EL[g]);
    }
    /* stage LG: log(1 + e) */
    for (int g = 0; g < L0_BG; g++) {
        LG[g] = VFN(make)(VSPLAT(0.0), VSPLAT(0.0));
        if (wl) LG[g] = VLEVEL0_LG(EH[g], EL[g]);
    }
    /* the rest: the loss, the gradient, the rounding tests, the stores */
    for (int g = 0; g < L0_BG; g++) {
        const VD zero = VSPLAT(0.0);
        VDD fL = VFN(make)(zero, zero), fG = fL;
        VD fLe = zero, fLd = zero, fGe = zero, fGd = zero;
        VI ok = VLEVEL0_B(Z[g], Y[g], EH[g], EL[g], LG[g], wl, wg,
                          &fL, &fLe, &fLd, &fG, &fGe, &fGd);
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

static size_t PFX(l0_run)(size_t n, const FT *x, const FT *y, const bce_kparams *kp,
                          FT *loss, FT *grad, bce_acc *acc)
{
    size_t i = 0;
    const size_t B = L0_BG * VW;
    if (kp->want_loss && kp->want_grad)
        for (; i + B <= n; i += B) PFX(l0_block)(i, x, y, kp, loss, grad, acc, 1, 1);
    else if (kp->want_loss)
        for (; i + B <= n; i += B) PFX(l0_block)(i, x, y, kp, loss, grad, acc, 1, 0);
    else if (kp->want_grad)
        for (; i + B <= n; i += B) PFX(l0_block)(i, x, y, kp, loss, grad, acc, 0, 1);
    return i;
}
