"""save/load as PyTorch 2.6+ has them: plain data (now with NumPy arrays and scalars,
sets, bytes, complex numbers) loads with the default weights_only=True; whole modules and
other objects are pickled and load with weights_only=False (with a warning) or with
add_safe_globals / safe_globals; crafted pickles run nothing; torch.save files load
without torch; file objects, paths, map_location; torch's signatures."""
import argparse
import collections
import inspect
import io
import os
import pathlib
import pickle
import threading
import warnings

import numpy as np
import pytest
import torch

import minitorch
from minitorch import nn, serialization
from minitorch.serialization import CheckpointError, WeightsOnlyUnpicklingError


def save_bytes(obj, **kw) -> bytes:
    buf = io.BytesIO()
    minitorch.save(obj, buf, **kw)
    return buf.getvalue()


def load_bytes(data: bytes, **kw):
    return minitorch.load(io.BytesIO(data), **kw)


def roundtrip(obj, **kw):
    return load_bytes(save_bytes(obj), **kw)


def unpickle_quietly(data: bytes, **kw):
    with pytest.warns(UserWarning, match="arbitrary code|runs code"):
        return load_bytes(data, weights_only=False, **kw)


class Net(nn.Module):
    """A module defined at module level (picklable by reference)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.bn = nn.BatchNorm1d(4)
        self.head = nn.Linear(4, 2)
        self.tag = "net"

    def forward(self, x):
        return self.head(self.bn(self.fc(x)).relu())


class Marker:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch '{self.path}'",))


class Tagged(minitorch.Tensor):
    """A tensor subclass (pickled, keeping its class)."""


Point = collections.namedtuple("Point", "x y")


# ----------------------------------------------------------------------------- plain data
@pytest.mark.parametrize("value", [
    np.arange(6, dtype=np.float32).reshape(2, 3), np.arange(4, dtype=np.uint16),
    np.array([1 + 2j, -3j], dtype=np.complex64), np.zeros((0, 3)), np.array(True),
    np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.arange(10)[::3],
], ids=["f32", "u16", "c64", "empty", "0d-bool", "fortran", "strided"])
def test_numpy_arrays_round_trip_as_data(value):
    out = roundtrip({"a": value})["a"]
    assert type(out) is np.ndarray and out.dtype == value.dtype and out.shape == value.shape
    np.testing.assert_array_equal(out, value)
    assert out.flags.writeable


def test_numpy_scalars_sets_bytes_complex_round_trip_as_data():
    obj = {"f64": np.float64(0.1), "f32": np.float32(1.5), "i8": np.int8(-3),
           "b": np.bool_(True), "set": {3, 1, 2}, "fs": frozenset({"a", "b"}),
           "bytes": b"\x00\xffab", "ba": bytearray(b"xy"), "c": complex(1.5, -2.0),
           "cinf": complex(float("inf"), 0.0), "arr_list": [np.ones(2), np.ones(2)]}
    out = roundtrip(obj)
    for k in ("f64", "f32", "i8", "b"):
        assert type(out[k]) is type(obj[k]) and out[k] == obj[k], k
    assert out["set"] == {1, 2, 3} and type(out["set"]) is set
    assert out["fs"] == frozenset({"a", "b"}) and type(out["fs"]) is frozenset
    assert out["bytes"] == b"\x00\xffab" and type(out["ba"]) is bytearray
    assert out["c"] == complex(1.5, -2.0) and out["cinf"] == complex(float("inf"), 0.0)
    assert serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(save_bytes(obj))) == []


def test_the_same_array_twice_is_one_object_and_saving_is_deterministic():
    a = np.arange(3.0)
    out = roundtrip([a, a, {"x": a}])
    assert out[0] is out[1] is out[2]["x"]
    obj = {"s": {"b", "a", "c"}, "a": a}
    assert save_bytes(obj) == save_bytes(obj)


def test_plain_state_dicts_never_write_a_pickle():
    net = Net()
    opt = minitorch.optim.Adam(net.parameters())
    net(minitorch.randn(5, 3)).sum().backward()
    opt.step()
    data = save_bytes({"model": net.state_dict(), "optim": opt.state_dict(), "epoch": 3})
    import zipfile
    assert "objects.pkl" not in zipfile.ZipFile(io.BytesIO(data)).namelist()
    out = load_bytes(data)                        # the default: weights_only=True
    fresh = Net()
    fresh.load_state_dict(out["model"])
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(fresh.state_dict()[k].numpy(), v.numpy())


# ----------------------------------------------------------------------------- whole objects
def test_whole_module_needs_weights_only_false_and_warns():
    net = Net()
    net.eval()
    data = save_bytes(net)
    with pytest.raises(WeightsOnlyUnpicklingError) as info:
        load_bytes(data)
    msg = str(info.value)
    assert "Net" in msg and "add_safe_globals" in msg and "weights_only=False" in msg
    assert isinstance(info.value, pickle.UnpicklingError)
    out = unpickle_quietly(data)
    assert type(out) is Net and out.tag == "net" and not out.training
    assert isinstance(out.fc.weight, nn.Parameter) and out.fc.weight.requires_grad
    x = minitorch.randn(4, 3)
    np.testing.assert_array_equal(out(x).detach().numpy(), net(x).detach().numpy())
    assert out.fc.weight is not net.fc.weight


def test_model_and_optimizer_saved_together_keep_sharing_parameters(tmp_path):
    net = Net()
    opt = minitorch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    net(minitorch.randn(5, 3)).sum().backward()
    opt.step()
    path = tmp_path / "all.pt"
    minitorch.save({"net": net, "opt": opt, "args": argparse.Namespace(lr=0.1)}, path)
    with pytest.warns(UserWarning):
        out = minitorch.load(path, weights_only=False)
    assert out["opt"].param_groups[0]["params"][0] is out["net"].fc.weight
    assert out["args"].lr == 0.1
    assert set(os.listdir(tmp_path)) == {"all.pt"}             # atomic: no temp file left


def test_add_safe_globals_and_the_safe_globals_context():
    data = save_bytes({"args": argparse.Namespace(lr=0.5, name="run"), "w": minitorch.ones(2)})
    assert serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data)) == \
        ["argparse.Namespace"]
    with pytest.raises(WeightsOnlyUnpicklingError, match="argparse.Namespace"):
        load_bytes(data)
    with serialization.safe_globals([argparse.Namespace]):
        assert argparse.Namespace in serialization.get_safe_globals()
        out = load_bytes(data)
        assert serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data)) == []
    assert out["args"] == argparse.Namespace(lr=0.5, name="run")
    assert argparse.Namespace not in serialization.get_safe_globals()
    with pytest.raises(WeightsOnlyUnpicklingError):
        load_bytes(data)
    serialization.add_safe_globals([argparse.Namespace])
    try:
        assert load_bytes(data)["args"].lr == 0.5
    finally:
        serialization.clear_safe_globals()
    assert serialization.get_safe_globals() == []
    # the (obj, "module.name") form
    with serialization.safe_globals([(argparse.Namespace, "argparse.Namespace")]):
        assert load_bytes(data)["args"].name == "run"


def test_module_loads_with_its_classes_allowed():
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    data = save_bytes(net)
    needed = serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data))
    assert "minitorch.nn.containers.Sequential" in needed or any("Sequential" in n
                                                                 for n in needed)
    classes = [nn.Sequential, nn.Linear, nn.ReLU]
    with serialization.safe_globals(classes):
        leftover = serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data))
        with serialization.safe_globals([_resolve(n) for n in leftover]):
            out = load_bytes(data)
    assert isinstance(out, nn.Sequential) and isinstance(out[0].weight, nn.Parameter)


def _resolve(full):
    import importlib
    module, _, name = full.rpartition(".")
    obj = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def test_subclasses_namedtuples_cycles_and_odd_keys_are_pickled_faithfully():
    t = minitorch.ones(2).as_subclass(Tagged) if hasattr(minitorch.Tensor, "as_subclass") \
        else None
    cyc = [1]
    cyc.append({"self": cyc})
    obj = {"pt": Point(1, 2.0), "dd": collections.defaultdict(list, a=[1]),
           "keys": {(1, 2): "tuple key", 1.5: "float key"}, "cyc": cyc,
           "counter": collections.Counter("aab")}
    if t is not None:
        obj["sub"] = t
    data = save_bytes(obj)
    out = unpickle_quietly(data)
    assert type(out["pt"]) is Point and out["pt"].y == 2.0
    assert type(out["dd"]) is collections.defaultdict and out["dd"]["zz"] == []
    assert out["keys"][(1, 2)] == "tuple key" and out["keys"][1.5] == "float key"
    assert out["cyc"][1]["self"] is out["cyc"]
    assert out["counter"]["a"] == 2
    if t is not None:
        assert type(out["sub"]) is Tagged


def test_unpicklable_objects_raise_with_their_path_and_leave_the_file_alone(tmp_path):
    path = tmp_path / "ckpt.pt"
    minitorch.save({"a": 1}, path)
    for obj, where in (({"hook": lambda x: x}, "obj['hook']"),
                       ([1, {"f": threading.Lock()}], "obj[1]['f']")):
        with pytest.raises(TypeError) as info:
            minitorch.save(obj, path)
        assert isinstance(info.value, pickle.PicklingError)
        assert str(info.value).startswith(f"save(): {where} "), str(info.value)
    assert minitorch.load(path) == {"a": 1}
    assert os.listdir(tmp_path) == ["ckpt.pt"]


# ----------------------------------------------------------------------------- no code runs
def test_crafted_objects_pickle_runs_nothing_with_weights_only(tmp_path):
    if os.name != "posix":
        pytest.skip("uses touch")
    marker = tmp_path / "pwned"
    data = save_bytes({"evil": Marker(marker)})
    for kw in ({}, dict(weights_only=True), dict(weights_only=None)):
        with pytest.raises(WeightsOnlyUnpicklingError, match="system"):
            load_bytes(data, **kw)
        assert not marker.exists()
    assert serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data)) in (
        ["posix.system"], ["os.system"])
    # the caller's explicit opt-in runs it, as torch.load(weights_only=False) would
    unpickle_quietly(data)
    assert marker.exists()


def test_a_torch_zip_whose_pickle_calls_os_system_is_refused(tmp_path):
    import zipfile
    marker = tmp_path / "pwned"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", pickle.dumps(Marker(marker), protocol=2))
        zf.writestr("archive/version", "3\n")
    with pytest.raises(WeightsOnlyUnpicklingError, match="system"):
        load_bytes(buf.getvalue())
    assert not marker.exists()


# ----------------------------------------------------------------------------- torch files
def _torch_net():
    torch.manual_seed(0)
    tnet = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3), torch.nn.BatchNorm2d(3),
                               torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(12, 4))
    tnet.train()
    tnet(torch.randn(5, 2, 4, 4))                      # moves the running statistics
    tnet.eval()
    net = nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.Flatten(),
                        nn.Linear(12, 4))
    net.eval()
    return net, tnet


def test_torch_state_dict_file_loads_without_torch_and_runs_the_same(tmp_path):
    net, tnet = _torch_net()
    path = tmp_path / "torch_sd.pt"
    torch.save(tnet.state_dict(), path)
    sd = minitorch.load(path)
    assert type(sd) is collections.OrderedDict and list(sd) == list(tnet.state_dict())
    for k, v in tnet.state_dict().items():
        assert str(sd[k].dtype).split(".")[-1] == str(v.dtype).split(".")[-1], k
        np.testing.assert_array_equal(sd[k].numpy(), v.numpy(), err_msg=k)
    net.load_state_dict(sd)
    x = np.random.default_rng(0).standard_normal((3, 2, 4, 4)).astype(np.float32)
    np.testing.assert_allclose(net(minitorch.from_numpy(x)).detach().numpy(),
                               tnet(torch.from_numpy(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore:.*bfloat16")
def test_torch_files_with_every_kind_of_value():
    base = torch.arange(24, dtype=torch.float64).reshape(4, 6)
    obj = {
        "view": base[1:3, ::2], "transposed": base.t(), "expanded": torch.ones(3).expand(2, 3),
        "shared_a": base, "shared_b": base[0],
        "param": torch.nn.Parameter(torch.ones(2)), "frozen": torch.nn.Parameter(
            torch.zeros(3), requires_grad=False),
        "grad_leaf": torch.ones(2, requires_grad=True),
        "f16": torch.tensor([1.5, -2.0], dtype=torch.float16),
        "bf16": torch.tensor([1.5, 3.0], dtype=torch.bfloat16),
        "i64": torch.tensor([1, -2]), "u8": torch.tensor([0, 255], dtype=torch.uint8),
        "i16": torch.tensor([-7], dtype=torch.int16), "bool": torch.tensor([True, False]),
        "u16": torch.ones(2, dtype=torch.uint16), "empty": torch.zeros(0, 3),
        "scalar": torch.tensor(3.25), "size": torch.Size([2, 3]), "device": torch.device("cpu"),
        "dtype": torch.float32, "nested": {"list": [1, 2.5, "s"], "tuple": (None, True)},
        "bytes": b"ab", "set": {1, 2}, "complex": 1 + 2j,
    }
    buf = io.BytesIO()
    torch.save(obj, buf)
    out = load_bytes(buf.getvalue())
    for k in ("view", "transposed", "expanded", "shared_a", "shared_b", "f16", "i64", "u8",
              "i16", "bool", "u16", "empty", "scalar"):
        assert tuple(out[k].shape) == tuple(obj[k].shape), k
        assert str(out[k].dtype).split(".")[-1] == str(obj[k].dtype).split(".")[-1], k
        np.testing.assert_array_equal(out[k].numpy(), obj[k].numpy(), err_msg=k)
    np.testing.assert_array_equal(out["bf16"].float().numpy(), [1.5, 3.0])
    assert isinstance(out["param"], nn.Parameter) and out["param"].requires_grad
    assert isinstance(out["frozen"], nn.Parameter) and not out["frozen"].requires_grad
    assert out["grad_leaf"].requires_grad and not isinstance(out["grad_leaf"], nn.Parameter)
    assert out["size"] == (2, 3) and isinstance(out["size"], minitorch.Size)
    assert str(out["device"]) == "cpu" and out["dtype"] is minitorch.float32
    assert out["nested"] == {"list": [1, 2.5, "s"], "tuple": (None, True)}
    assert out["bytes"] == b"ab" and out["set"] == {1, 2} and out["complex"] == 1 + 2j


def test_torch_file_map_location_and_weights_only_rules(tmp_path):
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2), "args": argparse.Namespace(lr=1.0)}, buf)
    data = buf.getvalue()
    with pytest.raises(WeightsOnlyUnpicklingError, match="argparse.Namespace"):
        load_bytes(data)
    assert serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data)) == \
        ["argparse.Namespace"]
    with serialization.safe_globals([argparse.Namespace]):
        assert load_bytes(data)["args"].lr == 1.0
    out = unpickle_quietly(data, map_location="cpu")
    assert out["args"].lr == 1.0 and str(out["w"].device) == "cpu"
    seen = []
    out = load_bytes(save_only_tensors(), map_location=lambda t, loc: seen.append(loc) or t)
    assert seen == ["cpu"] and out["w"].tolist() == [1.0, 1.0]
    for ml in ("cpu", minitorch.device("cpu"), {"cpu": "cpu"}, {"cuda:0": "cpu"}):
        assert load_bytes(save_only_tensors(), map_location=ml)["w"].tolist() == [1.0, 1.0]


def save_only_tensors():
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2)}, buf)
    return buf.getvalue()


def test_whole_torch_modules_need_torch():
    buf = io.BytesIO()
    torch.save(torch.nn.Linear(2, 3), buf)
    with pytest.raises(CheckpointError, match="torch.nn.modules.linear.Linear"):
        load_bytes(buf.getvalue())
    with pytest.raises(CheckpointError, match="needs torch|without PyTorch"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            load_bytes(buf.getvalue(), weights_only=False)


def test_a_module_saved_by_minitorch_is_readable_by_minitorch_only():
    data = save_bytes(nn.Linear(2, 3))
    with pytest.raises(Exception):
        torch.load(io.BytesIO(data), weights_only=False)


def test_legacy_torch_files_are_refused_clearly(tmp_path):
    path = tmp_path / "legacy.pt"
    torch.save({"w": torch.ones(2)}, path, _use_new_zipfile_serialization=False)
    with pytest.raises(CheckpointError, match="never unpickles a bare pickle"):
        minitorch.load(path, weights_only=False)


# ----------------------------------------------------------------------------- files, API
def test_paths_pathlib_and_file_objects(tmp_path):
    obj = {"a": np.ones(2), "t": minitorch.ones(3)}
    for target in (str(tmp_path / "s.pt"), tmp_path / "p.pt", pathlib.PurePath(tmp_path / "q")):
        minitorch.save(obj, target)
        out = minitorch.load(target)
        np.testing.assert_array_equal(out["a"], obj["a"])
    with open(tmp_path / "f.pt", "wb") as fh:
        minitorch.save(obj, fh)
    with open(tmp_path / "f.pt", "rb") as fh:
        assert minitorch.load(fh)["t"].tolist() == [1.0, 1.0, 1.0]


def test_pickle_module_argument_and_weights_only_defaults():
    data = save_bytes({"ns": argparse.Namespace(a=1)}, pickle_module=pickle, pickle_protocol=4)
    with pytest.warns(UserWarning):
        assert load_bytes(data, pickle_module=pickle)["ns"].a == 1    # weights_only -> False
    with pytest.raises(RuntimeError, match="explicit pickle_module"):
        load_bytes(data, pickle_module=pickle, weights_only=True)
    with pytest.raises(TypeError, match="weights_only"):
        load_bytes(data, weights_only="yes")
    assert load_bytes(save_bytes([1, 2]), mmap=True) == [1, 2]
    with pytest.raises(TypeError, match="unexpected keyword"):
        load_bytes(save_bytes([1]), bogus=1)
    assert load_bytes(save_bytes({"s": "é"}), encoding="latin1") == {"s": "é"}


def test_signatures_are_torchs():
    for name in ("save", "load"):
        mine = inspect.signature(getattr(minitorch, name)).parameters
        ref = inspect.signature(getattr(torch, name)).parameters
        assert list(mine) == list(ref), name
        for p in ref:
            assert mine[p].kind == ref[p].kind, (name, p)
            if name == "load" or p != "pickle_module":
                assert mine[p].default == ref[p].default or (
                    ref[p].default is pickle and mine[p].default is pickle), (name, p)
    for name in ("add_safe_globals", "clear_safe_globals", "get_safe_globals", "safe_globals",
                 "get_unsafe_globals_in_checkpoint"):
        assert hasattr(serialization, name) and hasattr(torch.serialization, name), name
    assert minitorch.serialization.DEFAULT_PROTOCOL == torch.serialization.DEFAULT_PROTOCOL


@pytest.mark.filterwarnings("ignore:.*bfloat16")
def test_minitorch_bfloat16_and_small_int_tensors_round_trip():
    vals = {}
    for name in ("bfloat16", "uint8", "int8", "int16", "float16"):
        dt = getattr(minitorch, name, None)
        if dt is None:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            vals[name] = minitorch.tensor([1.0, 2.0, 3.0]).to(dt)
    out = roundtrip(vals)
    for name, t in vals.items():
        assert out[name].dtype == t.dtype, name
        assert out[name].tolist() == t.tolist(), name
