/*
 * textbook_port.c -- a deliberately naive C "port" with the signature of
 * bce_logits_f64, loaded by `bce check --lib` in tests/test_check.sh: the
 * textbook formulas L = y log(1 + e^-z) + (1 - y) log(1 + e^z) and
 * dL/dz = 1/(1 + e^-z) - y in plain double.  No options, no reduction.
 * bce check must reject it in the tails and name the rows.
 */
#include <math.h>
#include <stddef.h>
#include "bce.h"

#if defined(__GNUC__)
#define EXPORT __attribute__((visibility("default")))
#else
#define EXPORT
#endif

EXPORT bce_status textbook_logits_f64(size_t n, const double *z, const double *y,
                                      const double *w, const bce_options *opt,
                                      double *loss, double *dz)
{
    (void)w;
    if (opt != NULL && (opt->reduction != BCE_REDUCTION_NONE || opt->flags != 0 ||
                        opt->label_smoothing != 0))
        return BCE_E_BAD_OPTION;
    for (size_t i = 0; i < n; i++) {
        loss[i] = y[i] * log(1.0 + exp(-z[i])) + (1.0 - y[i]) * log(1.0 + exp(z[i]));
        dz[i] = 1.0 / (1.0 + exp(-z[i])) - y[i];
    }
    return BCE_OK;
}
