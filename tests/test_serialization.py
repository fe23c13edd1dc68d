"""minitorch.save / minitorch.load with PyTorch 2.6+'s rules.

Round trips (bit-exact), plain data vs pickled objects (which the default
weights_only=True load refuses until allowed, as torch.load does), atomic writes,
truncated / corrupted / foreign files, crafted pickles that must never run unless the
caller opts in, torch.save files, map_location, and resuming training from a checkpoint."""
import importlib
import io
import json
import os
import pickle
import stat
import struct
import threading
import warnings
import zipfile
from collections import Counter, OrderedDict, defaultdict, namedtuple

import numpy as np
import pytest

import minitorch
from minitorch import serialization
from minitorch.nn import Parameter
from minitorch.serialization import CheckpointError, WeightsOnlyUnpicklingError

try:                                       # only for comparisons with real PyTorch
    import torch
except ImportError:                        # pragma: no cover
    torch = None

ALL_DTYPES = [minitorch.float16, minitorch.float32, minitorch.float64, minitorch.int32,
              minitorch.int64, minitorch.bool]


# ----------------------------------------------------------------------------- helpers
def roundtrip(obj, **load_kw):
    buf = io.BytesIO()
    minitorch.save(obj, buf)
    buf.seek(0)
    return minitorch.load(buf, **load_kw)


def saved_bytes(obj) -> bytes:
    buf = io.BytesIO()
    minitorch.save(obj, buf)
    return buf.getvalue()


def load_bytes(data: bytes, **kw):
    return minitorch.load(io.BytesIO(data), **kw)


def unsafe_globals(data: bytes) -> list:
    return serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data))


def assert_torch_refuses_the_same(mine: list, obj) -> None:
    """torch.save(obj) names the same globals that torch.load(weights_only=True) refuses
    as minitorch does for its own file (checked only where torch is installed)."""
    if torch is None:
        return
    buf = io.BytesIO()
    torch.save(obj, buf)
    theirs = torch.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(buf.getvalue()))
    assert sorted(mine) == sorted(theirs)


def unpickle_trusted(data: bytes, **kw):
    """load(weights_only=False): the caller opts in to unpickling, and is warned."""
    with pytest.warns(UserWarning, match=r"weights_only=False\. Unpickling runs code"):
        return load_bytes(data, weights_only=False, **kw)


def resolve_global(full: str):
    """'module.qual.name' -> the object, as a caller would pass it to add_safe_globals."""
    module, _, name = full.rpartition(".")
    obj = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


Point = namedtuple("Point", "x y")         # at module level, so pickle finds it


def make_zip(members: dict, compression=zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def members_of(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def with_manifest(data: bytes, edit) -> bytes:
    """A copy of a checkpoint whose manifest went through `edit(manifest_dict)`."""
    members = members_of(data)
    manifest = json.loads(members["manifest.json"])
    edit(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    return make_zip(members)


def float_bits(x: float) -> bytes:
    return struct.pack(">d", x)


def same_value(a, b):
    """Equal type and value, floats compared by their bits, tensors by their bytes."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, float):
        assert float_bits(a) == float_bits(b), (a, b)
    elif isinstance(a, minitorch.Tensor):
        same_tensor(a, b)
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            same_value(x, y)
    elif isinstance(a, dict):
        assert list(a.keys()) == list(b.keys())
        for k in a:
            same_value(k, next(kk for kk in b if kk == k))
            same_value(a[k], b[k])
    else:
        assert a == b


def same_tensor(a, b):
    assert type(a) is type(b)
    assert a.dtype == b.dtype and tuple(a.shape) == tuple(b.shape)
    assert a.requires_grad == b.requires_grad
    assert str(a.device) == str(b.device)
    x = a.detach().numpy(force=True)
    y = b.detach().numpy(force=True)
    assert x.tobytes(order="C") == y.tobytes(order="C")
    assert b.is_contiguous()


def special_array(dtype, shape, rng):
    """Random values; float arrays also hold nan (with a sign and a payload), ±inf, ±0.0,
    subnormals and the extremes of the type."""
    n = int(np.prod(shape))
    if dtype is minitorch.bool:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    np_dt = dtype.np
    if dtype in (minitorch.int32, minitorch.int64):
        info = np.iinfo(np_dt)
        vals = rng.integers(info.min, info.max, size=n, dtype=np_dt, endpoint=True)
        vals[: min(n, 2)] = [info.min, info.max][: min(n, 2)]
        return vals.reshape(shape)
    vals = rng.standard_normal(n).astype(np_dt)
    finfo = np.finfo(np_dt)
    uint = {2: np.uint16, 4: np.uint32, 8: np.uint64}[np_dt.itemsize]
    neg_nan = np.array([np.nan], dtype=np_dt)
    neg_nan.view(uint)[0] |= uint(1) << uint(8 * np_dt.itemsize - 1)    # sign bit
    payload_nan = np.array([np.nan], dtype=np_dt)
    payload_nan.view(uint)[0] |= uint(1)                                 # a nan payload
    specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, finfo.tiny / 4, finfo.max,
                         finfo.min, finfo.eps], dtype=np_dt)
    specials = np.concatenate([specials, neg_nan, payload_nan])
    k = min(n, len(specials))
    vals[:k] = specials[:k]
    return vals.reshape(shape)


# ----------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("value", [
    None, True, False, 0, 1, -7, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 2 ** 64 + 1, -(3 ** 300),
    0.0, -0.0, 0.1, 1 / 3, -2.5, 1e300, 5e-324, 2.2250738585072014e-308, float("inf"),
    float("-inf"), float("nan"), -float("nan"), struct.unpack(">d", bytes.fromhex("7ff0000000000123"))[0],
    "", "weight", "üñíçødé 🎉", 'quote " backslash \\ newline\n tab\t', "\ud800 lone surrogate",
    "\x00nul",
], ids=repr)
def test_python_scalars_round_trip_exactly(value):
    same_value(value, roundtrip(value))
    same_value([value], roundtrip([value]))


def test_huge_int_beyond_the_str_conversion_limit():
    value = 7 ** 20000                 # > 4300 decimal digits: str(value) raises in 3.11
    assert roundtrip({"n": value, "neg": -value}) == {"n": value, "neg": -value}


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(), (0,), (3, 0, 2), (1,), (7,), (2, 3, 4)], ids=str)
def test_tensor_round_trip_bit_exact(dtype, shape):
    rng = np.random.default_rng(0)
    t = minitorch.from_numpy(special_array(dtype, shape, rng))
    out = roundtrip(t)
    same_tensor(t, out)
    assert type(out) is minitorch.Tensor and out.is_leaf


def test_special_float_bits_survive_in_tensors():
    arr = special_array(minitorch.float32, (11,), np.random.default_rng(1))
    out = roundtrip(minitorch.from_numpy(arr)).numpy()
    assert out.view(np.uint32).tolist() == arr.view(np.uint32).tolist()
    assert np.signbit(out[4]) and out[4] == 0          # -0.0 kept its sign
    assert np.isnan(out[0]) and np.isinf(out[1]) and out[2] < 0


def test_loaded_tensors_are_writable_and_independent_of_the_file(tmp_path):
    t = minitorch.arange(6.0).reshape(2, 3)
    path = tmp_path / "t.mt"
    minitorch.save(t, path)
    out = minitorch.load(path)
    out[0, 0] = 42.0
    assert out[0, 0].item() == 42.0 and t[0, 0].item() == 0.0
    os.remove(path)                                    # nothing keeps the file open
    assert out.sum().item() == 57.0


@pytest.mark.parametrize("make", [
    lambda t: t.T, lambda t: t[:, ::2], lambda t: t.permute(1, 0)[1:], lambda t: t[::2, 1:3],
    lambda t: minitorch.flip(t, [0]),
], ids=["T", "step", "permute-slice", "rows-step", "flip"])
def test_non_contiguous_tensors_are_saved_by_value(make):
    base = minitorch.randn(4, 6, dtype=minitorch.float64)
    view = make(base)
    out = roundtrip(view)
    assert out.is_contiguous()
    np.testing.assert_array_equal(out.numpy(), view.numpy())
    assert out.numpy().tobytes() == np.ascontiguousarray(view.numpy()).tobytes()


def test_parameters_and_requires_grad_are_restored():
    p = Parameter(minitorch.randn(3, 2))
    frozen = Parameter(minitorch.randn(2), requires_grad=False)
    leaf = minitorch.randn(4, requires_grad=True)
    nonleaf = leaf * 2
    plain = minitorch.randn(2)
    out = roundtrip({"p": p, "frozen": frozen, "leaf": leaf, "nonleaf": nonleaf, "plain": plain})
    assert type(out["p"]) is Parameter and out["p"].requires_grad
    assert type(out["frozen"]) is Parameter and not out["frozen"].requires_grad
    assert type(out["leaf"]) is minitorch.Tensor and out["leaf"].requires_grad
    assert out["nonleaf"].requires_grad and out["nonleaf"].is_leaf     # saved by value
    assert not out["plain"].requires_grad
    for k in ("p", "frozen", "leaf", "nonleaf", "plain"):
        assert out[k].detach().numpy().tobytes() == \
            {"p": p, "frozen": frozen, "leaf": leaf, "nonleaf": nonleaf,
             "plain": plain}[k].detach().numpy().tobytes()
    out["p"].sum().backward()                          # a working leaf parameter
    assert out["p"].grad is not None


def test_the_same_tensor_twice_comes_back_as_one_object():
    w = minitorch.randn(3, 3)
    out = roundtrip({"enc.weight": w, "dec.weight": w, "other": w.clone()})
    assert out["enc.weight"] is out["dec.weight"]
    assert out["other"] is not out["enc.weight"]
    data = saved_bytes({"a": w, "b": w})
    assert len([n for n in members_of(data) if n.endswith(".npy")]) == 1


def test_containers_types_and_key_order():
    obj = OrderedDict([("z", 1), ("a", [1, (2, 3), []]), ("m", ())])
    obj[3] = {"b": 2, "a": 1, 10: None, -1: [{}], 2 ** 80: "big"}
    obj["nested"] = [[[[(OrderedDict(),)]]]]
    out = roundtrip(obj)
    same_value(obj, out)
    assert type(out) is OrderedDict and type(out[3]) is dict
    assert list(out) == ["z", "a", "m", 3, "nested"]
    assert list(out[3]) == ["b", "a", 10, -1, 2 ** 80]
    assert type(out["a"][1]) is tuple and type(out["a"]) is list
    assert type(out["nested"][0][0][0][0][0]) is OrderedDict
    assert type(roundtrip({})) is dict and roundtrip([]) == [] and roundtrip(()) == ()
    assert roundtrip({1: "int", "1": "str"}) == {1: "int", "1": "str"}


def test_subclasses_of_builtins_keep_their_type_and_need_allowing():
    """A defaultdict, a namedtuple and a Counter are pickled (torch 2.6+ keeps their
    types too): the default weights_only=True load refuses the globals they name, as
    torch.load does, until they are allowed; weights_only=False rebuilds them exactly."""
    obj = {"dd": defaultdict(list, a=[1]), "pt": Point(1, 2.5), "ctr": Counter("aab"),
           "w": minitorch.arange(3.0)}
    data = saved_bytes(obj)
    assert "objects.pkl" in members_of(data)
    needed = ["builtins.list", "collections.defaultdict", f"{__name__}.Point"]
    assert sorted(unsafe_globals(data)) == sorted(needed)
    assert_torch_refuses_the_same(unsafe_globals(data), {"dd": defaultdict(list, a=[1]),
                                                          "pt": Point(1, 2.5),
                                                          "ctr": Counter("aab")})
    for weights_only in (True, None):
        with pytest.raises(WeightsOnlyUnpicklingError, match="add_safe_globals"):
            load_bytes(data, weights_only=weights_only)

    def check(out):
        assert type(out["dd"]) is defaultdict and out["dd"].default_factory is list
        assert dict(out["dd"]) == {"a": [1]} and out["dd"]["new"] == []
        assert type(out["pt"]) is Point and out["pt"] == (1, 2.5) and out["pt"].y == 2.5
        assert type(out["ctr"]) is Counter and out["ctr"] == Counter("aab")
        same_tensor(obj["w"], out["w"])

    check(unpickle_trusted(data))
    with serialization.safe_globals([defaultdict, list, Point]):
        check(load_bytes(data))
    with pytest.raises(WeightsOnlyUnpicklingError):          # allowed only inside the block
        load_bytes(data)


def test_numpy_scalars_are_data_and_keep_their_type():
    """NumPy scalars are stored as data (no pickle), so they keep their type and load with
    the default weights_only=True (torch needs numpy's globals allowed for them)."""
    obj = {"f64": np.float64(0.1), "f32": np.float32(-0.0), "i8": np.int8(-128),
           "u64": np.uint64(2 ** 64 - 1), "b": np.bool_(True), "c64": np.complex64(1 - 2j)}
    data = saved_bytes(obj)
    assert "objects.pkl" not in members_of(data)
    out = load_bytes(data)
    for k, v in obj.items():
        assert type(out[k]) is type(v), k
        assert out[k].tobytes() == v.tobytes(), k


def test_saving_is_deterministic():
    obj = {"w": minitorch.randn(5, 5), "epoch": 3, "lr": 0.1}
    assert saved_bytes(obj) == saved_bytes(obj)


class TinyNet(minitorch.nn.Module):
    def __init__(self, seed=0):
        super().__init__()
        g = np.random.default_rng(seed)
        self.w1 = Parameter(minitorch.from_numpy(g.standard_normal((4, 8)).astype(np.float32)))
        self.b1 = Parameter(minitorch.zeros(8))
        self.w2 = Parameter(minitorch.from_numpy(g.standard_normal((8, 1)).astype(np.float32)))
        self.register_buffer("steps", minitorch.tensor(0))

    def forward(self, x):
        return (x @ self.w1 + self.b1).tanh() @ self.w2


def test_model_and_optimizer_like_state_dict_round_trip(tmp_path):
    model = TinyNet(0)
    sd = model.state_dict()
    checkpoint = {
        "epoch": 7, "best_loss": 0.123456789, "arch": "tiny",
        "model": sd,
        "optimizer": {"state": {0: {"step": minitorch.tensor(3.0),
                                    "exp_avg": minitorch.zeros(4, 8),
                                    "exp_avg_sq": minitorch.zeros(4, 8)}},
                      "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8,
                                        "weight_decay": 0, "amsgrad": False, "foreach": None,
                                        "maximize": False, "params": [0, 1, 2]}]},
        "scheduler": {"step_size": 3, "gamma": 0.5, "base_lrs": [1e-3], "last_epoch": 7,
                      "_last_lr": [0.00025]},
    }
    path = tmp_path / "ckpt.mt"
    minitorch.save(checkpoint, path)
    out = minitorch.load(path)
    same_value(checkpoint, out)
    assert list(out["model"]) == ["w1", "b1", "w2", "steps"]
    fresh = TinyNet(1)
    fresh.load_state_dict(out["model"])
    for k, v in fresh.state_dict().items():
        assert v.numpy().tobytes() == sd[k].numpy().tobytes()


# ----------------------------------------------------------------------------- save: what is stored how
def _fn():
    pass


def _local_function():
    def helper():
        pass
    return helper


def _generator():
    yield 1


class _WithHook(minitorch.nn.Module):
    """A module holding something pickle cannot store."""

    def __init__(self):
        super().__init__()
        self.lin = minitorch.nn.Linear(2, 2)
        self.hook = lambda x: x


@pytest.mark.parametrize("make, path, what", [
    (lambda: {"optimizer": {"state": {0: {"fn": lambda: 0}}}},
     "obj['optimizer']['state'][0]['fn']", "a function (a lambda)"),
    (lambda: [1, (2, lambda: 0)], "obj[1][1]", "a function (a lambda)"),
    (lambda: {"f": _local_function()}, "obj['f']",
     "a function (_local_function.<locals>.helper)"),
    (lambda: {"lock": threading.Lock()}, "obj['lock']", "an object of type _thread.lock"),
    (lambda: {"g": _generator()}, "obj['g']", "an object of type generator"),
    (lambda: {"model": _WithHook()}, "obj['model'].hook", "a function (a lambda)"),
    (lambda: threading.Lock(), "obj", "an object of type _thread.lock"),
], ids=["lambda-deep", "lambda-in-tuple", "local-function", "lock", "generator",
        "module-attribute", "root"])
def test_unpicklable_values_raise_type_error_with_their_path(make, path, what):
    """What is neither plain data nor picklable raises a TypeError that is also a
    pickle.PicklingError (torch.save raises one of those) naming where it sits, and
    writes nothing."""
    buf = io.BytesIO()
    with pytest.raises(TypeError) as info:
        minitorch.save(make(), buf)
    assert isinstance(info.value, pickle.PicklingError)
    msg = str(info.value)
    assert msg.startswith(f"save(): {path} is {what} and cannot be pickled"), msg
    assert "state_dict()" in msg                          # the advice
    assert buf.getvalue() == b""
    if torch is not None:                                 # torch.save cannot store it either
        with pytest.raises((pickle.PicklingError, TypeError, AttributeError)):
            torch.save(make(), io.BytesIO())


@pytest.mark.parametrize("value", [
    np.zeros(3), np.arange(12, dtype=np.int16).reshape(3, 4)[:, ::2], np.float32(1.0),
    {1, 2}, frozenset({"a", "b"}), b"by\x00tes", bytearray(b"ab"), 1 + 2j,
    complex(float("nan"), -0.0),
], ids=["ndarray", "ndarray-view", "np.float32", "set", "frozenset", "bytes", "bytearray",
        "complex", "complex-nan"])
def test_arrays_sets_bytes_and_complex_are_plain_data(value):
    """Once refused, now stored as data: no pickle is written, and the default
    weights_only=True load gives back the same type and value (bit-exact)."""
    obj = {"x": value}
    data = saved_bytes(obj)
    assert "objects.pkl" not in members_of(data)
    assert unsafe_globals(data) == []
    out = load_bytes(data)["x"]
    assert type(out) is type(value)
    if isinstance(value, (np.ndarray, np.generic)):
        assert out.dtype == value.dtype and out.shape == value.shape
        assert out.tobytes() == np.ascontiguousarray(value).tobytes()
    elif isinstance(value, complex):
        assert float_bits(out.real) == float_bits(value.real)
        assert float_bits(out.imag) == float_bits(value.imag)
    else:
        assert out == value
    if torch is not None and isinstance(value, (set, bytes, bytearray, complex)):
        buf = io.BytesIO()
        torch.save(obj, buf)
        theirs = torch.load(io.BytesIO(buf.getvalue()))      # weights_only=True there too
        assert type(theirs["x"]) is type(value) and repr(theirs["x"]) == repr(out)


@pytest.mark.parametrize("make, needed", [
    (lambda: _fn, [f"{__name__}._fn"]),
    (lambda: TinyNet, [f"{__name__}.TinyNet"]),
    (lambda: object(), ["builtins.object"]),
    (lambda: TinyNet(3), [f"{__name__}.TinyNet"]),
], ids=["function", "class", "object", "module"])
def test_other_objects_are_pickled_and_load_only_when_trusted(make, needed):
    """Functions, classes, modules and other objects are pickled (tensors still go to
    .npy members). As in torch 2.6+, the default weights_only=True load refuses the
    globals they name with an UnpicklingError that says how to allow them;
    add_safe_globals / safe_globals or weights_only=False (with a warning) load them."""
    value = make()
    w = minitorch.randn(3, 4)
    data = saved_bytes({"x": value, "w": w})
    members = members_of(data)
    assert "objects.pkl" in members and "tensors/0.npy" in members
    assert w.numpy().tobytes() not in members["objects.pkl"]
    assert unsafe_globals(data) == needed
    if not isinstance(value, minitorch.nn.Module):
        assert_torch_refuses_the_same(needed, {"x": value})
    for weights_only in (True, None):
        with pytest.raises(WeightsOnlyUnpicklingError) as info:
            load_bytes(data, weights_only=weights_only)
        assert isinstance(info.value, pickle.UnpicklingError)      # what torch raises
        msg = str(info.value)
        assert f"needs the global {needed[0]}" in msg
        assert "add_safe_globals" in msg and "weights_only=False" in msg

    def check(out):
        same_tensor(w, out["w"])
        assert type(out["x"]) is type(value)
        if callable(value) and not isinstance(value, minitorch.nn.Module):
            assert out["x"] is value                    # functions and classes by reference
        if isinstance(value, TinyNet):
            for (k, a), b in zip(value.state_dict().items(), out["x"].state_dict().values()):
                same_tensor(a, b)
            x = minitorch.randn(2, 4)
            assert out["x"](x).tolist() == value(x).tolist()

    check(unpickle_trusted(data))
    with serialization.safe_globals([resolve_global(n) for n in needed]):
        assert unsafe_globals(data) == []
        check(load_bytes(data))
    with pytest.raises(WeightsOnlyUnpicklingError):
        load_bytes(data)


@pytest.mark.parametrize("value, name, allowed", [
    (int, "builtins.int", False), (str, "builtins.str", False),
    (range(3), "builtins.range", True),
], ids=["int", "str", "range"])
def test_builtins_renamed_by_pickle_protocol_2_round_trip(value, name, allowed):
    """torch.load reads these back (weights_only=False, or with them allowed)."""
    data = saved_bytes({"x": value})
    if allowed:                                   # range is in minitorch's allowlist
        assert unsafe_globals(data) == [] and load_bytes(data)["x"] == value
    else:
        assert unsafe_globals(data) == [name]
        assert_torch_refuses_the_same([name], {"x": value})
        with pytest.raises(WeightsOnlyUnpicklingError, match=f"global {name}"):
            load_bytes(data)
        with serialization.safe_globals([resolve_global(name)]):
            assert load_bytes(data)["x"] == value
    assert unpickle_trusted(data)["x"] == value


def test_python2_names_of_exceptions_and_builtins_are_mapped_back():
    """Protocol 2 writes a class of the exceptions module as exceptions.ValueError and
    int as __builtin__.long; they are reported, refused and allowed under their Python 3
    names (Python's _compat_pickle tables, as pickle's own find_class maps them), also
    when allowed under the name the file spells (how torch matches exceptions.X), and
    with fix_imports=False the file's own spelling stands, as in pickle."""
    data = saved_bytes({"e": ValueError, "n": int, "r": range(2, 5)})
    assert b"exceptions" in members_of(data)["objects.pkl"]      # really protocol 2 names
    assert unsafe_globals(data) == ["builtins.ValueError", "builtins.int"]
    with pytest.raises(WeightsOnlyUnpicklingError, match="global builtins.ValueError"):
        load_bytes(data)
    expected = {"e": ValueError, "n": int, "r": range(2, 5)}
    with serialization.safe_globals([ValueError, int]):
        assert unsafe_globals(data) == []
        assert load_bytes(data) == expected
    with serialization.safe_globals([(ValueError, "exceptions.ValueError"), int]):
        assert unsafe_globals(data) == []
        assert load_bytes(data) == expected
    assert unpickle_trusted(data) == expected
    with pytest.raises(WeightsOnlyUnpicklingError, match="global exceptions.ValueError"):
        load_bytes(data, fix_imports=False)
    with pytest.raises(ModuleNotFoundError):                 # pickle itself, unmapped
        unpickle_trusted(data, fix_imports=False)


def test_protocol_3_and_later_pickles_are_not_renamed():
    """From protocol 3 on pickle writes Python 3 names (STACK_GLOBAL from 4) and maps
    nothing back: a crafted __builtin__.long in such a pickle stays unknown."""
    for protocol in (3, 4, 5):
        buf = io.BytesIO()
        minitorch.save({"n": int, "r": range(3)}, buf, pickle_protocol=protocol)
        data = buf.getvalue()
        assert unsafe_globals(data) == ["builtins.int"]
        with pytest.raises(WeightsOnlyUnpicklingError, match="global builtins.int"):
            load_bytes(data)
        with serialization.safe_globals([int]):
            assert load_bytes(data) == {"n": int, "r": range(3)}
    crafted = saved_bytes({"n": int})
    members = members_of(crafted)
    assert members["objects.pkl"].startswith(b"\x80\x02")
    members["objects.pkl"] = b"\x80\x03" + members["objects.pkl"][2:]
    crafted = make_zip(members)
    assert unsafe_globals(crafted) == ["__builtin__.long"]
    with serialization.safe_globals([int]):
        with pytest.raises(WeightsOnlyUnpicklingError, match="global __builtin__.long"):
            load_bytes(crafted)


@pytest.mark.skipif(torch is None, reason="needs torch to write the file")
def test_torch_files_with_python2_names_load_as_torch_loads_them():
    """torch.save (protocol 2) writes int as __builtin__.long and range as
    __builtin__.xrange: both sides name and refuse builtins.int, allow it with
    safe_globals([int]), and read range (allowed by minitorch) back."""
    buf = io.BytesIO()
    torch.save({"n": int, "w": torch.ones(2)}, buf)
    data = buf.getvalue()
    theirs = torch.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data))
    assert unsafe_globals(data) == theirs == ["builtins.int"]
    with pytest.raises(WeightsOnlyUnpicklingError, match="global builtins.int"):
        load_bytes(data)
    with serialization.safe_globals([int]):
        out = load_bytes(data)
    assert out["n"] is int and out["w"].tolist() == [1.0, 1.0]
    out = unpickle_trusted(data)
    assert out["n"] is int and out["w"].tolist() == [1.0, 1.0]
    buf = io.BytesIO()
    torch.save({"r": range(1, 7, 2)}, buf)
    assert unsafe_globals(buf.getvalue()) == []
    assert load_bytes(buf.getvalue()) == {"r": range(1, 7, 2)}


@pytest.mark.parametrize("key", [(1, 2), 1.5, -0.0, None, True, 2 + 1j, frozenset({3}),
                                 ("nested", (1, None))], ids=repr)
def test_dict_keys_json_cannot_hold_are_pickled_and_load_with_weights_only(key):
    """Keys other than str and int used to be refused; the object is now pickled, which
    needs no global for these keys, so the default weights_only=True load reads it back
    with each key's exact type (torch.load does the same), tensors still as .npy."""
    w = minitorch.randn(2, 3)
    obj = {"a": {key: 1, "k": w}, "w": w}
    data = saved_bytes(obj)
    members = members_of(data)
    assert "objects.pkl" in members and w.numpy().tobytes() not in members["objects.pkl"]
    assert unsafe_globals(data) == []
    out = load_bytes(data)
    (got,) = [k for k in out["a"] if k != "k"]
    same_value(key, got)                               # the type too; floats by their bits
    assert out["a"][got] == 1
    same_tensor(w, out["w"])
    assert out["a"]["k"] is out["w"]                   # one tensor, one object
    if torch is not None and not isinstance(key, frozenset):  # torch allows no frozenset
        buf = io.BytesIO()
        torch.save({"a": {key: 1}}, buf)
        (theirs,) = torch.load(io.BytesIO(buf.getvalue()))["a"]
        assert type(theirs) is type(got) and repr(theirs) == repr(got)


def test_add_safe_globals_applies_in_every_thread():
    data = saved_bytes({"pt": Point(1, 2)})
    serialization.add_safe_globals([Point])
    try:
        result = {}

        def worker():
            try:
                result["out"] = load_bytes(data)
            except Exception as exc:            # noqa: BLE001  reported below
                result["out"] = exc

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    finally:
        serialization.clear_safe_globals()
    assert result["out"] == {"pt": Point(1, 2)}, result["out"]


def test_safe_globals_context_is_process_wide_and_removes_its_entries_as_torch():
    """torch's safe_globals adds its entries process-wide on entering and removes exactly
    those entries on leaving (also one that add_safe_globals had added before), leaving
    the others; minitorch does the same."""
    data = saved_bytes({"pt": Point(1, 2)})
    seen = {}
    entered, checked = threading.Event(), threading.Event()

    def other_thread():
        entered.wait(10)
        try:
            seen["inside"] = load_bytes(data)
        except Exception as exc:              # noqa: BLE001  reported below
            seen["inside"] = exc
        seen["listed"] = serialization.get_safe_globals()
        checked.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    try:
        serialization.add_safe_globals([Point, Counter])
        with serialization.safe_globals([Point, defaultdict]):
            entered.set()
            checked.wait(10)
        after = serialization.get_safe_globals()
    finally:
        thread.join()
        serialization.clear_safe_globals()
    assert seen["inside"] == {"pt": Point(1, 2)}, seen["inside"]
    assert set(seen["listed"]) == {Point, Counter, defaultdict}
    assert after == [Counter]
    if torch is not None:                      # torch registers some globals of its own
        before = torch.serialization.get_safe_globals()
        torch.serialization.add_safe_globals([Point, Counter])
        try:
            with torch.serialization.safe_globals([Point, defaultdict]):
                pass
            theirs = set(torch.serialization.get_safe_globals()) - set(before)
        finally:
            torch.serialization.clear_safe_globals()
            torch.serialization.add_safe_globals(before)
        assert theirs == set(after)


def test_safe_globals_changed_while_other_threads_load():
    """Loads in a thread pool while the main thread adds and removes other entries: each
    load sees a consistent table (the allowed class always, the error never)."""
    from concurrent.futures import ThreadPoolExecutor
    data = saved_bytes({"pt": Point(3, 4)})
    serialization.add_safe_globals([Point])
    try:
        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(load_bytes, data) for _ in range(40)]
            for i in range(40):
                with serialization.safe_globals([Counter, (defaultdict, f"x{i}.dd")]):
                    pass
            results = [f.result() for f in futures]
        assert serialization.get_safe_globals() == [Point]
    finally:
        serialization.clear_safe_globals()
    assert results == [{"pt": Point(3, 4)}] * 40
    with pytest.raises(WeightsOnlyUnpicklingError):
        load_bytes(data)


def test_tensor_dict_keys_come_back_as_the_same_tensor():
    t = minitorch.tensor([1.0, 2.0])
    data = saved_bytes({"a": {t: "first"}, "same": t})
    assert unsafe_globals(data) == []
    out = load_bytes(data)
    (k,) = out["a"]
    assert k is out["same"] and out["a"][out["same"]] == "first"
    same_tensor(t, k)


def test_reference_cycles_are_pickled_and_keep_their_identity():
    shared = [1, 2]
    a = [1, minitorch.ones(2), shared, shared]
    a.append({"self": a})
    data = saved_bytes(a)
    assert "objects.pkl" in members_of(data) and unsafe_globals(data) == []
    out = load_bytes(data)                 # the default weights_only=True needs no global
    assert type(out) is list and len(out) == 5 and out[0] == 1
    assert out[4]["self"] is out
    assert out[2] == [1, 2] and out[2] is out[3]        # pickled: sharing survives too
    same_tensor(a[1], out[1])
    d = {"w": minitorch.zeros(3)}
    d["me"] = d
    out = load_bytes(saved_bytes(d))
    assert out["me"] is out and out["w"].tolist() == [0.0, 0.0, 0.0]
    # sharing without a cycle stays plain data (no pickle), equal values
    data = saved_bytes([shared, shared])
    assert "objects.pkl" not in members_of(data)
    assert load_bytes(data) == [[1, 2], [1, 2]]
    if torch is not None:                                 # torch.load keeps cycles too
        c = [1]
        c.append({"self": c})
        buf = io.BytesIO()
        torch.save(c, buf)
        theirs = torch.load(io.BytesIO(buf.getvalue()))
        assert theirs[1]["self"] is theirs


def test_failed_save_does_not_touch_the_destination(tmp_path):
    path = tmp_path / "ckpt.mt"
    with pytest.raises(TypeError, match=r"save\(\): obj\['f'\] is a function"):
        minitorch.save({"w": minitorch.randn(50, 50), "f": lambda: 0}, path)
    assert os.listdir(tmp_path) == []
    minitorch.save({"a": 1}, path)
    before = path.read_bytes()
    for bad in ({"w": minitorch.randn(50, 50), "f": lambda: 0}, {"model": _WithHook()},
                [minitorch.ones(3), threading.Lock()]):
        with pytest.raises(TypeError, match="cannot be pickled"):
            minitorch.save(bad, path)
        assert path.read_bytes() == before
        assert os.listdir(tmp_path) == ["ckpt.mt"]         # no temporary file left
    assert minitorch.load(path) == {"a": 1}


# ----------------------------------------------------------------------------- files
def test_paths_str_pathlib_and_file_objects(tmp_path):
    obj = {"w": minitorch.randn(2, 3), "epoch": 1}
    p = tmp_path / "a.mt"
    minitorch.save(obj, p)
    same_value(obj, minitorch.load(str(p)))
    minitorch.save(obj, str(tmp_path / "b.mt"))
    same_value(obj, minitorch.load(tmp_path / "b.mt"))
    with open(tmp_path / "c.mt", "wb") as fh:
        minitorch.save(obj, fh)
    with open(tmp_path / "c.mt", "rb") as fh:
        same_value(obj, minitorch.load(fh))
    assert (tmp_path / "c.mt").read_bytes() == p.read_bytes()


def test_file_object_at_an_offset_and_non_seekable_streams():
    obj = [minitorch.arange(5), "x"]
    buf = io.BytesIO()
    buf.write(b"HEADER")
    minitorch.save(obj, buf)
    buf.seek(6)
    same_value(obj, minitorch.load(buf))

    class OnlyRead:
        def __init__(self, data):
            self._b = io.BytesIO(data)

        def read(self, n=-1):
            return self._b.read(n)

    same_value(obj, minitorch.load(OnlyRead(saved_bytes(obj))))

    class OnlyWrite:
        def __init__(self):
            self.chunks = []

        def write(self, b):
            self.chunks.append(bytes(b))
            return len(b)

        def flush(self):
            pass

    sink = OnlyWrite()
    minitorch.save(obj, sink)
    same_value(obj, load_bytes(b"".join(sink.chunks)))


def test_text_mode_files_and_bad_arguments_are_rejected(tmp_path):
    with open(tmp_path / "t.txt", "w") as fh, pytest.raises(TypeError, match="binary"):
        minitorch.save({"a": 1}, fh)
    minitorch.save({"a": 1}, tmp_path / "ok.mt")
    with open(tmp_path / "ok.mt") as fh, pytest.raises(TypeError, match="binary"):
        minitorch.load(fh)
    with pytest.raises(TypeError, match="save\\(\\): f must be a path"):
        minitorch.save({"a": 1}, 42)
    with pytest.raises(TypeError, match="load\\(\\): f must be a path"):
        minitorch.load(3.5)
    with pytest.raises(TypeError, match="weights_only"):
        minitorch.load(tmp_path / "ok.mt", weights_only="yes")
    with pytest.raises(FileNotFoundError):
        minitorch.load(tmp_path / "missing.mt")
    assert minitorch.load(tmp_path / "ok.mt", weights_only=False) == {"a": 1}
    assert minitorch.load(tmp_path / "ok.mt", weights_only=None) == {"a": 1}


def test_new_file_mode_follows_the_umask_and_existing_mode_is_kept(tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX file modes")
    old = os.umask(0o022)
    try:
        minitorch.save({"a": 1}, tmp_path / "new.mt")
        assert stat.S_IMODE(os.stat(tmp_path / "new.mt").st_mode) == 0o644
        os.chmod(tmp_path / "new.mt", 0o600)
        minitorch.save({"a": 2}, tmp_path / "new.mt")
        assert stat.S_IMODE(os.stat(tmp_path / "new.mt").st_mode) == 0o600
    finally:
        os.umask(old)


def test_saving_through_a_symlink_writes_the_target(tmp_path):
    if not hasattr(os, "symlink"):
        pytest.skip("no symlinks")
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "ckpt.mt"
    minitorch.save({"v": 1}, target)
    link = tmp_path / "latest.mt"
    os.symlink(target, link)
    minitorch.save({"v": 2}, link)
    assert os.path.islink(link)
    assert minitorch.load(target) == {"v": 2}
    assert sorted(os.listdir(tmp_path / "real")) == ["ckpt.mt"]


# ----------------------------------------------------------------------------- atomic write
def test_crash_during_write_keeps_the_previous_file_and_leaves_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.mt"
    old = {"w": minitorch.randn(10, 10), "epoch": 1}
    minitorch.save(old, path)
    before = path.read_bytes()
    calls = []

    def failing_write_array(member, arr):
        calls.append(arr.shape)
        member.write(b"\x93NUMPY partial data that never gets finished" * 10)
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(serialization, "_write_array", failing_write_array)
    with pytest.raises(OSError, match="simulated"):
        minitorch.save({"w": minitorch.randn(10, 10), "epoch": 2}, path)
    assert calls, "the failure was not triggered inside the write"
    assert path.read_bytes() == before
    same_value(old, minitorch.load(path))
    assert os.listdir(tmp_path) == ["ckpt.mt"]


def test_crash_at_rename_or_fsync_leaves_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.mt"
    minitorch.save({"v": 1}, path)

    def boom(*a, **k):
        raise OSError("power cut (simulated)")

    for name in ("replace", "fsync"):
        with monkeypatch.context() as m:
            m.setattr(os, name, boom)
            with pytest.raises(OSError, match="simulated"):
                minitorch.save({"v": 2}, path)
        assert minitorch.load(path) == {"v": 1}
        assert os.listdir(tmp_path) == ["ckpt.mt"]
    # a KeyboardInterrupt mid-write is cleaned up too
    def interrupt(member, arr):
        raise KeyboardInterrupt

    monkeypatch.setattr(serialization, "_write_array", interrupt)
    with pytest.raises(KeyboardInterrupt):
        minitorch.save({"t": minitorch.ones(2)}, path)
    assert os.listdir(tmp_path) == ["ckpt.mt"]


def test_temp_file_is_fsynced_then_renamed_in_the_same_directory(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.path.realpath(f"/proc/self/fd/{fd}")
                       if os.path.exists(f"/proc/self/fd/{fd}") else fd))
        return real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", str(src), str(dst)))
        assert os.path.dirname(str(src)) == os.path.dirname(str(dst))
        assert os.path.getsize(src) > 0
        return real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    path = tmp_path / "ckpt.mt"
    minitorch.save({"w": minitorch.ones(3)}, path)
    kinds = [e[0] for e in events]
    assert "fsync" in kinds and "replace" in kinds
    assert kinds.index("fsync") < kinds.index("replace")
    rep = events[kinds.index("replace")]
    assert rep[2] == str(os.path.realpath(path)) and rep[1] != rep[2]
    if isinstance(events[0][1], str):
        assert events[0][1] == rep[1]                 # the temp file itself was fsynced


# ----------------------------------------------------------------------------- bad files
@pytest.fixture(scope="module")
def small_checkpoint():
    return saved_bytes(OrderedDict([("w", minitorch.from_numpy(np.arange(6, dtype=np.float32)
                                                               .reshape(2, 3))),
                                    ("b", minitorch.tensor([True, False])),
                                    ("epoch", 3), ("name", "net")]))


def test_every_truncation_gives_a_clear_error(small_checkpoint, tmp_path):
    data = small_checkpoint
    for n in range(len(data)):
        with pytest.raises(CheckpointError) as info:
            load_bytes(data[:n])
        msg = str(info.value)
        assert msg.startswith("load(): <BytesIO> ")
        assert ("truncated" in msg or "corrupted" in msg or "empty" in msg
                or "not a minitorch checkpoint" in msg), msg
    path = tmp_path / "cut.mt"
    for n in (1, len(data) // 3, len(data) // 2, len(data) - 1):
        path.write_bytes(data[:n])
        with pytest.raises(CheckpointError, match=f"load\\(\\): '{path}' is truncated"):
            minitorch.load(path)


def test_every_single_byte_corruption_is_detected_or_harmless(small_checkpoint):
    """Flip each byte: loading raises CheckpointError or returns exactly the saved value
    (flips in unchecked ZIP fields such as timestamps change nothing)."""
    data = small_checkpoint
    expected = load_bytes(data)
    detected = 0
    for i in range(len(data)):
        for mask in (0xFF, 0x01):
            bad = bytearray(data)
            bad[i] ^= mask
            try:
                out = load_bytes(bytes(bad))
            except CheckpointError:
                detected += 1
                continue
            same_value(expected, out)
    assert detected > len(data)          # most bytes matter


def test_corrupted_tensor_bytes_are_caught_by_the_crc(small_checkpoint):
    data = bytearray(small_checkpoint)
    at = data.index(np.arange(6, dtype=np.float32).tobytes())
    data[at + 5] ^= 0x40
    with pytest.raises(CheckpointError, match=r"corrupted: the tensor at root\['w'\] "
                                              r"\(tensors/0.npy\) cannot be read.*CRC"):
        load_bytes(bytes(data))


@pytest.mark.parametrize("content, what", [
    (b"", "is empty"),
    (b"\x00" * 100, "unknown format"),
    (b"hello world, this is text\n", "unknown format"),
    (b'{"format": "minitorch-checkpoint"}', "unknown format"),
    (bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8)), "unknown format"),
    (b"PK\x03\x04" + bytes(200), "truncated or corrupted"),
    (b"PK\x05\x06" + bytes(18), "without manifest.json"),        # an empty zip
    (pickle.dumps({"w": [1.0, 2.0]}), "is a Python pickle"),
    (pickle.dumps({"w": [1.0]}, protocol=0), "is a Python pickle"),
], ids=["empty", "zeros", "text", "json", "random", "zip-head", "empty-zip", "pickle",
        "pickle-proto0"])
def test_foreign_files_raise_clear_errors(content, what, tmp_path):
    path = tmp_path / "foreign.bin"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=f"load\\(\\): '{path}' .*{what}"):
        minitorch.load(path)
    with pytest.raises(ValueError):                # catchable as ValueError...
        load_bytes(content)
    with pytest.raises(RuntimeError):              # ...and as RuntimeError, like torch
        load_bytes(content)


def test_npz_and_other_zips_are_foreign(tmp_path):
    buf = io.BytesIO()
    np.savez(buf, a=np.ones(3))
    with pytest.raises(CheckpointError, match="without manifest.json.*'a.npy'"):
        load_bytes(buf.getvalue())


@pytest.mark.skipif(torch is None, reason="needs torch to write the file")
def test_torch_zip_checkpoints_load_as_torchs_tensors(tmp_path, no_unpickling,
                                                       find_class_spy):
    """A torch.save file (ZIP) loads without torch under the default weights_only=True,
    equal to what torch.load gives, and without ever reaching pickle's own find_class."""
    g = torch.Generator().manual_seed(0)
    obj = {"w": torch.randn(3, 4, generator=g), "t": torch.randn(4, 3, generator=g).t(),
           "i": torch.tensor([-(2 ** 40), 7]), "m": torch.tensor([True, False]),
           "h": torch.tensor([1.5, -0.0, 65504.0], dtype=torch.float16),
           "p": torch.nn.Parameter(torch.randn(2, generator=g)),
           "frozen": torch.nn.Parameter(torch.ones(1), requires_grad=False),
           "epoch": 3, "lr": 0.1, "name": "net", "betas": (0.9, 0.999), "none": None}
    path = tmp_path / "torch.pt"
    torch.save(obj, path)
    out = minitorch.load(path)
    assert find_class_spy.reached == []
    ref = torch.load(path)                      # torch's own (weights_only=True) reading
    assert list(out) == list(ref)
    for k, v in ref.items():
        if not isinstance(v, torch.Tensor):
            same_value(v, out[k])
            continue
        assert isinstance(out[k], minitorch.Tensor), k
        assert out[k].dtype.name == str(v.dtype).split(".")[-1], k
        assert tuple(out[k].shape) == tuple(v.shape), k
        assert out[k].detach().numpy().tobytes() == v.detach().contiguous().numpy().tobytes()
        assert out[k].requires_grad == v.requires_grad, k
        assert isinstance(out[k], Parameter) == isinstance(v, torch.nn.Parameter), k


@pytest.mark.skipif(torch is None, reason="needs torch to write the file")
def test_unsafe_globals_of_a_torch_file_name_what_load_refuses():
    buf = io.BytesIO()
    torch.save(torch.nn.Linear(2, 3), buf)
    data = buf.getvalue()
    with pytest.raises(WeightsOnlyUnpicklingError, match="torch.nn.modules.linear.Linear"):
        load_bytes(data)
    theirs = torch.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data))
    assert unsafe_globals(data) == theirs == ["torch.nn.modules.linear.Linear"]


@pytest.mark.skipif(torch is None, reason="needs torch to write the file")
@pytest.mark.parametrize("make", [
    lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU()),
    lambda: {"model": torch.nn.Linear(2, 2).state_dict(), "epoch": 3},
    lambda: {"opt": torch.optim.SGD(torch.nn.Linear(2, 2).parameters(), lr=0.1,
                                     momentum=0.9).state_dict(), "size": torch.Size([2]),
             "dev": torch.device("cpu"), "dt": torch.float16},
    lambda: {"q": torch.quantize_per_tensor(torch.ones(2), 0.1, 0, torch.qint8)},
], ids=["whole-module", "state-dict", "optimizer-size-device-dtype", "quantized"])
@pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor")
def test_unsafe_globals_of_torch_files_are_exactly_what_load_refuses(make):
    """For a torch.save file the list is empty exactly when the default load reads it, and
    otherwise starts with the global the load refuses (torch allows quantized tensors,
    which minitorch cannot rebuild, so there the lists differ by design)."""
    buf = io.BytesIO()
    torch.save(make(), buf)
    data = buf.getvalue()
    unsafe = unsafe_globals(data)
    try:
        load_bytes(data)
    except WeightsOnlyUnpicklingError as exc:
        assert unsafe, "load refused a file reported safe"
        assert unsafe[0] in str(exc)
        assert all(name.startswith("torch.") for name in unsafe)
    else:
        assert unsafe == []
    theirs = torch.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data))
    if "torch._utils._rebuild_qtensor" not in unsafe:
        assert sorted(unsafe) == sorted(theirs)


@pytest.mark.skipif(torch is None, reason="needs torch to write the file")
@pytest.mark.parametrize("weights_only", [True, False, None])
def test_legacy_torch_files_are_refused_without_unpickling(tmp_path, weights_only,
                                                           no_unpickling, find_class_spy):
    """torch's legacy format (a bare pickle) is refused whatever weights_only says, before
    any unpickling or warning (torch itself would unpickle it)."""
    path = tmp_path / "legacy.pt"
    torch.save({"w": torch.ones(2)}, path, _use_new_zipfile_serialization=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(CheckpointError, match="never unpickles a bare pickle") as info:
            minitorch.load(path, weights_only=weights_only)
    assert "torch.save" in str(info.value)
    assert find_class_spy.reached == []


@pytest.mark.parametrize("edit, what", [
    (lambda m: m.update(format="something-else"), "names the format 'something-else'"),
    (lambda m: m.update(version=2), "format version 2 by a newer minitorch"),
    (lambda m: m.update(version="1"), "invalid format version '1'"),
    (lambda m: m.update(version=0), "invalid format version 0"),
    (lambda m: m.pop("root"), "lacks its 'tensors' table or 'root'"),
    (lambda m: m.update(root={"type": "pickle", "data": "gASV"}), "unknown type 'pickle'"),
    (lambda m: m.update(root=[1, 2]), "is a JSON list"),
    (lambda m: m.update(root={"type": "tensor", "index": 99}), "invalid index 99"),
    (lambda m: m.update(root={"type": "dict", "items": [["a", 1], ["a", 2]]}),
     "repeats the key 'a'"),
    (lambda m: m.update(root={"type": "dict", "items": [[1.5, 1]]}), "key of type float"),
    (lambda m: m.update(root={"type": "list"}), "has no 'items' list"),
    (lambda m: m.update(root={"type": "int", "hex": "0xZZ"}), "invalid hex text"),
    (lambda m: m.update(root={"type": "float", "value": "1e5"}), "has the value '1e5'"),
    (lambda m: m["tensors"][0].update(dtype="object"), "unsupported dtype 'object'"),
    (lambda m: m["tensors"][0].update(shape=[2, -3]), "invalid shape"),
    (lambda m: m["tensors"][0].update(device="tpu:0"), "invalid device 'tpu:0'"),
    (lambda m: m["tensors"][0].update(file="tensors/9.npy"), "is missing from the archive"),
    (lambda m: m["tensors"][0].update(shape=[3, 2]), "header says shape \\(2, 3\\)"),
    (lambda m: m["tensors"][0].update(shape=[1000000, 1000000]), "header says shape"),
    (lambda m: m["tensors"][0].update(dtype="float64"), "header says dtype float32"),
    (lambda m: m["tensors"][1].update(requires_grad=True), "requires grad with the dtype bool"),
])
def test_malformed_manifests_raise_clear_errors(small_checkpoint, edit, what):
    data = with_manifest(small_checkpoint, edit)
    with pytest.raises(CheckpointError, match=what):
        load_bytes(data)


def test_manifest_that_is_not_json_or_too_deep(small_checkpoint):
    members = members_of(small_checkpoint)
    members["manifest.json"] = b"\xff\xfe not json"
    with pytest.raises(CheckpointError, match="manifest.json is not valid JSON"):
        load_bytes(make_zip(members))
    members["manifest.json"] = b'{"format": NaN}'
    with pytest.raises(CheckpointError, match="not valid JSON"):
        load_bytes(make_zip(members))
    members["manifest.json"] = json.dumps({"format": "minitorch-checkpoint", "version": 1,
                                           "tensors": [], "root": None}).encode()
    members["manifest.json"] = members["manifest.json"].replace(
        b'"root": null', b'"root": ' + b'{"type": "list", "items": [' * 5000 + b"1"
        + b"]}" * 5000)
    with pytest.raises(CheckpointError, match="nests too deeply|not valid JSON"):
        load_bytes(make_zip(members))


def test_compressed_members_load_too_and_are_checked(small_checkpoint):
    """save() stores members uncompressed and load() reads those straight into the
    arrays; a checkpoint re-zipped with deflate goes through zipfile and loads the same."""
    members = members_of(small_checkpoint)
    deflated = make_zip(members, zipfile.ZIP_DEFLATED)
    same_value(load_bytes(small_checkpoint), load_bytes(deflated))
    with zipfile.ZipFile(io.BytesIO(deflated)) as zf:
        info = zf.getinfo("tensors/0.npy")
    bad = bytearray(deflated)
    bad[info.header_offset + 30 + len("tensors/0.npy") + info.compress_size - 3] ^= 0x55
    with pytest.raises(CheckpointError, match=r"tensors/0.npy\) cannot be read"):
        load_bytes(bytes(bad))


def test_bool_bytes_other_than_0_and_1_are_refused(small_checkpoint):
    members = members_of(small_checkpoint)
    npy = bytearray(members["tensors/1.npy"])
    npy[-1] = 2                                     # a valid CRC, an invalid bool
    members["tensors/1.npy"] = bytes(npy)
    with pytest.raises(CheckpointError, match="bool bytes other than 0 and 1"):
        load_bytes(make_zip(members))


def test_huge_declared_array_is_refused_before_allocating(small_checkpoint):
    members = members_of(small_checkpoint)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f4", "fortran_order": False, "shape": (10 ** 12,)})
    members["tensors/0.npy"] = header.getvalue() + b"\x00" * 16
    data = with_manifest(make_zip(members), lambda m: m["tensors"][0].update(shape=[10 ** 12]))
    with pytest.raises(CheckpointError, match="declares 4000000000000 bytes"):
        load_bytes(data)


# ----------------------------------------------------------------------------- no code runs
class _Payload:
    """Unpickling this calls func(*args): a real exploit would run a shell command."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


@pytest.fixture
def no_unpickling(monkeypatch):
    """Any call into the pickle machinery during the test fails it."""
    def forbidden(*a, **k):
        raise AssertionError("minitorch.load called into pickle")

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, forbidden)
    import _pickle
    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(_pickle, name, forbidden)


class _FindClassSpy:
    def __init__(self):
        self.reached = []            # "module.name" for each call of pickle's find_class
        self.pass_through = False    # False: refuse (a restricted load must never get here)


@pytest.fixture
def find_class_spy(monkeypatch):
    """Replaces the unpickler minitorch builds on, recording every call of its own
    find_class (the one that imports whatever module the file names). Loads with
    weights_only=True must resolve every global themselves and never call it."""
    spy = _FindClassSpy()
    base = serialization._Unpickler

    class SpyUnpickler(base):
        def find_class(self, module, name):
            spy.reached.append(f"{module}.{name}")
            if not spy.pass_through:
                raise AssertionError(f"the restricted load imported {module}.{name}")
            return super().find_class(module, name)

    monkeypatch.setattr(serialization, "_Unpickler", SpyUnpickler)
    return spy


def _payloads(marker):
    yield "os.system", pickle.dumps(_Payload(os.system, f"touch '{marker}'"))
    yield "open", pickle.dumps(_Payload(open, str(marker), "w"))
    yield "proto0", pickle.dumps({"w": _Payload(os.system, f"touch '{marker}'")}, protocol=0)
    yield "inst", f"(S'touch {marker}'\nios\nsystem\n.".encode()          # INST opcode
    yield "py2-eval", (f"c__builtin__\neval\n(S'__import__(\"os\").system(\"touch {marker}\")'"
                       "\ntR.").encode()


def _crafted_files(payload: bytes) -> dict:
    """The payload as a bare pickle, as a torch.save-style archive's data.pkl, and as the
    objects.pkl of a minitorch checkpoint."""
    manifest = {"format": "minitorch-checkpoint", "version": 1, "tensors": [],
                "root": {"type": "pickled", "file": "objects.pkl"}}
    return {
        "raw": payload,
        "torch-zip": make_zip({"archive/data.pkl": payload, "archive/version": b"3\n"}),
        "minitorch-zip": make_zip({"manifest.json": json.dumps(manifest).encode(),
                                   "objects.pkl": payload}),
    }


def test_payloads_are_live(tmp_path):
    """Sanity check of the test itself: plain pickle.loads really creates the marker."""
    if os.name != "posix":
        pytest.skip("uses touch")
    marker = tmp_path / "pwned"
    for label, payload in _payloads(marker):
        out = pickle.loads(payload)
        if hasattr(out, "close"):
            out.close()
        assert marker.exists(), label
        marker.unlink()


@pytest.mark.parametrize("weights_only", [True, None])
def test_crafted_pickles_execute_nothing(tmp_path, weights_only, no_unpickling,
                                         find_class_spy):
    """The default load (weights_only=True, or None, which means True) runs no code from
    any file: a bare pickle is never unpickled, and the pickle inside a torch or minitorch
    archive is refused at the first global it names."""
    marker = tmp_path / "pwned"
    for label, payload in _payloads(marker):
        for kind, content in _crafted_files(payload).items():
            path = tmp_path / f"{label}-{kind}.pt"
            path.write_bytes(content)
            if kind == "raw":
                error, what = CheckpointError, "never unpickles a bare pickle"
            else:
                error, what = (WeightsOnlyUnpicklingError,
                               r"needs the global (os|posix|io|builtins)\.(system|open|eval)")
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                with pytest.raises(error, match=what):
                    minitorch.load(path, weights_only=weights_only)
                with pytest.raises(error, match=what):
                    minitorch.load(io.BytesIO(content), weights_only=weights_only,
                                   map_location="cpu")
            assert not marker.exists(), f"{label}/{kind} ran code"
    assert find_class_spy.reached == []


def test_crafted_pickles_run_only_when_the_caller_opts_in(tmp_path, no_unpickling,
                                                          find_class_spy):
    """weights_only=False is the caller saying the file is trusted: as with
    torch.load(weights_only=False), the pickle inside an archive is then unpickled in full
    (these payloads run), but only after a warning; a bare pickle is still refused."""
    if os.name != "posix":
        pytest.skip("uses touch")
    find_class_spy.pass_through = True
    marker = tmp_path / "pwned"
    for label, payload in _payloads(marker):
        files = _crafted_files(payload)
        with warnings.catch_warnings():
            warnings.simplefilter("error")        # a warning raises before anything runs
            with pytest.raises(CheckpointError, match="never unpickles a bare pickle"):
                load_bytes(files["raw"], weights_only=False)
            for kind in ("torch-zip", "minitorch-zip"):
                with pytest.raises(UserWarning, match="weights_only=False"):
                    load_bytes(files[kind], weights_only=False)
        assert not marker.exists(), label
        for kind in ("torch-zip", "minitorch-zip"):
            out = unpickle_trusted(files[kind])
            if hasattr(out, "close"):
                out.close()                       # the 'open' payload returns the file
            assert marker.exists(), f"{label}/{kind}: the opted-in load did not unpickle"
            marker.unlink()
    assert find_class_spy.reached                 # the spy sits on the real path


@pytest.mark.parametrize("weights_only", [True, False])
def test_object_array_smuggled_into_a_checkpoint_executes_nothing(tmp_path, weights_only,
                                                                  small_checkpoint,
                                                                  no_unpickling):
    """A .npy of dtype object holds a pickle; a tensor entry pointing at one must be
    refused from its header, before any byte of the pickle is read."""
    marker = tmp_path / "pwned"
    evil = np.empty(1, dtype=object)
    evil[0] = _Payload(os.system, f"touch '{marker}'")
    npy = io.BytesIO()
    np.lib.format.write_array(npy, evil, allow_pickle=True)
    members = members_of(small_checkpoint)
    members["tensors/0.npy"] = npy.getvalue()
    for edit in (lambda m: m["tensors"][0].update(shape=[1]),
                 lambda m: m["tensors"][0].update(shape=[1], dtype="object")):
        data = with_manifest(make_zip(members), edit)
        with pytest.raises(CheckpointError):
            load_bytes(data, weights_only=weights_only)
        assert not marker.exists()


# ----------------------------------------------------------------------------- map_location
def _as_cuda_checkpoint(data: bytes, location="cuda:0") -> bytes:
    def edit(m):
        for e in m["tensors"]:
            e["device"] = location
    return with_manifest(data, edit)


@pytest.mark.parametrize("map_location", [
    None, "cpu", minitorch.device("cpu"), {"cuda:0": "cpu"}, {"cpu": "cpu"},
    lambda storage, loc: storage,
], ids=["None", "str", "device", "dict", "dict-cpu", "callable"])
def test_map_location_to_cpu(map_location, small_checkpoint):
    out = load_bytes(small_checkpoint, map_location=map_location)
    assert str(out["w"].device) == "cpu"
    same_value(load_bytes(small_checkpoint), out)


def test_map_location_callable_gets_the_saved_location(small_checkpoint):
    seen = []

    def fn(t, loc):
        seen.append(loc)
        return t * 2 if t.dtype == minitorch.float32 else t

    out = load_bytes(_as_cuda_checkpoint(small_checkpoint), map_location=fn)
    assert seen == ["cuda:0", "cuda:0"]
    assert out["w"].tolist() == [[0.0, 2.0, 4.0], [6.0, 8.0, 10.0]]
    assert out["b"].tolist() == [True, False]
    # None means "the default": the saved location, here the CPU
    out = load_bytes(small_checkpoint, map_location=lambda t, loc: None)
    same_value(load_bytes(small_checkpoint), out)
    with pytest.raises(TypeError, match="callable returned int"):
        load_bytes(small_checkpoint, map_location=lambda t, loc: 3)


@pytest.mark.parametrize("bad, exc", [
    (3.5, TypeError), ("tpu", ValueError), ({"cuda:0": 1}, TypeError), ({5: "cpu"}, TypeError),
    ("cuda:x", ValueError),
])
def test_bad_map_location(bad, exc, small_checkpoint):
    with pytest.raises(exc, match="load\\(\\): .*map_location"):
        load_bytes(small_checkpoint, map_location=bad)


@pytest.mark.skipif(minitorch.cuda.is_available(), reason="checks the no-GPU message")
def test_cuda_checkpoint_without_a_gpu(small_checkpoint):
    data = _as_cuda_checkpoint(small_checkpoint)
    for ml in (None, {"cuda:1": "cpu"}):
        with pytest.raises(RuntimeError, match="saved on cuda:0, but that device is not "
                                               "available.*map_location='cpu'") as info:
            load_bytes(data, map_location=ml)
        assert not isinstance(info.value, CheckpointError)
    for ml in ("cpu", {"cuda:0": "cpu"}, {"cuda": "cpu"}, minitorch.device("cpu")):
        out = load_bytes(data, map_location=ml)
        assert str(out["w"].device) == "cpu" and out["w"].tolist()[1] == [3.0, 4.0, 5.0]
    with pytest.raises(RuntimeError, match="cuda"):
        load_bytes(small_checkpoint, map_location="cuda")


@pytest.mark.cuda
@pytest.mark.skipif(not minitorch.cuda.is_available(), reason="needs CuPy and a GPU")
def test_cuda_round_trip(tmp_path):
    g = minitorch.randn(3, 4, device="cuda").T         # non-contiguous, on the GPU
    p = Parameter(minitorch.randn(2, device="cuda"))
    c = minitorch.randn(5)
    path = tmp_path / "gpu.mt"
    minitorch.save({"g": g, "p": p, "c": c}, path)
    out = minitorch.load(path)
    assert str(out["g"].device) == "cuda:0" and str(out["c"].device) == "cpu"
    assert type(out["p"]) is Parameter and out["p"].requires_grad
    assert out["g"].cpu().numpy().tobytes() == np.ascontiguousarray(g.cpu().numpy()).tobytes()
    cpu = minitorch.load(path, map_location="cpu")
    assert all(str(v.device) == "cpu" for v in cpu.values())
    mapped = minitorch.load(path, map_location={"cpu": "cuda:0"})
    assert str(mapped["c"].device) == "cuda:0" and str(mapped["g"].device) == "cuda:0"
    assert mapped["c"].cpu().numpy().tobytes() == c.numpy().tobytes()


# ----------------------------------------------------------------------------- resuming
def _batches(n_steps):
    g = np.random.default_rng(42)
    out = []
    for _ in range(n_steps):
        x = g.standard_normal((16, 4)).astype(np.float32)
        y = np.sin(x.sum(1, keepdims=True)).astype(np.float32)
        out.append((minitorch.from_numpy(x), minitorch.from_numpy(y)))
    return out


def _loss(model, x, y):
    return ((model(x) - y) ** 2).mean()


def _gd_step(model, state, x, y):
    """Gradient descent with momentum and a step-decayed learning rate, written here:
    v <- mu * v + g;  w <- w - lr * v;  lr <- lr * gamma every `step_size` steps."""
    params = list(model.parameters())
    for p in params:
        p.grad = None
    _loss(model, x, y).backward()
    with minitorch.no_grad():
        for i, p in enumerate(params):
            v = state["velocity"][i]
            v = p.grad if v is None else v * state["momentum"] + p.grad
            state["velocity"][i] = v
            p -= state["lr"] * v
    state["step"] += 1
    if state["step"] % state["step_size"] == 0:
        state["lr"] *= state["gamma"]


def test_resume_plain_gradient_descent_is_bit_exact(tmp_path):
    n, k = 12, 5
    batches = _batches(n)
    new_state = lambda m: {"velocity": [None] * len(list(m.parameters())), "momentum": 0.9,
                           "lr": 0.05, "gamma": 0.5, "step_size": 4, "step": 0}
    ref = TinyNet(0)
    ref_state = new_state(ref)
    for x, y in batches:
        _gd_step(ref, ref_state, x, y)

    model = TinyNet(0)
    state = new_state(model)
    for x, y in batches[:k]:
        _gd_step(model, state, x, y)
    path = tmp_path / "mid.mt"
    minitorch.save({"model": model.state_dict(), "opt": state, "epoch": k}, path)
    del model, state

    ckpt = minitorch.load(path)
    model = TinyNet(7)                                # different init: must be overwritten
    model.load_state_dict(ckpt["model"])
    state = ckpt["opt"]
    assert ckpt["epoch"] == k and state["step"] == k
    for x, y in batches[ckpt["epoch"]:]:
        _gd_step(model, state, x, y)
    for (name, a), b in zip(ref.state_dict().items(), model.state_dict().values()):
        assert a.numpy().tobytes() == b.numpy().tobytes(), name
    assert float_bits(ref_state["lr"]) == float_bits(state["lr"])

    # control: resuming with the weights only (fresh momentum and lr) ends elsewhere
    model = TinyNet(7)
    model.load_state_dict(minitorch.load(path)["model"])
    state = new_state(model)
    for x, y in batches[k:]:
        _gd_step(model, state, x, y)
    assert ref.state_dict()["w1"].numpy().tobytes() != model.state_dict()["w1"].numpy().tobytes()


_HAS_OPTIM = all(hasattr(minitorch.optim, n) for n in ("Adam",)) and \
    hasattr(getattr(minitorch.optim, "lr_scheduler", None), "StepLR")


@pytest.mark.skipif(not _HAS_OPTIM, reason="minitorch.optim.Adam / lr_scheduler.StepLR "
                                           "not available yet")
def test_resume_with_adam_and_steplr_is_bit_exact(tmp_path):
    from minitorch.optim import Adam
    from minitorch.optim.lr_scheduler import StepLR
    n, k = 12, 5
    batches = _batches(n)

    def make(seed):
        model = TinyNet(seed)
        opt = Adam(model.parameters(), lr=0.02, weight_decay=1e-3, amsgrad=True)
        sched = StepLR(opt, step_size=3, gamma=0.5)
        return model, opt, sched

    def step(model, opt, sched, x, y):
        opt.zero_grad()
        _loss(model, x, y).backward()
        opt.step()
        sched.step()

    ref, ref_opt, ref_sched = make(0)
    for x, y in batches:
        step(ref, ref_opt, ref_sched, x, y)

    model, opt, sched = make(0)
    for x, y in batches[:k]:
        step(model, opt, sched, x, y)
    path = tmp_path / "mid.mt"
    minitorch.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                    "scheduler": sched.state_dict(), "epoch": k}, path)
    saved = minitorch.load(path)
    same_value(opt.state_dict(), saved["optimizer"])        # tuples (betas), None, int keys
    same_value(sched.state_dict(), saved["scheduler"])
    del model, opt, sched, saved

    ckpt = minitorch.load(path)
    model, opt, sched = make(3)
    model.load_state_dict(ckpt["model"])
    opt.load_state_dict(ckpt["optimizer"])
    sched.load_state_dict(ckpt["scheduler"])
    for x, y in batches[ckpt["epoch"]:]:
        step(model, opt, sched, x, y)
    for (name, a), b in zip(ref.state_dict().items(), model.state_dict().values()):
        assert a.numpy().tobytes() == b.numpy().tobytes(), name
    assert ref_opt.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    assert ref_sched.get_last_lr() == sched.get_last_lr()

    # control: the same resume without the optimizer and scheduler state ends elsewhere,
    # so the comparison above can fail
    model, opt, sched = make(3)
    model.load_state_dict(minitorch.load(path)["model"])
    for x, y in batches[k:]:
        step(model, opt, sched, x, y)
    assert ref.state_dict()["w1"].numpy().tobytes() != model.state_dict()["w1"].numpy().tobytes()
