/* fuzz_logits_f32.c -- libFuzzer target for bce_logits_f32 (see fuzz_elem.h). */
#define FZ_T float
#define FZ_F32 1
#define FZ_LOGITS 1
#define FZ_FN bce_logits_f32
#include "fuzz_elem.h"
