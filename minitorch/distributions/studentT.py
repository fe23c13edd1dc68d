"""StudentT(df, loc=0, scale=1): Student's t distribution.

    log p(x) = -(df + 1)/2 log1p(y^2 / df) - Z,  y = (x - loc) / scale,
    Z = log scale + log(df)/2 + log(pi)/2 + lgamma(df/2) - lgamma((df + 1)/2)
    H = log scale + (df + 1)/2 (digamma((df + 1)/2) - digamma(df/2)) + log(df)/2
        + lgamma(df/2) + lgamma(1/2) - lgamma((df + 1)/2)
    rsample = loc + scale X / sqrt(V / df),  X ~ N(0, 1), V ~ Chi2(df) (reparameterized)
mean is NaN for df <= 1; variance is scale^2 df/(df - 2) for df > 2, inf for
1 < df <= 2, NaN for df <= 1.
"""
from __future__ import annotations

import math

import minitorch as mt
from . import constraints
from .chi2 import Chi2
from .distribution import Distribution
from .utils import broadcast_all, _standard_normal

__all__ = ["StudentT"]


class StudentT(Distribution):
    """Student's t with `df` degrees of freedom, location `loc` and scale `scale`."""

    arg_constraints = {"df": constraints.positive, "loc": constraints.real,
                       "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    @property
    def mean(self):
        return mt.where(self.df <= 1, math.nan, self.loc)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        df = self.df
        finite = self.scale.pow(2) * df / mt.where(df > 2, df - 2, 1.0)
        heavy = mt.where(df > 1, math.inf, math.nan)
        return mt.where(df > 2, finite, heavy.to(df.dtype))

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None):
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df)
        super().__init__(self.df.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(StudentT, batch_shape, _instance, ("df", "loc", "scale"))
        new._chi2 = self._chi2.expand(batch_shape)
        return new

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        x = _standard_normal(shape, dtype=self.df.dtype, device=self.df.device)
        v = self._chi2.rsample(sample_shape)
        return self.loc + self.scale * x * mt.rsqrt(v / self.df)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        y = (value - self.loc) / self.scale
        df = self.df
        z = (self.scale.log() + 0.5 * df.log() + 0.5 * math.log(math.pi)
             + mt.lgamma(0.5 * df) - mt.lgamma(0.5 * (df + 1.0)))
        return -0.5 * (df + 1.0) * mt.log1p(y ** 2.0 / df) - z

    def entropy(self):
        df = self.df
        lbeta = mt.lgamma(0.5 * df) + math.lgamma(0.5) - mt.lgamma(0.5 * (df + 1))
        return (self.scale.log()
                + 0.5 * (df + 1) * (mt.digamma(0.5 * (df + 1)) - mt.digamma(0.5 * df))
                + 0.5 * df.log() + lbeta)
