/*
 * logreg/logreg_entry_tmpl.h -- validation and the one pass of the fused logistic
 * regression, for one data type (src/logreg/logreg.c instantiates it for double
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
    bce_kparams_init(o, 1, 1, &su->kp);
    su->m = m;
    su->ws = bce_dd_make(0.0, 0.0);
    return BCE_OK;
}

/* First non-finite feature of row i: its offset i*ldx + j, or BCE_NO_INDEX. */
static size_t LRN(bad_feature)(const LRPB *pb, size_t i)
{
    const LRT *r = pb->x + i * pb->ldx;
    for (size_t j = 0; j < pb->k; j++)
        if (!finite_d(r[j])) return i * pb->ldx + j;
    return BCE_NO_INDEX;
}

/* Label and weight of row i (in that order); adds the weight to su->ws. */
static bce_status LRN(check_row)(const LRPB *pb, size_t i, lr_setup *su)
{
    double yi = pb->y[i];
    if (yi != yi) return BCE_E_NAN_LABEL;
    if (!(yi >= 0.0 && yi <= 1.0)) return BCE_E_LABEL_RANGE;
    if (pb->sw) {
        double s = pb->sw[i];
        if (s != s) return BCE_E_NAN_WEIGHT;
        if (!(s == 0.0 || (s >= BCE_WEIGHT_MIN && s <= BCE_WEIGHT_MAX))) return BCE_E_WEIGHT_RANGE;
        su->ws = bce_dd_add_d(su->ws, s);
    }
    return BCE_OK;
}

/* The reduction's norm, once every row is checked. */
static bce_status LRN(norm)(const LRPB *pb, const bce_options *o, lr_setup *su)
{
    bce_dd ws = pb->sw ? su->ws : bce_dd_make((double)pb->n, 0.0);
    su->norm = bce_dd_make(1.0, 0.0);
    if (o->reduction == BCE_REDUCTION_MEAN)
        su->norm = bce_dd_make((double)pb->n, 0.0);
    else if (o->reduction == BCE_REDUCTION_WEIGHTED_MEAN) {
        if (ws.hi == 0.0) return BCE_E_ZERO_WEIGHT_SUM;
        su->norm = ws;
    }
    return BCE_OK;
}

/* Every row checked before the pass (used when per-sample outputs are
 * written during the pass: nothing may be written on error). */
static bce_status LRN(scan_rows)(const LRPB *pb, const bce_options *o, lr_setup *su)
{
    for (size_t i = 0; i < pb->n; i++) {
        size_t bad = pb->k > 0 ? LRN(bad_feature)(pb, i) : BCE_NO_INDEX;
        if (bad != BCE_NO_INDEX) return lr_fail(o, BCE_E_NONFINITE_FEATURE, bad);
        bce_status st = LRN(check_row)(pb, i, su);
        if (st != BCE_OK) return lr_fail(o, st, i);
    }
    bce_status st = LRN(norm)(pb, o, su);
    return st == BCE_OK ? BCE_OK : lr_fail(o, st, BCE_NO_INDEX);
}

/* z of row i (or t = x~.v) when the double-double dot overflowed, as
 * s 2^1200: a plain double sum in a frame scaled by 2^-1200 (only reached
 * when |z| > ~2^1020; the products of tiny terms are lost there, far below
 * the sum's last bit). */
static double LRN(dot_big_scaled)(const LRT *r, size_t k, const double *w, double w0)
{
    double s = w0 * 0x1p-600 * 0x1p-600;
    for (size_t j = 0; j < k; j++)
        s += ((double)r[j] * 0x1p-600) * (w[j] * 0x1p-600);
    return s;
}
static double LRN(dot_big)(const LRT *r, size_t k, const double *w, double w0)
{
    return LRN(dot_big_scaled)(r, k, w, w0) * 0x1p600 * 0x1p600;
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
    /* Rows are checked in the pass (a non-finite feature shows as a
     * non-finite z), unless per-sample outputs are written during it. */
    const int prescan = smp && (smp->z || smp->loss || smp->r);
    if (prescan && (st = LRN(scan_rows)(pb, o, &su)) != BCE_OK) return st;

    const bce_kernels *kt = bce_kernels_active();
    const size_t n = pb->n, k = pb->k, m = su.m, ldx = pb->ldx;
    const size_t kpad = (k + 7) / 8 * 8, B = bce_lr_block_rows(k);
    const int icpt = pb->fit_intercept != 0, hvp = v != NULL;
    const int fast = (o->flags & BCE_OPT_FAST_ACCUM) != 0;
    const int want_loss = loss || (smp && smp->loss);
    const int want_acc = gout != NULL;
    /* BCE_OPT_FAST_ACCUM with plain labels: the rows in plain doubles
     * (kt->lr.rows_fast), block by block where every row qualifies */
    const int plain_fast = fast && su.kp.plain;
    size_t badi = BCE_NO_INDEX;

    /* scratch: w and v features, S, Q, the totals (hi, lo), 7 row arrays,
     * the rows' level-1 results */
    double *buf = calloc(7 * kpad + 9 * B + 8, sizeof(double));
    bce_lr_row *rows = malloc(B * sizeof *rows);
    if (!buf || !rows) {
        free(buf); free(rows);
        return lr_fail(o, BCE_E_OUT_OF_MEMORY, BCE_NO_INDEX);
    }
    double *wf = buf, *vf = wf + kpad, *S = vf + kpad, *Q = S + kpad;
    double *Th = Q + kpad, *Tl = Th + kpad;
    double *zh = Tl + kpad, *zl = zh + B, *th = zl + B, *tl = th + B;
    double *rh = tl + B, *rl = rh + B, *yb = rl + B, *sb = yb + B, *lb = sb + B;
    for (size_t j = 0; j < k; j++) {
        wf[j] = w[icpt + j];
        if (hvp) vf[j] = v[icpt + j];
    }
    const double w0 = icpt ? (double)w[0] : 0.0;
    const double v0 = icpt && hvp ? (double)v[0] : 0.0;

    /* the loss and the intercept: Sum2 within a block, folded into
     * double-double totals after each block */
    bce_dd lsum = bce_dd_make(0.0, 0.0), g0 = bce_dd_make(0.0, 0.0);
    int lspecial = 0;
    double lspec = 0.0;
    for (size_t i0 = 0; i0 < n; i0 += B) {
        const size_t nb = n - i0 < B ? n - i0 : B;
        if (k > 0)
            (fast ? LR_DOTS_FAST(kt) : LR_DOTS(kt))(pb->x, ldx, k, wf,
                        hvp ? vf : NULL, w0, v0, i0, nb, zh, zl, th, tl);
        else
            for (size_t r = 0; r < nb; r++) { zh[r] = w0; th[r] = v0; zl[r] = tl[r] = 0.0; }
        double ls = 0.0, lq = 0.0, gs0 = 0.0, gq0 = 0.0;
        /* the next block's labels (and weights) stream in meanwhile (they
         * are read in bursts that the hardware prefetcher misses) */
        if (i0 + 2 * nb < n) {
            const size_t nn = n - i0 - 2 * nb < B ? n - i0 - 2 * nb : B;
            const char *py = (const char *)(pb->y + i0 + 2 * nb);
            for (size_t off = 0; off < nn * sizeof(LRT); off += 64) {
                __builtin_prefetch(py + off, 0, 3);
                if (pb->sw) __builtin_prefetch((const char *)(pb->sw + i0 + 2 * nb) + off, 0, 3);
            }
        }
        if (plain_fast) {
            /* labels and weights as doubles (f64 data: in place) */
            const double *yd = LR_AS_F64(pb->y + i0, yb, nb);
            const double *sd = pb->sw ? LR_AS_F64(pb->sw + i0, sb, nb) : NULL;
            double sums[4];
            if (kt->lr.rows_fast(nb, zh, hvp ? th : NULL, yd, sd, want_loss, rh,
                                 smp && smp->loss ? lb : NULL, sums)) {
                if (!prescan && sd && o->reduction == BCE_REDUCTION_WEIGHTED_MEAN)
                    for (size_t r = 0; r < nb; r++) su.ws = bce_dd_add_d(su.ws, sd[r]);
                /* per-sample outputs (rows checked before the pass, norm known) */
                for (size_t r = 0; prescan && r < nb; r++) {
                    const size_t i = i0 + r;
                    if (smp->z) smp->z[i] = LR_TO(bce_dd_make(zh[r], 0.0));
                    if (smp->loss) smp->loss[i] = LR_TO(bce_dd_make(lb[r], 0.0));
                    if (smp->r) {
                        bce_dd rho = bce_dd_make(rh[r], 0.0);
                        smp->r[i] = LR_TO(lr_scaled(&su) ? bce_dd_div_safe(rho, su.norm) : rho);
                    }
                }
                ls = sums[0]; lq = sums[1]; gs0 = sums[2]; gq0 = sums[3];
                goto block_done;
            }
        }
        for (size_t r = 0; r < nb; r++) {
            if (!finite_d(zh[r])) {
                size_t bad = k > 0 ? LRN(bad_feature)(pb, i0 + r) : BCE_NO_INDEX;
                if (bad != BCE_NO_INDEX) { st = BCE_E_NONFINITE_FEATURE; badi = bad; goto out; }
                zh[r] = LRN(dot_big)(pb->x + (i0 + r) * ldx, k, wf, w0);
                zl[r] = 0.0;
            }
            if (!prescan && (st = LRN(check_row)(pb, i0 + r, &su)) != BCE_OK) {
                badi = i0 + r;
                goto out;
            }
            yb[r] = (double)pb->y[i0 + r];
        }
        kt->lr.block(nb, zh, zl, yb, &su.kp, want_loss, hvp, rows);
        for (size_t r = 0; r < nb; r++) {
            const size_t i = i0 + r;
            const bce_lr_row *row = rows + r;
            const double s = pb->sw ? (double)pb->sw[i] : 1.0;
            if (want_loss) {
                bce_dd L = row->L;
                if (pb->sw)
                    L = finite_d(L.hi) ? bce_dd_mul_d(L, s) : bce_dd_make(L.hi * s, 0.0);
                if (!finite_d(L.hi)) { lspecial = 1; lspec += L.hi; }
                else {
                    bce_dd t = bce_two_sum(ls, L.hi);
                    ls = t.hi;
                    lq = lq + (t.lo + L.lo);
                }
                if (smp && smp->loss) smp->loss[i] = LR_TO(L);
            }
            if (smp && smp->z) smp->z[i] = LR_TO(bce_dd_make(zh[r], zl[r]));
            bce_dd rho = pb->sw ? bce_dd_mul_d(row->G, s) : row->G;
            if (smp && smp->r)
                smp->r[i] = LR_TO(lr_scaled(&su) ? bce_dd_div_safe(rho, su.norm) : rho);
            if (hvp) {
                bce_dd t = bce_dd_make(th[r], tl[r]);
                if (row->H.hi == 0.0) {
                    rho = bce_dd_make(0.0, 0.0);        /* h t = 0, t finite */
                } else if (finite_d(t.hi)) {
                    rho = bce_dd_mul(row->H, t);
                    if (pb->sw) rho = bce_dd_mul_d(rho, s);
                } else {
                    /* t beyond DBL_MAX: h t (s) formed in t's 2^1200 frame,
                     * then scaled back (inf only if the product overflows) */
                    double ts = LRN(dot_big_scaled)(k > 0 ? pb->x + i * ldx : NULL, k, vf, v0);
                    double p = row->H.hi * ts * s;
                    rho = bce_dd_make(p * 0x1p600 * 0x1p600, 0.0);
                }
                if (!finite_d(rho.hi)) rho.lo = 0.0;
            }
            rh[r] = rho.hi;
            rl[r] = rho.lo;
            if (icpt) {
                bce_dd t = bce_two_sum(gs0, rho.hi);
                gs0 = t.hi;
                gq0 = gq0 + (t.lo + rho.lo);
            }
        }
    block_done:
        if (want_loss && finite_d(ls) && finite_d(lq))
            lsum = bce_dd_add(lsum, bce_two_sum(ls, lq));
        else if (want_loss) { lspecial = 1; lspec += ls + lq; }
        if (icpt) {
            bce_dd t = bce_two_sum(gs0, gq0);
            g0 = finite_d(t.hi) && finite_d(g0.hi) ? bce_dd_add(g0, t)
                                                  : bce_dd_make(g0.hi + gs0 + gq0, 0.0);
        }
        if (want_acc && k > 0) {
            const size_t after = n - i0 - nb;     /* rows after this block */
            (fast ? LR_ACCUM_FAST(kt) : LR_ACCUM(kt))(pb->x, ldx, k, i0, nb,
                after < nb ? after : nb, rh, rl, S, Q);
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

    if (!prescan && (st = LRN(norm)(pb, o, &su)) != BCE_OK) goto out;
    const int scaled = lr_scaled(&su);
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
    (void)m;
out:
    free(buf);
    free(rows);
    return st == BCE_OK ? BCE_OK : lr_fail(o, st, badi);
}
