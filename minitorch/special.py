"""minitorch.special: PyTorch's torch.special namespace.

Error function family (erf, erfc, erfinv, erfcx), gamma family (gammaln, digamma/psi,
polygamma, multigammaln, gammainc, gammaincc, zeta), modified Bessel functions (i0, i0e,
i1, i1e and the modified_bessel_i0/i1 spellings), the normal distribution (ndtr, ndtri,
log_ndtr), logistic (expit, logit), information theory (entr, xlogy, xlog1py) and the
numerically careful basics (log1p, expm1, exp2, sinc, round, softmax, log_softmax,
logsumexp); and, without derivatives as in PyTorch, the Bessel functions J0, J1, Y0, Y1,
K0, K1 (and scaled), Airy Ai, spherical j0 and the orthogonal polynomials (Chebyshev T, U,
V, W and their shifted forms, Hermite H and He, Laguerre L, Legendre P). Every one is
differentiable where PyTorch's is, to any order; the implementations live in
minitorch/functional/pointwise.py and kernels/specfun.py (no SciPy).
"""
from __future__ import annotations

from .functional import pointwise as _P
from .functional import elementwise as _E
from .functional import activation as _A
from .functional import reduction as _R

# error function family
erf = _P.erf
erfc = _P.erfc
erfinv = _P.erfinv
erfcx = _P.special_erfcx

# gamma family
gammaln = _P.lgamma
digamma = _P.digamma
psi = _P.digamma
polygamma = _P.polygamma
multigammaln = _P.mvlgamma
gammainc = _P.igamma
gammaincc = _P.igammac
zeta = _P.special_zeta

# modified Bessel functions of the first kind
i0 = _P.i0
i0e = _P.special_i0e
i1 = _P.special_i1
i1e = _P.special_i1e

# the standard normal distribution
ndtr = _P.special_ndtr
ndtri = _P.special_ndtri
log_ndtr = _P.special_log_ndtr

# logistic and information theory
expit = _E.sigmoid
logit = _P.logit
entr = _P.special_entr
xlogy = _P.xlogy
xlog1py = _P.special_xlog1py

# careful basics
log1p = _E.log1p
expm1 = _E.expm1
exp2 = _P.exp2
sinc = _P.sinc


def round(input, *, decimals=0):
    """Round half to even (to `decimals` places)."""
    return _P.round(input, decimals=decimals)


def softmax(input, dim, *, dtype=None):
    """softmax along `dim` (computed in `dtype` when given)."""
    return _A.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """log_softmax along `dim` (computed in `dtype` when given)."""
    return _A.log_softmax(input, dim, dtype=dtype)


def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(input), dim)), computed stably."""
    return _R.logsumexp(input, dim, keepdim=keepdim)


def _no_derivative(name, doc):
    def fn(input):
        return _P.special_nondiff(name, input)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc + " (no gradient, as in PyTorch)."
    return fn


def _polynomial(name, doc):
    def fn(input, n):
        return _P.special_nondiff(name, input, n)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc + "; `n` (a Tensor or a number) is truncated to an integer (no gradient)."
    return fn


bessel_j0 = _no_derivative("bessel_j0", "J0(x), the Bessel function of the first kind of order 0")
bessel_j1 = _no_derivative("bessel_j1", "J1(x), the Bessel function of the first kind of order 1")
bessel_y0 = _no_derivative("bessel_y0", "Y0(x), the Bessel function of the second kind of order 0")
bessel_y1 = _no_derivative("bessel_y1", "Y1(x), the Bessel function of the second kind of order 1")
modified_bessel_k0 = _no_derivative("modified_bessel_k0", "K0(x), the modified Bessel function "
                                    "of the second kind of order 0")
modified_bessel_k1 = _no_derivative("modified_bessel_k1", "K1(x), the modified Bessel function "
                                    "of the second kind of order 1")
scaled_modified_bessel_k0 = _no_derivative("scaled_modified_bessel_k0", "exp(x) K0(x)")
scaled_modified_bessel_k1 = _no_derivative("scaled_modified_bessel_k1", "exp(x) K1(x)")
modified_bessel_i0 = _no_derivative("modified_bessel_i0", "I0(x) by Cephes' series (i0 is the "
                                    "differentiable spelling)")
modified_bessel_i1 = _no_derivative("modified_bessel_i1", "I1(x) by Cephes' series (i1 is the "
                                    "differentiable spelling)")
airy_ai = _no_derivative("airy_ai", "Ai(x), the Airy function of the first kind")
spherical_bessel_j0 = _no_derivative("spherical_bessel_j0", "j0(x) = sin(x) / x, the spherical "
                                     "Bessel function of the first kind of order 0")

chebyshev_polynomial_t = _polynomial("chebyshev_polynomial_t", "T_n(x), Chebyshev's first kind")
chebyshev_polynomial_u = _polynomial("chebyshev_polynomial_u", "U_n(x), Chebyshev's second kind")
chebyshev_polynomial_v = _polynomial("chebyshev_polynomial_v", "V_n(x), Chebyshev's third kind")
chebyshev_polynomial_w = _polynomial("chebyshev_polynomial_w", "W_n(x), Chebyshev's fourth kind")
shifted_chebyshev_polynomial_t = _polynomial("shifted_chebyshev_polynomial_t", "T_n(2x - 1)")
shifted_chebyshev_polynomial_u = _polynomial("shifted_chebyshev_polynomial_u", "U_n(2x - 1)")
shifted_chebyshev_polynomial_v = _polynomial("shifted_chebyshev_polynomial_v", "V_n(2x - 1)")
shifted_chebyshev_polynomial_w = _polynomial("shifted_chebyshev_polynomial_w", "W_n(2x - 1)")
hermite_polynomial_h = _polynomial("hermite_polynomial_h", "H_n(x), the physicists' Hermite")
hermite_polynomial_he = _polynomial("hermite_polynomial_he", "He_n(x), the probabilists' Hermite")
laguerre_polynomial_l = _polynomial("laguerre_polynomial_l", "L_n(x), Laguerre's polynomial")
legendre_polynomial_p = _polynomial("legendre_polynomial_p", "P_n(x), Legendre's polynomial")


__all__ = [
    "erf", "erfc", "erfinv", "erfcx", "gammaln", "digamma", "psi", "polygamma",
    "multigammaln", "gammainc", "gammaincc", "zeta", "i0", "i0e", "i1", "i1e", "ndtr",
    "ndtri", "log_ndtr", "expit", "logit", "entr", "xlogy", "xlog1py", "log1p", "expm1",
    "exp2", "sinc", "round", "softmax", "log_softmax", "logsumexp", "modified_bessel_i0",
    "modified_bessel_i1", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1",
    "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1", "airy_ai", "spherical_bessel_j0", "chebyshev_polynomial_t",
    "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
    "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "hermite_polynomial_h",
    "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p",
]
