/*
 * sbs_libm.c -- bce-bench-side-by-side's libm scalar loop: sbs_libmvec.c's
 * loops (TensorFlow's formula) compiled with the project's flags (no
 * -march, no fast-math: one element at a time through glibc's libm).
 */
#define SBS_NAME(x) sbs_libm_##x
#include "sbs_libmvec.c"
