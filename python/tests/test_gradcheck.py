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
    assert "cond-ratio" in str(r) and "max cond-ratio %.3g" % r.max_ratio in str(r)
    # the report names the parameter vector and the worst coordinate
    assert "parameter vector #2 (4 N(0,1), seed 1): w = [" in str(r)
    assert "PASS exact: worst %d (%s)" % (r.points[0]["worst_index"], r.points[0]["worst"]) \
        in str(r)
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

    def penalises_intercept_in_both(w):   # the exact derivative of the wrong loss
        loss, g = penalises_intercept(w)
        return loss + 0.25 * w[0] ** 2, g
    r = libbce.check_logreg(penalises_intercept_in_both, X, y, l2=0.5,
                            w=np.array([1.0, 0.5, -0.5, 0.25, 0.0]))
    p = r.points[0]
    assert not r and not p["exact_ok"] and p["worst"] == "intercept" and p["fd"].ok

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
    assert not r and all(p["worst"] == "w_3" for p in r.points)
    # the same float32 answers judged as float64 fail: u = 2^-53 there
    assert not libbce.check_logreg(f32, X, y)


def test_check_logreg_reports_both_verdicts():
    X, y = problem()
    n = X.shape[0]
    good = textbook(X, y)
    r = libbce.check_logreg(good, X, y)
    assert all(p["exact_ok"] and p["fd"].ok for p in r.points)
    assert "PASS fd (finite differences of fn's loss): worst" in str(r)

    def loss_not_divided(w):     # the gradient is right, its loss is not
        loss, g = good(w)
        return loss * n, g
    r = libbce.check_logreg(loss_not_divided, X, y)
    assert not r
    assert all(p["exact_ok"] and not p["fd"].ok for p in r.points)
    assert "PASS exact: worst" in str(r) and "FAIL fd (finite differences of fn's loss)" in str(r)
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


# ------------------------------------------------------------------------
# check_logreg and `bce gradcheck` judge with the same C function
# (bcev_logreg_judge / _judge_hv): the same problem, w, v and claims give the
# same figures, bit for bit.

def textbook_hvp(X, sw=None):
    n = X.shape[0]
    Xt = np.hstack([np.ones((n, 1)), X])
    sw = np.ones(n) if sw is None else sw

    def hvp(w, v):
        s = 1 / (1 + np.exp(-(Xt @ w)))
        return Xt.T @ (sw * s * (1 - s) * (Xt @ v)) / n
    return hvp


def _fromhex(x):
    return float.fromhex(x) if isinstance(x, str) else float(x)


def _num(x):   # ratios and ulps are JSON numbers ("inf" as a string)
    return float(x)


CLI_CASES = {
    # name: (bce gradcheck options, check_logreg keywords, gc_numpy.py arguments)
    "options": (["--weight-column", "wt", "--reduction", "weighted-mean", "--l2", "0.1",
                 "--pos-weight", "2", "--smoothing", "0.05", "--mode", "exact", "--mode", "hvp"],
                dict(reduction="weighted-mean", l2=0.1, pos_weight=2.0, label_smoothing=0.05),
                []),
    "intercept-bug": (["--mode", "exact", "--mode", "hvp"], {}, ["--intercept-bug"]),
    "f32": (["--type", "f32", "--mode", "exact"], dict(dtype=np.float32), []),
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_check_logreg_verdict_equals_bce_gradcheck(case, source_root, tmp_path):
    """The CLI on a CSV with docs/porting/gc_numpy.py behind the process
    route (its requests and answers recorded by tee), then check_logreg on
    the same data at the w the JSON reports (and the v of the log), with the
    claims the CLI read: every per-coordinate figure equal, bit for bit."""
    import json
    import os
    import subprocess
    import sys
    bce = os.environ.get("LIBBCE_TEST_BCE")
    if not bce:
        pytest.skip("LIBBCE_TEST_BCE not set (meson test sets it to build/tools/bce)")
    cli_opts, kw, iut_args = CLI_CASES[case]
    rng = np.random.default_rng(7)
    n = 200
    X = np.column_stack([rng.standard_normal(n), 50 + 10 * rng.standard_normal(n),
                         0.01 * rng.standard_normal(n)])
    y = (rng.random(n) < 0.4).astype(float)
    sw = rng.uniform(0.5, 2, n)
    cols = ["age", "dose", "score"]
    with open(tmp_path / "d.csv", "w") as f:
        f.write(",".join(cols) + ",wt,y\n")
        for i in range(n):
            f.write(",".join(repr(float(t)) for t in (*X[i], sw[i], y[i])) + "\n")
    if "--weight-column" not in cli_opts:           # wt is a feature then: drop it
        with open(tmp_path / "d.csv") as f:
            rows = [line.rstrip("\n").split(",") for line in f]
        with open(tmp_path / "d.csv", "w") as f:
            f.writelines(",".join(r[:3] + r[4:]) + "\n" for r in rows)
    else:
        kw = dict(kw, sample_weight=sw)
    gc_numpy = os.path.join(source_root, "docs", "porting", "gc_numpy.py")
    cmd = [bce, "gradcheck", "--csv", "d.csv", "--label-column", "y", *cli_opts,
           "--json", "-", "--", "sh", "-c", 'tee "$1" | "$2" "$3" "$4" | tee "$5"', "sh",
           "in.log", sys.executable, gc_numpy, *(iut_args or ["--"]), "out.log"]
    p = subprocess.run(cmd, cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    bug = case == "intercept-bug"
    assert p.returncode == (1 if bug else 0), p.stdout + p.stderr
    prob = json.loads(p.stdout)["problems"][0]
    co = prob["coordinates"]
    assert [c["name"] for c in co] == ["intercept"] + cols
    w = np.array([_fromhex(c["w"]) for c in co])
    claimed = np.array([_fromhex(c["claimed"]) for c in co])
    log_in = (tmp_path / "in.log").read_text().splitlines()
    log_out = (tmp_path / "out.log").read_text().splitlines()
    first_w = next(t for t in log_in if t.startswith("w "))
    assert np.array_equal([float.fromhex(t) for t in first_w.split()[1:]], w)
    hvp = v = None
    if prob["exact_hv"] is not None:
        v = np.array([float.fromhex(t) for t in
                      next(t for t in log_in if t.startswith("v ")).split()[1:]])
        hv = np.array([float.fromhex(t) for t in
                       next(t for t in log_out if t.startswith("hv ")).split()[1:]])

        def hvp(w_, v_):
            return hv

    r = libbce.check_logreg(lambda w_: (_fromhex(prob["loss"]), claimed), X, y, w=w,
                            hvp=hvp, v=v, names=cols, fd=False, **kw)
    pt = r.points[0]
    assert np.array_equal(pt["w"], w) and np.array_equal(pt["grad"], claimed)
    for key, jkey, conv in (("grad_exact", "exact", _fromhex), ("ulps", "ulps", _num),
                            ("cond", "cond", _fromhex), ("ratio", "cond_ratio", _num),
                            ("sig_ratio", "sig_ratio", _num)):
        cli = np.array([conv(c[jkey]) for c in co])
        assert np.array_equal(pt[key], cli), (key, pt[key], cli)
    assert [bool(x) for x in pt["ratio"] <= 64] == [c["exact_pass"] for c in co]
    ex = prob["exact"]
    assert pt["exact_ok"] == ex["pass"] and pt["worst"] == ex["worst_name"]
    assert pt["n_fail"] == ex["n_fail"] and float(np.max(pt["ratio"])) == _num(ex["max_cond_ratio"])
    if hvp is not None:
        eh = prob["exact_hv"]
        j = pt["hv_worst_index"]
        assert pt["hv_worst"] == eh["worst_name"] and pt["hv_ok"] == eh["pass"]
        assert pt["hv_n_fail"] == eh["n_fail"]
        assert pt["hv_ratio"][j] == _num(eh["max_cond_ratio"]) and pt["hv_ulps"][j] == \
            _num(eh["ulps"])
        assert pt["hv"][j] == _fromhex(eh["claimed"]) and pt["hv_exact"][j] == \
            _fromhex(eh["exact"])
    if bug:                      # fails, naming the intercept (and only it)
        assert not r and pt["worst"] == "intercept" and pt["n_fail"] == 1
        assert "FAIL exact: worst 0 (intercept)" in str(r)
        assert "FAIL intercept: claimed" in str(r)
    else:
        assert r and 0 < r.max_ratio < 64
    if case == "f32":            # judged with u = 2^-24: 2^29 times the f64 figure
        r64 = libbce.logreg_judge(X.astype(np.float32), y, w, claimed)
        assert np.array_equal(r64["ratio"], pt["ratio"] * 2.0 ** 29)


def test_check_logreg_hvp():
    X, y = problem(k=4)
    n = X.shape[0]
    r = libbce.check_logreg(textbook(X, y), X, y, hvp=textbook_hvp(X))
    r.assert_ok()
    assert all(p["hv_ok"] and p["hv_fd"].ok for p in r.points) and 0 < r.max_hv_ratio < 64
    assert "PASS exact-hv: worst" in str(r) and "max Hv cond-ratio" in str(r)
    good = textbook_hvp(X)

    def not_divided(w, v):           # the Hessian's intercept row not divided by n
        h = good(w, v).copy()
        h[0] *= n
        return h
    r = libbce.check_logreg(textbook(X, y), X, y, hvp=not_divided)
    assert not r and all(p["exact_ok"] and not p["hv_ok"] and not p["hv_fd"].ok
                         and p["hv_worst"] == "intercept" for p in r.points)
    assert "FAIL Hv intercept: claimed" in str(r)


def test_check_logreg_names_and_refusals():
    X, y = problem(k=2)
    fn = textbook(X, y)
    r = libbce.check_logreg(fn, X, y, names=["height", "mass"], w=np.zeros(3))
    assert r.names == ["intercept", "height", "mass"]
    with pytest.raises(ValueError, match="reduction 'none' is refused"):
        libbce.check_logreg(fn, X, y, reduction="none")
    with pytest.raises(ValueError, match="3 names for 2 coordinates"):
        libbce.check_logreg(fn, X, y, intercept=False, names=["a", "b", "c"])


def test_check_logreg_libbce_itself_through_its_shim():
    """libbce's own fused regression (the --lib shim bcev_logreg_shim_f64,
    what `bce gradcheck` with no IUT checks) is within one u C_j."""
    from libbce import _lib
    X, y = problem()
    n, k = X.shape
    Xc = np.ascontiguousarray(X)

    def shim(w):
        loss, g = np.empty(1), np.empty(k + 1)
        st = _lib.verify().bcev_logreg_shim_f64(n, k, _lib.ptr(Xc), k, _lib.ptr(y), None, 1,
                                                0.0, 1.0, 0.0, 2, _lib.ptr(w), _lib.ptr(loss),
                                                _lib.ptr(g), None, None)
        assert st == 0
        return loss[0], g
    r = libbce.check_logreg(lambda w: shim(np.ascontiguousarray(w)), X, y)
    r.assert_ok()
    assert r.max_ratio < 1
    assert all(p["loss_ratio"] <= 0.5 for p in r.points)    # correctly rounded loss


def test_porting_from_pytest_example(source_root, tmp_path):
    """docs/PORTING.md "From pytest: libbce.check_logreg", extracted and run
    by pytest exactly as written: both of its tests pass."""
    import os
    import re
    import subprocess
    import sys
    text = open(os.path.join(source_root, "docs", "PORTING.md")).read()
    sec = text[text.index("### From pytest: `libbce.check_logreg`"):]
    code = re.search(r"```python\n(.*?)```", sec, re.S).group(1)
    f = tmp_path / "test_porting_example.py"
    f.write_text(code)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(libbce.__file__)))
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        str(f)], capture_output=True, text=True, timeout=120,
                       cwd=str(tmp_path), env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 passed" in r.stdout, r.stdout
    # the report shown under it is what the example's bug prints
    ns = {}
    exec(compile(code, str(f), "exec"), ns)

    def buggy(w):
        loss, g = ns["my_logreg"](w)
        g[0] *= len(ns["y"])
        return loss, g
    out = str(libbce.check_logreg(buggy, ns["X"], ns["y"])).splitlines()
    shown = re.search(r"first vector of three\):\n\n```\n(.*?)```", sec, re.S).group(1)
    shown = shown.splitlines()

    def form(line):    # the figures depend on numpy's sums: compare the rest
        return re.sub(r"[-+]?[0-9][-+0-9.e]*", "#", line)
    assert shown[0] == out[0]
    assert [form(t) for t in shown[1:5] + shown[-1:]] == \
        [form(t) for t in out[1:5] + out[-1:]], (shown, out)
