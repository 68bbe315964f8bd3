/*
 * logreg_entry_tmpl.h -- validation and the one pass of the fused logistic
 * regression, for one data type (src/logreg.c instantiates it for double
 * and float).  The includer defines:
 *   LRT            the data type        LRPB, LRSMP  problem / samples types
 *   LRN(name)      names of the functions defined here
 *   LR_TO(dd)      a double-double rounded to LRT
 *   LR_DOTS, LR_ACCUM  the kernel-table fields of the feature loops
 * No include guard: included once per type.
 */

static bce_status LRN(validate)(const LRPB *pb, const LRT *w, const LRT *v,
                                const bce_options *o, lr_setup *su)
{
    if (!pb || !w) return lr_fail(o, BCE_E_NULL_POINTER, BCE_NO_INDEX);
    const size_t n = pb->n, k = pb->k;
    const int icpt = pb->fit_intercept != 0;
    if (k == SIZE_MAX) return lr_fail(o, BCE_E_SIZE_OVERFLOW, BCE_NO_INDEX);
    const size_t m = k + (size_t)icpt;
    if (m == 0) return lr_fail(o, BCE_E_BAD_PROBLEM, BCE_NO_INDEX);
    if (n > 0 && ((k > 0 && !pb->x) || !pb->y))
        return lr_fail(o, BCE_E_NULL_POINTER, BCE_NO_INDEX);
    if (k > 0 && pb->ldx < k) return lr_fail(o, BCE_E_BAD_PROBLEM, BCE_NO_INDEX);
    if (!(finite_d(pb->l2) && pb->l2 >= 0.0))
        return lr_fail(o, BCE_E_BAD_PROBLEM, BCE_NO_INDEX);
    /* every element of X addressable: (n-1) ldx + k elements of LRT, and
     * the scratch space (about 8 (k + 7) doubles) */
    if (k > SIZE_MAX / 64 || n > SIZE_MAX / sizeof(LRT))
        return lr_fail(o, BCE_E_SIZE_OVERFLOW, BCE_NO_INDEX);
    if (n > 1 && k > 0 &&
        (n - 1) > (SIZE_MAX / sizeof(LRT) - k) / pb->ldx)
        return lr_fail(o, BCE_E_SIZE_OVERFLOW, BCE_NO_INDEX);
    bce_status st = bce_check_options(o, 1);
    if (st != BCE_OK) return lr_fail(o, st, BCE_NO_INDEX);
    if (o->reduction == BCE_REDUCTION_MEAN && n == 0)
        return lr_fail(o, BCE_E_EMPTY_MEAN, BCE_NO_INDEX);
    for (size_t j = 0; j < m; j++)
        if (!finite_d(w[j])) return lr_fail(o, BCE_E_NONFINITE_PARAM, j);
    if (v)
        for (size_t j = 0; j < m; j++)
            if (!finite_d(v[j])) return lr_fail(o, BCE_E_NONFINITE_PARAM, j);
    bce_dd ws = bce_dd_make(0.0, 0.0);
    for (size_t i = 0; i < n; i++) {
        const LRT *r = pb->x + i * pb->ldx;
        for (size_t j = 0; j < k; j++)
            if (!finite_d(r[j]))
                return lr_fail(o, BCE_E_NONFINITE_FEATURE, i * pb->ldx + j);
        double yi = pb->y[i];
        if (yi != yi) return lr_fail(o, BCE_E_NAN_LABEL, i);
        if (!(yi >= 0.0 && yi <= 1.0)) return lr_fail(o, BCE_E_LABEL_RANGE, i);
        if (pb->sw) {
            double s = pb->sw[i];
            if (s != s) return lr_fail(o, BCE_E_NAN_WEIGHT, i);
            if (!(s >= 0.0 && finite_d(s))) return lr_fail(o, BCE_E_WEIGHT_RANGE, i);
            ws = bce_dd_add_d(ws, s);
        }
    }
    if (!pb->sw) ws = bce_dd_make((double)n, 0.0);
    su->norm = bce_dd_make(1.0, 0.0);
    if (o->reduction == BCE_REDUCTION_MEAN)
        su->norm = bce_dd_make((double)n, 0.0);
    else if (o->reduction == BCE_REDUCTION_WEIGHTED_MEAN) {
        if (ws.hi == 0.0) return lr_fail(o, BCE_E_ZERO_WEIGHT_SUM, BCE_NO_INDEX);
        su->norm = ws;
    }
    bce_kparams_init(o, 1, 1, &su->kp);
    su->m = m;
    return BCE_OK;
}

/* z of row i (or t = x~.v) when the double-double dot overflowed: in a frame
 * scaled by 2^-1200 (plain double sum; only reached when |z| > ~2^1020). */
static double LRN(dot_big)(const LRT *r, size_t k, const double *w, double w0)
{
    double s = w0 * 0x1p-600 * 0x1p-600;
    for (size_t j = 0; j < k; j++)
        s += ((double)r[j] * 0x1p-600) * (w[j] * 0x1p-600);
    return s * 0x1p600 * 0x1p600;
}

/* The pass: loss, gradient (v == NULL) or Hessian-vector product. */
static bce_status LRN(core)(const LRPB *pb, const LRT *w, const LRT *v,
                            const bce_options *opt, LRT *loss, LRT *gout,
                            const LRSMP *smp)
{
    static const bce_options defaults;
    const bce_options *o = opt ? opt : &defaults;
    lr_setup su;
    bce_status st = LRN(validate)(pb, w, v, o, &su);
    if (st != BCE_OK) return st;

    const bce_kernels *kt = bce_kernels_active();
    const size_t n = pb->n, k = pb->k, m = su.m, ldx = pb->ldx;
    const size_t kpad = (k + 7) / 8 * 8, B = bce_lr_block_rows(k);
    const int icpt = pb->fit_intercept != 0, hvp = v != NULL;
    const int want_loss = loss || (smp && smp->loss);
    const int want_acc = gout != NULL;
    const bce_dd one = bce_dd_make(1.0, 0.0);
    const int scaled = su.norm.hi != 1.0 || su.norm.lo != 0.0;

    /* scratch: w and v features, S, Q, the totals (hi, lo), 6 row arrays */
    double *buf = calloc(7 * kpad + 6 * B + 8, sizeof(double));
    if (!buf) return lr_fail(o, BCE_E_OUT_OF_MEMORY, BCE_NO_INDEX);
    double *wf = buf, *vf = wf + kpad, *S = vf + kpad, *Q = S + kpad;
    double *Th = Q + kpad, *Tl = Th + kpad;
    double *zh = Tl + kpad, *zl = zh + B, *th = zl + B, *tl = th + B;
    double *rh = tl + B, *rl = rh + B;
    for (size_t j = 0; j < k; j++) {
        wf[j] = w[icpt + j];
        if (hvp) vf[j] = v[icpt + j];
    }
    const double w0 = icpt ? (double)w[0] : 0.0;
    const double v0 = icpt && hvp ? (double)v[0] : 0.0;

    bce_dd lsum = bce_dd_make(0.0, 0.0), g0 = bce_dd_make(0.0, 0.0);
    int lspecial = 0;
    double lspec = 0.0;
    for (size_t i0 = 0; i0 < n; i0 += B) {
        const size_t nb = n - i0 < B ? n - i0 : B;
        if (k > 0)
            LR_DOTS(kt)(pb->x, ldx, k, wf, hvp ? vf : NULL, i0, nb, zh, zl, th, tl);
        else
            for (size_t r = 0; r < nb; r++) zh[r] = zl[r] = th[r] = tl[r] = 0.0;
        for (size_t r = 0; r < nb; r++) {
            const size_t i = i0 + r;
            const LRT *xr = k > 0 ? pb->x + i * ldx : NULL;
            bce_dd z = bce_dd_add(bce_dd_make(zh[r], zl[r]), bce_dd_make(w0, 0.0));
            if (!finite_d(z.hi)) z = bce_dd_make(LRN(dot_big)(xr, k, wf, w0), 0.0);
            bce_lab lab;
            bce_label((double)pb->y[i], &su.kp, &lab);
            bce_lr_row row;
            bce_lr_level1(z.hi, z.lo, &lab, want_loss, hvp, &row);
            const double s = pb->sw ? (double)pb->sw[i] : 1.0;
            if (want_loss) {
                bce_dd L = finite_d(row.L.hi) ? bce_dd_mul_d(row.L, s)
                                              : bce_dd_make(row.L.hi * s, 0.0);
                if (!finite_d(L.hi)) { lspecial = 1; lspec += L.hi; }
                else lsum = bce_dd_add(lsum, L);
                if (smp && smp->loss) smp->loss[i] = LR_TO(L);
            }
            if (smp && smp->z) smp->z[i] = LR_TO(z);
            bce_dd gs = bce_dd_mul_d(row.G, s);
            if (smp && smp->r)
                smp->r[i] = LR_TO(scaled ? bce_dd_div_safe(gs, su.norm) : gs);
            bce_dd rho = gs;
            if (hvp) {
                bce_dd t = bce_dd_add(bce_dd_make(th[r], tl[r]), bce_dd_make(v0, 0.0));
                if (!finite_d(t.hi)) t = bce_dd_make(LRN(dot_big)(xr, k, vf, v0), 0.0);
                rho = bce_dd_mul_d(bce_dd_mul(row.H, t), s);
                if (!finite_d(rho.hi)) rho.lo = 0.0;
            }
            rh[r] = rho.hi;
            rl[r] = rho.lo;
            if (icpt) g0 = bce_dd_add(g0, rho);
        }
        if (want_acc && k > 0) {
            LR_ACCUM(kt)(pb->x, ldx, k, i0, nb, rh, rl, S, Q);
            if ((i0 + nb) % BCE_LR_FOLD == 0 || i0 + nb == n) {
                for (size_t j = 0; j < k; j++) {
                    bce_dd t = bce_two_sum(S[j], Q[j]);
                    if (!finite_d(t.hi) || !finite_d(Th[j]))
                        Th[j] = Th[j] + S[j] + Q[j], Tl[j] = 0.0;
                    else {
                        bce_dd u = bce_dd_add(bce_dd_make(Th[j], Tl[j]), t);
                        Th[j] = u.hi; Tl[j] = u.lo;
                    }
                    S[j] = Q[j] = 0.0;
                }
            }
        }
    }

    const double l2 = pb->l2;
    if (loss) {
        bce_dd tot;
        if (lspecial) tot = bce_dd_make(lsum.hi + lspec, 0.0);
        else tot = scaled ? bce_dd_div_safe(lsum, su.norm) : lsum;
        if (l2 != 0.0 && finite_d(tot.hi)) {
            bce_dd sq = bce_dd_make(0.0, 0.0);
            for (size_t j = 0; j < k; j++)
                sq = bce_dd_add(sq, bce_two_prod(wf[j], wf[j]));
            bce_dd reg = bce_dd_mul_d(sq, l2);
            reg = bce_dd_make(reg.hi * 0.5, reg.lo * 0.5);
            tot = finite_d(reg.hi) ? bce_dd_add(tot, reg) : bce_dd_make(tot.hi + reg.hi, 0.0);
        }
        *loss = LR_TO(tot);
    }
    if (gout) {
        const double *pv = hvp ? vf : wf;
        if (icpt) gout[0] = LR_TO(scaled ? bce_dd_div_safe(g0, su.norm) : g0);
        for (size_t j = 0; j < k; j++) {
            bce_dd g = bce_dd_make(Th[j], Tl[j]);
            if (!finite_d(g.hi)) { gout[icpt + j] = (LRT)(g.hi + l2 * pv[j]); continue; }
            if (scaled) g = bce_dd_div_safe(g, su.norm);
            if (l2 != 0.0) {
                bce_dd p = bce_two_prod(l2, pv[j]);
                g = finite_d(p.hi) ? bce_dd_add(g, p) : bce_dd_make(g.hi + p.hi, 0.0);
            }
            gout[icpt + j] = LR_TO(g);
        }
    }
    (void)one;
    (void)m;
    free(buf);
    return BCE_OK;
}
