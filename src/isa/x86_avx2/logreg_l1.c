/*
 * logreg_l1.c (AVX2+FMA) -- the rows of a fused logistic-regression block,
 * 4 at a time: logreg/logreg_l1_tmpl.h's lr_fast on 4 lanes when all 4 rows
 * are in the normal range with plain labels, the scalar code (same statements, same
 * bits) for the others.
 */
#include "isa/x86_avx2/vec_avx2.h"      /* the lanes: 4 doubles, FMA */
#include "level1/logits_hot_tmpl.h"     /* level 1 of the logits form on them */
#include "level0/elem_tmpl.h"           /* level 0 (double-only): its functions */
#include "level0/logits_tmpl.h"         /* level 0 of the logits form */
#include "logreg/logreg_l1_tmpl.h"      /* the regression's rows on them */
#include "logreg/logreg.h"

void bce_lr_block_avx2(size_t nb, const double *zh, const double *zl,
                       const double *y, const bce_kparams *kp, int want_loss,
                       int want_h, bce_lr_row *out)
{
    size_t r = 0;
    if (kp->plain) {
        for (; r + 4 <= nb; r += 4) {
            v4d h = v4_load_f64(zh + r), l = v4_load_f64(zl + r);
            v4d az = (v4d)((v4i)h & 0x7fffffffffffffffLL);
            if (!v4_all(BCE_LR_NORMAL(az))) {
                bce_lr_block_scalar(4, zh + r, zl + r, y + r, kp, want_loss,
                                    want_h, out + r);
                continue;
            }
            v4d yv = v4_load_f64(y + r);
            v4dd L, G, H;
            v4_el_lr_fast(h, l, yv, want_loss, want_h, &L, &G, &H);
            for (int t = 0; t < 4; t++) {
                out[r + t].G = bce_dd_make(G.hi[t], G.lo[t]);
                if (want_loss) out[r + t].L = bce_dd_make(L.hi[t], L.lo[t]);
                if (want_h) out[r + t].H = bce_dd_make(H.hi[t], H.lo[t]);
            }
        }
    }
    bce_lr_block_scalar(nb - r, zh + r, zl + r, y + r, kp, want_loss, want_h, out + r);
}

/* BCE_OPT_FAST_ACCUM's rows (src/logreg/logreg.h), 4 rows per vector
 * (logreg/logreg_rows_fast_tmpl.h) */
#define LR_RF_NG 4
#define LR_ROWS_FAST bce_lr_rows_fast_avx2
#include "logreg/logreg_rows_fast_tmpl.h"
