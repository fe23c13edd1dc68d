"""Torch-level spellings of nn.functional ops with ATen's argument order
(functional/nn_torch.py) and the removed functions (functional/removed.py), against torch."""
import numpy as np
import pytest
import torch

import minitorch

X = np.random.default_rng(0).standard_normal((2, 3, 4))


def _pair():
    return (minitorch.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True))


def _stats(lib):
    return lib.zeros(3, dtype=lib.float64), lib.ones(3, dtype=lib.float64)


CALLS = {
    "layer_norm": lambda lib, x: lib.layer_norm(x, (4,), None, None, 1e-5, True),
    "group_norm": lambda lib, x: lib.group_norm(x, 3, None, None, 1e-5, True),
    "rms_norm": lambda lib, x: lib.rms_norm(x, (4,)),
    "batch_norm": lambda lib, x: lib.batch_norm(x, None, None, *_stats(lib), True, 0.1, 1e-5,
                                                False),
    "instance_norm": lambda lib, x: lib.instance_norm(x, None, None, None, None, True, 0.1,
                                                      1e-5, False),
    "norm_except_dim": lambda lib, x: lib.norm_except_dim(x, 2, 1),
    "norm_except_all": lambda lib, x: lib.norm_except_dim(x, 3, -1),
    "fill_tensor": lambda lib, x: lib.fill(x, x.sum()),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_torch_level_function_matches_torch(name):
    m, t = _pair()
    ym, yt = CALLS[name](minitorch, m), CALLS[name](torch, t)
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    v = np.random.default_rng(1).standard_normal(tuple(yt.shape))
    (ym * minitorch.tensor(v)).sum().backward()
    (yt * torch.tensor(v)).sum().backward()
    np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_batch_norm_updates_running_stats_like_torch():
    (rm, rv), (rmt, rvt) = _stats(minitorch), _stats(torch)
    minitorch.batch_norm(minitorch.tensor(X), None, None, rm, rv, True, 0.3, 1e-5, False)
    torch.batch_norm(torch.tensor(X), None, None, rmt, rvt, True, 0.3, 1e-5, False)
    np.testing.assert_allclose(rm.numpy(), rmt.numpy(), rtol=1e-12)
    np.testing.assert_allclose(rv.numpy(), rvt.numpy(), rtol=1e-12)


def test_fill_and_detach():
    m, t = _pair()
    assert minitorch.fill(m, 2.5).tolist() == torch.fill(t, 2.5).tolist()
    assert not minitorch.detach(m).requires_grad
    with pytest.raises(RuntimeError, match="0-dimension"):
        minitorch.fill(m, m)


@pytest.mark.parametrize("name", ["solve", "lstsq", "eig", "symeig", "matrix_rank"])
def test_removed_functions_raise_torchs_error(name):
    args = (minitorch.eye(2), minitorch.eye(2))[: 2 if name in ("solve", "lstsq") else 1]
    targs = (torch.eye(2), torch.eye(2))[: len(args)]
    with pytest.raises(RuntimeError) as theirs:
        getattr(torch, name)(*targs)
    with pytest.raises(RuntimeError) as mine:
        getattr(minitorch, name)(*args)
    assert str(mine.value).splitlines()[0] == str(theirs.value).splitlines()[0]
    assert "linalg" in str(mine.value)


def test_addmv_in_place_and_deprecated_resize_as_torch():
    import warnings
    for lib in (minitorch, torch):
        a = lib.zeros(2, dtype=lib.float64)
        assert lib.addmv_(a, lib.ones(2, 3, dtype=lib.float64), lib.ones(3, dtype=lib.float64),
                          beta=0.5, alpha=2.0) is a
        assert a.tolist() == [6.0, 6.0]
        x = lib.zeros(2, 3)
        with warnings.catch_warnings(record=True) as ws:
            warnings.simplefilter("always")
            y = x.resize(6)
        assert tuple(y.shape) == (6,) and tuple(x.shape) == (2, 3)
        assert any("non-inplace resize is deprecated" in str(w.message) for w in ws)


def test_tensor_from_other_sequences_and_buffers_as_torch():
    import array
    import collections
    for data in (collections.deque([1.0, 2.0]), array.array("f", [1, 2]),
                 memoryview(bytearray(b"ab")), collections.deque([[1, 2], [3, 4]])):
        got, want = minitorch.tensor(data), torch.tensor(data)
        assert got.tolist() == want.tolist()
        assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    for lib in (minitorch, torch):
        with pytest.raises(RuntimeError, match="(?i)could not infer dtype of dict_values"):
            lib.tensor({1: 2}.values())


def test_inf_and_nan_results_are_quiet_as_torch():
    import subprocess
    import sys
    code = ("import minitorch as t; print((t.tensor([1., 0.]) / 0).tolist(), "
            "t.log(t.tensor([0.])).tolist(), t.sqrt(t.tensor([-1.])).isnan().tolist())")
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[inf, nan] [-inf] [True]"
    assert "RuntimeWarning" not in out.stderr


def test_error_types_programs_catch_are_torchs():
    for lib in (minitorch, torch):
        with pytest.raises(ValueError, match=r"batch_size \(1\) to match target batch_size \(0\)"):
            lib.nn.functional.cross_entropy(lib.randn(1, 5), lib.tensor(2))
    if not minitorch.cuda.is_available():
        for call in (lambda: minitorch.ones(2).cuda(), lambda: minitorch.nn.Linear(2, 2).cuda(),
                     lambda: minitorch.zeros(2, device="cuda")):
            with pytest.raises(AssertionError):
                call()
            with pytest.raises(RuntimeError):
                call()


def test_swap_tensors_as_torch():
    for lib in (minitorch, torch):
        a = lib.ones(2, requires_grad=True)
        b = lib.zeros(3)
        ref = a
        lib.utils.swap_tensors(a, b)
        assert ref is a and a.tolist() == [0.0, 0.0, 0.0] and not a.requires_grad
        assert b.tolist() == [1.0, 1.0] and b.requires_grad
