/* fuzz_probs_f64.c -- libFuzzer target for bce_probs_f64 (see fuzz_elem.h). */
#define FZ_T double
#define FZ_F32 0
#define FZ_LOGITS 0
#define FZ_FN bce_probs_f64
#include "fuzz_elem.h"
