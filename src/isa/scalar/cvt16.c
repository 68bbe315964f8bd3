/*
 * isa/scalar/cvt16.c -- the exact widening of bf16 and f16 inputs to
 * binary32 (the bf16/f16 entry points' front, core/lowp.c): a shift for
 * bf16, the field arithmetic of core/half.h for f16.  Every ISA's
 * conversion gives these bits (tests/isa_bits.c).
 */
#include "core/isa.h"
#include "core/half.h"

void bce_cvt_bf16_scalar(size_t n, const uint16_t *h, float *f)
{
    for (size_t i = 0; i < n; i++) f[i] = bce_bf16_to_float(h[i]);
}

void bce_cvt_f16_scalar(size_t n, const uint16_t *h, float *f)
{
    for (size_t i = 0; i < n; i++) f[i] = bce_f16_to_float(h[i]);
}
