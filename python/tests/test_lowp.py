"""bf16/f16 inputs in the Python package (docs/PYTHON.md, "16-bit inputs"):
libbce.logits/probs with type=, out_type= against the MPFR oracle of
libbce-verify (libbce.oracle, bcev_py_ref16: the exact values rounded once
to the output type), on a seeded sample of every form, type and output
type, with options and reductions, and on the float16 edge cases; errors
as libbce.Error with status and index."""
import numpy as np
import pytest

ONE = {"bf16": 0x3F80, "f16": 0x3C00}


def values(libbce, bits, t):
    with np.errstate(invalid="ignore"):   # signalling NaN patterns
        return bits.view(np.float16).astype(np.float64) if t == "f16" else \
            libbce.bf16_values(bits).astype(np.float64)


def sample(libbce, rng, form, t, n):
    """n random valid (x, y) bit patterns of type t, y in [0, 1]."""
    xs, ys = [], []
    while len(xs) < n:
        b = rng.integers(0, 65536, size=4 * n, dtype=np.uint32).astype(np.uint16)
        if form == "probs":
            b = (b % (ONE[t] + 1)).astype(np.uint16)
        v = values(libbce, b, t)
        ok = np.isfinite(v) if form == "logits" else (v >= 0) & (v <= 1)
        xs.extend(b[ok].tolist())
    x = np.array(xs[:n], dtype=np.uint16)
    y = rng.integers(0, ONE[t] + 1, size=n, dtype=np.uint32).astype(np.uint16)
    return x, y


def same(a, b):
    """bit for bit, +0 and -0 equal (libbce: an exact zero is +0)"""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype == np.uint16:   # bf16 bits: compare values
        a = a.astype(np.uint32) << 16
        b = b.astype(np.uint32) << 16
        a, b = a.view(np.float32), b.view(np.float32)
    return np.array_equal(a, b) or bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


@pytest.mark.parametrize("form", ["logits", "probs"])
@pytest.mark.parametrize("t", ["bf16", "f16"])
@pytest.mark.parametrize("out", ["f32", "self"])
def test_sample_against_oracle(libbce, rng, form, t, out):
    out_type = t if out == "self" else "f32"
    x, y = sample(libbce, rng, form, t, 3000)
    fn, ref = getattr(libbce, form), getattr(libbce.oracle, form)
    L, G = fn(x, y, type=t, out_type=out_type)
    RL, RG = ref(x, y, type=t, out_type=out_type)
    want = np.float32 if out_type == "f32" else (np.float16 if t == "f16" else np.uint16)
    assert L.dtype == want and G.dtype == want and L.shape == x.shape
    assert same(L, RL) and same(G, RG)
    # f16: the same through np.float16 arrays (the type implied)
    if t == "f16":
        L2, G2 = fn(x.view(np.float16), y.view(np.float16), out_type=out_type)
        assert same(L2, L) and same(G2, G)


@pytest.mark.parametrize("t", ["bf16", "f16"])
@pytest.mark.parametrize("reduction", ["none", "sum", "mean", "weighted-mean"])
def test_options_against_oracle(libbce, rng, t, reduction):
    x, y = sample(libbce, rng, "logits", t, 400)
    xv = values(libbce, x, t)
    keep = np.abs(xv) <= 1024          # a reduction: finite losses
    x, y = x[keep], y[keep]
    w = libbce.bf16_bits(np.ldexp(1.0, rng.integers(-4, 5, size=x.size))) if t == "bf16" else \
        np.ldexp(1.0, rng.integers(-4, 5, size=x.size)).astype(np.float16)
    for out_type in ("f32", t):
        kw = dict(type=t, out_type=out_type, pos_weight=3.0, label_smoothing=0.25,
                  reduction=reduction)
        L, G = libbce.logits(x, y, w, **kw)
        RL, RG = libbce.oracle.logits(x, y, w, **kw)
        assert same(G, RG)
        if reduction == "none":
            assert same(L, RL)
        else:
            assert isinstance(L, float) and (L == RL)


def test_float16_edges(libbce):
    big, tiny = 65504.0, 2.0 ** -24
    z = np.array([big, -big, np.inf, -np.inf, tiny, -tiny, 0.0, -0.0, 1.0, 11.0],
                 dtype=np.float16)
    for y in (0.0, 1.0, 0.5, tiny, 1 - 2.0 ** -11):
        yy = np.full(z.shape, y, dtype=np.float16)
        for out_type in ("f32", "f16"):
            L, G = libbce.logits(z, yy, out_type=out_type)
            RL, RG = libbce.oracle.logits(z, yy, out_type=out_type)
            assert same(L, RL) and same(G, RG), (y, out_type, L, RL, G, RG)
    # docs/PORTING.md: the f16 loss of z = 65504, y = 0 is 65504; with
    # pos_weight 2 and y = 1 at z = -65504 it overflows to +inf
    L, _ = libbce.logits(np.float16([big]), np.float16([0]), out_type="f16")
    assert L[0] == np.float16(big)
    L, _ = libbce.logits(np.float16([-big]), np.float16([1]), out_type="f16", pos_weight=2)
    assert np.isinf(L[0]) and L[0] > 0
    p = np.array([0.0, 1.0, tiny, 1 - 2.0 ** -11, 0.5], dtype=np.float16)
    for y in (0.0, 1.0, 0.25):
        yy = np.full(p.shape, y, dtype=np.float16)
        for clamp in (False, True):
            for out_type in ("f32", "f16"):
                L, G = libbce.probs(p, yy, out_type=out_type, clamp=clamp)
                RL, RG = libbce.oracle.probs(p, yy, out_type=out_type, clamp=clamp)
                assert same(L, RL) and same(G, RG), (y, clamp, out_type, L, RL, G, RG)


def test_bf16_bits_roundtrip(libbce):
    b = np.arange(65536, dtype=np.uint32).astype(np.uint16)
    v = libbce.bf16_values(b)
    ok = ~np.isnan(v)
    assert np.array_equal(libbce.bf16_bits(v[ok].astype(np.float64)), b[ok])
    with pytest.raises(ValueError, match="index 1"):
        libbce.bf16_bits([1.0, 0.1])


def test_errors(libbce):
    one = np.float16([1.0, 1.0, 1.0])
    with pytest.raises(libbce.Error) as e:
        libbce.logits(np.float16([1.0, 2.0, np.nan]), one)
    assert e.value.status == "BCE_E_NAN_LOGIT" and e.value.index == 2
    with pytest.raises(libbce.Error) as e:
        libbce.logits(np.float16([1.0, 2.0, 3.0]), np.float16([1.0, 1.5, 0.0]), out_type="f16")
    assert e.value.status == "BCE_E_LABEL_RANGE" and e.value.index == 1
    with pytest.raises(libbce.Error) as e:
        libbce.probs(libbce.bf16_bits([0.5, 2.0]), libbce.bf16_bits([1, 1]), type="bf16")
    assert e.value.status == "BCE_E_PROB_RANGE" and e.value.index == 1
    with pytest.raises(libbce.Error) as e:   # the oracle validates as the kernels do
        libbce.oracle.logits(np.float16([np.nan]), np.float16([1]))
    assert e.value.index == 0
    with pytest.raises(TypeError, match="bf16 inputs are uint16"):
        libbce.logits(np.float16([1.0]), np.float16([1.0]), type="bf16")
    with pytest.raises(ValueError, match="out_type"):
        libbce.logits(libbce.bf16_bits([1.0]), libbce.bf16_bits([1.0]), type="bf16", out_type="f16")
    with pytest.raises(ValueError, match="out_type"):
        libbce.logits(np.array([1.0]), np.array([1.0]), out_type="f32")
    with pytest.raises(TypeError, match="dtype="):
        libbce.logits(np.float16([1.0]), np.float16([1.0]), dtype=np.float32)
    with pytest.raises(ValueError, match=r"y: value 0.1 \(index 1\) is not exactly a f16 value"):
        libbce.logits(np.float16([1.0, 1.0]), [1.0, 0.1])
    with pytest.raises(ValueError, match="type must be"):
        libbce.logits([1.0], [1.0], type="f8")
