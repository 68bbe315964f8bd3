/* core/lowp.h -- the bf16/f16 kernels (core/lowp.c), called by core/api.c. */
#ifndef BCE_LOWP_H
#define BCE_LOWP_H

#include <stdint.h>
#include "core/internal.h"

/* n samples of 16-bit inputs (fmt: BCE_FMT_BF16 or BCE_FMT_F16 of
 * core/half.h), validated by the caller; float outputs (lossf, gradf) or
 * 16-bit outputs (loss16, grad16), each NULL when not wanted (kp's
 * want_loss / want_grad agree); the reduced loss is accumulated into acc. */
void bce_lowp_run(size_t n, const uint16_t *x, const uint16_t *y, const uint16_t *w,
                  int fmt, int logits, const bce_kparams *kp,
                  float *lossf, float *gradf, uint16_t *loss16, uint16_t *grad16,
                  bce_acc *acc);

/* One sample's 16-bit outputs by the per-sample code (level 1, slow path,
 * exact tie-breaks), as kp->want_loss / want_grad ask; x not NaN. */
void bce_lowp_sample(int fmt, int logits, double x, double y, double w, int has_w,
                     const bce_kparams *kp, uint16_t *loss, uint16_t *grad);

/* The table path's table of (form, format), filled on first use
 * (thread-safe): rows of two doubles (level1/lowp16_tmpl.h). */
const double (*bce_lowp_table(int fmt, int logits))[2];
/* The same rounded to binary32 (filled with it). */
const float (*bce_lowp_table_f32(int fmt, int logits))[2];

#endif
