/*
 * port.c -- a worked example of a port checked against libbce's golden
 * vectors (docs/PORTING.md), in C: binary cross-entropy in float32 from
 * logits or probabilities, correctly rounded.  Standalone: it does not use
 * libbce.  GCC on x86-64 (the slow path uses __float128 and libquadmath).
 *
 *   cc -std=gnu99 -O2 port.c -o port -lquadmath -lm
 *   ./port data/vectors/probs_f32.csv > results.csv
 *   bce compare data/vectors/probs_f32.csv results.csv
 *
 * Ziv's strategy: evaluate in double with stable formulas; if the error
 * interval of the double result rounds to one float, that float is the
 * answer; otherwise (about one case in a million) recompute in binary128
 * (113 bits) and round that, with the same test.  binary128 suffices here:
 * the hardest binary32 inputs (found by `bce exhaustive`) are 1.5e-16 ulp,
 * about 2^-77 relative, from a rounding boundary, far above binary128's
 * error.
 *
 * Reads x and y (columns 2 and 3, C99 hex floats: strtod reads them),
 * writes "x,y,loss,grad" with %a.  The form comes from the file name.
 */
#include <math.h>
#include <quadmath.h>
#include <stdio.h>
#include <string.h>

typedef __float128 quad;

/* Relative error bound of the double path (libm calls of a few ulps, a few
 * roundings: well under 2^-46); 2^-45 leaves room for the test's own
 * roundings.  The binary128 path: under 2^-100. */
#define ERR_D 0x1p-45
#define ERR_Q 1e-30Q

static double softplus(double t)     /* log(1 + e^t), no overflow */
{
    return t > 0 ? t + log1p(exp(-t)) : log1p(exp(t));
}

static double sigmoid(double t)      /* 1/(1 + e^-t), both tails accurate */
{
    if (t >= 0)
        return 1.0 / (1.0 + exp(-t));
    double e = exp(t);
    return e / (1.0 + e);
}

static quad softplus_q(quad t)
{
    return t > 0 ? t + log1pq(expq(-t)) : log1pq(expq(t));
}

static quad sigmoid_q(quad t)
{
    if (t >= 0)
        return 1 / (1 + expq(-t));
    quad e = expq(t);
    return e / (1 + e);
}

/* float of v if [v - err, v + err] (not containing 0) rounds to one float */
static int decide_d(double v, double err, float *out)
{
    if (!(v - err > 0 || v + err < 0))
        return 0;
    float lo = (float)(v - err), hi = (float)(v + err);
    if (lo != hi)
        return 0;
    *out = lo;
    return 1;
}

static float round_q(quad v, quad err)
{
    if (v == 0)
        return 0.0f;
    if (v - err > 0 || v + err < 0) {
        /* direct binary128 -> float conversions (correctly rounded, no
         * detour through double: that would round twice) */
        float lo = (float)(v - err), hi = (float)(v + err);
        if (lo == hi)
            return lo;
    }
    /* Undecided at 2^-100: an exact midpoint (p = 1/2, y = 2^-26 gives
     * 2 - 2^-24).  The binary128 value is then exact, and the conversion
     * rounds it ties-to-even, as IEEE rounding does. */
    return (float)v;
}

static void logits(double z, double y, float *loss, float *grad)
{
    if (isinf(z)) {   /* exact limits; a zero coefficient is no term */
        *loss = z > 0 ? (y != 1 ? INFINITY : 0.0f) : (y != 0 ? INFINITY : 0.0f);
        *grad = z > 0 ? (float)(1 - y) : (float)(-y) + 0.0f;   /* +0, not -0 */
        return;
    }
    /* L = y softplus(-z) + (1-y) softplus(z); g = (1-y) sigma(z) - y sigma(-z) */
    double a = y * softplus(-z), b = (1 - y) * softplus(z);
    double p = (1 - y) * sigmoid(z), q = y * sigmoid(-z);
    if (!decide_d(a + b, ERR_D * (a + b) + 0x1p-1070, loss)) {
        quad l = (quad)y * softplus_q(-(quad)z) + (1 - (quad)y) * softplus_q((quad)z);
        *loss = round_q(l, ERR_Q * l);
    }
    if (!decide_d(p - q, ERR_D * (p + q) + 0x1p-1070, grad)) {
        quad P = (1 - (quad)y) * sigmoid_q((quad)z), Q = (quad)y * sigmoid_q(-(quad)z);
        *grad = round_q(P - Q, ERR_Q * (P + Q));
    }
}

static void probs(double p, double y, float *loss, float *grad)
{
    if (p == 0 || p == 1) {   /* exact limits */
        int hit = p == 0 ? y != 0 : y != 1;     /* the term with log 0 is present */
        *loss = hit ? INFINITY : 0.0f;
        *grad = p == 0 ? (hit ? -INFINITY : 1.0f) : (hit ? INFINITY : -1.0f);
        return;
    }
    /* L = -y log p - (1-y) log1p(-p); g = (p - y) / (p (1 - p)) */
    double a = -y * log(p), b = -(1 - y) * log1p(-p);
    double g = (p - y) / (p * (1 - p));
    if (!decide_d(a + b, ERR_D * (a + b) + 0x1p-1070, loss)) {
        quad l = -(quad)y * logq((quad)p) - (1 - (quad)y) * log1pq(-(quad)p);
        *loss = round_q(l, ERR_Q * l);
    }
    if (g == 0) {             /* p == y exactly: the exact gradient is 0 */
        *grad = 0.0f;
    } else if (!decide_d(g, ERR_D * fabs(g), grad)) {
        quad G = ((quad)p - (quad)y) / ((quad)p * (1 - (quad)p));
        *grad = round_q(G, ERR_Q * fabsq(G));
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: port VECTORS.csv > RESULTS.csv\n");
        return 2;
    }
    const char *base = strrchr(argv[1], '/');
    int is_logits = strstr(base ? base : argv[1], "logits") != NULL;
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    char line[1024];
    if (!fgets(line, sizeof line, f))          /* header */
        return 2;
    puts("x,y,loss,grad");
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *c = strchr(line, ',');           /* skip the regime column */
        if (!c)
            return 2;
        char *end;
        double x = strtod(c + 1, &end);
        double y = strtod(end + 1, NULL);
        float loss, grad;
        if (is_logits)
            logits(x, y, &loss, &grad);
        else
            probs(x, y, &loss, &grad);
        printf("%a,%a,%a,%a\n", x, y, (double)loss, (double)grad);
    }
    fclose(f);
    return 0;
}
