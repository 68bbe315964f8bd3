"""The MPFR oracle of libbce-verify: correctly rounded reference values and
ulp errors, element by element, for numpy arrays.

    libbce.oracle.logits(z, y, w=None, **options) -> (loss, grad)
    libbce.oracle.probs(p, y, w=None, **options)  -> (loss, grad)
    libbce.oracle.ulp_error(got, x, y, w=None, *, form, output, **options)

The values are the round-to-nearest-even of the exact real values (MPFR,
Ziv's strategy) in the inputs' dtype: loss = w_i L_i (or the reduced loss,
a Python float), grad = d(reduced loss)/dx_i.  ``convention`` selects whose
definition is exact: 'libbce' (default), 'torch', 'keras', 'optax',
'sklearn' (docs/PORTING.md, "Conventions of peer libraries").
"""
import ctypes

import numpy as np

from . import _lib
from ._kernels import Error, make_options, prepare, _as_array
from . import _lowp

__all__ = ["logits", "probs", "exact", "ulp_error", "bound", "convention_id"]

KINDS = {"hard": 0, "soft": 1, "options": 2, "reduced": 3}


def bound(form="logits", dtype=np.float64, output="loss", kind="hard"):
    """libbce's own bound in ulps of the exact value (bcev_bound, the table of
    docs/ACCURACY.md): kind 'hard' (no options, y in {0,1}), 'soft' (no
    options), 'options' (weights, pos_weight, smoothing or clamp), 'reduced'
    (a reduction).  0.5 means: must be the correctly rounded value."""
    dt = np.dtype(dtype)
    if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise TypeError("libbce: dtype must be float64 or float32")
    if output not in ("loss", "grad"):
        raise ValueError("libbce: output must be 'loss' or 'grad'")
    if kind not in KINDS:
        raise ValueError("libbce: kind must be one of %s" % ", ".join(KINDS))
    v = _lib.verify()
    v.bcev_bound.restype = ctypes.c_double
    v.bcev_bound.argtypes = [ctypes.c_int] * 4
    return v.bcev_bound(_form_id(form), 0 if dt == np.float64 else 1,
                        0 if output == "loss" else 1, KINDS[kind])

FORMS = {"logits": 0, "probs": 1}


def convention_id(name):
    c = ctypes.c_int(0)
    if _lib.verify().bcev_convention_parse(str(name).encode(), ctypes.byref(c)) != 0:
        raise ValueError("libbce: unknown convention %r (libbce, torch, keras, optax, "
                         "sklearn)" % (name,))
    return c.value


def _form_id(form):
    if form not in FORMS:
        raise ValueError("libbce: form must be 'logits' or 'probs', not %r" % (form,))
    return FORMS[form]


def _supports(conv, form, o):
    why = ctypes.c_char_p()
    if _lib.verify().bcev_py_supports(conv, form, ctypes.byref(o), ctypes.byref(why)) != 0:
        raise ValueError("libbce: convention does not define this configuration: %s"
                         % (why.value.decode() if why.value else "not defined"))


def _validate(form, xf, yf, wf, dt, o):
    """libbce's own validation (the oracle's inputs are the kernels' inputs):
    raises Error with the status and the first offending index."""
    ei = ctypes.c_size_t(_lib.NO_INDEX)
    v = _lib.Options.from_buffer_copy(o)
    v.error_index = ctypes.pointer(ei)
    t = _lib._dp if dt == np.float64 else _lib._fp
    fn = getattr(_lib.lib, "bce_%s_%s" % (form, "f64" if dt == np.float64 else "f32"))
    n = xf.size
    loss = np.empty(max(n, 1), dtype=dt)
    grad = np.empty(max(n, 1), dtype=dt)
    st = fn(n, _lib.ptr(xf, t), _lib.ptr(yf, t), _lib.ptr(wf, t), ctypes.byref(v),
            _lib.ptr(loss, t), _lib.ptr(grad, t))
    if st != 0:
        raise Error(st, ei.value, "oracle")


def _setup(form, x, y, w, options, dtype, convention):
    f = _form_id(form)
    reduction = options.get("reduction", "none")
    dt, shape, xf, yf, wf = prepare(x, y, w, dtype, "z" if form == "logits" else "p")
    o = make_options(**options)
    conv = convention_id(convention)
    _supports(conv, f, o)
    # the torch probability form has its clamp always on: libbce validates
    # without it (the clamp changes no input's validity)
    _validate(form, xf, yf, wf, dt, o)
    x64, y64 = xf.astype(np.float64), yf.astype(np.float64)
    w64 = None if wf is None else wf.astype(np.float64)
    return f, dt, shape, x64, y64, w64, o, conv, reduction != "none"


def _ref(form, x, y, w, dtype, convention, options, type=None, out_type=None):
    t = _lowp.lowp_type(_as_array(x, "z" if form == "logits" else "p"), type)
    if t is not None:   # bf16/f16 inputs: rounded once to out_type (bcev_py_ref16)
        if dtype is not None:
            raise TypeError("libbce: dtype= is for float64/float32; 16-bit inputs take type=")
        if convention != "libbce":
            raise ValueError("libbce: 16-bit inputs: libbce's convention only")
        o = make_options(**options)
        return _lowp.ref16(form, t, out_type, _as_array(x, "x"), _as_array(y, "y"),
                           None if w is None else _as_array(w, "w"), o, Error)
    if out_type is not None:
        raise ValueError("libbce: out_type is for 16-bit inputs (type='bf16'|'f16' or "
                         "float16 arrays)")
    f, dt, shape, x64, y64, w64, o, conv, reduced = _setup(form, x, y, w, options, dtype,
                                                          convention)
    n = x64.size
    loss = np.empty(1 if reduced else n)
    grad = np.empty(n)
    bad = ctypes.c_size_t(0)
    r = _lib.verify().bcev_py_ref(f, 0 if dt == np.float64 else 1, conv, n,
                                  _lib.ptr(x64), _lib.ptr(y64), _lib.ptr(w64),
                                  ctypes.byref(o), _lib.ptr(loss), _lib.ptr(grad),
                                  ctypes.byref(bad))
    if r < 0:
        raise ValueError("libbce: oracle: invalid sample at index %d" % bad.value)
    loss = float(loss[0]) if reduced else loss.astype(dt).reshape(shape)
    return loss, grad.astype(dt).reshape(shape)


def logits(z, y, w=None, *, pos_weight=1.0, label_smoothing=0.0, clamp=False,
           reduction="none", propagate_nan=False, dtype=None, convention="libbce",
           type=None, out_type=None):
    """Correctly rounded (loss, grad) from logits: what libbce.logits must return
    (libbce's bounds allow 1-2 ulps on some outputs; docs/ACCURACY.md).
    16-bit inputs (type=, out_type= as libbce.logits): the exact values rounded
    once to out_type, never through binary32."""
    return _ref("logits", z, y, w, dtype, convention,
                dict(pos_weight=pos_weight, label_smoothing=label_smoothing, clamp=clamp,
                     reduction=reduction, propagate_nan=propagate_nan), type, out_type)


def probs(p, y, w=None, *, pos_weight=1.0, label_smoothing=0.0, clamp=False,
          reduction="none", propagate_nan=False, dtype=None, convention="libbce",
          type=None, out_type=None):
    """Correctly rounded (loss, grad) from probabilities."""
    return _ref("probs", p, y, w, dtype, convention,
                dict(pos_weight=pos_weight, label_smoothing=label_smoothing, clamp=clamp,
                     reduction=reduction, propagate_nan=propagate_nan), type, out_type)


def judge(form, dt, conv, x64, y64, w64, o, got_loss, got_grad, bound_loss, bound_grad,
          use_filter=True, select=None):
    """bcev_py_judge on float64 arrays: dict of ulp/expected/pass arrays."""
    n = x64.size
    reduced = o.reduction != 0
    out = {}
    nl = 1 if reduced else n
    for k, m in (("loss", nl), ("grad", n)):
        out["ulp_" + k] = np.full(m, np.nan)
        out["exp_" + k] = np.full(m, np.nan)
        out["pass_" + k] = np.zeros(m, dtype=np.uint8)
    u8 = ctypes.POINTER(ctypes.c_ubyte)
    gl = None if got_loss is None else np.ascontiguousarray(got_loss, dtype=np.float64)
    gg = None if got_grad is None else np.ascontiguousarray(got_grad, dtype=np.float64)
    sel = None if select is None else np.ascontiguousarray(select, dtype=np.uint8)
    r = _lib.verify().bcev_py_judge(
        form, 0 if dt == np.float64 else 1, conv, n, _lib.ptr(x64), _lib.ptr(y64),
        _lib.ptr(w64), ctypes.byref(o), _lib.ptr(sel, u8), _lib.ptr(gl), _lib.ptr(gg),
        float(bound_loss), float(bound_grad), 1 if use_filter else 0,
        _lib.ptr(out["ulp_loss"]), _lib.ptr(out["ulp_grad"]),
        _lib.ptr(out["exp_loss"]), _lib.ptr(out["exp_grad"]),
        _lib.ptr(out["pass_loss"], u8), _lib.ptr(out["pass_grad"], u8))
    if r != 0:
        raise ValueError("libbce: the convention does not define this configuration")
    return out


def ulp_error(got, x, y, w=None, *, form="logits", output="loss", pos_weight=1.0,
              label_smoothing=0.0, clamp=False, reduction="none", propagate_nan=False,
              dtype=None, convention="libbce"):
    """Error of `got` in ulps of the exact value (bcev_ulp_error: ulps of the
    exact value's binade in the dtype; 0 for equal infinities, inf for a NaN
    or infinity against a finite value).

    got: the claimed loss (output='loss': x's shape, or one number under a
    reduction) or gradient (output='grad').  The dtype is x's (dtype= to
    force it); got is rounded to it first.  Returns an array of x's shape, or
    a float for a reduced loss.  0.5 or less is not "correctly rounded" by
    itself: libbce.oracle.logits/probs give the correctly rounded values.
    """
    if output not in ("loss", "grad"):
        raise ValueError("libbce: output must be 'loss' or 'grad', not %r" % (output,))
    options = dict(pos_weight=pos_weight, label_smoothing=label_smoothing, clamp=clamp,
                   reduction=reduction, propagate_nan=propagate_nan)
    f, dt, shape, x64, y64, w64, o, conv, reduced = _setup(form, x, y, w, options, dtype,
                                                          convention)
    g = np.asarray(got)
    g = g.astype(dt).astype(np.float64).reshape(-1)
    want = 1 if (reduced and output == "loss") else x64.size
    if g.size != want:
        raise ValueError("libbce: got has %d values, %d expected" % (g.size, want))
    inf = float("inf")
    res = judge(f, dt, conv, x64, y64, w64, o, g if output == "loss" else None,
                g if output == "grad" else None, inf, inf, use_filter=False)
    u = res["ulp_" + output]
    if reduced and output == "loss":
        return float(u[0])
    return u.reshape(shape)


def exact(x, y, w=None, *, form="logits", output="loss", digits=30, pos_weight=1.0,
          label_smoothing=0.0, clamp=False, reduction="none", propagate_nan=False,
          dtype=None, convention="libbce"):
    """The exact real values themselves, as decimal.Decimal with `digits`
    significant digits (default 30, as the vectors' loss_exact column):
    an object array of x's shape (output 'loss' or 'grad'), or one Decimal
    for a reduced loss.  The inputs are taken in their dtype (float32 values
    exactly); the values are not rounded to it."""
    import decimal
    if output not in ("loss", "grad"):
        raise ValueError("libbce: output must be 'loss' or 'grad', not %r" % (output,))
    digits = int(digits)
    if not 1 <= digits <= 1000:
        raise ValueError("libbce: digits must be in 1..1000")
    options = dict(pos_weight=pos_weight, label_smoothing=label_smoothing, clamp=clamp,
                   reduction=reduction, propagate_nan=propagate_nan)
    f, dt, shape, x64, y64, w64, o, conv, reduced = _setup(form, x, y, w, options, dtype,
                                                          convention)
    one = reduced and output == "loss"
    count = 1 if one else x64.size
    stride = digits + 32
    buf = ctypes.create_string_buffer(max(count, 1) * stride)
    r = _lib.verify().bcev_py_exact_str(f, 0 if dt == np.float64 else 1, conv, x64.size,
                                        _lib.ptr(x64), _lib.ptr(y64), _lib.ptr(w64),
                                        ctypes.byref(o), 0 if output == "loss" else 1,
                                        digits, buf, stride)
    if r != 0:
        raise ValueError("libbce: oracle.exact: bad arguments")
    raw = buf.raw
    vals = [decimal.Decimal(raw[i * stride:(i + 1) * stride].split(b"\0", 1)[0].decode())
            for i in range(count)]
    if one:
        return vals[0]
    out = np.empty(count, dtype=object)
    out[:] = vals
    return out.reshape(shape)
