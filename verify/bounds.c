/*
 * bounds.c -- THE table of accuracy bounds, in ulps of the exact value's
 * binade (bcev_ulp_error).  docs/ACCURACY.md mirrors this table: change
 * both together.  Used by `bce verify` and tests/test_accuracy.c.
 */
#include "bce_verify.h"

/* [form][type][output][config kind] */
static const double bounds[2][2][2][4] = {
    /*                     HARD  SOFT  OPTIONS REDUCED */
    [BCEV_LOGITS][BCEV_F64] = {
        [BCEV_LOSS] = {1.0, 1.0, 2.0, 2.0},
        [BCEV_GRAD] = {1.0, 1.0, 2.0, 2.0},
    },
    [BCEV_LOGITS][BCEV_F32] = {
        [BCEV_LOSS] = {0.5, 0.5, 2.0, 2.0},
        [BCEV_GRAD] = {0.5, 0.5, 2.0, 2.0},
    },
    [BCEV_PROBS][BCEV_F64] = {
        [BCEV_LOSS] = {1.0, 1.0, 2.0, 2.0},
        [BCEV_GRAD] = {0.5, 0.5, 0.5, 0.5},   /* rational: exact tie-break (src/accurate/exact.c) */
    },
    [BCEV_PROBS][BCEV_F32] = {
        [BCEV_LOSS] = {0.5, 0.5, 2.0, 2.0},
        [BCEV_GRAD] = {0.5, 0.5, 0.5, 0.5},
    },
};

double bcev_bound(bcev_form form, bcev_type type, bcev_output out,
                  bcev_config_kind cfg)
{
    return bounds[form & 1][type & 1][out & 1][cfg & 3];
}
