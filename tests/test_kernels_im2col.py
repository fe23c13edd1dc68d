"""kernels/im2col.py: every available face (NumPy reference, Numba, CUDA) against torch's
unfold/fold and against each other, with preallocated buffers and dispatch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import minitorch
from minitorch import kernels
from minitorch.kernels import im2col as K

torch.set_num_threads(1)

# (N, C, H, W, kernel, stride, padding, dilation)
CASES = [
    (2, 3, 7, 5, (3, 3), (1, 1), (0, 0), (1, 1)),
    (2, 3, 7, 5, (3, 2), (2, 1), (1, 0), (1, 2)),
    (1, 2, 6, 6, (2, 2), (3, 3), (2, 1), (2, 1)),
    (3, 1, 9, 4, (1, 3), (1, 2), (0, 2), (1, 1)),
    (1, 4, 5, 5, (5, 5), (1, 1), (2, 2), (1, 1)),
]
ids = [str(c) for c in CASES]


def _faces():
    return [pytest.param(name, im2col, col2im, id=name)
            for name, im2col, col2im in K.faces("cpu")]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES, ids=ids)
@pytest.mark.parametrize("face,im2col,col2im", _faces())
def test_face_matches_torch(face, im2col, col2im, case, dtype):
    N, C, H, W, k, s, p, d = case
    x = np.random.default_rng(0).standard_normal((N, C, H, W)).astype(dtype)
    col = im2col(x, k, s, p, d)
    ref = TF.unfold(torch.from_numpy(x), k, d, p, s).numpy()
    assert col.shape == ref.shape and col.dtype == dtype
    np.testing.assert_array_equal(col, ref)   # a copy: exact
    back = col2im(ref, (H, W), k, s, p, d)
    tback = TF.fold(torch.from_numpy(ref), (H, W), k, d, p, s).numpy()
    assert back.shape == (N, C, H, W) and back.dtype == dtype
    np.testing.assert_allclose(back, tback, rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_faces_agree(case):
    N, C, H, W, k, s, p, d = case
    rng = np.random.default_rng(1)
    x = rng.standard_normal((N, C, H, W))
    faces = K.faces("cpu")
    cols = [f(x, k, s, p, d) for _, f, _ in faces]
    ims = [g(cols[0], (H, W), k, s, p, d) for _, _, g in faces]
    for c in cols[1:]:
        np.testing.assert_array_equal(c, cols[0])
    for im in ims[1:]:
        np.testing.assert_allclose(im, ims[0], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("face,im2col,col2im", _faces())
def test_adjoint(face, im2col, col2im):
    """<im2col(x), c> == <x, col2im(c)>: col2im is im2col's adjoint."""
    rng = np.random.default_rng(2)
    k, s, p, d = (3, 2), (2, 1), (1, 2), (2, 1)
    x = rng.standard_normal((2, 3, 8, 7))
    col = im2col(x, k, s, p, d)
    c = rng.standard_normal(col.shape)
    assert np.isclose(np.vdot(col, c), np.vdot(x, col2im(c, (8, 7), k, s, p, d)))


@pytest.mark.parametrize("face,im2col,col2im", _faces())
def test_out_buffers_and_col_size(face, im2col, col2im):
    """Preallocated outputs are filled (col2im overwrites stale values), and an explicit
    smaller col_size computes only those positions."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 2, 6, 5))
    k, s, p, d = (3, 3), (2, 2), (1, 1), (1, 1)
    full = im2col(x, k, s, p, d)
    buf = np.full(full.shape, np.nan)
    assert im2col(x, k, s, p, d, out=buf) is buf
    np.testing.assert_array_equal(buf, full)
    im = np.full(x.shape, 7.0)
    assert col2im(full, (6, 5), k, s, p, d, out=im) is im
    np.testing.assert_allclose(im, col2im(full, (6, 5), k, s, p, d))
    small = im2col(x, k, s, p, d, col_size=(2, 2))   # the formula gives (3, 3)
    np.testing.assert_array_equal(small.reshape(2, 18, 2, 2),
                                  full.reshape(2, 18, 3, 3)[:, :, :2, :2])


def test_dispatch_and_reference_override(monkeypatch):
    x = np.zeros((1, 1, 3, 3))
    monkeypatch.setenv("MINITORCH_KERNELS", "reference")
    assert kernels.get("im2col", x) is K.reference
    assert K.pick(x) == (K.reference, K.reference_col2im)
    monkeypatch.setenv("MINITORCH_KERNELS", "auto")
    if kernels.numba_available():
        assert K.pick(x) == (K.numba_impl, K.numba_col2im)


def test_conv_same_under_reference_kernels(monkeypatch):
    """The conv layer gives the same numbers with the reference face forced."""
    rng = np.random.default_rng(4)
    x = minitorch.from_numpy(rng.standard_normal((2, 3, 6, 6))).requires_grad_(True)
    w = minitorch.from_numpy(rng.standard_normal((4, 3, 3, 3))).requires_grad_(True)
    outs = []
    for mode in ("reference", "auto"):
        monkeypatch.setenv("MINITORCH_KERNELS", mode)
        x.grad = w.grad = None
        y = minitorch.nn.functional.conv2d(x, w, stride=2, padding=1)
        (y * y).sum().backward()
        outs.append([y.detach().numpy(), x.grad.numpy(), w.grad.numpy()])
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.cuda
@pytest.mark.skipif(not minitorch.cuda.is_available(),
                    reason="CuPy and a CUDA GPU are not available here; the CUDA face "
                           "(kernels/im2col.cu) runs on a GPU machine")
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES, ids=ids)
def test_cuda_face_matches_reference(case, dtype):
    import cupy
    N, C, H, W, k, s, p, d = case
    x = np.random.default_rng(0).standard_normal((N, C, H, W)).astype(dtype)
    col = K.cuda_impl(cupy.asarray(x), k, s, p, d)
    np.testing.assert_array_equal(cupy.asnumpy(col), K.reference(x, k, s, p, d))
    ref_col = K.reference(x, k, s, p, d)
    back = K.cuda_col2im(cupy.asarray(ref_col), (H, W), k, s, p, d)
    np.testing.assert_allclose(cupy.asnumpy(back), K.reference_col2im(ref_col, (H, W), k, s, p, d),
                               rtol=1e-5, atol=1e-5)
