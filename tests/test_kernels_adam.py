"""kernels/adam_update: the Numba face must give the reference's bits (the reference is
torch.optim.Adam's arithmetic op for op; tests/test_optim*.py compare Adam with torch)."""
import numpy as np
import pytest

from minitorch import kernels
from minitorch.kernels import adam_update as K

pytestmark = pytest.mark.skipif(not kernels.numba_available(), reason="needs numba")


def _state(dtype, shape, seed, with_nan=False):
    rng = np.random.default_rng(seed)
    theta, g, m = (np.array(rng.standard_normal(shape), dtype=dtype) for _ in range(3))
    v = np.array(rng.random(shape) * 0.1, dtype=dtype)      # np.array: 0-d stays an array
    vmax = np.array(rng.random(shape) * 0.1, dtype=dtype)
    if with_nan:
        g.reshape(-1)[0] = np.nan
        vmax.reshape(-1)[1] = np.nan
    return [theta, g, m, v, vmax]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("beta1", [0.9, 0.3])          # both branches of torch's lerp
@pytest.mark.parametrize("amsgrad", [False, True])
@pytest.mark.parametrize("shape", [(37,), (8, 5, 3), ()])
def test_numba_face_matches_reference_bitwise(dtype, beta1, amsgrad, shape):
    args = dict(beta1=beta1, beta2=0.999, step_size=1e-3 / (1 - beta1 ** 3),
                bias_correction2_sqrt=(1 - 0.999 ** 3) ** 0.5, eps=1e-8)
    a, b = _state(dtype, shape, 0), _state(dtype, shape, 0)
    for k in range(3):                       # a few steps, the moments carried over
        K.reference(a[0], a[1], a[2], a[3], a[4] if amsgrad else None, **args)
        K.numba_impl(b[0], b[1], b[2], b[3], b[4] if amsgrad else None, **args)
    for x, y, name in zip(a, b, ("theta", "g", "m", "v", "vmax")):
        assert x.dtype == dtype and y.dtype == dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)


def test_nan_propagates_like_the_reference():
    args = dict(beta1=0.9, beta2=0.999, step_size=1e-3, bias_correction2_sqrt=0.1, eps=1e-8)
    a, b = _state(np.float32, (6,), 1, True), _state(np.float32, (6,), 1, True)
    K.reference(*a, **args)
    K.numba_impl(*b, **args)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert np.isnan(b[0][0]) and np.isnan(b[4][1])


def test_non_contiguous_falls_back_to_reference():
    args = dict(beta1=0.9, beta2=0.999, step_size=1e-3, bias_correction2_sqrt=0.1, eps=1e-8)
    rng = np.random.default_rng(2)
    big = rng.standard_normal((4, 10)).astype(np.float32)
    theta_a, theta_b = big.copy()[:, ::2], big.copy()[:, ::2]     # strided views
    rest = _state(np.float32, (4, 5), 3)[1:4]
    rest_b = [r.copy() for r in rest]
    K.reference(theta_a, *rest, None, **args)
    K.numba_impl(theta_b, *rest_b, None, **args)
    np.testing.assert_array_equal(theta_a, theta_b)
    assert not np.array_equal(theta_a, big[:, ::2])                # it did update in place


def test_get_picks_numba_on_the_cpu():
    assert kernels.get("adam_update", np.zeros(3)) is K.numba_impl
