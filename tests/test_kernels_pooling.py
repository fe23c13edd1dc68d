"""The pooling kernels' faces agree: NumPy reference vs Numba on random shapes and
arguments (ties, NaN, -inf, ceil_mode windows), CUDA vs reference on a GPU; the .cu files
compile to PTX; MINITORCH_KERNELS=reference gives the same functional results."""

import numpy as np
import pytest

import minitorch
from minitorch import kernels
from minitorch.functional.pooling import _output_size

CUDA_REASON = "CuPy and a CUDA GPU are not available here; the CUDA faces run on a GPU machine"


def _random_case(rng, max_mode):
    """Random (x, kernel, stride, padding, dilation, out_size, ceil) that PyTorch accepts."""
    while True:
        H, W = rng.integers(1, 12, 2)
        k = tuple(int(v) for v in rng.integers(1, 5, 2))
        s = tuple(int(v) for v in rng.integers(1, 4, 2))
        d = tuple(int(v) for v in rng.integers(1, 3, 2)) if max_mode else (1, 1)
        p = tuple(int(rng.integers(0, kk // 2 + 1)) for kk in k)
        ceil = bool(rng.integers(0, 2))
        out = tuple(_output_size(n, kk, ss, pp, dd, ceil)
                    for n, kk, ss, pp, dd in zip((H, W), k, s, p, d))
        if min(out) >= 1:
            B = int(rng.integers(1, 5))
            return rng.standard_normal((B, int(H), int(W))), k, s, p, d, out, ceil


def _faces(name):
    f = kernels.faces(name)
    if "numba" not in f:
        pytest.skip("numba is not installed")
    return f["reference"], f["numba"]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(12))
def test_maxpool_reference_vs_numba(seed, dtype):
    ref, nb = _faces("maxpool")
    rng = np.random.default_rng(seed)
    x, k, s, p, d, out_size, _ = _random_case(rng, True)
    x = x.astype(dtype)
    if seed % 3 == 1:
        x = np.round(x)                       # ties: the first maximum wins in both
    if seed % 3 == 2:
        x.flat[rng.integers(0, x.size, 3)] = np.nan
        x.flat[rng.integers(0, x.size, 3)] = -np.inf
    o1, i1 = ref.forward(x, k, s, p, d, out_size)
    o2, i2 = nb.forward(x, k, s, p, d, out_size)
    assert o1.dtype == o2.dtype == dtype and i1.dtype == i2.dtype == np.int64
    np.testing.assert_array_equal(o1, o2)
    np.testing.assert_array_equal(i1, i2)
    g = rng.standard_normal(o1.shape).astype(dtype)
    d1 = ref.backward(g, i1, x.shape[1:])
    d2 = nb.backward(g, i1, x.shape[1:])
    assert d1.dtype == d2.dtype == dtype and d1.shape == x.shape
    np.testing.assert_allclose(d1, d2, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(12))
def test_avgpool_reference_vs_numba(seed, dtype):
    ref, nb = _faces("avgpool")
    rng = np.random.default_rng(100 + seed)
    x, k, s, p, _, out_size, _ = _random_case(rng, False)
    x = x.astype(dtype)
    cip = bool(seed % 2)
    div = [None, None, 3][seed % 3]
    tol = 1e-12 if dtype == np.float64 else 1e-5
    o1 = ref.forward(x, k, s, p, out_size, cip, div)
    o2 = nb.forward(x, k, s, p, out_size, cip, div)
    assert o1.dtype == o2.dtype == dtype
    np.testing.assert_allclose(o1, o2, rtol=tol, atol=tol)
    g = rng.standard_normal(o1.shape).astype(dtype)
    d1 = ref.backward(g, x.shape[1:], k, s, p, cip, div)
    d2 = nb.backward(g, x.shape[1:], k, s, p, cip, div)
    assert d1.dtype == d2.dtype == dtype and d1.shape == x.shape
    np.testing.assert_allclose(d1, d2, rtol=tol, atol=tol)
    # backward is the adjoint of forward: <A x, g> == <x, A^T g>
    lhs = float((o1.astype(np.float64) * g).sum())
    rhs = float((x.astype(np.float64) * d1).sum())
    assert abs(lhs - rhs) <= 1e-4 * (1 + abs(lhs))


def test_maxpool_backward_accumulates_overlaps():
    ref, nb = _faces("maxpool")
    x = np.zeros((1, 3, 3))
    x[0, 1, 1] = 1.0                          # the max of all four 2x2 windows
    _, idx = ref.forward(x, (2, 2), (1, 1), (0, 0), (1, 1), (2, 2))
    assert (idx == 4).all()
    for face in (ref, nb):
        dx = face.backward(np.ones((1, 2, 2)), idx, (3, 3))
        assert dx[0, 1, 1] == 4.0 and dx.sum() == 4.0


@pytest.mark.parametrize("name", ["maxpool", "avgpool"])
def test_cuda_face_matches_reference(name):
    if not minitorch.cuda.is_available():
        pytest.skip(CUDA_REASON)
    import cupy as cp
    rng = np.random.default_rng(7)
    ref = kernels.faces(name)["reference"]
    cuda = kernels.faces(name, "cuda")["cuda"]
    for dtype in (np.float64, np.float32):
        for _ in range(6):
            x, k, s, p, d, out_size, _c = _random_case(rng, name == "maxpool")
            x = x.astype(dtype)
            if name == "maxpool":
                o1, i1 = ref.forward(x, k, s, p, d, out_size)
                o2, i2 = cuda.forward(cp.asarray(x), k, s, p, d, out_size)
                np.testing.assert_array_equal(o1, o2.get())
                np.testing.assert_array_equal(i1, i2.get())
                g = rng.standard_normal(o1.shape).astype(dtype)
                d1 = ref.backward(g, i1, x.shape[1:])
                d2 = cuda.backward(cp.asarray(g), i2, x.shape[1:]).get()
            else:
                o1 = ref.forward(x, k, s, p, out_size, True, None)
                o2 = cuda.forward(cp.asarray(x), k, s, p, out_size, True, None)
                np.testing.assert_allclose(o1, o2.get(), rtol=1e-5, atol=1e-6)
                g = rng.standard_normal(o1.shape).astype(dtype)
                d1 = ref.backward(g, x.shape[1:], k, s, p, False, None)
                d2 = cuda.backward(cp.asarray(g), x.shape[1:], k, s, p, False, None).get()
            np.testing.assert_allclose(d1, d2, rtol=1e-5, atol=1e-6)


def test_forced_reference_gives_same_results(monkeypatch):
    F = minitorch.nn.functional
    x = minitorch.randn(2, 3, 7, 8, dtype=minitorch.float64, requires_grad=True)

    def run():
        x.grad = None
        out, idx = F.max_pool2d(x, 3, 2, 1, ceil_mode=True, return_indices=True)
        avg = F.avg_pool2d(x, (2, 3), 1, 1, count_include_pad=False)
        (out.sum() * 2 + (avg * avg).sum()).backward()
        return out.detach().numpy(), idx.numpy(), avg.detach().numpy(), x.grad.numpy()

    auto = run()
    monkeypatch.setenv("MINITORCH_KERNELS", "reference")
    assert kernels.get("maxpool", x.detach().numpy()) is kernels.module("maxpool").reference
    forced = run()
    for a, b in zip(auto, forced):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_parallel_path_matches_reference(dtype):
    # big enough for the Numba faces' parallel drivers (PARALLEL_MIN_WORK)
    mref, mnb = _faces("maxpool")
    aref, anb = _faces("avgpool")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((40, 33, 31)).astype(dtype)
    args = ((3, 3), (1, 2), (1, 1), (2, 1), (31, 16))
    assert 40 * 31 * 16 * 9 >= kernels.module("maxpool").PARALLEL_MIN_WORK
    o1, i1 = mref.forward(x, *args)
    o2, i2 = mnb.forward(x, *args)
    np.testing.assert_array_equal(o1, o2)
    np.testing.assert_array_equal(i1, i2)
    g = rng.standard_normal(o1.shape).astype(dtype)
    np.testing.assert_allclose(mref.backward(g, i1, (33, 31)), mnb.backward(g, i1, (33, 31)),
                               rtol=1e-5, atol=1e-5)
    a = ((3, 2), (1, 1), (1, 1), (33, 32), False, None)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(aref.forward(x, *a), anb.forward(x, *a), rtol=tol, atol=tol)
    g = rng.standard_normal((40, 33, 32)).astype(dtype)
    b = ((33, 31), (3, 2), (1, 1), (1, 1), False, None)
    np.testing.assert_allclose(aref.backward(g, *b), anb.backward(g, *b), rtol=tol, atol=tol)
