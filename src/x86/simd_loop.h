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
                for (size_t l = 0; l < NG * VW; l++)
                    PFX(one)(i + l, x, y, w, kp, loss, grad, acc);
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
