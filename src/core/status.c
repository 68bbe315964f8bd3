/* core/status.c -- status texts. */
#include "bce.h"

static const struct { const char *name, *text; } bce_status_tab[BCE_STATUS_COUNT] = {
    { "BCE_OK", "success" },
    { "BCE_E_NULL_POINTER", "a required pointer argument is NULL" },
    { "BCE_E_SIZE_OVERFLOW", "n is too large: n * sizeof(element) overflows size_t" },
    { "BCE_E_BAD_OPTION", "invalid option (reduction, flag bits, pos_weight, label_smoothing, log clamp with logits, fast accumulation outside the fused entry points)" },
    { "BCE_E_NAN_LOGIT", "logit is NaN" },
    { "BCE_E_NAN_PROB", "probability is NaN" },
    { "BCE_E_PROB_RANGE", "probability outside [0,1]" },
    { "BCE_E_NAN_LABEL", "label is NaN" },
    { "BCE_E_LABEL_RANGE", "label outside [0,1]" },
    { "BCE_E_NAN_WEIGHT", "weight is NaN" },
    { "BCE_E_WEIGHT_RANGE", "weight is not 0 nor in [2^-64, 2^64] (negative, infinite, or out of range)" },
    { "BCE_E_EMPTY_MEAN", "mean reduction of zero samples" },
    { "BCE_E_ZERO_WEIGHT_SUM", "weighted mean with a zero sum of weights" },
    { "BCE_E_UNKNOWN_ISA", "unknown instruction set name" },
    { "BCE_E_ISA_UNAVAILABLE", "instruction set not available in this build or on this CPU" },
    { "BCE_E_BAD_PROBLEM", "invalid logistic-regression problem (ldx < k, l2 not finite >= 0, or no parameter)" },
    { "BCE_E_NONFINITE_FEATURE", "feature value is NaN or infinite" },
    { "BCE_E_NONFINITE_PARAM", "parameter (w or v) is NaN or infinite" },
    { "BCE_E_OUT_OF_MEMORY", "out of memory (scratch space of the fused logistic regression)" },
};

const char *bce_strerror(bce_status s)
{
    if ((unsigned)s >= BCE_STATUS_COUNT) return "unknown status";
    return bce_status_tab[s].text;
}

const char *bce_status_name(bce_status s)
{
    if ((unsigned)s >= BCE_STATUS_COUNT) return "BCE_E_UNKNOWN";
    return bce_status_tab[s].name;
}

const char *bce_version(void) { return BCE_VERSION_STRING; }
