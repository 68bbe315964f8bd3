/*
 * lowp_table_count.c -- how often the bf16/f16 table path (16-bit outputs,
 * level1/lowp16_tmpl.h, isa/x86_avx2/lowp16.c) leaves an output to the
 * per-sample path, per output kind, over every (x, y) pair of a form and
 * format: x every finite pattern (logits) or every p in [0, 1], y every
 * label of the type in [0, 1] (-0 included), no weights.  Each runnable
 * ISA's table kernel is called on chunks of 256 with only the loss, then
 * only the gradient wanted; "left" counts the elements it marks.
 * Usage: lowp_table_count FORM TYPE [--isa NAME] [--xstride K]
 * Prints one markdown row per ISA and output kind.  Not a test (no
 * assertion): the figures of docs/ACCURACY.md, "16-bit inputs".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bce.h"
#include "core/isa.h"
#include "core/half.h"
#include "core/lowp.h"

const bce_isa *bce_isa_entry(size_t i);

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: lowp_table_count logits|probs bf16|f16 [--isa NAME] [--xstride K]\n");
        return 2;
    }
    const int logits = !strcmp(argv[1], "logits");
    const int fmt = !strcmp(argv[2], "bf16") ? BCE_FMT_BF16 : BCE_FMT_F16;
    const char *only = NULL;
    unsigned xstride = 1;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--isa")) only = argv[i + 1];
        else if (!strcmp(argv[i], "--xstride")) xstride = (unsigned)atoi(argv[i + 1]);
    }
    if (xstride < 1) xstride = 1;
    const uint16_t one = fmt == BCE_FMT_BF16 ? 0x3f80 : 0x3c00;
    const uint16_t inf = fmt == BCE_FMT_BF16 ? 0x7f80 : 0x7c00;
    /* the labels */
    uint16_t lab[20000];
    size_t nl = 0;
    for (uint32_t b = 0; b <= one; b++) lab[nl++] = (uint16_t)b;
    lab[nl++] = 0x8000;
    float labf[20000];
    for (size_t k = 0; k < nl; k++) labf[k] = (float)bce_h16_to_double(lab[k], fmt);
    const double (*T)[2] = bce_lowp_table(fmt, logits);
    const float (*Tf)[2] = bce_lowp_table_f32(fmt, logits);
    for (size_t i = 0; i < bce_isa_count(); i++) {
        const bce_isa *e = bce_isa_entry(i);
        if (!e->runnable || !e->runnable() || !e->lowp16) continue;
        if (only && strcmp(only, e->name)) continue;
        for (int kind = 0; kind < 2; kind++) {
            uint64_t pairs = 0, left = 0;
            const clock_t c0 = clock();
            for (uint32_t xb = 0; xb < 0x10000; xb += xstride) {
                if (logits ? (xb & 0x7fff) > inf : !(xb <= one || xb == 0x8000)) continue;
                uint16_t xs[256], lh[256], gh[256];
                float xf[256];
                unsigned char redo[256];
                const float xv = (float)bce_h16_to_double((uint16_t)xb, fmt);
                for (int j = 0; j < 256; j++) { xs[j] = (uint16_t)xb; xf[j] = xv; }
                for (size_t k0 = 0; k0 < nl; k0 += 256) {
                    const size_t m = nl - k0 < 256 ? nl - k0 : 256;
                    left += e->lowp16(m, xs, xf, labf + k0, NULL, fmt, logits, T, Tf, NULL, NULL,
                                      kind ? NULL : lh, kind ? gh : NULL, redo);
                    pairs += m;
                }
            }
            printf("| %s %s | %s | %s | %llu | %llu | %.3g | %.1f s |\n", argv[1], argv[2], e->name,
                   kind ? "gradient" : "loss", (unsigned long long)pairs,
                   (unsigned long long)left, (double)left / (double)pairs,
                   (double)(clock() - c0) / CLOCKS_PER_SEC);
            fflush(stdout);
        }
    }
    return 0;
}
