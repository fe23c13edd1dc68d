"""parameters_to_vector and vector_to_parameters, as in torch.nn.utils.

    vec = parameters_to_vector(model.parameters())   # all parameters, flattened, in order
    vector_to_parameters(vec, model.parameters())    # and back: each parameter's data
                                                     # becomes a view of its slice of vec
"""
from __future__ import annotations

from ...functional.shape import cat as _cat
from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_param_device(param, old_device, fn):
    if not isinstance(param, Tensor):
        raise TypeError(f"{fn}(): expected an iterable of Tensors, got an element of type "
                        f"{type(param).__name__}")
    dev = param.device
    if old_device is not None and dev != old_device:
        raise TypeError("Found two parameters on different devices, this is currently not "
                        f"supported ({fn}: {old_device} and {dev}).")
    return dev


def parameters_to_vector(parameters):
    """One 1-d tensor holding every parameter flattened, in iteration order. It is built
    with view and cat, so gradients flow back to the parameters."""
    device = None
    vec = []
    for param in parameters:
        device = _check_param_device(param, device, "parameters_to_vector")
        vec.append(param.reshape(-1))
    if not vec:
        raise RuntimeError("parameters_to_vector(): expected a non-empty iterable of "
                           "parameters, got none")
    return _cat(vec)


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-d `vec` into `parameters` (in iteration order):
    each parameter's data becomes a view of its slice, reshaped to the parameter's shape.
    The length of vec must equal the total number of parameter elements."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected minitorch.Tensor, but got: {type(vec).__name__}")
    if vec.ndim != 1:
        raise ValueError(f"vector_to_parameters(): 'vec' must be 1-dimensional, got shape "
                         f"{tuple(vec.shape)}")
    params = list(parameters)
    device = None
    for param in params:
        device = _check_param_device(param, device, "vector_to_parameters")
    total = sum(p.numel() for p in params)
    if vec.numel() != total:
        raise ValueError(f"vector_to_parameters(): 'vec' has {vec.numel()} elements but the "
                         f"parameters have {total} in total")
    pointer = 0
    for param in params:
        num_param = param.numel()
        param.data = vec[pointer:pointer + num_param].view(tuple(param.shape)).data
        pointer += num_param
