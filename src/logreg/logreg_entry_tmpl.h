/*
 * logreg/logreg_entry_tmpl.h -- validation and the one pass of the fused logistic
 * regression, for one data type (src/logreg/logreg.c instantiates it for double
 * and float).  The includer defines:
 *   LRT                the data type (double or float)
 *   LRPB, LRSMP        the problem and samples types of LRT (include/bce.h)
 *   LRN(name)          names of the functions defined here (lr_name_f64, ...)
 *   LR_TO(dd)          a double-double rounded once to LRT
 *   LR_AS_F64(p, buf, nb)  nb values of LRT at p as doubles (p itself for
 *                      double; widened into buf for float)
 *   LR_DOTS(kt), LR_ACCUM(kt)            the kernel table's feature loops
 *   LR_DOTS_FAST(kt), LR_ACCUM_FAST(kt)  the same for BCE_OPT_FAST_ACCUM
 * and, before including, the type-independent helpers of logreg.c (lr_setup,
 * lr_pass, lr_block, lr_fail, finite_d, lr_prod, lr_mul_d, lr_mul, ...).
 * No include guard: included once per type.
 *
 * The pass, LRN(core): validate, set up (scratch, parameters), then per
 * superblock of BCE_LR_SB rows (LRN(run_sb); on bce_options.threads
 * threads, LRN(pass_par)), per block of rows: the dot products, the rows
 * (the fast plain-double rows when they take the whole block, else the
 * checked general rows), the block's fold into the superblock's totals;
 * the superblocks' totals added in superblock order; finally the loss and
 * the gradient (or Hv) divided by the norm, plus the L2 term, each rounded
 * once.
 */
#if !defined(LRT) || !defined(LRPB) || !defined(LRSMP) || !defined(LRN) || \
    !defined(LR_TO) || !defined(LR_AS_F64) || !defined(LR_DOTS) || \
    !defined(LR_ACCUM) || !defined(LR_DOTS_FAST) || !defined(LR_ACCUM_FAST)
#error "logreg_entry_tmpl.h: define LRT, LRPB, LRSMP, LRN, LR_TO, LR_AS_F64, LR_DOTS, LR_ACCUM, LR_DOTS_FAST and LR_ACCUM_FAST before including"
#endif

/* Validation before any row: pointers, sizes (X addressable), the problem
 * (m > 0, ldx, l2), the options and the parameters w (and v) finite, in
 * that order; then the kernel parameter block in su. */
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

/* Label and weight of row i (in that order); adds the weight to *ws. */
static bce_status LRN(check_row)(const LRPB *pb, size_t i, bce_dd *ws)
{
    double yi = pb->y[i];
    if (yi != yi) return BCE_E_NAN_LABEL;
    if (!(yi >= 0.0 && yi <= 1.0)) return BCE_E_LABEL_RANGE;
    if (pb->sw) {
        double s = pb->sw[i];
        if (s != s) return BCE_E_NAN_WEIGHT;
        if (!(s == 0.0 || (s >= BCE_WEIGHT_MIN && s <= BCE_WEIGHT_MAX))) return BCE_E_WEIGHT_RANGE;
        *ws = bce_dd_add_d(*ws, s);
    }
    return BCE_OK;
}

/* The reduction's norm, once every row is checked (bce_reduce_norm: the
 * same divisor as the per-sample entry points). */
static bce_status LRN(norm)(const LRPB *pb, const bce_options *o, lr_setup *su)
{
    bce_dd ws = pb->sw ? su->ws : bce_dd_make((double)pb->n, 0.0);
    return bce_reduce_norm(o->reduction, pb->n, ws, &su->norm);
}

/* Rows [s BCE_LR_SB, ...) of superblock s checked (features, label,
 * weight, row by row): r->ws their weights' sum, r->st and r->badi the
 * first error. */
static void LRN(scan_sb)(const LRPB *pb, size_t s, lr_tot *r)
{
    const size_t ib = s * BCE_LR_SB, ie = pb->n - ib < BCE_LR_SB ? pb->n : ib + BCE_LR_SB;
    r->ws = bce_dd_make(0.0, 0.0);
    r->st = BCE_OK;
    for (size_t i = ib; i < ie; i++) {
        size_t bad = pb->k > 0 ? LRN(bad_feature)(pb, i) : BCE_NO_INDEX;
        if (bad != BCE_NO_INDEX) { r->st = BCE_E_NONFINITE_FEATURE; r->badi = bad; return; }
        bce_status st = LRN(check_row)(pb, i, &r->ws);
        if (st != BCE_OK) { r->st = st; r->badi = i; return; }
    }
}

typedef struct LRN(scan_job) { const LRPB *pb; lr_tot *res; } LRN(scan_job);

static void LRN(scan_part)(void *ctx, unsigned part, size_t s0, size_t s1)
{
    (void)part;
    const LRN(scan_job) *j = ctx;
    for (size_t s = s0; s < s1; s++) {
        LRN(scan_sb)(j->pb, s, j->res + s);
        if (j->res[s].st != BCE_OK) return;
    }
}

/* Every row checked before the pass (used when per-sample outputs are
 * written during the pass: nothing may be written on error), superblock
 * by superblock (split across the threads: the first error is that of the
 * first superblock holding one), the weights' sums added in superblock
 * order, as in the pass. */
static bce_status LRN(scan_rows)(const LRPB *pb, const bce_options *o, lr_setup *su,
                                 unsigned parts)
{
    const size_t nsb = (pb->n + BCE_LR_SB - 1) / BCE_LR_SB;
    lr_tot one, *res = NULL;
    if (parts > 1 && !(res = calloc(nsb, sizeof *res))) parts = 1;
    if (parts > 1) {
        LRN(scan_job) j = { pb, res };
        bce_par_for(nsb, parts, LRN(scan_part), &j);
    }
    su->ws = bce_dd_make(0.0, 0.0);
    for (size_t s = 0; s < nsb; s++) {
        lr_tot *r = res ? res + s : &one;
        if (!res) LRN(scan_sb)(pb, s, r);
        if (r->st != BCE_OK) {
            const bce_status st = r->st;
            const size_t bad = r->badi;
            free(res);
            return lr_fail(o, st, bad);
        }
        su->ws = s == 0 ? r->ws : bce_dd_add(su->ws, r->ws);
    }
    free(res);
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

/* Setup of the pass: the flags of the call, the shared scratch (w and v
 * features, the pass's totals) and the parameters as doubles.
 * BCE_E_OUT_OF_MEMORY when the scratch cannot be had. */
static bce_status LRN(setup)(const LRPB *pb, const LRT *w, const LRT *v,
                             const bce_options *o, LRT *loss, LRT *gout,
                             const LRSMP *smp, const lr_setup *su, lr_pass *ps)
{
    const size_t k = pb->k;
    ps->kt = bce_kernels_active();
    ps->kpad = (k + 7) / 8 * 8;
    ps->B = bce_lr_block_rows(k);
    ps->icpt = pb->fit_intercept != 0;
    ps->hvp = v != NULL;
    ps->fast = (o->flags & BCE_OPT_FAST_ACCUM) != 0;
    ps->want_loss = loss || (smp && smp->loss);
    ps->want_acc = gout != NULL;
    /* BCE_OPT_FAST_ACCUM with plain labels: the rows in plain doubles
     * (kt->lr.rows_fast), block by block where every row qualifies */
    ps->plain_fast = ps->fast && su->kp.plain;
    /* Rows are checked in the pass (a non-finite feature shows as a
     * non-finite z), unless per-sample outputs are written during it. */
    ps->prescan = smp && (smp->z || smp->loss || smp->r);

    const size_t kpad = ps->kpad;
    ps->buf = calloc(4 * kpad + 8, sizeof(double));
    if (!ps->buf) return BCE_E_OUT_OF_MEMORY;
    ps->wf = ps->buf; ps->vf = ps->wf + kpad;
    ps->tot.Th = ps->vf + kpad; ps->tot.Tl = ps->tot.Th + kpad;
    for (size_t j = 0; j < k; j++) {
        ps->wf[j] = w[ps->icpt + j];
        if (ps->hvp) ps->vf[j] = v[ps->icpt + j];
    }
    ps->w0 = ps->icpt ? (double)w[0] : 0.0;
    ps->v0 = ps->icpt && ps->hvp ? (double)v[0] : 0.0;
    ps->tot.lsum = ps->tot.g0 = ps->tot.ws = bce_dd_make(0.0, 0.0);
    ps->tot.lspecial = 0;
    ps->tot.lspec = 0.0;
    ps->tot.st = BCE_OK;
    ps->tot.badi = BCE_NO_INDEX;
    return BCE_OK;
}

/* A worker's scratch: the per-feature Sum2 accumulators and superblock
 * totals, the row arrays of a block, the rows' level-1 results.  0 when
 * it cannot be had. */
static int LRN(work_init)(const lr_pass *ps, lr_work *wk)
{
    const size_t kpad = ps->kpad, B = ps->B;
    wk->buf = calloc(4 * kpad + 9 * B + 8, sizeof(double));
    wk->rows = malloc(B * sizeof *wk->rows);
    if (!wk->buf || !wk->rows) {
        free(wk->buf); free(wk->rows);
        wk->buf = NULL; wk->rows = NULL;
        return 0;
    }
    wk->S = wk->buf; wk->Q = wk->S + kpad;
    wk->acc.Th = wk->Q + kpad; wk->acc.Tl = wk->acc.Th + kpad;
    wk->zh = wk->acc.Tl + kpad; wk->zl = wk->zh + B; wk->th = wk->zl + B; wk->tl = wk->th + B;
    wk->rh = wk->tl + B; wk->rl = wk->rh + B; wk->yb = wk->rl + B; wk->sb = wk->yb + B;
    wk->lb = wk->sb + B;
    return 1;
}

static void LRN(work_free)(lr_work *wk)
{
    free(wk->buf);
    free(wk->rows);
}

/* z = w0 + x.w (and t = v0 + x.v) of the block's rows, as double-doubles
 * (zh + zl, th + tl): the ISA's Dot2 loops, or the intercept when k = 0.
 * Also prefetches the labels (and weights) of the block after the next:
 * they are read in bursts that the hardware prefetcher misses. */
static inline __attribute__((always_inline)) void LRN(block_dots)(const LRPB *pb, const lr_pass *ps, lr_work *wk, size_t i0, size_t nb)
{
    const size_t n = pb->n, k = pb->k, B = ps->B;
    if (k > 0)
        (ps->fast ? LR_DOTS_FAST(ps->kt) : LR_DOTS(ps->kt))(pb->x, pb->ldx, k, ps->wf,
                    ps->hvp ? ps->vf : NULL, ps->w0, ps->v0, i0, nb,
                    wk->zh, wk->zl, wk->th, wk->tl);
    else
        for (size_t r = 0; r < nb; r++) {
            wk->zh[r] = ps->w0; wk->th[r] = ps->v0; wk->zl[r] = wk->tl[r] = 0.0;
        }
    if (i0 + 2 * nb < n) {
        const size_t nn = n - i0 - 2 * nb < B ? n - i0 - 2 * nb : B;
        const char *py = (const char *)(pb->y + i0 + 2 * nb);
        for (size_t off = 0; off < nn * sizeof(LRT); off += 64) {
            __builtin_prefetch(py + off, 0, 3);
            if (pb->sw) __builtin_prefetch((const char *)(pb->sw + i0 + 2 * nb) + off, 0, 3);
        }
    }
}

/* The fast-accumulation rows (BCE_OPT_FAST_ACCUM, plain labels): the
 * whole block in plain doubles by kt->lr.rows_fast, which takes it only
 * when every row qualifies (returns 0 and writes nothing otherwise: the
 * general rows then run and report any error).  Sets the block's sums and
 * writes the per-sample outputs (rows checked before the pass, norm known). */
static inline __attribute__((always_inline)) int LRN(block_fast)(const LRPB *pb, const bce_options *o, const LRSMP *smp,
                           const lr_setup *su, const lr_pass *ps, lr_work *wk, lr_block *bk)
{
    const size_t i0 = bk->i0, nb = bk->nb;
    /* labels and weights as doubles (f64 data: in place) */
    const double *yd = LR_AS_F64(pb->y + i0, wk->yb, nb);
    const double *sd = pb->sw ? LR_AS_F64(pb->sw + i0, wk->sb, nb) : NULL;
    double sums[4];
    if (!ps->kt->lr.rows_fast(nb, wk->zh, ps->hvp ? wk->th : NULL, yd, sd, ps->want_loss,
                              wk->rh, smp && smp->loss ? wk->lb : NULL, sums))
        return 0;
    if (!ps->prescan && sd && o->reduction == BCE_REDUCTION_WEIGHTED_MEAN)
        for (size_t r = 0; r < nb; r++) wk->acc.ws = bce_dd_add_d(wk->acc.ws, sd[r]);
    for (size_t r = 0; ps->prescan && r < nb; r++) {
        const size_t i = i0 + r;
        if (smp->z) smp->z[i] = LR_TO(bce_dd_make(wk->zh[r], 0.0));
        if (smp->loss) smp->loss[i] = LR_TO(bce_dd_make(wk->lb[r], 0.0));
        if (smp->r) {
            bce_dd rho = bce_dd_make(wk->rh[r], 0.0);
            smp->r[i] = LR_TO(lr_scaled(su) ? bce_reduce_div(rho, su->norm) : rho);
        }
    }
    bk->ls = sums[0]; bk->lq = sums[1]; bk->gs0 = sums[2]; bk->gq0 = sums[3];
    return 1;
}

/* Before the general rows: a non-finite z is either a non-finite feature
 * (BCE_E_NONFINITE_FEATURE at its offset) or a dot product beyond DBL_MAX
 * (recomputed in the 2^1200 frame, LRN(dot_big)); without the prescan each
 * row's label and weight are checked here, in index order.  Fills the
 * block's labels as doubles.  On error sets wk->acc.badi. */
static inline __attribute__((always_inline)) bce_status LRN(block_check)(const LRPB *pb, const lr_pass *ps, lr_work *wk,
                                   size_t i0, size_t nb)
{
    const size_t k = pb->k;
    double *zh = wk->zh, *yb = wk->yb;
    bce_dd ws = wk->acc.ws;
    bce_status st = BCE_OK;
    for (size_t r = 0; r < nb; r++) {
        if (!finite_d(zh[r])) {
            size_t bad = k > 0 ? LRN(bad_feature)(pb, i0 + r) : BCE_NO_INDEX;
            if (bad != BCE_NO_INDEX) { wk->acc.badi = bad; st = BCE_E_NONFINITE_FEATURE; break; }
            zh[r] = LRN(dot_big)(pb->x + (i0 + r) * pb->ldx, k, ps->wf, ps->w0);
            wk->zl[r] = 0.0;
        }
        if (!ps->prescan && (st = LRN(check_row)(pb, i0 + r, &ws)) != BCE_OK) {
            wk->acc.badi = i0 + r;
            break;
        }
        yb[r] = (double)pb->y[i0 + r];
    }
    wk->acc.ws = ws;
    return st;
}

/* rho = s h t for the Hessian-vector product at row i (t = th + tl):
 * 0 when h = 0 (t finite), a double-double product, or for t beyond
 * DBL_MAX h t s formed in t's 2^1200 frame and scaled back (inf only if
 * the product overflows). */
static bce_dd LRN(hv_rho)(const LRPB *pb, const lr_pass *ps, const lr_work *wk,
                          const bce_lr_row *row, size_t i, size_t r, double s)
{
    const size_t k = pb->k;
    bce_dd t = bce_dd_make(wk->th[r], wk->tl[r]);
    bce_dd rho;
    if (row->H.hi == 0.0) {
        rho = bce_dd_make(0.0, 0.0);        /* h t = 0, t finite */
    } else if (finite_d(t.hi)) {
        rho = lr_mul(row->H, t);
        if (pb->sw) rho = lr_mul_d(rho, s);
    } else {
        double ts = LRN(dot_big_scaled)(k > 0 ? pb->x + i * pb->ldx : NULL, k, ps->vf, ps->v0);
        double p = row->H.hi * ts * s;
        rho = bce_dd_make(p * 0x1p600 * 0x1p600, 0.0);
    }
    if (!finite_d(rho.hi)) rho.lo = 0.0;
    return rho;
}

/* The general rows: level 1 of every row of the block (kt->lr.block),
 * then per row the weighted loss into the block's Sum2 (non-finite ones
 * aside in lspec), rho_i = s_i G_i (or s_i h_i t_i) into rh, rl and the
 * intercept's Sum2, and the per-sample outputs. */
static inline __attribute__((always_inline)) void LRN(block_rows)(const LRPB *pb, const LRSMP *smp, const lr_setup *su,
                            const lr_pass *ps, lr_work *wk, lr_block *bk)
{
    const size_t i0 = bk->i0, nb = bk->nb;
    ps->kt->lr.block(nb, wk->zh, wk->zl, wk->yb, &su->kp, ps->want_loss, ps->hvp, wk->rows);
    for (size_t r = 0; r < nb; r++) {
        const size_t i = i0 + r;
        const bce_lr_row *row = wk->rows + r;
        const double s = pb->sw ? (double)pb->sw[i] : 1.0;
        if (ps->want_loss) {
            bce_dd L = row->L;
            if (pb->sw)
                L = finite_d(L.hi) ? lr_mul_d(L, s) : bce_dd_make(L.hi * s, 0.0);
            if (!finite_d(L.hi)) { wk->acc.lspecial = 1; wk->acc.lspec += L.hi; }
            else {
                bce_dd t = bce_two_sum(bk->ls, L.hi);
                bk->ls = t.hi;
                bk->lq = bk->lq + (t.lo + L.lo);
            }
            if (smp && smp->loss) smp->loss[i] = LR_TO(L);
        }
        if (smp && smp->z) smp->z[i] = LR_TO(bce_dd_make(wk->zh[r], wk->zl[r]));
        bce_dd rho = pb->sw ? lr_mul_d(row->G, s) : row->G;
        if (smp && smp->r)
            smp->r[i] = LR_TO(lr_scaled(su) ? bce_reduce_div(rho, su->norm) : rho);
        if (ps->hvp) rho = LRN(hv_rho)(pb, ps, wk, row, i, r, s);
        wk->rh[r] = rho.hi;
        wk->rl[r] = rho.lo;
        if (ps->icpt) {
            bce_dd t = bce_two_sum(bk->gs0, rho.hi);
            bk->gs0 = t.hi;
            bk->gq0 = bk->gq0 + (t.lo + rho.lo);
        }
    }
}

/* After a block: its loss and intercept sums into the double-double totals
 * (non-finite ones aside), rho x_ij into the per-feature Sum2 accumulators
 * S, Q (the ISA's loop), and those into the totals Th, Tl every BCE_LR_FOLD
 * rows and at the end. */
static inline __attribute__((always_inline)) void LRN(block_fold)(const LRPB *pb, const lr_pass *ps, lr_work *wk, const lr_block *bk)
{
    const size_t n = pb->n, k = pb->k, i0 = bk->i0, nb = bk->nb;
    if (ps->want_loss && finite_d(bk->ls) && finite_d(bk->lq))
        wk->acc.lsum = bce_dd_add(wk->acc.lsum, bce_two_sum(bk->ls, bk->lq));
    else if (ps->want_loss) { wk->acc.lspecial = 1; wk->acc.lspec += lr_overflowed_sum(bk->ls, bk->lq); }
    if (ps->icpt) {
        bce_dd t = bce_two_sum(bk->gs0, bk->gq0);
        wk->acc.g0 = finite_d(t.hi) && finite_d(wk->acc.g0.hi) ? bce_dd_add(wk->acc.g0, t)
                 : bce_dd_make(wk->acc.g0.hi + lr_overflowed_sum(bk->gs0, bk->gq0), 0.0);
    }
    if (!ps->want_acc || k == 0) return;
    double *S = wk->S, *Q = wk->Q, *Th = wk->acc.Th, *Tl = wk->acc.Tl;
    const size_t after = n - i0 - nb;     /* rows after this block */
    (ps->fast ? LR_ACCUM_FAST(ps->kt) : LR_ACCUM(ps->kt))(pb->x, pb->ldx, k, i0, nb,
            after < nb ? after : nb, wk->rh, wk->rl, S, Q);
    if ((i0 + nb) % BCE_LR_FOLD == 0 || i0 + nb == n) {
        for (size_t j = 0; j < k; j++) {
            bce_dd t = bce_two_sum(S[j], Q[j]);
            if (!finite_d(t.hi) || !finite_d(Th[j]))
                Th[j] = Th[j] + lr_overflowed_sum(S[j], Q[j]), Tl[j] = 0.0;
            else {
                bce_dd u = bce_dd_add(bce_dd_make(Th[j], Tl[j]), t);
                Th[j] = u.hi; Tl[j] = u.lo;
            }
            S[j] = Q[j] = 0.0;
        }
    }
}

/* The loss: the total divided by the norm (a non-finite sum as it is),
 * plus l2/2 |w|^2 (without the intercept), rounded once. */
static LRT LRN(finish_loss)(const LRPB *pb, const lr_setup *su, const lr_pass *ps)
{
    const double l2 = pb->l2;
    bce_dd tot;
    if (ps->tot.lspecial) tot = bce_dd_make(ps->tot.lsum.hi + ps->tot.lspec, 0.0);
    else tot = lr_scaled(su) ? bce_reduce_div(ps->tot.lsum, su->norm) : ps->tot.lsum;
    if (l2 != 0.0 && finite_d(tot.hi)) {
        bce_dd sq = bce_dd_make(0.0, 0.0);
        for (size_t j = 0; j < pb->k; j++)
            sq = bce_dd_add(sq, lr_prod(ps->wf[j], ps->wf[j]));
        bce_dd reg = lr_mul_d(sq, l2);
        reg = bce_dd_make(reg.hi * 0.5, reg.lo * 0.5);
        tot = finite_d(reg.hi) ? bce_dd_add(tot, reg) : bce_dd_make(tot.hi + reg.hi, 0.0);
    }
    return LR_TO(tot);
}

/* The gradient (or Hv): each total divided by the norm, plus l2 w_j (or
 * l2 v_j; the intercept is not penalised), rounded once.  A total or a
 * quotient beyond DBL_MAX (a norm below 1 can take a finite total there)
 * is that infinity (or NaN) plus the l2 term in plain doubles: the
 * double-double sum of an infinity is NaN. */
static void LRN(finish_grad)(const LRPB *pb, const lr_setup *su, const lr_pass *ps,
                             LRT *gout)
{
    const int scaled = lr_scaled(su), icpt = ps->icpt;
    const double l2 = pb->l2;
    const double *pv = ps->hvp ? ps->vf : ps->wf;
    if (icpt) gout[0] = LR_TO(scaled ? bce_reduce_div(ps->tot.g0, su->norm) : ps->tot.g0);
    for (size_t j = 0; j < pb->k; j++) {
        bce_dd g = bce_dd_make(ps->tot.Th[j], ps->tot.Tl[j]);
        if (scaled) g = bce_reduce_div(g, su->norm);
        if (!finite_d(g.hi)) { gout[icpt + j] = (LRT)(g.hi + l2 * pv[j]); continue; }
        if (l2 != 0.0) {
            bce_dd p = lr_prod(l2, pv[j]);
            g = finite_d(p.hi) ? bce_dd_add(g, p) : bce_dd_make(g.hi + p.hi, 0.0);
        }
        gout[icpt + j] = LR_TO(g);
    }
}

/* Superblock s (rows [s BCE_LR_SB, ...)) into the worker's totals
 * wk->acc, from zero; a row error stops it (wk->acc.st, wk->acc.badi). */
static bce_status LRN(run_sb)(const LRPB *pb, const bce_options *o, const LRSMP *smp,
                              const lr_setup *su, const lr_pass *ps, lr_work *wk, size_t s)
{
    const size_t n = pb->n, ib = s * BCE_LR_SB, ie = n - ib < BCE_LR_SB ? n : ib + BCE_LR_SB;
    lr_tot *a = &wk->acc;
    for (size_t j = 0; j < pb->k; j++) a->Th[j] = a->Tl[j] = 0.0;
    a->lsum = a->g0 = a->ws = bce_dd_make(0.0, 0.0);
    a->lspecial = 0;
    a->lspec = 0.0;
    a->st = BCE_OK;
    a->badi = BCE_NO_INDEX;
    for (size_t i0 = ib; i0 < ie; i0 += ps->B) {
        lr_block bk = { i0, ie - i0 < ps->B ? ie - i0 : ps->B, 0.0, 0.0, 0.0, 0.0 };
        LRN(block_dots)(pb, ps, wk, bk.i0, bk.nb);
        if (!(ps->plain_fast && LRN(block_fast)(pb, o, smp, su, ps, wk, &bk))) {
            const bce_status st = LRN(block_check)(pb, ps, wk, bk.i0, bk.nb);
            if (st != BCE_OK) return a->st = st;
            LRN(block_rows)(pb, smp, su, ps, wk, &bk);
        }
        LRN(block_fold)(pb, ps, wk, &bk);
    }
    return BCE_OK;
}

/* The threads' job: part p runs its superblocks with worker wk[p] and
 * keeps each superblock's totals in res[s] (a copy: merged in order by
 * the calling thread after the join). */
typedef struct LRN(pass_job) {
    const LRPB *pb;
    const bce_options *o;
    const LRSMP *smp;
    const lr_setup *su;
    const lr_pass *ps;
    lr_work *wk;
    lr_tot *res;
} LRN(pass_job);

static void LRN(pass_part)(void *ctx, unsigned part, size_t s0, size_t s1)
{
    const LRN(pass_job) *j = ctx;
    lr_work *wk = j->wk + part;
    for (size_t s = s0; s < s1; s++) {
        const bce_status st = LRN(run_sb)(j->pb, j->o, j->smp, j->su, j->ps, wk, s);
        j->res[s].st = st;
        j->res[s].badi = wk->acc.badi;
        if (st != BCE_OK) return;
        lr_tot_merge(j->res + s, &wk->acc, j->pb->k, 1, j->ps->want_loss, j->ps->icpt);
    }
}

/* The superblocks split across `parts` threads (bce_options.threads):
 * every part's worker and every superblock's totals are allocated first;
 * if they cannot be, 0 (the caller runs the same superblocks on one
 * thread: the same bits).  Else the status of the first failing
 * superblock (its error index in *badi) or BCE_OK, the totals merged in
 * superblock order into ps->tot. */
static int LRN(pass_par)(const LRPB *pb, const bce_options *o, const LRSMP *smp,
                         const lr_setup *su, lr_pass *ps, unsigned parts, size_t nsb,
                         bce_status *st, size_t *badi)
{
    const size_t k = pb->k, kk = k ? k : 1;
    lr_work *wk = calloc(parts, sizeof *wk);
    lr_tot *res = calloc(nsb, sizeof *res);
    double *tb = nsb <= SIZE_MAX / (2 * sizeof(double)) / kk ? malloc(2 * kk * nsb * sizeof(double)) : NULL;
    unsigned got = 0;
    if (wk && res && tb)
        while (got < parts && LRN(work_init)(ps, wk + got)) got++;
    int ok = got == parts;
    if (ok) {
        for (size_t s = 0; s < nsb; s++) {
            res[s].Th = tb + 2 * kk * s;
            res[s].Tl = res[s].Th + kk;
        }
        LRN(pass_job) j = { pb, o, smp, su, ps, wk, res };
        bce_par_for(nsb, parts, LRN(pass_part), &j);
        *st = BCE_OK;
        for (size_t s = 0; s < nsb; s++) {
            if (res[s].st != BCE_OK) { *st = res[s].st; *badi = res[s].badi; break; }
            lr_tot_merge(&ps->tot, res + s, k, s == 0, ps->want_loss, ps->icpt);
        }
    }
    for (unsigned p = 0; p < got; p++) LRN(work_free)(wk + p);
    free(wk); free(res); free(tb);
    return ok;
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
    const size_t nsb = (pb->n + BCE_LR_SB - 1) / BCE_LR_SB;
    unsigned parts = bce_par_parts(pb->n, o->threads);
    if (parts > nsb) parts = (unsigned)nsb;
    if (smp && (smp->z || smp->loss || smp->r) &&
        (st = LRN(scan_rows)(pb, o, &su, parts)) != BCE_OK)
        return st;
    lr_pass ps;
    if (LRN(setup)(pb, w, v, o, loss, gout, smp, &su, &ps) != BCE_OK)
        return lr_fail(o, BCE_E_OUT_OF_MEMORY, BCE_NO_INDEX);

    size_t badi = BCE_NO_INDEX;
    if (parts <= 1 || !LRN(pass_par)(pb, o, smp, &su, &ps, parts, nsb, &st, &badi)) {
        lr_work wk;
        if (!LRN(work_init)(&ps, &wk)) {
            free(ps.buf);
            return lr_fail(o, BCE_E_OUT_OF_MEMORY, BCE_NO_INDEX);
        }
        for (size_t s = 0; s < nsb; s++) {
            if ((st = LRN(run_sb)(pb, o, smp, &su, &ps, &wk, s)) != BCE_OK) {
                badi = wk.acc.badi;
                break;
            }
            lr_tot_merge(&ps.tot, &wk.acc, pb->k, s == 0, ps.want_loss, ps.icpt);
        }
        LRN(work_free)(&wk);
    }
    if (st == BCE_OK && !ps.prescan) {
        su.ws = ps.tot.ws;
        st = LRN(norm)(pb, o, &su);
        badi = BCE_NO_INDEX;
    }
    if (st == BCE_OK) {
        if (loss) *loss = LRN(finish_loss)(pb, &su, &ps);
        if (gout) LRN(finish_grad)(pb, &su, &ps, gout);
    }
    free(ps.buf);
    return st == BCE_OK ? BCE_OK : lr_fail(o, st, badi);
}
