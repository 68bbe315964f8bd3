"""libbce.check: libbce's own kernels pass, a naive numpy formula fails where
it should, the figures are `bce check`'s, and the callable's errors are
reported with the configuration."""
import json
import os
import subprocess

import numpy as np
import pytest

import libbce


def libbce_logits(z, y, w=None, **options):
    return libbce.logits(z, y, w, **options)


def libbce_probs(p, y, w=None, **options):
    return libbce.probs(p, y, w, **options)


def tf_logits(z, y, w=None, **options):
    """TensorFlow's sigmoid_cross_entropy_with_logits in numpy (no options)."""
    with np.errstate(all="ignore"):
        loss = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
        grad = 1 / (1 + np.exp(-z)) - y
    return loss, grad


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("form", ["logits", "probs"])
def test_libbce_passes_every_configuration(dtype, form):
    fn = libbce_logits if form == "logits" else libbce_probs
    r = libbce.check(fn, form, dtype, samples=150, max_ulp="libbce")
    r.assert_ok()
    assert r and r.ok and not r.failures
    n_cfg = len(libbce.configurations(form, "all"))
    assert len(r.configs) == n_cfg
    regimes = {g.regime for g in r.groups}
    assert regimes == set(libbce.REGIMES) | {"reduced"}
    # f32 without options: correct rounding is the bound and it is met
    if dtype == np.float32:
        g = [g for g in r.groups if g.config == r.configs[0]]
        assert all(x.bound == 0.5 for x in g)


def test_tensorflow_formula_fails_in_the_positive_tail():
    r = libbce.check(tf_logits, "logits", np.float64, options="default", samples=200)
    assert not r
    with pytest.raises(AssertionError, match="tail_pos"):
        r.assert_ok()
    g = {(x.regime, x.output): x for x in r.groups}
    tail = g[("tail_pos", "grad")]
    assert tail.failing == 100 and tail.max_ulp > 1e15
    assert tail.worst["got"] == 0.0 and tail.worst["expected"] < 0   # sigma(z) - 1 = 0
    assert g[("special", "loss")].worst["got"] != g[("special", "loss")].worst["got"]  # NaN
    assert r.outputs == 2800 and len(r.failures) == 624   # docs/PORTING.md example 3
    assert "FAIL: 2800 outputs judged, 624 failing" in str(r)
    # the failing rows are real: their expected values are the oracle's
    f = [f for f in r.failures if f.regime == "tail_pos" and f.output == "grad"][0]
    _, ref = libbce.oracle.logits(np.array([f.x]), np.array([f.y]))
    assert ref[0] == f.expected


def test_to_dict_is_bce_checks_json_shape():
    def tf_mean(z, y, reduction="none"):
        loss, grad = tf_logits(z, y)
        return (loss, grad) if reduction == "none" else (loss.mean(), grad / z.size)
    r = libbce.check(tf_mean, options=[{}, dict(reduction="mean")], samples=50)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["tool"] == "libbce.check" and d["schema"] == 1 and d["pass"] is False
    assert d["failing_total"] == len(r.failures) == len(d["failing_rows"])
    red = [g for g in d["groups"] if g["regime"] == "reduced"]
    assert len(red) == 1 and red[0]["grad"] is None and "x" not in red[0]["loss"]
    g = [g for g in d["groups"] if g["regime"] == "tail_pos" and g["config"] == 0][0]
    tp = [x for x in r.groups if x.regime == "tail_pos" and x.output == "grad"][0]
    assert g["failing"][1] == tp.failing > 0 and g["grad"]["got"] == "0x0p+0"
    assert float.fromhex(g["grad"]["x"]) > 0


def test_filters_regimes_reductions_bounds():
    r = libbce.check(tf_logits, options="default", regimes=["tail_neg"], samples=100)
    assert {g.regime for g in r.groups} == {"tail_neg"}
    r = libbce.check(libbce_logits, reductions="mean", samples=50)
    assert all("reduction=mean" in c for c in r.configs) and len(r.configs) == 2
    assert r
    # a bound nobody meets: libbce's own f64 gradients are not all exact
    r = libbce.check(libbce_logits, options="default", max_ulp_grad=0.0, samples=50)
    assert not r and all(f.output == "grad" for f in r.failures)


def test_explicit_options_and_keywords():
    seen = []

    def spy(z, y, w=None, **kw):
        seen.append((w is not None, kw))
        return libbce.logits(z, y, w, **kw)
    libbce.check(spy, options=dict(pos_weight=2.0, weights=True, reduction="sum"),
                 samples=10).assert_ok()
    assert seen == [(True, {"pos_weight": 2.0, "reduction": "sum"})]
    seen.clear()
    libbce.check(spy, options="default", samples=10).assert_ok()
    assert seen == [(False, {})]


def test_callable_errors():
    with pytest.raises(libbce.IUTError, match="grad has 699 values"):
        libbce.check(lambda z, y: (z, z[1:]), options="default", samples=100)
    with pytest.raises(libbce.IUTError, match="not a pair"):
        libbce.check(lambda z, y: z, options="default", samples=100)

    def no_options(z, y):
        return libbce.logits(z, y)
    with pytest.raises(TypeError) as e:
        libbce.check(no_options, samples=10)
    assert any("pos_weight=0x1.cp+1" in n for n in getattr(e.value, "__notes__", [])) or \
        not hasattr(e.value, "add_note")


def test_convention_skips_what_the_peer_lacks():
    r = libbce.check(libbce_logits, convention="torch", samples=20)
    assert r.skipped and all("smoothing" in s or "weighted mean" in s for s in r.skipped)


def _bce_json(args, tmp_path):
    bce = os.environ.get("LIBBCE_TEST_BCE")
    if not bce or not os.path.exists(bce):
        pytest.skip("the bce tool is not built here (LIBBCE_TEST_BCE)")
    out = tmp_path / "check.json"
    subprocess.run([bce, "check", "--quiet", "--json", str(out)] + args,
                   stdout=subprocess.DEVNULL, timeout=120)
    return json.loads(out.read_text())


def _same_figures(d, r):
    groups = {}
    for g in d["groups"]:
        for k, out in ((0, "loss"), (1, "grad")):
            if g.get(out) is not None:
                name = "reduced loss" if g["regime"] == "reduced" else out
                groups[(g["config"], g["regime"], name)] = (g["failing"][k], g[out])
    assert len(groups) == len(r.groups)
    for x in r.groups:
        c = r.configs.index(x.config)
        failing, o = groups[(c, x.regime, x.output)]
        assert failing == x.failing, (x, failing)
        mu = float(o["max_ulp"])   # a number, or "inf"
        assert mu == x.max_ulp or mu == pytest.approx(x.max_ulp, rel=1e-12), (x, mu)
        if x.regime != "reduced":
            assert float.fromhex(o["x"]) == x.worst["x"] or o["x"] == "inf" and x.worst["x"] == np.inf
    assert d["failing_total"] == len(r.failures)


def test_same_figures_as_bce_check_process(tmp_path, source_root):
    import sys
    d = _bce_json(["--options", "default", "--samples", "200", "--type", "f64", "--form",
                   "logits", "--", sys.executable,
                   os.path.join(source_root, "docs", "porting", "check_numpy_tf.py")], tmp_path)
    r = libbce.check(tf_logits, options="default", samples=200)
    _same_figures(d, r)


@pytest.mark.parametrize("form,dtype", [("logits", np.float32), ("probs", np.float64)])
def test_same_figures_as_bce_check_lib(tmp_path, form, dtype):
    so = os.environ.get("LIBBCE_TEST_LIBBCE_SO")
    t = "f32" if dtype == np.float32 else "f64"
    if not so:
        pytest.skip("LIBBCE_TEST_LIBBCE_SO not set")
    d = _bce_json(["--samples", "60", "--type", t, "--form", form, "--lib", so, "--symbol",
                   "bce_%s_%s" % (form, t)], tmp_path)
    r = libbce.check(libbce_logits if form == "logits" else libbce_probs, form, dtype,
                     samples=60)
    _same_figures(d, r)


def test_exhaustive_range(tmp_path):
    # z in [20, 20.03) in binary32, both labels: TensorFlow's formula in float32
    # loses the positive tail's gradient (sigma(z) - 1 rounds to a float ulp)
    lo, hi = 0x41A00000, 0x41A04000
    r = libbce.check(tf_logits, "logits", np.float32, options="default",
                     exhaustive=(lo, hi), labels="1", batch=1 << 16)
    g = {x.output: x for x in r.groups}
    assert not r and g["grad"].regime == "exhaustive" and g["grad"].rows == hi - lo
    assert g["grad"].failing > 0
    so = os.environ.get("LIBBCE_TEST_LIBBCE_SO")
    if not so:
        pytest.skip("LIBBCE_TEST_LIBBCE_SO not set")
    # libbce itself over a range, every per-sample configuration: bce check's figures
    lo, hi = 0x3F7FC000, 0x3F800400
    d = _bce_json(["--exhaustive", "--range", "%#x:%#x" % (lo, hi), "--label", "both",
                   "--type", "f32", "--form", "logits", "--lib", so, "--symbol",
                   "bce_logits_f32"], tmp_path)
    r = libbce.check(libbce_logits, "logits", np.float32, exhaustive=(lo, hi),
                     labels="both", batch=1 << 13)
    assert r and len(r.configs) == 9
    _same_figures(d, r)
