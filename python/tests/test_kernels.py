"""The kernels through the package: against the MPFR oracle and libbce's
bounds, dtypes, shapes, reductions, options and errors."""

import numpy as np
import pytest



def _inputs(rng, n=2000):
    z = np.concatenate([rng.standard_normal(n // 2) * 20,
                        rng.uniform(-800, 800, n // 4),
                        [0.0, -0.0, np.inf, -np.inf, 5e-324, -1e-300, 37.5, -745.0]])
    z = np.concatenate([z, rng.uniform(-5, 5, n - z.size)])
    y = np.where(rng.random(z.size) < 0.5, rng.integers(0, 2, z.size).astype(float),
                 rng.random(z.size))
    return z, y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("form", ["logits", "probs"])
def test_kernels_within_libbce_bounds(libbce, rng, dtype, form):
    z, y = _inputs(rng)
    x = z if form == "logits" else 1 / (1 + np.exp(-np.clip(z, -700, 700)))
    x, y = x.astype(dtype), y.astype(dtype)
    fn = getattr(libbce, form)
    loss, grad = fn(x, y)
    assert loss.dtype == dtype and grad.dtype == dtype
    for out, got in (("loss", loss), ("grad", grad)):
        b = libbce.oracle.bound(form, dtype, out, "soft")
        u = libbce.ulp_error(got, x, y, form=form, output=out)
        assert np.nanmax(u) <= b, (form, out, np.nanmax(u), b)
        if b == 0.5:   # must be the correctly rounded value, bit for bit
            ref = getattr(libbce.oracle, form)(x, y)[out == "grad"]
            assert np.array_equal(got, ref, equal_nan=True)


def test_f32_equals_oracle(libbce, rng):
    z, y = _inputs(rng)
    z, y = z.astype(np.float32), y.astype(np.float32)
    loss, grad = libbce.logits(z, y)
    rl, rg = libbce.oracle.logits(z, y)
    assert rl.dtype == np.float32
    assert np.array_equal(loss, rl) and np.array_equal(grad, rg)
    # bit for bit, signed zeros included
    assert np.array_equal(np.signbit(grad), np.signbit(rg))


@pytest.mark.parametrize("reduction", ["sum", "mean", "weighted-mean"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_reductions(libbce, rng, reduction, dtype):
    z = (rng.standard_normal(500) * 4).astype(dtype)
    y = rng.random(500).astype(dtype)
    w = rng.uniform(0.1, 3, 500).astype(dtype)
    loss, grad = libbce.logits(z, y, w, reduction=reduction)
    assert type(loss) is float
    assert grad.dtype == dtype and grad.shape == z.shape
    assert libbce.ulp_error(loss, z, y, w, reduction=reduction) <= \
        libbce.oracle.bound("logits", dtype, "loss", "reduced")
    assert np.max(libbce.ulp_error(grad, z, y, w, reduction=reduction, output="grad")) <= \
        libbce.oracle.bound("logits", dtype, "grad", "reduced")
    # the definition: mean = sum / n, weighted mean = sum / sum(w)
    s, _ = libbce.oracle.logits(z, y, w, reduction="sum")
    den = {"sum": 1, "mean": z.size, "weighted-mean": float(np.sum(w.astype(float)))}
    assert loss == pytest.approx(s / den[reduction], rel=1e-6)


def test_options(libbce, rng):
    z = rng.standard_normal(300) * 10
    y = rng.random(300)
    p = 1 / (1 + np.exp(-z))
    for opts in (dict(pos_weight=3.5), dict(pos_weight=0.0), dict(label_smoothing=0.1),
                 dict(pos_weight=0.25, label_smoothing=0.2)):
        for form, x in (("logits", z), ("probs", p)):
            loss, grad = getattr(libbce, form)(x, y, **opts)
            for out, got in (("loss", loss), ("grad", grad)):
                u = libbce.ulp_error(got, x, y, form=form, output=out, **opts)
                assert np.max(u) <= libbce.oracle.bound(form, np.float64, out, "options")
    # pos_weight multiplies the positive term: y = 1, P = 2 doubles the loss
    l1, _ = libbce.logits(z, np.ones_like(z))
    l2, _ = libbce.logits(z, np.ones_like(z), pos_weight=2.0)
    assert np.array_equal(l2, 2 * l1)
    # the clamp (probabilities): log clamped at -100
    loss, grad = libbce.probs(np.array([0.0, 1.0]), np.array([1.0, 0.0]), clamp=True)
    assert np.array_equal(loss, [100.0, 100.0]) and np.array_equal(grad, [0.0, 0.0])
    loss, _ = libbce.probs(np.array([0.0]), np.array([1.0]))
    assert loss[0] == np.inf


def test_shapes_and_array_likes(libbce):
    z = np.arange(12, dtype=float).reshape(3, 4) - 6
    loss, grad = libbce.logits(z, 1.0)                 # scalar label broadcast
    assert loss.shape == (3, 4) and grad.shape == (3, 4)
    l2, _ = libbce.logits(z.T.copy().T, np.ones((3, 4)))   # non-contiguous: copied
    assert np.array_equal(loss, l2)
    l3, _ = libbce.logits(z[:, ::2], np.ones((3, 2)))
    assert np.array_equal(l3, loss[:, ::2])
    l4, _ = libbce.logits(list(z.ravel()), [1] * 12)   # lists, integer labels
    assert np.array_equal(l4, loss.ravel())

    class ArrayLike:
        def __array__(self, dtype=None):
            return np.array([0.0, 1.0])
    l5, _ = libbce.logits(ArrayLike(), np.array([1.0, 1.0]))
    assert l5[0] == pytest.approx(np.log(2))
    l6, _ = libbce.logits(np.array([], dtype=np.float32), np.array([], dtype=np.float32))
    assert l6.size == 0 and l6.dtype == np.float32


def test_dtype_rule(libbce):
    z32 = np.zeros(3, dtype=np.float32)
    with pytest.raises(TypeError, match="mixed dtypes"):
        libbce.logits(z32, np.zeros(3))
    # float16 z runs the f16 entry point (test_lowp.py); float16 among
    # float32 inputs is a mix
    assert libbce.logits(z32.astype(np.float16), np.zeros(3, dtype=np.float16))[0].dtype == np.float32
    with pytest.raises(TypeError, match="float16"):
        libbce.logits(z32, np.zeros(3, dtype=np.float16))
    # Python numbers and integer arrays adopt the floating type
    loss, _ = libbce.logits(z32, [0, 1, 1])
    assert loss.dtype == np.float32
    loss, _ = libbce.logits(z32, np.zeros(3), dtype=np.float64)
    assert loss.dtype == np.float64
    loss, _ = libbce.logits([0, 1], [0, 1])
    assert loss.dtype == np.float64
    loss, _ = libbce.logits(z32, 0.5)              # a Python float adopts float32
    assert loss.dtype == np.float32
    loss, _ = libbce.logits([0.5, 1.5, 2.5], np.ones(3, dtype=np.float32))
    assert loss.dtype == np.float32


def test_errors(libbce):
    z = np.array([0.0, 1.0, np.nan, 2.0])
    with pytest.raises(libbce.Error) as e:
        libbce.logits(z, np.ones(4))
    assert e.value.status == "BCE_E_NAN_LOGIT" and e.value.index == 2
    assert isinstance(e.value, ValueError)
    with pytest.raises(libbce.Error) as e:
        libbce.logits(np.zeros(5), np.array([0, 1, 0.5, 1, 1.5]))
    assert e.value.status == "BCE_E_LABEL_RANGE" and e.value.index == 4
    with pytest.raises(libbce.Error) as e:
        libbce.probs(np.array([0.5, 1.5]), np.ones(2))
    assert e.value.status == "BCE_E_PROB_RANGE" and e.value.index == 1
    with pytest.raises(libbce.Error) as e:
        libbce.logits(np.zeros(3), np.ones(3), np.array([1.0, -1.0, 1.0]))
    assert e.value.status == "BCE_E_WEIGHT_RANGE" and e.value.index == 1
    with pytest.raises(libbce.Error) as e:
        libbce.logits(np.zeros(3), np.ones(3), pos_weight=-1.0)
    assert e.value.status == "BCE_E_BAD_OPTION" and e.value.index is None
    with pytest.raises(libbce.Error) as e:
        libbce.logits(np.zeros(3), np.ones(3), clamp=True)
    assert e.value.status == "BCE_E_BAD_OPTION"
    with pytest.raises(libbce.Error) as e:
        libbce.logits(np.zeros(0), np.ones(0), reduction="mean")
    assert e.value.status == "BCE_E_EMPTY_MEAN"
    with pytest.raises(libbce.Error) as e:
        libbce.logits(np.zeros(2), np.ones(2), np.zeros(2), reduction="weighted-mean")
    assert e.value.status == "BCE_E_ZERO_WEIGHT_SUM"
    with pytest.raises(ValueError, match="reduction"):
        libbce.logits(np.zeros(2), np.ones(2), reduction="avg")
    import pickle
    e2 = pickle.loads(pickle.dumps(e.value))
    assert (e2.status, e2.index, str(e2)) == (e.value.status, e.value.index, str(e.value))
    # NaN propagation on request
    loss, grad = libbce.logits(z, np.ones(4), propagate_nan=True)
    assert np.isnan(loss[2]) and np.isnan(grad[2]) and not np.isnan(loss[3])
    # the oracle validates like the kernels
    with pytest.raises(libbce.Error) as e:
        libbce.oracle.logits(np.zeros(5), np.array([0, 1, 0.5, 1, 1.5]))
    assert e.value.status == "BCE_E_LABEL_RANGE" and e.value.index == 4


def test_isa(libbce):
    names = [n for n, _ in libbce.isas()]
    assert names[0] == "scalar" and "scalar" in dict(libbce.isas(runnable_only=True))
    z = np.linspace(-50, 50, 1001)
    y = np.linspace(0, 1, 1001)
    before = libbce.isa()
    ref = libbce.logits(z, y)
    try:
        for name, ok in libbce.isas():
            if not ok:
                with pytest.raises(libbce.Error) as e:
                    libbce.set_isa(name)
                assert e.value.status == "BCE_E_ISA_UNAVAILABLE"
                continue
            libbce.set_isa(name)
            assert libbce.isa() == name
            got = libbce.logits(z, y)
            assert np.array_equal(got[0], ref[0]) and np.array_equal(got[1], ref[1])
        with pytest.raises(libbce.Error) as e:
            libbce.set_isa("mmx")
        assert e.value.status == "BCE_E_UNKNOWN_ISA"
    finally:
        libbce.set_isa("auto")
    assert libbce.isa() == before


def test_version(libbce, source_root):
    import os
    import re
    h = open(os.path.join(source_root, "include", "bce.h")).read()
    assert libbce.__version__ == re.search(r'BCE_VERSION_STRING "(.*)"', h).group(1)
