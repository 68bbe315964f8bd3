/*
 * logreg_l1_tmpl.h -- one row of the fused logistic regression in the
 * normal range (2^-900 <= |zh| <= 600, finite), written once for every lane
 * type (the scalar code in src/logreg_level1.c and the SIMD blocks run these
 * statements, so they give the same bits).  Algorithm and bounds:
 * src/logreg_level1.c.  Uses elem_tmpl.h and logits_hot_tmpl.h's functions.
 * No include guard: included once per instantiation.
 */

/* L (if want_loss), G and H (if want_h) at z = zh + zl, for the label
 * coefficients alpha, beta, N (exact: plain labels, labrel = 0). */
static inline void EL_FN(lr_normal)(EL_V zh, EL_V zl, EL_DD alpha, EL_DD beta,
                                    EL_DD N, int exact, EL_V labrel,
                                    int want_loss, int want_h,
                                    EL_DD *Lo, EL_DD *Go, EL_DD *Ho)
{
    const EL_V az = EL_ABS(zh);
    const EL_M pos = zh > 0.0;
    EL_I E;
    const EL_DD m = EL_FN(exp_scaled)(-az, &E);
    const EL_DD C = EL_FN(sel_dd)(pos, beta, alpha);
    EL_DD Lv, Gv;
    EL_V Lerr, Gerr;
    EL_FN(logits_normal)(az, pos, m, E, C, N, exact, labrel, want_loss, 1,
                         &Lv, &Lerr, &Gv, &Gerr);
    /* N s0 from G (see logreg_level1.c), clamped at 0 */
    EL_DD Ns0 = EL_FN(sel_dd)(pos, EL_DDFN(dd_sub)(C, Gv), EL_DDFN(dd_add)(Gv, C));
    const EL_M npos = Ns0.hi > 0.0;
    Ns0.hi = EL_SEL(npos, Ns0.hi, EL_SPLAT(0.0));
    Ns0.lo = EL_SEL(npos, Ns0.lo, EL_SPLAT(0.0));
    const EL_V s0 = Ns0.hi / N.hi;
    const EL_V hS = Ns0.hi * (1.0 - s0);
    const EL_M nz = zl != 0.0;
    Gv = EL_FN(sel_dd)(nz, EL_DDFN(dd_add_d)(Gv, hS * zl), Gv);
    *Go = Gv;
    if (want_loss)
        *Lo = EL_FN(sel_dd)(nz, EL_DDFN(dd_add_d)(Lv, Gv.hi * zl), Lv);
    if (want_h) {
        /* s0 itself: the hard label on z's side (C = 0, N = 1) */
        EL_DD zero, one, G2, L2;
        EL_V e1, e2;
        zero.hi = EL_SPLAT(0.0); zero.lo = EL_SPLAT(0.0);
        one.hi = EL_SPLAT(1.0); one.lo = EL_SPLAT(0.0);
        EL_FN(logits_normal)(az, pos, m, E, zero, one, 1, EL_SPLAT(0.0), 0, 1,
                             &L2, &e1, &G2, &e2);
        const EL_DD s0d = EL_FN(sel_dd)(pos, EL_DDFN(dd_neg)(G2), G2);
        EL_DD H = EL_DDFN(dd_mul)(s0d, EL_DDFN(dd_add_d)(EL_DDFN(dd_neg)(s0d), EL_SPLAT(1.0)));
        if (!exact) H = EL_DDFN(dd_mul)(N, H);
        const EL_V d = H.hi * ((1.0 - 2.0 * s0) * zl);
        const EL_M app = nz & (H.hi != 0.0);
        *Ho = EL_FN(sel_dd)(app, EL_DDFN(dd_add_d)(H, EL_SEL(pos, -d, d)), H);
    }
}
