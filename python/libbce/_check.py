"""libbce.check: the port checker of `bce check` (tools/check.c) for a Python
callable.  The same rows (bcev_regime_fill through bcev_py_check_rows), the
same configurations, the same judgement (the fast filter, then MPFR; bound
0.5 = correct rounding) and the same report."""
import ctypes
import math

import numpy as np

from . import _lib, oracle
from ._kernels import _as_array, make_options

__all__ = ["check", "CheckResult", "IUTError", "configurations", "REGIMES"]

REGIMES = ("random", "tail_pos", "tail_neg", "thresholds", "soft_cancel", "special", "wc")
REDUCED = "reduced"


class IUTError(RuntimeError):
    """The callable under test gave an unusable answer (wrong count of values,
    not a (loss, grad) pair).  The message names the configuration."""


def _cfg(pos_weight=None, label_smoothing=0.0, clamp=False, weights=False,
         reduction="none"):
    return dict(pos_weight=pos_weight, label_smoothing=label_smoothing, clamp=clamp,
                weights=weights, reduction=reduction)


def configurations(form="logits", options="all"):
    """The configurations `bce check --options all|default` runs, in its order
    (tools/check.c, make_configs); pos_weight None = no pos_weight."""
    if options == "default":
        return [_cfg()]
    if options != "all":
        raise ValueError("options must be 'all', 'default', a dict or a list of dicts")
    probs = form == "probs"
    out = [_cfg(), _cfg(pos_weight=3.5), _cfg(pos_weight=0.0),
           _cfg(pos_weight=2.0 ** -64), _cfg(pos_weight=2.0 ** 64),
           _cfg(label_smoothing=0.1), _cfg(label_smoothing=1.0)]
    if probs:
        out.append(_cfg(clamp=True))
    out += [_cfg(weights=True),
            _cfg(pos_weight=0.25, label_smoothing=0.2, clamp=probs, weights=True),
            _cfg(reduction="sum"), _cfg(reduction="mean"),
            _cfg(weights=True, reduction="weighted-mean"),
            _cfg(pos_weight=2.0, label_smoothing=0.1, weights=True, reduction="mean")]
    return out


def _hex(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    # C's %a: 0x1.8p+1, 0x1p+0, 0x0p+0 (Python's float.hex pads with zeros)
    h = v.hex()
    m, e = h.split("p")
    if "." in m:
        m = m.rstrip("0").rstrip(".")
    return m + "p" + e


def _cfg_name(dt, form, c):
    P = 1.0 if c["pos_weight"] is None else c["pos_weight"]
    return ("type=%s form=%s pos_weight=%s label_smoothing=%s clamp=%d weights=%d "
            "reduction=%s" % ("f32" if dt == np.float32 else "f64", form, _hex(P),
                              _hex(c["label_smoothing"]), 1 if c["clamp"] else 0,
                              1 if c["weights"] else 0, c["reduction"]))


class Group:
    """One regime x output of one configuration."""

    def __init__(self, config, regime, output, rows, bound):
        self.config, self.regime, self.output = config, regime, output
        self.rows, self.bound = rows, bound
        self.failing = 0
        self.max_ulp = 0.0
        self.worst = None      # dict x, y, w, expected, got, ulp

    @property
    def passed(self):
        return self.failing == 0

    def __repr__(self):
        return ("Group(%s %s %s: %d rows, max %.3g ulp, %d failing)" %
                (self.config, self.regime, self.output, self.rows, self.max_ulp,
                 self.failing))


class Failure:
    __slots__ = ("config", "regime", "output", "x", "y", "w", "expected", "got", "ulp")

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)

    def __repr__(self):
        return ("Failure(%s [%s] %s x=%s y=%s w=%s expected %s got %s (%.3g ulp))" %
                (self.config, self.regime, self.output, _hex(self.x), _hex(self.y),
                 _hex(self.w), _hex(self.expected), _hex(self.got), self.ulp))


class CheckResult:
    """What libbce.check found.  True when every output met its bound.

    configs: the configuration names; groups: Group per configuration,
    regime and output (loss, grad, or 'reduced loss' in regime 'reduced');
    failures: every failing output (Failure); outputs: how many were judged;
    skipped: configurations the convention does not define, with the reason.
    str(result) is `bce check`'s text report; assert_ok() raises
    AssertionError with it."""

    def __init__(self, name):
        self.name = name
        self.configs, self.groups, self.failures, self.skipped = [], [], [], []
        self.outputs = 0

    @property
    def ok(self):
        return not self.failures

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return "<CheckResult %s: %s>" % (self.name, self.summary())

    def summary(self):
        return ("%s: %d outputs judged, %d failing" %
                ("PASS" if self.ok else "FAIL", self.outputs, len(self.failures)))

    def report(self, max_failures=20):
        lines = []
        for cfg in self.configs:
            lines.append("configuration " + cfg)
            gs = [g for g in self.groups if g.config == cfg]
            seen = []
            for g in gs:
                if g.regime not in seen:
                    seen.append(g.regime)
            for r in seen:
                rg = [g for g in gs if g.regime == r]
                ok = all(g.passed for g in rg)
                lines.append("  %-12s %9d rows  %s" % (r, rg[0].rows, "pass" if ok else "FAIL"))
                for g in rg:
                    wst = g.worst or {}
                    s = "    %s: max %.3g ulp (bound %g), %d failing" % (
                        g.output, g.max_ulp, g.bound, g.failing)
                    if g.regime != REDUCED and wst:
                        s += "; worst x=%s y=%s w=%s" % (_hex(wst["x"]), _hex(wst["y"]),
                                                         _hex(wst["w"]))
                    if wst:
                        s += ": expected %s got %s" % (_hex(wst["expected"]),
                                                       _hex(wst["got"]))
                    lines.append(s)
        for why in self.skipped:
            lines.append("skipped: " + why)
        if self.failures:
            lines.append("failing rows (first %d of %d; result.failures has them all):" %
                         (min(max_failures, len(self.failures)), len(self.failures)))
            for f in self.failures[:max_failures]:
                lines.append("  [%s] %s x=%s y=%s w=%s expected %s got %s (%.3g ulp)" % (
                    f.regime, f.output, _hex(f.x), _hex(f.y), _hex(f.w), _hex(f.expected),
                    _hex(f.got), f.ulp))
        lines.append(self.summary() + " (%s)" % self.name)
        return "\n".join(lines)

    __str__ = report

    def to_dict(self):
        """The result in the shape of `bce check --json` (schema 1: configs,
        groups with failing [loss, grad] and the worst row per output,
        failing_rows), numbers as C99 hex strings and ulps as numbers (or
        "inf"/"nan"), with "tool": "libbce.check".  json.dump() writes it."""
        from . import __version__

        def ulp(v):
            return "inf" if v == math.inf else "nan" if v != v else float(v)

        def worst(g):
            w = g.worst or {}
            d = {"max_ulp": ulp(g.max_ulp), "expected": _hex(w.get("expected", math.nan)),
                 "got": _hex(w.get("got", math.nan))}
            if g.regime != REDUCED:
                d.update(x=_hex(w["x"]), y=_hex(w["y"]), w=_hex(w["w"]))
            return d
        groups = []
        for ci, cfg in enumerate(self.configs):
            seen = []
            for g in self.groups:
                if g.config == cfg and g.regime not in seen:
                    seen.append(g.regime)
            for r in seen:
                gs = {g.output: g for g in self.groups if g.config == cfg and g.regime == r}
                lo = gs.get("loss") or gs.get("reduced loss")
                gr = gs.get("grad")
                groups.append({"config": ci, "regime": r, "count": (lo or gr).rows,
                               "failing": [lo.failing if lo else 0, gr.failing if gr else 0],
                               "loss": worst(lo) if lo else None,
                               "grad": worst(gr) if gr else None})
        rows = [{"config": self.configs.index(f.config), "regime": f.regime,
                 "output": "loss" if f.output == "reduced loss" else f.output,
                 "x": _hex(f.x), "y": _hex(f.y), "w": _hex(f.w),
                 "expected": _hex(f.expected), "got": _hex(f.got), "ulp": ulp(f.ulp)}
                for f in self.failures]
        return {"tool": "libbce.check", "libbce": __version__, "schema": 1,
                "iut": self.name, "pass": self.ok, "configs": list(self.configs),
                "skipped": list(self.skipped), "groups": groups,
                "failing_total": len(self.failures), "failing_rows": rows}

    def assert_ok(self):
        """Raise AssertionError with the report unless every output passed."""
        if not self.ok:
            raise AssertionError("libbce.check failed:\n" + self.report())
        return self


def _call(fn, x, y, w, c, cname):
    kw = {}
    if c["pos_weight"] is not None:
        kw["pos_weight"] = c["pos_weight"]
    if c["label_smoothing"] != 0:
        kw["label_smoothing"] = c["label_smoothing"]
    if c["clamp"]:
        kw["clamp"] = True
    if c["reduction"] != "none":
        kw["reduction"] = c["reduction"]
    args = (x, y) if w is None else (x, y, w)
    try:
        res = fn(*args, **kw)
    except Exception as e:
        if hasattr(e, "add_note"):
            e.add_note("libbce.check: configuration %s" % cname)
        raise
    try:
        loss, grad = res
    except (TypeError, ValueError):
        raise IUTError("configuration %s: the callable returned %r, not a pair "
                       "(loss, grad)" % (cname, type(res))) from None
    return loss, grad


def _got(a, dt, want, what, cname):
    try:
        g = _as_array(a, what).astype(np.float64)
    except Exception as e:
        raise IUTError("configuration %s: %s: not numbers: %s" % (cname, what, e)) from None
    g = g.reshape(-1)
    if g.size != want:
        raise IUTError("configuration %s: %s has %d values, %d expected" %
                       (cname, what, g.size, want))
    # as `bce check` reads an answer: in the type under test (strtof for f32)
    return g.astype(dt).astype(np.float64)


def _merge(result, index, g):
    """Add group g (one batch) into the result's group of the same key: rows
    and failures add up, the worst row is the first of the largest ulp error
    (a NaN error beats any number), as in `bce check`.  Returns True when g's
    worst row became the group's."""
    key = (g.config, g.regime, g.output)
    old = index.get(key)
    if old is None:
        index[key] = g
        result.groups.append(g)
        return True
    old.rows += g.rows
    old.failing += g.failing
    if g.max_ulp > old.max_ulp or (g.max_ulp != g.max_ulp and old.max_ulp == old.max_ulp):
        old.max_ulp, old.worst = g.max_ulp, g.worst
        return True
    return False


def _judge_batch(result, index, fn, c, cname, bounds, f, dt, conv, o, x, y, w, reg, regnames):
    n = x.size
    reduced = c["reduction"] != "none"
    xin, yin = x.astype(dt), y.astype(dt)
    win = None if w is None else w.astype(dt)
    loss, grad = _call(fn, xin, yin, win, c, cname)
    gl = _got(loss, dt, 1 if reduced else n, "loss", cname)
    gg = _got(grad, dt, n, "grad", cname)
    res = oracle.judge(f, dt, conv, x, y, w, o, gl, gg, bounds[0], bounds[1])
    wv = np.ones(n) if w is None else w
    # per regime and output, in the order of the regimes
    worst_rows = []
    outs = [("grad", gg)] if reduced else [("loss", gl), ("grad", gg)]
    for r in range(len(regnames)):
        idx = np.nonzero(reg == r)[0]
        if idx.size == 0:
            continue
        for oname, got in outs:
            g = Group(cname, regnames[r], oname, int(idx.size), bounds[oname == "grad"])
            u = res["ulp_" + oname][idx]
            p = res["pass_" + oname][idx]
            g.failing = int(np.count_nonzero(p == 0))
            nanu = np.isnan(u)
            k = int(np.argmax(nanu)) if nanu.any() else int(np.argmax(u))
            i = int(idx[k])
            g.max_ulp = float(u[k])
            g.worst = dict(x=x[i], y=y[i], w=wv[i], expected=res["exp_" + oname][i],
                           got=got[i], ulp=float(u[k]))
            if _merge(result, index, g):
                worst_rows.append((g.worst, oname, i))
            for j in idx[p == 0]:
                result.failures.append(Failure(
                    config=cname, regime=regnames[r], output=oname, x=float(x[j]),
                    y=float(y[j]), w=float(wv[j]), expected=float(res["exp_" + oname][j]),
                    got=float(got[j]), ulp=float(res["ulp_" + oname][j])))
        result.outputs += int(idx.size) * len(outs)
    # the worst rows again by MPFR alone: exact expected values
    if worst_rows:
        sel = np.zeros(n, dtype=np.uint8)
        for _, _, i in worst_rows:
            sel[i] = 1
        ex = oracle.judge(f, dt, conv, x, y, w, o, None if reduced else gl, gg,
                          bounds[0], bounds[1], use_filter=False, select=sel)
        for wst, oname, i in worst_rows:
            wst["expected"] = float(ex["exp_" + oname][i])
    if reduced:
        g = Group(cname, REDUCED, "reduced loss", 1, bounds[0])
        ok = bool(res["pass_loss"][0])
        g.failing = 0 if ok else 1
        g.max_ulp = float(res["ulp_loss"][0])
        g.worst = dict(x=math.nan, y=math.nan, w=math.nan,
                       expected=float(res["exp_loss"][0]), got=float(gl[0]), ulp=g.max_ulp)
        _merge(result, index, g)
        result.outputs += 1
        if not ok:
            result.failures.append(Failure(
                config=cname, regime=REDUCED, output="reduced loss", x=math.nan,
                y=math.nan, w=math.nan, expected=g.worst["expected"], got=float(gl[0]),
                ulp=g.max_ulp))


_LABELS = {"0": (0.0,), "1": (1.0,), "both": (0.0, 1.0)}


def _exhaustive_batches(form, lo, hi, labels, batch):
    """Rows of `bce check --exhaustive`: every binary32 bit pattern of x in
    [lo, hi) (NaN and, for probs, x outside [0,1] skipped), each with the
    labels in order; with the bit pattern of each row (its weight's index)."""
    per = max(1, batch // len(labels))
    bits = lo
    while bits < hi:
        end = min(hi, bits + per)
        b = np.arange(bits, end, dtype=np.uint64)
        xf = b.astype(np.uint32).view(np.float32)
        keep = ~np.isnan(xf)
        if form == "probs":
            keep &= (xf >= 0) & (xf <= 1)
        b, xf = b[keep], xf[keep]
        yield (np.repeat(xf.astype(np.float64), len(labels)),
               np.tile(np.array(labels), b.size), np.repeat(b, len(labels)))
        bits = end


def check(fn, form="logits", dtype=np.float64, *, options="all", regimes=None,
          reductions=None, samples=1000, seed=1, max_ulp=1.0, max_ulp_loss=None,
          max_ulp_grad=None, convention="libbce", wc_dir=None, name=None,
          exhaustive=None, labels="both", batch=1 << 20):
    """Judge fn(x, y[, w], **options) -> (loss, grad) as `bce check` judges a port.

    fn gets numpy arrays of `dtype` (x = z for form='logits', p for 'probs'),
    w only in the configurations with weights, and as keywords only the
    options that differ from the defaults: pos_weight, label_smoothing,
    clamp=True, reduction ('sum', 'mean', 'weighted-mean').  It returns
    array-likes (numpy, torch, jax...): loss with one value per row (or one
    value under a reduction) and grad with one per row.

    options: 'all' (the configurations of `bce check`'s default), 'default'
    (no options), a dict of options (keys as above plus weights=True) or a
    list of such dicts.  regimes / reductions: keep only these (names).
    samples: rows per regime (`--samples`), seed: `--seed`.  max_ulp (both
    outputs; 0.5 = must be correctly rounded; 'libbce': libbce's own bounds,
    libbce.oracle.bound, per configuration), max_ulp_loss, max_ulp_grad:
    bounds in ulps of the exact value.  convention: whose definition is
    exact ('libbce', 'torch', 'keras', 'optax', 'sklearn'; configurations
    the peer does not define are skipped and listed in result.skipped).
    exhaustive=(A, B): instead of the regimes, every binary32 bit pattern of
    x in [A, B) with labels '0', '1' or 'both' (`--exhaustive --range A:B
    --label`; per-sample configurations only), fn called per batch of about
    `batch` rows; regime 'exhaustive'.
    Returns a CheckResult (true when every output met its bound).
    """
    dt = np.dtype(dtype)
    if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise TypeError("libbce.check: dtype must be float64 or float32")
    f = oracle._form_id(form)
    conv = oracle.convention_id(convention)
    if isinstance(options, dict):
        cfgs = [_cfg(**options)]
    elif isinstance(options, (list, tuple)):
        cfgs = [_cfg(**o) for o in options]
    else:
        cfgs = configurations(form, options)
    if reductions is not None:
        reductions = [reductions] if isinstance(reductions, str) else list(reductions)
        cfgs = [c for c in cfgs if c["reduction"] in reductions]
    if regimes is not None:
        regimes = [regimes] if isinstance(regimes, str) else list(regimes)
        for r in regimes:
            if r not in REGIMES:
                raise ValueError("libbce.check: unknown regime %r (%s)" % (r, ", ".join(REGIMES)))
    if exhaustive is not None:
        lo, hi = (int(exhaustive[0]), int(exhaustive[1]))
        if not 0 <= lo <= hi <= 1 << 32:
            raise ValueError("libbce.check: exhaustive=(A, B) with 0 <= A <= B <= 2^32")
        if labels not in _LABELS:
            raise ValueError("libbce.check: labels must be '0', '1' or 'both'")
        cfgs = [c for c in cfgs if c["reduction"] == "none"]

    def _bounds(c):
        if max_ulp == "libbce":   # libbce's own bounds (bcev_bound) per configuration
            kind = ("reduced" if c["reduction"] != "none" else
                    "options" if (c["pos_weight"] is not None or c["label_smoothing"] or
                                  c["clamp"] or c["weights"]) else "soft")
            b = [oracle.bound(form, dt, out, kind) for out in ("loss", "grad")]
        else:
            b = [float(max_ulp)] * 2
        return (b[0] if max_ulp_loss is None else float(max_ulp_loss),
                b[1] if max_ulp_grad is None else float(max_ulp_grad))
    v = _lib.verify()
    t = 0 if dt == np.float64 else 1
    result = CheckResult(name or getattr(fn, "__qualname__", repr(fn)))
    index = {}
    cap = samples * len(REGIMES)
    for c in cfgs:
        if c.get("clamp") and form != "probs":
            continue
        o = make_options(pos_weight=1.0 if c["pos_weight"] is None else c["pos_weight"],
                         label_smoothing=c["label_smoothing"], clamp=c["clamp"],
                         reduction=c["reduction"])
        if c["pos_weight"] is not None:
            o.flags |= _lib.OPT_POS_WEIGHT
            o.pos_weight = c["pos_weight"]
        cname = _cfg_name(dt, form, c)
        bounds = _bounds(c)
        why = ctypes.c_char_p()
        if v.bcev_py_supports(conv, f, ctypes.byref(o), ctypes.byref(why)) != 0:
            result.skipped.append("%s: %s" % (cname, why.value.decode()))
            continue
        result.configs.append(cname)
        if exhaustive is not None:
            for x, y, bits in _exhaustive_batches(form, lo, hi, _LABELS[labels], batch):
                w = None
                if c["weights"]:
                    w = np.empty(x.size)
                    v.bcev_py_weights(t, seed, x.size, _lib.ptr(bits, ctypes.POINTER(
                        ctypes.c_uint64)), _lib.ptr(w))
                _judge_batch(result, index, fn, c, cname, bounds, f, dt, conv, o, x,
                             np.ascontiguousarray(y), w, np.zeros(x.size, dtype=np.uint8),
                             ("exhaustive",))
            continue
        x = np.empty(max(cap, 1))
        y = np.empty(max(cap, 1))
        w = np.empty(max(cap, 1)) if c["weights"] else None
        reg = np.empty(max(cap, 1), dtype=np.uint8)
        n = v.bcev_py_check_rows(f, t, ctypes.byref(o), 1 if c["weights"] else 0, seed,
                                 samples, None if wc_dir is None else str(wc_dir).encode(),
                                 _lib.ptr(x), _lib.ptr(y), _lib.ptr(w),
                                 _lib.ptr(reg, ctypes.POINTER(ctypes.c_ubyte)))
        if n == _lib.NO_INDEX:
            raise RuntimeError("libbce.check: cannot read the worst cases (wc files) of %s"
                               % (wc_dir or v.bcev_wc_default_dir().decode()))
        x, y, reg = x[:n], y[:n], reg[:n]
        if w is not None:
            w = w[:n]
        if regimes is not None:
            keep = np.isin(reg, [REGIMES.index(r) for r in regimes])
            x, y, reg = x[keep], y[keep], reg[keep]
            if w is not None:
                w = np.ascontiguousarray(w[keep])
                if w.size and not np.any(w != 0):
                    w[0] = 1.0
            x, y = np.ascontiguousarray(x), np.ascontiguousarray(y)
        _judge_batch(result, index, fn, c, cname, bounds, f, dt, conv, o, x, y, w, reg,
                     REGIMES)
    return result
