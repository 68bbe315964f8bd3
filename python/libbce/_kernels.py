"""The kernels of libbce (bce_logits_* / bce_probs_*) on numpy arrays."""
import ctypes
import math

import numpy as np

from . import _lib
from . import _lowp

__all__ = ["Error", "logits", "probs", "prepare", "make_options"]


class Error(ValueError):
    """A libbce status other than BCE_OK.

    status: the status name of bce.h, e.g. ``"BCE_E_LABEL_RANGE"``;
    code: its number; index: the flat index (C order) of the first
    offending element, or None when the error is not tied to an element.
    """

    def __init__(self, code, index=None, what=None):
        self.code = int(code)
        self.status = _lib.lib.bce_status_name(self.code).decode()
        self.index = None if index is None or index == _lib.NO_INDEX else int(index)
        text = _lib.lib.bce_strerror(self.code).decode()
        msg = "%s: %s" % (self.status, text)
        if self.index is not None:
            msg += " (index %d)" % self.index
        if what:
            msg = "%s: %s" % (what, msg)
        self._what = what
        super().__init__(msg)

    def __reduce__(self):   # picklable (multiprocessing, pytest-xdist)
        return (type(self), (self.code, self.index, self._what))


_FLOATS = (np.dtype(np.float64), np.dtype(np.float32))


def _as_array(a, name):
    if isinstance(a, np.ndarray):
        return a
    if hasattr(a, "detach") and hasattr(a, "numpy"):   # torch without grad tracking
        try:
            return np.asarray(a.detach().cpu().numpy())
        except Exception:
            pass
    try:
        return np.asarray(a)
    except Exception as e:
        raise TypeError("%s: cannot convert %r to an array: %s" % (name, type(a), e))


def _dtype_of(arrays, dtype):
    """The one floating type of the inputs (documented rule: docs/PYTHON.md)."""
    if dtype is not None:
        d = np.dtype(dtype)
        if d not in _FLOATS:
            raise TypeError("libbce: dtype must be float64 or float32, not %s" % d)
        return d
    found = {}
    for name, a, weak in arrays:
        if a is None:
            continue
        if a.dtype.kind == "f" and weak:   # Python numbers and lists adopt the type
            continue
        if a.dtype.kind == "f":
            if a.dtype not in _FLOATS:
                raise TypeError("libbce: %s has dtype %s; libbce computes in float64 "
                                "and float32 (convert explicitly)" % (name, a.dtype))
            found.setdefault(a.dtype, name)
        elif a.dtype.kind not in "biu":
            raise TypeError("libbce: %s has dtype %s, not a real number type"
                            % (name, a.dtype))
    if len(found) > 1:
        raise TypeError("libbce: mixed dtypes (%s): the inputs must share float64 or "
                        "float32; convert explicitly or pass dtype=" %
                        ", ".join("%s is %s" % (n, d) for d, n in found.items()))
    return next(iter(found)) if found else np.dtype(np.float64)


def _weak(obj):
    """Python numbers, lists and tuples: no dtype of their own."""
    return not hasattr(obj, "dtype") and not hasattr(obj, "__array__")


def _convert(a, name, dt, shape):
    """a as a C-contiguous array of dt and the given shape (a copy if needed);
    integers must convert exactly."""
    if a.dtype != dt:
        c = a.astype(dt)
        if a.dtype.kind in "biu" and not np.array_equal(c.astype(a.dtype), a):
            raise ValueError("libbce: %s: integer values not exactly representable "
                             "in %s" % (name, dt))
        a = c
    if a.shape != shape:
        try:
            a = np.broadcast_to(a, shape)
        except ValueError:
            raise ValueError("libbce: %s has shape %s, the input %s" %
                             (name, a.shape, shape)) from None
    return np.ascontiguousarray(a).reshape(-1)


def prepare(x, y, w=None, dtype=None, xname="z"):
    """(dtype, shape, x, y, w) flat contiguous arrays of one floating dtype."""
    xa = _as_array(x, xname)
    ya = _as_array(y, "y")
    wa = None if w is None else _as_array(w, "w")
    dt = _dtype_of([(xname, xa, _weak(x)), ("y", ya, _weak(y)), ("w", wa, _weak(w))], dtype)
    shape = xa.shape
    xf = _convert(xa, xname, dt, shape)
    yf = _convert(ya, "y", dt, shape)
    wf = None if wa is None else _convert(wa, "w", dt, shape)
    return dt, shape, xf, yf, wf


def make_options(pos_weight=1.0, label_smoothing=0.0, clamp=False, reduction="none",
                 propagate_nan=False):
    """A bce_options from the keyword arguments (the keys of CONVENTIONS.md)."""
    o = _lib.Options()
    if reduction not in _lib.REDUCTIONS:
        raise ValueError("libbce: reduction must be one of %s, not %r"
                         % ("|".join(_lib.REDUCTIONS), reduction))
    o.reduction = _lib.REDUCTIONS[reduction]
    pos_weight = float(pos_weight)
    if pos_weight != 1.0 or math.isnan(pos_weight):
        o.flags |= _lib.OPT_POS_WEIGHT
        o.pos_weight = pos_weight
    o.label_smoothing = float(label_smoothing)
    if clamp:
        o.flags |= _lib.OPT_LOG_CLAMP
    if propagate_nan:
        o.flags |= _lib.OPT_PROPAGATE_NAN
    return o


def _run(form, x, y, w, pos_weight, label_smoothing, clamp, reduction, propagate_nan,
         dtype, want_grad, type=None, out_type=None):
    t = _lowp.lowp_type(_as_array(x, "z" if form == "logits" else "p"), type)
    if t is not None:   # bf16/f16 inputs (_lowp.py)
        if dtype is not None:
            raise TypeError("libbce: dtype= is for float64/float32; 16-bit inputs take type=")
        o = make_options(pos_weight, label_smoothing, clamp, reduction, propagate_nan)
        xa = _as_array(x, "z" if form == "logits" else "p")
        return _lowp.run16(form, t, out_type, xa, _as_array(y, "y"),
                           None if w is None else _as_array(w, "w"), o, want_grad, Error)
    if out_type is not None:
        raise ValueError("libbce: out_type is for 16-bit inputs (type='bf16'|'f16' or "
                         "float16 arrays); float64/float32 outputs keep the input's dtype")
    dt, shape, xf, yf, wf = prepare(x, y, w, dtype, "z" if form == "logits" else "p")
    o = make_options(pos_weight, label_smoothing, clamp, reduction, propagate_nan)
    ei = ctypes.c_size_t(_lib.NO_INDEX)
    o.error_index = ctypes.pointer(ei)
    n = xf.size
    reduced = reduction != "none"
    loss = np.empty(1 if reduced else n, dtype=dt)
    grad = np.empty(n, dtype=dt) if want_grad else None
    t = _lib._dp if dt == np.float64 else _lib._fp
    fn = getattr(_lib.lib, "bce_%s_%s" % (form, "f64" if dt == np.float64 else "f32"))
    st = fn(n, _lib.ptr(xf, t), _lib.ptr(yf, t), _lib.ptr(wf, t), ctypes.byref(o),
            _lib.ptr(loss, t), _lib.ptr(grad, t))
    if st != 0:
        raise Error(st, ei.value)
    loss = float(loss[0]) if reduced else loss.reshape(shape)
    if grad is not None:
        grad = grad.reshape(shape)
    return loss, grad


def logits(z, y, w=None, *, pos_weight=1.0, label_smoothing=0.0, clamp=False,
           reduction="none", propagate_nan=False, dtype=None, grad=True, type=None,
           out_type=None):
    """Binary cross-entropy from logits z with labels y (and sample weights w).

    Returns (loss, grad): loss has z's shape (reduction 'none') or is a Python
    float (sum, mean, weighted-mean); grad = d(reduced loss)/dz, z's shape
    (None with grad=False).  The arrays keep their dtype: float32 inputs run
    the float32 kernels.  Errors raise libbce.Error (status, index).
    clamp=True is an error here (BCE_E_BAD_OPTION): the -100 clamp is the
    probability form's.

    16-bit inputs (bce_logits_bf16, bce_logits_f16 and their 16-bit-output
    siblings): np.float16 arrays (f16), or uint16 bit patterns with
    type='bf16' or 'f16'; other numbers must be exactly values of the type.
    out_type: 'f32' (default; float32 arrays) or the input's type (float16
    arrays for f16, uint16 bit patterns for bf16): each output the exact
    value rounded once to that type.  docs/PYTHON.md, "16-bit inputs".
    """
    return _run("logits", z, y, w, pos_weight, label_smoothing, clamp, reduction,
                propagate_nan, dtype, grad, type, out_type)


def probs(p, y, w=None, *, pos_weight=1.0, label_smoothing=0.0, clamp=False,
          reduction="none", propagate_nan=False, dtype=None, grad=True, type=None,
          out_type=None):
    """Binary cross-entropy from probabilities p in [0, 1]; as logits().
    grad = d(reduced loss)/dp; clamp=True clamps each log at -100 (PyTorch's
    BCELoss).  16-bit inputs: type=, out_type= as for logits()."""
    return _run("probs", p, y, w, pos_weight, label_smoothing, clamp, reduction,
                propagate_nan, dtype, grad, type, out_type)
