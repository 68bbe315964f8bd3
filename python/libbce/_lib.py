"""Loading libbce.so.0 and libbce-verify.so.0 (ctypes) and their prototypes.

Search order for each library (the first directory that has it wins):

1. ``LIBBCE_LIBRARY_PATH``: directories separated by ``os.pathsep``;
2. the installed package: ``_config.LIBDIR_REL``, the prefix's libdir
   relative to this package's directory (``meson install``);
3. the build tree: ``_config.BUILD_LIBDIRS`` (the copy in build/python);
4. the dynamic loader's own search (``LD_LIBRARY_PATH``, ldconfig).
"""
import ctypes
import os

try:
    from . import _config
except ImportError:  # the source tree: no generated _config.py
    _config = None

_here = os.path.dirname(os.path.abspath(__file__))


def _candidates(soname):
    dirs = []
    env = os.environ.get("LIBBCE_LIBRARY_PATH")
    if env:
        dirs += [d for d in env.split(os.pathsep) if d]
    if _config is not None:
        if _config.LIBDIR_REL:
            dirs.append(os.path.normpath(os.path.join(_here, _config.LIBDIR_REL)))
        dirs += list(_config.BUILD_LIBDIRS)
    paths = [os.path.join(d, soname) for d in dirs]
    return [p for p in paths if os.path.exists(p)] + [soname]


def _load(soname):
    errors = []
    for p in _candidates(soname):
        try:
            return ctypes.CDLL(p), p
        except OSError as e:
            errors.append("%s: %s" % (p, e))
    raise ImportError("libbce: cannot load %s (set LIBBCE_LIBRARY_PATH to the "
                      "directory that holds it):\n  %s" % (soname, "\n  ".join(errors)))


class Options(ctypes.Structure):
    """struct bce_options (include/bce.h)."""
    _fields_ = [("reduction", ctypes.c_int),
                ("flags", ctypes.c_uint),
                ("pos_weight", ctypes.c_double),
                ("label_smoothing", ctypes.c_double),
                ("error_index", ctypes.POINTER(ctypes.c_size_t)),
                ("threads", ctypes.c_uint64),
                ("reserved", ctypes.c_uint64 * 5)]


# Flags and reductions of bce.h
OPT_POS_WEIGHT = 0x1
OPT_LOG_CLAMP = 0x2
OPT_PROPAGATE_NAN = 0x4
REDUCTIONS = {"none": 0, "sum": 1, "mean": 2, "weighted-mean": 3}
NO_INDEX = ctypes.c_size_t(-1).value

_dp = ctypes.POINTER(ctypes.c_double)
_fp = ctypes.POINTER(ctypes.c_float)
_sz = ctypes.c_size_t
_opt = ctypes.POINTER(Options)

lib, lib_path = _load("libbce.so.0")
for _name, _t in (("bce_logits_f64", _dp), ("bce_probs_f64", _dp),
                  ("bce_logits_f32", _fp), ("bce_probs_f32", _fp)):
    _f = getattr(lib, _name)
    _f.restype = ctypes.c_int
    _f.argtypes = [_sz, _t, _t, _t, _opt, _t, _t]
# the bf16/f16 entry points: uint16_t bit patterns in; float or uint16_t out
_hp = ctypes.POINTER(ctypes.c_uint16)
for _t16 in ("bf16", "f16"):
    for _form in ("logits", "probs"):
        _f = getattr(lib, "bce_%s_%s" % (_form, _t16))
        _f.restype = ctypes.c_int
        _f.argtypes = [_sz, _hp, _hp, _hp, _opt, _fp, _fp]
        _f = getattr(lib, "bce_%s_%s_%s" % (_form, _t16, _t16))
        _f.restype = ctypes.c_int
        _f.argtypes = [_sz, _hp, _hp, _hp, _opt, _hp, _hp]
lib.bce_status_name.restype = ctypes.c_char_p
lib.bce_status_name.argtypes = [ctypes.c_int]
lib.bce_strerror.restype = ctypes.c_char_p
lib.bce_strerror.argtypes = [ctypes.c_int]
lib.bce_version.restype = ctypes.c_char_p
lib.bce_version.argtypes = []
lib.bce_set_isa.restype = ctypes.c_int
lib.bce_set_isa.argtypes = [ctypes.c_char_p]
lib.bce_active_isa.restype = ctypes.c_char_p
lib.bce_active_isa.argtypes = []
lib.bce_isa_available.restype = ctypes.c_int
lib.bce_isa_available.argtypes = [ctypes.c_char_p]
lib.bce_isa_compiled.restype = ctypes.c_int
lib.bce_isa_compiled.argtypes = [ctypes.c_char_p]
lib.bce_isa_count.restype = _sz
lib.bce_isa_count.argtypes = []
lib.bce_isa_name.restype = ctypes.c_char_p
lib.bce_isa_name.argtypes = [_sz]

_verify = None
verify_path = None
PY_ABI = 2


def verify():
    """libbce-verify (the MPFR oracle), loaded on first use."""
    global _verify, verify_path
    if _verify is not None:
        return _verify
    v, path = _load("libbce-verify.so.0")
    u8p = ctypes.POINTER(ctypes.c_ubyte)
    v.bcev_py_abi.restype = ctypes.c_int
    v.bcev_py_abi.argtypes = []
    if v.bcev_py_abi() != PY_ABI:
        raise ImportError("libbce: %s has Python ABI %d, this package wants %d"
                          % (path, v.bcev_py_abi(), PY_ABI))
    v.bcev_py_check_rows.restype = _sz
    v.bcev_py_check_rows.argtypes = [ctypes.c_int, ctypes.c_int, _opt, ctypes.c_int,
                                     ctypes.c_uint64, _sz, ctypes.c_char_p,
                                     _dp, _dp, _dp, u8p]
    v.bcev_py_weights.restype = None
    v.bcev_py_weights.argtypes = [ctypes.c_int, ctypes.c_uint64, _sz,
                                  ctypes.POINTER(ctypes.c_uint64), _dp]
    v.bcev_py_ref.restype = ctypes.c_int
    v.bcev_py_ref.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, _sz, _dp, _dp,
                              _dp, _opt, _dp, _dp, ctypes.POINTER(_sz)]
    v.bcev_py_ref16.restype = ctypes.c_int
    v.bcev_py_ref16.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, _sz, _dp, _dp,
                                _dp, _opt, _dp, _dp, ctypes.POINTER(_sz)]
    v.bcev_py_judge.restype = ctypes.c_int
    v.bcev_py_judge.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, _sz, _dp, _dp,
                                _dp, _opt, u8p, _dp, _dp, ctypes.c_double, ctypes.c_double,
                                ctypes.c_int, _dp, _dp, _dp, _dp, u8p, u8p]
    v.bcev_py_exact_str.restype = ctypes.c_int
    v.bcev_py_exact_str.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, _sz, _dp, _dp,
                                    _dp, _opt, ctypes.c_int, ctypes.c_int, ctypes.c_char_p,
                                    _sz]
    v.bcev_py_supports.restype = ctypes.c_int
    v.bcev_py_supports.argtypes = [ctypes.c_int, ctypes.c_int, _opt,
                                   ctypes.POINTER(ctypes.c_char_p)]
    v.bcev_py_logreg_ref.restype = ctypes.c_int
    v.bcev_py_logreg_ref.argtypes = [ctypes.c_int, _sz, _sz, _dp, _sz, _dp, _dp,
                                     ctypes.c_int, ctypes.c_double, _opt, _dp, _dp,
                                     _dp, _dp, _dp, _dp]
    # the judgement of a logistic regression's gradient and Hv against the
    # exact (MPFR) ones: the function `bce gradcheck`'s exact mode calls
    # (verify/bce_gradcheck.h), and libbce's regression with the --lib
    # signature (the shims)
    v.bcev_logreg_judge.restype = ctypes.c_int
    v.bcev_logreg_judge.argtypes = [_sz, _sz, _dp, _sz, _dp, _dp, ctypes.c_int,
                                    ctypes.c_double, ctypes.c_double, ctypes.c_double,
                                    ctypes.c_int, _dp, _dp, ctypes.c_int,
                                    _dp, _dp, _dp, _dp, _dp]
    v.bcev_logreg_judge_hv.restype = ctypes.c_int
    v.bcev_logreg_judge_hv.argtypes = [_sz, _sz, _dp, _sz, _dp, _dp, ctypes.c_int,
                                       ctypes.c_double, ctypes.c_double, ctypes.c_double,
                                       ctypes.c_int, _dp, _dp, _dp, ctypes.c_int,
                                       _dp, _dp, _dp, _dp]
    for _n, _t in (("bcev_logreg_shim_f64", _dp), ("bcev_logreg_shim_f32", _fp)):
        _f = getattr(v, _n)
        _f.restype = ctypes.c_int
        _f.argtypes = [_sz, _sz, _t, _sz, _t, _t, ctypes.c_int, ctypes.c_double,
                       ctypes.c_double, ctypes.c_double, ctypes.c_int, _t, _t, _t, _t, _t]
    v.bcev_logreg_options.restype = None
    v.bcev_logreg_options.argtypes = [ctypes.c_double, ctypes.c_double, ctypes.c_int, _opt]
    v.bcev_regime_name.restype = ctypes.c_char_p
    v.bcev_regime_name.argtypes = [ctypes.c_int]
    v.bcev_convention_parse.restype = ctypes.c_int
    v.bcev_convention_parse.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
    v.bcev_wc_default_dir.restype = ctypes.c_char_p
    v.bcev_wc_default_dir.argtypes = []
    _verify, verify_path = v, path
    return v


def ptr(a, t=_dp):
    """ctypes pointer to a contiguous numpy array (None for None)."""
    if a is None:
        return None
    return a.ctypes.data_as(t)
