/*
 * logreg/logreg_rows_fast_tmpl.h -- BCE_OPT_FAST_ACCUM's rows of a block
 * (src/logreg/logreg.h's rows_fast contract) on VW lanes, written once for
 * isa/x86_avx2/logreg_l1.c (VW = 4) and isa/x86_avx512/logreg_l1.c (VW =
 * 8): logreg_l1_tmpl.h's lr_plain on VW rows per vector, the last rows
 * padded with (z, y, s, t) = 0.  The loss and rho sums run on 4 lanes
 * whatever VW (row r into lane r mod 4, rows in order; a vector of 8 rows
 * is taken as its two halves), folded by bce_lr_fold_lanes: the bits of
 * the scalar code (src/logreg/logreg_level1.c) on every ISA.
 *
 * Bounds: lr_plain's (logreg/logreg_l1_tmpl.h): proven |L^ - L| <= 11.3u L,
 * |G^ - G| <= 16.1u T, |h^ - h| <= 13.1u h, with the products by s_i and
 * t_i at most 17.1u <= 2^-48 (the fast mode's e1, eH); measured 3.9u, 2.8u,
 * 3.5u (tests/test_lr_plain.c, docs/ACCURACY.md).  The sums: Sum2 per lane.
 *
 * The includer includes its lane header (VW, VD, VI, VFN, VEL, VALL,
 * VSPLAT), the level templates that define VEL(lr_plain), and
 * logreg/logreg.h, and defines LR_ROWS_FAST (the function's name) and
 * LR_RF_NG (the groups of VW rows interleaved).
 * No include guard: included once per ISA.
 */
#if !defined(LR_ROWS_FAST) || !defined(LR_RF_NG) || !defined(VW)
#error "logreg_rows_fast_tmpl.h: include the lane header and define LR_ROWS_FAST and LR_RF_NG first"
#endif

/* the 4 lanes of the sums */
typedef double lr_v4 __attribute__((vector_size(32)));

/* s + q += p by Sum2 (TwoSum of s and p, the error into q), per lane */
static inline void lr_sum2_v4(lr_v4 *s, lr_v4 *q, lr_v4 p)
{
    const lr_v4 a = *s + p, bb = a - *s;
    *q = *q + ((*s - (a - bb)) + (p - bb));
    *s = a;
}

int LR_ROWS_FAST(size_t nb, const double *zh, const double *th, const double *y,
                 const double *sw, int want_loss, double *rh, double *lrow, double *sums)
{
    const VD zero = VSPLAT(0.0), one = VSPLAT(1.0);
    const VD zmax = VSPLAT(BCE_LR_PLAIN_ZMAX);
    const VD wmin = VSPLAT(BCE_WEIGHT_MIN), wmax = VSPLAT(BCE_WEIGHT_MAX);
    size_t r = 0;
    VI bad = (VI)zero;
    for (; r + VW <= nb; r += VW) {
        VD z = VFN(load_f64)(zh + r), yv = VFN(load_f64)(y + r);
        VI ok = (z >= -zmax) & (z <= zmax) & (yv >= zero) & (yv <= one);
        if (sw) {
            VD s = VFN(load_f64)(sw + r);
            ok &= (s == zero) | ((s >= wmin) & (s <= wmax));
        }
        if (th) {
            VD t = VFN(load_f64)(th + r);
            ok &= (t - t) == zero;
        }
        bad |= ~ok;
    }
    if (!VALL(~bad)) return 0;
    for (; r < nb; r++)
        if (!bce_lr_plain_ok(zh[r], y[r], sw ? sw[r] : 1.0, th ? th[r] : 0.0)) return 0;

    /* NG = LR_RF_NG groups of VW rows per iteration: the level 1 is a long
     * chain of dependent operations (two polynomials, two divisions);
     * independent groups interleave (avx2 4 x 4 rows; avx512 4 x 8: 3%
     * faster than 2 x 8 at k = 1 and 32, n = 4096 in cache).  The sums then take the groups, and
     * each group's rows 4 at a time, in row order. */
    enum { NG = LR_RF_NG };
    const lr_v4 zero4 = { 0, 0, 0, 0 };
    lr_v4 ls = zero4, lq = zero4, gs = zero4, gq = zero4;
    for (r = 0; r < nb; r += VW * NG) {
        VD L[NG], G[NG], H[NG], t[NG], s[NG];
        int ng = 0;
        for (int h = 0; h < NG && r + VW * h < nb; h++, ng++) {
            const size_t q0 = r + VW * (size_t)h;
            VD z, yv;
            s[h] = one; t[h] = zero;
            if (q0 + VW <= nb) {
                z = VFN(load_f64)(zh + q0);
                yv = VFN(load_f64)(y + q0);
                if (sw) s[h] = VFN(load_f64)(sw + q0);
                if (th) t[h] = VFN(load_f64)(th + q0);
            } else {
                double b[4][VW] = { { 0 } };
                for (size_t q = 0; q0 + q < nb; q++) {
                    b[0][q] = zh[q0 + q];
                    b[1][q] = y[q0 + q];
                    b[2][q] = sw ? sw[q0 + q] : 1.0;
                    b[3][q] = th ? th[q0 + q] : 0.0;
                }
                z = VFN(load_f64)(b[0]); yv = VFN(load_f64)(b[1]);
                s[h] = VFN(load_f64)(b[2]); t[h] = VFN(load_f64)(b[3]);
            }
            L[h] = H[h] = zero;
            VEL(lr_plain)(z, yv, want_loss, th != NULL, &L[h], &G[h], &H[h]);
        }
        for (int h = 0; h < ng; h++) {
            const size_t q0 = r + VW * (size_t)h;
            const VD rho = th ? (H[h] * t[h]) * s[h] : G[h] * s[h];
            if (q0 + VW <= nb) VFN(store_f64)(rh + q0, rho);
            else for (size_t q = 0; q0 + q < nb; q++) rh[q0 + q] = rho[q];
            /* the vector's rows 4 at a time (none past the block's).  (This
             * loop and the loss's below written out: one helper for both
             * made gcc schedule the avx512 function otherwise, 2-7% slower
             * at k = 8 in cache, 2026-12-08.) */
            for (size_t u = 0; u < VW && q0 + u < nb; u += 4) {
                lr_v4 r4;
                memcpy(&r4, (const double *)&rho + u, 32);
                lr_sum2_v4(&gs, &gq, r4);
            }
            if (want_loss) {
                const VD p = L[h] * s[h];
                if (lrow) {
                    if (q0 + VW <= nb) VFN(store_f64)(lrow + q0, p);
                    else for (size_t q = 0; q0 + q < nb; q++) lrow[q0 + q] = p[q];
                }
                for (size_t u = 0; u < VW && q0 + u < nb; u += 4) {
                    lr_v4 p4;
                    memcpy(&p4, (const double *)&p + u, 32);
                    lr_sum2_v4(&ls, &lq, p4);
                }
            }
        }
    }
    double A[4], B[4];
    memcpy(A, &ls, 32); memcpy(B, &lq, 32);
    bce_lr_fold_lanes(A, B, sums, sums + 1);
    memcpy(A, &gs, 32); memcpy(B, &gq, 32);
    bce_lr_fold_lanes(A, B, sums + 2, sums + 3);
    return 1;
}
