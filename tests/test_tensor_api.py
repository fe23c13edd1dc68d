"""The Tensor API: creation, dtype inference and type promotion, attributes,
conversions, devices, repr, error messages and indexing — compared with PyTorch."""
import itertools

import numpy as np
import pytest
import torch

import minitorch


def tname(d):
    """torch dtype or minitorch dtype -> 'float32'."""
    return str(d).replace("minitorch.", "").replace("torch.", "")


def same(m, t):
    """Same shape, dtype and values (exact) as a torch tensor."""
    assert tuple(m.shape) == tuple(t.shape)
    assert tname(m.dtype) == tname(t.dtype)
    np.testing.assert_array_equal(m.detach().numpy(), t.detach().numpy())


# ----------------------------------------------------------------------------- creation
@pytest.mark.parametrize("data", [
    [1, 2, 3], [1.0, 2.0], [True, False], [1, 2.5], [True, 1], [[1, 2], [3, 4]], 3, 2.5,
    True, [], [[]], [[1.0], [2.0]], [np.int64(3), 4],
])
def test_tensor_dtype_inference_vs_torch(data):
    same(minitorch.tensor(data), torch.tensor(data))


@pytest.mark.parametrize("np_dtype", [np.float32, np.float64, np.int32, np.int64, np.bool_,
                                      np.float16])
def test_tensor_from_numpy_keeps_dtype(np_dtype):
    a = (np.arange(6).reshape(2, 3) % 2).astype(np_dtype)
    same(minitorch.tensor(a), torch.tensor(a))
    same(minitorch.as_tensor(a), torch.as_tensor(a))
    same(minitorch.from_numpy(a), torch.from_numpy(a))


def test_tensor_copies_but_from_numpy_and_as_tensor_share():
    a = np.arange(4.0)
    t = minitorch.tensor(a)
    f = minitorch.from_numpy(a)
    s = minitorch.as_tensor(a)
    a[0] = 42.0
    assert t.numpy()[0] == 0.0
    assert f.numpy()[0] == 42.0 and s.numpy()[0] == 42.0
    f.numpy()[1] = -1.0            # and the other way round
    assert a[1] == -1.0
    # as_tensor converting dtype has to copy
    c = minitorch.as_tensor(a, dtype=minitorch.float32)
    a[2] = 7.0
    assert c.numpy()[2] == 2.0 and c.dtype == minitorch.float32


def test_as_tensor_of_tensor_is_identity():
    t = minitorch.ones(3)
    assert minitorch.as_tensor(t) is t
    assert minitorch.as_tensor(t, dtype=minitorch.float64).dtype == minitorch.float64


def test_from_numpy_rejects_non_arrays():
    with pytest.raises(TypeError):
        minitorch.from_numpy([1, 2, 3])


def test_tensor_with_dtype_and_requires_grad():
    t = minitorch.tensor([1, 2], dtype=minitorch.float64, requires_grad=True)
    assert t.dtype == minitorch.float64 and t.requires_grad and t.is_leaf
    with pytest.raises(RuntimeError, match="floating point"):
        minitorch.tensor([1, 2], requires_grad=True)


def test_tensor_bad_input():
    with pytest.raises(TypeError):
        minitorch.tensor(["a", "b"])
    with pytest.raises(ValueError, match="tensor"):
        minitorch.tensor([[1, 2], [3]])
    with pytest.raises(TypeError):
        minitorch.tensor(np.array(["x"]))


def test_tensor_of_tensors_list():
    parts = [minitorch.tensor([1.0, 2.0]), minitorch.tensor([3.0, 4.0])]
    same(minitorch.tensor(parts), torch.tensor([[1.0, 2.0], [3.0, 4.0]]))


@pytest.mark.parametrize("fn", ["zeros", "ones", "empty"])
@pytest.mark.parametrize("args", [(2, 3), ((2, 3),), ([4],), (torch.Size([2, 1]),), ((),), (0,)])
def test_zeros_ones_empty(fn, args):
    margs = tuple(minitorch.Size(a) if isinstance(a, torch.Size) else a for a in args)
    m = getattr(minitorch, fn)(*margs)
    t = getattr(torch, fn)(*args)
    assert tuple(m.shape) == tuple(t.shape)
    assert m.dtype == minitorch.float32
    if fn != "empty":
        same(m, t)
    m64 = getattr(minitorch, fn)(*margs, dtype=minitorch.int64)
    assert m64.dtype == minitorch.int64


@pytest.mark.parametrize("fn", ["zeros", "ones", "empty", "rand", "randn"])
def test_size_is_required(fn):
    with pytest.raises(TypeError):
        getattr(torch, fn)()
    with pytest.raises(TypeError, match="size"):
        getattr(minitorch, fn)()
    assert getattr(minitorch, fn)(()).shape == ()


def test_full_dtype_inference_vs_torch():
    for v in (3, 2.5, True):
        same(minitorch.full((2, 2), v), torch.full((2, 2), v))
    same(minitorch.full((3,), 7, dtype=minitorch.float64),
         torch.full((3,), 7, dtype=torch.float64))


def test_like_functions():
    base = minitorch.tensor([[1, 2], [3, 4]])
    tbase = torch.tensor([[1, 2], [3, 4]])
    same(minitorch.zeros_like(base), torch.zeros_like(tbase))
    same(minitorch.ones_like(base), torch.ones_like(tbase))
    same(minitorch.full_like(base, 9), torch.full_like(tbase, 9))
    same(minitorch.ones_like(base, dtype=minitorch.float32),
         torch.ones_like(tbase, dtype=torch.float32))
    e = minitorch.empty_like(base)
    assert e.shape == base.shape and e.dtype == minitorch.int64
    r = minitorch.rand_like(minitorch.ones(2, 3, dtype=minitorch.float64))
    assert r.dtype == minitorch.float64 and r.shape == (2, 3)
    n = minitorch.randn_like(minitorch.ones(5))
    assert n.dtype == minitorch.float32 and n.shape == (5,)
    z = minitorch.zeros_like(minitorch.ones(3), requires_grad=True)
    assert z.requires_grad and z.is_leaf


@pytest.mark.parametrize("args", [(5,), (2, 7), (1, 10, 3), (0.0, 1.0, 0.25), (5.0,),
                                  (1, 2.5, 0.5), (10, 0, -2), (0, 1, 0.1), (-3, 3)])
def test_arange_vs_torch(args):
    m = minitorch.arange(*args)
    t = torch.arange(*args)
    assert tname(m.dtype) == tname(t.dtype)
    assert tuple(m.shape) == tuple(t.shape)
    np.testing.assert_allclose(m.numpy(), t.numpy(), rtol=1e-6, atol=1e-7)


def test_arange_int_vs_float_dtype():
    assert minitorch.arange(5).dtype == minitorch.int64
    assert minitorch.arange(5.0).dtype == minitorch.float32
    assert minitorch.arange(0, 5, 1.0).dtype == minitorch.float32
    assert minitorch.arange(5, dtype=minitorch.float64).dtype == minitorch.float64
    with pytest.raises(RuntimeError):
        minitorch.arange(0, 5, 0)
    with pytest.raises(RuntimeError):
        minitorch.arange(5, 0, 1)


@pytest.mark.parametrize("args", [(0, 1, 5), (-2, 2, 4), (3, 3, 1), (0, 1, 0), (1, 0, 3)])
def test_linspace_vs_torch(args):
    m = minitorch.linspace(*args)
    t = torch.linspace(*args)
    assert m.dtype == minitorch.float32
    np.testing.assert_allclose(m.numpy(), t.numpy(), rtol=1e-6, atol=1e-7)


def test_eye_vs_torch():
    same(minitorch.eye(3), torch.eye(3))
    same(minitorch.eye(2, 4), torch.eye(2, 4))
    same(minitorch.eye(3, dtype=minitorch.int64), torch.eye(3, dtype=torch.int64))


def test_random_creation_shapes_dtypes_ranges():
    minitorch.manual_seed(0)
    r = minitorch.rand(1000)
    assert r.dtype == minitorch.float32 and r.shape == (1000,)
    assert float(r.min()) >= 0.0 and float(r.max()) < 1.0
    n = minitorch.randn(200, 50, dtype=minitorch.float64)
    assert n.dtype == minitorch.float64
    assert abs(float(n.mean())) < 0.05 and abs(float(n.std()) - 1.0) < 0.05
    i = minitorch.randint(3, 7, (500,))
    assert i.dtype == minitorch.int64
    assert set(i.tolist()) == {3, 4, 5, 6}
    i2 = minitorch.randint(4, (2, 3))
    assert i2.shape == (2, 3) and int(i2.max()) < 4 and int(i2.min()) >= 0
    p = minitorch.randperm(10)
    assert p.dtype == minitorch.int64 and sorted(p.tolist()) == list(range(10))
    assert minitorch.rand(2, 3, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError):
        minitorch.rand(3, dtype=minitorch.int64)
    with pytest.raises(RuntimeError):
        minitorch.randint(5, 5, (2,))


def test_manual_seed_reproducibility():
    def draw():
        return (minitorch.rand(4).tolist(), minitorch.randn(3).tolist(),
                minitorch.randint(0, 100, (5,)).tolist(), minitorch.randperm(6).tolist())

    minitorch.manual_seed(123)
    a = draw()
    minitorch.manual_seed(123)
    b = draw()
    minitorch.manual_seed(124)
    c = draw()
    assert a == b
    assert a != c


def test_generator_argument():
    g1 = minitorch.Generator().manual_seed(7)
    g2 = minitorch.Generator().manual_seed(7)
    assert minitorch.rand(5, generator=g1).tolist() == minitorch.rand(5, generator=g2).tolist()


def test_creation_rejects_bad_sizes_and_dtypes():
    with pytest.raises(TypeError):
        minitorch.zeros(2.5)
    with pytest.raises(TypeError):
        minitorch.ones(2, dtype="not-a-dtype")


# ----------------------------------------------------------------------------- promotion
DTYPES = ["bool", "int32", "int64", "float16", "float32", "float64"]


def _mk(lib, name, dim):
    return lib.ones((2,) if dim else (), dtype=getattr(lib, name))


@pytest.mark.parametrize("d1,d2", list(itertools.product(DTYPES, DTYPES)))
def test_result_type_tensor_pairs_vs_torch(d1, d2):
    for dim1, dim2 in itertools.product([True, False], repeat=2):
        ma, mb = _mk(minitorch, d1, dim1), _mk(minitorch, d2, dim2)
        ta, tb = _mk(torch, d1, dim1), _mk(torch, d2, dim2)
        expected = tname(torch.result_type(ta, tb))
        assert minitorch.result_type(ma, mb).name == expected, (d1, dim1, d2, dim2)
        for op in (lambda a, b: a + b, lambda a, b: a * b):
            assert tname(op(ma, mb).dtype) == tname(op(ta, tb).dtype), (d1, dim1, d2, dim2)
        assert tname((ma / mb).dtype) == tname((ta / tb).dtype)


@pytest.mark.parametrize("d", DTYPES)
@pytest.mark.parametrize("scalar", [True, 2, 2.5, -3])
def test_result_type_tensor_scalar_vs_torch(d, scalar):
    for dim in (True, False):
        m, t = _mk(minitorch, d, dim), _mk(torch, d, dim)
        assert minitorch.result_type(m, scalar).name == tname(torch.result_type(t, scalar))
        for op in (lambda a, b: a + b, lambda a, b: b + a, lambda a, b: a * b,
                   lambda a, b: b * a, lambda a, b: a / b):
            assert tname(op(m, scalar).dtype) == tname(op(t, scalar).dtype), (d, dim, scalar)


def test_promotion_examples():
    i64 = minitorch.tensor([1, 2])
    f32 = minitorch.tensor([1.0, 2.0])
    assert (i64 + f32).dtype == minitorch.float32
    assert (i64 + 2.5).dtype == minitorch.float32
    f64_0d = minitorch.tensor(1.0, dtype=minitorch.float64)
    assert (f32 + f64_0d).dtype == minitorch.float32
    assert (minitorch.tensor([1, 2], dtype=minitorch.int32) + 5).dtype == minitorch.int32
    assert (minitorch.tensor([True, False]) + 1).dtype == minitorch.int64
    q = minitorch.tensor([1, 3]) / minitorch.tensor([2, 2])
    assert q.dtype == minitorch.float32 and q.tolist() == [0.5, 1.5]
    assert (minitorch.tensor([7]) // 2).tolist() == [3]
    assert (f32 * 2).dtype == minitorch.float32       # a Python int never widens
    assert (f32 + np.float64(2.0)).dtype == minitorch.float32   # NumPy scalars are weak too


@pytest.mark.parametrize("lhs,rhs", [
    ("bool_t", "bool_t"), ("bool_t", 1), ("float_t", "bool_t"), ("bool_t", 2.5), (True, "float_t"),
])
def test_bool_subtraction_refused_like_torch(lhs, rhs):
    def get(lib, v):
        if v == "bool_t":
            return lib.tensor([True, False])
        if v == "float_t":
            return lib.tensor([1.0, 2.0])
        return v
    with pytest.raises(RuntimeError):
        get(torch, lhs) - get(torch, rhs)
    with pytest.raises(RuntimeError, match="bool"):
        get(minitorch, lhs) - get(minitorch, rhs)


def test_promote_types_and_dtype_objects():
    assert minitorch.promote_types(minitorch.int32, minitorch.float16) is minitorch.float16
    assert minitorch.promote_types(minitorch.int32, minitorch.int64) is minitorch.int64
    assert minitorch.promote_types(minitorch.bool, minitorch.int32) is minitorch.int32
    assert minitorch.float is minitorch.float32 and minitorch.double is minitorch.float64
    assert minitorch.long is minitorch.int64 and minitorch.half is minitorch.float16
    assert repr(minitorch.float32) == "minitorch.float32"
    assert minitorch.float32.is_floating_point and not minitorch.int64.is_floating_point


def test_default_dtype_switch():
    old = minitorch.get_default_dtype()
    try:
        minitorch.set_default_dtype(minitorch.float64)
        assert minitorch.tensor([1.5]).dtype == minitorch.float64
        assert minitorch.zeros(2).dtype == minitorch.float64
        assert (minitorch.tensor([1]) + 0.5).dtype == minitorch.float64
        with pytest.raises(TypeError):
            minitorch.set_default_dtype(minitorch.int64)
    finally:
        minitorch.set_default_dtype(old)
    assert minitorch.tensor([1.5]).dtype == minitorch.float32


# ----------------------------------------------------------------------------- attributes
def test_attributes_vs_torch():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    m, t = minitorch.tensor(a), torch.tensor(a)
    assert tuple(m.shape) == tuple(t.shape) == (2, 3)
    assert isinstance(m.shape, tuple) and isinstance(m.shape, minitorch.Size)
    assert m.size() == (2, 3) and m.size(0) == 2 and m.size(-1) == 3
    assert m.ndim == m.dim() == 2
    assert m.numel() == 6 == t.numel()
    assert m.dtype == minitorch.float32
    assert m.device == minitorch.device("cpu") and str(m.device) == "cpu"
    assert m.device.type == "cpu" and not m.is_cuda
    assert not m.requires_grad and m.grad is None and m.grad_fn is None and m.is_leaf
    same(m.T, t.T)
    assert m.T.shape == (3, 2)
    assert len(m) == 2
    assert m.tolist() == t.tolist()
    assert m.is_floating_point() and not minitorch.tensor([1]).is_floating_point()
    assert m.element_size() == 4
    with pytest.raises(IndexError):
        m.size(2)
    with pytest.raises(TypeError):
        len(minitorch.tensor(1.0))


def test_stride_and_contiguity_vs_torch():
    m = minitorch.ones(3, 4)
    t = torch.ones(3, 4)
    assert m.stride() == t.stride()
    assert m.T.stride() == t.T.stride()
    assert not m.T.is_contiguous() and m.T.contiguous().is_contiguous()
    assert m.contiguous() is m


def test_item_and_tolist_types():
    assert minitorch.tensor(3.5).item() == 3.5
    assert isinstance(minitorch.tensor(3.5).item(), float)
    assert isinstance(minitorch.tensor(3).item(), int)
    assert isinstance(minitorch.tensor(True).item(), bool)
    assert minitorch.tensor([[7]]).item() == 7
    assert minitorch.tensor(5).tolist() == torch.tensor(5).tolist()
    assert minitorch.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    with pytest.raises(RuntimeError):
        minitorch.ones(3).item()
    assert float(minitorch.tensor(2.5)) == 2.5 and int(minitorch.tensor(4)) == 4
    with pytest.raises(RuntimeError):
        bool(minitorch.ones(2))


def test_numpy_shares_memory_and_refuses_grad():
    m = minitorch.zeros(3)
    m.numpy()[1] = 5.0
    assert m.tolist() == [0.0, 5.0, 0.0]
    r = minitorch.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        r.numpy()
    assert r.detach().numpy().shape == (3,)
    assert np.asarray(r).shape == (3,)


def test_zero_dim_tensor_attributes():
    m = minitorch.tensor(2.0)
    assert m.shape == () and m.ndim == 0 and m.numel() == 1
    assert m.size() == minitorch.Size([])
    assert repr(m.shape) == "minitorch.Size([])"


def test_size_repr_and_numel():
    s = minitorch.ones(2, 3).shape
    assert repr(s) == str(torch.ones(2, 3).shape).replace("torch.", "minitorch.")
    assert s.numel() == 6
    assert s == (2, 3) and s[1] == 3


# ----------------------------------------------------------------------------- conversions
@pytest.mark.parametrize("method", ["float", "double", "long", "int", "half", "bool"])
def test_cast_methods_vs_torch(method):
    a = np.array([[-1.5, 0.0], [2.7, 3.0]], dtype=np.float32)
    same(getattr(minitorch.tensor(a), method)(), getattr(torch.tensor(a), method)())


def test_to_dtype_device_and_other():
    m = minitorch.tensor([1.5, -2.5])
    assert m.to(minitorch.float64).dtype == minitorch.float64
    assert m.to(dtype=minitorch.int64).tolist() == [1, -2]
    assert m.to("cpu") is m
    assert m.to(minitorch.device("cpu")) is m
    assert m.to(m) is m
    assert m.to(minitorch.tensor([1])).dtype == minitorch.int64
    assert m.to("cpu", minitorch.float64).dtype == minitorch.float64
    assert m.cpu() is m
    assert m.float() is m          # no conversion needed: the same tensor, like torch
    c = m.to(minitorch.float32, copy=True)
    assert c is not m and not np.shares_memory(c.numpy(), m.numpy())
    with pytest.raises(TypeError):
        m.to([1, 2])


def test_to_is_differentiable_and_int_cast_drops_grad():
    x = minitorch.tensor([1.5, 2.5], requires_grad=True)
    y = x.to(minitorch.float64)
    assert y.requires_grad and y.dtype == minitorch.float64
    (y * y).sum().backward()
    assert x.grad.dtype == minitorch.float32
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 5.0])
    i = x.long()
    assert not i.requires_grad and i.grad_fn is None


def test_clone_is_differentiable_and_copies():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert c.grad_fn is not None and not c.is_leaf
    assert not np.shares_memory(c.detach().numpy(), x.detach().numpy())
    (c * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3.0)


def test_detach_and_requires_grad_():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and np.shares_memory(d.numpy(), x.detach().numpy())
    t = minitorch.tensor([1.0, 2.0])
    assert t.requires_grad_() is t and t.requires_grad
    t.requires_grad_(False)
    assert not t.requires_grad
    with pytest.raises(RuntimeError):
        minitorch.tensor([1, 2]).requires_grad_()
    d2 = (x * 2).detach_()
    assert d2.is_leaf and not d2.requires_grad


def test_data_attribute():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    d = x.data
    assert not d.requires_grad
    x.data = minitorch.tensor([5.0, 6.0])
    assert x.tolist() == [5.0, 6.0] and x.requires_grad


def test_new_factories():
    m = minitorch.ones(2, dtype=minitorch.float64)
    assert m.new_zeros((3,)).dtype == minitorch.float64
    assert m.new_ones((2, 2)).shape == (2, 2)
    assert m.new_full((2,), 4).tolist() == [4.0, 4.0]
    assert m.new_tensor([1, 2]).dtype == minitorch.float64


def _cuda():
    return minitorch.cuda.is_available()


@pytest.mark.skipif(_cuda(), reason="a GPU is here: the no-GPU error path cannot be tested")
def test_cuda_without_gpu_raises_clear_error():
    m = minitorch.ones(2)
    for call in (lambda: m.cuda(), lambda: m.to("cuda"), lambda: m.to("cuda:0"),
                 lambda: minitorch.zeros(2, device="cuda")):
        with pytest.raises(RuntimeError, match="cuda"):
            call()
    assert not minitorch.cuda.is_available()
    assert minitorch.cuda.device_count() == 0


@pytest.mark.skipif(not _cuda(), reason="needs CuPy and a CUDA GPU")
def test_cuda_roundtrip_and_mixing_devices_raises():
    m = minitorch.tensor([1.0, 2.0])
    g = m.cuda()
    assert g.device.type == "cuda" and g.is_cuda
    assert g.cpu().tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match="device"):
        m + g
    with pytest.raises(TypeError):
        g.numpy()


def test_bad_device_strings():
    with pytest.raises(ValueError):
        minitorch.device("tpu")
    with pytest.raises(ValueError):
        minitorch.ones(2).to("cuda:x")
    d = minitorch.device("cuda", 1)
    assert str(d) == "cuda:1" and d.index == 1
    assert minitorch.device("cpu") == "cpu"


# ----------------------------------------------------------------------------- repr
REPR_CASES = [
    "tensor([1, 2, 3])",
    "tensor([[1, -20], [300, 4]])",
    "tensor([1.0, 2.5, 3.0])",
    "tensor([1.0, 2.0, 3.0])",
    "tensor([-1.5, 2.25])",
    "tensor([0.1, 0.2])",
    "tensor([[1.0, -2.5], [300.25, 4.0]])",
    "tensor([1e-5, 1.0, 1000.0])",
    "tensor([1e10, 1.0])",
    "tensor([100000.0, 1.0])",
    "tensor([1e-4, 1.0])",
    "tensor([123456.7, 0.5])",
    "tensor([True, False])",
    "tensor([[True, False], [False, True]])",
    "tensor(3.5)",
    "tensor(7)",
    "tensor(0.0)",
    "tensor(1e-10)",
    "tensor(-3)",
    "tensor([])",
    "zeros(0, 3)",
    "zeros(0, dtype=L.int64)",
    "zeros(2, 0, dtype=L.float64)",
    "tensor([1.5, 2.0], dtype=L.float64)",
    "tensor([1, 2], dtype=L.int32)",
    "tensor([1.5], dtype=L.float16)",
    "tensor([1.5, 2.0], requires_grad=True)",
    "tensor(2.5, requires_grad=True)",
    "tensor([1.0, 2.0], dtype=L.float64, requires_grad=True)",
    "tensor([float('nan'), 1.0, float('inf')])",
    "tensor([float('-inf'), 0.0])",
    "tensor([-0.0, 1.0])",
    "zeros(3)",
    "arange(12.0).reshape(3, 4)",
    "arange(24.0).reshape(2, 3, 4) / 7",
    "arange(40.0)",
    "arange(60).reshape(3, 20)",
    "arange(40.0).reshape(2, 20) * 1.5",
    "arange(2000)",
    "arange(2000.0)",
    "arange(3000.0).reshape(30, 100)",
    "arange(1200).reshape(10, 10, 12)",
    "full((30,), 1.2345678, dtype=L.float64)",
    "ones(2, 3, dtype=L.bool)",
]


def _normalize_suffix_wrap(s):
    # torch wraps a suffix onto a new line at 80 columns measured with "torch.float64";
    # "minitorch.float64" is 4 characters longer, so compare suffixes on one line.
    import re
    return re.sub(r",\n\s+(dtype=|requires_grad=|size=|grad_fn=)", r", \1", s)


@pytest.mark.parametrize("expr", REPR_CASES)
def test_repr_matches_torch(expr):
    t = eval(expr.replace("L.", "torch."), {"torch": torch}, {"tensor": torch.tensor,
             "zeros": torch.zeros, "ones": torch.ones, "full": torch.full, "arange": torch.arange})
    m = eval(expr.replace("L.", "minitorch."), {"minitorch": minitorch},
             {"tensor": minitorch.tensor, "zeros": minitorch.zeros, "ones": minitorch.ones,
              "full": minitorch.full, "arange": minitorch.arange})
    expected = str(t).replace("torch.", "minitorch.")
    assert _normalize_suffix_wrap(repr(m)) == _normalize_suffix_wrap(expected)
    assert str(m) == repr(m)


def test_repr_random_tensors_match_torch():
    rng = np.random.default_rng(1)
    for i in range(150):
        shape = tuple(int(s) for s in rng.integers(1, 8, size=rng.integers(1, 4)))
        a = rng.standard_normal(shape) * 10.0 ** int(rng.integers(-6, 10))
        if i % 3 == 0:
            a = np.round(a)
        if i % 5 == 0:
            a = a.astype(np.float32)
        if i % 7 == 0:
            a = (a * 1000).astype(np.int64)
        expected = str(torch.tensor(a)).replace("torch.", "minitorch.")
        assert _normalize_suffix_wrap(repr(minitorch.tensor(a))) == \
            _normalize_suffix_wrap(expected), (shape, a.dtype)


def test_repr_wraps_long_suffix_at_80_columns():
    m = minitorch.arange(10.0, dtype=minitorch.float64).reshape(2, 5) * 1e5 + 0.5
    for line in repr(m).split("\n"):
        assert len(line) <= 80


def test_repr_of_graph_tensor_names_grad_fn():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    r = repr(x * 2)
    assert r.startswith("tensor([2., 4.], grad_fn=<") and r.endswith("Backward0>)")


# ----------------------------------------------------------------------------- errors
def test_broadcast_error_names_op_and_shapes():
    with pytest.raises(RuntimeError) as e:
        minitorch.ones(2, 3) + minitorch.ones(4)
    msg = str(e.value)
    assert "add" in msg and "(2, 3)" in msg and "(4,)" in msg
    with pytest.raises(RuntimeError) as e:
        minitorch.ones(2, 3) * minitorch.ones(3, 2)
    msg = str(e.value)
    assert "mul" in msg and "(2, 3)" in msg and "(3, 2)" in msg


def test_matmul_error_names_shapes():
    with pytest.raises(RuntimeError) as e:
        minitorch.ones(2, 3) @ minitorch.ones(4, 5)
    msg = str(e.value)
    assert "(2, 3)" in msg and "(4, 5)" in msg
    with pytest.raises(RuntimeError) as e:
        minitorch.ones(3) @ minitorch.ones(4)
    assert "(3,)" in str(e.value) and "(4,)" in str(e.value)
    with pytest.raises(RuntimeError):
        torch.ones(3) @ torch.ones(4)


def test_bad_operand_type():
    with pytest.raises(TypeError):
        minitorch.ones(2) + "a"
    with pytest.raises(TypeError):
        minitorch.ones(2) * [1, 2]


def test_eq_with_non_tensor_is_false():
    assert (minitorch.ones(2) == "x") is False
    assert (minitorch.ones(2) == minitorch.ones(2)).tolist() == [True, True]


# ----------------------------------------------------------------------------- indexing
_A = np.arange(60.0).reshape(3, 4, 5)


def _idx(lib, key):
    if key == "mask0":
        return (lib.tensor(_A[:, 0, 0] > 10),)
    if key == "mask2d":
        return lib.tensor(_A[:, :, 0] > 10)
    if key == "colmask":
        return (slice(None), lib.tensor([True, False, True, False]))
    if key == "itensor":
        return lib.tensor([2, 0])
    if key == "itensor2d":
        return lib.tensor([[0, 1], [2, 0]])
    return key


INDEXES = [
    0, -1, (1, 2), (1, 2, 3), slice(1, None), (slice(None), 2), (None, 0), (Ellipsis, 1),
    (0, Ellipsis, None), (slice(None, None, 2), slice(1, 3)), (slice(0, 3, 2),),
    ([0, 2],), ([0, 2], [1, 3]), (slice(None), [0, 0, 3]), (1, [2, 1], slice(None)),
    "mask0", "mask2d", "colmask", "itensor", "itensor2d", (slice(None), None, [1, 2], 0),
    (Ellipsis, [4, 0]), (np.int64(1),), ([[0, 1], [2, 0]],), (-1, -1, -1),
]


@pytest.mark.parametrize("key", INDEXES, ids=[str(i) for i in range(len(INDEXES))])
def test_getitem_vs_torch(key):
    m, t = minitorch.tensor(_A), torch.tensor(_A)
    same(m[_idx(minitorch, key)], t[_idx(torch, key)])


@pytest.mark.parametrize("key", INDEXES, ids=[str(i) for i in range(len(INDEXES))])
def test_getitem_grad_vs_torch(key):
    m = minitorch.tensor(_A, requires_grad=True)
    t = torch.tensor(_A, requires_grad=True)
    mo, to_ = m[_idx(minitorch, key)], t[_idx(torch, key)]
    g = np.random.default_rng(0).standard_normal(tuple(to_.shape))
    mo.backward(minitorch.tensor(g))
    to_.backward(torch.tensor(g))
    np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy())


def test_basic_index_is_view_advanced_is_copy():
    m = minitorch.zeros(3, 4)
    v = m[1]
    with minitorch.no_grad():
        v.fill_(1.0)
    assert m.tolist()[1] == [1.0] * 4
    c = m[[0]]
    c.numpy()[0, 0] = 9.0
    assert m.tolist()[0][0] == 0.0


def test_index_errors():
    m = minitorch.ones(3, 4)
    with pytest.raises(IndexError):
        m[3]
    with pytest.raises(IndexError):
        m[0, 0, 0]
    with pytest.raises(IndexError):
        m[minitorch.tensor([0.5])]
    with pytest.raises(IndexError):
        m["a"]


SETITEM_CASES = [
    (0, 5.0), ((slice(None), 1), -1.0), ((1, 2), 7.0), (([0, 2],), "row"), ("mask0", 3.0),
    ((Ellipsis, 0), "col"), ("itensor", 0.0), ((slice(0, 2), slice(1, 3)), "block"),
]


def _value(lib, v):
    if v == "row":
        return lib.tensor(np.arange(4.0))
    if v == "col":
        return lib.tensor(np.arange(3.0) * 10)
    if v == "block":
        return lib.tensor([[1.0, 2.0], [3.0, 4.0]])
    return v


def _idx2(lib, key):
    if key == "mask0":
        return lib.tensor([True, False, True])
    if key == "itensor":
        return lib.tensor([2, 0])
    return key


@pytest.mark.parametrize("key,value", SETITEM_CASES)
def test_setitem_under_no_grad_vs_torch(key, value):
    a = np.arange(12.0).reshape(3, 4)
    m = minitorch.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    v0 = m._version
    with minitorch.no_grad(), torch.no_grad():
        m[_idx2(minitorch, key)] = _value(minitorch, value)
        t[_idx2(torch, key)] = _value(torch, value)
    same(m, t)
    assert m._version == v0 + 1
    assert m.is_leaf and m.requires_grad


def test_setitem_plain_tensor_and_dtype_cast():
    m = minitorch.zeros(2, 3, dtype=minitorch.int64)
    t = torch.zeros(2, 3, dtype=torch.int64)
    m[0] = minitorch.tensor([1, 2, 3])
    t[0] = torch.tensor([1, 2, 3])
    m[1, 1] = 7
    t[1, 1] = 7
    same(m, t)


def test_setitem_on_leaf_requiring_grad_raises_in_grad_mode():
    m = minitorch.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        m[0] = 1.0


@pytest.mark.parametrize("key,value", SETITEM_CASES)
def test_setitem_recorded_on_nonleaf_vs_torch(key, value):
    a = np.arange(12.0).reshape(3, 4)
    x = minitorch.tensor(a, requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    y, ty = x * 2.0, tx * 2.0
    mv, tv = _value(minitorch, value), _value(torch, value)
    if isinstance(mv, minitorch.Tensor):
        mv.requires_grad_()
        tv.requires_grad_()
        y[_idx2(minitorch, key)] = mv * 3.0
        ty[_idx2(torch, key)] = tv * 3.0
    else:
        y[_idx2(minitorch, key)] = mv
        ty[_idx2(torch, key)] = tv
    same(y, ty)
    g = np.random.default_rng(1).standard_normal((3, 4))
    (y * minitorch.tensor(g)).sum().backward()
    (ty * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
    if isinstance(mv, minitorch.Tensor):
        np.testing.assert_allclose(mv.grad.numpy(), tv.grad.numpy())


def test_setitem_value_requiring_grad_into_plain_buffer():
    w = minitorch.tensor([1.0, 2.0], requires_grad=True)
    tw = torch.tensor([1.0, 2.0], requires_grad=True)
    buf, tbuf = minitorch.zeros(3, 2), torch.zeros(3, 2)
    buf[1] = w * w
    tbuf[1] = tw * tw
    assert buf.requires_grad and not buf.is_leaf
    buf.sum().backward()
    tbuf.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy())


def test_iteration_and_contains():
    m = minitorch.tensor([[1, 2], [3, 4]])
    rows = [r.tolist() for r in m]
    assert rows == [[1, 2], [3, 4]]
    assert 3 in m and 5 not in m
    with pytest.raises(TypeError):
        iter(minitorch.tensor(1))
