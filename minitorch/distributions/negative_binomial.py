"""NegativeBinomial(total_count=r, probs=p or logits=l): the number of successes before
r failures in Bernoulli(p) trials (r may be any positive real).

    log p(k) = r logsigmoid(-l) + k logsigmoid(l)
               + lgamma(r + k) - lgamma(k + 1) - lgamma(r)     (0 when r + k = 0)
    mean = r e^l,  variance = mean / sigmoid(-l)
    sample: Poisson(G), G ~ Gamma(r, rate e^-l) (the gamma-Poisson mixture)
"""
from __future__ import annotations

import minitorch as mt
import minitorch.nn.functional as F
from . import constraints
from .distribution import Distribution
from .gamma import Gamma
from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits

__all__ = ["NegativeBinomial"]


class NegativeBinomial(Distribution):
    """The negative binomial distribution."""

    arg_constraints = {"total_count": constraints.greater_than_eq(0),
                       "probs": constraints.half_open_interval(0.0, 1.0),
                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            self.total_count, self.probs = broadcast_all(total_count, probs)
            self.total_count = self.total_count.type_as(self.probs)
        else:
            self.total_count, self.logits = broadcast_all(total_count, logits)
            self.total_count = self.total_count.type_as(self.logits)
        self._param = self.probs if probs is not None else self.logits
        super().__init__(self._param.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(NegativeBinomial, batch_shape, _instance,
                                   ("total_count", "probs", "logits"))

    def _new(self, *args, **kwargs):
        return self._param.new(*args, **kwargs)

    @property
    def mean(self):
        return self.total_count * mt.exp(self.logits)

    @property
    def mode(self):
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self):
        return self.mean / mt.sigmoid(-self.logits)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        return self._param.size()

    @lazy_property
    def _gamma(self):
        return Gamma(concentration=self.total_count, rate=mt.exp(-self.logits),
                     validate_args=False)

    def sample(self, sample_shape=()):
        with mt.no_grad():
            rate = self._gamma.sample(sample_shape=sample_shape)
            return mt.poisson(rate)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        r, l = self.total_count, self.logits
        log_unnormalized = r * F.logsigmoid(-l) + value * F.logsigmoid(l)
        log_normalization = -mt.lgamma(r + value) + mt.lgamma(1.0 + value) + mt.lgamma(r)
        log_normalization = log_normalization.masked_fill(r + value == 0.0, 0.0)
        return log_unnormalized - log_normalization
