/*
 * simd_loop.h -- the SIMD kernel loop, for either form and f64 or f32 (FT),
 * for any vector width.  The includer defines VW (lanes), VD/VI/VDD (vector
 * types), VFN(name), VEL(name), VSPLAT(c), VALL(mask), LOADV(p), for f64
 * STOREV(p, v), for f32 STOREVF(p, v) (v rounded to float), and for the form:
 *   VUSABLE(kp)        may this call take the vector path at all?
 *   VHOT(x, y)         lane mask: the lanes the vector path computes
 *   VEVAL(x, y, kp, Lv, Lerr, Gv, Gerr)  the level-1 evaluation on them (a
 *                      *_hot_tmpl.h function: the scalar kernel's statements)
 * Two groups of VW lanes at a time: when every lane is hot, the level-1
 * evaluation runs on the lanes; each lane is then finished by the scalar
 * kernel's finishing code (weight, reduction factor, rounding test, slow
 * path, rounding, accumulation in index order), so results and reductions
 * are bit-identical to the scalar kernel's.  Any other group (a special or
 * cold lane) and the tail go through the scalar per-sample code.
 */
#if defined(BCE_FAST_STATS) && !defined(BCE_FAST_STATS_DEFINED)
#define BCE_FAST_STATS_DEFINED
#include <stdio.h>
/* development counters: fast groups that fell back / passed */
__attribute__((weak)) long bce_fast_stats[2];
__attribute__((destructor)) static void bce_fast_stats_print(void)
{
    if (bce_fast_stats[0] + bce_fast_stats[1])
        fprintf(stderr, "fast path: %ld groups fell back, %ld passed\n",
                bce_fast_stats[0], bce_fast_stats[1]);
}
#endif
void KERNEL_NAME(size_t n, const FT *x, const FT *y, const FT *w,
                 const bce_kparams *kp, FT *loss, FT *grad, bce_acc *acc)
{
    size_t i = 0;
#ifndef NG
#define NG 2   /* groups of VW lanes per iteration */
#endif
    if (VUSABLE(kp)) {
        const VD zero = VSPLAT(0.0);
        /* two independent groups of 4 per iteration: the dependency chains
         * of the double-double code are long, two interleave well */
        for (; i + NG * VW <= n; i += NG * VW) {
            VD z[NG], yv[NG];
            int all = 1;
            for (int h = 0; h < NG; h++) {
                z[h] = LOADV(x + i + VW * h);
                yv[h] = LOADV(y + i + VW * h);
                all &= VALL(VHOT(z[h], yv[h]));
            }
            if (!all) {
                /* a cold or special lane: the scalar per-sample code for
                 * it; the group's hot lanes are evaluated on the vectors and
                 * finished by the scalar finishing code (in index order) */
                for (int h = 0; h < NG; h++) {
                    VI hot = VHOT(z[h], yv[h]);
                    VDD Lv1 = VFN(make)(zero, zero), Gv1 = Lv1;
                    VD Le1 = zero, Ge1 = zero;
                    int anyhot = 0;
                    for (size_t l = 0; l < VW; l++) anyhot |= hot[l] != 0;
                    if (anyhot)
                        VEVAL(z[h], yv[h], kp, &Lv1, &Le1, &Gv1, &Ge1);
                    for (size_t l = 0; l < VW; l++) {
                        size_t k = i + VW * (size_t)h + l;
                        if (!hot[l]) {
                            PFX(one)(k, x, y, w, kp, loss, grad, acc);
                            continue;
                        }
                        bce_res L = { { Lv1.hi[l], Lv1.lo[l] }, 0, Le1[l] };
                        bce_res G = { { Gv1.hi[l], Gv1.lo[l] }, 0, Ge1[l] };
                        double wi = w ? (double)w[k] : 1.0;
                        PFX(finish)(k, z[h][l], yv[h][l], wi, w != NULL, kp, L, G,
                                    loss, grad, acc);
                    }
                }
                continue;
            }
#if defined(VFAST32) && defined(STOREVF)
            /* f32 outputs: the plain-double level 1 and the float rounding
             * test; a group with a failing lane takes the dd path below */
            if (!w && !kp->has_gscale && !kp->reduce) {
                VD fL[NG], fLe[NG], fG[NG], fGe[NG];
                int okall = 1;
                for (int h = 0; h < NG; h++) {
                    fL[h] = fLe[h] = fG[h] = fGe[h] = zero;
                    VFAST32(z[h], yv[h], kp, &fL[h], &fLe[h], &fG[h], &fGe[h]);
                    VI ok = VSPLAT(1.0) > zero;
                    if (kp->want_loss) ok &= VFN(f32d_safe)(fL[h], fLe[h]);
                    if (kp->want_grad) ok &= VFN(f32d_safe)(fG[h], fGe[h]);
                    okall &= VALL(ok);
                }
#ifdef BCE_FAST_STATS
                bce_fast_stats[okall]++;
#endif
                if (okall) {
                    for (int h = 0; h < NG; h++) {
                        if (kp->want_grad) STOREVF(grad + i + VW * h, fG[h]);
                        if (kp->want_loss) STOREVF(loss + i + VW * h, fL[h]);
                    }
                    continue;
                }
            }
#elif defined(VFAST) && (defined(STOREV) || defined(STOREVF))
            /* The double-only level 1 (no weights, reduction or factor):
             * a group's results are stored when its rounding tests prove,
             * on every lane, that they are the dd path's results; a group
             * where one lane fails is recomputed by the dd path. */
            int pre = !w && !kp->has_gscale && !kp->reduce;
#ifdef VFASTPRE
            for (int h = 0; h < NG && pre; h++) pre &= VALL(VFASTPRE(z[h], yv[h]));
#endif
            if (pre) {
                VDD fL[NG], fG[NG];
                VD fLe[NG], fLd[NG], fGe[NG], fGd[NG];
                int okh[NG];
                for (int h = 0; h < NG; h++) {
                    fL[h] = fG[h] = VFN(make)(zero, zero);
                    fLe[h] = fLd[h] = fGe[h] = fGd[h] = zero;
                    VI ok = VFAST(z[h], yv[h], kp, &fL[h], &fLe[h], &fLd[h],
                                  &fG[h], &fGe[h], &fGd[h]);
#ifdef STOREV
                    /* f64: the interval must hold the exact value and the
                     * dd path's value (which is what the scalar code rounds) */
                    if (kp->want_loss) ok &= VFN(f64_safe)(fL[h], fLe[h] + fLd[h]);
                    if (kp->want_grad) ok &= VFN(f64_safe)(fG[h], fGe[h] + fGd[h]);
#else
                    /* f32: every path returns the correctly rounded float
                     * wherever the exact value is this far from a float
                     * midpoint (the dd path's f32 test passes, or its slow
                     * path, within 2^-140, rounds the same) */
                    if (kp->want_loss) ok &= VFN(f32_fast_safe)(fL[h], fLe[h]);
                    if (kp->want_grad) ok &= VFN(f32_fast_safe)(fG[h], fGe[h]);
#endif
                    okh[h] = VALL(ok);
                }
#ifdef BCE_FAST_STATS
                for (int h = 0; h < NG; h++) bce_fast_stats[okh[h]]++;
#endif
                for (int h = 0; h < NG; h++) {
                    if (!okh[h]) {
                        /* this group: the dd path and the scalar finishing
                         * code, lane by lane (the scalar kernel's bits) */
                        VDD Lv1 = VFN(make)(zero, zero), Gv1 = Lv1;
                        VD Le1 = zero, Ge1 = zero;
                        VEVAL(z[h], yv[h], kp, &Lv1, &Le1, &Gv1, &Ge1);
                        for (size_t l = 0; l < VW; l++) {
                            bce_res L = { { Lv1.hi[l], Lv1.lo[l] }, 0, Le1[l] };
                            bce_res G = { { Gv1.hi[l], Gv1.lo[l] }, 0, Ge1[l] };
                            PFX(finish)(i + VW * (size_t)h + l, z[h][l], yv[h][l], 1.0, 0,
                                        kp, L, G, loss, grad, acc);
                        }
                        continue;
                    }
#ifdef STOREV
                    if (kp->want_grad) STOREV(grad + i + VW * h, fG[h].hi + fG[h].lo);
                    if (kp->want_loss) STOREV(loss + i + VW * h, fL[h].hi + fL[h].lo);
#else
                    if (kp->want_grad) STOREVF(grad + i + VW * h, fG[h].hi + fG[h].lo);
                    if (kp->want_loss) STOREVF(loss + i + VW * h, fL[h].hi + fL[h].lo);
#endif
                }
                continue;
            }
#endif
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
                        ok &= VALL(Gerr[h] * 0x1p55 <= EL_ABS(Gv[h].hi));
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
                    bce_res L = { { Lv[h].hi[l], Lv[h].lo[l] }, 0, Lerr[h][l] };
                    bce_res G = { { Gv[h].hi[l], Gv[h].lo[l] }, 0, Gerr[h][l] };
                    size_t k = i + VW * (size_t)h + l;
                    double wi = w ? (double)w[k] : 1.0;
                    PFX(finish)(k, z[h][l], yv[h][l], wi, w != NULL, kp, L, G,
                                loss, grad, acc);
                }
        }
    }
    for (; i < n; i++)
        PFX(one)(i, x, y, w, kp, loss, grad, acc);
}
