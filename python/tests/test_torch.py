"""The PyTorch example (docs/PYTHON.md): torch's BCEWithLogitsLoss with its
gradient by autograd, checked with libbce.check.  Runs where python3-torch
is installed, skipped visibly (pytest -rs) elsewhere."""
import numpy as np
import pytest

import libbce

torch = pytest.importorskip("torch", reason="PyTorch not installed (Debian: python3-torch)")


def torch_bce(z, y, w=None, pos_weight=None, reduction="none"):
    z = torch.tensor(z, requires_grad=True)
    y = torch.tensor(y)
    pw = None if pos_weight is None else torch.tensor(pos_weight, dtype=z.dtype)
    wt = None if w is None else torch.tensor(w)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        z, y, weight=wt, pos_weight=pw, reduction=reduction)
    loss.sum().backward()
    return loss.detach(), z.grad                      # tensors: __array__ works


def test_torch_bce_with_logits_fails_in_the_tails():
    result = libbce.check(torch_bce, "logits", np.float64, convention="torch",
                          options="default", samples=200)
    assert not result
    g = {(x.regime, x.output): x for x in result.groups}
    # both tails: the loss rounds to 0 below 2^-53 and sigma(z) - y is 0
    assert g[("tail_pos", "loss")].failing > 0 and g[("tail_pos", "loss")].worst["got"] == 0
    assert g[("tail_pos", "grad")].failing == 100
    assert g[("tail_neg", "loss")].failing > 0
    print(result)


def test_torch_options_and_float32():
    # pos_weight, weights and reductions are passed as torch takes them;
    # label smoothing and the weighted mean are skipped (torch has neither)
    result = libbce.check(torch_bce, "logits", np.float32, convention="torch", samples=50)
    assert result.skipped and result.configs
    assert any("reduction=mean" in c for c in result.configs)
    assert not result


def test_python_md_torch_example_as_written(source_root):
    """docs/PYTHON.md's PyTorch block, run exactly as written."""
    import os
    import re
    text = open(os.path.join(source_root, "docs", "PYTHON.md")).read()
    sec = text[text.index("### PyTorch"):]
    code = re.search(r"```python\n(.*?)```", sec, re.S).group(1)
    ns = {"np": np, "libbce": libbce, "torch": torch}
    exec(compile(code, "docs/PYTHON.md (PyTorch)", "exec"), ns)
    assert not ns["result"]
