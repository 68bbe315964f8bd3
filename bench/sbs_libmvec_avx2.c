/*
 * sbs_libmvec_avx2.c -- bce-bench-side-by-side's libmvec loop restricted
 * to AVX2 (bench/meson.build: -O3 -march=native -mno-avx512f -ffast-math):
 * on a CPU with AVX-512, -march=native alone makes gcc call libmvec's
 * AVX-512 variants (_ZGVeN8v_exp ...), which libbce does not use; this row
 * compares like with like.  Same loops as sbs_libmvec.c.
 */
#define SBS_NAME(x) sbs_libmvec_avx2_##x
#include "sbs_libmvec.c"
