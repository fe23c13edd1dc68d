"""nn.utils.parametrizations: weight_norm and spectral_norm as parametrizations
(nn.utils.parametrize), PyTorch's current API. The state_dict keys read
``parametrizations.weight.original0`` / ``original1`` (weight_norm's g and v) and
``parametrizations.weight.original``, ``parametrizations.weight.0._u`` / ``_v``
(spectral_norm)."""
from __future__ import annotations

from ...autograd.grad_mode import no_grad
from ..module import Module
from . import parametrize
from ._norm_helpers import (norm_except_dim, normalize_into, reshape_to_matrix,
                            weight_norm_compute)
from .spectral_norm import _random_unit

__all__ = ["weight_norm", "spectral_norm"]


class _WeightNorm(Module):
    """w = g * v / ||v|| from (g, v); right_inverse(w) = (||w||, w)."""

    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return weight_norm_compute(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name: str = "weight", dim: int = 0):
    """Weight normalization as a parametrization: module.<name> = g * v / ||v|| with
    g = parametrizations.<name>.original0 and v = ...original1. A state_dict saved with
    the older nn.utils.weight_norm (<name>_g, <name>_v) still loads. Returns the module."""
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _compat_hook(state_dict, prefix, local_metadata, strict, missing_keys,
                     unexpected_keys, error_msgs):
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)
    module._register_load_state_dict_pre_hook(_compat_hook)
    return module


class _SpectralNorm(Module):
    """weight / sigma, sigma = u . (W v) from a power iteration on the buffers _u and _v
    (updated in training mode; 15 iterations at registration); a 1-D weight is simply
    normalized."""

    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError("Dimension out of range (expected to be in range of "
                             f"[-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = reshape_to_matrix(weight, self.dim)
            h, w = weight_mat.shape
            self.register_buffer("_u", _random_unit(h, weight, eps))
            self.register_buffer("_v", _random_unit(w, weight, eps))
            self._power_method(weight_mat, 15)

    def _power_method(self, weight_mat, n_power_iterations):
        with no_grad():
            for _ in range(n_power_iterations):
                normalize_into(self._u, weight_mat @ self._v, self.eps)
                normalize_into(self._v, weight_mat.t() @ self._u, self.eps)

    def forward(self, weight):
        if weight.ndim == 1:
            return weight / weight.norm().clamp(min=self.eps)
        weight_mat = reshape_to_matrix(weight, self.dim)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()
        sigma = (u * (weight_mat @ v)).sum()
        return weight / sigma

    def right_inverse(self, value):
        return value


def spectral_norm(module, name: str = "weight", n_power_iterations: int = 1,
                  eps: float = 1e-12, dim=None):
    """Spectral normalization as a parametrization of module.<name> (dim defaults to 0,
    or 1 for ConvTranspose layers). Returns the module."""
    weight = getattr(module, name, None)
    from ...tensor import Tensor
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if type(module).__name__.startswith("ConvTranspose") else 0
    parametrize.register_parametrization(module, name,
                                         _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
