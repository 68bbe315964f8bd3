/*
 * fuzz_port.c -- differential fuzzing of a PORT (another implementation of
 * binary cross-entropy) against libbce's oracle: the proven fast filter
 * (verify/fast_filter.c) decides most outputs, MPFR (bcev_exact_mp,
 * bcev_exact_reduced, bcev_check) the rest.  libbce's own fast output is
 * never the reference.
 *
 * The port is reached through the ABI of `bce check --lib`: a shared
 * library with a symbol of the signature of the public entry point of its
 * type and form,
 *   bce_status fn(size_t n, const T *x, const T *y, const T *w,
 *                 const bce_options *opt, T *loss, T *grad);
 * Environment (read once, at the first input):
 *   BCE_PORT_LIB          path of the shared library (dlopen).  Unset: the
 *                         libbce entry point linked into this binary (so CI
 *                         and OSS-Fuzz run the target without a port).
 *   BCE_PORT_SYMBOL       the symbol (default bce_<form>_<type>, i.e.
 *                         bce_logits_f64 when neither is given).
 *   BCE_PORT_TYPE         f64 | f32     (default: "f32" in the symbol name
 *   BCE_PORT_FORM         logits|probs   -> f32, "prob" -> probs; else f64,
 *                                        logits)
 *   BCE_PORT_MAX_ULP      the bound, in ulps of the exact value: B (every
 *                         output), or loss=B,grad=B,reduced=B (any subset;
 *                         the rest 1); 0.5 = correct rounding; "libbce" =
 *                         libbce's own table (verify/bounds.c).  Default 1
 *                         with BCE_PORT_LIB, "libbce" without.
 *   BCE_PORT_CHECK_STATUS 1: also check the documented validation (the
 *                         status, error_index, nothing written on error)
 *                         with invalid inputs injected as the elementwise
 *                         targets do; otherwise inputs libbce would reject
 *                         are skipped (the port is not called).
 *   BCE_PORT_NO           comma list of what the port does not implement,
 *                         never generated: pos_weight, label_smoothing,
 *                         clamp, weights, reduction, propagate_nan,
 *                         loss_null, grad_null (the port then always gets
 *                         both output pointers).
 *   BCE_PORT_STRICT       1: no cancellation allowance (see
 *                         fz_within_cancellation_bound, fuzz_oracle.h).
 *   FZ_STATS=1            at exit: how many outputs the filter decided.
 *
 * The input layout is that of the elementwise targets (fuzz_elem.h: cfg,
 * n, offsets, injections, decoder selector, options, elements with the V2
 * cancellation/midpoint constructions), so their corpora and dictionaries
 * (fuzz/corpus/<form>_<type>/, fuzz/<form>_<type>.dict) seed this target.
 *
 * A crash in the port, a wrong status (BCE_PORT_CHECK_STATUS=1) or an
 * output beyond the bound aborts with the inputs, the expected value (the
 * correct rounding, and the exact value), the value got and the ulps:
 * libFuzzer saves the input (crash-<sha1>), and
 *   BCE_PORT_LIB=... fuzz_port crash-<sha1>
 * replays it.  docs/FUZZING.md.
 */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bce_verify.h"
#include "fast_filter.h"
#include "fuzz_common.h"
#include "fuzz_oracle.h"

#define FZ_PREC 128
#define FZ_CAP (FZ_NMAX + 16)

typedef bce_status (*port_f64)(size_t, const double *, const double *, const double *,
                               const bce_options *, double *, double *);
typedef bce_status (*port_f32)(size_t, const float *, const float *, const float *,
                               const bce_options *, float *, float *);

/* what the port does not implement (BCE_PORT_NO) */
enum {
    NO_PW = 1, NO_SMOOTH = 2, NO_CLAMP = 4, NO_WEIGHTS = 8, NO_REDUCTION = 16,
    NO_NAN = 32, NO_LOSS_NULL = 64, NO_GRAD_NULL = 128
};

static struct {
    int ready;
    int f32, logits;
    int check_status, strict, table;   /* table: libbce's bounds */
    double b_loss, b_grad, b_red;
    unsigned no;
    const char *lib, *sym;
    port_f64 f64;           /* the entry point: one of these two */
    port_f32 f32fn;
} P;

static const char *env(const char *k)
{
    const char *v = getenv(k);
    return v && *v ? v : NULL;
}

static double parse_bound(const char *s, const char *what)
{
    char *end;
    double b = strtod(s, &end);
    if (end == s || !(b > 0.0))
        fz_fail("BCE_PORT_MAX_ULP: bad %s bound '%s'", what, s);
    return b;
}

static void port_setup(void)
{
    P.lib = env("BCE_PORT_LIB");
    P.sym = env("BCE_PORT_SYMBOL");
    const char *ty = env("BCE_PORT_TYPE"), *fo = env("BCE_PORT_FORM");
    P.f32 = ty ? !strcmp(ty, "f32") : P.sym ? strstr(P.sym, "f32") != NULL : 0;
    P.logits = fo ? strcmp(fo, "probs") != 0 : P.sym ? strstr(P.sym, "prob") == NULL : 1;
    if (ty && strcmp(ty, "f32") && strcmp(ty, "f64"))
        fz_fail("BCE_PORT_TYPE=%s: f64 or f32", ty);
    if (fo && strcmp(fo, "probs") && strcmp(fo, "logits"))
        fz_fail("BCE_PORT_FORM=%s: logits or probs", fo);
    static char defsym[32];
    if (!P.sym) {
        snprintf(defsym, sizeof defsym, "bce_%s_%s", P.logits ? "logits" : "probs",
                 P.f32 ? "f32" : "f64");
        P.sym = defsym;
    }
    if (P.lib) {
        void *h = dlopen(P.lib, RTLD_NOW | RTLD_LOCAL);
        if (!h) fz_fail("BCE_PORT_LIB: dlopen: %s", dlerror());
        void *sym = dlsym(h, P.sym);
        if (!sym) fz_fail("BCE_PORT_SYMBOL: dlsym(%s): %s", P.sym, dlerror());
        /* POSIX: a data pointer from dlsym converts to a function pointer;
         * memcpy keeps ISO C (-Wpedantic) quiet */
        if (P.f32) memcpy(&P.f32fn, &sym, sizeof P.f32fn);
        else memcpy(&P.f64, &sym, sizeof P.f64);
    } else {
        /* libbce itself, linked statically: its four entry points by name */
        static const struct { const char *name; port_f64 f64; port_f32 f32; } own[] = {
            { "bce_logits_f64", bce_logits_f64, NULL },
            { "bce_logits_f32", NULL, bce_logits_f32 },
            { "bce_probs_f64", bce_probs_f64, NULL },
            { "bce_probs_f32", NULL, bce_probs_f32 },
        };
        for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
            if (!strcmp(own[i].name, P.sym)) { P.f64 = own[i].f64; P.f32fn = own[i].f32; }
        if (P.f32 ? !P.f32fn : !P.f64)
            fz_fail("BCE_PORT_SYMBOL=%s without BCE_PORT_LIB: not a libbce entry point of the"
                    " type and form (BCE_PORT_TYPE/BCE_PORT_FORM)", P.sym);
    }
    const char *mu = env("BCE_PORT_MAX_ULP");
    if (!mu) mu = P.lib ? "1" : "libbce";
    P.b_loss = P.b_grad = P.b_red = 1.0;
    if (!strcmp(mu, "libbce")) {
        P.table = 1;
    } else if (strchr(mu, '=')) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", mu);
        for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
            char *eq = strchr(t, '=');
            if (!eq) fz_fail("BCE_PORT_MAX_ULP: '%s' is not key=value", t);
            *eq = 0;
            double b = parse_bound(eq + 1, t);
            if (!strcmp(t, "loss")) P.b_loss = b;
            else if (!strcmp(t, "grad")) P.b_grad = b;
            else if (!strcmp(t, "reduced")) P.b_red = b;
            else fz_fail("BCE_PORT_MAX_ULP: unknown output '%s' (loss, grad, reduced)", t);
        }
    } else {
        P.b_loss = P.b_grad = P.b_red = parse_bound(mu, "");
    }
    const char *cs = env("BCE_PORT_CHECK_STATUS"), *st = env("BCE_PORT_STRICT");
    P.check_status = cs && cs[0] == '1';
    P.strict = st && st[0] == '1';
    const char *no = env("BCE_PORT_NO");
    if (no) {
        static const struct { const char *k; unsigned bit; } keys[] = {
            { "pos_weight", NO_PW }, { "label_smoothing", NO_SMOOTH }, { "clamp", NO_CLAMP },
            { "weights", NO_WEIGHTS }, { "reduction", NO_REDUCTION },
            { "propagate_nan", NO_NAN }, { "loss_null", NO_LOSS_NULL },
            { "grad_null", NO_GRAD_NULL },
        };
        char buf[256];
        snprintf(buf, sizeof buf, "%s", no);
        for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
            size_t i;
            for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
                if (!strcmp(t, keys[i].k)) { P.no |= keys[i].bit; break; }
            if (i == sizeof keys / sizeof keys[0]) fz_fail("BCE_PORT_NO: unknown '%s'", t);
        }
    }
    fprintf(stderr, "fuzz_port: %s %s (%s %s), bound %s%s%s\n",
            P.lib ? P.lib : "libbce (linked)", P.sym, P.logits ? "logits" : "probs",
            P.f32 ? "f32" : "f64", mu, P.check_status ? ", status checked" : "",
            P.strict ? ", strict" : "");
    P.ready = 1;
}

static double bound_of(bcev_output out, bcev_config_kind kind)
{
    if (P.table)
        return bcev_bound(P.logits ? BCEV_LOGITS : BCEV_PROBS, P.f32 ? BCEV_F32 : BCEV_F64,
                          out, kind);
    if (kind == BCEV_CFG_REDUCED && out == BCEV_LOSS) return P.b_red;
    return out == BCEV_LOSS ? P.b_loss : P.b_grad;
}

/* ------------------------------------------------------------------ */
/* the call, on buffers of the port's type                             */

typedef struct bufs {
    _Alignas(64) double x[FZ_CAP], y[FZ_CAP], w[FZ_CAP], loss[FZ_CAP], grad[FZ_CAP];
    _Alignas(64) float xf[FZ_CAP], yf[FZ_CAP], wf[FZ_CAP], lossf[FZ_CAP], gradf[FZ_CAP];
} bufs;

static const unsigned char sentinel = 0xA5;

/* Calls the port on xd/yd/wd (doubles, exact in the port's type) placed at
 * offset xo (w at wo) and its outputs at oo; returns the status; *loss_out
 * and *grad_out receive the outputs as doubles, *written whether any
 * output byte changed. */
static bce_status call_port(bufs *b, size_t n, const double *xd, const double *yd,
                            const double *wd, const bce_options *o, int want_loss,
                            int want_grad, size_t xo, size_t wo, size_t oo,
                            double *loss_out, double *grad_out, int *written)
{
    bce_status st;
    *written = 0;
    if (!P.f32) {
        double *x = b->x + xo, *y = b->y + xo, *w = b->w + wo;
        memcpy(x, xd, n * sizeof *x);
        memcpy(y, yd, n * sizeof *y);
        if (wd) memcpy(w, wd, n * sizeof *w);
        memset(b->loss, sentinel, sizeof b->loss);
        memset(b->grad, sentinel, sizeof b->grad);
        st = P.f64(n, x, y, wd ? w : NULL, o, want_loss ? b->loss + oo : NULL,
                              want_grad ? b->grad + oo : NULL);
        const unsigned char *pl = (const unsigned char *)b->loss, *pg = (const unsigned char *)b->grad;
        for (size_t i = 0; i < sizeof b->loss; i++)
            if (pl[i] != sentinel || pg[i] != sentinel) { *written = 1; break; }
        for (size_t i = 0; i < FZ_NMAX; i++) {
            loss_out[i] = b->loss[oo + i];
            grad_out[i] = b->grad[oo + i];
        }
    } else {
        float *x = b->xf + xo, *y = b->yf + xo, *w = b->wf + wo;
        for (size_t i = 0; i < n; i++) {
            x[i] = (float)xd[i];
            y[i] = (float)yd[i];
            if (wd) w[i] = (float)wd[i];
        }
        memset(b->lossf, sentinel, sizeof b->lossf);
        memset(b->gradf, sentinel, sizeof b->gradf);
        st = P.f32fn(n, x, y, wd ? w : NULL, o, want_loss ? b->lossf + oo : NULL,
                              want_grad ? b->gradf + oo : NULL);
        const unsigned char *pl = (const unsigned char *)b->lossf, *pg = (const unsigned char *)b->gradf;
        for (size_t i = 0; i < sizeof b->lossf; i++)
            if (pl[i] != sentinel || pg[i] != sentinel) { *written = 1; break; }
        for (size_t i = 0; i < FZ_NMAX; i++) {
            loss_out[i] = b->lossf[oo + i];
            grad_out[i] = b->gradf[oo + i];
        }
    }
    return st;
}

static void dump_inputs(size_t n, const double *x, const double *y, const double *w,
                        const bce_options *o, int want_loss, int want_grad)
{
    fprintf(stderr, "  port %s, symbol %s (%s %s)\n", P.lib ? P.lib : "libbce (linked)",
            P.sym, P.logits ? "logits" : "probs", P.f32 ? "f32" : "f64");
    /* the environment that replays the input libFuzzer saves below */
    static const char *const keys[] = {
        "BCE_PORT_LIB", "BCE_PORT_SYMBOL", "BCE_PORT_TYPE", "BCE_PORT_FORM", "BCE_PORT_MAX_ULP",
        "BCE_PORT_CHECK_STATUS", "BCE_PORT_NO", "BCE_PORT_STRICT", "FZ_NO_DETOURS",
    };
    fputs("  replay:", stderr);
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (env(keys[k])) fprintf(stderr, " %s=%s", keys[k], env(keys[k]));
    fputs(" <this fuzzer> <the crash file named below>\n", stderr);
    fprintf(stderr, "  n=%zu reduction=%d flags=%#x pos_weight=%a label_smoothing=%a"
            " weights=%d loss=%s grad=%s\n", n, (int)o->reduction, o->flags, o->pos_weight,
            o->label_smoothing, w != NULL, want_loss ? "yes" : "NULL",
            want_grad ? "yes" : "NULL");
    /* runs of equal elements on one line */
    for (size_t i = 0, j; i < n; i = j + 1) {
        const double wi = w ? w[i] : 1.0;
        for (j = i; j + 1 < n && !memcmp(&x[j + 1], &x[i], sizeof *x) &&
                    !memcmp(&y[j + 1], &y[i], sizeof *y) &&
                    (!w || !memcmp(&w[j + 1], &w[i], sizeof *w)); j++) {}
        if (j == i) fprintf(stderr, "  [%zu] x=%a y=%a w=%a\n", i, x[i], y[i], wi);
        else fprintf(stderr, "  [%zu..%zu] x=%a y=%a w=%a\n", i, j, x[i], y[i], wi);
    }
}


/* the finding: inputs, which output, expected (RN of the exact value and
 * the exact value), got, ulps, bound */
__attribute__((noreturn))
static void finding(size_t n, const double *x, const double *y, const double *w,
                    const bce_options *o, int want_loss, int want_grad, const char *what,
                    size_t i, double got, const mpfr_t exact, double ulps, double bound)
{
    const bcev_type ty = P.f32 ? BCEV_F32 : BCEV_F64;
    dump_inputs(n, x, y, w, o, want_loss, want_grad);
    mpfr_fprintf(stderr, "  exact    %.40Rg\n", exact);
    /* bound 0.5 is checked as got == RN(exact): an error of 0.5 ulp (a
     * midpoint rounded the wrong way) fails it */
    const char *why = bound <= 0.5 ? "not the correct rounding (bound 0.5)" : "> bound";
    char b[32] = "";
    if (bound > 0.5) snprintf(b, sizeof b, " %g", bound);
    if (i >= n)     /* the reduced loss */
        fz_fail("%s: expected %a, got %a: %.4g ulp, %s%s", what,
                bcev_round_to(ty, exact), got, ulps, why, b);
    fz_fail("%s[%zu] (x=%a y=%a w=%a): expected %a, got %a: %.4g ulp, %s%s",
            what, i, x[i], y[i], w ? w[i] : 1.0, bcev_round_to(ty, exact), got, ulps, why, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bufs b;
    if (!P.ready) port_setup();
    const int f32 = P.f32, logits = P.logits;
    const bcev_form form = logits ? BCEV_LOGITS : BCEV_PROBS;
    const bcev_type type = f32 ? BCEV_F32 : BCEV_F64;
    fz_reader r;
    fz_init(&r, data, size);

    /* header and options: fuzz_elem.h's layout */
    const uint8_t cfg = fz_u8(&r), nb = fz_u8(&r), ob = fz_u8(&r);
    const uint8_t inv0 = fz_u8(&r), sel = fz_u8(&r);
    /* without the status check no invalid option or element is made */
    const uint8_t inv = P.check_status ? inv0 : (uint8_t)(inv0 & ~0xE0u);
    const int v2 = sel != 0;
    if (v2) r.mode |= FZ_MODE_V2;
    bce_options o;
    memset(&o, 0, sizeof o);
    size_t eidx = 12345;
    o.reduction = (P.no & NO_REDUCTION) ? BCE_REDUCTION_NONE : (bce_reduction)(cfg & 3);
    const int has_w = ((cfg >> 2) & 1) && !(P.no & NO_WEIGHTS);
    if (cfg & 0x08) {
        o.pos_weight = v2 ? fz_pos_weight_v2(&r) : fz_weight(&r, 0);
        if (!(inv & 0x20) && o.pos_weight > 0.0 &&
            !(o.pos_weight >= BCE_POS_WEIGHT_MIN && o.pos_weight <= BCE_POS_WEIGHT_MAX)) {
            int e;
            double m = frexp(o.pos_weight, &e);
            o.pos_weight = ldexp(m, e % 64);
        }
        if (!(P.no & NO_PW)) o.flags |= BCE_OPT_POS_WEIGHT;
        else o.pos_weight = 0.0;
    }
    if (cfg & 0x10) {
        o.label_smoothing = v2 ? fz_smoothing_v2(&r) : fz_smoothing(&r, 0);
        if (P.no & NO_SMOOTH) o.label_smoothing = 0.0;
    }
    if ((cfg & 0x20) && !logits && !(P.no & NO_CLAMP)) o.flags |= BCE_OPT_LOG_CLAMP;
    if ((cfg & 0x40) && !(P.no & NO_NAN)) o.flags |= BCE_OPT_PROPAGATE_NAN;
    if ((cfg & 0x80) && P.check_status) o.error_index = &eidx;
    size_t n;
    if (!v2) {
        n = nb % (FZ_NMAX + 1);
    } else {
        static const uint8_t tails[] = { 15, 16, 17, 31, 32, 33 };
        const unsigned k = nb & 0x7f;
        n = k < 110 ? k % 10 : k < 118 ? tails[(k - 110) % 6] : k < 123 ? 63 + (k - 118) % 5
          : k < 126 ? 10 + (k * 7) % 20 : (size_t)(fz_u8(&r) % (FZ_NMAX + 1));
    }
    int want_grad = !(nb & 0x80) || (ob & 0x80);
    int want_loss = !(ob & 0x80) || (nb & 0x80);
    if (P.no & NO_LOSS_NULL) want_loss = 1;
    if (P.no & NO_GRAD_NULL) want_grad = 1;
    const size_t xo = ob & 7, oo = (ob >> 3) & 7, wo = (xo + 3) & 7;

    double xd[FZ_NMAX], yd[FZ_NMAX], wd[FZ_NMAX];
    double prev = 0.0;
    const double Pe = (o.flags & BCE_OPT_POS_WEIGHT) ? o.pos_weight : 1.0;
    for (size_t i = 0; i < n; i++) {
        if (v2 && fz_element_v2(&r, f32, logits, Pe, o.label_smoothing, &xd[i], &yd[i])) {
            prev = xd[i];
        } else {
            xd[i] = logits ? fz_logit(&r, f32, prev) : fz_prob(&r, f32);
            if (isnan(xd[i])) xd[i] = (o.flags & BCE_OPT_PROPAGATE_NAN) ? NAN : 0.0;
            prev = xd[i];
            yd[i] = fz_label(&r, f32, xd[i], logits);
        }
        wd[i] = has_w ? fz_weight(&r, f32) : 1.0;
        if (f32) { xd[i] = (float)xd[i]; yd[i] = (float)yd[i]; wd[i] = (float)wd[i]; }
    }
    for (int k = 0; k < 2 && n > 0; k++) {
        const unsigned m = (0x90u >> k);
        if ((inv & m) != m) continue;
        size_t i = fz_u8(&r) % n;
        int which = (int)(fz_u8(&r) % (has_w ? 3 : 2));
        double v = fz_invalid(&r, which, logits, f32);
        (which == 0 ? xd : which == 1 ? yd : wd)[i] = v;
    }
    const double *wdp = has_w ? wd : NULL;
    /* the documented validation: checked (BCE_PORT_CHECK_STATUS=1) or
     * avoided (an input libbce rejects is not given to the port) */
    size_t model_idx;
    const bce_status want = fz_model_status(n, xd, yd, wdp, &o, logits, 0, 0,
                                            f32 ? sizeof(float) : sizeof(double), &model_idx);
    if (want != BCE_OK && !P.check_status) return 0;
    double gl[FZ_NMAX], gg[FZ_NMAX];
    int written;
    const bce_status st = call_port(&b, n, xd, yd, wdp, &o, want_loss, want_grad, xo, wo, oo,
                                    gl, gg, &written);
    if (P.check_status) {
        if (st != want) {
            dump_inputs(n, xd, yd, wdp, &o, want_loss, want_grad);
            fz_fail("status %d (%s), expected %d (%s)", (int)st, bce_status_name(st),
                    (int)want, bce_status_name(want));
        }
        if (st != BCE_OK) {
            if (o.error_index && eidx != model_idx) {
                dump_inputs(n, xd, yd, wdp, &o, want_loss, want_grad);
                fz_fail("%s: error_index %zu, expected %zu", bce_status_name(st), eidx, model_idx);
            }
            if (written) {
                dump_inputs(n, xd, yd, wdp, &o, want_loss, want_grad);
                fz_fail("%s: an output was written on error", bce_status_name(st));
            }
            return 0;
        }
    } else if (st != BCE_OK) {
        dump_inputs(n, xd, yd, wdp, &o, want_loss, want_grad);
        fz_fail("status %d (%s) for valid inputs", (int)st, bce_status_name(st));
    }

    /* every output against the oracle: the fast filter, then MPFR */
    static int mp_ready;
    static mpfr_t den, el, eg;
    if (!mp_ready) {
        mpfr_inits2(FZ_PREC, el, eg, (mpfr_ptr)0);
        mpfr_init2(den, 64);
        mp_ready = 1;
    }
    int have_den = 0;
    bcev_ff_val fden;
    bcev_ff_denominator(n, wdp, &o, &fden);
    const int chk_l = want_loss && o.reduction == BCE_REDUCTION_NONE;
    for (size_t i = 0; i < n && (chk_l || want_grad); i++) {
        bcev_sample s = { xd[i], yd[i], wdp ? wdp[i] : 1.0 };
        const bcev_config_kind kind = fz_config_kind(&o, has_w, yd[i]);
        const double bl = bound_of(BCEV_LOSS, kind), bg = bound_of(BCEV_GRAD, kind);
        bcev_ff_val fl, fg;
        int dl = !chk_l, dg = !want_grad;
        if (bcev_ff_sample(form, &s, &o, &fden, chk_l ? &fl : NULL, want_grad ? &fg : NULL)) {
            if (!dl) dl = bcev_ff_check(type, gl[i], &fl, bl);
            if (!dg) dg = bcev_ff_check(type, gg[i], &fg, bg);
        }
        if (!dg && bcev_ff_grad_fine(form, &s, &o, &fden, &fg))
            dg = bcev_ff_check(type, gg[i], &fg, bg);
        fz_stat(dl && dg);
        if (dl && dg) continue;
        if (!have_den) {
            bcev_denominator(n, wdp, &o, den);
            have_den = 1;
        }
        bcev_exact_mp(form, &s, &o, den, FZ_PREC, dl ? NULL : el, dg ? NULL : eg);
        double ul = 0.0, ug = 0.0;
        if (!dl && !bcev_check(type, gl[i], el, bl, &ul))
            finding(n, xd, yd, wdp, &o, want_loss, want_grad, "loss", i, gl[i], el, ul, bl);
        if (!dg && !bcev_check(type, gg[i], eg, bg, &ug) &&
            !(!P.strict && fz_within_cancellation_bound(P.logits, P.f32, gg[i], eg, xd[i], yd[i], s.w, &o, den)))
            finding(n, xd, yd, wdp, &o, want_loss, want_grad, "grad", i, gg[i], eg, ug, bg);
    }
    if (want_loss && o.reduction != BCE_REDUCTION_NONE) {
        const double bnd = bound_of(BCEV_LOSS, BCEV_CFG_REDUCED);
        bcev_ff_val fr;
        const int dr = bcev_ff_reduced(form, n, xd, yd, wdp, &o, &fr) &&
                       bcev_ff_check(type, gl[0], &fr, bnd);
        fz_stat(dr);
        if (!dr) {
            double u = 0.0;
            const int rc = bcev_exact_reduced(form, n, xd, yd, wdp, &o, NAN, FZ_PREC, el);
            if (rc == 0 && !bcev_check(type, gl[0], el, bnd, &u))
                finding(n, xd, yd, wdp, &o, want_loss, want_grad, "reduced loss", n, gl[0],
                        el, u, bnd);
        }
    }
    return 0;
}
