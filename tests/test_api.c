/*
 * test_api.c -- the public API against its definition (include/bce.h):
 * every error path (status, first offending index, no output written),
 * every option against the MPFR reference within the documented bounds,
 * exact limits, special values, aliasing, and independence of n, position
 * and alignment.  Every kernel on every ISA this CPU runs.
 * Fixed seeds, bounded counts: the suite runs in seconds.
 */
#include <float.h>
#include <stdio.h>

#include "api_support.h"

/* ====================================================================== */
/* status codes, version, ISA selection                                   */
/* ====================================================================== */

static const char *const status_names[BCE_STATUS_COUNT] = {
    "BCE_OK",              "BCE_E_NULL_POINTER", "BCE_E_SIZE_OVERFLOW",
    "BCE_E_BAD_OPTION",    "BCE_E_NAN_LOGIT",    "BCE_E_NAN_PROB",
    "BCE_E_PROB_RANGE",    "BCE_E_NAN_LABEL",    "BCE_E_LABEL_RANGE",
    "BCE_E_NAN_WEIGHT",    "BCE_E_WEIGHT_RANGE", "BCE_E_EMPTY_MEAN",
    "BCE_E_ZERO_WEIGHT_SUM", "BCE_E_UNKNOWN_ISA", "BCE_E_ISA_UNAVAILABLE",
    "BCE_E_BAD_PROBLEM", "BCE_E_NONFINITE_FEATURE", "BCE_E_NONFINITE_PARAM", "BCE_E_OUT_OF_MEMORY",
};

Test(status, names_and_texts_are_distinct)
{
    for (int i = 0; i < BCE_STATUS_COUNT; i++) {
        const char *t = bce_strerror((bce_status)i);
        const char *nm = bce_status_name((bce_status)i);
        cr_assert(t != NULL && t[0] != '\0', "strerror(%d) empty", i);
        cr_assert(nm != NULL, "status_name(%d) NULL", i);
        cr_expect_str_eq(nm, status_names[i]);
        for (int j = 0; j < i; j++) {
            cr_expect_str_neq(t, bce_strerror((bce_status)j),
                              "strerror(%d) == strerror(%d)", i, j);
            cr_expect_str_neq(nm, bce_status_name((bce_status)j));
        }
    }
}

Test(status, unknown_codes_are_sane)
{
    const int foreign[] = {BCE_STATUS_COUNT, 99, -1, 1 << 30};
    for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++) {
        const char *t = bce_strerror((bce_status)foreign[i]);
        const char *nm = bce_status_name((bce_status)foreign[i]);
        cr_assert(t != NULL && t[0] != '\0');
        cr_expect(strstr(t, "unknown") != NULL, "strerror(%d) = '%s'",
                  foreign[i], t);
        cr_assert(nm != NULL && nm[0] != '\0');
        for (int j = 0; j < BCE_STATUS_COUNT; j++)
            cr_expect_str_neq(nm, status_names[j]);
    }
}

Test(status, version)
{
    cr_assert_str_eq(bce_version(), BCE_VERSION_STRING);
    char buf[32];
    snprintf(buf, sizeof buf, "%d.%d.%d", BCE_VERSION_MAJOR,
             BCE_VERSION_MINOR, BCE_VERSION_PATCH);
    cr_assert_str_eq(buf, BCE_VERSION_STRING);
}

Test(isa, selection)
{
    cr_assert_not_null(bce_active_isa());
    cr_assert(bce_isa_available("scalar"));
    cr_assert_eq(bce_set_isa("scalar"), BCE_OK);
    cr_assert_str_eq(bce_active_isa(), "scalar");
    cr_assert_eq(bce_set_isa("bogus"), BCE_E_UNKNOWN_ISA);
    cr_assert_eq(bce_set_isa(""), BCE_E_UNKNOWN_ISA);
    cr_assert_str_eq(bce_active_isa(), "scalar", "failed set changed ISA");
    cr_assert(!bce_isa_available("bogus"));
    for (size_t i = 0; i < bce_isa_count(); i++) {
        const char *name = bce_isa_name(i);
        bce_status st = bce_set_isa(name);
        if (bce_isa_available(name)) {
            cr_assert_eq(st, BCE_OK, "%s", name);
            cr_assert_str_eq(bce_active_isa(), name);
        } else {
            cr_assert_eq(bce_set_isa("scalar"), BCE_OK);
            cr_assert_eq(bce_set_isa(name), BCE_E_ISA_UNAVAILABLE, "%s", name);
            cr_assert_str_eq(bce_active_isa(), "scalar");
        }
    }
    cr_assert_eq(bce_set_isa("auto"), BCE_OK);
    cr_assert_not_null(bce_active_isa());
    cr_assert(bce_isa_available(bce_active_isa()));
}

/* The registry: bce_isa_count() names, the baseline "scalar" first, unique,
 * NULL past the end; every name is one bce_set_isa knows (OK or
 * BCE_E_ISA_UNAVAILABLE, as bce_isa_available says, and unavailable ones
 * change nothing); "auto" is always available. */
Test(isa, registry)
{
    const size_t n = bce_isa_count();
    cr_assert_geq(n, 1);
    cr_assert_not_null(bce_isa_name(0));
    cr_assert_str_eq(bce_isa_name(0), "scalar");
    cr_assert_null(bce_isa_name(n));
    cr_assert_null(bce_isa_name(n + 1));
    cr_assert_null(bce_isa_name((size_t)-1));
    for (size_t i = 0; i < n; i++) {
        const char *a = bce_isa_name(i);
        cr_assert_not_null(a, "bce_isa_name(%zu)", i);
        cr_assert(a[0] != '\0', "bce_isa_name(%zu) is empty", i);
        cr_assert(strcmp(a, "auto") != 0, "bce_isa_name(%zu) is \"auto\"", i);
        for (size_t j = 0; j < i; j++)
            cr_assert(strcmp(a, bce_isa_name(j)) != 0, "ISA %s listed twice (%zu, %zu)",
                      a, j, i);
        /* the same pointer on every call: callers may keep it */
        cr_assert_eq(bce_isa_name(i), a);
    }
    cr_assert(bce_isa_available("scalar"));
    cr_assert(bce_isa_compiled("scalar"));
    cr_assert(bce_isa_available("auto"));
    cr_assert(bce_isa_compiled("auto"));
    cr_assert(!bce_isa_compiled("bogus"));
    cr_assert(!bce_isa_compiled(NULL));
    cr_assert(!bce_isa_available(NULL));
    size_t tested = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = bce_isa_name(i);
        int avail = bce_isa_available(name);
        cr_assert(!avail || bce_isa_compiled(name), "%s available but not compiled", name);
        cr_assert_eq(bce_set_isa("scalar"), BCE_OK);
        bce_status st = bce_set_isa(name);
        cr_assert_eq(st, avail ? BCE_OK : BCE_E_ISA_UNAVAILABLE, "bce_set_isa(\"%s\"): %s",
                     name, bce_status_name(st));
        cr_assert_str_eq(bce_active_isa(), avail ? name : "scalar");
        if (avail)
            tested++;
        else
            fprintf(stderr, "[SKIP] ISA %s: %s (only BCE_E_ISA_UNAVAILABLE checked)\n",
                    name, bce_isa_compiled(name) ? "not runnable on this CPU"
                                                 : "not built into this library");
    }
    cr_assert_geq(tested, 1);
    cr_assert_eq(bce_set_isa("auto"), BCE_OK);
    cr_assert(bce_isa_available(bce_active_isa()));
    /* auto picks the best runnable: the last available row of the registry */
    const char *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (bce_isa_available(bce_isa_name(i)))
            best = bce_isa_name(i);
    cr_assert_str_eq(bce_active_isa(), best);
}

/* ====================================================================== */
/* error paths                                                            */
/* ====================================================================== */

#define N_ERR 13

static void fill_valid(double *x, double *y, double *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        x[i] = 0.25; /* a valid logit and a valid probability */
        y[i] = (i % 3) ? 1.0 : 0.5;
        w[i] = 1.0;
    }
}

/* Expect status st, error index idx, and no output written. */
static void expect_error(const kind *k, outcome r, bce_status st, size_t idx,
                         const char *what)
{
    cr_expect_eq(r.st, st, "%s %s: status %s, expected %s", k->name, what,
                 bce_status_name(r.st), bce_status_name(st));
    cr_expect_eq(r.idx, idx, "%s %s: error_index %zu, expected %zu", k->name,
                 what, r.idx, idx);
    cr_expect(r.untouched, "%s %s: output written on error", k->name, what);
}

Test(errors, null_pointers)
{
    double x[N_ERR], y[N_ERR], w[N_ERR], l[N_ERR], g[N_ERR];
    fill_valid(x, y, w, N_ERR);
    bce_options o = {0};
    FOR_EACH_KIND(k) {
        expect_error(k, call(k, N_ERR, NULL, y, w, &o, l, g),
                     BCE_E_NULL_POINTER, BCE_NO_INDEX, "x NULL");
        expect_error(k, call(k, N_ERR, x, NULL, w, &o, l, g),
                     BCE_E_NULL_POINTER, BCE_NO_INDEX, "y NULL");
        expect_error(k, call(k, 1, NULL, NULL, NULL, &o, l, g),
                     BCE_E_NULL_POINTER, BCE_NO_INDEX, "x, y NULL");
        /* n == 0: inputs may be NULL; w, loss, grad NULL always allowed */
        cr_expect_eq(call(k, 0, NULL, NULL, NULL, &o, l, g).st, BCE_OK);
        cr_expect_eq(call(k, 0, NULL, NULL, NULL, NULL, NULL, NULL).st, BCE_OK);
        cr_expect_eq(call(k, N_ERR, x, y, NULL, &o, NULL, NULL).st, BCE_OK);
        cr_expect_eq(call(k, N_ERR, x, y, w, &o, l, NULL).st, BCE_OK);
        cr_expect_eq(call(k, N_ERR, x, y, w, &o, NULL, g).st, BCE_OK);
    }
}

Test(errors, size_overflow)
{
    double xd[4] = {0.25, 0.25, 0.25, 0.25}, yd[4] = {1, 1, 1, 1};
    float xf[4] = {0.25f, 0.25f, 0.25f, 0.25f}, yf[4] = {1, 1, 1, 1};
    size_t idx;
    bce_options o = {0};
    o.error_index = &idx;
    FOR_EACH_KIND(k) {
        const void *x = k->type == BCEV_F32 ? (const void *)xf : (const void *)xd;
        const void *y = k->type == BCEV_F32 ? (const void *)yf : (const void *)yd;
        const size_t ns[] = {SIZE_MAX / esize(k) + 1, SIZE_MAX / 2 + 1, SIZE_MAX};
        for (size_t j = 0; j < 3; j++) {
            unsigned char *l = sentinel_alloc(4 * sizeof(double));
            unsigned char *g = sentinel_alloc(4 * sizeof(double));
            idx = IDX_UNSET;
            bce_status st = raw_call(k, ns[j], x, y, NULL, &o, l, g);
            cr_expect_eq(st, BCE_E_SIZE_OVERFLOW, "%s n=%zu: %s", k->name,
                         ns[j], bce_status_name(st));
            cr_expect_eq(idx, BCE_NO_INDEX, "%s n=%zu", k->name, ns[j]);
            cr_expect(is_sentinel(l, 4 * sizeof(double)) &&
                      is_sentinel(g, 4 * sizeof(double)), "%s: written",
                      k->name);
            free(l);
            free(g);
        }
    }
}

Test(errors, bad_options)
{
    double x[N_ERR], y[N_ERR], w[N_ERR], l[N_ERR], g[N_ERR];
    fill_valid(x, y, w, N_ERR);
    struct { bce_options o; const char *what; } bad[] = {
        {{.reduction = (bce_reduction)4}, "reduction 4"},
        {{.reduction = (bce_reduction)-1}, "reduction -1"},
        {{.flags = 0x10}, "flag 0x10"},
        {{.flags = BCE_OPT_FAST_ACCUM}, "BCE_OPT_FAST_ACCUM (fused only)"},
        {{.flags = 0x80000000u}, "flag 0x80000000"},
        {{.flags = BCE_OPT_POS_WEIGHT, .pos_weight = -1}, "pos_weight -1"},
        {{.flags = BCE_OPT_POS_WEIGHT, .pos_weight = -0x1p-1074}, "pos_weight -tiny"},
        {{.flags = BCE_OPT_POS_WEIGHT, .pos_weight = NAN}, "pos_weight NaN"},
        {{.flags = BCE_OPT_POS_WEIGHT, .pos_weight = INFINITY}, "pos_weight inf"},
        {{.flags = BCE_OPT_POS_WEIGHT, .pos_weight = 0x1.0000000000001p64}, "pos_weight > max"},
        {{.flags = BCE_OPT_POS_WEIGHT, .pos_weight = DBL_MAX}, "pos_weight DBL_MAX"},
        {{.flags = BCE_OPT_POS_WEIGHT, .pos_weight = 0x1.fffffffffffffp-65}, "pos_weight < min"},
        {{.flags = BCE_OPT_POS_WEIGHT, .pos_weight = 0x1p-1074}, "pos_weight 2^-1074"},
        {{.label_smoothing = -0x1p-1074}, "smoothing -tiny"},
        {{.label_smoothing = -0.5}, "smoothing -0.5"},
        {{.label_smoothing = 0x1.0000000000001p0}, "smoothing 1+ulp"},
        {{.label_smoothing = NAN}, "smoothing NaN"},
        {{.label_smoothing = INFINITY}, "smoothing inf"},
        /* reserved fields (future options) must be zero */
        {{.reserved = {1}}, "reserved[0] = 1"},
        {{.reserved[4] = 0x8000000000000000u}, "reserved[4] = 2^63"},
        {{.flags = BCE_OPT_POS_WEIGHT, .pos_weight = 2, .reserved[3] = 1},
         "reserved[3] with valid options"},
    };
    FOR_EACH_KIND(k) {
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            expect_error(k, call(k, N_ERR, x, y, w, &bad[i].o, l, g),
                         BCE_E_BAD_OPTION, BCE_NO_INDEX, bad[i].what);
            /* also when there is nothing to compute */
            expect_error(k, call(k, 0, x, y, w, &bad[i].o, l, g),
                         BCE_E_BAD_OPTION, BCE_NO_INDEX, bad[i].what);
        }
        bce_options clamp = {.flags = BCE_OPT_LOG_CLAMP};
        outcome r = call(k, N_ERR, x, y, w, &clamp, l, g);
        if (k->form == BCEV_LOGITS)
            expect_error(k, r, BCE_E_BAD_OPTION, BCE_NO_INDEX, "clamp");
        else
            cr_expect_eq(r.st, BCE_OK, "%s clamp", k->name);
        /* valid edges */
        bce_options good[] = {
            {.flags = BCE_OPT_POS_WEIGHT, .pos_weight = 0},
            {.flags = BCE_OPT_POS_WEIGHT, .pos_weight = BCE_POS_WEIGHT_MAX},
            {.flags = BCE_OPT_POS_WEIGHT, .pos_weight = BCE_POS_WEIGHT_MIN},
            {.label_smoothing = 0},
            {.label_smoothing = 1},
            {.pos_weight = -1}, /* ignored without BCE_OPT_POS_WEIGHT */
            {.flags = BCE_OPT_PROPAGATE_NAN},
            {.reduction = BCE_REDUCTION_WEIGHTED_MEAN},
        };
        for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
            cr_expect_eq(call(k, N_ERR, x, y, w, &good[i], l, g).st, BCE_OK,
                         "%s good option %zu", k->name, i);
    }
}

/* One kind of offending element. */
typedef struct bad_elem {
    int field;   /* 0 = x, 1 = y, 2 = w */
    int form;    /* -1 both forms, else the only form it applies to */
    double v;    /* offending value (1+ulp, -tiny: see resolve) */
    bce_status st;
} bad_elem;

#define ONE_PLUS_ULP 2.0  /* placeholder: replaced by the type's 1 + ulp */
#define MINUS_TINY -2.0   /* placeholder: replaced by -(smallest subnormal) */

static double resolve(const kind *k, double v)
{
    if (v == ONE_PLUS_ULP && k->type == BCEV_F32)
        return 0x1.000002p0;
    if (v == ONE_PLUS_ULP)
        return 0x1.0000000000001p0;
    if (v == MINUS_TINY)
        return k->type == BCEV_F32 ? -0x1p-149 : -0x1p-1074;
    return v;
}

static const bad_elem bad_elems[] = {
    {0, BCEV_LOGITS, NAN, BCE_E_NAN_LOGIT},
    {0, BCEV_LOGITS, -NAN, BCE_E_NAN_LOGIT},
    {0, BCEV_PROBS, NAN, BCE_E_NAN_PROB},
    {0, BCEV_PROBS, ONE_PLUS_ULP, BCE_E_PROB_RANGE},
    {0, BCEV_PROBS, MINUS_TINY, BCE_E_PROB_RANGE},
    {0, BCEV_PROBS, -1, BCE_E_PROB_RANGE},
    {0, BCEV_PROBS, 3, BCE_E_PROB_RANGE},
    {0, BCEV_PROBS, INFINITY, BCE_E_PROB_RANGE},
    {0, BCEV_PROBS, -INFINITY, BCE_E_PROB_RANGE},
    {1, -1, NAN, BCE_E_NAN_LABEL},
    {1, -1, ONE_PLUS_ULP, BCE_E_LABEL_RANGE},
    {1, -1, MINUS_TINY, BCE_E_LABEL_RANGE},
    {1, -1, -1, BCE_E_LABEL_RANGE},
    {1, -1, 3, BCE_E_LABEL_RANGE},
    {1, -1, INFINITY, BCE_E_LABEL_RANGE},
    {1, -1, -INFINITY, BCE_E_LABEL_RANGE},
    {2, -1, NAN, BCE_E_NAN_WEIGHT},
    {2, -1, -1, BCE_E_WEIGHT_RANGE},
    {2, -1, MINUS_TINY, BCE_E_WEIGHT_RANGE},
    {2, -1, INFINITY, BCE_E_WEIGHT_RANGE},
    {2, -1, -INFINITY, BCE_E_WEIGHT_RANGE},
};

static const bce_reduction all_reductions[] = {
    BCE_REDUCTION_NONE, BCE_REDUCTION_SUM, BCE_REDUCTION_MEAN,
    BCE_REDUCTION_WEIGHTED_MEAN};

/* Put bad values at positions pos[0..np-1] of an n-array; the first one
 * (in index order) is expected to be reported. */
static void check_bad(const kind *k, const bad_elem *b, size_t n,
                      const size_t *pos, size_t np, bce_reduction red,
                      unsigned flags)
{
    double *buf = malloc(5 * (n + 1) * sizeof(double));
    cr_assert_not_null(buf);
    double *x = buf, *y = x + n + 1, *w = y + n + 1, *l = w + n + 1, *g = l + n + 1;
    fill_valid(x, y, w, n);
    double *field = b->field == 0 ? x : b->field == 1 ? y : w;
    size_t first = n;
    for (size_t j = 0; j < np; j++) {
        field[pos[j]] = resolve(k, b->v);
        first = pos[j] < first ? pos[j] : first;
    }
    bce_options o = {.reduction = red, .flags = flags};
    char what[120];
    snprintf(what, sizeof what, "field %d = %a, n=%zu, first at %zu, red %d",
             b->field, resolve(k, b->v), n, first, (int)red);
    expect_error(k, call(k, n, x, y, w, &o, l, g), b->st, first, what);
    /* the same without any output wanted */
    expect_error(k, call(k, n, x, y, w, &o, NULL, NULL), b->st, first, what);
    /* without weights (the chunked check of core/api.c for NONE and SUM) */
    if (b->field != 2 && red != BCE_REDUCTION_WEIGHTED_MEAN) {
        snprintf(what, sizeof what, "field %d = %a, n=%zu, first at %zu, red %d, no w",
                 b->field, resolve(k, b->v), n, first, (int)red);
        expect_error(k, call(k, n, x, y, NULL, &o, l, g), b->st, first, what);
    }
    free(buf);
}

Test(errors, offending_elements)
{
    static const size_t single[][1] = {{0}, {1}, {6}, {12}};
    FOR_EACH_KIND(k) {
        for (size_t e = 0; e < sizeof bad_elems / sizeof bad_elems[0]; e++) {
            const bad_elem *b = &bad_elems[e];
            if (b->form >= 0 && b->form != (int)k->form)
                continue;
            for (size_t r = 0; r < 4; r++) {
                for (size_t p = 0; p < 4; p++)
                    check_bad(k, b, N_ERR, single[p], 1, all_reductions[r], 0);
                const size_t last = 66, two[2] = {40, 9}, three[3] = {5, 3, 70};
                check_bad(k, b, 1, single[0], 1, all_reductions[r], 0);
                check_bad(k, b, 67, &last, 1, all_reductions[r], 0);
                check_bad(k, b, 67, two, 2, all_reductions[r], 0);
                check_bad(k, b, 71, three, 3, all_reductions[r], 0);
            }
            /* long arrays: calls without weights and with reduction NONE
             * or SUM are checked a chunk of 512 at a time (core/api.c), then the
             * chunk holding an offender is scanned again: offenders at the
             * chunk edges, in the tail, and a later one in an earlier
             * chunk position */
            {
                static const size_t at[] = {0, 1, 510, 511, 512, 513, 1023, 1024, 1536, 1600};
                const size_t later[2] = {1601, 515}, mid[2] = {1030, 1029};
                for (size_t r = 0; r < 4; r++) {
                    for (size_t p = 0; p < sizeof at / sizeof at[0]; p++)
                        check_bad(k, b, 1601, &at[p], 1, all_reductions[r], 0);
                    check_bad(k, b, 1602, later, 2, all_reductions[r], 0);
                    check_bad(k, b, 1602, mid, 2, all_reductions[r], 0);
                }
                if (!(b->field == 0 && isnan(b->v)))
                    check_bad(k, b, 1601, &at[8], 1, BCE_REDUCTION_NONE,
                              BCE_OPT_PROPAGATE_NAN);
            }
            /* propagation is about NaN x only: NaN labels/weights and
             * out-of-range values stay errors */
            if (!(b->field == 0 && isnan(b->v)))
                check_bad(k, b, N_ERR, single[2], 1, BCE_REDUCTION_NONE,
                          BCE_OPT_PROPAGATE_NAN);
        }
    }
}

/* every position of a short array, for every bad element: the chunk
 * checks' lanes (core/api.c on 2 or 4 elements per SSE2 step,
 * isa/x86_avx2/scan.c on 8 and 16 floats per step, then the elements left
 * over) each see an offender */
Test(errors, offender_at_every_position)
{
    FOR_EACH_KIND(k) {
        for (size_t e = 0; e < sizeof bad_elems / sizeof bad_elems[0]; e++) {
            const bad_elem *b = &bad_elems[e];
            if (b->form >= 0 && b->form != (int)k->form)
                continue;
            static const size_t ns[] = {7, 8, 9, 23, 40};
            for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++)
                for (size_t p = 0; p < ns[j]; p++)
                    check_bad(k, b, ns[j], &p, 1, BCE_REDUCTION_NONE, 0);
        }
    }
}

Test(errors, empty_and_zero_weight_reductions)
{
    double x[5] = {0.25, 0.5, 0.75, 0.25, 0.5}, y[5] = {1, 0, 0.5, 1, 0};
    double w0[5] = {0, 0, 0, 0, 0}, l[5], g[5];
    FOR_EACH_KIND(k) {
        bce_options mean = {.reduction = BCE_REDUCTION_MEAN};
        bce_options wmean = {.reduction = BCE_REDUCTION_WEIGHTED_MEAN};
        bce_options sum = {.reduction = BCE_REDUCTION_SUM};
        expect_error(k, call(k, 0, x, y, NULL, &mean, l, g), BCE_E_EMPTY_MEAN,
                     BCE_NO_INDEX, "MEAN n=0");
        expect_error(k, call(k, 0, NULL, NULL, NULL, &mean, l, NULL),
                     BCE_E_EMPTY_MEAN, BCE_NO_INDEX, "MEAN n=0, NULL inputs");
        expect_error(k, call(k, 5, x, y, w0, &wmean, l, g),
                     BCE_E_ZERO_WEIGHT_SUM, BCE_NO_INDEX, "WMEAN sum w = 0");
        expect_error(k, call(k, 0, x, y, NULL, &wmean, l, g),
                     BCE_E_ZERO_WEIGHT_SUM, BCE_NO_INDEX, "WMEAN n=0");
        /* SUM of nothing is 0; MEAN with zero weights is a mean of zeros */
        l[0] = 7;
        cr_expect_eq(call(k, 0, x, y, NULL, &sum, l, g).st, BCE_OK);
        cr_expect(l[0] == 0, "%s SUM n=0 gives %a", k->name, l[0]);
        cr_expect_eq(call(k, 5, x, y, w0, &mean, l, g).st, BCE_OK);
        cr_expect(l[0] == 0, "%s MEAN of zero weights: %a", k->name, l[0]);
        for (int i = 0; i < 5; i++)
            cr_expect(g[i] == 0, "%s grad[%d] = %a", k->name, i, g[i]);
        /* NONE with n = 0 writes nothing */
        outcome r = call(k, 0, x, y, NULL, NULL, l, g);
        cr_expect_eq(r.st, BCE_OK);
        cr_expect(r.untouched);
    }
}

Test(errors, error_index_is_optional)
{
    double x[3] = {0.25, 0.25, 0.25}, y[3] = {1, 2, 0};
    double l[3], g[3];
    bce_options o = {0}; /* error_index NULL */
    FOR_EACH_KIND(k) {
        void *tx = typed(k, x, 3), *ty = typed(k, y, 3);
        void *tl = sentinel_alloc(3 * esize(k)), *tg = sentinel_alloc(3 * esize(k));
        cr_expect_eq(raw_call(k, 3, tx, ty, NULL, &o, tl, tg), BCE_E_LABEL_RANGE);
        cr_expect_eq(raw_call(k, 3, tx, ty, NULL, NULL, tl, tg), BCE_E_LABEL_RANGE);
        cr_expect(is_sentinel(tl, 3 * esize(k)) && is_sentinel(tg, 3 * esize(k)));
        free(tx);
        free(ty);
        free(tl);
        free(tg);
    }
    (void)l;
    (void)g;
}

/* ====================================================================== */
/* exact limits and special values                                        */
/* ====================================================================== */

typedef struct limit_case {
    double x, y, w;    /* w NaN: no weight array */
    unsigned flags;
    double P, a;       /* pos_weight, label smoothing */
    double loss, grad; /* exact expected outputs */
} limit_case;

static void check_limits(const kind *k, const limit_case *c, size_t nc,
                         const char *isa)
{
    for (size_t i = 0; i < nc; i++) {
        bce_options o = {.flags = c[i].flags, .pos_weight = c[i].P,
                         .label_smoothing = c[i].a};
        double l, g;
        const double *w = isnan(c[i].w) ? NULL : &c[i].w;
        outcome r = call(k, 1, &c[i].x, &c[i].y, w, &o, &l, &g);
        cr_expect_eq(r.st, BCE_OK, "%s/%s case %zu: %s", k->name, isa, i,
                     bce_status_name(r.st));
        cr_expect(same_value(l, c[i].loss) && same_value(g, c[i].grad),
                  "%s/%s case %zu: x=%a y=%a w=%a flags=%u P=%a a=%a: "
                  "got (%a, %a), expected (%a, %a)", k->name, isa, i, c[i].x,
                  c[i].y, c[i].w, c[i].flags, c[i].P, c[i].a, l, g,
                  c[i].loss, c[i].grad);
    }
}

#define PW BCE_OPT_POS_WEIGHT
#define CL BCE_OPT_LOG_CLAMP
static const limit_case logit_limits[] = {
    /* z = +-inf: loss 0 or +inf, gradient sigma - y' */
    {INFINITY, 1, NAN, 0, 0, 0, 0, 0},
    {INFINITY, 0, NAN, 0, 0, 0, INFINITY, 1},
    {INFINITY, 0.25, NAN, 0, 0, 0, INFINITY, 0.75},
    {-INFINITY, 0, NAN, 0, 0, 0, 0, 0},
    {-INFINITY, 1, NAN, 0, 0, 0, INFINITY, -1},
    {-INFINITY, 0.25, NAN, 0, 0, 0, INFINITY, -0.25},
    /* weights scale; a zero coefficient kills an infinite term (0 inf = 0) */
    {INFINITY, 0.25, 2, 0, 0, 0, INFINITY, 1.5},
    {INFINITY, 0, 0, 0, 0, 0, 0, 0},
    {-INFINITY, 1, 0, 0, 0, 0, 0, 0},
    /* pos_weight multiplies the positive term only */
    {-INFINITY, 1, NAN, PW, 0, 0, 0, 0},
    {-INFINITY, 1, NAN, PW, 2, 0, INFINITY, -2},
    {-INFINITY, 0.5, NAN, PW, 0, 0, 0, 0},
    {INFINITY, 0.5, NAN, PW, 2, 0, INFINITY, 0.5},
    /* smoothing: y' = y (1-a) + a/2 */
    {INFINITY, 1, NAN, 0, 0, 0.5, INFINITY, 0.25},
    {-INFINITY, 0, NAN, 0, 0, 0.5, INFINITY, -0.25},
    {INFINITY, 0, NAN, 0, 0, 1, INFINITY, 0.5},
    /* huge finite logits: the softplus is z itself, sigma is 0 or 1 */
    {0x1p100, 0, NAN, 0, 0, 0, 0x1p100, 1},
    {-0x1p100, 1, NAN, 0, 0, 0, 0x1p100, -1},
    {0x1p100, 1, NAN, 0, 0, 0, 0, 0},
    {-0x1p100, 0, NAN, 0, 0, 0, 0, 0},
};

static const limit_case prob_limits[] = {
    /* p = 0 or 1: loss 0 or +inf, gradient finite or +-inf */
    {0, 0, NAN, 0, 0, 0, 0, 1},
    {-0.0, 0, NAN, 0, 0, 0, 0, 1},
    {0, 1, NAN, 0, 0, 0, INFINITY, -INFINITY},
    {0, 0.25, NAN, 0, 0, 0, INFINITY, -INFINITY},
    {1, 1, NAN, 0, 0, 0, 0, -1},
    {1, 0, NAN, 0, 0, 0, INFINITY, INFINITY},
    {1, 0.75, NAN, 0, 0, 0, INFINITY, INFINITY},
    {0.5, 0.5, NAN, 0, 0, 0, 0x1.62e42fefa39efp-1, 0},
    /* weights and pos_weight with zero coefficients */
    {0, 1, 0, 0, 0, 0, 0, 0},
    {1, 0, 0, 0, 0, 0, 0, 0},
    {0, 0, 2, 0, 0, 0, 0, 2},
    {0, 1, NAN, PW, 0, 0, 0, 0},
    {1, 1, NAN, PW, 3, 0, 0, -3},
    /* PyTorch's clamp: each log >= -100, a clamped term has derivative 0 */
    {0, 1, NAN, CL, 0, 0, 100, 0},
    {0, 0, NAN, CL, 0, 0, 0, 1},
    {0, 0.5, NAN, CL, 0, 0, 50, 0.5},
    {1, 0, NAN, CL, 0, 0, 100, 0},
    {1, 1, NAN, CL, 0, 0, 0, -1},
    {1, 0.5, NAN, CL, 0, 0, 50, -0.5},
    {0, 1, 2, CL, 0, 0, 200, 0},
    {0, 1, NAN, CL | PW, 3, 0, 300, 0},
    {0x1p-149, 1, NAN, CL, 0, 0, 100, 0}, /* log p < -100: clamped */
};

Test(semantics, exact_limits)
{
    const char *isas[TEST_MAX_ISA];
    size_t ni = available_isas(isas);
    for (size_t j = 0; j < ni; j++) {
        use_isa(isas[j]);
        FOR_EACH_KIND(k) {
            if (k->form == BCEV_LOGITS) {
                check_limits(k, logit_limits,
                             sizeof logit_limits / sizeof logit_limits[0],
                             isas[j]);
            } else {
                limit_case c[sizeof prob_limits / sizeof prob_limits[0]];
                memcpy(c, prob_limits, sizeof c);
                if (k->type == BCEV_F32)
                    c[7].loss = 0x1.62e43p-1;
                check_limits(k, c, sizeof c / sizeof c[0], isas[j]);
            }
        }
    }
}

Test(semantics, zeros_and_subnormals)
{
    const char *isas[TEST_MAX_ISA];
    size_t ni = available_isas(isas);
    double x[256], y[256];
    for (size_t j = 0; j < ni; j++) {
        use_isa(isas[j]);
        FOR_EACH_KIND(k) {
            int f32 = k->type == BCEV_F32;
            double sub_min = f32 ? 0x1p-149 : 0x1p-1074;
            double sub_max = f32 ? 0x1.fffffcp-127 : 0x1.ffffffffffffep-1023;
            double nrm_min = f32 ? 0x1p-126 : 0x1p-1022;
            double below1 = f32 ? 0x1.fffffep-1 : 0x1.fffffffffffffp-1;
            const double lx[] = {0, -0.0, sub_min, -sub_min, sub_max, -sub_max,
                                 nrm_min, -nrm_min, 0x1p-60, -0x1p-60};
            const double px[] = {0, -0.0, sub_min, sub_max, nrm_min, 0x1p-60,
                                 0.5, below1, 2 * below1 - 1, 1};
            const double ys[] = {0, 1, 0.5, to_type(k, 0.3), sub_min,
                                 below1};
            const double *xs = k->form == BCEV_LOGITS ? lx : px;
            size_t n = 0;
            for (size_t a = 0; a < 10; a++)
                for (size_t b = 0; b < 6; b++) {
                    x[n] = xs[a];
                    y[n++] = ys[b];
                }
            check_ref(k, n, x, y, NULL, NULL, "zeros/subnormals");
        }
    }
}

/* ====================================================================== */
/* every option against the reference                                     */
/* ====================================================================== */

typedef struct config {
    const char *name;
    int soft, weighted;
    bce_options o;
} config;

static const config configs[] = {
    {"hard labels", 0, 0, {0}},
    {"soft labels", 1, 0, {0}},
    {"weights", 1, 1, {0}},
    {"pos_weight 3.5", 1, 0, {.flags = PW, .pos_weight = 3.5}},
    {"pos_weight 0", 0, 0, {.flags = PW, .pos_weight = 0}},
    {"pos_weight 1", 1, 0, {.flags = PW, .pos_weight = 1}},
    {"smoothing 0.1", 0, 0, {.label_smoothing = 0.1}},
    {"smoothing 1", 1, 0, {.label_smoothing = 1}},
    {"clamp", 1, 0, {.flags = CL}},
    {"all options", 1, 1,
     {.flags = PW | CL, .pos_weight = 0.75, .label_smoothing = 0.05}},
    {"propagate-nan flag, no NaN", 1, 0, {.flags = BCE_OPT_PROPAGATE_NAN}},
    {"SUM", 1, 1, {.reduction = BCE_REDUCTION_SUM}},
    {"MEAN", 1, 0, {.reduction = BCE_REDUCTION_MEAN}},
    {"MEAN weighted", 1, 1, {.reduction = BCE_REDUCTION_MEAN}},
    {"WEIGHTED_MEAN", 1, 1, {.reduction = BCE_REDUCTION_WEIGHTED_MEAN}},
    {"WEIGHTED_MEAN, w NULL", 1, 0,
     {.reduction = BCE_REDUCTION_WEIGHTED_MEAN}},
    {"MEAN + options", 1, 1,
     {.reduction = BCE_REDUCTION_MEAN, .flags = PW, .pos_weight = 2,
      .label_smoothing = 0.2}},
};

#define N_RANDOM 40

/* A MEAN or WEIGHTED_MEAN of logits where a huge |z| sits on its label's
 * side (y = 1, z > 0; or y = 0, z < 0; or z < 0 with pos_weight 0): that
 * term's loss is tiny or 0, so the reduction needs no scaled frame, and the
 * other tiny terms must survive.  The scan's loss bound counted such a z as
 * a loss of |z|, chose the 2^-600 frame, and the mean of {~0, 2^-904} was 0
 * (found by fuzz/fuzz_port.c on libbce itself:
 * fuzz/corpus/logits_f64/regress-port-mean-zhuge-tiny-term). */
Test(semantics, huge_logit_on_its_labels_side_keeps_tiny_terms)
{
    const char *isas[TEST_MAX_ISA];
    size_t ni = available_isas(isas);
    for (size_t j = 0; j < ni; j++) {
        use_isa(isas[j]);
        FOR_EACH_KIND(k) {
            if (k->form != BCEV_LOGITS) continue;
            const int f32 = k->type == BCEV_F32;
            const double huge = f32 ? 0x1.4cccccp+127 : 0x1.4cccccccccccdp+1000;
            const double far = f32 ? 95.0 : 626.0;   /* loss e^-far: tiny, normal */
            const double x[] = { huge, far, -huge, -far, 0.25 * huge, far };
            const double y[] = { 1, 1, 0, 0, 1, 1 };
            const double w[] = { 1, 2, 0x1p-3, 1, 0x1p20, 0x1p-20 };
            for (int red = BCE_REDUCTION_MEAN; red <= BCE_REDUCTION_WEIGHTED_MEAN; red++) {
                bce_options o = { .reduction = (bce_reduction)red };
                cr_expect_eq(check_ref(k, 6, x, y, red == BCE_REDUCTION_MEAN ? NULL : w,
                                       &o, "huge z on its label's side"), 0);
                /* pos_weight 0: a huge negative z with y = 1 has loss 0 */
                bce_options p0 = { .reduction = (bce_reduction)red,
                                   .flags = BCE_OPT_POS_WEIGHT, .pos_weight = 0.0 };
                const double y1[] = { 1, 0 }, x1[] = { -huge, -far };
                cr_expect_eq(check_ref(k, 2, x1, y1, red == BCE_REDUCTION_MEAN ? NULL : w,
                                       &p0, "huge -z, pos_weight 0"), 0);
            }
        }
    }
}

Test(semantics, options_against_reference)
{
    const char *isas[TEST_MAX_ISA];
    size_t ni = available_isas(isas);
    double x[N_RANDOM], y[N_RANDOM], w[N_RANDOM];
    int bad = 0;
    for (size_t j = 0; j < ni; j++) {
        use_isa(isas[j]);
        FOR_EACH_KIND(k) {
            for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
                const config *cf = &configs[c];
                bce_options o = cf->o;
                if (k->form == BCEV_LOGITS)
                    o.flags &= ~(unsigned)CL;
                uint64_t seed = 0x5eed0000u + 97 * c + 13 * (size_t)(k - kinds);
                for (size_t i = 0; i < N_RANDOM; i++) {
                    x[i] = gen_x(k, &seed);
                    y[i] = gen_label(k, &seed, cf->soft);
                    w[i] = gen_weight(&seed);
                }
                if (cf->weighted)
                    w[0] = 1; /* sum w > 0 */
                char what[96];
                snprintf(what, sizeof what, "%s [%s]", cf->name, isas[j]);
                bad += check_ref(k, N_RANDOM, x, y, cf->weighted ? w : NULL,
                                 &o, what);
            }
        }
    }
    cr_assert_eq(bad, 0, "%d outputs outside their bounds", bad);
}

/* Soft labels next to sigma(z): the gradient sigma(z) - y cancels; the
 * hardest case of the soft-label gradient. */
Test(semantics, soft_label_cancellation)
{
    const char *isas[TEST_MAX_ISA];
    size_t ni = available_isas(isas);
    enum { N = 48 };
    double z[N], y[N];
    mpfr_t t;
    mpfr_init2(t, 256);
    int bad = 0;
    for (size_t j = 0; j < ni; j++) {
        use_isa(isas[j]);
        FOR_EACH_KIND(k) {
            if (k->form != BCEV_LOGITS)
                continue;
            uint64_t seed = 0xca5ce11u;
            for (size_t i = 0; i < N; i++) {
                double lim = k->type == BCEV_F32 ? 16 : 36;
                z[i] = to_type(k, rng_range(&seed, -lim, lim));
                mpfr_set_d(t, -z[i], MPFR_RNDN);
                mpfr_exp(t, t, MPFR_RNDN);
                mpfr_add_ui(t, t, 1, MPFR_RNDN);
                mpfr_ui_div(t, 1, t, MPFR_RNDN); /* sigma(z) */
                double s = k->type == BCEV_F32 ? (double)mpfr_get_flt(t, MPFR_RNDN)
                                               : mpfr_get_d(t, MPFR_RNDN);
                /* y = RN(sigma(z)) or one of its neighbours */
                int d = (int)(i % 3) - 1;
                y[i] = d == 0 ? s
                       : k->type == BCEV_F32
                           ? (double)nextafterf((float)s, d > 0 ? 2.0f : -1.0f)
                           : nextafter(s, d > 0 ? 2.0 : -1.0);
                if (y[i] > 1)
                    y[i] = 1;
            }
            bad += check_ref(k, N, z, y, NULL, NULL, "y next to sigma(z)");
        }
    }
    mpfr_clear(t);
    cr_assert_eq(bad, 0);
}

/* Smoothing a = 1 makes every label 1/2. */
Test(semantics, smoothing_one_forgets_the_label)
{
    FOR_EACH_KIND(k) {
        double x[6] = {-3, 0.25, 0.5, 2, 0.125, 0.75}, y0[6] = {0}, y1[6];
        if (k->form == BCEV_PROBS)
            x[0] = 0.0625, x[3] = 0.875;
        double l0[6], g0[6], l1[6], g1[6];
        for (int i = 0; i < 6; i++)
            y1[i] = 1;
        bce_options o = {.label_smoothing = 1};
        ASSERT_OK(k, call(k, 6, x, y0, NULL, &o, l0, g0).st);
        ASSERT_OK(k, call(k, 6, x, y1, NULL, &o, l1, g1).st);
        for (int i = 0; i < 6; i++)
            cr_expect(same_bits(l0[i], l1[i]) && same_bits(g0[i], g1[i]),
                      "%s x=%a: y=0 (%a %a) vs y=1 (%a %a)", k->name, x[i],
                      l0[i], g0[i], l1[i], g1[i]);
    }
}

/* ====================================================================== */
/* NULL opt, optional outputs, in place, NaN propagation                  */
/* ====================================================================== */

#define N_SMALL 37

static void random_inputs(const kind *k, uint64_t seed, size_t n, double *x,
                          double *y, double *w)
{
    for (size_t i = 0; i < n; i++) {
        x[i] = gen_x(k, &seed);
        y[i] = gen_label(k, &seed, 1);
        w[i] = gen_weight(&seed);
    }
    w[0] = 1;
}

static void expect_same_arrays(const double *a, const double *b, size_t n,
                               const char *kname, const char *what)
{
    for (size_t i = 0; i < n; i++)
        cr_expect(same_bits(a[i], b[i]), "%s %s [%zu]: %a vs %a", kname,
                  what, i, a[i], b[i]);
}

Test(semantics, null_opt_and_optional_outputs)
{
    double x[N_SMALL], y[N_SMALL], w[N_SMALL];
    double l1[N_SMALL], g1[N_SMALL], l2[N_SMALL], g2[N_SMALL];
    bce_options zero = {0};
    FOR_EACH_KIND(k) {
        random_inputs(k, 77, N_SMALL, x, y, w);
        ASSERT_OK(k, call(k, N_SMALL, x, y, NULL, NULL, l1, g1).st);
        ASSERT_OK(k, call(k, N_SMALL, x, y, NULL, &zero, l2, g2).st);
        expect_same_arrays(l1, l2, N_SMALL, k->name, "NULL opt loss");
        expect_same_arrays(g1, g2, N_SMALL, k->name, "NULL opt grad");
        for (size_t r = 0; r < 4; r++) {
            bce_options o = {.reduction = all_reductions[r]};
            size_t nl = r ? 1 : N_SMALL;
            ASSERT_OK(k, call(k, N_SMALL, x, y, w, &o, l1, g1).st);
            ASSERT_OK(k, call(k, N_SMALL, x, y, w, &o, NULL, g2).st);
            expect_same_arrays(g1, g2, N_SMALL, k->name, "grad without loss");
            ASSERT_OK(k, call(k, N_SMALL, x, y, w, &o, l2, NULL).st);
            expect_same_arrays(l1, l2, nl, k->name, "loss without grad");
        }
    }
}

/* dz == z (dp == p) is allowed: same results as separate buffers. */
Test(semantics, gradient_in_place)
{
    const char *isas[TEST_MAX_ISA];
    size_t ni = available_isas(isas);
    double x[N_SMALL], y[N_SMALL], w[N_SMALL], l1[N_SMALL], g1[N_SMALL];
    for (size_t j = 0; j < ni; j++) {
        use_isa(isas[j]);
        FOR_EACH_KIND(k) {
            random_inputs(k, 78, N_SMALL, x, y, w);
            for (size_t r = 0; r < 4; r++) {
                bce_options o = {.reduction = all_reductions[r]};
                size_t nl = r ? 1 : N_SMALL;
                ASSERT_OK(k, call(k, N_SMALL, x, y, w, &o, l1, g1).st);
                void *tx = typed(k, x, N_SMALL), *ty = typed(k, y, N_SMALL);
                void *tw = typed(k, w, N_SMALL);
                void *tl = sentinel_alloc(nl * esize(k));
                ASSERT_OK(k, raw_call(k, N_SMALL, tx, ty, tw, &o, tl, tx));
                for (size_t i = 0; i < N_SMALL; i++) {
                    cr_expect(same_bits(get(k, tx, i), g1[i]),
                              "%s/%s in place [%zu]: %a vs %a", k->name,
                              isas[j], i, get(k, tx, i), g1[i]);
                    if (i < nl)
                        cr_expect(same_bits(get(k, tl, i), l1[i]));
                }
                free(tx);
                free(ty);
                free(tw);
                free(tl);
            }
        }
    }
}

/* In place with leftover samples after full groups, the last 8 samples
 * cold (z = +-inf, p = 0 or 1: the per-sample code reads x[i] again when
 * it writes dz[i]): the f32 kernels' leftover group may be the last 8
 * samples again (isa/x86_avx2/loop_f32.h, ovl) only when no output is an
 * input; run in place it would read gradients the group before had
 * written.  The same results as separate buffers, n = 9 .. 40. */
Test(semantics, gradient_in_place_leftover_cold)
{
    const char *isas[TEST_MAX_ISA];
    size_t ni = available_isas(isas);
    enum { NMAX = 40 };
    double x[NMAX], y[NMAX], w[NMAX], l1[NMAX], g1[NMAX];
    long compared = 0;
    for (size_t j = 0; j < ni; j++) {
        use_isa(isas[j]);
        FOR_EACH_KIND(k) {
            for (size_t n = 9; n <= NMAX; n++) {
                random_inputs(k, 91 + n, n, x, y, w);
                for (size_t i = n - 8; i < n; i++) {
                    if (k->form == BCEV_LOGITS) x[i] = (i & 1) ? INFINITY : -INFINITY;
                    else x[i] = (i & 1) ? 1.0 : 0.0;
                    y[i] = (i & 2) ? 1.0 : 0.0;
                }
                bce_options o = { .reduction = BCE_REDUCTION_NONE };
                ASSERT_OK(k, call(k, n, x, y, NULL, &o, l1, g1).st);
                void *tx = typed(k, x, n), *ty = typed(k, y, n);
                void *tl = sentinel_alloc(n * esize(k));
                ASSERT_OK(k, raw_call(k, n, tx, ty, NULL, &o, tl, tx));
                for (size_t i = 0; i < n; i++) {
                    cr_expect(same_bits(get(k, tx, i), g1[i]),
                              "%s/%s in place, n %zu [%zu]: %a vs %a", k->name,
                              isas[j], n, i, get(k, tx, i), g1[i]);
                    cr_expect(same_bits(get(k, tl, i), l1[i]),
                              "%s/%s in place, n %zu, loss [%zu]: %a vs %a", k->name,
                              isas[j], n, i, get(k, tl, i), l1[i]);
                    compared++;
                }
                free(tx);
                free(ty);
                free(tl);
            }
        }
    }
    cr_assert_eq(bce_set_isa("auto"), BCE_OK);
    cr_expect(compared > 1000);
}

Test(semantics, nan_propagation)
{
    const char *isas[TEST_MAX_ISA];
    size_t ni = available_isas(isas);
    double x[N_SMALL], y[N_SMALL], w[N_SMALL];
    double l1[N_SMALL], g1[N_SMALL], l2[N_SMALL], g2[N_SMALL];
    for (size_t j = 0; j < ni; j++) {
        use_isa(isas[j]);
        FOR_EACH_KIND(k) {
            random_inputs(k, 79, N_SMALL, x, y, w);
            for (size_t r = 0; r < 4; r++) {
                bce_options o = {.reduction = all_reductions[r],
                                 .flags = BCE_OPT_PROPAGATE_NAN};
                ASSERT_OK(k, call(k, N_SMALL, x, y, w, &o, l1, g1).st);
                double xn[N_SMALL];
                memcpy(xn, x, sizeof xn);
                xn[3] = NAN;
                xn[N_SMALL - 1] = -NAN;
                ASSERT_OK(k, call(k, N_SMALL, xn, y, w, &o, l2, g2).st);
                for (size_t i = 0; i < N_SMALL; i++) {
                    int is_nan = i == 3 || i == N_SMALL - 1;
                    if (is_nan)
                        cr_expect(isnan(g2[i]), "%s grad[%zu] = %a", k->name,
                                  i, g2[i]);
                    else
                        cr_expect(same_bits(g1[i], g2[i]), "%s/%s [%zu]",
                                  k->name, isas[j], i);
                    if (r == 0 && is_nan)
                        cr_expect(isnan(l2[i]));
                    else if (r == 0)
                        cr_expect(same_bits(l1[i], l2[i]));
                }
                if (r != 0)
                    cr_expect(isnan(l2[0]), "%s reduced loss %a", k->name, l2[0]);
                /* without the flag: an error at the first NaN */
                o.flags = 0;
                expect_error(k, call(k, N_SMALL, xn, y, w, &o, l2, g2),
                             k->form == BCEV_LOGITS ? BCE_E_NAN_LOGIT
                                                    : BCE_E_NAN_PROB,
                             3, "NaN x");
            }
        }
    }
}

/* ====================================================================== */
/* results do not depend on n, position or alignment                      */
/* ====================================================================== */

#define POOL 29
#define MAX_N 67
#define MAX_OFF 4

static void make_pool(const kind *k, double *x, double *y, double *w)
{
    const double lsp[] = {INFINITY, -INFINITY, 0, -0.0, 0x1p-149, -30, 30,
                          -0x1p100};
    const double psp[] = {0, 1, 0x1p-149, 0.5, 0x1.fffffep-1, -0.0, 1e-30,
                          0.999};
    const double *sp = k->form == BCEV_LOGITS ? lsp : psp;
    uint64_t seed = 0xb0b;
    for (size_t i = 0; i < POOL; i++) {
        x[i] = i < 8 ? to_type(k, sp[i]) : gen_x(k, &seed);
        y[i] = gen_label(k, &seed, 1);
        w[i] = gen_weight(&seed);
    }
}

/* Run n pool elements (starting at rotation rot) placed at element offset
 * off of the buffers; compare with the single-sample results sl/sg and
 * check nothing outside [off, off+n) was written. */
static int run_placed(const kind *k, const bce_options *o, int weighted,
                      const double *px, const double *py, const double *pw,
                      const double *sl, const double *sg, size_t n,
                      size_t off, size_t rot, const char *isa)
{
    size_t es = esize(k), cap = MAX_N + 2 * MAX_OFF;
    unsigned char *bx = malloc(cap * es), *by = malloc(cap * es);
    unsigned char *bw = malloc(cap * es);
    unsigned char *bl = sentinel_alloc(cap * es), *bg = sentinel_alloc(cap * es);
    cr_assert(bx && by && bw);
    for (size_t j = 0; j < n; j++) {
        size_t s = (j + rot) % POOL;
        put(k, bx, off + j, px[s]);
        put(k, by, off + j, py[s]);
        put(k, bw, off + j, pw[s]);
    }
    bce_status st = raw_call(k, n, bx + off * es, by + off * es,
                             weighted ? bw + off * es : NULL, o,
                             bl + off * es, bg + off * es);
    cr_assert_eq(st, BCE_OK, "%s n=%zu: %s", k->name, n, bce_status_name(st));
    int bad = 0;
    for (size_t j = 0; j < n; j++) {
        size_t s = (j + rot) % POOL;
        double l = get(k, bl, off + j), g = get(k, bg, off + j);
        if (!same_bits(l, sl[s]) || !same_bits(g, sg[s])) {
            if (++bad <= 3)
                cr_expect(0, "%s/%s n=%zu off=%zu pos=%zu: x=%a y=%a: "
                          "(%a %a) in array, (%a %a) alone", k->name, isa, n,
                          off, j, px[s], py[s], l, g, sl[s], sg[s]);
        }
    }
    int outside = !is_sentinel(bl, off * es) || !is_sentinel(bg, off * es) ||
                  !is_sentinel(bl + (off + n) * es, (cap - off - n) * es) ||
                  !is_sentinel(bg + (off + n) * es, (cap - off - n) * es);
    cr_expect(!outside, "%s/%s n=%zu off=%zu: write outside the arrays",
              k->name, isa, n, off);
    free(bx);
    free(by);
    free(bw);
    free(bl);
    free(bg);
    return bad + outside;
}

Test(semantics, independent_of_n_position_alignment)
{
    const char *isas[TEST_MAX_ISA];
    size_t ni = available_isas(isas);
    double px[POOL], py[POOL], pw[POOL], sl[POOL], sg[POOL];
    int bad = 0;
    for (size_t j = 0; j < ni; j++) {
        use_isa(isas[j]);
        FOR_EACH_KIND(k) {
            make_pool(k, px, py, pw);
            for (int variant = 0; variant < 2; variant++) {
                bce_options o = {0};
                if (variant) {
                    o.flags = PW | (k->form == BCEV_PROBS ? CL : 0);
                    o.pos_weight = 1.5;
                    o.label_smoothing = 0.125;
                }
                for (size_t i = 0; i < POOL; i++)
                    ASSERT_OK(k, call(k, 1, px + i, py + i, variant ? pw + i : NULL,
                                      &o, sl + i, sg + i).st);
                for (size_t n = 0; n <= MAX_N; n++)
                    for (size_t off = 0; off < MAX_OFF; off++)
                        bad += run_placed(k, &o, variant, px, py, pw, sl, sg,
                                          n, off, (7 * n + off) % POOL, isas[j]);
            }
        }
    }
    cr_assert_eq(bad, 0, "%d results depend on n/position/alignment", bad);
}

/* The SUM gradient is the per-sample gradient (denominator 1). */
Test(semantics, sum_gradient_is_per_sample_gradient)
{
    const char *isas[TEST_MAX_ISA];
    size_t ni = available_isas(isas);
    double x[MAX_N], y[MAX_N], w[MAX_N], l[MAX_N], g1[MAX_N], g2[MAX_N];
    for (size_t j = 0; j < ni; j++) {
        use_isa(isas[j]);
        FOR_EACH_KIND(k) {
            random_inputs(k, 80, MAX_N, x, y, w);
            bce_options none = {0}, sum = {.reduction = BCE_REDUCTION_SUM};
            ASSERT_OK(k, call(k, MAX_N, x, y, w, &none, l, g1).st);
            ASSERT_OK(k, call(k, MAX_N, x, y, w, &sum, l, g2).st);
            expect_same_arrays(g1, g2, MAX_N, k->name, "SUM vs NONE grad");
        }
    }
}
