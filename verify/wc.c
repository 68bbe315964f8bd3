/*
 * wc.c -- hard inputs from verify/wc/<form>_<type>.wc.
 * Format: one sample per line, "x y" as C99 hex floats (strtod syntax, so
 * inf and decimal also parse); '#' starts a comment (provenance); blank
 * lines ignored.  For _f32 files every value must be a binary32 number.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "bce_verify.h"

#include <sys/stat.h>

#ifndef BCEV_WC_DIR
#define BCEV_WC_DIR "verify/wc"
#endif

/* The source tree's verify/wc when it is still there (a build tree), else
 * the installed copy (meson installs verify/wc to <datadir>/libbce/wc). */
const char *bcev_wc_default_dir(void)
{
#ifdef BCEV_WC_INSTALL_DIR
    struct stat st;
    if (stat(BCEV_WC_DIR, &st) != 0 || !S_ISDIR(st.st_mode))
        return BCEV_WC_INSTALL_DIR;
#endif
    return BCEV_WC_DIR;
}

void bcev_wc_free(bcev_wc *wc)
{
    free(wc->x);
    free(wc->y);
    wc->x = wc->y = NULL;
    wc->n = 0;
}

static int push(bcev_wc *wc, size_t *cap, double x, double y)
{
    if (wc->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        double *nx = realloc(wc->x, nc * sizeof *nx);
        if (!nx)
            return -1;
        wc->x = nx;
        double *ny = realloc(wc->y, nc * sizeof *ny);
        if (!ny)
            return -1;
        wc->y = ny;
        *cap = nc;
    }
    wc->x[wc->n] = x;
    wc->y[wc->n] = y;
    wc->n++;
    return 0;
}

int bcev_wc_load(const char *dir, bcev_form form, bcev_type type, bcev_wc *wc)
{
    char path[4096];
    wc->n = 0;
    wc->x = wc->y = NULL;
    snprintf(path, sizeof path, "%s/%s_%s.wc", dir,
             form == BCEV_LOGITS ? "logits" : "probs", type == BCEV_F32 ? "f32" : "f64");
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;                  /* documented: no file, no worst cases */
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    char line[1024];
    size_t cap = 0, lineno = 0;
    int status = 0;
    while (status == 0 && (errno = 0, fgets(line, sizeof line, f))) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *p = line, *end;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '\n' || *p == '\r')
            continue;
        errno = 0;
        double x = strtod(p, &end);
        int bad = end == p;
        p = end;
        double y = strtod(p, &end);
        bad |= end == p;
        for (p = end; *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'; p++)
            ;
        bad |= *p != '\0';
        if (type == BCEV_F32 && !bad)
            bad = (double)(float)x != x && x == x ? 1 : (double)(float)y != y;
        if (bad) {
            fprintf(stderr, "%s:%zu: expected \"x y\" (hex floats%s)\n", path, lineno,
                    type == BCEV_F32 ? ", binary32 values" : "");
            status = -1;
        } else if (push(wc, &cap, x, y) != 0) {
            status = -1;
        }
    }
    if (status == 0 && ferror(f)) {
        int e = errno;                 /* set by the fgets that failed */
        fprintf(stderr, "%s: read error: %s\n", path, e ? strerror(e) : "unknown error");
        status = -1;
    }
    fclose(f);
    if (status != 0)
        bcev_wc_free(wc);
    return status;
}
