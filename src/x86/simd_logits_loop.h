/*
 * logits_loop.h -- the SIMD logits kernel loop, for f64 and f32 (FT), for any
 * vector width: the includer defines VW (lanes), VD/VI/VDD (vector types),
 * VFN(name) (its dd_tmpl.h functions), VEL(name) (its elem/hot functions),
 * VSPLAT(c), VALL(mask), LOADV(p), and for f64 STOREV(p, v).
 * Two groups of VW lanes at a time: when every lane is in the normal range
 * (2^-900 <= |z| <= 600: e^-|z| >= 2^-866, so E >= -900 as the scalar
 * normal path requires) and the labels are plain, the level-1 evaluation runs
 * on the lanes (logits_hot_tmpl.h, the scalar kernel's own statements);
 * each lane is then finished by the scalar kernel's finishing code (weight,
 * reduction factor, rounding test, slow path, rounding, accumulation in
 * index order), so results and reductions are bit-identical to the scalar
 * kernel's.  Any other group (a special or cold lane: +-inf, NaN, deep
 * tails, tiny |z|; or labels with pos_weight/smoothing) and the tail go
 * through the scalar per-sample code.
 */
void KERNEL_NAME(size_t n, const FT *x, const FT *y, const FT *w,
                 const bce_kparams *kp, FT *loss, FT *grad, bce_acc *acc)
{
    size_t i = 0;
#ifndef NG
#define NG 2   /* groups of VW lanes per iteration */
#endif
    if (kp->plain) {
        const VD one = VSPLAT(1.0), zero = VSPLAT(0.0);
        /* two independent groups of 4 per iteration: the dependency chains
         * of the double-double code are long, two interleave well */
        for (; i + NG * VW <= n; i += NG * VW) {
            VD z[NG], yv[NG], az[NG];
            int all = 1;
            for (int h = 0; h < NG; h++) {
                z[h] = LOADV(x + i + VW * h);
                yv[h] = LOADV(y + i + VW * h);
                az[h] = EL_ABS(z[h]);
                all &= VALL((az[h] >= 0x1p-900) & (az[h] <= 600.0));
            }
            if (!all) {
                for (size_t l = 0; l < NG * VW; l++)
                    PFX(one)(i + l, x, y, w, kp, loss, grad, acc);
                continue;
            }
            VDD Lv[NG], Gv[NG];
            VD Lerr[NG], Gerr[NG];
            for (int h = 0; h < NG; h++) {
                VI pos = z[h] > 0.0;
                VI E;
                VDD m = VEL(exp_scaled)(-az[h], &E);
                VDD alpha = VFN(make)(yv[h], zero);
                VDD beta = VFN(two_sum)(one, -yv[h]);     /* exact */
                VDD C = VEL(sel_dd)(pos, beta, alpha);
                Lv[h] = Gv[h] = VFN(make)(zero, zero);
                Lerr[h] = Gerr[h] = zero;
                VEL(logits_normal)(az[h], pos, m, E, C, VFN(make)(one, zero), 1, zero,
                                    kp->want_loss, kp->want_grad, &Lv[h], &Lerr[h],
                                    &Gv[h], &Gerr[h]);
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
