"""The op table (minitorch/testing/op_table.py) checked every way:

- forward and backward against PyTorch on the same bytes, float64 and float32, with a
  random upstream gradient, contiguous and non-contiguous inputs, on cpu (and cuda when
  a GPU is present);
- gradcheck (finite differences, float64) and gradgradcheck where PyTorch supports
  double backward;
- float32 in gives float32 out and float32 gradients.
"""
import numpy as np
import pytest
import torch

import minitorch
from minitorch.autograd import gradcheck, gradgradcheck
from minitorch.testing import OPS, compare, build_inputs, run_forward_backward

torch.set_num_threads(1)

DIFF_OPS = [s for s in OPS if s.differentiable]
FD_OPS = [s for s in DIFF_OPS if s.finite_diff]
GRADGRAD_OPS = [s for s in FD_OPS if s.gradgrad]
ids = lambda s: s.name  # noqa: E731


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("spec", OPS, ids=ids)
def test_matches_torch(spec, dtype, device):
    result = compare(spec, minitorch, torch, dtype, device=device)
    assert result.ok, result.message


@pytest.mark.parametrize("spec", OPS, ids=ids)
def test_matches_torch_noncontiguous(spec, device):
    result = compare(spec, minitorch, torch, "float64", noncontiguous=True, device=device)
    assert result.ok, result.message


def _mt_inputs(spec, device="cpu", noncontiguous=False):
    arrays = spec.make_arrays(0)
    return build_inputs(minitorch, spec, arrays, "float64", device=device,
                        noncontiguous=noncontiguous)


@pytest.mark.parametrize("spec", FD_OPS, ids=ids)
def test_gradcheck(spec, device):
    inputs = _mt_inputs(spec, device)
    assert gradcheck(lambda *xs: spec.fn(minitorch, *xs), tuple(inputs), check_noncontiguous=True)


@pytest.mark.parametrize("spec", GRADGRAD_OPS, ids=ids)
def test_gradgradcheck(spec, device):
    inputs = _mt_inputs(spec, device)
    assert gradgradcheck(lambda *xs: spec.fn(minitorch, *xs), tuple(inputs))


@pytest.mark.parametrize("spec", [s for s in OPS if s.keeps_dtype], ids=ids)
def test_float32_stays_float32(spec, device):
    arrays = spec.make_arrays(0)
    inputs = build_inputs(minitorch, spec, arrays, "float32", device=device)
    outs, dtypes, grads = run_forward_backward(minitorch, spec, inputs)
    float_in = any(a.dtype.kind == "f" for a in arrays)
    for o, d in zip(outs, dtypes):
        if o.dtype.kind == "f":
            assert d == "float32", f"{spec.name}: output is {d}"
        assert not (float_in and o.dtype == np.float64)
    for g in grads or []:
        if g is not None:
            assert g[1] == "float32", f"{spec.name}: gradient is {g[1]}"


def test_table_size():
    # the op list is covered; the table only grows
    assert len(OPS) >= 150
    assert len(DIFF_OPS) >= 130
