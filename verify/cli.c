/*
 * cli.c -- the output discipline every `bce` subcommand shares: the JSON
 * header, strings and numbers, and progress on standard error (bcev_cli.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bce.h"
#include "bcev_cli.h"

FILE *bcev_json_open(const char *cmd, const char *path)
{
    if (strcmp(path, "-") == 0)
        return stdout;
    FILE *f = fopen(path, "w");
    if (f == NULL)
        fprintf(stderr, "bce %s: %s: cannot create: %s\n", cmd, path, strerror(errno));
    return f;
}

const char *bcev_json_arg(const char *cmd, const char *opt, const char *next)
{
    if (next != NULL && (strcmp(next, "-") == 0 || (next[0] != '-' && next[0] != '\0')))
        return next;
    fprintf(stderr, "bce %s: %s needs a FILE ('-' = standard output): write '%s -' "
            "for standard output\ntry 'bce help %s'\n", cmd, opt, opt, cmd);
    return NULL;
}

int bcev_json_close(const char *cmd, const char *path, FILE *f)
{
    if (f == stdout)
        return fflush(f) == 0 && !ferror(f) ? 0 : -1;
    int bad = ferror(f) != 0;
    errno = 0;
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "bce %s: %s: write error%s%s\n", cmd, path, errno ? ": " : "",
                errno ? strerror(errno) : "");
        return -1;
    }
    return 0;
}

void bcev_json_header(FILE *f, const char *cmd, int schema)
{
    fprintf(f, "{\"tool\": \"bce %s\", \"libbce\": ", cmd);
    bcev_json_str(f, bce_version());
    fprintf(f, ", \"schema\": %d,\n", schema);
}

/* Length of a well-formed UTF-8 sequence (2 to 4 bytes) at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
    size_t len = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
               : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
    unsigned cp = s[0] & (len == 2 ? 0x1fu : len == 3 ? 0x0fu : 0x07u);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0u) != 0x80u)
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return len;
}

void bcev_json_str(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', f);
    while (*p) {
        size_t u;
        if (*p == '"' || *p == '\\') {
            fputc('\\', f);
            fputc(*p++, f);
        } else if (*p == '\n' || *p == '\r' || *p == '\t') {
            fputc('\\', f);
            fputc(*p == '\n' ? 'n' : *p == '\r' ? 'r' : 't', f);
            p++;
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(f, "\\u%04x", *p++);
        } else if (*p < 0x80) {
            fputc(*p++, f);
        } else if ((u = utf8_len(p)) != 0) {
            fwrite(p, 1, u, f);
            p += u;
        } else {
            fprintf(f, "\\u%04x", *p++);   /* a stray byte, as Latin-1 */
        }
    }
    fputc('"', f);
}

static const char *nonfinite(double v)
{
    return isnan(v) ? "nan" : v < 0 ? "-inf" : "inf";
}

const char *bcev_fmt_hex(char *buf, size_t n, double v)
{
    if (isfinite(v))
        snprintf(buf, n, "%a", v);
    else
        snprintf(buf, n, "%s", nonfinite(v));
    return buf;
}

const char *bcev_fmt_dec(char *buf, size_t n, double v, int f32)
{
    if (isfinite(v))
        snprintf(buf, n, f32 ? "%.9g" : "%.17g", v);
    else
        snprintf(buf, n, "%s", nonfinite(v));
    return buf;
}

void bcev_json_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.17g", v);
    else
        fprintf(f, "\"%s\"", nonfinite(v));
}

void bcev_json_value(FILE *f, const char *key, double v, int f32)
{
    char h[64], d[64];
    bcev_fmt_hex(h, sizeof h, v);
    bcev_fmt_dec(d, sizeof d, v, f32);
    if (isfinite(v))
        fprintf(f, "\"%s\": \"%s\", \"%s_dec\": %s", key, h, key, d);
    else
        fprintf(f, "\"%s\": \"%s\", \"%s_dec\": \"%s\"", key, h, key, d);
}

void bcev_json_values(FILE *f, int f32, int n, const char *const *keys, const double *v)
{
    for (int i = 0; i < n; i++) {
        if (i)
            fputs(", ", f);
        bcev_json_value(f, keys[i], v[i], f32);
    }
}

/* ------------------------------------------------------------------ */
/* progress                                                            */

double bcev_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void bcev_progress_start(bcev_progress *p, const char *cmd, const char *unit, int on)
{
    p->cmd = cmd;
    p->unit = unit;
    p->on = on;
    p->tty = on && isatty(2);
    p->drawn = 0;
    p->t0 = bcev_now();
    p->last = -1.0;
}

static void hms(double s, char *buf, size_t n)
{
    if (!(s >= 0) || s > 1e7) {
        snprintf(buf, n, "--:--:--");
        return;
    }
    long t = (long)(s + 0.5);
    snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

static void show(bcev_progress *p, uint64_t done, uint64_t total, double frac,
                 const char *extra, int final)
{
    double t = bcev_now(), el = t - p->t0;
    if (frac < 0)
        frac = total ? (double)done / (double)total : 1.0;
    if (frac > 1)
        frac = 1;
    char eta[32] = "";
    if (!final && frac > 0 && frac < 1 && el > 1) {
        memcpy(eta, ", ETA ", 7);
        hms(el * (1 - frac) / frac, eta + 6, sizeof eta - 6);
    }
    char line[256];
    snprintf(line, sizeof line, "%llu/%llu %s, %.1f%%, %.0f s%s%s%s%s",
             (unsigned long long)done, (unsigned long long)total, p->unit, 100 * frac, el,
             eta, extra ? " (" : "", extra ? extra : "", extra ? ")" : "");
    if (p->tty) {
        char bar[21];
        int k = (int)(frac * 20);
        for (int i = 0; i < 20; i++)
            bar[i] = i < k ? '#' : '.';
        bar[20] = '\0';
        fprintf(stderr, "\r\033[K[%s] %s%s", bar, line, final ? "\n" : "");
        p->drawn = !final;
    } else {
        fprintf(stderr, "%s: %s\n", p->cmd, line);
    }
    fflush(stderr);
    p->last = t;
}

void bcev_progress_update(bcev_progress *p, uint64_t done, uint64_t total, double frac,
                          const char *extra)
{
    if (!p->on)
        return;
    if (p->last >= 0 && bcev_now() - p->last < (p->tty ? 0.2 : BCEV_PROGRESS_PERIOD))
        return;
    show(p, done, total, frac, extra, 0);
}

void bcev_progress_end(bcev_progress *p, uint64_t done, uint64_t total, double frac,
                       const char *extra)
{
    if (!p->on)
        return;
    show(p, done, total, frac, extra, 1);
}
