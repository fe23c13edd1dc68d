"""How each file of minitorch.nn.modules finds its names.

PyTorch's classes live in files such as torch/nn/modules/linear.py, and programs import
them from there (``from torch.nn.modules.loss import _Loss``). minitorch's layers live in
its own files (minitorch/nn/linear.py, ...). Each file here names, for one PyTorch file,
where minitorch keeps those classes; a name is looked up when it is first asked for
(PEP 562 module ``__getattr__``), so classes added to minitorch.nn later appear too.
"""
from __future__ import annotations

import importlib

# PyTorch file -> (minitorch modules to search, in order; the public names PyTorch's file
# defines). Private base classes resolve too when minitorch has them.
FILES = {
    "activation": (("activation", "attention"), (
        "Threshold", "ReLU", "RReLU", "Hardtanh", "ReLU6", "Sigmoid", "Hardsigmoid", "Tanh",
        "SiLU", "Mish", "Hardswish", "ELU", "CELU", "SELU", "GLU", "GELU", "Hardshrink",
        "LeakyReLU", "LogSigmoid", "Softplus", "Softshrink", "MultiheadAttention", "PReLU",
        "Softsign", "Tanhshrink", "Softmin", "Softmax", "Softmax2d", "LogSoftmax")),
    "adaptive": (("adaptive", "loss"), ("AdaptiveLogSoftmaxWithLoss",)),
    "batchnorm": (("normalization", "lazy"), (
        "BatchNorm1d", "LazyBatchNorm1d", "BatchNorm2d", "LazyBatchNorm2d", "BatchNorm3d",
        "LazyBatchNorm3d", "SyncBatchNorm")),
    "channelshuffle": (("pixelshuffle", "activation"), ("ChannelShuffle",)),
    "container": (("containers", "module"), (
        "Container", "Sequential", "ModuleList", "ModuleDict", "ParameterList",
        "ParameterDict")),
    "conv": (("conv", "lazy"), (
        "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
        "ConvTranspose3d", "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
        "LazyConvTranspose2d", "LazyConvTranspose3d")),
    "distance": (("distance",), ("PairwiseDistance", "CosineSimilarity")),
    "dropout": (("dropout",), (
        "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
        "FeatureAlphaDropout")),
    "flatten": (("flatten",), ("Flatten", "Unflatten")),
    "fold": (("fold",), ("Fold", "Unfold")),
    "instancenorm": (("normalization", "lazy"), (
        "InstanceNorm1d", "LazyInstanceNorm1d", "InstanceNorm2d", "LazyInstanceNorm2d",
        "InstanceNorm3d", "LazyInstanceNorm3d")),
    "lazy": (("lazy",), ("LazyModuleMixin",)),
    "linear": (("linear", "lazy", "attention"), (
        "Identity", "Linear", "NonDynamicallyQuantizableLinear", "Bilinear", "LazyLinear")),
    "loss": (("loss",), (
        "L1Loss", "NLLLoss", "NLLLoss2d", "PoissonNLLLoss", "GaussianNLLLoss", "KLDivLoss",
        "MSELoss", "BCELoss", "BCEWithLogitsLoss", "HingeEmbeddingLoss",
        "MultiLabelMarginLoss", "SmoothL1Loss", "HuberLoss", "SoftMarginLoss",
        "CrossEntropyLoss", "MultiLabelSoftMarginLoss", "CosineEmbeddingLoss",
        "MarginRankingLoss", "MultiMarginLoss", "TripletMarginLoss",
        "TripletMarginWithDistanceLoss", "CTCLoss")),
    "module": (("module",), ("Module",)),
    "normalization": (("normalization",), (
        "LocalResponseNorm", "CrossMapLRN2d", "LayerNorm", "GroupNorm", "RMSNorm")),
    "padding": (("padding",), (
        "CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d",
        "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
        "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "ZeroPad1d",
        "ZeroPad2d", "ZeroPad3d")),
    "pixelshuffle": (("pixelshuffle",), ("PixelShuffle", "PixelUnshuffle")),
    "pooling": (("pooling",), (
        "MaxPool1d", "MaxPool2d", "MaxPool3d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d",
        "AvgPool1d", "AvgPool2d", "AvgPool3d", "FractionalMaxPool2d", "FractionalMaxPool3d",
        "LPPool1d", "LPPool2d", "LPPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d",
        "AdaptiveMaxPool3d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d")),
    "rnn": (("rnn",), (
        "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell")),
    "sparse": (("embedding",), ("Embedding", "EmbeddingBag")),
    "transformer": (("transformer",), (
        "Transformer", "TransformerEncoder", "TransformerDecoder", "TransformerEncoderLayer",
        "TransformerDecoderLayer")),
    "upsampling": (("upsampling",), (
        "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d")),
}


def _sources(names):
    out = []
    for n in names:
        try:
            out.append(importlib.import_module("minitorch.nn." + n))
        except ImportError:
            continue
    return out


def resolve(file: str, name: str, extra=None):
    """The object `name` of PyTorch's nn/modules/<file>.py, found in minitorch: in the
    minitorch files that hold that family, then (public names) anywhere in minitorch.nn."""
    if extra is not None and name in extra:
        return extra[name]
    sources, _ = FILES.get(file, ((), ()))
    for mod in _sources(sources):
        if name in vars(mod):
            return vars(mod)[name]
    if not name.startswith("_"):
        nn = importlib.import_module("minitorch.nn")
        if hasattr(nn, name):
            return getattr(nn, name)
    raise AttributeError(f"module 'minitorch.nn.modules.{file}' has no attribute '{name}'"
                         + ("" if name.startswith("_") else
                            f" (minitorch has no nn.{name} yet)"))


def public_names(file: str, extra=None):
    """PyTorch's public names of <file> that minitorch has (for ``import *``)."""
    _, names = FILES.get(file, ((), ()))
    out = []
    for n in names:
        try:
            resolve(file, n, extra)
        except AttributeError:
            continue
        out.append(n)
    if extra:
        out += [n for n in extra if not n.startswith("_") and n not in out]
    return out


def install(namespace: dict, file: str, extra=None):
    """Give a modules/<file>.py its module-level __getattr__ and __dir__."""
    def __getattr__(name):
        if name == "__all__":
            return public_names(file, extra)
        if name.startswith("__"):
            raise AttributeError(name)
        value = resolve(file, name, extra)
        namespace[name] = value          # cached: the next lookup is a plain attribute
        return value

    def __dir__():
        return sorted(set(namespace) | set(public_names(file, extra)))

    namespace["__getattr__"] = __getattr__
    namespace["__dir__"] = __dir__
