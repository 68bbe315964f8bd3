"""The bf16/f16 inputs of libbce (bce_<form>_<t>, bce_<form>_<t>_<t>) on
numpy arrays (docs/PYTHON.md, "16-bit inputs").

numpy has IEEE binary16 (np.float16) but no bfloat16, so:
  - f16 inputs are np.float16 arrays (the type is then implied), or uint16
    arrays of bit patterns with type='f16';
  - bf16 inputs are uint16 arrays of bit patterns with type='bf16';
  - Python numbers, lists and other float arrays are converted to the type
    and must be exactly representable in it (0.375 is, 0.1 is not:
    ValueError naming the array and index), as the `bce` tool reads them.
Outputs: out_type 'f32' (default: float32 arrays, the exact values rounded
once to binary32), or the input's own type: np.float16 arrays for 'f16',
uint16 bit patterns for 'bf16' (bf16_values() turns them into float32).
A reduced loss is a Python float.
"""
import ctypes

import numpy as np

from . import _lib

TYPES = ("bf16", "f16")
_FMT = {"bf16": 2, "f16": 3}      # bcev_round16's fmt (BCEV_BF16, BCEV_F16)
_F32 = 1                          # BCEV_F32


def bf16_values(bits):
    """bf16 bit patterns (uint16) -> their exact values as float32."""
    b = np.asarray(bits)
    if b.dtype != np.uint16:
        raise TypeError("libbce: bf16 bit patterns are uint16, not %s" % b.dtype)
    with np.errstate(invalid="ignore"):   # signalling NaN patterns
        return (b.astype(np.uint32) << 16).view(np.float32)


def bf16_bits(values):
    """Values exactly representable in bf16 -> their bit patterns (uint16).
    Raises ValueError naming the first value that is not (a NaN gives the
    quiet NaN 0x7fc0)."""
    v = np.asarray(values, dtype=np.float64)
    f = v.astype(np.float32)
    u = f.reshape(-1).view(np.uint32).reshape(f.shape)
    nan = np.isnan(v)
    bad = (~nan) & (((u & 0xffff) != 0) | (f.astype(np.float64) != v))
    if bad.any():
        i = int(np.flatnonzero(bad.reshape(-1))[0])
        raise ValueError("libbce: value %r (index %d) is not exactly a bf16 value"
                         % (float(v.reshape(-1)[i]), i))
    out = (u >> 16).astype(np.uint16)
    out[nan] = 0x7fc0
    return out


def _bits(a, name, t, shape):
    """One input as flat contiguous uint16 bit patterns of type t."""
    if a.dtype == np.uint16:
        b = a
    elif a.dtype == np.float16:
        if t != "f16":
            raise TypeError("libbce: %s is float16 but type=%r (bf16 inputs are uint16 "
                            "bit patterns)" % (name, t))
        b = a.view(np.uint16)
    elif a.dtype.kind in "biuf":
        v = a.astype(np.float64)
        if t == "f16":
            h = v.astype(np.float16)
            bad = ~(np.isnan(v) | (h.astype(np.float64) == v))
            if bad.any():
                i = int(np.flatnonzero(bad.reshape(-1))[0])
                raise ValueError("libbce: %s: value %r (index %d) is not exactly a f16 value"
                                 % (name, float(v.reshape(-1)[i]), i))
            b = h.view(np.uint16)
        else:
            try:
                b = bf16_bits(v)
            except ValueError as e:
                raise ValueError("libbce: %s: %s" % (name, str(e)[len("libbce: "):])) from None
    else:
        raise TypeError("libbce: %s has dtype %s, not a real number type" % (name, a.dtype))
    if b.shape != shape:
        try:
            b = np.broadcast_to(b, shape)
        except ValueError:
            raise ValueError("libbce: %s has shape %s, the input %s" % (name, b.shape, shape)) from None
    return np.ascontiguousarray(b, dtype=np.uint16).reshape(-1)


def values(bits, t):
    """Bit patterns of type t -> float64 values (exact)."""
    with np.errstate(invalid="ignore"):
        if t == "f16":
            return bits.view(np.float16).astype(np.float64)
        return bf16_values(bits).astype(np.float64)


def lowp_type(xa, type):
    """The 16-bit type of a call, or None for the f64/f32 kernels."""
    if type is None:
        return "f16" if xa.dtype == np.float16 else None
    if type not in TYPES:
        raise ValueError("libbce: type must be 'bf16' or 'f16' (f64/f32: dtype=), not %r"
                         % (type,))
    return type


def check_out_type(t, out_type):
    o = "f32" if out_type is None else out_type
    if o not in ("f32", t):
        raise ValueError("libbce: out_type must be 'f32' or the input's type %r, not %r"
                         % (t, out_type))
    return o


def prepare16(t, xa, ya, wa):
    shape = xa.shape
    xb = _bits(xa, "x", t, shape)
    yb = _bits(ya, "y", t, shape)
    wb = None if wa is None else _bits(wa, "w", t, shape)
    return shape, xb, yb, wb


def outputs(t, o, loss, grad, shape, reduced):
    """The C outputs (float32 or uint16) in the documented Python form."""
    if o == "f32":
        L = float(loss[0]) if reduced else loss.reshape(shape)
        return L, None if grad is None else grad.reshape(shape)
    conv = (lambda b: b.view(np.float16)) if t == "f16" else (lambda b: b)
    L = float(values(loss[:1], t)[0]) if reduced else conv(loss).reshape(shape)
    return L, None if grad is None else conv(grad).reshape(shape)


def run16(form, t, out_type, xa, ya, wa, o, want_grad, error):
    """One call of bce_<form>_<t> (out f32) or bce_<form>_<t>_<t>."""
    out = check_out_type(t, out_type)
    shape, xb, yb, wb = prepare16(t, xa, ya, wa)
    ei = ctypes.c_size_t(_lib.NO_INDEX)
    o.error_index = ctypes.pointer(ei)
    n = xb.size
    reduced = o.reduction != 0
    m = max(n, 1)
    hp = ctypes.POINTER(ctypes.c_uint16)
    if out == "f32":
        loss = np.empty(1 if reduced else m, dtype=np.float32)
        grad = np.empty(m, dtype=np.float32)
        fn = getattr(_lib.lib, "bce_%s_%s" % (form, t))
        ot = _lib._fp
    else:
        loss = np.empty(1 if reduced else m, dtype=np.uint16)
        grad = np.empty(m, dtype=np.uint16)
        fn = getattr(_lib.lib, "bce_%s_%s_%s" % (form, t, t))
        ot = hp
    st = fn(n, _lib.ptr(xb, hp), _lib.ptr(yb, hp), _lib.ptr(wb, hp), ctypes.byref(o),
            _lib.ptr(loss, ot), _lib.ptr(grad, ot))
    if st != 0:
        raise error(st, ei.value)
    loss, grad = loss[:1 if reduced else n], grad[:n]
    return outputs(t, out, loss, grad if want_grad else None, shape, reduced)


def ref16(form, t, out_type, xa, ya, wa, o, error):
    """The correctly rounded outputs (MPFR, rounded once: bcev_py_ref16),
    after libbce's own validation (Error with the first offending index)."""
    out = check_out_type(t, out_type)
    run16(form, t, "f32", xa, ya, wa, _lib.Options.from_buffer_copy(o), False, error)
    shape, xb, yb, wb = prepare16(t, xa, ya, wa)
    x64, y64 = values(xb, t), values(yb, t)
    w64 = None if wb is None else values(wb, t)
    n = x64.size
    reduced = o.reduction != 0
    loss = np.empty(max(1 if reduced else n, 1))
    grad = np.empty(max(n, 1))
    bad = ctypes.c_size_t(0)
    r = _lib.verify().bcev_py_ref16(0 if form == "logits" else 1, _FMT[t],
                                    _F32 if out == "f32" else _FMT[t], n, _lib.ptr(x64),
                                    _lib.ptr(y64), _lib.ptr(w64), ctypes.byref(o),
                                    _lib.ptr(loss), _lib.ptr(grad), ctypes.byref(bad))
    if r < 0:
        raise ValueError("libbce: oracle: invalid sample at index %d" % bad.value)
    loss, grad = loss[:1 if reduced else n], grad[:n]
    if out == "f32":
        return outputs(t, out, loss.astype(np.float32), grad.astype(np.float32), shape, reduced)
    if t == "f16":
        lb, gb = loss.astype(np.float16).view(np.uint16), grad.astype(np.float16).view(np.uint16)
    else:
        lb, gb = bf16_bits(loss), bf16_bits(grad)
    return outputs(t, out, lb, gb, shape, reduced)
