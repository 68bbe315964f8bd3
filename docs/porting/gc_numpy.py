#!/usr/bin/env python3
"""A logistic regression in numpy with the textbook gradient, for
`bce gradcheck -- python3 docs/porting/gc_numpy.py` (docs/PORTING.md,
"Checking a gradient: bce gradcheck").

It speaks the interactive protocol: a header line
  # bce-gradcheck 1 type=f64 n=N k=K reduction=R intercept=0|1 l2=L
    pos_weight=P label_smoothing=A weights=0|1
then N lines "y x1 ... xk [w]" (C99 hex floats: float.fromhex), then one
request at a time: "w w_1 ... w_m" answered by "loss L" and "grad g_1 ... g_m",
"v v_1 ... v_m" answered by "hv h_1 ... h_m" (the Hessian at the last w).

The formulas are the textbook ones: z = X~ w, p = 1 / (1 + e^-z),
loss = sum_i s_i (P y' softplus(-z) + (1 - y') softplus(z)) / norm
       + (l2/2) |w_features|^2,
grad = X~^T (s (N p - P y')) / norm + l2 w_features, N = P y' + 1 - y'.

--intercept-bug: the intercept's gradient is not divided by norm (a bug
seen in hand-written SGD loops); bce gradcheck must fail it and name
"intercept".
"""
import sys

import numpy as np


def main():
    bug = "--intercept-bug" in sys.argv[1:]
    header = sys.stdin.readline().split()
    if header[:3] != ["#", "bce-gradcheck", "1"]:
        sys.exit("gc_numpy.py: not a bce-gradcheck header")
    h = dict(t.split("=", 1) for t in header[3:])
    n, k = int(h["n"]), int(h["k"])
    intercept, weights = h["intercept"] == "1", h["weights"] == "1"
    l2 = float.fromhex(h["l2"])
    P = float.fromhex(h["pos_weight"])
    a = float.fromhex(h["label_smoothing"])
    rows = np.array([[float.fromhex(t) for t in sys.stdin.readline().split()]
                     for _ in range(n)]).reshape(n, 1 + k + weights)
    y, X = rows[:, 0], rows[:, 1:1 + k]
    s = rows[:, 1 + k] if weights else np.ones(n)
    if intercept:
        X = np.hstack([np.ones((n, 1)), X])
    norm = {"sum": 1.0, "mean": float(n), "weighted-mean": s.sum()}[h["reduction"]]
    yp = y * (1 - a) + a / 2
    alpha, beta = s * P * yp, s * (1 - yp)          # L_i = alpha sp(-z) + beta sp(z)
    feat = np.ones(X.shape[1])
    if intercept:
        feat[0] = 0.0                               # no penalty on the intercept
    w = None
    for line in sys.stdin:
        t = line.split()
        vec = np.array([float.fromhex(u) for u in t[1:]])
        if t[0] == "w":
            w = vec
            z = X @ w
            p = 1.0 / (1.0 + np.exp(-z))
            loss = (alpha @ np.logaddexp(0, -z) + beta @ np.logaddexp(0, z)) / norm \
                + l2 / 2 * np.sum((feat * w) ** 2)
            r = (alpha + beta) * p - alpha
            grad = X.T @ r / norm + l2 * feat * w
            if bug and intercept:
                grad[0] = np.sum(r)                 # BUG: not divided by norm
            print("loss", float(loss).hex())
            print("grad", " ".join(float(g).hex() for g in grad))
        else:
            z = X @ w
            p = 1.0 / (1.0 + np.exp(-z))
            hv = X.T @ ((alpha + beta) * p * (1 - p) * (X @ vec)) / norm + l2 * feat * vec
            print("hv", " ".join(float(g).hex() for g in hv))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
