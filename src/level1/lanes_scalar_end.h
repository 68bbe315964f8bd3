/* level1/lanes_scalar_end.h -- ends a scalar instantiation (level1/lanes_scalar.h). */
#undef EL_M
#undef EL_SEL
#undef EL_ABS
#undef EL_SCALAR
#undef EL_V
#undef EL_I
#undef EL_DD
#undef EL_DDFN
#undef EL_FN
#undef EL_ASI
#undef EL_ASD
#undef EL_I2D
#undef EL_SRA
#undef EL_SRL
#undef EL_LOOKUP
#undef EL_LOOKUP1
#undef EL_SPLAT
