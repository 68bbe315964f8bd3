/*
 * isa/x86_avx2/lowp16.c -- the bf16/f16 table path (level1/lowp16_tmpl.h)
 * compiled with -mavx2 -mfma -mf16c: the same statements as scalar's (no
 * contraction: -ffp-contract=off), vectorised by the compiler (the table
 * reads become gathers), so the same bits.
 */
#include "core/isa.h"
#define L16FN(name) bce_lowp16_avx2_##name
#include "level1/lowp16_tmpl.h"
