/*
 * kernel_loop.h -- the per-sample loop, written once and instantiated for
 * each form and type (logits_f64.c, logits_f32.c, probs_f64.c, probs_f32.c).
 *
 * Define before including:
 *   KERNEL_NAME   function name
 *   FT            element type (double or float)
 *   SAMPLE(x, lab, kp, L, G)   level-1 evaluation of one sample
 *   SLOW(x, y, kp, which, r)   accurate slow path
 *   GRAD_OK(r)    does the gradient meet the bound / round safely?
 *   LOSS_OK(r)    does the loss round safely?  (1 for f64: always within bound)
 *   ROUND(r)      final rounding to FT
 *
 * Order of work per sample: read x, y, w (so dz may alias z), evaluate,
 * test the result against its error bound (slow path when the test fails),
 * apply the weight and the reduction's gradient factor, round once.
 */
void KERNEL_NAME(size_t n, const FT *x, const FT *y, const FT *w,
                 const bce_kparams *kp, FT *loss, FT *grad, bce_acc *acc)
{
    const double nan = __builtin_nan("");
    for (size_t i = 0; i < n; i++) {
        const double xi = x[i], yi = y[i], wi = w ? (double)w[i] : 1.0;
        bce_res L, G;
        if (xi != xi) { /* only reached with BCE_OPT_PROPAGATE_NAN */
            if (kp->want_grad) grad[i] = (FT)nan;
            if (kp->want_loss) {
                if (kp->reduce) acc->nan = 1; else loss[i] = (FT)nan;
            }
            continue;
        }
        bce_lab lab;
        bce_label(yi, kp, &lab);
        SAMPLE(xi, &lab, kp, &L, &G);
        if (wi == 0.0) { /* zero weight: the sample contributes exactly 0 */
            L.v = G.v = bce_dd_make(0.0, 0.0);
            L.scale = G.scale = 0; L.err = G.err = 0.0;
        }
        if (kp->want_grad) {
            bce_res Gs = G;
            if (w) bce_res_scale(&Gs, bce_dd_make(wi, 0.0));
            if (kp->has_gscale) bce_res_scale(&Gs, kp->gscale);
            if (!GRAD_OK(&Gs)) {
                SLOW(xi, yi, kp, 1, &G);
                Gs = G;
                if (w) bce_res_scale(&Gs, bce_dd_make(wi, 0.0));
                if (kp->has_gscale) bce_res_scale(&Gs, kp->gscale);
            }
            grad[i] = ROUND(&Gs);
        }
        if (kp->want_loss) {
            bce_res Ls = L;
            if (w) bce_res_scale(&Ls, bce_dd_make(wi, 0.0));
            if (kp->reduce) {
                bce_acc_add(acc, &Ls);
            } else {
                if (!LOSS_OK(&Ls)) {
                    SLOW(xi, yi, kp, 0, &L);
                    Ls = L;
                    if (w) bce_res_scale(&Ls, bce_dd_make(wi, 0.0));
                }
                loss[i] = ROUND(&Ls);
            }
        }
    }
}
