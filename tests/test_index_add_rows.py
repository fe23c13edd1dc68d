"""backend.index_add_at's sorted fast path for 1-D row indices (the embedding gradient)
must give np.add.at's result: repeats accumulate, negative rows wrap, bad rows raise."""
import numpy as np
import pytest

from minitorch import backend


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_rows,n_idx", [(65, 2048), (5, 300), (1000, 64), (3, 64)])
def test_matches_add_at(dtype, n_rows, n_idx):
    rng = np.random.default_rng(n_rows + n_idx)
    rows = rng.integers(-n_rows, n_rows, n_idx)
    values = rng.standard_normal((n_idx, 3, 4)).astype(dtype)
    base = rng.standard_normal((n_rows, 3, 4)).astype(dtype)
    expect = base.copy()
    np.add.at(expect, rows, values)
    got = backend.index_add_at(base.copy(), rows, values)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, expect, rtol=tol, atol=tol)


def test_tuple_index_matches_a_plain_loop():
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 10, 500)
    values = rng.standard_normal((500, 7))
    got = backend.index_add_at(np.zeros((10, 7)), (rows,), values)
    expect = np.zeros((10, 7))
    for r, v in zip(rows, values):
        expect[r] += v
    np.testing.assert_allclose(got, expect, rtol=1e-12, atol=1e-12)


def test_out_of_range_row_raises():
    with pytest.raises(IndexError, match="out of bounds"):
        backend.index_add_at(np.zeros((4, 2)), np.array([0, 4] * 40), np.ones((80, 2)))
    with pytest.raises(IndexError, match="out of bounds"):
        backend.index_add_at(np.zeros((4, 2)), np.array([0, -5] * 40), np.ones((80, 2)))
