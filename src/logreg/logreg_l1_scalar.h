/*
 * logreg/logreg_l1_scalar.h -- the scalar instantiation of the fused
 * regression's rows (logreg/logreg_l1_tmpl.h: bce_el_lr_normal,
 * bce_el_lr_fast, bce_el_lr_plain) and of level 0 of the logits form they
 * use.  fma() is correctly rounded (hardware or glibc's software), so the
 * scalar rows give the AVX2 rows' bits.
 */
#ifndef BCE_LOGREG_L1_SCALAR_H
#define BCE_LOGREG_L1_SCALAR_H

#include "level1/elem_f64.h"

#include "level1/lanes_scalar.h"
#define EL_FMA(a, b, c) __builtin_fma((a), (b), (c))
#include "level0/elem_tmpl.h"
#include "level0/logits_tmpl.h"
#include "logreg/logreg_l1_tmpl.h"
#undef EL_FMA
#include "level1/lanes_scalar_end.h"

#endif
