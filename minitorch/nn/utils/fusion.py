"""nn.utils.fusion: fold an eval-mode BatchNorm into the convolution or Linear before it
(inference speed-up), PyTorch's formulas:

    scale = bn_w / sqrt(bn_rv + eps)
    W' = W * scale (per output channel),   b' = (b - bn_rm) * scale + bn_b
"""
from __future__ import annotations

import copy

from ...autograd.grad_mode import no_grad
from ... import creation
from ..parameter import Parameter

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval",
           "fuse_linear_bn_weights"]


def _defaults(bn_rm, bn_w, bn_b, bias):
    like = bn_rm
    if bias is None:
        bias = creation.zeros(like.shape, dtype=like.dtype, device=like.device)
    if bn_w is None:
        bn_w = creation.ones(like.shape, dtype=like.dtype, device=like.device)
    if bn_b is None:
        bn_b = creation.zeros(like.shape, dtype=like.dtype, device=like.device)
    return bn_w, bn_b, bias


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    """(fused weight, fused bias) as Parameters (see the module docstring); `transpose`
    for ConvTranspose weights (output channels on dim 1)."""
    bn_w, bn_b, conv_b = _defaults(bn_rm, bn_w, bn_b, conv_b)
    with no_grad():
        scale = bn_w * (bn_rv + bn_eps).rsqrt()
        shape = [1] * conv_w.ndim
        shape[1 if transpose else 0] = -1
        fused_w = (conv_w * scale.reshape(shape)).to(conv_w.dtype)
        fused_b = ((conv_b - bn_rm) * scale + bn_b).to(conv_b.dtype)
    return Parameter(fused_w, conv_w.requires_grad), Parameter(fused_b, conv_b.requires_grad)


def fuse_conv_bn_eval(conv, bn, transpose=False):
    """A copy of `conv` (eval mode, like `bn`) computing conv followed by bn."""
    if conv.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    fused = copy.deepcopy(conv)
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError("BatchNorm must track running statistics to be fused")
    fused.weight, fused.bias = fuse_conv_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight,
        bn.bias, transpose)
    return fused


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """(fused weight, fused bias) for a Linear followed by a BatchNorm1d."""
    bn_w, bn_b, linear_b = _defaults(bn_rm, bn_w, bn_b, linear_b)
    with no_grad():
        scale = bn_w * (bn_rv + bn_eps).rsqrt()
        fused_w = linear_w * scale.unsqueeze(-1)
        fused_b = (linear_b - bn_rm) * scale + bn_b
    return Parameter(fused_w, linear_w.requires_grad), Parameter(fused_b,
                                                                  linear_b.requires_grad)


def fuse_linear_bn_eval(linear, bn):
    """A copy of `linear` (eval mode, like `bn`) computing linear followed by bn."""
    if linear.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    if linear.out_features != bn.num_features and bn.num_features != 1:
        raise AssertionError("To fuse, linear.out_features must equal bn.num_features or "
                             "bn.num_features must equal 1")
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError("BatchNorm must track running statistics to be fused")
    fused = copy.deepcopy(linear)
    fused.weight, fused.bias = fuse_linear_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)
    return fused
