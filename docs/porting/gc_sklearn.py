#!/usr/bin/env python3
"""scikit-learn's LinearModelLoss (the objective LogisticRegression
minimises: sklearn.linear_model._linear_loss with the HalfBinomialLoss) for
`bce gradcheck -- python3 docs/porting/gc_sklearn.py` (docs/PORTING.md,
"Checking a gradient: bce gradcheck").  The interactive protocol as in
gc_numpy.py (hex floats read with float.fromhex).

LinearModelLoss computes sum_i s_i l(y_i, z_i) + (l2/2) |coef|^2 (the
intercept, which it stores last, not penalised); the options are mapped
onto it exactly in real arithmetic:
  mean, weighted-mean: l2_reg_strength = l2 * norm, loss and gradient / norm
  pos_weight P, smoothing a: y' = y (1 - a) + a/2, N = P y' + 1 - y',
      sample weight s N, label P y' / N  (P y' sp(-z) + (1 - y') sp(z)
      = N [(P y'/N) sp(-z) + (1 - P y'/N) sp(z)])
"""
import sys

import numpy as np
from sklearn._loss.loss import HalfBinomialLoss
from sklearn.linear_model._linear_loss import LinearModelLoss


def main():
    header = sys.stdin.readline().split()
    if header[:3] != ["#", "bce-gradcheck", "1"]:
        sys.exit("gc_sklearn.py: not a bce-gradcheck header")
    h = dict(t.split("=", 1) for t in header[3:])
    n, k = int(h["n"]), int(h["k"])
    intercept, weights = h["intercept"] == "1", h["weights"] == "1"
    l2 = float.fromhex(h["l2"])
    P = float.fromhex(h["pos_weight"])
    a = float.fromhex(h["label_smoothing"])
    rows = np.array([[float.fromhex(t) for t in sys.stdin.readline().split()]
                     for _ in range(n)]).reshape(n, 1 + k + weights)
    y, X = rows[:, 0], np.ascontiguousarray(rows[:, 1:1 + k])
    s = rows[:, 1 + k] if weights else np.ones(n)
    norm = {"sum": 1.0, "mean": float(n), "weighted-mean": s.sum()}[h["reduction"]]
    yp = y * (1 - a) + a / 2
    N = P * yp + 1 - yp
    label, sw = P * yp / N, s * N
    lml = LinearModelLoss(base_loss=HalfBinomialLoss(), fit_intercept=intercept)

    def to_sk(vec):      # protocol: intercept first; sklearn: intercept last
        return np.concatenate([vec[1:], vec[:1]]) if intercept else vec

    def from_sk(vec):
        return np.concatenate([vec[-1:], vec[:-1]]) if intercept else vec

    coef = None
    for line in sys.stdin:
        t = line.split()
        vec = np.array([float.fromhex(u) for u in t[1:]])
        if t[0] == "w":
            coef = to_sk(vec)
            loss, grad = lml.loss_gradient(coef, X, label, sample_weight=sw,
                                           l2_reg_strength=l2 * norm)
            print("loss", float(loss / norm).hex())
            print("grad", " ".join(float(g).hex() for g in from_sk(grad / norm)))
        else:
            _, hessp = lml.gradient_hessian_product(coef, X, label, sample_weight=sw,
                                                    l2_reg_strength=l2 * norm)
            hv = hessp(to_sk(vec)) / norm
            print("hv", " ".join(float(g).hex() for g in from_sk(hv)))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
