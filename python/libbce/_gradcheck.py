"""Gradient checking for any implementation (issue 16, the Python part).

libbce.gradcheck(loss_fn, grad_fn, w)   finite differences of the user's own
    loss (libbce-verify's bcev_gradcheck: Richardson-extrapolated central
    differences with exactly representable steps and an error estimate per
    coordinate; bcev_gradcheck_dir for random directions).
libbce.check_logreg(fn, X, y, ...)      a logistic regression's gradient (and
    Hessian-vector product) against the exact (MPFR) ones of the same
    problem, judged by libbce-verify's bcev_logreg_judge / _judge_hv: the C
    function `bce gradcheck`'s exact mode calls, so the verdicts and figures
    are the CLI's, bit for bit, for the same problem, w (and v).
"""
import ctypes
import math

import numpy as np

from . import _lib
from ._kernels import Error, make_options, _as_array

__all__ = ["gradcheck", "hvpcheck", "GradcheckResult", "check_logreg",
           "LogregCheckResult", "logreg_exact", "logreg_judge", "logreg_judge_hv"]


class _GcOptions(ctypes.Structure):
    _fields_ = [("atol", ctypes.c_double), ("atol_vec", ctypes.POINTER(ctypes.c_double)),
                ("rtol", ctypes.c_double), ("step", ctypes.c_double),
                ("typ", ctypes.c_double), ("levels", ctypes.c_int),
                ("f_rel_err", ctypes.c_double), ("f_abs_err", ctypes.c_double),
                ("ndirs", ctypes.c_size_t), ("seed", ctypes.c_uint64),
                ("prec", ctypes.c_long), ("step_log2", ctypes.c_int)]


class _GcReport(ctypes.Structure):
    _fields_ = [("count", ctypes.c_size_t), ("worst", ctypes.c_size_t),
                ("claimed", ctypes.c_double), ("fd", ctypes.c_double),
                ("abs_err", ctypes.c_double), ("rel_err", ctypes.c_double),
                ("fd_err", ctypes.c_double), ("tol", ctypes.c_double),
                ("ratio", ctypes.c_double), ("max_abs_err", ctypes.c_double),
                ("max_rel_err", ctypes.c_double), ("max_fd_err", ctypes.c_double),
                ("n_fail", ctypes.c_size_t), ("n_evals", ctypes.c_size_t),
                ("pass", ctypes.c_int)]


_OBJ = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.POINTER(ctypes.c_double), ctypes.c_void_p)
_VEC = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_double),
                        ctypes.POINTER(ctypes.c_double), ctypes.c_void_p)
_declared = False


def _v():
    global _declared
    v = _lib.verify()
    if not _declared:
        v.bcev_gc_defaults.restype = None
        v.bcev_gc_defaults.argtypes = [ctypes.POINTER(_GcOptions)]
        dp = ctypes.POINTER(ctypes.c_double)
        v.bcev_gradcheck.restype = ctypes.c_int
        v.bcev_gradcheck.argtypes = [ctypes.c_size_t, _OBJ, ctypes.c_void_p, dp, dp,
                                     ctypes.POINTER(_GcOptions), ctypes.POINTER(_GcReport),
                                     dp, dp]
        v.bcev_gradcheck_dir.restype = ctypes.c_int
        v.bcev_gradcheck_dir.argtypes = [ctypes.c_size_t, _OBJ, ctypes.c_void_p, dp, dp,
                                         ctypes.POINTER(_GcOptions),
                                         ctypes.POINTER(_GcReport)]
        v.bcev_jvpcheck.restype = ctypes.c_int
        v.bcev_jvpcheck.argtypes = [ctypes.c_size_t, ctypes.c_size_t, _VEC, ctypes.c_void_p,
                                    dp, dp, dp, ctypes.POINTER(_GcOptions),
                                    ctypes.POINTER(_GcReport), dp, dp]
        v.bcev_ulp_error_d.restype = ctypes.c_double
        v.bcev_ulp_error_d.argtypes = [ctypes.c_int, ctypes.c_double, ctypes.c_double]
        _declared = True
    return v


def _names(m, names, intercept=False):
    if names is not None:
        names = list(names)
        if len(names) != m:
            raise ValueError("libbce: %d names for %d coordinates" % (len(names), m))
        return names
    if intercept:
        return ["intercept"] + ["x%d" % (j + 1) for j in range(m - 1)]
    return ["w[%d]" % j for j in range(m)]


def _vec(a, what, m=None):
    a = np.ascontiguousarray(_as_array(a, what), dtype=np.float64).reshape(-1)
    if m is not None and a.size != m:
        raise ValueError("libbce: %s has %d values, %d expected" % (what, a.size, m))
    return a


class GradcheckResult:
    """The finite-difference verdict.  True when every coordinate (or
    direction) c meets |claimed_c - fd_c| <= atol + rtol |fd_c| + est_c.
    fd, fd_err (coordinate mode), claimed: arrays; worst: index of the
    largest |claimed - fd| / tol; ratio: that quotient; n_fail, n_evals."""

    def __init__(self, mode, names, rep, claimed, fd=None, fd_err=None):
        self.mode, self.names = mode, names
        self.count = rep.count
        self.worst = int(rep.worst)
        self.worst_name = names[self.worst] if mode != "dirs" else "direction %d" % self.worst
        self.claimed_worst, self.fd_worst = rep.claimed, rep.fd
        self.abs_err, self.rel_err, self.fd_err_worst = rep.abs_err, rep.rel_err, rep.fd_err
        self.tol, self.ratio = rep.tol, rep.ratio
        self.max_abs_err, self.max_rel_err = rep.max_abs_err, rep.max_rel_err
        self.n_fail, self.n_evals = int(rep.n_fail), int(rep.n_evals)
        self.ok = bool(rep.pass_) if hasattr(rep, "pass_") else bool(getattr(rep, "pass"))
        self.claimed, self.fd, self.fd_err = claimed, fd, fd_err

    def __bool__(self):
        return self.ok

    def report(self):
        return ("%s gradcheck (%s): worst %s claimed=%r fd=%r abs=%.3g rel=%.3g est=%.3g "
                "tol=%.3g ratio=%.3g n_fail=%d/%d evals=%d" %
                ("PASS" if self.ok else "FAIL", self.mode, self.worst_name, self.claimed_worst,
                 self.fd_worst, self.abs_err, self.rel_err, self.fd_err_worst, self.tol,
                 self.ratio, self.n_fail, self.count, self.n_evals))

    __str__ = report

    def __repr__(self):
        return "<GradcheckResult %s>" % self.report()

    def assert_ok(self):
        if not self.ok:
            raise AssertionError("libbce.gradcheck failed:\n" + self.report())
        return self


def gradcheck(loss_fn, grad_fn, w, *, rtol=1e-7, atol=0.0, step=2.0 ** -4, typ=1.0,
              levels=8, f_rel_err=2.0 ** -50, f_abs_err=0.0, mode="coords", ndirs=8,
              seed=1, names=None):
    """Check grad_fn(w) against finite differences of loss_fn at w (float64).

    loss_fn(w) -> a number; grad_fn(w) -> k numbers (array-likes: numpy,
    torch, jax).  mode 'coords': each coordinate, 2*levels*k evaluations;
    'dirs': ndirs random unit directions (seed), grad . u against d/dt
    loss(w + t u): cost independent of k.  f_rel_err / f_abs_err: the error of
    one evaluation of loss_fn (part of each estimate).  Defaults are
    bcev_gc_defaults' (rtol 1e-7, step 2^-4 max(|w_j|, typ), 8 levels).
    Returns a GradcheckResult; an exception in loss_fn propagates, a NaN or
    infinite loss raises ValueError naming the coordinate.
    """
    v = _v()
    w = _vec(w, "w")
    k = w.size
    if k == 0:
        raise ValueError("libbce.gradcheck: w is empty")
    claimed = _vec(grad_fn(w.copy()), "grad_fn(w)", k)
    o = _GcOptions()
    v.bcev_gc_defaults(ctypes.byref(o))
    o.rtol, o.atol, o.step, o.typ, o.levels = rtol, atol, step, typ, int(levels)
    o.f_rel_err, o.f_abs_err, o.ndirs, o.seed = f_rel_err, f_abs_err, int(ndirs), int(seed)
    err = []

    def obj(p, ctx):
        try:
            x = np.ctypeslib.as_array(p, shape=(k,)).copy()
            return float(loss_fn(x))
        except BaseException as e:   # noqa: B902 -- re-raised below
            err.append(e)
            return math.nan
    cb = _OBJ(obj)
    rep = _GcReport()
    if mode == "coords":
        fd = np.empty(k)
        fd_err = np.empty(k)
        r = v.bcev_gradcheck(k, cb, None, _lib.ptr(w), _lib.ptr(claimed), ctypes.byref(o),
                             ctypes.byref(rep), _lib.ptr(fd), _lib.ptr(fd_err))
    elif mode == "dirs":
        fd = fd_err = None
        r = v.bcev_gradcheck_dir(k, cb, None, _lib.ptr(w), _lib.ptr(claimed),
                                 ctypes.byref(o), ctypes.byref(rep))
    else:
        raise ValueError("libbce.gradcheck: mode must be 'coords' or 'dirs'")
    if err:
        raise err[0]
    nm = _names(k, names)
    if r == 1:
        raise ValueError("libbce.gradcheck: loss_fn was NaN or infinite while "
                         "differentiating %s" % (nm[rep.worst] if mode == "coords" and
                                                 rep.worst < k else "a direction"))
    if r != 0:
        raise ValueError("libbce.gradcheck: bad argument (options)")
    return GradcheckResult(mode, nm, rep, claimed, fd, fd_err)


def hvpcheck(grad_fn, hvp_fn, w, v, *, rtol=1e-7, atol=0.0, step=2.0 ** -4, typ=1.0,
             levels=8, f_rel_err=2.0 ** -50, f_abs_err=0.0, names=None):
    """Check a Hessian-vector product: hvp_fn(w, v) against d/dt grad_fn(w + t v)
    at t = 0 (bcev_jvpcheck: Richardson-extrapolated central differences of
    the user's own gradient, an error estimate per component).  Returns a
    GradcheckResult over the m components (mode 'hv')."""
    vv = _v()
    w = _vec(w, "w")
    m = w.size
    v = _vec(v, "v", m)
    claimed = _vec(hvp_fn(w.copy(), v.copy()), "hvp_fn(w, v)", m)
    o = _GcOptions()
    vv.bcev_gc_defaults(ctypes.byref(o))
    o.rtol, o.atol, o.step, o.typ, o.levels = rtol, atol, step, typ, int(levels)
    o.f_rel_err, o.f_abs_err = f_rel_err, f_abs_err
    err = []

    def fun(p, out, ctx):
        try:
            x = np.ctypeslib.as_array(p, shape=(m,)).copy()
            g = _vec(grad_fn(x), "grad_fn(w)", m)
            if not np.all(np.isfinite(g)):
                return 1
            ctypes.memmove(out, g.ctypes.data, m * 8)
            return 0
        except BaseException as e:   # noqa: B902 -- re-raised below
            err.append(e)
            return 1
    cb = _VEC(fun)
    rep = _GcReport()
    fd = np.empty(m)
    fd_err = np.empty(m)
    r = vv.bcev_jvpcheck(m, m, cb, None, _lib.ptr(w), _lib.ptr(v), _lib.ptr(claimed),
                         ctypes.byref(o), ctypes.byref(rep), _lib.ptr(fd), _lib.ptr(fd_err))
    if err:
        raise err[0]
    if r == 1:
        raise ValueError("libbce.hvpcheck: grad_fn failed or was not finite along w + t v")
    if r != 0:
        raise ValueError("libbce.hvpcheck: bad argument (options)")
    return GradcheckResult("hv", _names(m, names), rep, claimed, fd, fd_err)


# ------------------------------------------------------------------------
# check_logreg: against the exact gradient of the same problem


def _reduction(reduction):
    r = _lib.REDUCTIONS.get(reduction) if isinstance(reduction, str) else None
    if r is None:
        raise ValueError("libbce: reduction must be 'sum', 'mean' or 'weighted-mean', not %r"
                         % (reduction,))
    if r == 0:
        raise ValueError("libbce: reduction 'none' is refused: a vector of losses has no "
                         "gradient to check (use 'sum': its gradient is the sum of the rows')")
    return r


def _dt(dtype):
    dt = np.dtype(dtype)
    if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ValueError("libbce: dtype must be float64 or float32, not %s" % dt)
    return dt


class _Problem:
    """One problem as libbce-verify's judge takes it: the scalars of the
    --lib signature, the data as doubles (float32 data: their exact values,
    as `bce gradcheck --type f32` passes them)."""

    def __init__(self, X, y, sample_weight, intercept, l2, pos_weight, label_smoothing,
                 reduction, dtype):
        self.dt = _dt(dtype)
        self.type = 0 if self.dt == np.float64 else 1
        self.u = 2.0 ** -53 if self.type == 0 else 2.0 ** -24
        X = np.asarray(_as_array(X, "X"))
        if X.ndim != 2:
            raise ValueError("libbce: X must be 2-D (n rows, k features)")
        self.n, self.k = X.shape
        self.m = self.k + (1 if intercept else 0)
        if self.m == 0:
            raise ValueError("libbce: no feature and no intercept: nothing to check")
        self.X = self._exact(X)
        self.y = self._exact(_vec(y, "y", self.n))
        self.sw = None if sample_weight is None else \
            self._exact(_vec(sample_weight, "sample_weight", self.n))
        self.intercept = 1 if intercept else 0
        self.l2, self.pos_weight = float(l2), float(pos_weight)
        self.label_smoothing = float(label_smoothing)
        self.reduction = reduction
        self.red = _reduction(reduction)

    def _exact(self, a):
        return np.ascontiguousarray(np.asarray(a).astype(self.dt).astype(np.float64))

    def vec(self, a, what):
        """m values, rounded to the dtype (as `bce gradcheck` reads an f32
        IUT's answers with strtof), as doubles."""
        return self._exact(_vec(a, what, self.m))

    def args(self):
        return (self.n, self.k, _lib.ptr(self.X), self.k, _lib.ptr(self.y),
                _lib.ptr(self.sw), self.intercept, self.l2, self.pos_weight,
                self.label_smoothing, self.red)

    def judge(self, w, grad):
        out = {key: np.empty(self.m) for key in ("exact", "ulps", "cond", "ratio", "sig_ratio")}
        st = _lib.verify().bcev_logreg_judge(
            *self.args(), _lib.ptr(w), _lib.ptr(grad), self.type, _lib.ptr(out["exact"]),
            _lib.ptr(out["ulps"]), _lib.ptr(out["cond"]), _lib.ptr(out["ratio"]),
            _lib.ptr(out["sig_ratio"]))
        if st != 0:
            raise Error(st, None, "check_logreg: the problem")
        return out

    def judge_hv(self, w, v, hv):
        out = {key: np.empty(self.m) for key in ("exact", "ulps", "cond", "ratio")}
        st = _lib.verify().bcev_logreg_judge_hv(
            *self.args(), _lib.ptr(w), _lib.ptr(v), _lib.ptr(hv), self.type,
            _lib.ptr(out["exact"]), _lib.ptr(out["ulps"]), _lib.ptr(out["cond"]),
            _lib.ptr(out["ratio"]))
        if st != 0:
            raise Error(st, None, "check_logreg: the problem")
        return out


def logreg_judge(X, y, w, grad, *, sample_weight=None, intercept=True, l2=0.0,
                 pos_weight=1.0, label_smoothing=0.0, reduction="mean", dtype=np.float64):
    """libbce-verify's bcev_logreg_judge on numpy arrays: a claimed gradient
    at w against the exact (MPFR) one.  Returns a dict of m-arrays: exact
    (rounded to dtype), ulps, cond (C_j = sum_i |r_i x~_ij| / norm + l2
    |w'_j|), ratio (|grad_j - exact_j| / (u C_j), the figure `bce
    gradcheck --max-cond` bounds; u = 2^-53, or 2^-24 for float32) and
    sig_ratio (the diagnostic against the terms of r_i before they cancel).
    w and grad are rounded to dtype first."""
    P = _Problem(X, y, sample_weight, intercept, l2, pos_weight, label_smoothing, reduction,
                 dtype)
    return P.judge(P.vec(w, "w"), P.vec(grad, "grad"))


def logreg_judge_hv(X, y, w, v, hv, *, sample_weight=None, intercept=True, l2=0.0,
                    pos_weight=1.0, label_smoothing=0.0, reduction="mean", dtype=np.float64):
    """bcev_logreg_judge_hv: a claimed Hessian-vector product hv = H(w) v
    against the exact one.  Returns exact, ulps, cond (hv_cond + hv_dcond +
    hv_zcond of the reference) and ratio = error / (u cond)."""
    P = _Problem(X, y, sample_weight, intercept, l2, pos_weight, label_smoothing, reduction,
                 dtype)
    return P.judge_hv(P.vec(w, "w"), P.vec(v, "v"), P.vec(hv, "hv"))


def _fmt_vec(a, most=6):
    vals = ", ".join("%.6g" % x for x in a[:most])
    return "[%s%s]" % (vals, ", ... (%d values)" % len(a) if len(a) > most else "")


class LogregCheckResult:
    """The verdicts of check_logreg.

    points: one dict per parameter vector checked:
      index, what (how w was chosen), w, loss, loss_exact, loss_ratio;
      the exact judgement (bcev_logreg_judge, as `bce gradcheck`'s exact
      mode): grad (the claimed gradient, as judged), grad_exact, ulps, cond
      (C_j), ratio (cond-ratio), sig_ratio, worst (coordinate name),
      worst_index, n_fail, exact_ok;
      fd: the finite-difference verdict (a GradcheckResult) or None;
      with hvp: v, hv, hv_exact, hv_ulps, hv_cond, hv_ratio, hv_worst,
      hv_worst_index, hv_n_fail, hv_ok, and hv_fd (hvpcheck) or None;
      ok: every verdict of the point passed.
    max_ratio / max_hv_ratio: over all points and coordinates; max_cond:
    the bound.  True when every point passed.
    """

    def __init__(self, names, max_cond, dtype):
        self.names, self.max_cond, self.dtype = names, max_cond, dtype
        self.points = []

    @property
    def ok(self):
        return all(p["ok"] for p in self.points)

    @property
    def max_ratio(self):
        return max((float(np.max(p["ratio"])) for p in self.points), default=0.0)

    @property
    def max_hv_ratio(self):
        return max((float(np.max(p["hv_ratio"])) for p in self.points if "hv_ratio" in p),
                   default=0.0)

    def __bool__(self):
        return self.ok

    def _exact_line(self, p, hv=False):
        pre = "hv_" if hv else ""
        j = p[pre + "worst_index"]
        got = p["hv" if hv else "grad"]
        line = ("  %s exact%s: worst %d (%s) claimed %.17g exact %.17g ulps %.3g cond-ratio "
                "%.3g (max %g)" % ("FAIL" if p[pre + "n_fail"] else "PASS",
                                   "-hv" if hv else "", j, self.names[j], float(got[j]),
                                   float(p[pre + "exact" if hv else "grad_exact"][j]),
                                   float(p[pre + "ulps"][j]), float(p[pre + "ratio"][j]),
                                   self.max_cond))
        if not hv:
            line += " sig-ratio %.3g" % float(p["sig_ratio"][j])
        return line + "; failed %d/%d" % (p[pre + "n_fail"], len(got))

    def report(self):
        lines = []
        for p in self.points:
            lines.append("%s parameter vector #%d (%s): w = %s" % (
                "PASS" if p["ok"] else "FAIL", p["index"], p["what"], _fmt_vec(p["w"])))
            lines.append(self._exact_line(p))
            if "hv" in p:
                lines.append(self._exact_line(p, hv=True) + ", v = %s" % _fmt_vec(p["v"]))
            for key, mode, of in (("fd", "fd", "loss"), ("hv_fd", "hvp", "gradient")):
                if p.get(key) is not None:   # "PASS fd: worst ..." as the CLI
                    lines.append("  %s %s (finite differences of fn's %s): %s" % (
                        "PASS" if p[key].ok else "FAIL", mode, of,
                        p[key].report().split(": ", 1)[1]))
            lines.append("  loss %.17g exact %.17g (%.3g u |loss|; not judged)" % (
                p["loss"], p["loss_exact"], p["loss_ratio"]))
            bad = np.nonzero(~(p["ratio"] <= self.max_cond))[0]
            for j in bad[:20]:
                lines.append("    FAIL %s: claimed %.17g exact %.17g ulps %.3g cond-ratio %.3g"
                             % (self.names[j], float(p["grad"][j]),
                                float(p["grad_exact"][j]), float(p["ulps"][j]),
                                float(p["ratio"][j])))
            if "hv" in p:
                for j in np.nonzero(~(p["hv_ratio"] <= self.max_cond))[0][:20]:
                    lines.append("    FAIL Hv %s: claimed %.17g exact %.17g ulps %.3g "
                                 "cond-ratio %.3g" % (self.names[j], float(p["hv"][j]),
                                                      float(p["hv_exact"][j]),
                                                      float(p["hv_ulps"][j]),
                                                      float(p["hv_ratio"][j])))
        tail = "%s: %d parameter vectors, max cond-ratio %.3g (max %g, u = 2^%d)" % (
            "PASS" if self.ok else "FAIL", len(self.points), self.max_ratio, self.max_cond,
            -53 if self.dtype == np.float64 else -24)
        if any("hv" in p for p in self.points):
            tail += ", max Hv cond-ratio %.3g" % self.max_hv_ratio
        lines.append(tail)
        return "\n".join(lines)

    __str__ = report

    def __repr__(self):
        return "<LogregCheckResult %s>" % self.report().splitlines()[-1]

    def assert_ok(self):
        if not self.ok:
            raise AssertionError("libbce.check_logreg failed:\n" + self.report())
        return self


def logreg_exact(X, y, w, *, sample_weight=None, intercept=True, l2=0.0, pos_weight=1.0,
                 label_smoothing=0.0, reduction="mean", dtype=np.float64):
    """The exact loss and gradient (rounded to double) of a logistic regression
    (bcev_logreg_ref_*) and the conditioning sums: dict loss, grad, grad_cond
    (sum_i |r_i x~_ij| / norm + l2 |w'_j|), grad_sig, grad_zcond."""
    dt = _dt(dtype)
    X = np.asarray(_as_array(X, "X"))
    if X.ndim != 2:
        raise ValueError("libbce: X must be 2-D (n rows, k features)")
    n, k = X.shape
    m = k + (1 if intercept else 0)
    Xd = np.ascontiguousarray(X.astype(dt).astype(np.float64))
    yd = np.ascontiguousarray(_vec(y, "y", n).astype(dt).astype(np.float64))
    sw = None if sample_weight is None else \
        np.ascontiguousarray(_vec(sample_weight, "sample_weight", n).astype(dt).astype(np.float64))
    wd = np.ascontiguousarray(_vec(w, "w", m).astype(dt).astype(np.float64))
    o = make_options(pos_weight=pos_weight, label_smoothing=label_smoothing,
                     reduction=reduction)
    out = {"loss": np.empty(1)}
    for key in ("grad", "grad_cond", "grad_sig", "grad_zcond"):
        out[key] = np.empty(m)
    st = _lib.verify().bcev_py_logreg_ref(
        0 if dt == np.float64 else 1, n, k, _lib.ptr(Xd), k, _lib.ptr(yd), _lib.ptr(sw),
        1 if intercept else 0, float(l2), ctypes.byref(o), _lib.ptr(wd),
        _lib.ptr(out["loss"]), _lib.ptr(out["grad"]), _lib.ptr(out["grad_cond"]),
        _lib.ptr(out["grad_sig"]), _lib.ptr(out["grad_zcond"]))
    if st != 0:
        raise Error(st, None, "check_logreg: the problem")
    out["loss"] = float(out["loss"][0])
    return out


def _coord_names(X, k, intercept, names):
    m = k + (1 if intercept else 0)
    if names is None and hasattr(X, "columns"):          # a pandas DataFrame
        names = [str(c) for c in X.columns]
    if names is None:
        names = ["w_%d" % (j + 1) for j in range(k)]
    names = list(names)
    if intercept and len(names) == k:
        names = ["intercept"] + names
    if len(names) != m:
        raise ValueError("libbce: %d names for %d coordinates (k = %d%s)" % (
            len(names), m, k, " + the intercept" if intercept else ""))
    return names


def check_logreg(fn, X, y, w=None, *, hvp=None, v=None, sample_weight=None, intercept=True,
                 l2=0.0, pos_weight=1.0, label_smoothing=0.0, reduction="mean",
                 max_cond=64.0, dtype=np.float64, names=None, seed=1, fd=True, rtol=None):
    """Judge a logistic regression's gradient (and Hv) against the exact ones.

    fn(w) -> (loss, grad) for the parameter vector w (m = k + intercept
    values, the intercept first) of the problem X (n x k), y, sample_weight,
    l2 (l2/2 |w_features|^2, the intercept not penalised, not divided by n),
    pos_weight, label_smoothing and reduction ('sum', 'mean',
    'weighted-mean'; 'none' is refused) -- libbce's bce_logreg definition,
    the problem of `bce gradcheck`.  w: one vector or a list of vectors;
    None: three (zeros, and two seeded Gaussian vectors of scale 1 and 4:
    rows in the tails).  hvp(w, v) -> H(w) v: judged too, along v (one
    vector, or None: a seeded Gaussian one).

    The exact judgement is libbce-verify's bcev_logreg_judge (and
    bcev_logreg_judge_hv), the function `bce gradcheck`'s exact mode calls:
    per coordinate the error in ulps and the cond-ratio |g_j - exact_j| /
    (u C_j), C_j = sum_i |r_i x~_ij| / norm + l2 |w'_j|, u = 2^-53 (2^-24
    for dtype float32, with w, v and the claimed values rounded to float32
    as the CLI reads them); a coordinate fails above max_cond (default 64,
    the CLI's --max-cond).  names: the coordinates' names (m, or k with the
    intercept prepended); default: X's columns for a DataFrame, else
    'intercept', 'w_1' ... 'w_k' as the CLI names them.
    fd (default True): the second judgement, side by side: the claimed
    gradient against finite differences of fn's own loss (gradcheck, rtol
    1e-7 for float64, 1e-4 for float32, each evaluation's error 2^-50 or
    2^-20 relative), and with hvp the claimed Hv against differences of
    fn's gradient (hvpcheck, float64 only); a point passes when every
    verdict passes.
    """
    P = _Problem(X, y, sample_weight, intercept, l2, pos_weight, label_smoothing, reduction,
                 dtype)
    dt, m = P.dt, P.m
    nm = _coord_names(X, P.k, intercept, names)
    if w is None:
        rng = np.random.default_rng(seed)
        pts = [np.zeros(m), rng.standard_normal(m), 4 * rng.standard_normal(m)]
        what = ["zeros", "N(0,1), seed %d" % seed, "4 N(0,1), seed %d" % seed]
    else:
        wa = np.asarray(_as_array(w, "w"), dtype=np.float64)
        pts = [wa] if wa.ndim == 1 else list(wa)
        what = ["given"] * len(pts)
    if hvp is not None:
        vv = P.vec(np.random.default_rng(seed + 1).standard_normal(m) if v is None else v, "v")
    f32 = dt == np.float32
    res = LogregCheckResult(nm, float(max_cond), dt)
    for i, p in enumerate(pts):
        p = P.vec(p, "w")
        loss, grad = fn(p.astype(dt))
        loss = float(np.asarray(_as_array(loss, "loss")).reshape(-1)[0])
        g = P.vec(grad, "grad")
        J = P.judge(p, g)
        ratio = J["ratio"]
        j = int(np.argmax(ratio))
        nfail = int(np.sum(~(ratio <= max_cond)))
        ex = logreg_exact(P.X, P.y, p, sample_weight=P.sw, intercept=intercept, l2=l2,
                          pos_weight=pos_weight, label_smoothing=label_smoothing,
                          reduction=reduction)
        lerr = abs(loss - ex["loss"])
        lcond = P.u * abs(ex["loss"])
        loss_ratio = 0.0 if lerr == 0 else (lerr / lcond if lcond > 0 else math.inf)
        pt = dict(index=i, what=what[i], w=p, loss=loss, loss_exact=ex["loss"],
                  loss_ratio=loss_ratio, grad=g, grad_exact=J["exact"], ulps=J["ulps"],
                  ulp=J["ulps"], cond=J["cond"], ratio=ratio, sig_ratio=J["sig_ratio"],
                  worst=nm[j], worst_index=j, n_fail=nfail, exact_ok=nfail == 0, fd=None)
        if fd:
            pt["fd"] = gradcheck(
                lambda q: float(np.asarray(_as_array(fn(q.astype(dt))[0], "loss"))
                                .reshape(-1)[0]),
                lambda q: g, p, rtol=rtol if rtol is not None else (1e-4 if f32 else 1e-7),
                f_rel_err=2.0 ** -20 if f32 else 2.0 ** -50, names=nm)
        ok = pt["exact_ok"] and (pt["fd"] is None or pt["fd"].ok)
        if hvp is not None:
            hv = P.vec(hvp(p.astype(dt), vv.astype(dt)), "hvp(w, v)")
            H = P.judge_hv(p, vv, hv)
            jh = int(np.argmax(H["ratio"]))
            hfail = int(np.sum(~(H["ratio"] <= max_cond)))
            pt.update(v=vv, hv=hv, hv_exact=H["exact"], hv_ulps=H["ulps"], hv_cond=H["cond"],
                      hv_ratio=H["ratio"], hv_worst=nm[jh], hv_worst_index=jh,
                      hv_n_fail=hfail, hv_ok=hfail == 0, hv_fd=None)
            if fd and not f32:   # (the points w + t v are not float32: as the CLI)
                pt["hv_fd"] = hvpcheck(lambda q: fn(q)[1], hvp, p, vv,
                                       rtol=rtol if rtol is not None else 1e-7, names=nm)
            ok = ok and pt["hv_ok"] and (pt["hv_fd"] is None or pt["hv_fd"].ok)
        pt["ok"] = ok
        res.points.append(pt)
    return res
