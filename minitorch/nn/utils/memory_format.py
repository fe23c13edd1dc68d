"""nn.utils.convert_conv2d_weight_memory_format / convert_conv3d_weight_memory_format, as
PyTorch's: give the weights of every (transposed) convolution in a module the requested
memory format. minitorch keeps every tensor in one layout (NCHW), so the weights keep
their values and shapes; the functions exist so that PyTorch code calling them runs."""
from __future__ import annotations

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def _convert(module, memory_format, classes):
    if isinstance(module, classes):
        data = module.weight.detach().clone(memory_format=memory_format)
        module.weight.data = data.resize_(data.size(), memory_format=memory_format)
    for child in module.children():
        _convert(child, memory_format, classes)
    return module


def convert_conv2d_weight_memory_format(module, memory_format):
    """`module` (returned) with the weight of each Conv2d / ConvTranspose2d inside it
    converted to `memory_format` (torch.channels_last or torch.contiguous_format)."""
    from .. import Conv2d, ConvTranspose2d
    return _convert(module, memory_format, (Conv2d, ConvTranspose2d))


def convert_conv3d_weight_memory_format(module, memory_format):
    """`module` (returned) with the weight of each Conv3d / ConvTranspose3d inside it
    converted to `memory_format` (torch.channels_last_3d or torch.contiguous_format)."""
    from .. import Conv3d, ConvTranspose3d
    return _convert(module, memory_format, (Conv3d, ConvTranspose3d))
