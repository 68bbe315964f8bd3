#!/usr/bin/env python3
"""verify_tables.py JSON -- the tables of docs/ACCURACY.md's "Measured:
`bce verify`" section, from `bce verify --json JSON`:

  1. pass 1 (the configurations hard, soft, weights, pos_weight, smoothing,
     clamp, mean, wc), scalar ISA: the maximum error over the regimes, the
     samples, the regime and input that reach it;
  2. every cell (any ISA, pass 1 and the grid) with results that are not
     the correct rounding, whatever its bound: counts per regime;
  3. the grid's cells over their bound (there should be none).

Markdown on standard output.  The other ISAs are checked to give the same
numbers as the scalar one (same bits); a difference is printed.
"""
import json
import sys
from collections import defaultdict

PASS1 = ["hard", "soft", "weights", "pos_weight", "smoothing", "clamp", "mean", "wc"]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        d = json.load(f)
    rows = d["results"]
    print(f"Run: seed {d.get('seed')}, {d.get('samples')} samples per pass-1 cell, "
          f"{d.get('grid_samples')} per grid cell, {d.get('seconds')} s, "
          f"pass: {d.get('pass')}\n")

    # same numbers on every ISA
    by = defaultdict(dict)
    for r in rows:
        by[(r["kernel"], r["output"], r["regime"], r["config"])][r["isa"]] = (
            r["max_ulp"], r.get("not_correctly_rounded", 0))
    diff = [k for k, v in by.items() if len(set(v.values())) > 1]
    if diff:
        print(f"ISAs differ in {len(diff)} cells, e.g. {diff[0]}\n")

    # 1. pass 1, scalar
    cells = defaultdict(list)
    for r in rows:
        if r["isa"] == "scalar" and r["config"] in PASS1:
            cells[(r["kernel"], r["output"], r["config"])].append(r)
    print("| kernel | output | configuration | bound | max ulp | samples | regime | at (x, y) |")
    print("|---|---|---|---|---|---|---|---|")
    for k in sorted(cells):
        rs = cells[k]
        worst = max(rs, key=lambda r: r["max_ulp"])
        n = sum(r["samples"] for r in rs)
        print(f"| {k[0]} | {k[1]} | {k[2]} | {worst['bound']:g} | {worst['max_ulp']:.4g} | {n} "
              f"| {worst['regime']} | `{worst['x']}, {worst['y']}` |")
    print()

    # 2. not correctly rounded
    ncr = defaultdict(list)
    for r in rows:
        if r["isa"] == "scalar" and r.get("not_correctly_rounded", 0) > 0:
            ncr[(r["kernel"], r["output"], r["config"])].append(r)
    print("| kernel | output | configuration | bound | not correctly rounded (regime: count of samples) | e.g. (x, y) |")
    print("|---|---|---|---|---|---|")
    for k in sorted(ncr):
        rs = sorted(ncr[k], key=lambda r: r["regime"])
        counts = ", ".join(f"{r['regime']}: {r['not_correctly_rounded']}/{r['samples']}" for r in rs)
        e = rs[0].get("first_not_cr", {})
        print(f"| {k[0]} | {k[1]} | {k[2]} | {rs[0]['bound']:g} | {counts} | `{e.get('x')}, {e.get('y')}` |")
    print()

    # 3. grid cells over their bound
    over = [r for r in rows if r["config"] not in PASS1 and r.get("failures", 0) > 0]
    print(f"Grid cells over their bound: {len(over)}")
    for r in over[:20]:
        print(f"- {r['isa']} {r['kernel']} {r['output']} {r['regime']} {r['config']}: "
              f"{r['failures']} over, max {r['max_ulp']:.4g} at `{r['x']}, {r['y']}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
