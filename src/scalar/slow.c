/* slow.c -- accurate slow path (triple-double).  PLACEHOLDER until
 * src/accurate/ lands: keeps the level-1 result. */
#include "internal.h"

void bce_slow_logits(double z, const bce_lab *lab, int which, bce_res *out)
{
    (void)z; (void)lab; (void)which; (void)out;
}

void bce_slow_probs(double p, const bce_lab *lab, unsigned flags, int which,
                    bce_res *out)
{
    (void)p; (void)lab; (void)flags; (void)which; (void)out;
}
