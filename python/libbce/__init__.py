"""libbce: the correctly rounded binary cross-entropy of logistic regression
and its gradient, for numpy arrays (ctypes over libbce.so and
libbce-verify.so; docs/PYTHON.md).

    import numpy as np, libbce
    loss, grad = libbce.logits(np.array([-2.0, 0.0, 40.0]), np.array([0.0, 1.0, 1.0]))
    exact = libbce.oracle.logits(z, y)                      # MPFR, correctly rounded
    libbce.check(my_bce, form="logits").assert_ok()         # a port, every regime

Kernels: logits, probs (float64 and float32, options pos_weight,
label_smoothing, clamp, weights, reduction; bf16 and f16 inputs with
type=, out_type=, helpers bf16_bits, bf16_values).  The oracle: libbce.oracle and
libbce.ulp_error.  The port checker: libbce.check.  The gradient checkers:
libbce.gradcheck (finite differences of any function) and
libbce.check_logreg (a logistic regression's gradient against the exact
one, judged by the C function `bce gradcheck` calls: logreg_judge).
ISAs: isa, isas, set_isa.  Errors: libbce.Error (a ValueError) with
.status and .index.
"""
from . import _lib
from ._kernels import Error, logits, probs
from ._lowp import bf16_bits, bf16_values
from . import oracle
from .oracle import ulp_error
from ._check import check, CheckResult, IUTError, configurations, REGIMES
from ._gradcheck import (gradcheck, hvpcheck, GradcheckResult, check_logreg, LogregCheckResult,
                         logreg_exact, logreg_judge, logreg_judge_hv)

__version__ = _lib.lib.bce_version().decode()
version = __version__

__all__ = ["Error", "logits", "probs", "oracle", "ulp_error", "check", "CheckResult",
           "IUTError", "configurations", "REGIMES", "gradcheck", "hvpcheck", "GradcheckResult",
           "check_logreg", "LogregCheckResult", "logreg_exact", "logreg_judge",
           "logreg_judge_hv", "bf16_bits", "bf16_values", "isa", "isas", "set_isa",
           "__version__", "library_paths"]


def isa():
    """The name of the active instruction set ("scalar", "sse4.1", "avx2", "avx512", "neon")."""
    return _lib.lib.bce_active_isa().decode()


def isas(runnable_only=False):
    """The ISAs libbce knows, baseline first: a list of (name, runnable here)."""
    out = []
    for i in range(_lib.lib.bce_isa_count()):
        n = _lib.lib.bce_isa_name(i).decode()
        ok = bool(_lib.lib.bce_isa_available(n.encode()))
        if ok or not runnable_only:
            out.append((n, ok))
    return out


def set_isa(name):
    """Select the kernels of one ISA for the whole process (or "auto").
    Every ISA gives the same bits.  Raises Error (BCE_E_UNKNOWN_ISA,
    BCE_E_ISA_UNAVAILABLE) and changes nothing when it cannot."""
    st = _lib.lib.bce_set_isa(str(name).encode())
    if st != 0:
        raise Error(st, None, "set_isa(%r)" % (name,))


def library_paths():
    """The shared libraries this package loaded: {'libbce': path,
    'libbce-verify': path or None if not loaded yet}."""
    return {"libbce": _lib.lib_path, "libbce-verify": _lib.verify_path}
