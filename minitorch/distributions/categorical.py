"""Categorical(probs=p) or Categorical(logits=l): one of K categories 0..K-1, the last
dimension of the parameter indexing them (so batch_shape = param.shape[:-1]).

    probs are normalized to sum to 1; logits are normalized to log-probabilities,
    logits = l - logsumexp(l). Either is computed from the other on first use.
    log p(k) = logits[k]
    H        = -sum_k p_k logits_k
Sampling is not differentiable (use RelaxedOneHotCategorical or
OneHotCategoricalStraightThrough for a gradient through the draw); REINFORCE
differentiates log_prob instead.
"""
from __future__ import annotations

import math

import minitorch as mt
from . import constraints
from .distribution import Distribution, _as_size
from .utils import lazy_property, logits_to_probs, probs_to_logits

__all__ = ["Categorical"]


def _check_param(fn, name, value):
    if not isinstance(value, mt.Tensor):
        raise TypeError(f"{fn}(): `{name}` must be a Tensor, got {type(value).__name__}")
    if value.dim() < 1:
        raise ValueError(f"`{name}` parameter must be at least one-dimensional.")


class Categorical(Distribution):
    """A distribution over K categories given by `probs` or `logits` (..., K)."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            _check_param(type(self).__name__, "probs", probs)
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            _check_param(type(self).__name__, "logits", logits)
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.size()[-1]
        batch_shape = tuple(self._param.shape[:-1]) if self._param.dim() > 1 else ()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Categorical, batch_shape, _instance, ("probs", "logits"),
                                  copy=("_num_events",))

    def _new(self, *args, **kwargs):
        return self._param.new(*args, **kwargs)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self._num_events - 1)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits)

    @property
    def param_shape(self):
        return self._param.size()

    @property
    def mean(self):
        return mt.full(self._extended_shape(), math.nan, dtype=self.probs.dtype,
                       device=self.probs.device)

    @property
    def mode(self):
        return self.probs.argmax(dim=-1)

    @property
    def variance(self):
        return mt.full(self._extended_shape(), math.nan, dtype=self.probs.dtype,
                       device=self.probs.device)

    def sample(self, sample_shape=()):
        """Category indices (int64) of shape sample_shape + batch_shape."""
        sample_shape = _as_size(sample_shape)
        n = math.prod(sample_shape)
        with mt.no_grad():
            if n == 0:
                return mt.zeros(self._extended_shape(sample_shape), dtype=mt.int64,
                                device=self._param.device)
            probs_2d = self.probs.reshape(-1, self._num_events)
            samples_2d = mt.multinomial(probs_2d, n, True).T
            return samples_2d.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value):
        """logits[value], broadcasting value against batch_shape."""
        if self._validate_args:
            self._validate_sample(value)
        value = value.long().unsqueeze(-1)
        value, log_pmf = mt.broadcast_tensors(value, self.logits)
        return log_pmf.gather(-1, value[..., :1]).squeeze(-1)

    def entropy(self):
        """-sum p log p (logits clamped to the dtype's finite minimum, so p = 0 adds 0)."""
        logits = mt.clamp(self.logits, min=mt.finfo(self.logits.dtype).min)
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand=True):
        values = mt.arange(self._num_events, dtype=mt.int64, device=self._param.device)
        values = values.view((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + tuple(self._batch_shape))
        return values
