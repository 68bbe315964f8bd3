"""Gradient checking for any implementation (issue 16, the Python part).

libbce.gradcheck(loss_fn, grad_fn, w)   finite differences of the user's own
    loss (libbce-verify's bcev_gradcheck: Richardson-extrapolated central
    differences with exactly representable steps and an error estimate per
    coordinate; bcev_gradcheck_dir for random directions).
libbce.check_logreg(fn, X, y, ...)      a logistic regression's loss and
    gradient against the exact (MPFR) ones of the same problem
    (bcev_logreg_ref_f64/_f32), each coordinate's error as a multiple of its
    conditioning u * (sum_i |r_i x~_ij| / norm + l2 |w_j|).
"""
import ctypes
import math

import numpy as np

from . import _lib
from ._kernels import Error, make_options, _as_array

__all__ = ["gradcheck", "hvpcheck", "GradcheckResult", "check_logreg",
           "LogregCheckResult"]


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

class LogregCheckResult:
    """The exact-gradient verdict of check_logreg.

    points: one entry per parameter vector checked, each a dict with w,
    loss, loss_exact, loss_ratio, grad, grad_exact, ulp (per coordinate),
    cond (u * conditioning sum per coordinate), ratio (|err| / cond per
    coordinate), worst (coordinate name), ok.  max_ratio: over all points
    and coordinates; max_cond: the bound.  True when every ratio <= max_cond.
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

    def __bool__(self):
        return self.ok

    def report(self):
        lines = []
        for i, p in enumerate(self.points):
            j = p["worst_index"]
            lines.append(
                "%s point %d: exact gradient: %s, worst %s: got %r exact %r (%.3g ulp, %.3g x "
                "its conditioning u*sum|r_i x_ij|, bound %g); loss %.3g x conditioning" %
                ("pass" if p["ok"] else "FAIL", i, "pass" if p["exact_ok"] else "FAIL",
                 p["worst"], float(p["grad"][j]), float(p["grad_exact"][j]),
                 float(p["ulp"][j]), float(p["ratio"][j]), self.max_cond, p["loss_ratio"]))
            if p["fd"] is not None:
                lines.append("    finite differences of fn's loss: " + p["fd"].report())
            for j in np.nonzero(p["ratio"] > self.max_cond)[0][:10]:
                lines.append("    %s: got %r exact %r ratio %.3g" % (
                    self.names[j], float(p["grad"][j]), float(p["grad_exact"][j]),
                    float(p["ratio"][j])))
        lines.append("%s: %d parameter vectors, max ratio %.3g (bound %g)" % (
            "PASS" if self.ok else "FAIL", len(self.points), self.max_ratio, self.max_cond))
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
    dt = np.dtype(dtype)
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


def check_logreg(fn, X, y, w=None, *, sample_weight=None, intercept=True, l2=0.0,
                 pos_weight=1.0, label_smoothing=0.0, reduction="mean", max_cond=64.0,
                 dtype=np.float64, names=None, seed=1, fd=True, rtol=None):
    """Judge a logistic regression's gradient against the exact one.

    fn(w) -> (loss, grad) for the parameter vector w (m = k + intercept
    values, the intercept first) of the problem X (n x k), y, sample_weight,
    l2 (l2/2 |w_features|^2, the intercept not penalised, not divided by n),
    pos_weight, label_smoothing and reduction ('sum', 'mean',
    'weighted-mean') -- libbce's bce_logreg definition.  w: one vector or a
    list of vectors; None: three (zeros, and two seeded Gaussian vectors of
    scale 1 and 4: rows in the tails).  Each coordinate's error is reported
    in ulps and as a multiple of u * (sum_i |r_i x~_ij| / norm + l2 |w_j|)
    (u = 2^-53, or 2^-24 for dtype float32); a coordinate fails beyond
    max_cond (default 64).  A correct but naive implementation stays near 1;
    a wrong one is off by orders of magnitude.  names: coordinate names
    (default 'intercept', 'x1' ...).
    fd (default True): also the second judgement, side by side: the claimed
    gradient against finite differences of fn's own loss (gradcheck, rtol
    1e-7 for float64, 1e-4 for float32, each evaluation's error 2^-50 or
    2^-20 relative); a point passes when both verdicts pass.
    """
    dt = np.dtype(dtype)
    X = np.asarray(_as_array(X, "X"))
    n, k = X.shape
    m = k + (1 if intercept else 0)
    if w is None:
        rng = np.random.default_rng(seed)
        pts = [np.zeros(m), rng.standard_normal(m), 4 * rng.standard_normal(m)]
    else:
        wa = np.asarray(_as_array(w, "w"), dtype=np.float64)
        pts = [wa] if wa.ndim == 1 else list(wa)
    nm = _names(m, names, intercept)
    u = 2.0 ** -53 if dt == np.float64 else 2.0 ** -24
    v = _v()
    t = 0 if dt == np.float64 else 1
    res = LogregCheckResult(nm, float(max_cond), dt)
    for p in pts:
        p = np.asarray(p, dtype=np.float64).astype(dt)
        ex = logreg_exact(X, y, p, sample_weight=sample_weight, intercept=intercept, l2=l2,
                          pos_weight=pos_weight, label_smoothing=label_smoothing,
                          reduction=reduction, dtype=dt)
        loss, grad = fn(p.copy())
        loss = float(np.asarray(_as_array(loss, "loss")).reshape(-1)[0])
        g = _vec(grad, "grad", m)
        gx = ex["grad"]
        err = np.abs(g - gx)
        cond = u * ex["grad_cond"]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(err == 0, 0.0, err / cond)
        ratio = np.where(np.isnan(ratio), np.inf, ratio)
        ulp = np.array([v.bcev_ulp_error_d(t, float(g[j]), float(gx[j])) for j in range(m)])
        lerr = abs(loss - ex["loss"])
        lcond = u * ex["loss"]
        loss_ratio = 0.0 if lerr == 0 else (lerr / lcond if lcond > 0 else math.inf)
        j = int(np.argmax(ratio))
        fdres = None
        if fd:
            f32 = dt == np.float32
            fdres = gradcheck(lambda q: float(np.asarray(_as_array(fn(q.astype(dt))[0], "loss"))
                                              .reshape(-1)[0]),
                              lambda q: g, p.astype(np.float64),
                              rtol=rtol if rtol is not None else (1e-4 if f32 else 1e-7),
                              f_rel_err=2.0 ** -20 if f32 else 2.0 ** -50, names=nm)
        exact_ok = bool(np.all(ratio <= max_cond))
        res.points.append(dict(w=p, loss=loss, loss_exact=ex["loss"], loss_ratio=loss_ratio,
                               grad=g, grad_exact=gx, ulp=ulp, cond=cond, ratio=ratio,
                               worst=nm[j], worst_index=j, exact_ok=exact_ok, fd=fdres,
                               ok=exact_ok and (fdres is None or fdres.ok)))
    return res
