#!/usr/bin/env python3
"""peers_logreg.py -- the fused logistic regression (bce_logreg_f64) against
numpy and scikit-learn on the same data, same run, single thread: loss and
gradient of the mean BCE of a linear model with intercept and an L2 term.

Peers (each optional; a missing module prints "not installed"):
  numpy    two passes, the textbook way: z = X @ w + b; p = 1/(1+exp(-z));
           loss = mean(logaddexp(0, z) - y z); r = (p - y)/n;
           grad = [sum(r), X.T @ r] (+ l2 w)
  sklearn  sklearn.linear_model._linear_loss.LinearModelLoss(
           HalfBinomialLoss(), fit_intercept=True).loss_gradient(coef, X, y,
           l2_reg_strength=l2, n_threads=1)   (scikit-learn >= 1.1; its
           coefficient vector puts the intercept last)
  libbce   bce_logreg_f64 through ctypes, default (compensated) mode and
           BCE_OPT_FAST_ACCUM
BLAS threads are pinned to 1 (OPENBLAS_NUM_THREADS etc., set before numpy
is imported).  X: n x k uniform in [-2, 2], labels {0,1}, fixed seed.
Figures: GB/s of X (n k 8 / time) and "x numpy" = numpy time / libbce time,
median of --reps calls after a warm-up; each peer's gradient is compared
with libbce's (max relative difference printed).

Usage: python3 bench/peers_logreg.py [--lib build/src/libbce.so]
         [--n 1000000] [--k 8,32,128,512] [--reps 5] [--quick] [--json]
"""
import os
for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"
import argparse  # noqa: E402
import ctypes  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Options(ctypes.Structure):
    _fields_ = [("reduction", ctypes.c_int), ("flags", ctypes.c_uint),
                ("pos_weight", ctypes.c_double),
                ("label_smoothing", ctypes.c_double),
                ("error_index", ctypes.POINTER(ctypes.c_size_t)),
                ("threads", ctypes.c_uint64),
                ("reserved", ctypes.c_uint64 * 5)]  # must be zero


class Problem(ctypes.Structure):
    _fields_ = [("n", ctypes.c_size_t), ("k", ctypes.c_size_t),
                ("x", ctypes.c_void_p), ("ldx", ctypes.c_size_t),
                ("y", ctypes.c_void_p), ("sw", ctypes.c_void_p),
                ("fit_intercept", ctypes.c_int), ("l2", ctypes.c_double)]


BCE_REDUCTION_MEAN = 2
BCE_OPT_FAST_ACCUM = 0x8


def timed(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        fn()
        ts.append(time.perf_counter_ns() - t0)
    return statistics.median(ts) * 1e-9


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lib", default="build/src/libbce.so")
    ap.add_argument("--n", type=float, default=1e6)
    ap.add_argument("--k", default="8,32,128,512")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    try:
        import numpy as np
    except ImportError:
        log("peers_logreg.py: numpy not installed (apt-get install python3-numpy)")
        return 2
    try:
        from sklearn.linear_model._linear_loss import LinearModelLoss
        from sklearn._loss.loss import HalfBinomialLoss
        import sklearn
        ver = tuple(int(t) for t in sklearn.__version__.split(".")[:2])
        sk_sums = ver < (1, 3)
        have_sk = True
    except Exception as e:  # ImportError or an older scikit-learn
        log("peers_logreg.py: scikit-learn not usable: %s" % e)
        have_sk = False
    if not os.path.exists(a.lib):
        log("peers_logreg.py: %s not found (build first, or --lib)" % a.lib)
        return 2
    lib = ctypes.CDLL(os.path.abspath(a.lib))
    lib.bce_logreg_f64.restype = ctypes.c_int
    lib.bce_logreg_f64.argtypes = [ctypes.POINTER(Problem), ctypes.c_void_p,
                                   ctypes.POINTER(Options), ctypes.c_void_p,
                                   ctypes.c_void_p, ctypes.c_void_p]
    lib.bce_active_isa.restype = ctypes.c_char_p
    n = int(1e5 if a.quick else a.n)
    reps = 3 if a.quick else a.reps
    l2 = 1e-3
    rng = np.random.default_rng(20261127)
    rows = []
    print("peers_logreg.py: n = %d, libbce isa %s, median of %d; GB/s of X, "
          "(x numpy) = numpy time / this time" % (n, lib.bce_active_isa().decode(), reps))
    print("%5s %16s %16s %22s %22s" % ("k", "numpy", "sklearn", "libbce", "libbce fast"))
    for k in [int(t) for t in a.k.split(",")]:
        log("k = %d: generating %.2f GB" % (k, n * k * 8 / 1e9))
        X = np.ascontiguousarray(rng.uniform(-2, 2, (n, k)))
        y = (rng.uniform(0, 1, n) < 0.5).astype(np.float64)
        w = rng.uniform(-0.3, 0.3, k + 1)          # [b, w1..wk]
        gb = X.nbytes / 1e9

        def run_np():
            z = X @ w[1:] + w[0]
            p = 1.0 / (1.0 + np.exp(-z))
            loss = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * (w[1:] @ w[1:])
            r = (p - y) / n
            g = np.empty(k + 1)
            g[0] = r.sum()
            g[1:] = X.T @ r + l2 * w[1:]
            return loss, g
        t_np = timed(run_np, reps)
        _, g_np = run_np()

        lib_g = np.empty(k + 1)
        lib_loss = ctypes.c_double()
        pb = Problem(n, k, X.ctypes.data, k, y.ctypes.data, None, 1, l2)
        res = {}
        for name, flags in (("libbce", 0), ("libbce fast", BCE_OPT_FAST_ACCUM)):
            o = Options(BCE_REDUCTION_MEAN, flags, 0.0, 0.0, None)

            def run_lib():
                st = lib.bce_logreg_f64(ctypes.byref(pb), w.ctypes.data, ctypes.byref(o),
                                        ctypes.byref(lib_loss), lib_g.ctypes.data, None)
                if st != 0:
                    raise RuntimeError("bce_logreg_f64 status %d" % st)
            res[name] = timed(run_lib, reps)
            run_lib()
            if name == "libbce":
                g_ref = lib_g.copy()
        t_sk = None
        d_sk = None
        if have_sk:
            lml = LinearModelLoss(base_loss=HalfBinomialLoss(), fit_intercept=True)
            coef = np.concatenate([w[1:], w[:1]])   # intercept last
            # scikit-learn < 1.3 sums the per-sample losses, >= 1.3 averages
            # them: give it the l2 strength of the same objective and scale
            # its gradient back to the mean for the comparison
            scale = n if sk_sums else 1
            def run_sk():
                return lml.loss_gradient(coef, X, y, l2_reg_strength=l2 * scale, n_threads=1)
            t_sk = timed(run_sk, reps)
            _, gs = run_sk()
            gs = np.concatenate([gs[-1:], gs[:-1]]) / scale
            d_sk = float(np.max(np.abs(gs - g_ref) / np.maximum(np.abs(g_ref), 1e-300)))
        d_np = float(np.max(np.abs(g_np - g_ref) / np.maximum(np.abs(g_ref), 1e-300)))
        row = {"k": k, "numpy_gbs": gb / t_np, "sklearn_gbs": gb / t_sk if t_sk else None,
               "libbce_gbs": gb / res["libbce"], "libbce_fast_gbs": gb / res["libbce fast"],
               "libbce_x_numpy": t_np / res["libbce"], "libbce_fast_x_numpy": t_np / res["libbce fast"],
               "numpy_max_rel_diff": d_np, "sklearn_max_rel_diff": d_sk}
        rows.append(row)
        print("%5d %16.2f %16s %13.2f (%4.2fx) %13.2f (%4.2fx)" % (
            k, row["numpy_gbs"], "%.2f" % row["sklearn_gbs"] if t_sk else "not installed",
            row["libbce_gbs"], row["libbce_x_numpy"], row["libbce_fast_gbs"],
            row["libbce_fast_x_numpy"]))
        log("  gradient max relative difference to libbce: numpy %.2g, sklearn %s"
            % (d_np, "%.2g" % d_sk if d_sk is not None else "-"))
        sys.stdout.flush()
        del X
    if a.json:
        print(json.dumps({"n": n, "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
