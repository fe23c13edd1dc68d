"""MultivariateNormal(loc, covariance_matrix | precision_matrix | scale_tril): the
Gaussian N(loc, Sigma) over vectors of length D (event_shape (D,)).

Every computation goes through the lower Cholesky factor L (Sigma = L L^T), taken from
whichever matrix was given:

    log p(x) = -(D log(2 pi) + |L^{-1}(x - loc)|^2) / 2 - sum log diag(L)
    H        = D (1 + log(2 pi)) / 2 + sum log diag(L)
    rsample  = loc + L eps,  eps ~ N(0, I_D)            (reparameterized)

From a precision matrix P, L comes from the Cholesky factor of P with rows and columns
reversed (_precision_to_scale_tril), which avoids inverting P.
"""
from __future__ import annotations

import math

import minitorch as mt
from . import constraints
from .distribution import Distribution
from .utils import lazy_property, _standard_normal

__all__ = ["MultivariateNormal"]


def _batch_mv(bmat, bvec):
    """bmat @ bvec for batches of matrices and vectors whose batch shapes broadcast."""
    return mt.matmul(bmat, bvec.unsqueeze(-1)).squeeze(-1)


def _batch_mahalanobis(bL, bx):
    """|L^{-1} x|^2, the squared Mahalanobis distance of x under Sigma = L L^T, for
    batches of L (..., n, n) and x (..., n) whose batch shapes broadcast.

    When x's trailing batch dimensions are exactly L's (samples in front), the samples
    become the columns of one right-hand side per L, so each triangular solve runs once."""
    n = bx.size(-1)
    lb = tuple(bL.shape[:-2])
    xb = tuple(bx.shape[:-1])
    k = len(lb)
    if len(xb) >= k and xb[len(xb) - k:] == lb:
        outer = xb[:len(xb) - k]
        flat_l = bL.reshape(-1, n, n)                                # (b, n, n)
        flat_x = bx.reshape(-1, flat_l.size(0), n).permute(1, 2, 0)  # (b, n, c)
        m = mt.linalg.solve_triangular(flat_l, flat_x, upper=False).pow(2).sum(-2)  # (b, c)
        return m.T.reshape(outer + lb)
    batch = tuple(mt.broadcast_shapes(lb, xb))
    return _batch_mahalanobis(bL.expand(batch + (n, n)), bx.expand(batch + (n,)))


def _precision_to_scale_tril(P):
    """The lower Cholesky factor L of P^{-1}: with J the reversal permutation,
    chol(J P J) = Lf gives P = (J Lf J)(J Lf J)^T, so P^{-1} = L L^T with
    L = ((J Lf J)^T)^{-1}, lower triangular, found by one triangular solve."""
    lf = mt.linalg.cholesky(mt.flip(P, (-2, -1)))
    l_inv = mt.transpose(mt.flip(lf, (-2, -1)), -2, -1)
    eye = mt.eye(P.shape[-1], dtype=P.dtype, device=P.device)
    return mt.linalg.solve_triangular(l_inv, eye, upper=False)


def _check_matrix(name, m):
    if not isinstance(m, mt.Tensor):
        raise TypeError(f"MultivariateNormal(): `{name}` must be a Tensor, got "
                        f"{type(m).__name__}")
    if m.dim() < 2:
        raise ValueError(f"{name} must be at least two-dimensional, with optional leading "
                         "batch dimensions")


class MultivariateNormal(Distribution):
    """The multivariate normal with mean `loc` and one of `covariance_matrix`,
    `precision_matrix` or `scale_tril` (exactly one)."""

    arg_constraints = {"loc": constraints.real_vector,
                       "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None):
        if not isinstance(loc, mt.Tensor):
            raise TypeError(f"MultivariateNormal(): `loc` must be a Tensor, got "
                            f"{type(loc).__name__}")
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = [(n, m) for n, m in (("covariance_matrix", covariance_matrix),
                                     ("precision_matrix", precision_matrix),
                                     ("scale_tril", scale_tril)) if m is not None]
        if len(given) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or "
                             "scale_tril may be specified.")
        name, matrix = given[0]
        _check_matrix("scale_tril matrix" if name == "scale_tril" else name, matrix)
        batch_shape = tuple(mt.broadcast_shapes(tuple(matrix.shape[:-2]), tuple(loc.shape[:-1])))
        setattr(self, name, matrix.expand(batch_shape + (-1, -1)))
        self.loc = loc.expand(batch_shape + (-1,))
        super().__init__(batch_shape, tuple(self.loc.shape[-1:]), validate_args=validate_args)
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = matrix
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = mt.linalg.cholesky(matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(matrix)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(MultivariateNormal, batch_shape, _instance,
                                   ("loc", "covariance_matrix", "scale_tril",
                                    "precision_matrix"),
                                   copy=("_unbroadcasted_scale_tril",))

    def _matrix_shape(self):
        return tuple(self._batch_shape) + tuple(self._event_shape) * 2

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self):
        low = self._unbroadcasted_scale_tril
        return mt.matmul(low, low.mT).expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self):
        return mt.cholesky_inverse(self._unbroadcasted_scale_tril).expand(self._matrix_shape())

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        """diag(Sigma)_i = sum_j L_ij^2."""
        return (self._unbroadcasted_scale_tril.pow(2).sum(-1)
                .expand(tuple(self._batch_shape) + tuple(self._event_shape)))

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        eps = _standard_normal(shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + _batch_mv(self._unbroadcasted_scale_tril, eps)

    def _half_log_det(self):
        """log det(Sigma) / 2 = sum log diag(L)."""
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        diff = value - self.loc
        m = _batch_mahalanobis(self._unbroadcasted_scale_tril, diff)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + m) - self._half_log_det()

    def entropy(self):
        h = 0.5 * self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        if len(self._batch_shape) == 0:
            return h
        return h.expand(self._batch_shape)
