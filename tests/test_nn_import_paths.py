"""torch.nn.modules.<file>.<Class> import paths: every class PyTorch keeps in a file of
torch/nn/modules/ that minitorch has is importable from the same path under
minitorch.nn.modules, private base classes included, and programs can subclass them."""
import importlib
import inspect
import pkgutil

import pytest
import torch
import torch.nn.modules as torch_modules

import minitorch as mt

FILES = ["activation", "adaptive", "batchnorm", "channelshuffle", "container", "conv",
         "distance", "dropout", "flatten", "fold", "instancenorm", "lazy", "linear", "loss",
         "module", "normalization", "padding", "pixelshuffle", "pooling", "rnn", "sparse",
         "transformer", "upsampling", "utils"]


def _torch_classes(file):
    mod = importlib.import_module("torch.nn.modules." + file)
    return [n for n, v in vars(mod).items()
            if inspect.isclass(v) and v.__module__ == mod.__name__ and not n.startswith("_")]


@pytest.mark.parametrize("file", FILES)
def test_every_file_imports_and_resolves_what_minitorch_has(file):
    mod = importlib.import_module("minitorch.nn.modules." + file)
    for name in _torch_classes(file):
        if hasattr(mt.nn, name):
            assert getattr(mod, name) is getattr(mt.nn, name), f"{file}.{name}"
    for name in getattr(mod, "__all__", []):
        assert getattr(mod, name) is not None


def test_the_files_cover_pytorchs():
    public = {i.name for i in pkgutil.iter_modules(torch_modules.__path__)
              if not i.name.startswith("_")}
    wanted = public - {"linear_cross_entropy", "linear_cross_entropy_options"}
    assert wanted <= set(FILES)


@pytest.mark.parametrize("path, name", [
    ("loss", "_Loss"), ("loss", "_WeightedLoss"), ("batchnorm", "_BatchNorm"),
    ("batchnorm", "_NormBase"), ("conv", "_ConvNd"), ("instancenorm", "_InstanceNorm"),
    ("dropout", "_DropoutNd"), ("pooling", "_MaxPoolNd"), ("rnn", "RNNBase"),
    ("module", "Module"), ("container", "Sequential"), ("lazy", "LazyModuleMixin"),
    ("linear", "NonDynamicallyQuantizableLinear"), ("module", "_IncompatibleKeys"),
])
def test_private_base_classes_import(path, name):
    mod = importlib.import_module("minitorch.nn.modules." + path)
    cls = getattr(mod, name)
    assert inspect.isclass(cls)
    exec(f"from minitorch.nn.modules.{path} import {name}", {})


def test_subclassing_the_private_bases_works_like_torch():
    def build(lib):
        from_loss = importlib.import_module(lib.__name__ + ".nn.modules.loss")
        from_drop = importlib.import_module(lib.__name__ + ".nn.modules.dropout")
        from_bn = importlib.import_module(lib.__name__ + ".nn.modules.batchnorm")

        class MyLoss(from_loss._Loss):
            def forward(self, a, b):
                d = (a - b).abs()
                return d.mean() if self.reduction == "mean" else d.sum()

        class MyDrop(from_drop._DropoutNd):
            def forward(self, x):
                return x * (1 - self.p)

        class MyBN(from_bn._BatchNorm):
            def _check_input_dim(self, input):
                pass
        return MyLoss(reduction="sum"), MyDrop(0.25), MyBN(3)
    (lt, dt, bt), (lm, dm, bm) = build(torch), build(mt)
    assert lm.reduction == lt.reduction == "sum"
    assert repr(dm) == repr(dt)
    assert float(lm(mt.ones(3), mt.zeros(3))) == float(lt(torch.ones(3), torch.zeros(3)))
    assert list(bm.state_dict().keys()) == list(bt.state_dict().keys())
    assert tuple(bm(mt.randn(4, 3, 2)).shape) == (4, 3, 2)


def test_utils_tuple_helpers_match_torch():
    from torch.nn.modules import utils as tu

    from minitorch.nn.modules import utils as mu
    for fn in ("_single", "_pair", "_triple", "_quadruple"):
        for v in (3, (1, 2), [4, 5, 6]):
            assert getattr(mu, fn)(v) == getattr(tu, fn)(v)
    assert mu._ntuple(5)(2) == tu._ntuple(5)(2)
    assert mu._reverse_repeat_tuple((1, 2, 3), 2) == tu._reverse_repeat_tuple((1, 2, 3), 2)
    assert mu._list_with_default([None, 3], [8, 9, 10]) == \
        tu._list_with_default([None, 3], [8, 9, 10])
    assert mu._list_with_default(4, [1, 2]) == 4


def test_modules_package_falls_back_to_nn_and_star_import():
    assert mt.nn.modules.Linear is mt.nn.Linear
    assert mt.nn.modules.conv.Conv2d is mt.nn.Conv2d
    ns = {}
    exec("from minitorch.nn.modules.linear import *", ns)
    assert ns["Linear"] is mt.nn.Linear and ns["LazyLinear"] is mt.nn.LazyLinear
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchLayer'"):
        mt.nn.modules.linear.NoSuchLayer
    with pytest.raises(ImportError):
        exec("from minitorch.nn.modules.loss import NoSuchLoss", {})
    assert "Linear" in dir(mt.nn.modules.linear)


def test_nn_parallel_and_rnn_utils_paths():
    from minitorch.nn.parallel import DataParallel, DistributedDataParallel  # noqa: F401
    from minitorch.nn.parallel.data_parallel import DataParallel as DP2
    from minitorch.nn.utils.rnn import PackedSequence, pad_sequence  # noqa: F401
    assert DP2 is DataParallel is mt.nn.DataParallel
    from minitorch.nn.parameter import UninitializedParameter, is_lazy  # noqa: F401
    assert mt.nn.UninitializedParameter is UninitializedParameter
