/* core/threads.h -- the fixed partition of bce_options.threads (core/threads.c). */
#ifndef BCE_THREADS_H
#define BCE_THREADS_H

#include <stddef.h>
#include <stdint.h>
#include "bce.h"

/* The number of parts (threads, the calling one included) a call of n
 * elements uses for opt->threads = req: 1 unless req > 1 and n >= 2
 * BCE_THREADS_MIN_N; at most n / BCE_THREADS_MIN_N and BCE_THREADS_MAX. */
static inline unsigned bce_par_parts(size_t n, uint64_t req)
{
    if (req <= 1 || n < 2 * (size_t)BCE_THREADS_MIN_N) return 1;
    const size_t most = n / BCE_THREADS_MIN_N;
    if (req > BCE_THREADS_MAX) req = BCE_THREADS_MAX;
    return (unsigned)(req < most ? req : most);
}

/* fn(ctx, j, begin, end) for the parts j = 0 .. parts-1 of [0, items):
 * contiguous, in order, sizes differing by at most one item, a function of
 * (items, parts) only.  Part 0 runs on the calling thread, the others on
 * threads started here and joined before return (on the calling thread
 * when one cannot be started).  Parts write disjoint memory. */
typedef void (*bce_part_fn)(void *ctx, unsigned part, size_t begin, size_t end);
void bce_par_for(size_t items, unsigned parts, bce_part_fn fn, void *ctx);

#endif
