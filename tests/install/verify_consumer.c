/*
 * verify_consumer.c -- a program using an installed libbce-verify: the
 * correctly rounded MPFR reference of one sample.
 */
#include <stdio.h>
#include <string.h>

#include <bce_verify.h>

int main(void)
{
    bcev_sample s = {0.0, 1.0, 1.0};
    bce_options opt;
    double loss, grad;
    memset(&opt, 0, sizeof opt);
    if (bcev_ref(BCEV_LOGITS, BCEV_F64, &s, &opt, 1.0, &loss, &grad) != 0)
        return 1;
    printf("%a %a\n", loss, grad);
    return 0;
}
