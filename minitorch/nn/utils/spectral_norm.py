"""nn.utils.spectral_norm (PyTorch's hook-based API).

Spectral normalization (Miyato et al. 2018) divides a weight by its largest singular
value sigma, estimated by power iteration: with the weight as a matrix W (dim moved to the
front) and the running vectors u, v (buffers weight_u, weight_v),

    training: v <- normalize(W^T u), u <- normalize(W v)   (n_power_iterations times)
    sigma = u . (W v),   weight = weight_orig / sigma

The iteration runs without a graph; the gradient flows through sigma's dependence on W
with u and v held fixed (as in PyTorch). The parameter becomes weight_orig."""
from __future__ import annotations

from ... import random as _random
from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from ..parameter import UninitializedParameter
from ._norm_helpers import normalize_into, reshape_to_matrix

__all__ = ["SpectralNorm", "spectral_norm", "remove_spectral_norm"]


class SpectralNorm:
    """The forward pre-hook setting module.<name> = <name>_orig / sigma."""

    _version = 1

    def __init__(self, name="weight", n_power_iterations=1, dim=0, eps=1e-12):
        self.name = name
        self.dim = dim
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def reshape_weight_to_matrix(self, weight):
        return reshape_to_matrix(weight, self.dim)

    def compute_weight(self, module, do_power_iteration: bool):
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        weight_mat = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    normalize_into(v, weight_mat.t() @ u, self.eps)
                    normalize_into(u, weight_mat @ v, self.eps)
            u, v = u.clone(), v.clone()     # later in-place updates must not touch this graph
        sigma = (u * (weight_mat @ v)).sum()
        return weight / sigma

    def remove(self, module) -> None:
        from ..parameter import Parameter
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        delattr(module, self.name)
        delattr(module, self.name + "_u")
        delattr(module, self.name + "_v")
        delattr(module, self.name + "_orig")
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs) -> None:
        setattr(module, self.name, self.compute_weight(module, module.training))

    @staticmethod
    def apply(module, name, n_power_iterations, dim, eps) -> "SpectralNorm":
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same "
                                   f"parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        if isinstance(weight, UninitializedParameter):
            raise ValueError("The module passed to `SpectralNorm` can't have uninitialized "
                             "parameters. Make sure to run the dummy forward before applying "
                             "spectral normalization")
        with no_grad():
            weight_mat = fn.reshape_weight_to_matrix(weight)
            h, w = weight_mat.shape
            u, v = _random_unit(h, weight, fn.eps), _random_unit(w, weight, fn.eps)
        delattr(module, fn.name)
        module.register_parameter(fn.name + "_orig", weight)
        # `weight` stays readable as a plain attribute (initializers may touch it)
        setattr(module, fn.name, weight.detach())
        module.register_buffer(fn.name + "_u", u)
        module.register_buffer(fn.name + "_v", v)
        module.register_forward_pre_hook(fn)
        module._register_state_dict_hook(_StateDictHook(fn))
        module._register_load_state_dict_pre_hook(_LoadStateDictPreHook(fn))
        return fn


def _random_unit(n, like: Tensor, eps):
    """A random N(0, 1) vector of length n, normalized, with like's dtype and device."""
    from ... import creation
    draw = _random.rng(None).normal(0.0, 1.0, n)
    t = creation.tensor(draw, dtype=like.dtype, device=like.device)
    normalize_into(t, t, eps)
    return t


class _StateDictHook:
    """Records the spectral_norm version in the state_dict's metadata, as PyTorch."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, module, state_dict, prefix, local_metadata):
        meta = local_metadata.setdefault("spectral_norm", {})
        key = self.fn.name + ".version"
        if key in meta:
            raise RuntimeError(f"Unexpected key in metadata['spectral_norm']: {key}")
        meta[key] = self.fn._version


class _LoadStateDictPreHook:
    """Checkpoints with weight_orig, weight_u and weight_v load as they are; the layout of
    PyTorch before 1.1 (a stored `weight`, no `weight_v`) is refused with a clear error."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, state_dict, prefix, local_metadata, strict, missing_keys,
                 unexpected_keys, error_msgs):
        fn = self.fn
        version = local_metadata.get("spectral_norm", {}).get(fn.name + ".version", None)
        if version is not None and version >= 1:
            return
        key = prefix + fn.name
        if all(key + s in state_dict for s in ("_orig", "_u", "_v")) and key not in state_dict:
            return
        if key in state_dict and key + "_orig" in state_dict:
            error_msgs.append(f"spectral_norm: the checkpoint stores '{key}' without "
                              f"'{key}_v' (PyTorch before 1.1); minitorch does not convert "
                              "that layout: load it in PyTorch and save it again")


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Divide module.<name> by its spectral norm before every forward (see the module
    docstring). dim defaults to 0, or 1 for ConvTranspose layers. Returns the module."""
    if dim is None:
        dim = 1 if type(module).__name__.startswith("ConvTranspose") else 0
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module, name="weight"):
    """Undo spectral_norm: module.<name> becomes a Parameter holding weight_orig / sigma."""
    for k, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            break
    else:
        raise ValueError(f"spectral_norm of '{name}' not found in {module}")
    for table in (module._state_dict_hooks, module._load_state_dict_pre_hooks):
        for k, hook in list(table.items()):
            if isinstance(hook, (_StateDictHook, _LoadStateDictPreHook)) and \
                    hook.fn.name == name:
                del table[k]
    return module
