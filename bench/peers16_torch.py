#!/usr/bin/python3
"""peers16_torch.py PEERS16 [N] -- check bench/peers16.c's emulation of
PyTorch against torch itself (CPU), on N random (x, y) pairs (default
200000) of each form and 16-bit type, bit for bit:

  logits: torch.nn.functional.binary_cross_entropy_with_logits(z, y,
          reduction='none') in float32 on the widened inputs, its gradient
          by autograd (grad_output = 1); then .to(torch.bfloat16 / float16);
          and, bf16 only, the same under torch.autocast('cpu',
          dtype=torch.bfloat16) on bf16 tensors (its outputs' dtype printed)
  probs:  torch.nn.functional.binary_cross_entropy (BCELoss, log clamp -100)
          likewise.

Prints, per (form, type, output), how many of the N pairs differ in the
binary32 value and in the 16-bit value, with the first few differences.
Values cross as hex floats (float.fromhex), exactly."""
import subprocess
import sys

import torch

exe = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
torch.set_num_threads(1)
dt16 = {"bf16": torch.bfloat16, "f16": torch.float16}


def bits(t):
    return t.view(torch.int32) if t.dtype == torch.float32 else t.view(torch.int16)


def run(form, typ):
    out = subprocess.run([exe, form, typ, "--sample", str(N), "--seed", "7"], check=True,
                         capture_output=True, text=True).stdout.split("\n")
    rows = [list(map(float.fromhex, l.split())) for l in out if l.strip()]
    col = list(zip(*rows))
    x = torch.tensor(col[0], dtype=torch.float64).float().requires_grad_(True)
    y = torch.tensor(col[1], dtype=torch.float64).float()
    if form == "logits":
        loss = torch.nn.functional.binary_cross_entropy_with_logits(x, y, reduction="none")
    else:
        loss = torch.nn.functional.binary_cross_entropy(x, y, reduction="none")
    (g,) = torch.autograd.grad(loss, x, torch.ones_like(loss))
    emu = {k: torch.tensor(col[i], dtype=torch.float64) for i, k in
           enumerate(["x", "y", "l32", "g32", "l16", "g16"])}
    res = {}
    for name, t_val, e in (("loss f32", loss.detach(), emu["l32"].float()),
                           ("grad f32", g, emu["g32"].float()),
                           ("loss " + typ, loss.detach().to(dt16[typ]), emu["l16"].to(dt16[typ])),
                           ("grad " + typ, g.to(dt16[typ]), emu["g16"].to(dt16[typ]))):
        same = (bits(t_val) == bits(e)) | (torch.isnan(t_val) & torch.isnan(e)) | \
               ((t_val == 0) & (e == 0))
        bad = (~same).nonzero().flatten().tolist()
        res[name] = len(bad)
        steps = ""
        if bad and t_val.dtype == torch.float32:   # how far: binary32 steps (same sign)
            d = (bits(t_val).long() - bits(e).long()).abs()[bad]
            steps = ", at most %d binary32 step(s) apart" % int(d.max())
        print("%s %s %-9s: %d of %d pairs differ from the emulation%s"
              % (form, typ, name, len(bad), len(rows), steps))
        for i in bad[:3]:
            print("    x=%s y=%s torch=%s emulation=%s" % (col[0][i].hex(), col[1][i].hex(),
                                                            float(t_val[i]).hex(), float(e[i]).hex()))
    if typ == "bf16":   # the same under CPU autocast on bf16 tensors
        xb = x.detach().to(torch.bfloat16).requires_grad_(True)
        yb = y.to(torch.bfloat16)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            if form == "logits":
                la = torch.nn.functional.binary_cross_entropy_with_logits(xb, yb, reduction="none")
            else:
                try:
                    la = torch.nn.functional.binary_cross_entropy(xb, yb, reduction="none")
                except Exception as exc:   # autocast refuses BCELoss as unsafe
                    print("%s bf16 autocast: %s" % (form, str(exc).split("\n")[0][:100]))
                    return res
        (ga,) = torch.autograd.grad(la, xb, torch.ones_like(la))
        print("%s bf16 autocast: loss dtype %s, grad dtype %s" % (form, la.dtype, ga.dtype))
        for name, t_val, e in (("loss", la.detach().to(torch.bfloat16), emu["l16"].to(torch.bfloat16)),
                               ("grad", ga.to(torch.bfloat16), emu["g16"].to(torch.bfloat16))):
            same = (bits(t_val) == bits(e)) | (torch.isnan(t_val) & torch.isnan(e)) | ((t_val == 0) & (e == 0))
            print("%s bf16 autocast %s (cast to bf16): %d of %d pairs differ from the emulation"
                  % (form, name, int((~same).sum()), len(rows)))
    return res


for form in ("logits", "probs"):
    for typ in ("bf16", "f16"):
        run(form, typ)
