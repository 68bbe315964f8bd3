"""libbce.gradcheck (finite differences of any function) and
libbce.check_logreg (a logistic regression against the exact gradient)."""
import numpy as np
import pytest

import libbce


def problem(n=300, k=6, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, k)) * scale
    y = (rng.random(n) < 0.4).astype(float)
    return X, y


def textbook(X, y, sw=None, l2=0.0):
    """The textbook logistic regression, mean reduction, intercept first."""
    n = X.shape[0]
    sw = np.ones(n) if sw is None else sw

    def fn(w):
        z = w[0] + X @ w[1:]
        s = 1 / (1 + np.exp(-z))
        loss = np.sum(sw * (np.logaddexp(0, z) - y * z)) / n + l2 / 2 * np.sum(w[1:] ** 2)
        r = sw * (s - y) / n
        return loss, np.concatenate([[r.sum()], X.T @ r + l2 * w[1:]])
    return fn


def test_check_logreg_textbook_passes_and_reports_conditioning():
    X, y = problem()
    r = libbce.check_logreg(textbook(X, y), X, y)
    r.assert_ok()
    assert len(r.points) == 3 and 0 < r.max_ratio < 64
    assert "conditioning" in str(r)
    # weights and L2 (not applied to the intercept)
    sw = np.random.default_rng(1).uniform(0.5, 2, X.shape[0])
    libbce.check_logreg(textbook(X, y, sw, l2=0.3), X, y, sample_weight=sw, l2=0.3).assert_ok()


def test_check_logreg_intercept_bug_fails_naming_the_intercept():
    X, y = problem()
    n = X.shape[0]
    good = textbook(X, y)

    def intercept_not_divided(w):
        loss, g = good(w)
        g = g.copy()
        g[0] *= n
        return loss, g
    r = libbce.check_logreg(intercept_not_divided, X, y)
    assert not r and r.max_ratio > 1e10
    assert all(p["worst"] == "intercept" for p in r.points)
    with pytest.raises(AssertionError, match="intercept"):
        r.assert_ok()


def test_check_logreg_l2_on_intercept_and_float32_accumulator():
    X, y = problem(k=4)
    good = textbook(X, y, l2=0.5)

    def penalises_intercept(w):
        loss, g = good(w)
        return loss, g + np.concatenate([[0.5 * w[0]], np.zeros(4)])
    r = libbce.check_logreg(penalises_intercept, X, y, l2=0.5,
                            w=np.array([1.0, 0.5, -0.5, 0.25, 0.0]))
    assert not r and r.points[0]["worst"] == "intercept"

    def f32_accumulator(w):
        loss, g = good(w)
        return loss, g.astype(np.float32).astype(np.float64)
    r = libbce.check_logreg(f32_accumulator, X, y, l2=0.5)
    assert not r   # float32 rounding is ~2^29 times u*conditioning of f64


def test_check_logreg_separable_tails():
    # separable data, large weights: rows deep in the tails, tiny gradient
    X, y = problem(n=200, k=3, seed=3)
    y = (X[:, 0] > 0).astype(float)
    w = np.array([0.0, 40.0, 0.0, 0.0])
    good = textbook(X, y)
    libbce.check_logreg(good, X, y, w=w).assert_ok()

    def sigma_minus_y(w):   # sigma(z) - y cancels, but u * sum|r_i x_ij| sees it
        z = w[0] + X @ w[1:]
        r = (1 / (1 + np.exp(-z)) - y) / X.shape[0]
        return 0.0, np.concatenate([[r.sum()], X.T @ r])
    r = libbce.check_logreg(sigma_minus_y, X, y, w=w)
    assert r.max_ratio >= 1   # reported; whether it fails depends on the rows


def test_check_logreg_problem_errors():
    X, y = problem(k=2)
    with pytest.raises(libbce.Error) as e:
        libbce.check_logreg(textbook(X, y), X, y * 2, w=np.zeros(3))
    assert e.value.status == "BCE_E_LABEL_RANGE"


def test_gradcheck_passes_and_fails():
    X, y = problem()
    fn = textbook(X, y)
    w = np.random.default_rng(2).standard_normal(X.shape[1] + 1)
    r = libbce.gradcheck(lambda w: fn(w)[0], lambda w: fn(w)[1], w)
    r.assert_ok()
    assert r.n_evals == 2 * 8 * w.size and r.fd.shape == w.shape
    assert np.allclose(r.fd, fn(w)[1], rtol=1e-9, atol=1e-12)
    rd = libbce.gradcheck(lambda w: fn(w)[0], lambda w: fn(w)[1], w, mode="dirs", ndirs=4)
    assert rd and rd.count == 4

    def perturbed(w):
        g = fn(w)[1].copy()
        g[2] *= 1 + 1e-5
        return g
    r = libbce.gradcheck(lambda w: fn(w)[0], perturbed, w, names=["intercept"] +
                         ["x%d" % j for j in range(1, w.size)])
    assert not r and r.worst_name == "x2" and r.n_fail == 1
    with pytest.raises(AssertionError, match="x2"):
        r.assert_ok()
    assert not libbce.gradcheck(lambda w: fn(w)[0], perturbed, w, mode="dirs")


def test_gradcheck_errors_name_the_coordinate():
    def loss(w):
        return np.inf if w[1] > 1.01 else float(np.sum(w ** 2))
    with pytest.raises(ValueError, match=r"w\[1\]"):
        libbce.gradcheck(loss, lambda w: 2 * w, np.array([0.0, 1.0]))

    def boom(w):
        raise KeyError("user error")
    with pytest.raises(KeyError):
        libbce.gradcheck(boom, lambda w: 2 * w, np.array([0.0, 1.0]))


def test_torch_autograd_gradient():
    torch = pytest.importorskip("torch", reason="PyTorch not installed (python3-torch)")
    X, y = problem(k=3)
    Xt, yt = torch.tensor(X), torch.tensor(y)

    def fn(w):
        wt = torch.tensor(w, requires_grad=True)
        z = wt[0] + Xt @ wt[1:]
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, yt)
        loss.backward()
        return loss.detach(), wt.grad
    libbce.check_logreg(fn, X, y).assert_ok()


def test_check_logreg_float32_with_the_unit_roundoff_of_float32():
    X, y = problem()
    X, y = X.astype(np.float32), y.astype(np.float32)
    n = X.shape[0]

    def f32(w):
        w = w.astype(np.float32)
        z = w[0] + X @ w[1:]
        r = (1 / (1 + np.exp(-z)) - y) / np.float32(n)
        return np.mean(np.logaddexp(0, z) - y * z), np.concatenate([[r.sum()], X.T @ r])
    r = libbce.check_logreg(f32, X, y, dtype=np.float32)
    r.assert_ok()
    assert r.max_ratio > 0.01          # float32 errors, measured against 2^-24

    def off(w):
        loss, g = f32(w)
        g = g.copy()
        g[3] *= 1.001                  # 0.1%: thousands of float32 conditionings
        return loss, g
    r = libbce.check_logreg(off, X, y, dtype=np.float32)
    assert not r and all(p["worst"] == "x3" for p in r.points)
    # the same float32 answers judged as float64 fail: u = 2^-53 there
    assert not libbce.check_logreg(f32, X, y)


def test_check_logreg_reports_both_verdicts():
    X, y = problem()
    n = X.shape[0]
    good = textbook(X, y)
    r = libbce.check_logreg(good, X, y)
    assert all(p["exact_ok"] and p["fd"].ok for p in r.points)
    assert "finite differences of fn's loss: PASS" in str(r)

    def loss_not_divided(w):     # the gradient is right, its loss is not
        loss, g = good(w)
        return loss * n, g
    r = libbce.check_logreg(loss_not_divided, X, y)
    assert not r
    assert all(p["exact_ok"] and not p["fd"].ok for p in r.points)
    assert "exact gradient: pass" in str(r) and "finite differences of fn's loss: FAIL" in str(r)
    assert libbce.check_logreg(loss_not_divided, X, y, fd=False)


def test_hvpcheck():
    X, y = problem(k=4)
    n = X.shape[0]
    Xt = np.hstack([np.ones((n, 1)), X])
    good = textbook(X, y)

    def hvp(w, v):
        s = 1 / (1 + np.exp(-(Xt @ w)))
        return Xt.T @ (s * (1 - s) * (Xt @ v)) / n
    rng = np.random.default_rng(5)
    w, v = rng.standard_normal(5), rng.standard_normal(5)
    r = libbce.hvpcheck(lambda w: good(w)[1], hvp, w, v)
    r.assert_ok()
    assert r.mode == "hv" and r.count == 5 and np.allclose(r.fd, hvp(w, v), rtol=1e-8)
    bad = libbce.hvpcheck(lambda w: good(w)[1], lambda w, v: hvp(w, v) * (1 + 1e-4), w, v)
    assert not bad
