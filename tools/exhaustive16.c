/*
 * exhaustive16.c -- `bce exhaustive --type bf16|f16`: every (x, y) pair of
 * 16-bit values, x = z (or p) over the bit patterns [A, B) of --range, y
 * over --label 0|1|both|all (all: every value of the type in [0,1], -0 and
 * the patterns 0x0000 .. one: 16,258 bf16 / 15,362 f16 labels), loss and
 * gradient, against the correctly rounded result in --out-type (f32: the
 * exact value rounded once to binary32, bce_<form>_<type>; bf16/f16: rounded
 * once to the input's type, bce_<form>_<type>_<type>), on every ISA asked.
 *
 * Expected values: the proven any-label filter bcev_lowp_filter
 * (verify/lowp_filter.c: v = A + T, A exact, T bounded; a pair is decided
 * when the enclosure holds no rounding boundary of the output type, or an
 * exact midpoint A = m is broken by T's sign), MPFR where it cannot decide
 * (bcev_exact at 256 bits rounded to odd, then bcev_round16 -- the MPFR
 * value rounded ONCE to the 16-bit format -- or bcev_round_to(BCEV_F32)):
 * never RN16(RN32(x)).  Results are compared bit for bit (an exact zero is
 * +0; a tiny nonzero value rounds to the zero of its sign).  Inputs the API
 * rejects (NaN; p outside [0,1]) are checked one by one: the documented
 * status, error index 0, nothing written; NaN also with
 * BCE_OPT_PROPAGATE_NAN (the type's NaN).
 *
 * --self-test double-round replaces the library's 16-bit outputs by
 * RN16(the float output): the run must report misrounded results (it is
 * how the tests see this checker fail on purpose).
 *
 * Single-threaded: run shards (--shard I/N, or the job runner's
 * environment) in parallel, one per core, and merge the JSON summaries
 * with `bce exhaustive-merge` (schema 4: bce_tool_exhaustive16_merge below).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bce.h"
#include "bce_verify.h"
#include "exhaustive.h"
#include "bcev_cli.h"
#include "tool.h"

#define EX16_SCHEMA 4
#define EX16_MAXFAIL 100
#define EX16_CHUNK 4096

typedef struct fail16 {
    int isa, form, output;
    double x, y, got, want, ulp;
} fail16;

typedef struct ex16 {
    int type, out, forms[2], nforms, label;   /* label: 0, 1, 2 both, 3 all */
    int isas[16], nisas, self_test, quiet;
    uint64_t lo, hi;
    bce_tool_shard shard;
    const char *json, *checkpoint;
    uint64_t max_inputs;                       /* --max-inputs N: stop, exit 3 */
    /* progress: form index, next x */
    int fi;
    uint64_t next;
    /* statistics */
    uint64_t inputs, rejected, pairs, outputs, misrounded, mpfr, filter_decided;
    uint64_t rejected_bad;                     /* rejections that went wrong */
    double max_ulp, seconds, seconds_reference;   /* reference: filter + MPFR */
    fail16 fail[EX16_MAXFAIL];
    int nfail;
    char command[1024];                        /* "bce exhaustive ARGS" */
} ex16;

static const char *const form_names[2] = {"logits", "probs"};
static const char *const label_names[4] = {"0", "1", "both", "all"};

static uint16_t one16(int t) { return t == BCE_TOOL_BF16 ? 0x3f80 : 0x3c00; }

static void add_fail(ex16 *s, int isa, int form, int output, double x, double y,
                     double got, double want, double ulp)
{
    s->misrounded++;
    if (ulp > s->max_ulp) s->max_ulp = ulp;
    if (s->nfail >= EX16_MAXFAIL) return;
    fail16 *f = &s->fail[s->nfail++];
    f->isa = isa; f->form = form; f->output = output;
    f->x = x; f->y = y; f->got = got; f->want = want; f->ulp = ulp;
}

static void reference(const ex16 *s, int form, double x, double y, double out[2],
                      mpfr_t L, mpfr_t G)
{
    bce_tool_ref16(form, s->type, s->out, x, y, out, L, G);
}

static int same(double a, double b)
{
    if (isnan(a) && isnan(b)) return 1;
    return a == b && signbit(a) == signbit(b);
}

typedef bce_status (*ep32_t)(size_t, const uint16_t *, const uint16_t *, const uint16_t *,
                             const bce_options *, float *, float *);
typedef bce_status (*ep16_t)(size_t, const uint16_t *, const uint16_t *, const uint16_t *,
                             const bce_options *, uint16_t *, uint16_t *);

static ep32_t ep32(int t, int form)
{
    return t == BCE_TOOL_BF16 ? (form ? bce_probs_bf16 : bce_logits_bf16)
                              : (form ? bce_probs_f16 : bce_logits_f16);
}
static ep16_t ep16(int t, int form)
{
    return t == BCE_TOOL_BF16 ? (form ? bce_probs_bf16_bf16 : bce_logits_bf16_bf16)
                              : (form ? bce_probs_f16_f16 : bce_logits_f16_f16);
}

/* The library's outputs for x (all labels ys[0..n)) as doubles. */
static int run_lib(const ex16 *s, int form, uint16_t xb, const uint16_t *ys, size_t n,
                   double *L, double *G)
{
    static uint16_t xs[EX16_CHUNK], l16[EX16_CHUNK], g16[EX16_CHUNK];
    static float l32[EX16_CHUNK], g32[EX16_CHUNK];
    for (size_t i = 0; i < n; i++) xs[i] = xb;
    bce_status st;
    if (s->out == BCE_TOOL_F32 || s->self_test) {
        st = ep32(s->type, form)(n, xs, ys, NULL, NULL, l32, g32);
        for (size_t i = 0; i < n && st == BCE_OK; i++) {
            L[i] = s->self_test ? bce_tool_rn16(s->type, l32[i]) : l32[i];
            G[i] = s->self_test ? bce_tool_rn16(s->type, g32[i]) : g32[i];
        }
    } else {
        st = ep16(s->type, form)(n, xs, ys, NULL, NULL, l16, g16);
        for (size_t i = 0; i < n && st == BCE_OK; i++) {
            L[i] = bcev_from_bits16(s->type, l16[i]);
            G[i] = bcev_from_bits16(s->type, g16[i]);
        }
    }
    return st == BCE_OK ? 0 : -1;
}

/* A rejected input: the documented status, index 0, nothing written; NaN
 * also propagated.  Returns 0 when all is as documented. */
static int check_rejected(const ex16 *s, int form, uint16_t xb, bcev_f32_class c)
{
    bce_options o;
    memset(&o, 0, sizeof o);
    size_t idx = 12345;
    o.error_index = &idx;
    uint16_t yb = 0, l16 = 7, g16 = 7;
    float l = 7.0f, g = 7.0f;
    const bce_status want = c == BCEV_X_NAN ? (form ? BCE_E_NAN_PROB : BCE_E_NAN_LOGIT)
                                            : BCE_E_PROB_RANGE;
    int bad = 0;
    bad |= ep32(s->type, form)(1, &xb, &yb, NULL, &o, &l, &g) != want || idx != 0;
    idx = 12345;
    bad |= ep16(s->type, form)(1, &xb, &yb, NULL, &o, &l16, &g16) != want || idx != 0;
    bad |= !(l == 7.0f && g == 7.0f && l16 == 7 && g16 == 7);
    if (c == BCEV_X_NAN) {
        o.flags = BCE_OPT_PROPAGATE_NAN;
        bad |= ep16(s->type, form)(1, &xb, &yb, NULL, &o, &l16, &g16) != BCE_OK;
        bad |= !(isnan(bcev_from_bits16(s->type, l16)) && isnan(bcev_from_bits16(s->type, g16)));
        bad |= ep32(s->type, form)(1, &xb, &yb, NULL, &o, &l, &g) != BCE_OK;
        bad |= !(isnan(l) && isnan(g));
    }
    return bad;
}

/* one x, every label, every ISA */
static void one_x(ex16 *s, int form, uint16_t xb, const uint16_t *labels, const double *yv,
                  size_t nl)
{
    static double eL[EX16_CHUNK], eG[EX16_CHUNK], gL[EX16_CHUNK], gG[EX16_CHUNK];
    const double x = bcev_from_bits16(s->type, xb);
    const bcev_f32_class c = bcev_f32_classify(form ? BCEV_PROBS : BCEV_LOGITS, (float)x);
    s->inputs++;
    if (c == BCEV_X_NAN || c == BCEV_X_RANGE) {
        s->rejected++;
        for (int i = 0; i < s->nisas; i++) {
            bce_set_isa(bce_isa_name((size_t)s->isas[i]));
            if (check_rejected(s, form, xb, c)) {
                s->rejected_bad++;
                add_fail(s, s->isas[i], form, -1, x, 0, NAN, NAN, INFINITY);
            }
        }
        return;
    }
    const int k16 = s->out != BCE_TOOL_F32;
    /* what the filter needs of x alone, once for every label */
    const double tp = bcev_now();
    bcev_lowp_x px;
    if (c == BCEV_X_FILTER)
        bcev_lowp_filter_prep(form ? BCEV_PROBS : BCEV_LOGITS, s->type, x, &px);
    s->seconds_reference += bcev_now() - tp;
    for (size_t b = 0; b < nl; b += EX16_CHUNK) {
        const size_t m = nl - b < EX16_CHUNK ? nl - b : EX16_CHUNK;
        /* the expected values */
        const double tr = bcev_now();
        for (size_t j = 0; j < m; j++) {
            const double y = yv[b + j];
            float o32[2] = {0, 0};
            double o16[2] = {0, 0};
            int dec[2][2];
            if (c == BCEV_X_FILTER)
                bcev_lowp_filter_y(&px, y, o32, o16, dec);
            else
                memset(dec, 0, sizeof dec);
            if (dec[k16][0] && dec[k16][1]) {
                eL[j] = k16 ? o16[0] : o32[0];
                eG[j] = k16 ? o16[1] : o32[1];
                s->filter_decided++;
            } else {
                double r[2];
                mpfr_t Lm, Gm;
                mpfr_inits2(256, Lm, Gm, (mpfr_ptr)0);
                reference(s, form, x, y, r, Lm, Gm);
                mpfr_clears(Lm, Gm, (mpfr_ptr)0);
                eL[j] = r[0];
                eG[j] = r[1];
                s->mpfr++;
            }
        }
        s->pairs += m;
        s->seconds_reference += bcev_now() - tr;
        for (int i = 0; i < s->nisas; i++) {
            bce_set_isa(bce_isa_name((size_t)s->isas[i]));
            if (run_lib(s, form, xb, labels + b, m, gL, gG) != 0) {
                for (size_t j = 0; j < m; j++)
                    add_fail(s, s->isas[i], form, 0, x,
                             bcev_from_bits16(s->type, labels[b + j]), NAN, eL[j], INFINITY);
                continue;
            }
            s->outputs += 2 * m;
            for (size_t j = 0; j < m; j++) {
                for (int o = 0; o < 2; o++) {
                    const double got = o ? gG[j] : gL[j], want = o ? eG[j] : eL[j];
                    if (same(got, want)) continue;
                    const double y = bcev_from_bits16(s->type, labels[b + j]);
                    double r[2];
                    mpfr_t Lm, Gm;
                    mpfr_inits2(256, Lm, Gm, (mpfr_ptr)0);
                    reference(s, form, x, y, r, Lm, Gm);
                    double u = bce_tool_ulp16(s->type, s->out, got, o ? Gm : Lm);
                    mpfr_clears(Lm, Gm, (mpfr_ptr)0);
                    add_fail(s, s->isas[i], form, o, x, y, got, r[o], u);
                }
            }
        }
    }
}

/* ---- checkpoint: one text line of counters --------------------------- */

static void cfg_line(const ex16 *s, char *buf, size_t n)
{
    char isas[128] = "";
    for (int i = 0; i < s->nisas; i++) {
        strcat(isas, i ? "," : "");
        strcat(isas, bce_isa_name((size_t)s->isas[i]));
    }
    snprintf(buf, n, "bce-exhaustive16 1 type=%s out_type=%s forms=%s%s%s label=%s isas=%s "
             "range=%" PRIu64 ":%" PRIu64 " self_test=%d",
             bce_tool_type_name(s->type), bce_tool_type_name(s->out),
             form_names[s->forms[0]], s->nforms > 1 ? "," : "",
             s->nforms > 1 ? form_names[s->forms[1]] : "", label_names[s->label], isas,
             s->lo, s->hi, s->self_test);
}

static int save_checkpoint(const ex16 *s)
{
    char tmp[4200], cfg[512];
    snprintf(tmp, sizeof tmp, "%s.tmp", s->checkpoint);
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    cfg_line(s, cfg, sizeof cfg);
    fprintf(f, "%s\n%d %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
            " %" PRIu64 " %" PRIu64 " %" PRIu64 " %a %a %a %d\n",
            cfg, s->fi, s->next, s->inputs, s->rejected, s->pairs, s->outputs, s->misrounded,
            s->mpfr, s->filter_decided, s->rejected_bad, s->max_ulp, s->seconds, s->seconds_reference, s->nfail);
    for (int i = 0; i < s->nfail; i++) {
        const fail16 *q = &s->fail[i];
        fprintf(f, "%d %d %d %a %a %a %a %a\n", q->isa, q->form, q->output, q->x, q->y,
                q->got, q->want, q->ulp);
    }
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, s->checkpoint) != 0) return -1;
    return 0;
}

/* 1: resumed, 0: no file, -1: error (message printed) */
static int load_checkpoint(ex16 *s)
{
    FILE *f = fopen(s->checkpoint, "r");
    if (!f) return errno == ENOENT ? 0 : -1;
    char line[600], cfg[512];
    cfg_line(s, cfg, sizeof cfg);
    int ok = fgets(line, sizeof line, f) != NULL;
    line[strcspn(line, "\n")] = '\0';
    if (!ok || strcmp(line, cfg) != 0) {
        fprintf(stderr, "bce exhaustive: %s: checkpoint of another run (%s), not %s\n",
                s->checkpoint, ok ? line : "empty", cfg);
        fclose(f);
        return -1;
    }
    ok = fscanf(f, "%d %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
                " %" SCNu64 " %" SCNu64 " %" SCNu64 " %la %la %la %d",
                &s->fi, &s->next, &s->inputs, &s->rejected, &s->pairs, &s->outputs,
                &s->misrounded, &s->mpfr, &s->filter_decided, &s->rejected_bad, &s->max_ulp,
                &s->seconds, &s->seconds_reference, &s->nfail) == 14 && s->nfail >= 0 && s->nfail <= EX16_MAXFAIL;
    for (int i = 0; ok && i < s->nfail; i++) {
        fail16 *q = &s->fail[i];
        ok = fscanf(f, "%d %d %d %la %la %la %la %la", &q->isa, &q->form, &q->output, &q->x,
                    &q->y, &q->got, &q->want, &q->ulp) == 8;
    }
    fclose(f);
    if (!ok) {
        fprintf(stderr, "bce exhaustive: %s: malformed checkpoint\n", s->checkpoint);
        return -1;
    }
    return 1;
}

/* ---- report ------------------------------------------------------------ */

static void write_json(FILE *f, const ex16 *s, int complete)
{
    bcev_json_header(f, "exhaustive", EX16_SCHEMA);
    fputs("\"command\": ", f);
    bcev_json_str(f, s->command);
    fputs(",\n", f);
    fprintf(f, "\"type\": \"%s\", \"out_type\": \"%s\", \"forms\": [", bce_tool_type_name(s->type),
            bce_tool_type_name(s->out));
    for (int i = 0; i < s->nforms; i++)
        fprintf(f, "%s\"%s\"", i ? ", " : "", form_names[s->forms[i]]);
    fprintf(f, "], \"label\": \"%s\", \"labels_per_input\": %d, \"isas\": [",
            label_names[s->label],
            s->label < 2 ? 1 : s->label == 2 ? 2 : (int)one16(s->type) + 2);
    for (int i = 0; i < s->nisas; i++) {
        fputs(i ? ", " : "", f);
        bcev_json_str(f, bce_isa_name((size_t)s->isas[i]));
    }
    fprintf(f, "],\n\"range\": [%" PRIu64 ", %" PRIu64 "], ", s->lo, s->hi);
    if (s->shard.count)
        fprintf(f, "\"shard\": {\"index\": %d, \"count\": %d, \"source\": \"%s\"}, ",
                s->shard.index, s->shard.count, s->shard.source);
    fprintf(f, "\"self_test\": %s, \"complete\": %s,\n", s->self_test ? "\"double-round\"" : "null",
            complete ? "true" : "false");
    fprintf(f, "\"inputs\": %" PRIu64 ", \"rejected_inputs\": %" PRIu64
            ", \"rejections_wrong\": %" PRIu64 ", \"pairs\": %" PRIu64
            ", \"outputs_checked\": %" PRIu64 ", \"misrounded\": %" PRIu64
            ", \"filter_decided_pairs\": %" PRIu64 ", \"mpfr_pairs\": %" PRIu64 ",\n",
            s->inputs, s->rejected, s->rejected_bad, s->pairs, s->outputs, s->misrounded,
            s->filter_decided, s->mpfr);
    fputs("\"max_ulp\": ", f);
    bcev_json_num(f, s->max_ulp);
    fprintf(f, ", \"seconds\": %.3f, \"pairs_per_second\": %.4g, \"seconds_reference\": %.3f,"
            " \"reference_pairs_per_second\": %.4g,\n\"failures\": [",
            s->seconds, s->seconds > 0 ? (double)s->pairs / s->seconds : 0.0, s->seconds_reference,
            s->seconds_reference > 0 ? (double)s->pairs / s->seconds_reference : 0.0);
    for (int i = 0; i < s->nfail; i++) {
        const fail16 *q = &s->fail[i];
        const int f32 = s->out == BCE_TOOL_F32;
        fprintf(f, "%s\n  {\"isa\": ", i ? "," : "");
        bcev_json_str(f, bce_isa_name((size_t)q->isa));
        fprintf(f, ", \"form\": \"%s\", \"output\": \"%s\", ", form_names[q->form],
                q->output < 0 ? "rejection" : q->output ? "grad" : "loss");
        bcev_json_value(f, "x", q->x, 0);
        fputs(", ", f);
        bcev_json_value(f, "y", q->y, 0);
        fputs(", ", f);
        bcev_json_value(f, "got", q->got, f32);
        fputs(", ", f);
        bcev_json_value(f, "want", q->want, f32);
        fputs(", \"ulp\": ", f);
        bcev_json_num(f, q->ulp);
        fputc('}', f);
    }
    fputs("\n]}\n", f);
}

static void report(FILE *o, const ex16 *s, int complete)
{
    fprintf(o, "bce exhaustive --type %s --out-type %s --label %s: range [%" PRIu64 ", %" PRIu64
            ")%s%s\n", bce_tool_type_name(s->type), bce_tool_type_name(s->out),
            label_names[s->label], s->lo, s->hi, complete ? "" : " (incomplete)",
            s->self_test ? " SELF-TEST double-round" : "");
    fprintf(o, "  inputs %" PRIu64 " (rejected %" PRIu64 ", wrongly %" PRIu64 "), pairs %" PRIu64
            ", outputs checked %" PRIu64 ", misrounded %" PRIu64 "\n",
            s->inputs, s->rejected, s->rejected_bad, s->pairs, s->outputs, s->misrounded);
    fprintf(o, "  filter decided %" PRIu64 " pairs, MPFR %" PRIu64 " (%.3g%%); %.1f s, %.3g pairs/s"
            " (reference alone: %.1f s, %.3g pairs/s)\n",
            s->filter_decided, s->mpfr, s->pairs ? 100.0 * (double)s->mpfr / (double)s->pairs : 0.0,
            s->seconds, s->seconds > 0 ? (double)s->pairs / s->seconds : 0.0, s->seconds_reference,
            s->seconds_reference > 0 ? (double)s->pairs / s->seconds_reference : 0.0);
    for (int i = 0; i < s->nfail && i < 10; i++) {
        const fail16 *q = &s->fail[i];
        if (q->output < 0)
            fprintf(o, "  FAIL %s %s x=%a: rejection not as documented\n",
                    bce_isa_name((size_t)q->isa), form_names[q->form], q->x);
        else
            fprintf(o, "  FAIL %s %s x=%a y=%a %s: got %a, correctly rounded %a (%.6g ulp)\n",
                    bce_isa_name((size_t)q->isa), form_names[q->form], q->x, q->y,
                    q->output ? "grad" : "loss", q->got, q->want, q->ulp);
    }
    fprintf(o, "result: %s\n", !complete ? "INCOMPLETE" : s->misrounded ? "FAIL" : "PASS");
}

static const char help16[] =
    "usage: bce exhaustive --type bf16|f16 [--out-type f32|bf16|f16]\n"
    "                      [--form logits|probs|both] [--label 0|1|both|all]\n"
    "                      [--isa NAME|all|auto] [--range A:B] [--shard I/N]\n"
    "                      [--checkpoint FILE] [--max-inputs N] [--json FILE]\n"
    "                      [--self-test double-round] [--quiet]\n"
    "\n"
    "Check the 16-bit entry points on every (x, y) pair of 16-bit values: x\n"
    "= z (or p) over the bit patterns A <= x < B (default 0:65536), y = 0,\n"
    "1, both, or all (every value of the type in [0,1], -0 included: 16,258\n"
    "bf16 / 15,362 f16 labels), loss and gradient, against the correctly rounded result in\n"
    "the output type: f32 (default; bce_<form>_<type>) or the input's type\n"
    "(bce_<form>_<type>_<type>), the exact value rounded ONCE (never\n"
    "RN16(RN32(x))).  A proven double filter decides each pair when its\n"
    "enclosure holds no rounding boundary of the output type\n"
    "(verify/lowp_filter.c); MPFR decides the rest.  Rejected inputs (NaN;\n"
    "p outside [0,1]) are checked one by one.  Default options.\n"
    "\n"
    "  --isa NAME|all|auto  one ISA, every one available (default all), or\n"
    "                   the one libbce picks here (auto)\n"
    "  --shard I/N      the I-th of N parts of the range (or the job runner's\n"
    "                   environment, CONVENTIONS.md); one process per core\n"
    "  --checkpoint F   save progress to F every 10 s; resume from F if it\n"
    "                   exists (the same configuration, else an error)\n"
    "  --max-inputs N   stop after N more x values (checkpoint saved): exit 3\n"
    "  --json FILE      summary (schema 4: \"type\", \"out_type\", \"label\",\n"
    "                   counts, pairs_per_second, the first 100 failures)\n"
    "  --self-test double-round   judge RN16(float output) instead of the\n"
    "                   16-bit output: must FAIL (exit 1)\n"
    "exit status: 0 all correct, 1 a misrounded result or wrong rejection,\n"
    "2 usage or I/O error, 3 stopped by --max-inputs.\n";

const char *bce_tool_exhaustive16_help(void) { return help16; }

static int usage16(const char *msg, const char *arg)
{
    fputs("bce exhaustive: ", stderr);
    fprintf(stderr, msg, arg ? bce_tool_esc(arg, BCE_TOOL_ESC_NAME) : "");
    fputs("\ntry 'bce exhaustive --type bf16 --help'\n", stderr);
    return BCE_EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (end == s || *end || errno || *s == '-') return -1;
    *out = v;
    return 0;
}

int bce_tool_exhaustive16(int argc, char **argv)
{
    static ex16 s;
    memset(&s, 0, sizeof s);
    s.out = BCE_TOOL_F32;
    s.forms[0] = 0; s.forms[1] = 1; s.nforms = 2;
    s.label = 2;
    s.lo = 0; s.hi = 65536;
    const char *isa = "all", *shard_arg = NULL;
    snprintf(s.command, sizeof s.command, "bce exhaustive");
    for (int i = 1; i < argc; i++) {
        size_t l = strlen(s.command);
        snprintf(s.command + l, sizeof s.command - l, " %s", argv[i]);
    }
    int out_given = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(name) (strcmp(a, name) == 0 && (v ? (i++, 1) : (usage16("%s wants a value", name), 0)))
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help16, stdout);
            return BCE_EXIT_OK;
        } else if (!strcmp(a, "--quiet")) {
            s.quiet = 1;
        } else if (TAKE("--type")) {
            s.type = bce_tool_type_from_name(v);
            if (s.type != BCE_TOOL_BF16 && s.type != BCE_TOOL_F16)
                return usage16("--type wants bf16 or f16 here, not '%s'", v);
        } else if (TAKE("--out-type")) {
            s.out = bce_tool_type_from_name(v);
            out_given = 1;
            if (s.out < 0) return usage16("--out-type wants f32, bf16 or f16, not '%s'", v);
        } else if (TAKE("--form")) {
            if (!strcmp(v, "logits")) { s.forms[0] = 0; s.nforms = 1; }
            else if (!strcmp(v, "probs")) { s.forms[0] = 1; s.nforms = 1; }
            else if (!strcmp(v, "both")) { s.forms[0] = 0; s.forms[1] = 1; s.nforms = 2; }
            else return usage16("--form wants logits, probs or both, not '%s'", v);
        } else if (TAKE("--label")) {
            int l = -1;
            for (int k = 0; k < 4; k++) if (!strcmp(v, label_names[k])) l = k;
            if (l < 0) return usage16("--label wants 0, 1, both or all, not '%s'", v);
            s.label = l;
        } else if (TAKE("--isa")) {
            isa = v;
        } else if (TAKE("--range")) {
            const char *c = strchr(v, ':');
            char A[64];
            if (!c || (size_t)(c - v) >= sizeof A) return usage16("--range wants A:B, not '%s'", v);
            memcpy(A, v, (size_t)(c - v));
            A[c - v] = '\0';
            if (parse_u64(A, &s.lo) || parse_u64(c + 1, &s.hi) || s.lo >= s.hi || s.hi > 65536)
                return usage16("--range wants A:B with 0 <= A < B <= 65536 (0x10000), not '%s'", v);
        } else if (TAKE("--shard")) {
            shard_arg = v;
        } else if (TAKE("--checkpoint")) {
            s.checkpoint = v;
        } else if (TAKE("--max-inputs")) {
            if (parse_u64(v, &s.max_inputs) || !s.max_inputs)
                return usage16("--max-inputs wants N >= 1, not '%s'", v);
        } else if (!strcmp(a, "--json")) {
            s.json = bcev_json_arg("exhaustive", a, v);
            if (!s.json) return BCE_EXIT_USAGE;
            i++;
        } else if (TAKE("--self-test")) {
            if (strcmp(v, "double-round")) return usage16("--self-test wants double-round, not '%s'", v);
            s.self_test = 1;
        } else {
            if (strncmp(a, "--", 2) == 0 && !v && (!strcmp(a, "--type") || !strcmp(a, "--out-type") ||
                !strcmp(a, "--form") || !strcmp(a, "--label") || !strcmp(a, "--isa") ||
                !strcmp(a, "--range") || !strcmp(a, "--shard") || !strcmp(a, "--checkpoint") ||
                !strcmp(a, "--max-inputs") || !strcmp(a, "--self-test")))
                return BCE_EXIT_USAGE;
            return usage16("unknown option '%s' (with --type bf16|f16)", a);
        }
#undef TAKE
    }
    if (!out_given) s.out = BCE_TOOL_F32;
    if (!bce_tool_out_type_ok(s.type, s.out))
        return usage16("--out-type %s: the output type is f32 or the input's type", bce_tool_type_name(s.out));
    if (s.self_test && s.out == BCE_TOOL_F32)
        return usage16("%s--self-test double-round needs a 16-bit --out-type", "");
    /* ISAs */
    if (!strcmp(isa, "all")) {
        for (size_t i = 0; i < bce_isa_count() && s.nisas < 16; i++)
            if (bce_isa_available(bce_isa_name(i))) s.isas[s.nisas++] = (int)i;
    } else {
        if (!strcmp(isa, "auto") && bce_active_isa() != NULL)
            isa = bce_active_isa();
        for (size_t i = 0; i < bce_isa_count(); i++)
            if (!strcmp(bce_isa_name(i), isa)) s.isas[s.nisas++] = (int)i;
        if (!s.nisas || !bce_isa_available(isa))
            return usage16("--isa '%s': not an ISA this CPU runs", isa);
    }
    char err[256];
    if (bce_tool_shard_get(shard_arg, &s.shard, err, sizeof err) != 0) {
        fprintf(stderr, "bce exhaustive: %s\n", err);
        return BCE_EXIT_USAGE;
    }
    bce_tool_shard_range(&s.shard, s.lo, s.hi, &s.lo, &s.hi);
    FILE *text = s.json && !strcmp(s.json, "-") ? stderr : stdout;
    if (s.shard.from_env)
        fprintf(text, "shard %d/%d from %s: range [%" PRIu64 ", %" PRIu64 ")\n", s.shard.index,
                s.shard.count, s.shard.source, s.lo, s.hi);
    s.next = s.lo;
    if (s.checkpoint) {
        int r = load_checkpoint(&s);
        if (r < 0) return BCE_EXIT_USAGE;
    }
    /* labels */
    static uint16_t labels[16384];
    size_t nl = 0;
    if (s.label == 0 || s.label == 2) labels[nl++] = 0;
    if (s.label == 1 || s.label == 2) labels[nl++] = one16(s.type);
    if (s.label == 3) {   /* every value in [0,1]: -0, +0 ... one */
        labels[nl++] = 0x8000;
        for (uint32_t b = 0; b <= one16(s.type); b++) labels[nl++] = (uint16_t)b;
    }
    static double yv[16384];   /* their values, once */
    for (size_t j = 0; j < nl; j++) yv[j] = bcev_from_bits16(s.type, labels[j]);

    bcev_progress pr;
    bcev_progress_start(&pr, "bce exhaustive", "inputs", !s.quiet);
    const uint64_t total = (uint64_t)s.nforms * (s.hi - s.lo);
    double t0 = bcev_now(), tlast = t0, tck = t0, base = s.seconds;
    uint64_t done_run = 0;
    int stopped = 0;
    for (; s.fi < s.nforms && !stopped; s.fi++, s.next = s.lo) {
        for (; s.next < s.hi; s.next++) {
            if (s.max_inputs && done_run == s.max_inputs) { stopped = 1; break; }
            one_x(&s, s.forms[s.fi], (uint16_t)s.next, labels, yv, nl);
            done_run++;
            double t = bcev_now();
            if (t - tlast > 1.0 || s.next + 1 == s.hi) {
                s.seconds = base + (t - t0);
                uint64_t done = (uint64_t)s.fi * (s.hi - s.lo) + (s.next + 1 - s.lo);
                char extra[64];
                snprintf(extra, sizeof extra, "%s, %.3g pairs/s", form_names[s.forms[s.fi]],
                         s.seconds > 0 ? (double)s.pairs / s.seconds : 0.0);
                bcev_progress_update(&pr, done, total, -1, extra);
                if (s.checkpoint && t - tck > 10.0) {
                    tck = t;
                    uint64_t keep = s.next;
                    s.next++;
                    if (save_checkpoint(&s) != 0)
                        fprintf(stderr, "bce exhaustive: %s: cannot write the checkpoint\n",
                                s.checkpoint);
                    s.next = keep;
                }
                if (t - tlast > 1.0) tlast = t;
            }
        }
        if (stopped) break;
    }
    s.seconds = base + (bcev_now() - t0);
    bce_set_isa("auto");
    const int complete = !stopped;
    bcev_progress_end(&pr, complete ? total : 0, total, -1, NULL);
    if (s.checkpoint && save_checkpoint(&s) != 0)
        fprintf(stderr, "bce exhaustive: %s: cannot write the checkpoint\n", s.checkpoint);
    report(text, &s, complete);
    if (s.json) {
        FILE *jf = bcev_json_open("exhaustive", s.json);
        if (!jf) return BCE_EXIT_USAGE;
        write_json(jf, &s, complete);
        if (bcev_json_close("exhaustive", s.json, jf) != 0) return BCE_EXIT_USAGE;
    }
    if (s.misrounded) return BCE_EXIT_FAIL;
    return stopped ? 3 : BCE_EXIT_OK;
}

/* ---- bce exhaustive-merge of schema-4 summaries --------------------------- */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    for (size_t k; b && (k = fread(b + n, 1, cap - n - 1, f)) > 0;) {
        n += k;
        if (n + 1 == cap) {
            char *q = realloc(b, 2 * cap);
            if (!q) { free(b); b = NULL; break; }
            b = q;
            cap *= 2;
        }
    }
    fclose(f);
    if (b) b[n] = '\0';
    return b;
}

/* the number after "KEY": (a string "inf" as infinity); 0 when found */
static int jnum(const char *b, const char *key, double *v)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = strstr(b, pat);
    if (!p) return -1;
    p += strlen(pat);
    if (!strncmp(p, "\"inf\"", 5)) { *v = INFINITY; return 0; }
    char *e;
    *v = strtod(p, &e);
    return e == p ? -1 : 0;
}

int bce_tool_exhaustive16_is_summary(const char *path)
{
    char *b = slurp(path);
    int r = b && strstr(b, "\"tool\": \"bce exhaustive\"") && strstr(b, "\"schema\": 4,");
    free(b);
    return r;
}

int bce_tool_exhaustive16_merge(const char *json, int n, char **files)
{
    static const char *const keys[] = {"inputs", "rejected_inputs", "rejections_wrong", "pairs",
                                       "outputs_checked", "misrounded", "filter_decided_pairs",
                                       "mpfr_pairs"};
    enum { NK = sizeof keys / sizeof keys[0] };
    double sum[NK] = {0}, max_ulp = 0, secs = 0, secs_ref = 0;
    char *cfg = NULL;
    uint64_t (*rg)[2] = calloc((size_t)n, sizeof *rg);
    int complete = 1, status = BCE_EXIT_OK, nf = 0;
    char *fails = NULL;
    size_t flen = 0;
    if (!rg) return BCE_EXIT_USAGE;
    for (int i = 0; i < n && status == BCE_EXIT_OK; i++) {
        char *b = slurp(files[i]);
        const char *t = b ? strstr(b, "\"type\": ") : NULL, *r = b ? strstr(b, "\"range\": [") : NULL;
        unsigned long long lo, hi;
        if (!b || !strstr(b, "\"schema\": 4,") || !t || !r || r < t ||
            sscanf(r, "\"range\": [%llu, %llu]", &lo, &hi) != 2) {
            fprintf(stderr, "bce exhaustive-merge: %s: not a `bce exhaustive --type bf16|f16` "
                    "summary (schema 4)\n", bce_tool_esc(files[i], BCE_TOOL_ESC_NAME));
            status = BCE_EXIT_USAGE;
        } else {
            char *c = strndup(t, (size_t)(r - t));
            if (!cfg) {
                cfg = c;
            } else {
                if (strcmp(cfg, c) != 0) {
                    fprintf(stderr, "bce exhaustive-merge: %s: another run's configuration "
                            "(type, output type, forms, label, ISAs)\n",
                            bce_tool_esc(files[i], BCE_TOOL_ESC_NAME));
                    status = BCE_EXIT_USAGE;
                }
                free(c);
            }
            rg[i][0] = lo;
            rg[i][1] = hi;
            complete &= strstr(b, "\"complete\": true") != NULL;
            for (int k = 0; k < NK && status == BCE_EXIT_OK; k++) {
                double v = 0;
                if (jnum(b, keys[k], &v) != 0) {
                    fprintf(stderr, "bce exhaustive-merge: %s: no \"%s\"\n",
                            bce_tool_esc(files[i], BCE_TOOL_ESC_NAME), keys[k]);
                    status = BCE_EXIT_USAGE;
                }
                sum[k] += v;
            }
            double v;
            if (jnum(b, "max_ulp", &v) == 0 && v > max_ulp) max_ulp = v;
            if (jnum(b, "seconds", &v) == 0) secs += v;
            if (jnum(b, "seconds_reference", &v) == 0) secs_ref += v;
            /* failures: the objects between "failures": [ and the end */
            const char *fp = strstr(b, "\"failures\": [");
            for (const char *q = fp ? strstr(fp, "\n  {") : NULL; q && nf < EX16_MAXFAIL;
                 q = strstr(q + 1, "\n  {")) {
                const char *e = strchr(q + 1, '}');
                if (!e) break;
                size_t l = (size_t)(e + 1 - (q + 1));
                char *nfp = realloc(fails, flen + l + 8);
                if (!nfp) break;
                fails = nfp;
                flen += (size_t)sprintf(fails + flen, "%s\n%.*s", nf ? "," : "", (int)l, q + 1);
                nf++;
            }
        }
        free(b);
    }
    /* coverage: disjoint ranges whose union is [0, 65536) */
    int covered = 0, overlap = 0;
    if (status == BCE_EXIT_OK) {
        uint64_t at = 0;
        for (int done = 0; done < n;) {
            int k = -1;
            for (int i = 0; i < n; i++)
                if (rg[i][0] == at && rg[i][1] > at) { k = i; break; }
            if (k < 0) break;
            at = rg[k][1];
            rg[k][1] = 0;   /* used */
            done++;
            if (done == n) covered = at == 65536;
        }
        for (int i = 0; i < n; i++) overlap |= rg[i][1] != 0;   /* unused: gap or overlap */
        if (overlap) covered = 0;
    }
    if (status == BCE_EXIT_OK) {
        FILE *text = json && !strcmp(json, "-") ? stderr : stdout;
        fprintf(text, "merged %d summaries: pairs %.0f, outputs checked %.0f, misrounded %.0f, "
                "wrong rejections %.0f, MPFR pairs %.0f; ranges %s\nresult: %s\n", n, sum[3], sum[4],
                sum[5], sum[2], sum[7], covered ? "cover all 65536 patterns" : "do NOT cover [0, 65536) exactly",
                sum[5] || sum[2] || !covered || !complete ? "FAIL" : "PASS");
        if (json) {
            FILE *f = bcev_json_open("exhaustive-merge", json);
            if (!f) {
                status = BCE_EXIT_USAGE;
            } else {
                bcev_json_header(f, "exhaustive-merge", EX16_SCHEMA);
                fprintf(f, "%s\"merged\": %d, \"covers_all\": %s, \"complete\": %s,\n", cfg, n,
                        covered ? "true" : "false", complete && covered ? "true" : "false");
                for (int k = 0; k < NK; k++) fprintf(f, "\"%s\": %.0f, ", keys[k], sum[k]);
                fputs("\n\"max_ulp\": ", f);
                bcev_json_num(f, max_ulp);
                fprintf(f, ", \"seconds\": %.3f, \"seconds_reference\": %.3f,\n\"failures\": [%s\n]}\n",
                        secs, secs_ref, fails ? fails : "");
                if (bcev_json_close("exhaustive-merge", json, f) != 0) status = BCE_EXIT_USAGE;
            }
        }
        if (status == BCE_EXIT_OK && (sum[5] || sum[2] || !covered || !complete)) status = BCE_EXIT_FAIL;
    }
    free(cfg);
    free(rg);
    free(fails);
    return status;
}
