"""minitorch.special: PyTorch's torch.special namespace.

Error function family (erf, erfc, erfinv, erfcx), gamma family (gammaln, digamma/psi,
polygamma, multigammaln, gammainc, gammaincc, zeta), modified Bessel functions (i0, i0e,
i1, i1e and the modified_bessel_i0/i1 spellings), the normal distribution (ndtr, ndtri,
log_ndtr), logistic (expit, logit), information theory (entr, xlogy, xlog1py) and the
numerically careful basics (log1p, expm1, exp2, sinc, round, softmax, log_softmax,
logsumexp). Every one is differentiable where PyTorch's is, to any order; the
implementations live in minitorch/functional/pointwise.py and _specfun.py (no SciPy).
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


def modified_bessel_i0(input):
    """I0(x) (PyTorch gives this spelling no gradient; here it is i0's, which is right)."""
    return _P.i0(input)


def modified_bessel_i1(input):
    """I1(x) (as modified_bessel_i0: differentiable here)."""
    return _P.special_i1(input)


__all__ = [
    "erf", "erfc", "erfinv", "erfcx", "gammaln", "digamma", "psi", "polygamma",
    "multigammaln", "gammainc", "gammaincc", "zeta", "i0", "i0e", "i1", "i1e", "ndtr",
    "ndtri", "log_ndtr", "expit", "logit", "entr", "xlogy", "xlog1py", "log1p", "expm1",
    "exp2", "sinc", "round", "softmax", "log_softmax", "logsumexp", "modified_bessel_i0",
    "modified_bessel_i1",
]
