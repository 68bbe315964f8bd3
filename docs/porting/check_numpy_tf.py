#!/usr/bin/env python3
"""A numpy port of BCE-with-logits with TensorFlow's formula, as an
implementation under test for `bce check` (docs/PORTING.md, "Worked example
3").  It speaks the batch protocol: a header comment `# bce-check 1 ...`,
then one `z y` line per input on standard input; one `loss grad` line per
input on standard output.

    loss = max(z, 0) - z y + log1p(exp(-|z|))   (tf.nn.sigmoid_cross_entropy_with_logits)
    grad = sigmoid(z) - y,  sigmoid(z) = 1 / (1 + exp(-z))

It handles the default configuration only (no weights, pos_weight,
smoothing or reduction) and says so on anything else.
"""
import sys

import numpy as np


def main():
    zs, ys = [], []
    for line in sys.stdin:
        line = line.strip()
        if line.startswith("# bce-check"):
            fields = dict(f.split("=", 1) for f in line.split()[3:])
            if fields.get("type") != "f64" or fields.get("form") != "logits" \
                    or fields.get("weights") != "0" or fields.get("reduction") != "none" \
                    or float.fromhex(fields.get("pos_weight", "0x1p+0")) != 1.0 \
                    or float.fromhex(fields.get("label_smoothing", "0x0p+0")) != 0.0:
                sys.exit("check_numpy_tf.py: only type=f64 form=logits without options: " + line)
            continue
        if not line or line.startswith("#"):
            continue
        z, y = line.split()[:2]
        zs.append(float.fromhex(z))
        ys.append(float.fromhex(y))
    z = np.array(zs, dtype=np.float64)
    y = np.array(ys, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        loss = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
        grad = 1.0 / (1.0 + np.exp(-z)) - y
    out = sys.stdout
    for a, b in zip(loss, grad):
        out.write("%s %s\n" % (float(a).hex(), float(b).hex()))


if __name__ == "__main__":
    main()
