#!/usr/bin/env python3
"""PyTorch's BCEWithLogitsLoss as an implementation under test for
`bce check` (docs/PORTING.md, "Worked example 5"): the batch protocol on
standard input and output, the loss per element (reduction='none') and its
gradient by autograd, in float64.  Options: pos_weight is passed to
BCEWithLogitsLoss; label smoothing, weights and reductions are refused
(run `bce check --convention torch --options default` or with
--pos-weight).  Needs python3-torch.
"""
import sys

import torch


def main():
    zs, ys = [], []
    pos_weight = None
    for line in sys.stdin:
        line = line.strip()
        if line.startswith("# bce-check"):
            f = dict(kv.split("=", 1) for kv in line.split()[3:])
            if f.get("type") != "f64" or f.get("form") != "logits" or f.get("weights") != "0" \
                    or f.get("reduction") != "none" \
                    or float.fromhex(f.get("label_smoothing", "0x0p+0")) != 0.0:
                sys.exit("check_torch.py: only type=f64 form=logits, no weights, "
                         "smoothing or reduction: " + line)
            pw = float.fromhex(f.get("pos_weight", "0x1p+0"))
            pos_weight = None if pw == 1.0 else torch.tensor(pw, dtype=torch.float64)
            continue
        if not line or line.startswith("#"):
            continue
        z, y = line.split()[:2]
        zs.append(float.fromhex(z))
        ys.append(float.fromhex(y))
    z = torch.tensor(zs, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(ys, dtype=torch.float64)
    loss = torch.nn.BCEWithLogitsLoss(reduction="none", pos_weight=pos_weight)(z, y)
    loss.sum().backward()   # d(sum of L_i)/dz_i = dL_i/dz_i
    out = sys.stdout
    for a, b in zip(loss.detach().tolist(), z.grad.tolist()):
        out.write("%s %s\n" % (float(a).hex(), float(b).hex()))


if __name__ == "__main__":
    main()
