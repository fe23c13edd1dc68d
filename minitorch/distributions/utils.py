"""Helpers shared by the distributions, as ``torch.distributions.utils``: broadcasting
parameters, logits <-> probabilities, lazily computed parameters, and the random draws
the samplers are built from (normal, uniform, gamma with its implicit
reparameterization gradient)."""
from __future__ import annotations

import math
from functools import update_wrapper

import numpy as np

import minitorch as mt
from .. import backend
from ..autograd import Function
from ..tensor import Tensor, _make

__all__ = ["broadcast_all", "logits_to_probs", "clamp_probs", "probs_to_logits",
           "lazy_property", "tril_matrix_to_vec", "vec_to_tril_matrix", "euler_constant"]

euler_constant = 0.57721566490153286060  # the Euler-Mascheroni constant


def _is_number(v) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) or isinstance(v, np.number)


def broadcast_all(*values):
    """The values broadcast to one shape, as tensors. Python numbers become tensors of
    the first tensor's dtype and device (the default dtype when all are numbers)."""
    if not all(isinstance(v, Tensor) or _is_number(v) for v in values):
        raise ValueError("Input arguments must all be instances of Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    if not all(isinstance(v, Tensor) for v in values):
        first = next((v for v in values if isinstance(v, Tensor)), None)
        options = (dict(dtype=mt.get_default_dtype()) if first is None
                   else dict(dtype=first.dtype, device=first.device))
        values = [v if isinstance(v, Tensor) else mt.tensor(float(v), **options)
                  for v in values]
    return mt.broadcast_tensors(*values)


def _sum_rightmost(value, dim: int):
    """value summed over its `dim` rightmost dimensions."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:value.dim() - dim]) + (-1,)).sum(-1)


def logits_to_probs(logits, is_binary: bool = False):
    """sigmoid(logits) for a binary event; softmax over the last dimension otherwise."""
    if is_binary:
        return mt.sigmoid(logits)
    return mt.softmax(logits, dim=-1)


def clamp_probs(probs):
    """probs clamped to [eps, 1 - eps] (eps of probs' dtype), away from 0 and 1."""
    eps = mt.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary: bool = False):
    """log(p) - log(1 - p) for a binary event; log(p) otherwise (clamped probs)."""
    p = clamp_probs(probs)
    if is_binary:
        return mt.log(p) - mt.log1p(-p)
    return mt.log(p)


class lazy_property:
    """A property computed on first access (with grad enabled) and then stored on the
    instance, as PyTorch's: ``Categorical(logits=x).probs`` is computed once, on demand."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with mt.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    """What a lazy_property looks like on the class: a property (for documentation
    tools) that argument validation recognises as lazy."""

    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def _tril_mask(n: int, diag: int, device):
    idx = mt.arange(n, device=device)
    return idx < idx.view(-1, 1) + (diag + 1)


def tril_matrix_to_vec(mat, diag: int = 0):
    """The lower-triangular entries (below diagonal `diag`) of a (batch of) square
    matrix, in row order, as a vector."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    return mat[..., _tril_mask(n, diag, mat.device)]


def vec_to_tril_matrix(vec, diag: int = 0):
    """The inverse of tril_matrix_to_vec: a (batch of) D x D lower-triangular matrix
    holding the vector's entries in row order. D solves
    D^2 + (1 + 2 diag) D - |diag| (diag + 1) = 2 len(vec)."""
    m = vec.shape[-1]
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * m + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    if abs(round(n) - n) > mt.finfo(vec.dtype).eps:
        raise ValueError(f"The size of last dimension is {m} which cannot be expressed as "
                         "the lower triangular part of a square D x D matrix.")
    n = round(n)
    mat = vec.new_zeros(tuple(vec.shape[:-1]) + (n, n))
    mat[..., _tril_mask(n, diag, vec.device)] = vec
    return mat


# ------------------------------------------------------------------ random draws
def _standard_normal(shape, dtype, device):
    """N(0, 1) draws of the given shape, dtype and device (minitorch's generator)."""
    return mt.randn(tuple(shape), dtype=dtype, device=device)


def _standard_uniform(shape, dtype, device):
    """U[0, 1) draws."""
    return mt.rand(tuple(shape), dtype=dtype, device=device)


def _host(arr):
    """A float64 copy of an array on the host (sampling parameters are read there)."""
    # host: the draws are made on the host
    return np.asarray(backend.transfer(arr, backend.CPU), dtype=np.float64)


def _to_device_like(host_array, like):
    """A host array as an array of `like`'s dtype on `like`'s device."""
    out = host_array.astype(like.dtype)
    xp = backend.get_array_module(like)
    return out if xp is np else xp.asarray(out)


def _lgamma(x):
    return mt.lgamma(_make(x))._data


def _digamma(x):
    return mt.digamma(_make(x))._data


def _gamma_cdf_grad_concentration(x, a):
    """dP(a, x)/da for the regularized lower incomplete gamma function P, from the series

        P(a, x) = sum_{n>=0} t_n,   t_n = exp((a + n) log x - x - lgamma(a + n + 1)),
        dP/da   = sum_{n>=0} t_n (log x - digamma(a + n + 1)),

    summed in blocks of n until the terms are negligible (they peak near n = x - a).
    Float64 arrays in, float64 out; no gradient."""
    xp = backend.get_array_module(x)
    log_x = xp.log(x)
    total = xp.zeros_like(x)
    size = max(1, int(x.size))
    block = max(1, min(64, (1 << 22) // size))
    if not x.size:
        return total
    peak = float(xp.max(x - a))
    # past the peak the terms fall off like a Gaussian of width ~sqrt(x): this many terms
    # always suffice (a guard; the loop normally stops once the terms are below e^-45)
    limit = max(peak, 0.0) + 60.0 * float(xp.sqrt(xp.max(x))) + 200.0
    n0 = 0
    while True:
        n = xp.arange(n0, n0 + block, dtype=x.dtype).reshape((-1,) + (1,) * x.ndim)
        an1 = a + n + 1
        log_t = (a + n) * log_x - x - _lgamma(an1)
        t = xp.exp(log_t)
        total = total + (t * (log_x - _digamma(an1))).sum(0)
        n0 += block
        last = float(xp.max(log_t[-1]))
        if (n0 > peak and not last >= -45.0) or not n0 <= limit:  # NaN-safe comparisons
            return total


def _standard_gamma_grad(x, a):
    """The implicit reparameterization gradient dx/da of a Gamma(a, 1) draw x: with the
    CDF F(x; a) held fixed at the uniform it came from,

        dx/da = -(dF/da) / (dF/dx) = -(dP(a, x)/da) / p(x; a),
        p(x; a) = x^(a - 1) e^(-x) / Gamma(a)   (the density).

    Float64 arrays in and out."""
    xp = backend.get_array_module(x)
    ok = xp.isfinite(x) & xp.isfinite(a) & (a > 0)
    x = xp.where(ok, xp.maximum(x, np.finfo(np.float64).tiny), 1.0)
    a = xp.where(ok, a, 1.0)
    log_density = (a - 1) * xp.log(x) - x - _lgamma(a)
    grad = -_gamma_cdf_grad_concentration(x, a) * xp.exp(-log_density)
    return xp.where(ok, grad, 0.0)  # no gradient through a non-finite draw


class _StandardGamma(Function):
    """x ~ Gamma(concentration, 1), elementwise: drawn on the host by minitorch's
    generator, clamped to the dtype's smallest positive number. The gradient is the
    implicit reparameterization one (Figurnov et al. 2018):

        dL/dconcentration = dL/dx * dx/da,  dx/da = -(dP(a, x)/da) / p(x; a)

    (see _standard_gamma_grad). As in PyTorch it has no second derivative in the
    concentration: the backward's factor dx/da is a constant."""

    @staticmethod
    def forward(ctx, concentration):
        a = _host(concentration)
        x = mt.random.rng().standard_gamma(a)
        x = np.maximum(x, np.finfo(concentration.dtype).tiny)  # host: a host-drawn sample
        out = _to_device_like(x, concentration)
        ctx.save_for_backward(concentration, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        concentration, x = ctx.saved_tensors
        xd, ad = x._data, concentration._data
        dx_da = _standard_gamma_grad(xd.astype(np.float64), ad.astype(np.float64))
        return grad * _make(dx_da.astype(ad.dtype))


def _standard_gamma(concentration):
    """Gamma(concentration, 1) draws, one per element, reparameterized (see _StandardGamma)."""
    return _StandardGamma.apply(concentration)


def _clamp_keep_grad(x, min=None, max=None):
    """x clamped, with the gradient of the unclamped x (PyTorch clamps samples in place
    on a detached view: the value changes, the gradient path does not)."""
    return x + (x.detach().clamp(min=min, max=max) - x.detach())


LOG_2 = math.log(2.0)
LOG_PI = math.log(math.pi)
LOG_2PI = math.log(2 * math.pi)
