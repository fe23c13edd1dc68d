"""FisherSnedecor(df1, df2): the F distribution, (X1 / df1) / (X2 / df2) for chi-squared
X1, X2, sampled as a ratio of Gamma(df/2, df) draws (reparameterized).

    log p(x) = lgamma((d1 + d2)/2) - lgamma(d1/2) - lgamma(d2/2) + (d1/2) log(d1/d2)
               + (d1/2 - 1) log x - ((d1 + d2)/2) log1p(d1 x / d2)
    mean = d2 / (d2 - 2) (NaN for d2 <= 2),  mode = (d1 - 2)/d1 * d2/(d2 + 2) (NaN for d1 <= 2)
    variance = 2 d2^2 (d1 + d2 - 2) / (d1 (d2 - 2)^2 (d2 - 4)) (NaN for d2 <= 4)
"""
from __future__ import annotations

import math

import minitorch as mt
from . import constraints
from .distribution import Distribution
from .gamma import Gamma
from .utils import broadcast_all, _is_number, _clamp_keep_grad

__all__ = ["FisherSnedecor"]


class FisherSnedecor(Distribution):
    """Fisher-Snedecor's F distribution."""

    arg_constraints = {"df1": constraints.positive, "df2": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, df1, df2, validate_args=None):
        numbers = _is_number(df1) and _is_number(df2)
        self.df1, self.df2 = broadcast_all(df1, df2)
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2)
        super().__init__(mt.Size() if numbers else self.df1.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(FisherSnedecor, batch_shape, _instance, ("df1", "df2"))
        new._gamma1 = self._gamma1.expand(batch_shape)
        new._gamma2 = self._gamma2.expand(batch_shape)
        return new

    @property
    def mean(self):
        df2 = mt.where(self.df2 <= 2, math.nan, self.df2)
        return df2 / (df2 - 2)

    @property
    def mode(self):
        mode = (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2)
        return mt.where(self.df1 <= 2, math.nan, mode)

    @property
    def variance(self):
        df2 = mt.where(self.df2 <= 4, math.nan, self.df2)
        return 2 * df2.pow(2) * (self.df1 + df2 - 2) / (self.df1 * (df2 - 2).pow(2) * (df2 - 4))

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        x1 = self._gamma1.rsample(sample_shape).view(shape)
        x2 = self._gamma2.rsample(sample_shape).view(shape)
        tiny = mt.finfo(x2.dtype).tiny
        y = x1 / _clamp_keep_grad(x2, min=tiny)
        return _clamp_keep_grad(y, min=tiny)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        ct1 = self.df1 * 0.5
        ct2 = self.df2 * 0.5
        ct3 = self.df1 / self.df2
        t1 = (ct1 + ct2).lgamma() - ct1.lgamma() - ct2.lgamma()
        t2 = ct1 * ct3.log() + (ct1 - 1) * mt.log(value)
        t3 = (ct1 + ct2) * mt.log1p(ct3 * value)
        return t1 + t2 - t3
