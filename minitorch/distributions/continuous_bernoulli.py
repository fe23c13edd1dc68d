"""ContinuousBernoulli(probs=p or logits=l) on [0, 1] (Loaiza-Ganem & Cunningham 2019):
density C(p) p^x (1 - p)^(1 - x), the normalized Bernoulli likelihood used as a VAE
decoder for pixels in [0, 1].

    log C(p) = log|log(1 - p) - log p| - log|1 - 2p|   (p away from 1/2)
             ~ log 2 + (4/3 + 104/45 (p - 1/2)^2)(p - 1/2)^2   (Taylor, for p in `lims`)
    log p(x) = -BCE_with_logits(l, x) + log C(p)
    mean = p / (2p - 1) + 1 / (log(1 - p) - log p)    (Taylor near 1/2)
    icdf(u) = (log1p(-p + u (2p - 1)) - log1p(-p)) / (log p - log1p(-p))   (rsample)
Near p = 1/2 the exact formulas divide 0 by 0; inside `lims` the Taylor expansions take
over (evaluated at a p cut to lims[0], so their gradients stay finite).
"""
from __future__ import annotations

import math

import minitorch as mt
import minitorch.nn.functional as F
from . import constraints
from .exp_family import ExponentialFamily
from .utils import (broadcast_all, clamp_probs, lazy_property, logits_to_probs,
                    probs_to_logits, _is_number, _standard_uniform)

__all__ = ["ContinuousBernoulli"]


class ContinuousBernoulli(ExponentialFamily):
    """The continuous Bernoulli distribution."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    _mean_carrier_measure = 0
    has_rsample = True

    def __init__(self, probs=None, logits=None, lims=(0.499, 0.501), validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            is_scalar = _is_number(probs)
            self.probs, = broadcast_all(probs)
            if validate_args is not None and not bool(
                    self.arg_constraints["probs"].check(self.probs).all()):
                raise ValueError("The parameter probs has invalid values")
            self.probs = clamp_probs(self.probs)
        else:
            is_scalar = _is_number(logits)
            self.logits, = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        self._lims = lims
        super().__init__(mt.Size() if is_scalar else self._param.size(),
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(ContinuousBernoulli, batch_shape, _instance,
                                   ("probs", "logits"), copy=("_lims",))

    def _new(self, *args, **kwargs):
        return self._param.new(*args, **kwargs)

    def _outside_unstable_region(self):
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self):
        return mt.where(self._outside_unstable_region(), self.probs,
                        self._lims[0] * mt.ones_like(self.probs))

    def _cont_bern_log_norm(self):
        """log C(p), the log normalizing constant."""
        cut = self._cut_probs()
        below_half = mt.where(cut <= 0.5, cut, mt.zeros_like(cut))
        above_half = mt.where(cut >= 0.5, cut, mt.ones_like(cut))
        log_norm = (mt.log(mt.abs(mt.log1p(-cut) - mt.log(cut)))
                    - mt.where(cut <= 0.5, mt.log1p(-2.0 * below_half),
                               mt.log(2.0 * above_half - 1.0)))
        x = mt.pow(self.probs - 0.5, 2)
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return mt.where(self._outside_unstable_region(), log_norm, taylor)

    @property
    def mean(self):
        cut = self._cut_probs()
        mus = cut / (2.0 * cut - 1.0) + 1.0 / (mt.log1p(-cut) - mt.log(cut))
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * mt.pow(x, 2)) * x
        return mt.where(self._outside_unstable_region(), mus, taylor)

    @property
    def stddev(self):
        return mt.sqrt(self.variance)

    @property
    def variance(self):
        cut = self._cut_probs()
        vars_ = (cut * (cut - 1.0) / mt.pow(1.0 - 2.0 * cut, 2)
                 + 1.0 / mt.pow(mt.log1p(-cut) - mt.log(cut), 2))
        x = mt.pow(self.probs - 0.5, 2)
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return mt.where(self._outside_unstable_region(), vars_, taylor)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    @property
    def param_shape(self):
        return self._param.size()

    def sample(self, sample_shape=()):
        with mt.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        return self.icdf(_standard_uniform(shape, self.probs.dtype, self.probs.device))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return (-F.binary_cross_entropy_with_logits(logits, value, reduction="none")
                + self._cont_bern_log_norm())

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        cut = self._cut_probs()
        cdfs = (mt.pow(cut, value) * mt.pow(1.0 - cut, 1.0 - value) + cut - 1.0) / (2.0 * cut - 1.0)
        unbounded = mt.where(self._outside_unstable_region(), cdfs, value)
        return mt.where(value <= 0.0, mt.zeros_like(value),
                        mt.where(value >= 1.0, mt.ones_like(value), unbounded))

    def icdf(self, value):
        cut = self._cut_probs()
        exact = ((mt.log1p(-cut + value * (2.0 * cut - 1.0)) - mt.log1p(-cut))
                 / (mt.log(cut) - mt.log1p(-cut)))
        return mt.where(self._outside_unstable_region(), exact, value)

    def entropy(self):
        log_probs0 = mt.log1p(-self.probs)
        log_probs1 = mt.log(self.probs)
        return self.mean * (log_probs0 - log_probs1) - self._cont_bern_log_norm() - log_probs0

    @property
    def _natural_params(self):
        return (self.logits,)

    def _log_normalizer(self, x):
        """log C as a function of the natural parameter x = logit(p):
        log|expm1(x)| - log|x| (Taylor x/2 + x^2/24 - x^4/2880 near 0)."""
        outside = (x <= self._lims[0] - 0.5) | (x > self._lims[1] - 0.5)
        cut = mt.where(outside, x, (self._lims[0] - 0.5) * mt.ones_like(x))
        log_norm = mt.log(mt.abs(mt.expm1(cut))) - mt.log(mt.abs(cut))
        taylor = 0.5 * x + mt.pow(x, 2) / 24.0 - mt.pow(x, 4) / 2880.0
        return mt.where(outside, log_norm, taylor)
