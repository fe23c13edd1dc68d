"""Geometric(probs=p or logits=l): the number of failures before the first success in
Bernoulli(p) trials, on {0, 1, 2, ...}.

    log p(k) = k log(1 - p) + log p      (with 0 log 0 = 0 at p = 1, k = 0)
    mean = 1/p - 1,  variance = (1/p - 1) / p,  H = BCE(l, p) / p
    sample = floor(log u / log(1 - p)), u ~ U(tiny, 1)
"""
from __future__ import annotations

import minitorch as mt
import minitorch.nn.functional as F
from . import constraints
from .distribution import Distribution
from .utils import (broadcast_all, lazy_property, logits_to_probs, probs_to_logits,
                    _is_number, _standard_uniform)

__all__ = ["Geometric"]


class Geometric(Distribution):
    """The geometric distribution with success probability `probs` (or `logits`)."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            self.probs, = broadcast_all(probs)
        else:
            self.logits, = broadcast_all(logits)
        given = probs if probs is not None else logits
        batch_shape = mt.Size() if _is_number(given) else given.size()
        super().__init__(batch_shape, validate_args=validate_args)
        if self._validate_args and probs is not None:
            value = self.probs
            valid = value > 0
            if not bool(valid.all()):
                raise ValueError(
                    f"Expected parameter probs ({type(value).__name__} of shape "
                    f"{tuple(value.shape)}) of distribution {self!r} to be positive but "
                    f"found invalid values:\n{value.detach()[~valid]}")

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Geometric, batch_shape, _instance, ("probs", "logits"))

    @property
    def mean(self):
        return 1.0 / self.probs - 1.0

    @property
    def mode(self):
        return mt.zeros_like(self.probs)

    @property
    def variance(self):
        return (1.0 / self.probs - 1.0) / self.probs

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        tiny = mt.finfo(self.probs.dtype).tiny
        with mt.no_grad():
            u = _standard_uniform(shape, self.probs.dtype, self.probs.device).clamp(min=tiny)
            return (u.log() / (-self.probs).log1p()).floor()

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        # p = 1 and k = 0: the term k log(1 - p) is 0 log 0 = 0
        probs = mt.where((probs == 1) & (value == 0), 0.0, probs)
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self):
        return F.binary_cross_entropy_with_logits(self.logits, self.probs,
                                                  reduction="none") / self.probs
