/*
 * exhaustive.c -- `bce exhaustive`: every binary32 input bit pattern (2^32,
 * NaN, infinities and subnormals included), y = 0 and y = 1, loss and
 * gradient, logits and probability forms, on every ISA, against the
 * correctly rounded result; and `bce exhaustive-merge` of the JSON
 * summaries of shards.
 *
 * Expected results: the proven double filter of verify/exhaustive_filter.c,
 * MPFR (bcev_ref) where it cannot decide and for the exact limits.  Results
 * are compared bit for bit: a nonzero exact value that rounds to zero must
 * give the zero of its sign; an exact zero (z = +-inf, p = 0 or 1) must
 * give +0, the library's documented convention.  Inputs
 * the API rejects are checked one by one (n = 1 calls: the documented
 * status, error index 0, outputs untouched); NaN inputs also with
 * BCE_OPT_PROPAGATE_NAN (NaN loss and gradient).  Valid inputs go to the
 * library in blocks of up to 4096, so the SIMD loops and their tails run.
 *
 * Threads: the ISA is a process-wide setting (bce_set_isa is not safe
 * against concurrent calls), so the ISAs run one after the other; within
 * one (ISA, form) pass the inputs are cut into epochs of 2^20, each epoch
 * into chunks of 4096 that --threads workers take in turn.  Statistics are
 * merged and the checkpoint written between epochs, so a checkpoint always
 * describes a prefix of the work.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bce.h"
#include "bce_verify.h"
#include "exhaustive.h"
#include "exhaustive_json.h"
#include "bcev_cli.h"
#include "tool.h"

#define CHUNK 4096u                /* inputs per chunk = per library call */
#define EPOCH (1u << 20)           /* inputs between merges/checkpoints */
#define CHECKPOINT_SECONDS 10.0
#define SENTINEL 0x1.5p-3f         /* never a result of a rejected call */

static const char *const form_names[2] = {"logits", "probs"};
static const char *const output_names[2] = {"loss", "grad"};

/* Serialises the MPFR reference (rarely called: undecided and special
 * inputs), so the tool does not depend on a thread-safe MPFR build. */
static pthread_mutex_t mpfr_lock = PTHREAD_MUTEX_INITIALIZER;
/* --hard FILE: the undecided outputs with their distance to a rounding
 * boundary (written under mpfr_lock). */
static FILE *hard_file;

static double now_wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double now_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

static float f_of(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static uint32_t bits_of(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

/* ------------------------------------------------------------------ */
/* failures                                                            */

static void add_failure(ex_stats *s, int isa, int form, int label, int output,
                        ex_kind kind, uint32_t x, float got, float want,
                        double ulp, int status)
{
    s->failures_total++;
    if (s->nfail >= EX_MAX_FAILURES)
        return;
    ex_failure *f = &s->fail[s->nfail++];
    f->isa = isa;
    f->form = form;
    f->label = label;
    f->output = output;
    f->kind = kind;
    f->x = x;
    f->got = got;
    f->want = want;
    f->ulp = ulp;
    f->status = status;
}

/* ------------------------------------------------------------------ */
/* one chunk                                                           */

typedef struct job {
    int isa, form;
    int labels[2], nlabels;
    uint64_t next, end;            /* chunk counter over [next, end) */
    _Atomic uint64_t cursor;
} job;

typedef struct worker {
    job *j;
    ex_stats st;
    pthread_t tid;
} worker;

/* The library's answers for one block of valid inputs. */
static bce_status call(int form, size_t n, const float *x, const float *y,
                       const bce_options *o, float *loss, float *grad)
{
    return form == BCEV_LOGITS ? bce_logits_f32(n, x, y, NULL, o, loss, grad)
                               : bce_probs_f32(n, x, y, NULL, o, loss, grad);
}

static void reference(int form, float x, int label, float *loss, float *grad)
{
    bcev_sample s = {x, (double)label, 1.0};
    double L = NAN, G = NAN;
    pthread_mutex_lock(&mpfr_lock);
    int r = bcev_ref((bcev_form)form, BCEV_F32, &s, NULL, 1.0, &L, &G);
    pthread_mutex_unlock(&mpfr_lock);
    if (r != 0) {
        fprintf(stderr, "bce exhaustive: MPFR reference failed (%d) at x = %a, y = %d\n",
                r, (double)x, label);
        exit(BCE_EXIT_USAGE);
    }
    *loss = (float)L;
    *grad = (float)G;
}

/* Distance of the exact output to the nearest binary32 rounding boundary
 * (a midpoint between two floats), in ulps: |frac(v / ulp) - 1/2|. */
static double boundary_distance(const mpfr_t v)
{
    if (!mpfr_number_p(v) || mpfr_zero_p(v))
        return 0.5;
    mpfr_exp_t e = mpfr_get_exp(v);           /* |v| in [2^(e-1), 2^e) */
    mpfr_exp_t ue = e - 24 < -149 ? -149 : e - 24;
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(v));
    mpfr_mul_2si(t, v, -(long)ue, MPFR_RNDN);  /* exact */
    mpfr_abs(t, t, MPFR_RNDN);
    mpfr_frac(t, t, MPFR_RNDN);
    mpfr_sub_d(t, t, 0.5, MPFR_RNDN);
    double d = fabs(mpfr_get_d(t, MPFR_RNDN));
    mpfr_clear(t);
    return d;
}

static void record_hard(int form, float x, int label, const int dec[2])
{
    if (!hard_file)
        return;
    bcev_sample s = {x, (double)label, 1.0};
    mpfr_t one, L, G;
    pthread_mutex_lock(&mpfr_lock);
    mpfr_inits2(192, one, L, G, (mpfr_ptr)0);
    mpfr_set_ui(one, 1, MPFR_RNDN);
    bcev_exact_mp((bcev_form)form, &s, NULL, one, 192, L, G);
    for (int k = 0; k < 2; k++)
        if (!dec[k])
            fprintf(hard_file, "%s %a %d %s %.3e\n", form_names[form], (double)x, label,
                    output_names[k], boundary_distance(k ? G : L));
    mpfr_clears(one, L, G, (mpfr_ptr)0);
    pthread_mutex_unlock(&mpfr_lock);
}

static void run_chunk(const job *j, ex_stats *st, uint64_t first, uint32_t n)
{
    static _Thread_local float xs[CHUNK], ys[CHUNK], lo[CHUNK], gr[CHUNK];
    static _Thread_local float want[2][2][CHUNK];
    static _Thread_local double approx[2][2][CHUNK];
    static _Thread_local float rej[CHUNK], nans[CHUNK];
    size_t nv = 0, nr = 0, nn = 0;
    const int form = j->form, isa = j->isa;

    for (uint32_t i = 0; i < n; i++) {
        float x = f_of((uint32_t)(first + i));
        bcev_f32_class c = bcev_f32_classify((bcev_form)form, x);
        if (c == BCEV_X_NAN) {
            nans[nn++] = x;
        } else if (c == BCEV_X_RANGE) {
            rej[nr++] = x;
        } else if (c == BCEV_X_SPECIAL) {
            for (int li = 0; li < j->nlabels; li++) {
                int y = j->labels[li];
                reference(form, x, y, &want[y][0][nv], &want[y][1][nv]);
                /* The exact limits here are exact values; an exact zero must
                 * be +0 (libbce's documented convention, e.g. sigma(-inf) - 0;
                 * the MPFR reference returns -0 for that one).  Nonzero
                 * results that round to zero keep their sign (filter path). */
                for (int k = 0; k < 2; k++)
                    if (want[y][k][nv] == 0.0f)
                        want[y][k][nv] = 0.0f;
                approx[y][0][nv] = want[y][0][nv];
                approx[y][1][nv] = want[y][1][nv];
                st->mpfr_calls++;
            }
            xs[nv++] = x;
        } else {
            float out[2][2];
            int dec[2][2];
            double ap[2][2];
            bcev_f32_filter((bcev_form)form, x, out, dec, ap);
            for (int li = 0; li < j->nlabels; li++) {
                int y = j->labels[li];
                if (!dec[y][0] || !dec[y][1]) {
                    float L, G;
                    reference(form, x, y, &L, &G);
                    st->mpfr_calls++;
                    /* a decided output must agree with MPFR: if not, the
                     * filter's error bound is wrong and the run is void */
                    if ((dec[y][0] && bits_of(L) != bits_of(out[y][0])) ||
                        (dec[y][1] && bits_of(G) != bits_of(out[y][1]))) {
                        fprintf(stderr, "bce exhaustive: filter and MPFR disagree at "
                                "x = %a, y = %d\n", (double)x, y);
                        exit(BCE_EXIT_USAGE);
                    }
                    out[y][0] = L;
                    out[y][1] = G;
                    record_hard(form, x, y, dec[y]);
                }
                for (int k = 0; k < 2; k++) {
                    want[y][k][nv] = out[y][k];
                    approx[y][k][nv] = ap[y][k];
                }
            }
            xs[nv++] = x;
        }
    }
    st->inputs += n;

    /* valid inputs: one library call per label */
    for (int li = 0; li < j->nlabels && nv > 0; li++) {
        int y = j->labels[li];
        for (size_t i = 0; i < nv; i++)
            ys[i] = (float)y;
        bce_status s = call(form, nv, xs, ys, NULL, lo, gr);
        ex_cell *cl = &st->isa[isa].cell[form][y][0], *cg = &st->isa[isa].cell[form][y][1];
        if (s != BCE_OK) {
            for (int k = 0; k < 2; k++) {
                st->isa[isa].cell[form][y][k].checked += nv;
                st->isa[isa].cell[form][y][k].bad += nv;
            }
            add_failure(st, isa, form, y, 0, EX_STATUS, bits_of(xs[0]), NAN,
                        want[y][0][0], INFINITY, (int)s);
            continue;
        }
        for (int k = 0; k < 2; k++) {
            const float *got = k == 0 ? lo : gr;
            ex_cell *c = k == 0 ? cl : cg;
            c->checked += nv;
            for (size_t i = 0; i < nv; i++) {
                double u = bcev_ulp32_approx(got[i], approx[y][k][i]);
                int same = bits_of(got[i]) == bits_of(want[y][k][i]);
                if (same && u > 0.5)
                    u = 0.5;        /* correctly rounded: at most 1/2 ulp */
                if (!same) {
                    c->bad++;
                    add_failure(st, isa, form, y, k, EX_MISROUNDED, bits_of(xs[i]),
                                got[i], want[y][k][i], u, 0);
                }
                /* ties: the smallest input, so threads do not change it */
                if (u > c->max_ulp || (u == c->max_ulp && bits_of(xs[i]) < c->worst)) {
                    c->max_ulp = u;
                    c->worst = bits_of(xs[i]);
                }
            }
        }
    }

    /* rejected inputs: one call each, documented status, nothing written */
    for (int pass = 0; pass < 2; pass++) {
        const float *v = pass == 0 ? nans : rej;
        size_t m = pass == 0 ? nn : nr;
        bce_status expect = pass == 1 ? BCE_E_PROB_RANGE
                          : form == BCEV_LOGITS ? BCE_E_NAN_LOGIT : BCE_E_NAN_PROB;
        for (int li = 0; li < j->nlabels; li++) {
            int y = j->labels[li];
            float yy = (float)y;
            ex_rcell *rc = &st->isa[isa].rej[form][y][pass];
            for (size_t i = 0; i < m; i++) {
                size_t idx = 12345;
                bce_options o = {0};
                o.error_index = &idx;
                float L = SENTINEL, G = SENTINEL;
                bce_status s = call(form, 1, &v[i], &yy, &o, &L, &G);
                rc->checked++;
                if (s != expect || idx != 0 || bits_of(L) != bits_of(SENTINEL) ||
                    bits_of(G) != bits_of(SENTINEL)) {
                    rc->bad++;
                    add_failure(st, isa, form, y, 0, EX_REJECTION, bits_of(v[i]),
                                L, NAN, INFINITY, (int)s);
                }
            }
        }
    }

    /* NaN propagation: the same NaNs with the flag, in one block */
    for (int li = 0; li < j->nlabels && nn > 0; li++) {
        int y = j->labels[li];
        for (size_t i = 0; i < nn; i++)
            ys[i] = (float)y;
        bce_options o = {0};
        o.flags = BCE_OPT_PROPAGATE_NAN;
        bce_status s = call(form, nn, nans, ys, &o, lo, gr);
        ex_rcell *rc = &st->isa[isa].nanprop[form][y];
        for (size_t i = 0; i < nn; i++) {
            rc->checked++;
            if (s != BCE_OK || !isnan(lo[i]) || !isnan(gr[i])) {
                rc->bad++;
                add_failure(st, isa, form, y, isnan(lo[i]) ? 1 : 0, EX_NANPROP,
                            bits_of(nans[i]), isnan(lo[i]) ? gr[i] : lo[i], NAN,
                            INFINITY, (int)s);
            }
        }
    }
}

static void *work(void *arg)
{
    worker *w = arg;
    job *j = w->j;
    for (;;) {
        uint64_t first = atomic_fetch_add(&j->cursor, CHUNK);
        if (first >= j->end)
            break;
        uint64_t n = j->end - first < CHUNK ? j->end - first : CHUNK;
        run_chunk(j, &w->st, first, (uint32_t)n);
    }
    /* MPFR keeps per-thread caches (constants); free this thread's */
    mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* command line                                                        */

static const char exhaustive_help[] =
    "usage: bce exhaustive [--type f32] [--form logits|probs|both] [--label 0|1|both]\n"
    "                      [--isa NAME|all] [--range A:B] [--shard I/N]\n"
    "                      [--threads T] [--checkpoint FILE] [--json FILE]\n"
    "                      [--quiet]\n"
    "\n"
    "Check bce_logits_f32 and bce_probs_f32 on every binary32 input bit\n"
    "pattern x in [A, B) (default: all 2^32, NaN, infinities and subnormals\n"
    "included), for y = 0 and y = 1, loss and gradient, against the correctly\n"
    "rounded result: a double evaluation with a proven error bound decides\n"
    "the rounding, MPFR decides where it cannot (verify/exhaustive_filter.c).\n"
    "Inputs the API rejects (p outside [0,1]; NaN) are checked to be rejected\n"
    "with the documented status, error index 0 and no output written; NaN\n"
    "inputs are checked to give NaN outputs with BCE_OPT_PROPAGATE_NAN.\n"
    "\n"
    "  --form F        logits, probs or both (default both)\n"
    "  --label Y       0, 1 or both (default both)\n"
    "  --isa NAME      one of @ISAS@, or all (default: all\n"
    "                  available here)\n"
    "  --range A:B     bit patterns A <= x < B (decimal or 0x hex; B may be\n"
    "                  4294967296 = 0x100000000)\n"
    "  --shard I/N     the I-th of N equal parts of the range (0 <= I < N);\n"
    "                  without it, GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS or\n"
    "                  Slurm's SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of\n"
    "                  SLURM_ARRAY_TASK_COUNT (printed first, in the JSON)\n"
    "  --threads T     worker threads (default: online CPUs)\n"
    "  --checkpoint F  save progress to F every 10 s; resume from F if it\n"
    "                  exists (same form/label/isa/range, else an error)\n"
    "  --json FILE     the JSON summary into FILE (schema 3; '-' = standard\n"
    "                  output, the text report then goes to standard error)\n"
    "  --max-epochs N  stop after N epochs of 2^20 inputs (checkpoint saved):\n"
    "                  exit 3; run the same command again to resume\n"
    "  --hard FILE     write the outputs the filter could not decide (the\n"
    "                  hardest to round) to FILE: form x y output distance,\n"
    "                  the distance to a rounding boundary in ulps\n"
    "  --quiet         no progress on standard error\n"
    "\n"
    "Progress (rate, ETA) goes to stderr: a bar on a terminal, else a line\n"
    "every 5 s.  A summary table goes to stdout.\n"
    "exit status: 0 every result correct, 1 a misrounded result or a wrong\n"
    "rejection, 2 usage or I/O error, 3 stopped by --max-epochs.\n"
    "\n"
    "Shards run anywhere and are merged with `bce exhaustive-merge`.\n"
    "16-bit inputs: bce exhaustive --type bf16|f16 --help.\n";

static const char merge_help[] =
    "usage: bce exhaustive-merge [--json FILE] SUMMARY.json...\n"
    "\n"
    "Merge the JSON summaries of `bce exhaustive` shards (same forms, labels\n"
    "and ISAs; disjoint ranges): sums the counts, keeps the worst errors and\n"
    "the first 100 failures, says whether the ranges cover all 2^32 inputs\n"
    "(summaries of --type bf16|f16, schema 4: same type, output type, forms,\n"
    "label and ISAs; the ranges must cover all 65536 patterns).\n"
    "\n"
    "  --json FILE  the merged summary into FILE (the schema of `bce\n"
    "               exhaustive`; '-' = standard output, the text report then\n"
    "               goes to standard error)\n"
    "exit status: 0 complete coverage and no failure, 1 a failure or\n"
    "incomplete coverage, 2 usage error or a malformed summary.\n";

const char *bce_tool_exhaustive_help(void) { return bce_tool_help(exhaustive_help); }
const char *bce_tool_exhaustive_merge_help(void) { return merge_help; }

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end != '\0' || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

typedef struct ex_args {
    ex_config cfg;
    unsigned threads;
    uint64_t max_epochs;            /* 0: no limit */
    const char *checkpoint, *json, *hard;
    int quiet;
    bce_tool_shard shard;           /* --shard or the environment (shard.c) */
} ex_args;

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "bce exhaustive: %s%s%s%s\ntry 'bce help exhaustive'\n", msg,
            arg ? " '" : "", arg ? bce_tool_esc(arg, BCE_TOOL_ESC_NAME) : "", arg ? "'" : "");
    return BCE_EXIT_USAGE;
}

static int parse_args(int argc, char **argv, ex_args *a)
{
    memset(a, 0, sizeof *a);
    a->cfg.forms = 3;
    a->cfg.labels = 3;
    a->cfg.lo = 0;
    a->cfg.hi = EX_ALL;
    const char *shard = NULL;
    const char *isa = "all";
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            fputs(bce_tool_exhaustive_help(), stdout);
            return -1;
        } else if (!strcmp(o, "--quiet")) {
            a->quiet = 1;
            continue;
        } else if (!strcmp(o, "--json") && bcev_json_arg("exhaustive", o, v) == NULL) {
            return BCE_EXIT_USAGE;      /* the bare --json: name the fix */
        }
        if (o[0] != '-' || o[1] != '-')
            return usage_error("unexpected argument", o);
        if (!v)
            return usage_error("missing value after", o);
        i++;
        if (!strcmp(o, "--form")) {
            if (!strcmp(v, "logits")) a->cfg.forms = 1;
            else if (!strcmp(v, "probs")) a->cfg.forms = 2;
            else if (!strcmp(v, "both")) a->cfg.forms = 3;
            else return usage_error("--form: expected logits, probs or both, got", v);
        } else if (!strcmp(o, "--label")) {
            if (!strcmp(v, "0")) a->cfg.labels = 1;
            else if (!strcmp(v, "1")) a->cfg.labels = 2;
            else if (!strcmp(v, "both")) a->cfg.labels = 3;
            else return usage_error("--label: expected 0, 1 or both, got", v);
        } else if (!strcmp(o, "--isa")) {
            isa = v;
        } else if (!strcmp(o, "--range")) {
            const char *colon = strchr(v, ':');
            char buf[64];
            if (!colon || (size_t)(colon - v) >= sizeof buf)
                return usage_error("--range: expected A:B, got", v);
            memcpy(buf, v, (size_t)(colon - v));
            buf[colon - v] = '\0';
            if (parse_u64(buf, &a->cfg.lo) || parse_u64(colon + 1, &a->cfg.hi) ||
                a->cfg.hi > EX_ALL || a->cfg.lo >= a->cfg.hi)
                return usage_error("--range: need 0 <= A < B <= 2^32, got", v);
        } else if (!strcmp(o, "--shard")) {
            shard = v;
        } else if (!strcmp(o, "--threads")) {
            uint64_t t;
            if (parse_u64(v, &t) || t < 1 || t > 256)
                return usage_error("--threads: expected 1..256, got", v);
            a->threads = (unsigned)t;
        } else if (!strcmp(o, "--max-epochs")) {
            if (parse_u64(v, &a->max_epochs) || a->max_epochs == 0)
                return usage_error("--max-epochs: expected a positive integer, got", v);
        } else if (!strcmp(o, "--checkpoint")) {
            a->checkpoint = v;
        } else if (!strcmp(o, "--hard")) {
            a->hard = v;
        } else if (!strcmp(o, "--json")) {
            a->json = v;
        } else {
            return usage_error("unknown option", o);
        }
    }
    char serr[256];
    if (bce_tool_shard_get(shard, &a->shard, serr, sizeof serr) != 0)
        return usage_error(serr, NULL);
    if (a->shard.count > 0) {
        uint64_t lo, hi;
        bce_tool_shard_range(&a->shard, a->cfg.lo, a->cfg.hi, &lo, &hi);
        if (lo >= hi)
            return usage_error("--shard: empty shard of the range", NULL);
        a->cfg.lo = lo;
        a->cfg.hi = hi;
    }
    a->cfg.isas = 0;
    const size_t nisa = bce_isa_count();
    if (nisa > EX_MAX_ISA)
        return usage_error("libbce knows more ISAs than this tool can run", NULL);
    if (!strcmp(isa, "all")) {
        for (size_t k = 0; k < nisa; k++)
            if (bce_isa_available(bce_isa_name(k)))
                a->cfg.isas |= UINT64_C(1) << k;
    } else {
        int known = 0;
        for (size_t k = 0; k < nisa; k++)
            if (!strcmp(isa, bce_isa_name(k))) {
                known = 1;
                if (!bce_isa_available(isa))
                    return usage_error(bce_isa_compiled(isa)
                                       ? "ISA not runnable on this CPU:"
                                       : "ISA not built into this libbce:", isa);
                a->cfg.isas = UINT64_C(1) << k;
            }
        if (!known) {
            fprintf(stderr, "bce exhaustive: --isa: expected one of %s, or all, got '%s'\n"
                    "try 'bce help exhaustive'\n", bce_tool_isa_list(),
                    bce_tool_esc(isa, BCE_TOOL_ESC_NAME));
            return BCE_EXIT_USAGE;
        }
    }
    if (a->threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        a->threads = n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* progress                                                            */

/* Index of the highest bit set (the last ISA or form of a run). */
static int last_bit(uint64_t mask)
{
    int k = -1;
    for (int i = 0; i < 64; i++)
        if (mask >> i & 1)
            k = i;
    return k;
}

/* Progress through the shared helper (bcev_cli.h): a bar on a terminal,
 * a line every few seconds otherwise. */
static bcev_progress prog;

static void progress(const ex_args *a, uint64_t done, uint64_t total, double rate,
                     const char *what, int final)
{
    (void)a;
    char note[64];
    snprintf(note, sizeof note, "%s, %.3g inputs/s", what, rate);
    if (final)
        bcev_progress_end(&prog, done, total, -1.0, note);
    else
        bcev_progress_update(&prog, done, total, -1.0, note);
}

/* ------------------------------------------------------------------ */
/* the run                                                             */

static void summary_table(FILE *out, const ex_stats *s, const ex_config *c)
{
    fprintf(out, "%-7s %-6s %-5s %-4s %12s %10s %12s %s\n", "isa", "form", "label",
            "out", "checked", "misrounded", "max_ulp", "worst input");
    for (size_t k = 0; k < s->nisa; k++)
        for (int f = 0; f < 2; f++)
            for (int y = 0; y < 2; y++)
                for (int o = 0; o < 2; o++) {
                    const ex_cell *e = &s->isa[k].cell[f][y][o];
                    if (!(c->isas >> k & 1) || !(c->forms >> f & 1) || !(c->labels >> y & 1))
                        continue;
                    fprintf(out, "%-7s %-6s %-5d %-4s %12" PRIu64 " %10" PRIu64
                            " %12.9f 0x%08" PRIx32 " (%a)\n",
                            bce_isa_name(k), form_names[f], y, output_names[o], e->checked,
                            e->bad, e->max_ulp, e->worst, (double)f_of(e->worst));
                }
    uint64_t rc = 0, rb = 0, nc = 0, nb = 0;
    for (size_t k = 0; k < s->nisa; k++)
        for (int f = 0; f < 2; f++)
            for (int y = 0; y < 2; y++) {
                for (int p = 0; p < 2; p++) {
                    rc += s->isa[k].rej[f][y][p].checked;
                    rb += s->isa[k].rej[f][y][p].bad;
                }
                nc += s->isa[k].nanprop[f][y].checked;
                nb += s->isa[k].nanprop[f][y].bad;
            }
    fprintf(out, "rejected inputs checked %" PRIu64 ", wrong %" PRIu64
            "; NaN propagation checked %" PRIu64 ", wrong %" PRIu64 "\n", rc, rb, nc, nb);
    fprintf(out, "MPFR calls (undecided by the filter, exact limits): %" PRIu64 "\n",
            s->mpfr_calls);
}

/* Frees the run's statistics; returns status. */
static int release(int status, ex_stats *st, worker *ws, unsigned nt, ex_summary *sum)
{
    if (st)
        ex_stats_free(st);
    free(st);
    for (unsigned t = 0; ws && t < nt; t++)
        ex_stats_free(&ws[t].st);
    free(ws);
    ex_stats_free(&sum->stats);
    return status;
}

int bce_tool_exhaustive(int argc, char **argv)
{
    /* --type bf16|f16: every pair of 16-bit values (exhaustive16.c);
     * --type f32 (the default) is this file's binary32 run */
    for (int i = 1; i < argc; i++) {
        const char *v = !strcmp(argv[i], "--type") && i + 1 < argc ? argv[i + 1]
                        : !strncmp(argv[i], "--type=", 7) ? argv[i] + 7 : NULL;
        if (v && (!strcmp(v, "bf16") || !strcmp(v, "f16"))) {
            if (argv[i][6] == '=') {   /* --type=bf16: as two words */
                static char *av[256];
                int n = 0;
                for (int j = 0; j < argc && n < 254; j++) {
                    if (j == i) { av[n++] = "--type"; av[n++] = (char *)v; }
                    else av[n++] = argv[j];
                }
                return bce_tool_exhaustive16(n, av);
            }
            return bce_tool_exhaustive16(argc, argv);
        }
        if (v && !strcmp(v, "f32")) {   /* drop it: this file's own type */
            int w = i + (argv[i][6] == '=' ? 1 : 2);
            memmove(argv + i, argv + w, (size_t)(argc - w + 1) * sizeof *argv);
            argc -= w - i;
            i--;
        }
    }
    ex_args a;
    int r = parse_args(argc, argv, &a);
    if (r < 0)
        return BCE_EXIT_OK;
    if (r > 0)
        return r;

    /* statistics: one entry per registry ISA (ex_stats_init) */
    ex_stats *st = calloc(1, sizeof *st);
    worker *ws = calloc(a.threads, sizeof *ws);
    static ex_summary sum;
    memset(&sum, 0, sizeof sum);
    int mem_ok = st && ws && ex_stats_init(st) == 0 && ex_stats_init(&sum.stats) == 0;
    for (unsigned t = 0; mem_ok && t < a.threads; t++)
        mem_ok = ex_stats_init(&ws[t].st) == 0;
    if (!mem_ok)
        return release(BCE_EXIT_USAGE, st, ws, a.threads, &sum);
    sum.cfg = a.cfg;
    sum.shard = a.shard;
    if (a.shard.from_env)   /* CONVENTIONS.md: on the first line */
        fprintf(a.json && !strcmp(a.json, "-") ? stderr : stdout,
                "shard %d/%d from %s: range [%llu, %llu)\n", a.shard.index,
                a.shard.count, a.shard.source, (unsigned long long)a.cfg.lo,
                (unsigned long long)a.cfg.hi);
    sum.nranges = 1;
    sum.ranges[0][0] = a.cfg.lo;
    sum.ranges[0][1] = a.cfg.hi;
    int isa0 = 0, form0 = 0;
    uint64_t next0 = a.cfg.lo;
    double wall_before = 0, cpu_before = 0;

    if (a.checkpoint) {
        FILE *cf = fopen(a.checkpoint, "r");
        if (cf) {
            static ex_summary old;
            int pr = ex_json_read(cf, a.checkpoint, &old);
            fclose(cf);
            if (pr != 0) {
                ex_stats_free(&old.stats);
                return release(BCE_EXIT_USAGE, st, ws, a.threads, &sum);
            }
            if (old.cfg.forms != a.cfg.forms || old.cfg.labels != a.cfg.labels ||
                old.cfg.isas != a.cfg.isas || old.nranges != 1 ||
                old.ranges[0][0] != a.cfg.lo || old.ranges[0][1] != a.cfg.hi) {
                fprintf(stderr, "bce exhaustive: checkpoint %s is for another run "
                        "(form/label/isa/range differ)\n",
                        bce_tool_esc(a.checkpoint, BCE_TOOL_ESC_NAME));
                ex_stats_free(&old.stats);
                return release(BCE_EXIT_USAGE, st, ws, a.threads, &sum);
            }
            ex_stats_copy(st, &old.stats);
            ex_stats_free(&old.stats);
            isa0 = old.resume_isa;
            form0 = old.resume_form;
            next0 = old.resume_next;
            wall_before = old.wall_seconds;
            cpu_before = old.cpu_seconds;
            if (!a.quiet)
                fprintf(stderr, "bce exhaustive: resuming from %s (%s)\n",
                        bce_tool_esc(a.checkpoint, BCE_TOOL_ESC_NAME),
                        old.complete ? "already complete" : "partial");
            if (old.complete)
                isa0 = (int)st->nisa;
        } else if (errno != ENOENT) {
            bce_tool_io_error("exhaustive", bce_tool_esc(a.checkpoint, BCE_TOOL_ESC_NAME),
                              "cannot open", errno);
            return release(BCE_EXIT_USAGE, st, ws, a.threads, &sum);
        }
    }

    /* total work, for the progress bar */
    uint64_t len = a.cfg.hi - a.cfg.lo, total = 0, done = 0;
    for (int k = 0; k < (int)st->nisa; k++)
        for (int f = 0; f < 2; f++)
            if ((a.cfg.isas >> k & 1) && (a.cfg.forms >> f & 1)) {
                total += len;
                if (k < isa0 || (k == isa0 && f < form0))
                    done += len;
                else if (k == isa0 && f == form0)
                    done += next0 - a.cfg.lo;
            }

    if (a.hard && !(hard_file = fopen(a.hard, "a"))) {
        bce_tool_io_error("exhaustive", bce_tool_esc(a.hard, BCE_TOOL_ESC_NAME),
                          "cannot open", errno);
        return release(BCE_EXIT_USAGE, st, ws, a.threads, &sum);
    }
    const char *saved_isa = bce_active_isa();
    bcev_progress_start(&prog, "bce exhaustive", "inputs", !a.quiet);
    progress(&a, done, total, 0.0, "starting", 0);       /* from the start */
    double t0 = now_wall(), c0 = now_cpu(), last_ckpt = t0;
    uint64_t done_at_start = done;
    int io_error = 0, stopped = 0;
    uint64_t epochs = 0;
    for (int k = isa0; k < (int)st->nisa && !io_error && !stopped; k++) {
        if (!(a.cfg.isas >> k & 1))
            continue;
        if (bce_set_isa(bce_isa_name((size_t)k)) != BCE_OK) {
            fprintf(stderr, "bce exhaustive: cannot select ISA %s\n", bce_isa_name((size_t)k));
            return release(BCE_EXIT_USAGE, st, ws, a.threads, &sum);
        }
        for (int f = k == isa0 ? form0 : 0; f < 2 && !io_error && !stopped; f++) {
            if (!(a.cfg.forms >> f & 1))
                continue;
            uint64_t start = (k == isa0 && f == form0) ? next0 : a.cfg.lo;
            char what[32];
            snprintf(what, sizeof what, "%s %s", bce_isa_name((size_t)k), form_names[f]);
            for (uint64_t e = start; e < a.cfg.hi && !stopped;) {
                uint64_t end = a.cfg.hi - e < EPOCH ? a.cfg.hi : e + EPOCH;
                job j;
                memset(&j, 0, sizeof j);
                j.isa = k;
                j.form = f;
                for (int y = 0; y < 2; y++)
                    if (a.cfg.labels >> y & 1)
                        j.labels[j.nlabels++] = y;
                j.end = end;
                atomic_init(&j.cursor, e);
                unsigned nt = a.threads;
                for (unsigned t = 0; t < nt; t++) {
                    ex_stats_clear(&ws[t].st);
                    ws[t].j = &j;
                    if (pthread_create(&ws[t].tid, NULL, work, &ws[t]) != 0) {
                        fprintf(stderr, "bce exhaustive: cannot create a thread\n");
                        exit(BCE_EXIT_USAGE);
                    }
                }
                for (unsigned t = 0; t < nt; t++) {
                    pthread_join(ws[t].tid, NULL);
                    ex_stats_merge(st, &ws[t].st);
                }
                done += end - e;
                e = end;
                double t = now_wall();
                double rate = (double)(done - done_at_start) / (t - t0 + 1e-9);
                progress(&a, done, total, rate, what, 0);
                stopped = a.max_epochs && ++epochs >= a.max_epochs &&
                          (e < a.cfg.hi || k < last_bit(a.cfg.isas) ||
                           f < last_bit(a.cfg.forms));
                if (a.checkpoint && (t - last_ckpt >= CHECKPOINT_SECONDS || e >= a.cfg.hi ||
                                     stopped)) {
                    /* resume point: the next (isa, form, index) to run */
                    ex_stats_copy(&sum.stats, st);
                    sum.complete = 0;
                    sum.resume_isa = k;
                    sum.resume_form = f;
                    sum.resume_next = e;
                    sum.wall_seconds = wall_before + t - t0;
                    sum.cpu_seconds = cpu_before + now_cpu() - c0;
                    if (ex_json_write_file(a.checkpoint, &sum) != 0)
                        io_error = 1;
                    last_ckpt = t;
                }
            }
        }
    }
    bce_set_isa(saved_isa);
    if (hard_file && (ferror(hard_file) | (fclose(hard_file) != 0))) {
        bce_tool_io_error("exhaustive", bce_tool_esc(a.hard, BCE_TOOL_ESC_NAME),
                          "write error", errno);
        io_error = 1;
    }
    hard_file = NULL;
    if (io_error) {
        return release(BCE_EXIT_USAGE, st, ws, a.threads, &sum);
    }
    if (stopped) {
        progress(&a, done, total, 0.0, "stopped", 1);
        fprintf(stderr, "bce exhaustive: stopped after %" PRIu64 " epochs (--max-epochs)%s\n",
                epochs, a.checkpoint ? "; run the same command to resume" : "");
        return release(3, st, ws, a.threads, &sum);
    }
    progress(&a, done, total, (double)(done - done_at_start) / (now_wall() - t0 + 1e-9),
             "done", 1);

    ex_stats_copy(&sum.stats, st);
    sum.complete = 1;
    sum.resume_isa = (int)st->nisa;
    sum.resume_form = 0;
    sum.resume_next = a.cfg.hi;
    sum.wall_seconds = wall_before + now_wall() - t0;
    sum.cpu_seconds = cpu_before + now_cpu() - c0;
    ex_stats_sort_failures(&sum.stats);
    if (a.checkpoint && ex_json_write_file(a.checkpoint, &sum) != 0)
        io_error = 1;
    if (a.json) {
        if (!strcmp(a.json, "-"))
            ex_json_write(stdout, &sum);
        else if (ex_json_write_file(a.json, &sum) != 0)
            io_error = 1;
    }
    FILE *out = a.json && !strcmp(a.json, "-") ? stderr : stdout;
    fprintf(out, "bce exhaustive: bit patterns [0x%" PRIx64 ", 0x%" PRIx64 "), "
            "%.1f s wall, %.1f s CPU (this process: %.1f s wall)\n",
            a.cfg.lo, a.cfg.hi, sum.wall_seconds, sum.cpu_seconds, now_wall() - t0);
    summary_table(out, &sum.stats, &a.cfg);
    ex_print_failures(out, &sum.stats);
    uint64_t bad = ex_stats_bad(&sum.stats);
    fprintf(out, "%s: %" PRIu64 " outputs checked, %" PRIu64 " misrounded, %" PRIu64
            " wrong rejections/NaN results\n", bad ? "FAIL" : "PASS",
            ex_stats_outputs(&sum.stats), ex_stats_misrounded(&sum.stats),
            bad - ex_stats_misrounded(&sum.stats));
    return release(io_error ? BCE_EXIT_USAGE : bad ? BCE_EXIT_FAIL : BCE_EXIT_OK, st, ws,
                   a.threads, &sum);
}

/* ------------------------------------------------------------------ */
/* merge                                                               */

static int cmp_range(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

int bce_tool_exhaustive_merge(int argc, char **argv)
{
    const char *json = NULL;
    int first = 1;
    for (; first < argc; first++) {
        if (!strcmp(argv[first], "--help") || !strcmp(argv[first], "-h")) {
            fputs(merge_help, stdout);
            return BCE_EXIT_OK;
        }
        if (!strcmp(argv[first], "--json")) {
            if ((json = bcev_json_arg("exhaustive-merge", argv[first],
                                      first + 1 < argc ? argv[first + 1] : NULL)) == NULL)
                return BCE_EXIT_USAGE;
            first++;
            continue;
        }
        if (!strcmp(argv[first], "--"))
            first++;
        break;
    }
    if (first >= argc) {
        fprintf(stderr, "bce exhaustive-merge: no summary given\n"
                        "try 'bce help exhaustive-merge'\n");
        return BCE_EXIT_USAGE;
    }
    /* summaries of `bce exhaustive --type bf16|f16` (schema 4): exhaustive16.c */
    if (bce_tool_exhaustive16_is_summary(argv[first]))
        return bce_tool_exhaustive16_merge(json, argc - first, argv + first);
    ex_summary *m = calloc(1, sizeof *m), *s = calloc(1, sizeof *s);
    if (!m || !s || ex_stats_init(&m->stats) != 0) {
        fprintf(stderr, "bce exhaustive-merge: out of memory\n");
        free(m);
        free(s);
        return BCE_EXIT_USAGE;
    }
    int status = BCE_EXIT_OK, incomplete = 0;
    for (int i = first; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            bce_tool_io_error("exhaustive-merge", bce_tool_esc(argv[i], BCE_TOOL_ESC_NAME),
                              "cannot open", errno);
            status = BCE_EXIT_USAGE;
            break;
        }
        ex_stats_free(&s->stats);          /* the previous summary's */
        int pr = ex_json_read(f, argv[i], s);
        fclose(f);
        if (pr) {
            status = BCE_EXIT_USAGE;
            break;
        }
        if (!s->complete) {
            fprintf(stderr, "bce exhaustive-merge: %s: run not complete (a checkpoint?)\n",
                    bce_tool_esc(argv[i], BCE_TOOL_ESC_NAME));
            incomplete = 1;
        }
        if (i == first) {
            m->cfg = s->cfg;
        } else if (s->cfg.forms != m->cfg.forms || s->cfg.labels != m->cfg.labels ||
                   s->cfg.isas != m->cfg.isas) {
            fprintf(stderr, "bce exhaustive-merge: %s: forms/labels/isas differ from %s\n",
                    bce_tool_esc(argv[i], BCE_TOOL_ESC_NAME),
                    bce_tool_esc(argv[first], BCE_TOOL_ESC_NAME));
            status = BCE_EXIT_USAGE;
            break;
        }
        for (int r = 0; r < s->nranges; r++) {
            if (m->nranges >= EX_MAX_RANGES) {
                fprintf(stderr, "bce exhaustive-merge: more than %d ranges\n", EX_MAX_RANGES);
                status = BCE_EXIT_USAGE;
                break;
            }
            m->ranges[m->nranges][0] = s->ranges[r][0];
            m->ranges[m->nranges][1] = s->ranges[r][1];
            m->nranges++;
        }
        ex_stats_merge(&m->stats, &s->stats);
        m->wall_seconds = m->wall_seconds > s->wall_seconds ? m->wall_seconds : s->wall_seconds;
        m->cpu_seconds += s->cpu_seconds;
    }
    if (status == BCE_EXIT_OK) {
        /* sort and coalesce the ranges; overlapping shards are an error */
        qsort(m->ranges, (size_t)m->nranges, sizeof m->ranges[0], cmp_range);
        int w = 0;
        for (int r = 0; r < m->nranges; r++) {
            if (w > 0 && m->ranges[r][0] < m->ranges[w - 1][1]) {
                fprintf(stderr, "bce exhaustive-merge: ranges overlap at 0x%" PRIx64 "\n",
                        m->ranges[r][0]);
                status = BCE_EXIT_USAGE;
                break;
            }
            if (w > 0 && m->ranges[r][0] == m->ranges[w - 1][1]) {
                m->ranges[w - 1][1] = m->ranges[r][1];
            } else {
                m->ranges[w][0] = m->ranges[r][0];
                m->ranges[w][1] = m->ranges[r][1];
                w++;
            }
        }
        m->nranges = w;
    }
    if (status != BCE_EXIT_OK) {
        ex_stats_free(&m->stats);
        ex_stats_free(&s->stats);
        free(m);
        free(s);
        return status;
    }
    m->complete = !incomplete;
    m->resume_isa = (int)m->stats.nisa;
    m->cfg.lo = m->ranges[0][0];
    m->cfg.hi = m->ranges[m->nranges - 1][1];
    ex_stats_sort_failures(&m->stats);
    int full = m->nranges == 1 && m->ranges[0][0] == 0 && m->ranges[0][1] == EX_ALL;
    FILE *out = json && !strcmp(json, "-") ? stderr : stdout;
    if (json) {
        if (!strcmp(json, "-"))
            ex_json_write(stdout, m);
        else if (ex_json_write_file(json, m) != 0)
            status = BCE_EXIT_USAGE;
    }
    fprintf(out, "bce exhaustive-merge: %d summaries, ranges:", argc - first);
    for (int r = 0; r < m->nranges; r++)
        fprintf(out, " [0x%" PRIx64 ", 0x%" PRIx64 ")", m->ranges[r][0], m->ranges[r][1]);
    fprintf(out, "%s; CPU %.1f s total, longest shard %.1f s wall\n",
            full ? " (all 2^32 inputs)" : " (NOT all 2^32 inputs)", m->cpu_seconds,
            m->wall_seconds);
    summary_table(out, &m->stats, &m->cfg);
    ex_print_failures(out, &m->stats);
    uint64_t bad = ex_stats_bad(&m->stats);
    fprintf(out, "%s: %" PRIu64 " outputs checked, %" PRIu64 " misrounded, %" PRIu64
            " wrong rejections/NaN results%s\n",
            bad || !full || incomplete ? "FAIL" : "PASS", ex_stats_outputs(&m->stats),
            ex_stats_misrounded(&m->stats), bad - ex_stats_misrounded(&m->stats),
            full ? "" : ", coverage incomplete");
    ex_stats_free(&m->stats);
    ex_stats_free(&s->stats);
    free(m);
    free(s);
    if (status != BCE_EXIT_OK)
        return status;
    return bad || !full || incomplete ? BCE_EXIT_FAIL : BCE_EXIT_OK;
}
