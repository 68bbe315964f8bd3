/*
 * gc.h -- internals of `bce gradcheck` (gradcheck.c: options, problems,
 * judgements, reports; gc_iut.c: the implementation under test).
 */
#ifndef BCE_TOOL_GC_H
#define BCE_TOOL_GC_H

#include <stddef.h>

#include "bce.h"
#include "bce_gradcheck.h"
#include "iut.h"

/* One problem: data (doubles; under --type f32 every value is a float),
 * options, and the names of the m coordinates (intercept first). */
typedef struct gc_problem {
    char name[64];
    bcev_type type;
    size_t n, k, m;
    const double *x, *y, *sw;   /* x: n rows of k, ldx = k; sw may be NULL */
    int intercept;
    double l2, pos_weight, smoothing;
    bce_reduction red;
    char **coord;               /* m names: "intercept", a CSV column, w_j */
} gc_problem;

enum { GC_LIB = 1, GC_PROC = 2 };

/* The IUT: a function with the --lib signature (libbce's shim when no IUT
 * is given) or a process speaking the interactive protocol. */
typedef struct gc_iut {
    int kind;
    bcev_logreg_fn_f64 f64;
    bcev_logreg_fn_f32 f32;
    char *const *cmd;
    const char *label;          /* how reports name it */
    double timeout;             /* seconds per request (and for the data) */
    /* per problem (gc_iut_begin .. gc_iut_end) */
    const gc_problem *P;
    bce_iut_proc proc;
    int running;
    float *fdata;               /* f32: x, y, sw, then 4 m scratch floats */
    char *req;                  /* a request line */
    double *lastw;              /* the last `w` sent (a `v` refers to it) */
    int have_lastw;
    size_t nreq;                /* parameter vectors sent so far */
} gc_iut;

/* Start the IUT on a problem (a process: start it, send the header and the
 * data).  Returns 0, or 2 after a message (IUT error). */
int gc_iut_begin(gc_iut *I, const gc_problem *P);
/* loss (1), grad (m) at w, each wanted or NULL; hv (m) = H(w) v when v is
 * non-NULL.  why: what the parameter vector is for (named in messages).
 * Returns 0, or 2 after a message naming the problem, the parameter vector
 * (request number and why) and the coordinate. */
int gc_iut_eval(gc_iut *I, const double *w, double *loss, double *grad,
                const double *v, double *hv, const char *why);
/* Stop it (close its input, wait for its exit).  Returns 0, or 2 after a
 * message when a process exits with a nonzero status or must be killed. */
int gc_iut_end(gc_iut *I, int quiet_kill);

const char *gc_red_name(bce_reduction r);

#endif
