/*
 * consumer.c -- a program using an installed libbce (or libbce as a meson
 * subproject).  Prints the per-sample loss and gradient of a few samples
 * and a reduced loss; expected.txt holds the exact output.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <bce.h>

int main(void)
{
    /* logits z and labels y; z = 0 gives log 2 and sigma(0) - y */
    const double z[4] = {0.0, 0.0, 40.0, -INFINITY};
    const double y[4] = {1.0, 0.0, 0.0, 1.0};
    double loss[4], dz[4], mean;
    size_t bad = 0;
    bce_options opt;
    memset(&opt, 0, sizeof opt);
    opt.error_index = &bad;

    bce_status st = bce_logits_f64(4, z, y, NULL, &opt, loss, dz);
    if (st != BCE_OK) {
        fprintf(stderr, "bce_logits_f64: %s at %zu\n", bce_strerror(st), bad);
        return 1;
    }
    for (int i = 0; i < 4; i++)
        printf("%a %a\n", loss[i], dz[i]);

    opt.reduction = BCE_REDUCTION_MEAN;
    st = bce_logits_f64(2, z, y, NULL, &opt, &mean, NULL);
    printf("mean %a %s\n", mean, bce_status_name(st));

    /* an error names the first offending element and writes nothing */
    const double ybad[2] = {0.5, 2.0};
    loss[0] = 7.0;
    opt.reduction = BCE_REDUCTION_NONE;
    st = bce_logits_f64(2, z, ybad, NULL, &opt, loss, dz);
    printf("%s at %zu, loss[0] still %g\n", bce_status_name(st), bad, loss[0]);

    printf("version %s, isa %s\n", strcmp(bce_version(), BCE_VERSION_STRING)
                                       ? "MISMATCH" : "ok",
           bce_active_isa() ? "ok" : "NULL");
    return 0;
}
