/*
 * level1/lanes_scalar.h -- makes double a lane type of the templates (the
 * EL_* macros of level1/elem_tmpl.h for plain doubles).  No include guard:
 * each scalar instantiation includes it, then its templates, then
 * level1/lanes_scalar_end.h.  Needs level1/elem_f64.h's includes (core/
 * internal.h, core/dd.h, tables/tables.h).
 */
#define EL_SCALAR 1
#define EL_V double
#define EL_I int64_t
#define EL_DD bce_dd
#define EL_DDFN(name) bce_##name
#define EL_FN(name) bce_el_##name
#define EL_ASI(v) ((int64_t)bce_asuint64(v))
#define EL_ASD(i) bce_asdouble((uint64_t)(i))
#define EL_I2D(i) ((double)(i))
#define EL_SRA(i, n) ((i) >> (n))
#define EL_SRL(i, n) ((int64_t)((uint64_t)(i) >> (n)))
#define EL_LOOKUP(tab, idx, col) ((tab)[idx][col])
#define EL_LOOKUP1(tab, idx) ((tab)[idx])
#define EL_SPLAT(c) (c)
#define EL_M int
#define EL_SEL(m, a, b) ((m) ? (a) : (b))
#define EL_ABS(x) ((x) < 0 ? -(x) : (x))
