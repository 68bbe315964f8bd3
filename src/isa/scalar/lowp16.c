/*
 * isa/scalar/lowp16.c -- the bf16/f16 table path (level1/lowp16_tmpl.h)
 * compiled for the baseline: the reference every other ISA's compilation
 * of the same statements matches bit for bit (tests/isa_bits.c).
 * Bound: correctly rounded (0.5 ulp of the output type), proven in the
 * template; measured over every (x, y) pair on avx2, whose bits this
 * compilation gives (isa_bits; data/exhaustive/lowp/all-*-scalar.json
 * are of the design before the table path).
 */
#include "core/isa.h"
#define L16FN(name) bce_lowp16_scalar_##name
#include "level1/lowp16_tmpl.h"
