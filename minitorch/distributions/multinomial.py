"""Multinomial(total_count=n, probs or logits): counts of each of K categories in n
independent Categorical draws (event_shape (K,)).

    log p(x) = lgamma(sum x + 1) - sum lgamma(x_k + 1) + sum x_k logits_k
(logits normalized; a term with x_k = 0 and logits_k = -inf counts 0). The entropy is
    H = n H(Categorical) - lgamma(n + 1) + sum_k E[lgamma(x_k + 1)],
the last expectation over each count's Binomial(n, p_k) marginal.
total_count is one int for the whole batch (as in PyTorch).
"""
from __future__ import annotations

import math

import minitorch as mt
import minitorch.nn.functional as F
from . import constraints
from .binomial import Binomial
from .categorical import Categorical
from .distribution import Distribution, _as_size
from .utils import broadcast_all

__all__ = ["Multinomial"]


class Multinomial(Distribution):
    """The multinomial distribution."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    @property
    def mean(self):
        return self.probs * self.total_count

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        self._binomial = Binomial(total_count=total_count, probs=self.probs)
        batch_shape = self._categorical.batch_shape
        event_shape = tuple(self._categorical.param_shape[-1:])
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Multinomial, _instance)
        batch_shape = mt.Size(batch_shape)
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        new._binomial = Binomial(total_count=self.total_count, probs=new.probs)
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _new(self, *args, **kwargs):
        return self._categorical._new(*args, **kwargs)

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def param_shape(self):
        return self._categorical.param_shape

    def sample(self, sample_shape=()):
        """total_count categorical draws per event, counted per category."""
        sample_shape = _as_size(sample_shape)
        k = self._categorical._num_events
        with mt.no_grad():
            draws = self._categorical.sample((self.total_count,) + tuple(sample_shape))
            counts = F.one_hot(draws, k).sum(0) if self.total_count > 0 else \
                mt.zeros(self._extended_shape(sample_shape), dtype=mt.int64,
                         device=self.probs.device)
            return counts.type_as(self.probs)

    def entropy(self):
        n = float(self.total_count)
        term1 = n * self._categorical.entropy() - math.lgamma(n + 1)
        support = self._binomial.enumerate_support(expand=False)[1:]
        binomial_probs = mt.exp(self._binomial.log_prob(support))
        weights = mt.lgamma(support + 1)
        term2 = (binomial_probs * weights).sum(0).sum(-1)
        return term1 + term2

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = mt.lgamma(value.sum(-1) + 1)
        log_factorial_xs = mt.lgamma(value + 1).sum(-1)
        logits = mt.where((value == 0) & (logits == -math.inf), 0.0, logits)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)
