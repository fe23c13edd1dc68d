"""The normalization layers: BatchNorm1d/2d/3d, SyncBatchNorm, InstanceNorm1d/2d/3d,
LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm, CrossMapLRN2d (and the bases programs
subclass: `_NormBase`, `_BatchNorm`, `_InstanceNorm`).

The arithmetic is in minitorch.functional.normalization; these modules own the learnable
affine parameters (`weight` = 1, `bias` = 0 at start) and, for batch and instance norm,
the running statistics buffers, with PyTorch's names, defaults and state_dict keys:

    BatchNorm1d(4).state_dict() -> weight, bias, running_mean, running_var,
                                   num_batches_tracked
"""
from __future__ import annotations

import numbers
import warnings

from ..autograd.grad_mode import no_grad
from ..creation import empty, ones, tensor, zeros
from ..dtypes import int64
from ..functional.normalization import (batch_norm, layer_norm, group_norm, instance_norm,
                                        rms_norm, local_response_norm)
from ..tensor import Tensor
from .module import Module
from .parameter import Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm", "LayerNorm",
           "GroupNorm", "RMSNorm", "LocalResponseNorm", "CrossMapLRN2d", "InstanceNorm1d",
           "InstanceNorm2d", "InstanceNorm3d"]


class _NormBase(Module):
    """Parameters and running-statistics buffers shared by the batch and instance norms."""

    _version = 2       # version 2 added num_batches_tracked (see _load_from_state_dict)

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        if not isinstance(num_features, numbers.Integral) or num_features < 0:
            raise ValueError(f"{type(self).__name__}(): num_features must be a non-negative "
                             f"int, got {num_features!r}")
        self.num_features = int(num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        kw = {"device": device, "dtype": dtype}
        if affine:
            self.weight = Parameter(empty(self.num_features, **kw))
            if bias:
                self.bias = Parameter(empty(self.num_features, **kw))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(self.num_features, **kw))
            self.register_buffer("running_var", ones(self.num_features, **kw))
            self.register_buffer("num_batches_tracked",
                                 tensor(0, dtype=int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            with no_grad():
                self.weight.fill_(1.0)
                if self.bias is not None:
                    self.bias.zero_()

    def _check_input_dim(self, input):
        raise NotImplementedError

    def extra_repr(self) -> str:
        return ("{num_features}, eps={eps}, momentum={momentum}, affine={affine}, "
                "bias={use_bias}, track_running_stats={track_running_stats}"
                .format(**self.__dict__, use_bias=self.bias is not None))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        """A checkpoint without version metadata (or older than version 2) may lack
        num_batches_tracked: PyTorch then keeps the module's own count (0), and so does
        minitorch, so such state_dicts load strictly."""
        version = local_metadata.get("version", None)
        if (version is None or version < 2) and self.track_running_stats:
            key = prefix + "num_batches_tracked"
            if key not in state_dict:
                state_dict[key] = (self.num_batches_tracked
                                   if self.num_batches_tracked is not None
                                   else tensor(0, dtype=int64))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict,
                                      missing_keys, unexpected_keys, error_msgs)


class _BatchNorm(_NormBase):
    """forward() as PyTorch's _BatchNorm: in training, count the batch and update the
    running statistics (exponential average with `momentum`, or the cumulative average
    1/num_batches_tracked when momentum is None) and normalize with the batch statistics;
    in eval, normalize with the running statistics when they are tracked, else with the
    batch's. A subclass only says which input dims it accepts (_check_input_dim)."""

    def forward(self, input):
        if not isinstance(input, Tensor):
            raise TypeError(f"{type(self).__name__}.forward(): expected a Tensor input, got "
                            f"{type(input).__name__}")
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            with no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:                 # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
        if self.training:
            bn_training = True
        else:
            bn_training = self.running_mean is None and self.running_var is None
        use_buffers = not self.training or self.track_running_stats
        return batch_norm(input,
                          self.running_mean if use_buffers else None,
                          self.running_var if use_buffers else None,
                          self.weight, self.bias, bn_training, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) inputs over N (and L), per feature C:
    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias."""

    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) inputs over N, H and W, per channel C:
    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias."""

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


class BatchNorm3d(_BatchNorm):
    """Batch normalization of (N, C, D, H, W) inputs over N, D, H and W, per channel C:
    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias."""

    def _check_input_dim(self, input):
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.dim()}D input)")


class SyncBatchNorm(_BatchNorm):
    """Batch normalization over N and every spatial dim of an (N, C, *) input. PyTorch
    synchronizes the batch statistics across processes; minitorch trains in one process,
    where SyncBatchNorm is exactly BatchNorm (which is also what PyTorch computes when no
    process group is initialized). `process_group` is kept and unused.
    ``SyncBatchNorm.convert_sync_batchnorm(model)`` swaps every BatchNorm*d in a model for
    a SyncBatchNorm with the same parameters and buffers."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, process_group=None, device=None, dtype=None, *,
                 bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, input):
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    def _check_non_zero_input_channels(self, input):
        if input.size(1) == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")

    def forward(self, input):
        if isinstance(input, Tensor):
            self._check_input_dim(input)
            self._check_non_zero_input_channels(input)
        return super().forward(input)

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """`module` with every _BatchNorm inside (or itself) replaced by a SyncBatchNorm
        holding the same Parameter objects and buffers, training flag and settings."""
        output = module
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            output = SyncBatchNorm(module.num_features, module.eps, module.momentum,
                                   module.affine, module.track_running_stats, process_group)
            if module.affine:
                with no_grad():
                    output.weight = module.weight
                    output.bias = module.bias
            output.running_mean = module.running_mean
            output.running_var = module.running_var
            output.num_batches_tracked = module.num_batches_tracked
            output.training = module.training
            if hasattr(module, "qconfig"):
                output.qconfig = module.qconfig
        for name, child in module.named_children():
            output.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        del module
        return output


class _InstanceNorm(_NormBase):
    """Instance normalization: each (sample, channel) standardized over its spatial dims
    (F.instance_norm). Defaults as PyTorch: affine=False, track_running_stats=False;
    with running statistics tracked, eval mode normalizes with them. An unbatched input
    (C, *) is normalized as a batch of one."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)

    def _check_input_dim(self, input):
        raise NotImplementedError

    def _get_no_batch_dim(self):
        raise NotImplementedError

    def _handle_no_batch_input(self, input):
        return self._apply_instance_norm(input.unsqueeze(0)).squeeze(0)

    def _apply_instance_norm(self, input):
        use_input_stats = self.training or not self.track_running_stats
        return instance_norm(input, self.running_mean, self.running_var, self.weight,
                             self.bias, use_input_stats,
                             self.momentum if self.momentum is not None else 0.0, self.eps)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        """Checkpoints from before PyTorch 0.4 hold running statistics even when the module
        does not track them: those keys are an error, with PyTorch's explanation."""
        version = local_metadata.get("version", None)
        if version is None and not self.track_running_stats:
            running = [prefix + name for name in ("running_mean", "running_var")
                       if prefix + name in state_dict]
            if running:
                error_msgs.append(
                    "Unexpected running stats buffer(s) {names} for {klass} with "
                    "track_running_stats=False. If state_dict is a checkpoint saved before "
                    "0.4.0, this may be expected because {klass} does not track running stats "
                    "by default since 0.4.0. Please remove these keys from state_dict. If the "
                    "running stats are actually needed, instead set track_running_stats=True "
                    "in {klass} to enable them. See the documentation of {klass} for details."
                    .format(names=" and ".join(f'"{k}"' for k in running),
                            klass=type(self).__name__))
                for key in running:
                    state_dict.pop(key)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict,
                                      missing_keys, unexpected_keys, error_msgs)

    def forward(self, input):
        if not isinstance(input, Tensor):
            raise TypeError(f"{type(self).__name__}.forward(): expected a Tensor input, got "
                            f"{type(input).__name__}")
        self._check_input_dim(input)
        feature_dim = input.dim() - self._get_no_batch_dim()
        if input.size(feature_dim) != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match "
                                 f"num_features ({self.num_features}), but got: "
                                 f"{input.size(feature_dim)}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. "
                          "You can silence this warning by not passing in num_features, which "
                          "is not used because affine=False", stacklevel=2)
        if input.dim() == self._get_no_batch_dim():
            return self._handle_no_batch_input(input)
        return self._apply_instance_norm(input)


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of (N, C, L) (or unbatched (C, L)) inputs over L."""

    def _get_no_batch_dim(self):
        return 2

    def _check_input_dim(self, input):
        if input.dim() not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of (N, C, H, W) (or unbatched (C, H, W)) inputs over H, W."""

    def _get_no_batch_dim(self):
        return 3

    def _check_input_dim(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"expected 3D or 4D input (got {input.dim()}D input)")


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of (N, C, D, H, W) (or unbatched (C, D, H, W)) inputs over
    D, H, W."""

    def _get_no_batch_dim(self):
        return 4

    def _check_input_dim(self, input):
        if input.dim() not in (4, 5):
            raise ValueError(f"expected 4D or 5D input (got {input.dim()}D input)")


class GroupNorm(Module):
    """Group normalization (F.group_norm): the num_channels channels of an (N, C, *) input
    fall into num_groups groups, each (sample, group) standardized on its own, then scaled
    and shifted per channel by weight (ones) and bias (zeros) when affine."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        kw = {"device": device, "dtype": dtype}
        if affine:
            self.weight = Parameter(empty(num_channels, **kw))
            if bias:
                self.bias = Parameter(empty(num_channels, **kw))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.affine:
            with no_grad():
                self.weight.fill_(1.0)
                if self.bias is not None:
                    self.bias.zero_()

    def forward(self, input):
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return ("{num_groups}, {num_channels}, eps={eps}, affine={affine}, bias={use_bias}"
                .format(**self.__dict__, use_bias=self.bias is not None))


class RMSNorm(Module):
    """Root-mean-square normalization over the last len(normalized_shape) dims
    (F.rms_norm): y = x / sqrt(mean(x^2) + eps) * weight, weight (ones) of shape
    normalized_shape when elementwise_affine; eps=None means the dtype's epsilon."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None,
                 dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(s) for s in normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(empty(self.normalized_shape, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            with no_grad():
                self.weight.fill_(1.0)

    def forward(self, x):
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return "{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}" \
            .format(**self.__dict__)


class LocalResponseNorm(Module):
    """Local response normalization across channels (F.local_response_norm):
    y[c] = x[c] / (k + alpha / size * sum of x^2 over the `size` channels around c)^beta."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        return local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return "{size}, alpha={alpha}, beta={beta}, k={k}".format(**self.__dict__)


class CrossMapLRN2d(LocalResponseNorm):
    """PyTorch's legacy (Lua Torch) cross-map LRN for 4-D (N, C, H, W) inputs:
    y[c] = x[c] * (k + alpha / size * S[c]) ^ -beta, where S[c] sums x^2 over a channel
    window built by Lua Torch's running-sum loop: channels c - pre_pad + 1 .. c + pre_pad
    - 1 (pre_pad = (size - 1) // 2 + 1), clipped to [0, C), and channel 0 always (the
    loop never subtracts it). The window is a 0/1 matrix M (C, C), so S = x^2 @ M^T over
    the channel dim, a differentiable product."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__(size, alpha, beta, k)

    def _window(self, channels):
        import numpy as _np
        pre_pad = int((self.size - 1) / 2 + 1)
        m = _np.zeros((channels, channels))  # host: a small constant matrix
        m[0, :min(pre_pad, channels)] = 1
        for c in range(1, channels):
            m[c] = m[c - 1]
            if c < channels - pre_pad + 1:
                m[c, c + pre_pad - 1] += 1
            if c > pre_pad:
                m[c, c - pre_pad] -= 1
        return m

    def forward(self, input):
        if not isinstance(input, Tensor) or input.dim() != 4:
            got = input.dim() if isinstance(input, Tensor) else type(input).__name__
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {got}D instead.")
        m = tensor(self._window(input.size(1)), dtype=input.dtype, device=input.device)
        sq = (input * input).transpose(1, 3)                  # (N, W, H, C)
        window = (sq @ m.transpose(0, 1)).transpose(1, 3)     # back to (N, C, H, W)
        return input * (window * (self.alpha / self.size) + self.k) ** (-self.beta)


class LayerNorm(Module):
    """Layer normalization over the last len(normalized_shape) dims of the input:
    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, with weight (ones) and bias
    (zeros) of shape normalized_shape when elementwise_affine."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(s) for s in normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        kw = {"device": device, "dtype": dtype}
        if elementwise_affine:
            self.weight = Parameter(empty(self.normalized_shape, **kw))
            if bias:
                self.bias = Parameter(empty(self.normalized_shape, **kw))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            with no_grad():
                self.weight.fill_(1.0)
                if self.bias is not None:
                    self.bias.zero_()

    def forward(self, input):
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return ("{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}, "
                "bias={use_bias}".format(**self.__dict__, use_bias=self.bias is not None))
