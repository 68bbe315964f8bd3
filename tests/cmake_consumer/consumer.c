/*
 * consumer.c -- tests/cmake_consumer: libbce's bce_logits_f64 on a few
 * samples, each checked against libbce-verify's correctly rounded MPFR
 * reference (bcev_ref).  Prints one line per sample and "ok N" at the end;
 * exits 1 if a result differs from the reference.
 */
#include <stdio.h>
#include <string.h>

#include <bce.h>
#include <bce_verify.h>

int main(void)
{
    const double z[4] = {0.0, 3.5, -40.0, 800.0};
    const double y[4] = {1.0, 0.0, 0.25, 1.0};
    double loss[4], dz[4];
    bce_options opt;
    memset(&opt, 0, sizeof opt);
    bce_status st = bce_logits_f64(4, z, y, NULL, &opt, loss, dz);
    if (st != BCE_OK) {
        fprintf(stderr, "bce_logits_f64: %s\n", bce_status_name(st));
        return 1;
    }
    int ok = 0;
    for (int i = 0; i < 4; i++) {
        bcev_sample s = {z[i], y[i], 1.0};
        double rl, rg;
        if (bcev_ref(BCEV_LOGITS, BCEV_F64, &s, &opt, 1.0, &rl, &rg) != 0)
            return 1;
        int same = memcmp(&rl, &loss[i], sizeof rl) == 0 &&
                   memcmp(&rg, &dz[i], sizeof rg) == 0;
        printf("z=%a y=%a loss=%a grad=%a %s\n", z[i], y[i], loss[i], dz[i],
               same ? "== MPFR" : "!= MPFR");
        ok += same;
    }
    printf("ok %d\n", ok);
    return ok == 4 ? 0 : 1;
}
