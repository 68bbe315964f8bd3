/*
 * logreg_l1.c (AVX-512) -- BCE_OPT_FAST_ACCUM's rows of a fused
 * logistic-regression block, 8 rows per vector: logreg/logreg_rows_fast_tmpl.h
 * on vec_avx512.h's lanes (the same statements per row as AVX2's 4 lanes
 * and the scalar code, the sums on 4 lanes in row order: the same bits).
 * The default mode's rows run AVX2's (bce_lr_block_avx2).
 */
#include "isa/x86_avx512/vec_avx512.h"  /* the lanes: 8 doubles, FMA */
#include "level1/logits_hot_tmpl.h"     /* level 1 of the logits form on them */
#include "level0/elem_tmpl.h"           /* level 0 (double-only): its functions */
#include "level0/logits_tmpl.h"         /* level 0 of the logits form */
#include "logreg/logreg_l1_tmpl.h"      /* the regression's rows on them */
#include "logreg/logreg.h"

#define LR_RF_NG 4
#define LR_ROWS_FAST bce_lr_rows_fast_avx512
#include "logreg/logreg_rows_fast_tmpl.h"
