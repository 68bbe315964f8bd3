/*
 * shard.c -- which part of a campaign this process runs (CONVENTIONS.md,
 * "Sharding"): `--shard I/N`, or the environment of the job runner:
 *   GTEST_SHARD_INDEX / GTEST_TOTAL_SHARDS (ctest, Bazel, gtest-parallel),
 *   Slurm job arrays: SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of
 *   SLURM_ARRAY_TASK_COUNT (SLURM_ARRAY_TASK_MIN defaults to 0).
 * An explicit --shard wins over the environment; GTEST over Slurm.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static int parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0)
        return -1;
    *out = v;
    return 0;
}

static int set(bce_tool_shard *sh, long i, long n, const char *source,
               char *err, size_t errsize)
{
    if (n < 1 || n > 1000000 || i < 0 || i >= n) {
        snprintf(err, errsize, "%s: shard %ld of %ld: need 0 <= I < N", source, i, n);
        return -1;
    }
    sh->index = (int)i;
    sh->count = (int)n;
    snprintf(sh->source, sizeof sh->source, "%s", source);
    return 0;
}

int bce_tool_shard_get(const char *arg, bce_tool_shard *sh, char *err,
                       size_t errsize)
{
    sh->index = 0;
    sh->count = 0;
    sh->from_env = 0;
    sh->source[0] = '\0';
    if (arg != NULL) {
        long i, n;
        const char *slash = strchr(arg, '/');
        char buf[32];
        if (slash == NULL || (size_t)(slash - arg) >= sizeof buf) {
            snprintf(err, errsize, "--shard: expected I/N, got '%s'",
                     bce_tool_esc(arg, BCE_TOOL_ESC_TOKEN));
            return -1;
        }
        memcpy(buf, arg, (size_t)(slash - arg));
        buf[slash - arg] = '\0';
        if (parse_long(buf, &i) || parse_long(slash + 1, &n)) {
            snprintf(err, errsize, "--shard: expected I/N, got '%s'",
                     bce_tool_esc(arg, BCE_TOOL_ESC_TOKEN));
            return -1;
        }
        return set(sh, i, n, "--shard", err, errsize);
    }
    const char *gi = getenv("GTEST_SHARD_INDEX"), *gn = getenv("GTEST_TOTAL_SHARDS");
    if (gi != NULL && gn != NULL && *gi && *gn) {
        long i, n;
        if (parse_long(gi, &i) || parse_long(gn, &n)) {
            snprintf(err, errsize, "GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS: "
                     "not integers ('%s', '%s')", bce_tool_esc(gi, BCE_TOOL_ESC_TOKEN),
                     bce_tool_esc(gn, BCE_TOOL_ESC_TOKEN));
            return -1;
        }
        sh->from_env = 1;
        return set(sh, i, n, "GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS", err, errsize);
    }
    const char *si = getenv("SLURM_ARRAY_TASK_ID"), *sn = getenv("SLURM_ARRAY_TASK_COUNT");
    const char *smin = getenv("SLURM_ARRAY_TASK_MIN");
    if (si != NULL && sn != NULL && *si && *sn) {
        long i, n, m = 0;
        if (parse_long(si, &i) || parse_long(sn, &n) ||
            (smin != NULL && *smin && parse_long(smin, &m))) {
            snprintf(err, errsize, "SLURM_ARRAY_TASK_ID/_MIN/_COUNT: not integers");
            return -1;
        }
        sh->from_env = 1;
        return set(sh, i - m, n, "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT", err, errsize);
    }
    return 0;
}

void bce_tool_shard_range(const bce_tool_shard *sh, uint64_t lo, uint64_t hi,
                          uint64_t *slo, uint64_t *shi)
{
    if (sh->count <= 0) {
        *slo = lo;
        *shi = hi;
        return;
    }
    uint64_t len = hi - lo;
    /* len <= 2^32 and count <= 10^6: no overflow */
    *slo = lo + len * (uint64_t)sh->index / (uint64_t)sh->count;
    *shi = lo + len * (uint64_t)(sh->index + 1) / (uint64_t)sh->count;
}
