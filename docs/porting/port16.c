/*
 * port16.c -- two C "ports" of the bf16/f16 BCE with the signature of
 * bce_logits_bf16_bf16 (uint16_t inputs and outputs), for
 * `bce check --type bf16|f16 --out-type bf16|f16 --lib ... --symbol ...`
 * (docs/PORTING.md, "16-bit ports"):
 *
 *   exact_logits_bf16, exact_logits_f16   delegate to libbce's 16-bit
 *       outputs (bce_logits_bf16_bf16, bce_logits_f16_f16): correctly
 *       rounded, every option and reduction; `bce check` passes it.
 *   cast_logits_bf16, cast_logits_f16     compute in f32 and round to the
 *       16-bit type at the end: libbce's float outputs (bce_logits_bf16,
 *       the correctly rounded binary32 values, every option), each rounded
 *       again to nearest-even in the 16-bit type -- RN16(RN32(x)), the best
 *       an f32 computation cast back can do.  `bce check` fails it on the
 *       inputs whose binary32 result lies exactly on a 16-bit midpoint.
 *
 *   cc -O2 -shared -fPIC -Iinclude docs/porting/port16.c -o libport16.so -Lbuild/src -lbce
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bce.h"

#if defined(__GNUC__)
#define EXPORT __attribute__((visibility("default")))
#else
#define EXPORT
#endif

EXPORT bce_status exact_logits_bf16(size_t n, const uint16_t *z, const uint16_t *y,
                                    const uint16_t *w, const bce_options *opt,
                                    uint16_t *loss, uint16_t *dz)
{
    return bce_logits_bf16_bf16(n, z, y, w, opt, loss, dz);
}

EXPORT bce_status exact_logits_f16(size_t n, const uint16_t *z, const uint16_t *y,
                                   const uint16_t *w, const bce_options *opt,
                                   uint16_t *loss, uint16_t *dz)
{
    return bce_logits_f16_f16(n, z, y, w, opt, loss, dz);
}

/* round-to-nearest-even of a float to bf16 (8 bits) or f16 (11 bits, emin
 * -14, overflow to inf from 65520), as a bit pattern */
static uint16_t rn16(float f, int is_f16)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if (!is_f16) {
        if (isnan(f)) return (uint16_t)((u >> 16) | 0x40);
        return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
    }
    const uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    double a = fabs((double)f);
    if (isnan(f)) return 0x7e00;
    if (a >= 65520.0) return sign | 0x7c00;            /* inf (incl. rounding up) */
    int e;
    frexp(a, &e);                                       /* a = m 2^e, m in [0.5, 1) */
    int q = (e - 1 > -14 ? e - 1 : -14) - 10;           /* the f16 ulp at a: 2^q */
    double k = nearbyint(ldexp(a, -q));                 /* exact scaling; ties to even */
    double r = ldexp(k, q);
    if (r == 0) return sign;
    frexp(r, &e);
    if (e - 1 < -14) return (uint16_t)(sign | (uint16_t)ldexp(r, 24));   /* subnormal */
    uint16_t mant = (uint16_t)(ldexp(r, -(e - 1) + 10) - 1024);
    return (uint16_t)(sign | (uint16_t)((e - 1 + 15) << 10) | mant);
}

static bce_status cast(int is_f16, size_t n, const uint16_t *z, const uint16_t *y,
                       const uint16_t *w, const bce_options *opt, uint16_t *loss, uint16_t *dz)
{
    const size_t nl = opt && opt->reduction != BCE_REDUCTION_NONE ? 1 : n;
    float *f = malloc(2 * (n ? n : 1) * sizeof *f);
    if (f == NULL) return BCE_E_SIZE_OVERFLOW;
    bce_status st = is_f16 ? bce_logits_f16(n, z, y, w, opt, f, f + n)
                           : bce_logits_bf16(n, z, y, w, opt, f, f + n);
    if (st == BCE_OK) {
        for (size_t i = 0; i < nl; i++) loss[i] = rn16(f[i], is_f16);
        for (size_t i = 0; i < n; i++) dz[i] = rn16(f[n + i], is_f16);
    }
    free(f);
    return st;
}

EXPORT bce_status cast_logits_bf16(size_t n, const uint16_t *z, const uint16_t *y,
                                   const uint16_t *w, const bce_options *opt,
                                   uint16_t *loss, uint16_t *dz)
{
    return cast(0, n, z, y, w, opt, loss, dz);
}

EXPORT bce_status cast_logits_f16(size_t n, const uint16_t *z, const uint16_t *y,
                                  const uint16_t *w, const bce_options *opt,
                                  uint16_t *loss, uint16_t *dz)
{
    return cast(1, n, z, y, w, opt, loss, dz);
}
