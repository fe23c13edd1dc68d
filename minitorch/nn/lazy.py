"""Lazy modules: layers whose input size is inferred from the first input.

``nn.LazyLinear(out_features)`` is a Linear whose in_features is not known yet: its
weight and bias are ``UninitializedParameter``s (a dtype and a device, no shape). The
first call (or a ``load_state_dict``, which takes the shapes from the checkpoint) gives
them their shapes; the first call then initializes them as the non-lazy layer would and
turns the module into that layer in place: afterwards ``type(m) is nn.Linear``.

As in PyTorch:
- ``parameters()`` yields the UninitializedParameter objects before the first call; an
  optimizer built on them keeps working, since materializing changes those very objects
  (PyTorch's documentation still advises to build the optimizer after a dry run).
- The mechanism is LazyModuleMixin: a forward pre-hook runs
  ``initialize_parameters(*args, **kwargs)`` and a load_state_dict pre-hook
  materializes the parameters and buffers named in the checkpoint.
- Before initialization, using the shape of a parameter raises PyTorch's RuntimeError
  ("Can't access the shape of an uninitialized parameter or buffer...").
"""
from __future__ import annotations

import itertools

from ..autograd.grad_mode import no_grad
from ..creation import tensor
from ..dtypes import int64
from . import conv as _conv
from .linear import Linear
from .normalization import (_InstanceNorm, _NormBase, BatchNorm1d, BatchNorm2d,
                            BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d)
from .parameter import (UninitializedParameter, UninitializedBuffer, Buffer, is_lazy,  # noqa: F401
                        UninitializedTensorMixin)

__all__ = ["LazyModuleMixin", "LazyLinear", "LazyConv1d", "LazyConv2d",
           "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyBatchNorm1d",
           "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
           "LazyInstanceNorm3d", "UninitializedParameter", "UninitializedBuffer", "Buffer"]


class LazyModuleMixin:
    """Mix into a layer (before the layer class) to infer its parameters' shapes from the
    first input. Subclasses set ``cls_to_become`` and write
    ``initialize_parameters(input)``, which materializes the uninitialized parameters and
    initializes them."""

    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._load_hook = self._register_load_state_dict_pre_hook(self._lazy_load_hook)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters,
                                                               with_kwargs=True)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        """Uninitialized parameters and buffers go into the state_dict as they are (so a
        lazy module's state_dict loads into another lazy module)."""
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if (is_lazy(param) or keep_vars) \
                    else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers:
                destination[prefix + name] = buf if (is_lazy(buf) or keep_vars) \
                    else buf.detach()

    def _lazy_load_hook(self, state_dict, prefix, local_metadata, strict, missing_keys,
                        unexpected_keys, error_msgs):
        """load_state_dict pre-hook: an uninitialized parameter or buffer whose key the
        checkpoint holds (initialized) takes that entry's shape, so the load can copy."""
        for name, param in itertools.chain(self._parameters.items(), self._buffers.items()):
            key = prefix + name
            if key in state_dict and param is not None and is_lazy(param):
                value = state_dict[key]
                if not is_lazy(value):
                    with no_grad():
                        param.materialize(tuple(value.shape))

    def initialize_parameters(self, *args, **kwargs):
        raise NotImplementedError("initialize_parameters is not implemented for "
                                  f"{type(self).__name__}")

    def has_uninitialized_params(self) -> bool:
        """Whether any parameter or buffer is still uninitialized."""
        return any(is_lazy(t) for t in itertools.chain(self._parameters.values(),
                                                      self._buffers.values()))

    def _infer_parameters(self, module, args, kwargs=None):
        """The forward pre-hook: initialize from the input, drop the hooks and become
        cls_to_become."""
        module.initialize_parameters(*args, **(kwargs or {}))
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        module._load_hook.remove()
        delattr(module, "_initialize_hook")
        delattr(module, "_load_hook")
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def _replicate_for_data_parallel(self):
        raise RuntimeError("Modules with uninitialized parameters can't be used with "
                           "`DataParallel`. Run a dummy forward pass to correctly initialize "
                           "the modules")


def _input_tensor(cls, args):
    if not args:
        raise TypeError(f"{cls}.forward() missing 1 required positional argument: 'input'")
    return args[0]


# ------------------------------------------------------------------------------ Linear
class LazyLinear(LazyModuleMixin, Linear):
    """A Linear whose in_features is inferred from the input's last dim on the first
    call; then it becomes an nn.Linear initialized as usual."""

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        kw = {"device": device, "dtype": dtype}
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(**kw)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(**kw)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs) -> None:
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()
        if self.in_features == 0:          # the shapes came from load_state_dict
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(f"The in_features inferred from input: "
                                     f"{input.shape[-1]} is not equal to in_features from "
                                     f"self.weight: {self.weight.shape[-1]}")
            self.in_features = input.shape[-1]


# ------------------------------------------------------------------------------ convolutions
class _LazyConvXdMixin(LazyModuleMixin):
    """in_channels inferred from the input's channel dim (dim 1, or dim 0 unbatched)."""

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def _get_num_spatial_dims(self) -> int:
        return self._nsp

    def _get_in_channels(self, input) -> int:
        no_batch = self._get_num_spatial_dims() + 1
        if input.dim() not in (no_batch, no_batch + 1):
            raise RuntimeError(f"Expected {no_batch}D (unbatched) or {no_batch + 1}D (batched) "
                               f"input to {type(self).__name__}, but got input of size: "
                               f"{input.shape}")
        return input.shape[1] if input.dim() == no_batch + 1 else input.shape[0]

    def initialize_parameters(self, input, *args, **kwargs) -> None:
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            if self.transposed:
                shape = (self.in_channels, self.out_channels // self.groups) + \
                    tuple(self.kernel_size)
            else:
                shape = (self.out_channels, self.in_channels // self.groups) + \
                    tuple(self.kernel_size)
            with no_grad():
                self.weight.materialize(shape)
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))
                self.reset_parameters()
        elif self.in_channels == 0:        # the shapes came from load_state_dict
            self.in_channels = self.weight.shape[0] if self.transposed \
                else self.weight.shape[1] * self.groups


def _lazy_conv_setup(self, bias, device, dtype):
    """After the non-lazy __init__ ran with placeholder channels: in_channels 0 and an
    uninitialized weight (and bias)."""
    kw = {"device": device, "dtype": dtype}
    self.in_channels = 0
    self.weight = UninitializedParameter(**kw)
    if bias:
        self.bias = UninitializedParameter(**kw)
    del self._lazy_placeholder


class _LazyConv(_LazyConvXdMixin):
    """Builds the layer with placeholder in_channels = groups (which every check accepts;
    no initialization is drawn for it), then makes the weight uninitialized."""

    def reset_parameters(self) -> None:
        if self.__dict__.get("_lazy_placeholder"):
            return
        super().reset_parameters()


def _conv_class(base, nd):
    """LazyConv{nd}d for the non-lazy class `base` (Conv1d, Conv2d, Conv3d)."""

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        self._lazy_placeholder = True
        super(cls, self).__init__(groups, out_channels, kernel_size, stride, padding,
                                  dilation, groups, False, padding_mode, device=device,
                                  dtype=dtype)
        _lazy_conv_setup(self, bias, device, dtype)

    name = f"LazyConv{nd}d"
    cls = type(name, (_LazyConv, base), {
        "__init__": __init__, "cls_to_become": base, "__module__": __name__,
        "__qualname__": name,
        "__doc__": f"A Conv{nd}d whose in_channels is inferred from the input's channel dim "
                   f"on the first call; then it becomes an nn.Conv{nd}d."})
    return cls


def _conv_transpose_class(base, nd):
    """LazyConvTranspose{nd}d for the non-lazy class `base`."""

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 groups=1, bias=True, dilation=1, padding_mode="zeros", device=None,
                 dtype=None):
        self._lazy_placeholder = True
        super(cls, self).__init__(groups, out_channels, kernel_size, stride, padding,
                                  output_padding, groups, False, dilation, padding_mode,
                                  device=device, dtype=dtype)
        _lazy_conv_setup(self, bias, device, dtype)

    name = f"LazyConvTranspose{nd}d"
    cls = type(name, (_LazyConv, base), {
        "__init__": __init__, "cls_to_become": base, "__module__": __name__,
        "__qualname__": name,
        "__doc__": f"A ConvTranspose{nd}d whose in_channels is inferred from the input's "
                   f"channel dim on the first call; then it becomes an "
                   f"nn.ConvTranspose{nd}d."})
    return cls


LazyConv1d = _conv_class(_conv.Conv1d, 1)
LazyConv2d = _conv_class(_conv.Conv2d, 2)
LazyConvTranspose1d = _conv_transpose_class(_conv.ConvTranspose1d, 1)
LazyConvTranspose2d = _conv_transpose_class(_conv.ConvTranspose2d, 2)
if hasattr(_conv, "Conv3d"):               # Conv3d lives in nn/conv.py when built
    LazyConv3d = _conv_class(_conv.Conv3d, 3)
    __all__.append("LazyConv3d")
if hasattr(_conv, "ConvTranspose3d"):
    LazyConvTranspose3d = _conv_transpose_class(_conv.ConvTranspose3d, 3)
    __all__.append("LazyConvTranspose3d")


# ------------------------------------------------------------------------------ norms
class _LazyNormBase(LazyModuleMixin, _NormBase):
    """num_features inferred from the input's channel dim; weight/bias and the running
    statistics start uninitialized (num_batches_tracked is a real 0). Defaults as
    PyTorch's, for the instance norms too: affine=True, track_running_stats=True."""

    weight: UninitializedParameter
    bias: UninitializedParameter

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True):
        kw = {"device": device, "dtype": dtype}
        super().__init__(0, eps, momentum, False, False, **kw)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = UninitializedParameter(**kw)
            if bias:
                self.bias = UninitializedParameter(**kw)
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(**kw)
            self.running_var = UninitializedBuffer(**kw)
            self.num_batches_tracked = tensor(0, dtype=int64, device=device)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def _feature_dim(self, input) -> int:
        return 1

    def initialize_parameters(self, input, *args, **kwargs) -> None:
        if self.has_uninitialized_params():
            self.num_features = input.shape[self._feature_dim(input)]
            with no_grad():
                if self.affine:
                    self.weight.materialize((self.num_features,))
                    if self.bias is not None:
                        self.bias.materialize((self.num_features,))
                if self.track_running_stats:
                    self.running_mean.materialize((self.num_features,))
                    self.running_var.materialize((self.num_features,))
                self.reset_parameters()
        elif self.num_features == 0:        # the shapes came from load_state_dict
            for t in (self.weight, self.running_mean):
                if t is not None:
                    self.num_features = t.shape[0]
                    break


class LazyBatchNorm1d(_LazyNormBase, BatchNorm1d):
    """A BatchNorm1d whose num_features is inferred from the input (dim 1)."""

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNormBase, BatchNorm2d):
    """A BatchNorm2d whose num_features is inferred from the input (dim 1)."""

    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNormBase, BatchNorm3d):
    """A BatchNorm3d whose num_features is inferred from the input (dim 1)."""

    cls_to_become = BatchNorm3d


class _LazyInstanceNorm(_LazyNormBase, _InstanceNorm):
    def _feature_dim(self, input) -> int:
        # the channel dim: 1 for a batch, 0 for an unbatched input
        return 1 if input.dim() > self._get_no_batch_dim() else 0


class LazyInstanceNorm1d(_LazyInstanceNorm, InstanceNorm1d):
    """An InstanceNorm1d whose num_features is inferred from the input's channel dim."""

    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyInstanceNorm, InstanceNorm2d):
    """An InstanceNorm2d whose num_features is inferred from the input's channel dim."""

    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyInstanceNorm, InstanceNorm3d):
    """An InstanceNorm3d whose num_features is inferred from the input's channel dim."""

    cls_to_become = InstanceNorm3d
