/*
 * level1/probs_hot_tmpl.h -- the level-1 evaluation of the probability form in its
 * common case, written once for every lane type (algorithm and bounds:
 * src/level1/probs.c): plain labels (alpha = y, beta = 1 - y exact),
 * no log clamp, 2^-800 <= p < 1, and y = 0 or y >= 2^-900 (no scaled frame
 * needed).  The scalar kernel takes this path for such samples and the SIMD
 * kernels for such lanes, so they give the same bits.
 * Needs an instantiation of level1/elem_tmpl.h (its macros stay defined).
 * No include guard.
 * Proven: the derivative in proofs/coq/BceDerivation.v (dLp_dp); the logs in
 * proofs/gappa/ln3_*.g.
 */
#if !defined(EL_V) || !defined(EL_DD) || !defined(EL_DDFN) || \
    !defined(EL_FN) || !defined(EL_M) || !defined(EL_SEL)
#error "level1/probs_hot_tmpl.h: define EL_V, EL_DD, EL_DDFN, EL_FN, EL_M, EL_SEL before including it (contract above)"
#endif

static inline void EL_FN(probs_normal)(EL_V p, EL_V y, int want_loss, int want_grad,
                                       EL_DD *Lv, EL_V *Lerr, EL_DD *Gv, EL_V *Gerr)
{
    const EL_V z0 = EL_SPLAT(0.0);
    EL_DD zero;
    zero.hi = z0;
    zero.lo = z0;
    EL_DD al;
    al.hi = y;
    al.lo = z0;
    const EL_DD be = EL_DDFN(two_sum)(EL_SPLAT(1.0), -y);     /* 1 - y, exact */
    const EL_DD omp = EL_DDFN(two_sum)(EL_SPLAT(1.0), -p);    /* 1 - p, exact */
    if (want_loss) {
        /* -alpha log p - beta log1p(-p); a zero coefficient's term is 0 */
        EL_DD tp = EL_DDFN(dd_neg)(EL_DDFN(dd_mul)(al, EL_FN(ln3)(p, z0, z0)));
        EL_DD tq = EL_DDFN(dd_neg)(EL_DDFN(dd_mul)(be, EL_FN(ln3)(omp.hi, omp.lo, z0)));
        tp = EL_FN(sel_dd)(y > 0.0, tp, zero);
        tq = EL_FN(sel_dd)(be.hi != 0.0, tq, zero);
        *Lv = EL_DDFN(dd_add)(tp, tq);
        *Lerr = EL_ABS(Lv->hi) * BCE_EPS_LOSS;
    }
    if (want_grad) {
        /* (p - y) / (p (1 - p)), numerator exact; 0 when p == y.  In
         * dd_div's proven range (proofs/gappa/dd_div.g: |num.hi| and
         * |num/den| >= 2^-964, no overflow): the hot lanes have p >=
         * 2^-800 and y = 0 or y >= 2^-900 (simd/form_probs.h VHOT), so a
         * nonzero p - y is a multiple of 2^-952 (the ulp of the smaller
         * of p, y), den = p (1 - p) is in [2^-854, 1/4], and |num/den|
         * is in [2^-950, 2^854] */
        EL_DD np;
        np.hi = p;
        np.lo = z0;
        EL_DD num = EL_DDFN(dd_sub)(np, al);
        EL_DD den = EL_DDFN(dd_mul_d)(omp, p);
        EL_V q1 = num.hi / den.hi;
        EL_DD q0;
        q0.hi = q1;
        q0.lo = z0;
        EL_DD g = EL_FN(sel_dd)(q1 == 0.0, q0, EL_DDFN(dd_div)(num, den));
        *Gv = g;
        *Gerr = EL_ABS(g.hi) * 0x1p-100;
    }
}
