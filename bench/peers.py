#!/usr/bin/env python3
"""peers.py -- libbce against the usual Python implementations, same data,
same run, single thread: BCE loss AND gradient from logits, per element.

Peers (each optional: a module that is not importable prints
"not installed" and the run goes on):
  torch     torch.nn.functional.binary_cross_entropy_with_logits(z, y,
            reduction='none') then loss.backward(ones): loss and dL/dz
            (torch.set_num_threads(1))
  sklearn   sklearn._loss.loss.HalfBinomialLoss().loss_gradient(y, z,
            loss_out=, gradient_out=, n_threads=1)
  numpy     the textbook formula, plain numpy expressions:
            L = max(z,0) - z*y + log1p(exp(-|z|)),  G = 1/(1+exp(-z)) - y
  libbce    bce_logits_f64 / bce_logits_f32 through ctypes, reduction NONE
            (options NULL), into preallocated arrays

Inputs: fixed seed, logits uniform in [-20, 20], labels {0,1} (hard) and
uniform in [0,1] (soft); float64 and float32 (the f32 arrays are the f64
ones rounded).  Figures: ns per element, median of --reps timed calls after
one warm-up call (time.perf_counter_ns); "x libbce" = peer ns / libbce ns
(how many times slower than libbce the peer is).  Each peer's gradient is
checked against libbce's (max |dG| is printed) so a wrong call shows.

OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some machines here) only
affect BLAS kernels; these are elementwise ufuncs, not BLAS, so they do not
matter for this benchmark.

Usage:
  python3 bench/peers.py [--lib build/src/libbce.so] [--n 10000000]
                         [--reps 5] [--quick] [--types f64,f32]
                         [--labels hard,soft] [--isa auto] [--json]
"""
import argparse
import ctypes
import json
import os
import platform
import statistics
import sys
import time


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def try_import(name):
    try:
        if name == "torch":
            import torch
            return torch
        if name == "sklearn":
            import sklearn
            from sklearn._loss.loss import HalfBinomialLoss  # noqa: F401
            return sklearn
        if name == "numpy":
            import numpy
            return numpy
    except Exception as e:  # ImportError, or a broken install
        log("peers.py: %s not importable: %s" % (name, e))
    return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def find_lib(path):
    cands = [path]
    if not os.path.isabs(path):
        here = os.path.dirname(os.path.abspath(__file__))
        cands.append(os.path.join(os.path.dirname(here), path))
    for c in cands:
        if os.path.exists(c):
            return os.path.abspath(c)
    return None


def load_libbce(path, isa):
    lib = ctypes.CDLL(path)
    p = ctypes.c_void_p
    for name in ("bce_logits_f64", "bce_logits_f32"):
        f = getattr(lib, name)
        f.argtypes = [ctypes.c_size_t, p, p, p, p, p, p]
        f.restype = ctypes.c_int
    lib.bce_strerror.argtypes = [ctypes.c_int]
    lib.bce_strerror.restype = ctypes.c_char_p
    lib.bce_active_isa.restype = ctypes.c_char_p
    lib.bce_version.restype = ctypes.c_char_p
    lib.bce_set_isa.argtypes = [ctypes.c_char_p]
    lib.bce_set_isa.restype = ctypes.c_int
    st = lib.bce_set_isa(isa.encode())
    if st != 0:
        raise SystemExit("peers.py: bce_set_isa(%s): %s (libbce knows: %s, auto)"
                         % (isa, lib.bce_strerror(st).decode(),
                            ", ".join(libbce_isas(lib))))
    return lib


def libbce_isas(lib):
    """The ISA names of the library's registry (bce_isa_count/bce_isa_name)."""
    lib.bce_isa_count.restype = ctypes.c_size_t
    lib.bce_isa_name.argtypes = [ctypes.c_size_t]
    lib.bce_isa_name.restype = ctypes.c_char_p
    return [lib.bce_isa_name(i).decode() for i in range(lib.bce_isa_count())]


def timed(fn, reps):
    fn()  # warm-up (page faults, caches, lazy init)
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - t0)
    return statistics.median(samples), min(samples)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lib", default="build/src/libbce.so",
                    help="path of the built libbce.so (default %(default)s)")
    ap.add_argument("--n", type=float, default=1e7,
                    help="elements (default 1e7)")
    ap.add_argument("--reps", type=int, default=None,
                    help="timed calls per case (default 5, 3 with --quick)")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--types", default="f64,f32")
    ap.add_argument("--labels", default="hard,soft")
    ap.add_argument("--isa", default="auto",
                    help="libbce ISA: auto or one of the library's "
                    "(`bce isa` lists them; default auto)")
    ap.add_argument("--json", action="store_true",
                    help="JSON on stdout instead of the table")
    a = ap.parse_args()
    n = int(a.n)
    if n < 1 or n != a.n:
        ap.error("--n must be a positive integer")
    reps = a.reps or (3 if a.quick else 5)
    types = [t for t in a.types.split(",") if t]
    labels = [t for t in a.labels.split(",") if t]
    if set(types) - {"f64", "f32"} or set(labels) - {"hard", "soft"}:
        ap.error("--types takes f64,f32; --labels takes hard,soft")

    np = try_import("numpy")
    if np is None:
        # every peer (and the data) needs numpy; libbce's arrays too
        print("numpy: not installed (python3-numpy; Debian's python3-* "
              "packages are for /usr/bin/python3); nothing to compare")
        print("torch: not installed" if try_import("torch") is None else
              "torch: present but numpy is missing")
        print("sklearn: not installed")
        return 0
    torch = try_import("torch")
    sklearn = try_import("sklearn")

    libpath = find_lib(a.lib)
    lib = None
    if libpath is None:
        log("peers.py: %s not found (build it: meson setup build && "
            "ninja -C build)" % a.lib)
    else:
        lib = load_libbce(libpath, a.isa)

    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__ if torch else None,
        "sklearn": sklearn.__version__ if sklearn else None,
        "libbce": lib.bce_version().decode() if lib else None,
        "libbce_isa": lib.bce_active_isa().decode() if lib else None,
        "libbce_path": libpath,
    }
    if torch:
        torch.set_num_threads(1)
    try:  # which SIMD targets numpy's own ufunc dispatch uses here
        from numpy.core import _multiarray_umath as mu
        versions["numpy_simd"] = " ".join(
            f for f in mu.__cpu_dispatch__ if mu.__cpu_features__.get(f))
    except Exception:
        versions["numpy_simd"] = "unknown"

    log("peers.py: n = %d, generating inputs" % n)
    rng = np.random.default_rng(20240613)
    z64 = rng.uniform(-20.0, 20.0, n)
    y64 = {"hard": rng.integers(0, 2, n).astype(np.float64),
           "soft": rng.uniform(0.0, 1.0, n)}

    results = []
    for t in types:
        dt = np.float64 if t == "f64" else np.float32
        z = np.ascontiguousarray(z64.astype(dt))
        for lab in labels:
            y = np.ascontiguousarray(y64[lab].astype(dt))
            L = np.empty(n, dt)
            G = np.empty(n, dt)
            rows = []

            # libbce first: the reference of the ratios and of max |dG|
            ref_G = None
            lib_ns = None
            if lib is not None:
                fn = lib.bce_logits_f64 if t == "f64" else lib.bce_logits_f32
                zp, yp = z.ctypes.data, y.ctypes.data
                Lp, Gp = L.ctypes.data, G.ctypes.data

                def run_lib():
                    st = fn(n, zp, yp, None, None, Lp, Gp)
                    if st != 0:
                        raise SystemExit("peers.py: libbce: %s"
                                         % lib.bce_strerror(st).decode())
                med, mn = timed(run_lib, reps)
                lib_ns = med / n
                ref_G = G.copy()
                rows.append(("libbce (%s)" % versions["libbce_isa"],
                             lib_ns, mn / n, 0.0))
            else:
                rows.append(("libbce", None, None, None))

            def maxdiff(g):
                if ref_G is None:
                    return None
                return float(np.max(np.abs(np.asarray(g, np.float64) - ref_G)))

            # PyTorch
            if torch is not None:
                zt = torch.from_numpy(z).clone().requires_grad_(True)
                yt = torch.from_numpy(y)
                ones = torch.ones(n, dtype=zt.dtype)
                F = torch.nn.functional

                def run_torch():
                    zt.grad = None
                    loss = F.binary_cross_entropy_with_logits(
                        zt, yt, reduction="none")
                    loss.backward(ones)
                    return loss
                med, mn = timed(run_torch, reps)
                rows.append(("torch %s BCEWithLogits+backward"
                             % torch.__version__, med / n, mn / n,
                             maxdiff(zt.grad.numpy())))
                del zt, yt, ones
            else:
                rows.append(("torch", None, None, None))

            # scikit-learn
            if sklearn is not None:
                from sklearn._loss.loss import HalfBinomialLoss
                hb = HalfBinomialLoss()
                Ls = np.empty(n, dt)
                Gs = np.empty(n, dt)

                def run_sk():
                    hb.loss_gradient(y_true=y, raw_prediction=z,
                                     loss_out=Ls, gradient_out=Gs,
                                     n_threads=1)
                med, mn = timed(run_sk, reps)
                rows.append(("sklearn %s HalfBinomialLoss.loss_gradient"
                             % sklearn.__version__, med / n, mn / n,
                             maxdiff(Gs)))
                del Ls, Gs
            else:
                rows.append(("sklearn", None, None, None))

            # numpy textbook
            out = {}

            def run_np():
                out["L"] = (np.maximum(z, 0) - z * y
                            + np.log1p(np.exp(-np.abs(z))))
                out["G"] = 1 / (1 + np.exp(-z)) - y
            with np.errstate(over="ignore"):
                med, mn = timed(run_np, reps)
            rows.append(("numpy %s textbook formula" % np.__version__,
                         med / n, mn / n, maxdiff(out["G"])))
            out.clear()

            for name, ns, mn, dg in rows:
                results.append({
                    "type": t, "labels": lab, "n": n, "peer": name,
                    "installed": ns is not None,
                    "ns_per_elem": ns, "min_ns_per_elem": mn,
                    "x_libbce": (ns / lib_ns) if (ns and lib_ns) else None,
                    "max_abs_dG_vs_libbce": dg,
                })
                log("peers.py: %s %s %-45s %s" % (
                    t, lab, name,
                    "not installed" if ns is None else "%.2f ns/elem" % ns))

    if a.json:
        json.dump({"program": "bench/peers.py", "cpu": cpu_model(),
                   "versions": versions, "reps": reps, "results": results},
                  sys.stdout, indent=2)
        print()
        return 0

    print("peers.py: BCE loss + gradient from logits, single thread, n = %d"
          % n)
    print("cpu:      %s" % cpu_model())
    print("libbce:   %s" % (("%s, ISA %s (%s)" % (
        versions["libbce"], versions["libbce_isa"], libpath))
        if lib else "not found at %s" % a.lib))
    print("numpy:    ufunc SIMD targets this CPU supports: %s"
          % versions["numpy_simd"])
    print("figures:  ns per element, median of %d calls after a warm-up; "
          "x libbce = peer ns / libbce ns" % reps)
    for t in types:
        for lab in labels:
            print("\n%s, %s labels" % (t, lab))
            print("  %-48s %10s %10s %12s" % ("", "ns/elem", "x libbce",
                                              "max|dG|"))
            for r in results:
                if r["type"] != t or r["labels"] != lab:
                    continue
                if not r["installed"]:
                    print("  %-48s %s" % (r["peer"], "not installed"
                                          if r["peer"] != "libbce"
                                          else "library not found"))
                    continue
                xl = "%.2f" % r["x_libbce"] if r["x_libbce"] else "-"
                dg = ("%.2g" % r["max_abs_dG_vs_libbce"]
                      if r["max_abs_dG_vs_libbce"] is not None else "-")
                if r["peer"].startswith("libbce"):
                    xl, dg = "1.00", "(ref)"
                print("  %-48s %10.2f %10s %12s" % (r["peer"],
                                                    r["ns_per_elem"], xl, dg))
    return 0


if __name__ == "__main__":
    sys.exit(main())
