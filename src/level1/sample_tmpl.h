/*
 * level1/sample_tmpl.h -- the per-sample work, written once and instantiated for
 * each form and type (logits_f64.c, logits_f32.c, probs_f64.c, probs_f32.c)
 * and reused by the SIMD kernels (src/simd/, src/isa/) for their lanes' finishing steps
 * and for the lanes their vector path does not take.
 *
 * Define before including:
 *   PFX(name)     prefix for the static helpers defined here
 *   FT            element type (double or float)
 *   SAMPLE(x, lab, kp, L, G)   level-1 evaluation of one sample
 *   SLOW(x, y, kp, which, r)   accurate slow path
 *   GRAD_OK(r)    does the gradient meet the bound / round safely?
 *   LOSS_OK(r)    does the loss round safely?  (1 for f64: always within bound)
 *   ROUND(r)      final rounding to FT
 *   GRAD_RESOLVE(x, y, w, kp, r)  (optional) the correct rounding of a
 *                 gradient that the slow path leaves undecided
 *
 * Order of work per sample: read x, y, w (so dz may alias z), evaluate,
 * test the result against its error bound (slow path when the test fails),
 * apply the weight and the reduction's gradient factor, round once.
 */
#if !defined(PFX) || !defined(FT) || !defined(SAMPLE) || !defined(SLOW) || \
    !defined(GRAD_OK) || !defined(LOSS_OK) || !defined(ROUND)
#error "level1/sample_tmpl.h: define PFX, FT, SAMPLE, SLOW, GRAD_OK, LOSS_OK, ROUND before including it (contract above)"
#endif

/* Apply the weight (and for a gradient the reduction's factor) to r.  With
 * E = kp->wscale_e (gradient) or kp->lscale_e (loss) != 0 the weight is
 * w 2^E and 1/sum w is gscale 2^E (core/api.c): r is first scaled by 2^E
 * (exactly, through r->scale).  When the exact sum of the weights is not
 * a double-double (kp->gden_xn), err also covers gden's distance to it
 * (bce_res_gden_err): the tests then decide about w g / (exact sum). */
static inline void PFX(weigh)(bce_res *r, double wi, int has_w,
                              const bce_kparams *kp, int grad)
{
    const int E = grad ? kp->wscale_e : kp->lscale_e;
    if (E) {
        r->scale -= E;                            /* r 2^E */
        if (has_w) bce_res_scale(r, bce_dd_make(wi, 0.0));
        if (grad && kp->has_gscale) bce_res_scale(r, kp->gscale);
        if (grad && __builtin_expect(kp->gden_xn != 0, 0)) bce_res_gden_err(r);   /* S is not gden */
        if (grad && kp->mean_e) r->scale += E;    /* (w g 2^E / n) 2^-E */
        return;
    }
    if (has_w) bce_res_scale(r, bce_dd_make(wi, 0.0));
    if (grad && kp->has_gscale) bce_res_scale(r, kp->gscale);
    if (grad && __builtin_expect(kp->gden_xn != 0, 0)) bce_res_gden_err(r);       /* S is not gden */
}

/* Everything after the level-1 evaluation of sample i. */
static inline void PFX(finish)(size_t i, double xi, double yi, double wi,
                               int has_w, const bce_kparams *kp, bce_res L,
                               bce_res G, FT *loss, FT *grad, bce_acc *acc)
{
    if (wi == 0.0) { /* zero weight: the sample contributes exactly 0 */
        L.v = G.v = bce_dd_make(0.0, 0.0);
        L.scale = G.scale = 0; L.err = G.err = 0.0; L.sticky = G.sticky = 0;
    }
    if (kp->want_grad) {
        bce_res Gs = G;
        PFX(weigh)(&Gs, wi, has_w, kp, 1);
        if (!GRAD_OK(&Gs)) {
            SLOW(xi, yi, kp, 1, &G);
            Gs = G;
            PFX(weigh)(&Gs, wi, has_w, kp, 1);
#ifdef GRAD_RESOLVE
            /* still undecided: exact arithmetic decides where the value
             * is rational (src/accurate/exact.c), else the slow path's rounding */
            if (!GRAD_OK(&Gs)) grad[i] = (FT)GRAD_RESOLVE(xi, yi, wi, kp, &Gs);
            else
#endif
            grad[i] = ROUND(&Gs);
        } else {
            grad[i] = ROUND(&Gs);
        }
    }
    if (kp->want_loss) {
        bce_res Ls = L;
        PFX(weigh)(&Ls, wi, has_w, kp, 0);
        if (kp->reduce) {
            bce_acc_add(acc, &Ls);
        } else {
            if (!LOSS_OK(&Ls)) {
                SLOW(xi, yi, kp, 0, &L);
                Ls = L;
                if (has_w) bce_res_scale(&Ls, bce_dd_make(wi, 0.0));
            }
            loss[i] = ROUND(&Ls);
        }
    }
}

/* The whole work of sample i. */
static inline void PFX(one)(size_t i, const FT *x, const FT *y, const FT *w,
                            const bce_kparams *kp, FT *loss, FT *grad,
                            bce_acc *acc)
{
    const double xi = x[i], yi = y[i], wi = w ? (double)w[i] : 1.0;
    if (xi != xi) { /* only reached with BCE_OPT_PROPAGATE_NAN */
        const double nan = __builtin_nan("");
        if (kp->want_grad) grad[i] = (FT)nan;
        if (kp->want_loss) {
            if (kp->reduce) acc->nan = 1; else loss[i] = (FT)nan;
        }
        return;
    }
    bce_lab lab;
    bce_res L, G;
    bce_label(yi, kp, &lab);
    SAMPLE(xi, &lab, kp, &L, &G);
    PFX(finish)(i, xi, yi, wi, w != NULL, kp, L, G, loss, grad, acc);
}

