/*
 * exhaustive_json.c -- statistics of `bce exhaustive`, their JSON writer
 * and the reader of that same layout (checkpoints, exhaustive-merge).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bce.h"
#include "exhaustive_json.h"
#include "bcev_cli.h"
#include "tool.h"

static const char *const form_names[2] = {"logits", "probs"};
static const char *const output_names[2] = {"loss", "grad"};
static const char *const kind_names[4] = {"misrounded", "status", "rejection",
                                          "nan_propagation"};
static const char *const rej_names[2] = {"nan", "range"};

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
/* statistics                                                          */

static int cmp_fail(const void *pa, const void *pb)
{
    const ex_failure *a = pa, *b = pb;
#define CMP(f) if (a->f != b->f) return a->f < b->f ? -1 : 1
    CMP(isa);
    CMP(form);
    CMP(x);
    CMP(label);
    CMP(output);
    CMP(kind);
#undef CMP
    return 0;
}

int ex_stats_init(ex_stats *s)
{
    memset(s, 0, sizeof *s);
    size_t n = bce_isa_count();
    if (n > EX_MAX_ISA) {
        fprintf(stderr, "bce exhaustive: libbce knows %zu ISAs, this tool at most %d\n", n,
                EX_MAX_ISA);
        return -1;
    }
    s->isa = calloc(n, sizeof *s->isa);
    if (!s->isa) {
        fprintf(stderr, "bce exhaustive: out of memory\n");
        return -1;
    }
    s->nisa = n;
    return 0;
}

void ex_stats_free(ex_stats *s)
{
    free(s->isa);
    s->isa = NULL;
    s->nisa = 0;
}

void ex_stats_clear(ex_stats *s)
{
    ex_isa_stats *isa = s->isa;
    size_t n = s->nisa;
    memset(s, 0, sizeof *s);
    memset(isa, 0, n * sizeof *isa);
    s->isa = isa;
    s->nisa = n;
}

void ex_stats_copy(ex_stats *into, const ex_stats *from)
{
    ex_isa_stats *isa = into->isa;
    size_t n = into->nisa;
    *into = *from;
    into->isa = isa;
    into->nisa = n;
    memset(isa, 0, n * sizeof *isa);
    memcpy(isa, from->isa, (n < from->nisa ? n : from->nisa) * sizeof *isa);
}

void ex_stats_merge(ex_stats *into, const ex_stats *from)
{
    for (size_t k = 0; k < into->nisa && k < from->nisa; k++)
        for (int f = 0; f < 2; f++)
            for (int y = 0; y < 2; y++) {
                for (int o = 0; o < 2; o++) {
                    ex_cell *a = &into->isa[k].cell[f][y][o];
                    const ex_cell *b = &from->isa[k].cell[f][y][o];
                    if (b->checked > 0 &&
                        (a->checked == 0 || b->max_ulp > a->max_ulp ||
                         (b->max_ulp == a->max_ulp && b->worst < a->worst))) {
                        a->max_ulp = b->max_ulp;
                        a->worst = b->worst;
                    }
                    a->checked += b->checked;
                    a->bad += b->bad;
                    into->isa[k].rej[f][y][o].checked += from->isa[k].rej[f][y][o].checked;
                    into->isa[k].rej[f][y][o].bad += from->isa[k].rej[f][y][o].bad;
                }
                into->isa[k].nanprop[f][y].checked += from->isa[k].nanprop[f][y].checked;
                into->isa[k].nanprop[f][y].bad += from->isa[k].nanprop[f][y].bad;
            }
    into->inputs += from->inputs;
    into->mpfr_calls += from->mpfr_calls;
    into->failures_total += from->failures_total;
    if (from->nfail > 0) {
        /* keep the first 100 of both lists, in input order */
        ex_failure all[2 * EX_MAX_FAILURES];
        int n = 0;
        for (int i = 0; i < into->nfail; i++)
            all[n++] = into->fail[i];
        for (int i = 0; i < from->nfail; i++)
            all[n++] = from->fail[i];
        qsort(all, (size_t)n, sizeof all[0], cmp_fail);
        into->nfail = n < EX_MAX_FAILURES ? n : EX_MAX_FAILURES;
        memcpy(into->fail, all, (size_t)into->nfail * sizeof all[0]);
    }
}

void ex_stats_sort_failures(ex_stats *s)
{
    qsort(s->fail, (size_t)s->nfail, sizeof s->fail[0], cmp_fail);
}

uint64_t ex_stats_outputs(const ex_stats *s)
{
    uint64_t n = 0;
    for (size_t k = 0; k < s->nisa; k++)
        for (int f = 0; f < 2; f++)
            for (int y = 0; y < 2; y++)
                for (int o = 0; o < 2; o++)
                    n += s->isa[k].cell[f][y][o].checked;
    return n;
}

uint64_t ex_stats_misrounded(const ex_stats *s)
{
    uint64_t n = 0;
    for (size_t k = 0; k < s->nisa; k++)
        for (int f = 0; f < 2; f++)
            for (int y = 0; y < 2; y++)
                for (int o = 0; o < 2; o++)
                    n += s->isa[k].cell[f][y][o].bad;
    return n;
}

uint64_t ex_stats_bad(const ex_stats *s)
{
    uint64_t n = ex_stats_misrounded(s);
    for (size_t k = 0; k < s->nisa; k++)
        for (int f = 0; f < 2; f++)
            for (int y = 0; y < 2; y++) {
                n += s->isa[k].rej[f][y][0].bad + s->isa[k].rej[f][y][1].bad;
                n += s->isa[k].nanprop[f][y].bad;
            }
    return n;
}

void ex_print_failures(FILE *out, const ex_stats *s)
{
    if (s->nfail == 0)
        return;
    fprintf(out, "failures (%" PRIu64 " in all, first %d):\n", s->failures_total, s->nfail);
    for (int i = 0; i < s->nfail; i++) {
        const ex_failure *f = &s->fail[i];
        fprintf(out, "  %s %s y=%d %s %s: x = 0x%08" PRIx32 " (%a) got %a expected %a"
                " (%.3g ulp) status %s\n",
                bce_isa_name((size_t)f->isa), form_names[f->form], f->label, output_names[f->output],
                kind_names[f->kind], f->x, (double)f_of(f->x), (double)f->got,
                (double)f->want, f->ulp, bce_status_name((bce_status)f->status));
    }
}

/* ------------------------------------------------------------------ */
/* writer                                                              */

static void list(FILE *f, const char *key, uint64_t mask, const char *(*name)(size_t),
                 size_t n)
{
    fprintf(f, "  \"%s\": \"", key);
    int first = 1;
    for (size_t i = 0; i < n; i++)
        if (mask >> i & 1) {
            fprintf(f, "%s%s", first ? "" : ",", name(i));
            first = 0;
        }
    fputs("\",\n", f);
}

static const char *form_name(size_t i) { return form_names[i]; }
static const char *label_name(size_t i) { return i ? "1" : "0"; }

static void num(FILE *f, double v) { bcev_json_num(f, v); }   /* "inf": was null */

void ex_json_write(FILE *f, const ex_summary *s)
{
    const ex_stats *st = &s->stats;
    bcev_json_header(f, "exhaustive", EX_JSON_FORMAT);
    list(f, "forms", s->cfg.forms, form_name, 2);
    list(f, "labels", s->cfg.labels, label_name, 2);
    list(f, "isas", s->cfg.isas, bce_isa_name, st->nisa);
    fputs("  \"ranges\": [", f);
    for (int r = 0; r < s->nranges; r++)
        fprintf(f, "%s[%" PRIu64 ", %" PRIu64 "]", r ? ", " : "", s->ranges[r][0],
                s->ranges[r][1]);
    fputs("],\n", f);
    if (s->shard.count > 0)
        fprintf(f, "  \"shard\": {\"index\": %d, \"count\": %d, \"source\": \"%s\"},\n",
                s->shard.index, s->shard.count, s->shard.source);
    else
        fputs("  \"shard\": null,\n", f);
    fprintf(f, "  \"complete\": %s,\n", s->complete ? "true" : "false");
    if (s->complete || s->resume_isa < 0 || (size_t)s->resume_isa >= st->nisa)
        fputs("  \"resume\": null,\n", f);
    else
        fprintf(f, "  \"resume\": {\"isa\": \"%s\", \"form\": \"%s\", \"next\": %" PRIu64
                "},\n", bce_isa_name((size_t)s->resume_isa), form_names[s->resume_form & 1],
                s->resume_next);
    fputs("  \"wall_seconds\": ", f);
    num(f, s->wall_seconds);
    fputs(",\n  \"cpu_seconds\": ", f);
    num(f, s->cpu_seconds);
    fputs(",\n", f);
    double maxu = 0.0;
    for (size_t k = 0; k < st->nisa; k++)
        for (int fo = 0; fo < 2; fo++)
            for (int y = 0; y < 2; y++)
                for (int o = 0; o < 2; o++)
                    if (st->isa[k].cell[fo][y][o].max_ulp > maxu)
                        maxu = st->isa[k].cell[fo][y][o].max_ulp;
    fprintf(f, "  \"inputs_checked\": %" PRIu64 ",\n", st->inputs);
    fprintf(f, "  \"outputs_checked\": %" PRIu64 ",\n", ex_stats_outputs(st));
    fprintf(f, "  \"misrounded\": %" PRIu64 ",\n", ex_stats_misrounded(st));
    fprintf(f, "  \"other_failures\": %" PRIu64 ",\n",
            ex_stats_bad(st) - ex_stats_misrounded(st));
    fputs("  \"max_ulp\": ", f);
    num(f, maxu);
    fprintf(f, ",\n  \"mpfr_calls\": %" PRIu64 ",\n", st->mpfr_calls);
    fputs("  \"cells\": [\n", f);
    int first = 1;
    for (size_t k = 0; k < st->nisa; k++)
        for (int fo = 0; fo < 2; fo++)
            for (int y = 0; y < 2; y++)
                for (int o = 0; o < 2; o++) {
                    const ex_cell *c = &st->isa[k].cell[fo][y][o];
                    if (!(s->cfg.isas >> k & 1) || !(s->cfg.forms >> fo & 1) ||
                        !(s->cfg.labels >> y & 1))
                        continue;
                    fprintf(f, "%s    {\"isa\": \"%s\", \"form\": \"%s\", \"label\": %d, "
                            "\"output\": \"%s\", \"checked\": %" PRIu64 ", \"misrounded\": %"
                            PRIu64 ", \"max_ulp\": ", first ? "" : ",\n", bce_isa_name(k),
                            form_names[fo], y, output_names[o], c->checked, c->bad);
                    num(f, c->max_ulp);
                    fprintf(f, ", \"worst_input\": \"0x%08" PRIx32 "\"}", c->worst);
                    first = 0;
                }
    fputs("\n  ],\n  \"rejections\": [\n", f);
    first = 1;
    for (size_t k = 0; k < st->nisa; k++)
        for (int fo = 0; fo < 2; fo++)
            for (int y = 0; y < 2; y++)
                for (int p = 0; p < 2; p++) {
                    const ex_rcell *c = &st->isa[k].rej[fo][y][p];
                    if (!(s->cfg.isas >> k & 1) || !(s->cfg.forms >> fo & 1) ||
                        !(s->cfg.labels >> y & 1) || (p == 1 && fo == 0))
                        continue;
                    fprintf(f, "%s    {\"isa\": \"%s\", \"form\": \"%s\", \"label\": %d, "
                            "\"input\": \"%s\", \"status\": \"%s\", \"checked\": %" PRIu64
                            ", \"failed\": %" PRIu64 "}", first ? "" : ",\n", bce_isa_name(k),
                            form_names[fo], y, rej_names[p],
                            bce_status_name(p ? BCE_E_PROB_RANGE
                                            : fo == 0 ? BCE_E_NAN_LOGIT : BCE_E_NAN_PROB),
                            c->checked, c->bad);
                    first = 0;
                }
    fputs("\n  ],\n  \"nan_propagation\": [\n", f);
    first = 1;
    for (size_t k = 0; k < st->nisa; k++)
        for (int fo = 0; fo < 2; fo++)
            for (int y = 0; y < 2; y++) {
                const ex_rcell *c = &st->isa[k].nanprop[fo][y];
                if (!(s->cfg.isas >> k & 1) || !(s->cfg.forms >> fo & 1) ||
                    !(s->cfg.labels >> y & 1))
                    continue;
                fprintf(f, "%s    {\"isa\": \"%s\", \"form\": \"%s\", \"label\": %d, "
                        "\"checked\": %" PRIu64 ", \"failed\": %" PRIu64 "}",
                        first ? "" : ",\n", bce_isa_name(k), form_names[fo], y, c->checked,
                        c->bad);
                first = 0;
            }
    fprintf(f, "\n  ],\n  \"failures_total\": %" PRIu64 ",\n", st->failures_total);
    fputs("  \"failures\": [\n", f);
    for (int i = 0; i < st->nfail; i++) {
        const ex_failure *x = &st->fail[i];
        fprintf(f, "%s    {\"isa\": \"%s\", \"form\": \"%s\", \"label\": %d, "
                "\"output\": \"%s\", \"kind\": \"%s\", \"input\": \"0x%08" PRIx32 "\", ",
                i ? ",\n" : "", bce_isa_name((size_t)x->isa), form_names[x->form], x->label,
                output_names[x->output], kind_names[x->kind], x->x);
        bcev_json_value(f, "input_value", (double)f_of(x->x), 1);
        fprintf(f, ", \"got\": \"0x%08" PRIx32 "\", ", bits_of(x->got));
        bcev_json_value(f, "got_value", (double)x->got, 1);
        fprintf(f, ", \"expected\": \"0x%08" PRIx32 "\", ", bits_of(x->want));
        bcev_json_value(f, "expected_value", (double)x->want, 1);
        fputs(", \"ulp\": ", f);
        num(f, x->ulp);
        fprintf(f, ", \"status\": \"%s\"}", bce_status_name((bce_status)x->status));
    }
    fputs("\n  ]\n}\n", f);
}

int ex_json_write_file(const char *path, const ex_summary *s)
{
    size_t n = strlen(path) + 8;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        bce_tool_io_error("exhaustive", bce_tool_esc(tmp, BCE_TOOL_ESC_NAME), "cannot open",
                          errno);
        free(tmp);
        return -1;
    }
    ex_json_write(f, s);
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        bce_tool_io_error("exhaustive", bce_tool_esc(path, BCE_TOOL_ESC_NAME), "write error",
                          errno);
        remove(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

/* ------------------------------------------------------------------ */
/* reader                                                              */

typedef struct rd {
    const char *name;
    int line;
    int err;
} rd;

static void rd_error(rd *r, const char *what)
{
    if (!r->err && r->line > 0)
        fprintf(stderr, "bce exhaustive: %s:%d: %s\n",
                bce_tool_esc(r->name, BCE_TOOL_ESC_NAME), r->line, what);
    else if (!r->err)                    /* before the first line */
        fprintf(stderr, "bce exhaustive: %s: %s\n",
                bce_tool_esc(r->name, BCE_TOOL_ESC_NAME), what);
    r->err = 1;
}

/* Pointer to the value of "key" in line, or NULL. */
static const char *jfind(const char *line, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(line, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    while (*p == ' ')
        p++;
    return p;
}

static int jstr(rd *r, const char *line, const char *key, char *buf, size_t n)
{
    const char *p = jfind(line, key);
    if (!p || *p != '"') {
        char m[96];
        snprintf(m, sizeof m, "expected a string \"%s\"", key);
        rd_error(r, m);
        return -1;
    }
    p++;
    const char *q = strchr(p, '"');
    if (!q || (size_t)(q - p) >= n) {
        rd_error(r, "unterminated or too long string");
        return -1;
    }
    memcpy(buf, p, (size_t)(q - p));
    buf[q - p] = '\0';
    return 0;
}

static uint64_t ju64(rd *r, const char *line, const char *key)
{
    const char *p = jfind(line, key);
    char *end;
    if (!p || *p < '0' || *p > '9') {
        char m[96];
        snprintf(m, sizeof m, "expected an unsigned integer \"%s\"", key);
        rd_error(r, m);
        return 0;
    }
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (errno) {
        rd_error(r, "integer out of range");
        return 0;
    }
    return v;
}

static double jnum(rd *r, const char *line, const char *key)
{
    const char *p = jfind(line, key);
    if (p && (strncmp(p, "null", 4) == 0 || strncmp(p, "\"inf\"", 5) == 0))
        return INFINITY;        /* null: format 2's spelling */
    if (p && strncmp(p, "\"nan\"", 5) == 0)
        return NAN;
    char *end;
    double v = p ? strtod(p, &end) : 0.0;
    if (!p || end == p) {
        char m[96];
        snprintf(m, sizeof m, "expected a number \"%s\"", key);
        rd_error(r, m);
        return 0.0;
    }
    return v;
}

static int lookup(rd *r, const char *v, const char *const *names, int n, const char *what)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(v, names[i]))
            return i;
    char m[256];
    snprintf(m, sizeof m, "unknown %s '%s'", what, bce_tool_esc(v, BCE_TOOL_ESC_TOKEN));
    rd_error(r, m);
    return 0;
}

/* The registry row of an ISA named in a summary. */
static int isa_lookup(rd *r, const char *v)
{
    for (size_t i = 0; i < bce_isa_count(); i++)
        if (!strcmp(v, bce_isa_name(i)))
            return (int)i;
    char m[256];
    snprintf(m, sizeof m, "ISA '%s' unknown to this libbce (it knows %s)",
             bce_tool_esc(v, BCE_TOOL_ESC_TOKEN), bce_tool_isa_list());
    rd_error(r, m);
    return 0;
}

static uint64_t jisas(rd *r, const char *line)
{
    char buf[256];
    if (jstr(r, line, "isas", buf, sizeof buf))
        return 0;
    uint64_t m = 0;
    for (char *t = strtok(buf, ","); t; t = strtok(NULL, ","))
        m |= UINT64_C(1) << isa_lookup(r, t);
    return m;
}

static unsigned jmask(rd *r, const char *line, const char *key, const char *const *names,
                      int n)
{
    char buf[128];
    if (jstr(r, line, key, buf, sizeof buf))
        return 0;
    unsigned m = 0;
    for (char *t = strtok(buf, ","); t; t = strtok(NULL, ","))
        m |= 1u << lookup(r, t, names, n, key);
    return m;
}

static uint32_t jbits(rd *r, const char *line, const char *key)
{
    char buf[32];
    if (jstr(r, line, key, buf, sizeof buf))
        return 0;
    char *end;
    unsigned long v = strtoul(buf, &end, 16);
    if (end == buf || *end || v > 0xffffffffUL)
        rd_error(r, "expected 0x followed by 8 hex digits");
    return (uint32_t)v;
}

static int jstatus(rd *r, const char *line)
{
    char buf[64];
    if (jstr(r, line, "status", buf, sizeof buf))
        return 0;
    for (int s = 0; s < BCE_STATUS_COUNT; s++)
        if (!strcmp(buf, bce_status_name((bce_status)s)))
            return s;
    rd_error(r, "unknown status name");
    return 0;
}

int ex_json_read(FILE *f, const char *name, ex_summary *s)
{
    static const char *const labels[2] = {"0", "1"};
    memset(s, 0, sizeof *s);
    if (ex_stats_init(&s->stats))
        return -1;
    rd r = {name, 0, 0};
    int format = 1, resume_null = 0;
    char line[4096];
    enum { TOP, CELLS, REJ, NAN_, FAIL } sec = TOP;
    int seen_tool = 0, seen_ranges = 0, seen_complete = 0;
    while (!r.err && (errno = 0, fgets(line, sizeof line, f))) {
        r.line++;
        if (!strchr(line, '\n') && !feof(f)) {
            rd_error(&r, "line too long");
            break;
        }
        char ib[16], fb[16], ob[16];
        if (line[strspn(line, " \t\r\n")] == '\0')
            continue;                    /* blank line */
        if (sec != TOP) {
            if (strstr(line, "]") == line + strspn(line, " ")) {
                sec = TOP;
                continue;
            }
            if (jstr(&r, line, "isa", ib, sizeof ib) || jstr(&r, line, "form", fb, sizeof fb))
                break;
            int k = isa_lookup(&r, ib);
            int fo = lookup(&r, fb, form_names, 2, "form");
            int y = (int)ju64(&r, line, "label");
            if (y > 1)
                rd_error(&r, "label must be 0 or 1");
            if (r.err)
                break;
            if (sec == CELLS) {
                if (jstr(&r, line, "output", ob, sizeof ob))
                    break;
                int o = lookup(&r, ob, output_names, 2, "output");
                ex_cell *c = &s->stats.isa[k].cell[fo][y][o];
                c->checked = ju64(&r, line, "checked");
                c->bad = ju64(&r, line, "misrounded");
                c->max_ulp = jnum(&r, line, "max_ulp");
                c->worst = jbits(&r, line, "worst_input");
            } else if (sec == REJ) {
                char pb[16];
                if (jstr(&r, line, "input", pb, sizeof pb))
                    break;
                int p = lookup(&r, pb, rej_names, 2, "input class");
                s->stats.isa[k].rej[fo][y][p].checked = ju64(&r, line, "checked");
                s->stats.isa[k].rej[fo][y][p].bad = ju64(&r, line, "failed");
            } else if (sec == NAN_) {
                s->stats.isa[k].nanprop[fo][y].checked = ju64(&r, line, "checked");
                s->stats.isa[k].nanprop[fo][y].bad = ju64(&r, line, "failed");
            } else {
                char kb[24];
                if (s->stats.nfail >= EX_MAX_FAILURES) {
                    rd_error(&r, "more than 100 failures listed");
                    break;
                }
                ex_failure *x = &s->stats.fail[s->stats.nfail++];
                if (jstr(&r, line, "output", ob, sizeof ob) ||
                    jstr(&r, line, "kind", kb, sizeof kb))
                    break;
                x->isa = k;
                x->form = fo;
                x->label = y;
                x->output = lookup(&r, ob, output_names, 2, "output");
                x->kind = (ex_kind)lookup(&r, kb, kind_names, 4, "failure kind");
                x->x = jbits(&r, line, "input");
                x->got = f_of(jbits(&r, line, "got"));
                x->want = f_of(jbits(&r, line, "expected"));
                x->ulp = jnum(&r, line, "ulp");
                x->status = jstatus(&r, line);
            }
            continue;
        }
        if (jfind(line, "cells")) {
            sec = CELLS;
        } else if (jfind(line, "rejections")) {
            sec = REJ;
        } else if (jfind(line, "nan_propagation")) {
            sec = NAN_;
        } else if (jfind(line, "failures")) {
            sec = FAIL;
        } else if (jfind(line, "tool")) {
            char t[64];
            if (jstr(&r, line, "tool", t, sizeof t) == 0 && strcmp(t, "bce exhaustive"))
                rd_error(&r, "not a `bce exhaustive` summary");
            seen_tool = 1;
            if (!r.err && jfind(line, "schema")) {     /* the header of schema 3 */
                uint64_t v = ju64(&r, line, "schema");
                if (!r.err && (v < 3 || v > EX_JSON_FORMAT)) {
                    char m[160];
                    snprintf(m, sizeof m, "summary schema %" PRIu64 " (this bce reads 1 "
                             "to %d)", v, EX_JSON_FORMAT);
                    rd_error(&r, m);
                }
                format = (int)v;
            }
        } else if (jfind(line, "forms")) {
            s->cfg.forms = jmask(&r, line, "forms", form_names, 2);
        } else if (jfind(line, "labels")) {
            s->cfg.labels = jmask(&r, line, "labels", labels, 2);
        } else if (jfind(line, "isas")) {
            s->cfg.isas = jisas(&r, line);
        } else if (jfind(line, "format")) {
            uint64_t v = ju64(&r, line, "format");
            if (!r.err && (v < 2 || v > EX_JSON_FORMAT)) {
                char m[160];
                snprintf(m, sizeof m, "summary format %" PRIu64 " (this bce reads 1 to %d)",
                         v, EX_JSON_FORMAT);
                rd_error(&r, m);
            }
            format = (int)v;
        } else if (jfind(line, "ranges")) {
            const char *p = jfind(line, "ranges");
            seen_ranges = 1;
            if (*p++ != '[') {
                rd_error(&r, "expected \"ranges\": [[A, B], ...]");
                break;
            }
            while (*p == '[') {
                unsigned long long a, b;
                int used = -1;
                if (sscanf(p, "[%llu, %llu]%n", &a, &b, &used) != 2 || used < 0 || a >= b ||
                    b > EX_ALL) {
                    rd_error(&r, "bad range (need [A, B], A < B <= 2^32)");
                    break;
                }
                if (s->nranges >= EX_MAX_RANGES) {
                    rd_error(&r, "too many ranges");
                    break;
                }
                s->ranges[s->nranges][0] = a;
                s->ranges[s->nranges][1] = b;
                s->nranges++;
                p += used;
                if (*p == ',')
                    p++;
                while (*p == ' ')
                    p++;
            }
        } else if (jfind(line, "complete")) {
            const char *p = jfind(line, "complete");
            seen_complete = 1;
            if (!strncmp(p, "true", 4))
                s->complete = 1;
            else if (strncmp(p, "false", 5))
                rd_error(&r, "\"complete\" must be true or false");
        } else if (jfind(line, "resume")) {
            if (format == 1) {
                /* an ISA number in format 1's fixed list: used only if the
                 * run is partial, refused then (below) */
            } else if (!strncmp(jfind(line, "resume"), "null", 4)) {
                resume_null = 1;
            } else {
                char rb[32], fb[16];
                if (jstr(&r, line, "isa", rb, sizeof rb) || jstr(&r, line, "form", fb, sizeof fb))
                    break;
                s->resume_isa = isa_lookup(&r, rb);
                s->resume_form = lookup(&r, fb, form_names, 2, "form");
                s->resume_next = ju64(&r, line, "next");
                if (s->resume_next > EX_ALL)
                    rd_error(&r, "resume point out of range");
            }
        } else if (jfind(line, "wall_seconds")) {
            s->wall_seconds = jnum(&r, line, "wall_seconds");
        } else if (jfind(line, "cpu_seconds")) {
            s->cpu_seconds = jnum(&r, line, "cpu_seconds");
        } else if (jfind(line, "inputs_checked")) {
            s->stats.inputs = ju64(&r, line, "inputs_checked");
        } else if (jfind(line, "mpfr_calls")) {
            s->stats.mpfr_calls = ju64(&r, line, "mpfr_calls");
        } else if (jfind(line, "failures_total")) {
            s->stats.failures_total = ju64(&r, line, "failures_total");
        }
        /* other lines: derived totals, braces */
    }
    if (!r.err && ferror(f)) {
        char m[160];
        int e = errno;                   /* set by the fgets that failed */
        snprintf(m, sizeof m, "read error: %s", e ? strerror(e) : "unknown error");
        rd_error(&r, m);
    }
    if (!r.err && (!seen_tool || !seen_ranges || !seen_complete || s->nranges == 0 ||
                   !s->cfg.forms || !s->cfg.labels || !s->cfg.isas)) {
        r.line++;
        rd_error(&r, "incomplete summary (tool, forms, labels, isas, ranges, complete)");
    }
    if (!r.err && format == 1 && !s->complete) {
        r.line = 0;
        rd_error(&r, "a partial checkpoint of summary format 1 (the resume point numbers "
                 "the ISA in a list of older bce versions): finish it with the bce that "
                 "wrote it, or remove it to start the run again");
    }
    if (!r.err && format >= 2 && !s->complete && resume_null) {
        r.line = 0;
        rd_error(&r, "a partial run without a resume point");
    }
    if (!r.err) {
        s->cfg.lo = s->ranges[0][0];
        s->cfg.hi = s->ranges[s->nranges - 1][1];
        if (s->complete) {
            s->resume_isa = (int)s->stats.nisa;
            s->resume_form = 0;
            s->resume_next = s->cfg.hi;
        }
    }
    return r.err ? -1 : 0;
}
