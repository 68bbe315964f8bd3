/*
 * accurate/accurate.h -- the accurate slow path of libbce: e^x, log, log1p and the
 * logistic function in triple-double arithmetic (src/accurate/td.h), with a
 * proven relative error below 2^-148 (see each file's header for the
 * derivation and the exact figure).  libc only: no libm, no fma(), no MPFR.
 * Used when level 1's rounding test (Ziv's) fails.  Internal: hidden
 * visibility (the library is built with gnu_symbol_visibility 'hidden').
 *
 * Scaled results: a value is returned as 2^E * v, v = v.h + v.m + v.l a
 * normalized td with |v.h| in [1,2), so nothing under- or overflows however
 * small the value (e^-1e6 = 2^-1442696 * 1.1...).
 *   E == INT_MIN, v = 1 means "positive and smaller than anything
 *   representable here" (e^x for x < -2^30): callers treat it as +0.
 *   E == INT_MAX, v = 1 (e^x for x > 2^30) means "too large": +inf.
 */
#ifndef BCE_ACCURATE_H
#define BCE_ACCURATE_H

#include "accurate/td.h"

/* e^x = 2^E v, v.h in [1,2).  Any finite x (and -0); relative error
 * <= 2^-151.8 for |x| <= 2^30.  x < -2^30 (or -inf): E = INT_MIN, v = 1.
 * x > 2^30 (or +inf): E = INT_MAX, v = 1.  NaN: E = 0, v = NaN. */
void bce_td_exp(double x, int *E, bce_td *v);

/* log(x) = 2^F w, w signed with |w.h| in [1,2), for finite x > 0
 * (subnormals included); log(1) = 0 gives F = 0, w = 0.
 * Relative error <= 2^-148.9. */
void bce_td_log(double x, int *F, bce_td *w);

/* log1p(u) = 2^F w (signed, |w.h| in [1,2)) for u in (-1, 1]; u = +-0 gives
 * F = 0, w = 0.  Relative error <= 2^-148.9. */
void bce_td_log1p(double u, int *F, bce_td *w);

/* log1p(2^E v) = 2^F w (w > 0, w.h in [1,2)) for a normalized td v with
 * v.h in [1,2) (as returned by bce_td_exp) and E <= 0.  E == INT_MIN
 * ("0+") gives F = INT_MIN, w = 1.  Relative error <= 2^-148.9. */
void bce_td_log1p_scaled(int E, const bce_td *v, int *F, bce_td *w);

/* sigma(-|z|) = e/(1+e), e = e^-|z|, as 2^E s, s.h in [1,2).
 * z = +-0: E = -1, s = 1 (exact 1/2).  |z| > 2^30 or inf: E = INT_MIN, s = 1.
 * Relative error <= 2^-150.1. */
void bce_td_sigmoid_neg_abs(double z, int *E, bce_td *s);

/* sigma(|z|) = 1/(1+e) in [1/2, 1], unscaled.  Relative error <= 2^-151.3. */
void bce_td_sigmoid_pos_abs(double z, bce_td *s);

#endif /* BCE_ACCURATE_H */
