"""LKJCholesky(dim, concentration=eta): the Cholesky factors L of dim x dim correlation
matrices C = L L^T with density proportional to det(C)^(eta - 1) (Lewandowski, Kurowicka
& Joe 2009): eta = 1 is uniform over correlation matrices, larger eta concentrates on
the identity.

    log p(L) = sum_{i=2..dim} (2 (eta - 1) + dim - i) log L_ii - log Z(eta)
    log Z    = (dim-1)/2 log pi + mvlgamma(eta + (dim-2)/2, dim-1) - (dim-1) lgamma(eta + (dim-1)/2)

Sampling is the onion method: row i of L is sqrt(y_i) u_i on its first i - 1 entries,
with u_i uniform on the sphere and y_i ~ Beta(i/2 - 1/2 ... ) (see _beta below), and
the diagonal entry completes the row to unit length. Not reparameterized.
"""
from __future__ import annotations

import math

import minitorch as mt
from . import constraints
from .beta import Beta
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["LKJCholesky"]


class LKJCholesky(Distribution):
    """The LKJ distribution over Cholesky factors of correlation matrices."""

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim, concentration=1.0, validate_args=None):
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. "
                             f"Found dim={dim}.")
        self.dim = dim
        self.concentration, = broadcast_all(concentration)
        # the onion method's Beta for each row: a_i = i/2 (i = 0..dim-1, row 0 unused),
        # b_i = eta + (dim - 2)/2 - i/2
        marginal_conc = self.concentration + 0.5 * (self.dim - 2)
        offset = mt.arange(self.dim - 1, dtype=self.concentration.dtype,
                           device=self.concentration.device)
        offset = mt.cat([offset.new_zeros((1,)), offset])
        self._beta = Beta(offset + 0.5, marginal_conc.unsqueeze(-1) - 0.5 * offset)
        super().__init__(self.concentration.size(), (dim, dim), validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LKJCholesky, _instance)
        batch_shape = mt.Size(batch_shape)
        new.dim = self.dim
        new.concentration = self.concentration.expand(batch_shape)
        new._beta = self._beta.expand(tuple(batch_shape) + (self.dim,))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape=()):
        with mt.no_grad():
            y = self._beta.sample(sample_shape).unsqueeze(-1)
            u = mt.randn(tuple(self._extended_shape(sample_shape)), dtype=y.dtype,
                         device=y.device).tril(-1)
            norm = u.norm(dim=-1, keepdim=True)
            u_sphere = u / mt.where(norm > 0, norm, 1.0)  # row 0 stays all zeros
            w = mt.sqrt(y) * u_sphere
            eps = mt.finfo(w.dtype).tiny
            diag = mt.clamp(1 - mt.sum(w ** 2, dim=-1), min=eps).sqrt()
            return w + mt.diag_embed(diag)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        diag = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = mt.arange(2, self.dim + 1, device=self.concentration.device)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized = mt.sum(order * diag.log(), dim=-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        normalize = (0.5 * dm1 * math.log(math.pi) + mt.mvlgamma(alpha - 0.5, dm1)
                     - mt.lgamma(alpha) * dm1)
        return unnormalized - normalize
