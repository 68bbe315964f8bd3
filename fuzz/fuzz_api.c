/*
 * fuzz_api.c -- libFuzzer target for the API surface: options (any
 * reduction value, any flag bits, pos_weight and smoothing at and beyond
 * their limits), sizes (0, the vector tails, n * sizeof overflowing
 * size_t), NULL pointers, invalid elements at any index, the status texts
 * and names of any value, bce_set_isa with any string.
 *
 * Checks: the status and error_index of every call are those of the
 * documented validation (fz_model_status); on error no output is written;
 * bce_strerror / bce_status_name never return NULL and name each status
 * once; bce_set_isa accepts exactly the documented names (and "auto"),
 * leaves the active ISA unchanged on error and reports it after success.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "fuzz_common.h"

#define CAP (FZ_NMAX + 1)
static const unsigned char SENT = 0x5A;

static double option_value(fz_reader *r)
{
    static const double v[] = {
        0.0, -0.0, 1.0, 0.5, -0x1p-1074, 0x1p-1074, -1.0, 2.0, INFINITY,
        -INFINITY, NAN, 0x1.0000000000001p+0, 0x1.fffffffffffffp-1, 1e300,
        0x1p-900, 0x1p900,
    };
    return v[fz_u8(r) % (sizeof v / sizeof v[0])];
}

/* an element: mostly valid for its array, sometimes not */
static double element(fz_reader *r, int which, int logits)
{
    uint8_t s = fz_u8(r);
    if (s < 40) return fz_invalid(r, which, logits, 0);
    if (which == 0 && logits) return fz_logit(r, 0, 0.0);
    if (which == 0) return fz_prob(r, 0);
    if (which == 1) return fz_label(r, 0, 0.5, 0);
    return fz_weight(r, 0);
}

static int untouched(const void *p, size_t bytes)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < bytes; i++)
        if (c[i] != SENT) return 0;
    return 1;
}

static void check_elementwise(fz_reader *r)
{
    const uint8_t ep = fz_u8(r), ptrs = fz_u8(r), nb = fz_u8(r), ob = fz_u8(r);
    const int logits = !(ep & 1), f32 = (ep >> 1) & 1;
    const size_t esize = f32 ? sizeof(float) : sizeof(double);

    bce_options o;
    memset(&o, 0, sizeof o);
    /* reduction: mostly 0..3, sometimes any value the enum's storage takes */
    uint8_t rb = fz_u8(r);
    o.reduction = (bce_reduction)(rb < 200 ? rb % 4 : (int)(fz_u32(r) >> (rb & 7)));
    uint8_t fb = fz_u8(r);
    o.flags = fb < 200 ? fb & BCE_OPT_ALL_FLAGS : (unsigned)fz_u32(r);
    if (ob & 1) o.pos_weight = option_value(r);
    else if (o.flags & BCE_OPT_POS_WEIGHT) o.pos_weight = fz_weight(r, 0);
    if (ob & 2) o.label_smoothing = option_value(r);
    else if (ob & 4) o.label_smoothing = fz_smoothing(r, 0);
    size_t eidx = 777;
    if (!(ob & 8)) o.error_index = &eidx;
    const bce_options *op = (ob & 16) ? NULL : &o;

    /* n: 0..9 for nb < 0xC0 (the statuses and error indices of short
     * arrays, 3 in 4), 0..67 up to 0xF7, beyond: n * esize overflows */
    size_t n = nb < 0xC0 ? nb % 10u : nb % CAP;
    if (nb >= 0xF8) /* n * esize overflows size_t */
        n = SIZE_MAX / esize + 1 + (size_t)fz_u64(r) % (SIZE_MAX - SIZE_MAX / esize);

    const int xnull = ptrs & 1, ynull = (ptrs >> 1) & 1, wnull = (ptrs >> 2) & 1;
    const int lnull = (ptrs >> 3) & 1, gnull = (ptrs >> 4) & 1;
    static double xd[CAP], yd[CAP], wd[CAP];
    static float xf[CAP], yf[CAP], wf[CAP];
    static double lossd[CAP], gradd[CAP];
    static float lossf[CAP], gradf[CAP];
    const size_t ne = n < CAP ? n : 0;
    for (size_t i = 0; i < ne; i++) {
        xd[i] = element(r, 0, logits);
        yd[i] = element(r, 1, logits);
        wd[i] = element(r, 2, logits);
        if (f32) {
            xf[i] = (float)xd[i]; yf[i] = (float)yd[i]; wf[i] = (float)wd[i];
            xd[i] = xf[i]; yd[i] = yf[i]; wd[i] = wf[i];
        }
    }
    size_t midx;
    bce_status want = fz_model_status(n, xd, yd, wnull ? NULL : wd, op, logits,
                                      xnull, ynull, esize, &midx);
    memset(lossd, SENT, sizeof lossd); memset(gradd, SENT, sizeof gradd);
    memset(lossf, SENT, sizeof lossf); memset(gradf, SENT, sizeof gradf);
    bce_status st;
    if (f32) {
        const float *x = xnull ? NULL : xf, *y = ynull ? NULL : yf, *w = wnull ? NULL : wf;
        float *l = lnull ? NULL : lossf, *g = gnull ? NULL : gradf;
        st = logits ? bce_logits_f32(n, x, y, w, op, l, g) : bce_probs_f32(n, x, y, w, op, l, g);
    } else {
        const double *x = xnull ? NULL : xd, *y = ynull ? NULL : yd, *w = wnull ? NULL : wd;
        double *l = lnull ? NULL : lossd, *g = gnull ? NULL : gradd;
        st = logits ? bce_logits_f64(n, x, y, w, op, l, g) : bce_probs_f64(n, x, y, w, op, l, g);
    }
    if (st != want)
        fz_fail("%s_%s n=%zu reduction=%d flags=%#x pw=%a a=%a: status %s, expected %s",
                logits ? "logits" : "probs", f32 ? "f32" : "f64", n, (int)o.reduction,
                o.flags, o.pos_weight, o.label_smoothing, bce_status_name(st),
                bce_status_name(want));
    if (st == BCE_OK) return;
    if (op && op->error_index && eidx != midx)
        fz_fail("%s: error_index %zu, expected %zu", bce_status_name(st), eidx, midx);
    if (!untouched(lossd, sizeof lossd) || !untouched(gradd, sizeof gradd) ||
        !untouched(lossf, sizeof lossf) || !untouched(gradf, sizeof gradf))
        fz_fail("%s: an output was written on error", bce_status_name(st));
}

static void check_status_texts(fz_reader *r)
{
    int s = (int)fz_u32(r);
    if (fz_u8(r) & 1) s %= BCE_STATUS_COUNT + 2;
    const char *t = bce_strerror((bce_status)s), *nm = bce_status_name((bce_status)s);
    if (!t || !nm || !*t || !*nm) fz_fail("status %d: NULL or empty text", s);
    if (s >= 0 && s < BCE_STATUS_COUNT) {
        if (strncmp(nm, "BCE_", 4) != 0 || !strcmp(t, "unknown status"))
            fz_fail("status %d: name %s, text %s", s, nm, t);
        for (int k = 0; k < BCE_STATUS_COUNT; k++)
            if (k != s && !strcmp(nm, bce_status_name((bce_status)k)))
                fz_fail("statuses %d and %d share the name %s", s, k, nm);
    } else if (strcmp(t, "unknown status") != 0) {
        fz_fail("status %d (not a status) has text %s", s, t);
    }
}

/* The registry: bce_isa_count() >= 1 names, "scalar" first, unique, none
 * NULL, empty or "auto", NULL past the end; and bce_isa_name(probe). */
static void check_registry(size_t probe)
{
    const size_t n = bce_isa_count();
    if (n < 1) fz_fail("bce_isa_count() = 0");
    if (!bce_isa_name(0) || strcmp(bce_isa_name(0), "scalar") != 0)
        fz_fail("bce_isa_name(0) is not \"scalar\"");
    for (size_t i = 0; i < n; i++) {
        const char *a = bce_isa_name(i);
        if (!a || !*a) fz_fail("bce_isa_name(%zu) NULL or empty", i);
        if (!strcmp(a, "auto")) fz_fail("bce_isa_name(%zu) is \"auto\"", i);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(a, bce_isa_name(j))) fz_fail("ISA %s listed twice", a);
    }
    if (bce_isa_name(n) != NULL) fz_fail("bce_isa_name(count) not NULL");
    const char *nm = bce_isa_name(probe);
    if ((probe < n) != (nm != NULL))
        fz_fail("bce_isa_name(%zu) = %s", probe, nm ? nm : "NULL");
}

/* Is name one bce_set_isa knows: a registry name or "auto"? */
static int known_isa(const char *name)
{
    if (!strcmp(name, "auto")) return 1;
    for (size_t i = 0; i < bce_isa_count(); i++)
        if (!strcmp(name, bce_isa_name(i))) return 1;
    return 0;
}

static void check_isa(fz_reader *r)
{
    char name[17];
    uint8_t len = fz_u8(r);
    /* the registry, probed at an index near its end or far past it (no
     * input bytes of its own: the corpus keeps its meaning) */
    check_registry(len < 192 ? len % (bce_isa_count() + 2) : SIZE_MAX - (len - 192u));
    if (len < 128) {
        /* a known name: the registry's, or "auto" (index count) */
        size_t k = len % (bce_isa_count() + 1);
        snprintf(name, sizeof name, "%s", k < bce_isa_count() ? bce_isa_name(k) : "auto");
    } else {
        size_t k = len % sizeof name;
        for (size_t i = 0; i + 1 < sizeof name && i < k; i++) name[i] = (char)fz_u8(r);
        name[k < sizeof name ? k : sizeof name - 1] = '\0';
    }
    const char *before = bce_active_isa();
    int isknown = known_isa(name);
    int avail = bce_isa_available(name);
    if (!isknown && avail) fz_fail("bce_isa_available(\"%s\") for an unknown name", name);
    bce_status st = bce_set_isa(name);
    bce_status want = !isknown ? BCE_E_UNKNOWN_ISA : avail ? BCE_OK : BCE_E_ISA_UNAVAILABLE;
    if (st != want)
        fz_fail("bce_set_isa(\"%s\"): %s, expected %s", name, bce_status_name(st),
                bce_status_name(want));
    const char *after = bce_active_isa();
    if (st != BCE_OK && strcmp(before, after) != 0)
        fz_fail("failed bce_set_isa(\"%s\") changed the ISA %s -> %s", name, before, after);
    if (st == BCE_OK && strcmp(name, "auto") != 0 && strcmp(name, after) != 0)
        fz_fail("bce_set_isa(\"%s\") then bce_active_isa() = %s", name, after);
    if (isknown && !strcmp(name, "auto") && !avail) fz_fail("\"auto\" not available");
    if (bce_set_isa(NULL) != BCE_E_NULL_POINTER) fz_fail("bce_set_isa(NULL)");
    if (bce_isa_available(NULL)) fz_fail("bce_isa_available(NULL)");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_reader r;
    fz_init(&r, data, size);
    if (strcmp(bce_version(), BCE_VERSION_STRING) != 0) fz_fail("bce_version");
    /* a sequence of operations until the bytes run out (at most 16):
     * elementwise calls 5 in 8, status texts 2 in 8, ISA selection 1 in 8
     * (it was 1 in 4: bce_isa_available and bce_set_isa run CPUID, 12 to
     * 26 us each on a virtual machine, the largest cost of this target) */
    for (int k = 0; k < 16 && r.left > 0; k++) {
        switch (fz_u8(&r) % 8) {
        case 0: case 1: case 2: case 3: case 4: check_elementwise(&r); break;
        case 5: case 6: check_status_texts(&r); break;
        default: check_isa(&r); break;
        }
    }
    /* back to scalar only when an operation changed the ISA */
    if (strcmp(bce_active_isa(), "scalar") != 0) bce_set_isa("scalar");
    return 0;
}
