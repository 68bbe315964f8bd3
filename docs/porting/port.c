/*
 * port.c -- a worked example of a port checked against libbce's golden
 * vectors (docs/PORTING.md), in C: binary cross-entropy in float32 from
 * logits or probabilities, computed in double with stable formulas and
 * rounded once to float.  Standalone: C99 and libm, no libbce.
 *
 *   cc -std=c99 -O2 port.c -o port -lm
 *   ./port data/vectors/probs_f32.csv > results.csv
 *   bce compare data/vectors/probs_f32.csv results.csv
 *
 * Reads x and y (columns 2 and 3, C99 hex floats: strtod reads them),
 * writes "x,y,loss,grad" with %a.  The form comes from the file name.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void logits(double z, double y, double *loss, double *grad)
{
    /* a term with a zero coefficient contributes nothing (0 * inf = 0) */
    *loss = (y != 0 ? y * softplus(-z) : 0) + (y != 1 ? (1 - y) * softplus(z) : 0);
    /* sigma(z) - y without cancellation for hard labels */
    *grad = (1 - y) * sigmoid(z) - y * sigmoid(-z);
}

static void probs(double p, double y, double *loss, double *grad)
{
    *loss = 0;
    *grad = 0;
    if (y != 0) {
        *loss -= y * log(p);             /* log(0) = -inf */
        *grad -= y / p;
    }
    if (y != 1) {
        *loss -= (1 - y) * log1p(-p);
        *grad += (1 - y) / (1 - p);
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
        char *p = strchr(line, ',');           /* skip the regime column */
        if (!p)
            return 2;
        char *end;
        double x = strtod(p + 1, &end);
        double y = strtod(end + 1, NULL);
        double loss, grad;
        if (is_logits)
            logits(x, y, &loss, &grad);
        else
            probs(x, y, &loss, &grad);
        printf("%a,%a,%a,%a\n", x, y, (double)(float)loss, (double)(float)grad);
    }
    fclose(f);
    return 0;
}
