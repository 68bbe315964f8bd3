/*
 * level1/logits_hot_tmpl.h -- the level-1 logits evaluation in the normal range
 * (e = e^-|z| = 2^E m with E >= -900), written once for every lane type
 * (algorithm and error bounds: src/level1/logits.c).  The scalar kernel
 * and the SIMD kernels both run these statements, so they give the same bits.
 *
 * Needs an instantiation of level1/elem_tmpl.h (its macros stay defined).
 * Proven: see src/level1/logits.c (proofs/gappa/exp_scaled.g, ln3_*.g,
 * loss_combine.g; proofs/coq/BceDerivation.v).
 * No include guard: included once per instantiation.
 */
#if !defined(EL_V) || !defined(EL_DD) || !defined(EL_DDFN) || \
    !defined(EL_FN) || !defined(EL_M) || !defined(EL_SEL)
#error "level1/logits_hot_tmpl.h: define EL_V, EL_DD, EL_DDFN, EL_FN, EL_M, EL_SEL before including it (contract above)"
#endif

/* az = |z|, pos = (z > 0), m and E from exp_scaled(-az), C = beta where
 * z > 0 else alpha, N = alpha + beta, labrel = 0 for exact labels. */
static inline void EL_FN(logits_normal)(EL_V az, EL_M pos, EL_DD m, EL_I E,
                                        EL_DD C, EL_DD N, int exact,
                                        EL_V labrel, int want_loss, int want_grad,
                                        EL_DD *Lv, EL_V *Lerr, EL_DD *Gv, EL_V *Gerr)
{
    EL_V sc = EL_ASD((E + 1023) << 52);               /* 2^E, exact */
    EL_DD e;
    e.hi = m.hi * sc;                                 /* exact */
    e.lo = m.lo * sc;
    EL_DD d = EL_DDFN(two_sum)(EL_SPLAT(1.0), e.hi);  /* 1 + e.hi exactly */
    if (want_loss) {
        EL_DD lg = EL_FN(ln3)(d.hi, d.lo, e.lo);      /* log1p(e) */
        if (!exact) lg = EL_DDFN(dd_mul)(N, lg);
        EL_DD a = EL_DDFN(dd_mul_d)(C, az);
        *Lv = EL_DDFN(dd_add)(a, lg);
        *Lerr = EL_ABS(Lv->hi) * BCE_EPS_LOSS;
    }
    if (want_grad) {
        EL_DD D = EL_DDFN(fast_two_sum)(d.hi, d.lo + e.lo);
        EL_DD s0 = EL_DDFN(dd_div)(e, D);
        if (!exact) s0 = EL_DDFN(dd_mul)(N, s0);
        EL_DD g = EL_DDFN(dd_sub)(s0, C);
        *Gv = EL_FN(sel_dd)(pos, EL_DDFN(dd_neg)(g), g);
        *Gerr = s0.hi * BCE_EPS_SIG + (s0.hi + EL_ABS(C.hi)) * labrel
              + EL_ABS(g.hi) * 0x1p-103;
    }
}
