"""The oracle against closed forms and known values."""
import math
from fractions import Fraction

import numpy as np
import pytest



def test_closed_forms(libbce):
    z = np.array([0.0, 0.0, 1000.0, -1000.0, np.inf, -np.inf])
    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 1.0])
    loss, grad = libbce.oracle.logits(z, y)
    assert loss[0] == math.log(2) == loss[1]           # log 2 rounds to this double
    assert grad[0] == -0.5 and grad[1] == 0.5
    assert loss[2] == 0.0 and loss[3] == 0.0           # e^-1000 underflows
    assert loss[4] == 0.0 and loss[5] == np.inf and grad[5] == -1.0
    # softplus(-z) for large z is e^-z: the correctly rounded e^-40
    l, g = libbce.oracle.logits(np.array([40.0]), np.array([1.0]))
    assert l[0] == math.exp(-40) * (1 - math.exp(-40) / 2) or abs(l[0] / math.exp(-40) - 1) < 1e-15
    assert g[0] == -l[0] or abs(g[0] / -l[0] - 1) < 1e-15
    # probabilities: rational gradient (p - y)/(p(1-p)), exactly rounded
    p = np.array([0.25, 0.5, 0.75])
    y = np.array([1.0, 0.0, 0.5])
    _, g = libbce.oracle.probs(p, y)
    exact = [Fraction(pi) - Fraction(yi) for pi, yi in zip(p, y)]
    exact = [e / (Fraction(pi) * (1 - Fraction(pi))) for e, pi in zip(exact, p)]
    assert list(g) == [float(e) for e in exact]


def test_ulp_error(libbce):
    z = np.array([1.0, 2.0])
    y = np.array([0.0, 1.0])
    ref, _ = libbce.oracle.logits(z, y)
    assert np.all(libbce.ulp_error(ref, z, y) <= 0.5)
    off = np.nextafter(ref, np.inf)
    u = libbce.ulp_error(off, z, y)
    assert np.all((u > 0.5) & (u < 1.5))
    assert np.all(libbce.ulp_error(np.nextafter(off, np.inf), z, y) > 1.5)
    # f32: measured in float ulps
    z32, y32 = z.astype(np.float32), y.astype(np.float32)
    r32, _ = libbce.oracle.logits(z32, y32)
    u = libbce.ulp_error(np.nextafter(r32, np.float32(np.inf)), z32, y32)
    assert np.all((u > 0.5) & (u < 1.5))
    # a reduced loss: a float
    r, _ = libbce.oracle.logits(z, y, reduction="mean")
    assert isinstance(r, float)
    assert libbce.ulp_error(r, z, y, reduction="mean") <= 0.5
    assert libbce.ulp_error(float("nan"), z, y, reduction="mean") == math.inf


def test_conventions(libbce):
    # torch's probability-form gradient: (p - y) / max(p(1-p), 1e-12f)
    p = np.array([0.0, 1e-20, 0.5])
    y = np.array([1.0, 1.0, 1.0])
    _, g = libbce.oracle.probs(p, y, convention="torch")
    eps = float(np.float32(1e-12))
    assert g[0] == -1 / eps and g[2] == -2.0
    with pytest.raises(ValueError, match="smoothing"):
        libbce.oracle.logits(np.zeros(1), np.ones(1), label_smoothing=0.1, convention="torch")
    with pytest.raises(ValueError, match="unknown convention"):
        libbce.oracle.logits(np.zeros(1), np.ones(1), convention="mxnet")


def test_bounds(libbce):
    assert libbce.oracle.bound("logits", np.float32, "loss", "hard") == 0.5
    assert libbce.oracle.bound("logits", np.float64, "loss", "hard") == 1.0
    assert libbce.oracle.bound("probs", np.float64, "grad", "options") == 0.5
    assert libbce.oracle.bound("logits", np.float64, "grad", "reduced") == 2.0


def test_exact_values(libbce):
    import decimal
    z = np.array([0.0, 40.0, np.inf])
    y = np.array([1.0, 1.0, 1.0])
    e = libbce.oracle.exact(z, y, digits=40)
    assert e.shape == (3,) and all(isinstance(v, decimal.Decimal) for v in e)
    with decimal.localcontext() as c:
        c.prec = 60
        assert abs(e[0] - decimal.Decimal(2).ln()) < decimal.Decimal("1e-39")
        # softplus(-40) = log1p(e^-40)
        t = decimal.Decimal(-40).exp()
        assert abs(e[1] - (t - t * t / 2 + t ** 3 / 3)) < decimal.Decimal("1e-56")
    assert e[2] == 0
    g = libbce.oracle.exact(z, y, output="grad")
    assert g[0] == decimal.Decimal("-0.5")
    # the correctly rounded value is the exact value rounded
    loss, _ = libbce.oracle.logits(z, y)
    assert [float(v) for v in e] == list(loss)
    r = libbce.oracle.exact(z[:2], y[:2], reduction="mean")
    assert isinstance(r, decimal.Decimal) and abs(float(r) - float((e[0] + e[1]) / 2)) < 1e-16
