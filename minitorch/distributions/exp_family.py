"""ExponentialFamily: distributions with density p(x; theta) = exp(<t(x), theta> - F(theta) + k(x)).

theta are the natural parameters, t(x) the sufficient statistic, F the log normalizer and
k the carrier measure. Because E[t(x)] = grad F(theta), the entropy is

    H = -E[log p] = F(theta) - <theta, grad F(theta)> - E[k(x)]

which autograd computes from F alone (Nielsen & Nock, "Entropies and cross-entropies of
exponential families"); the KL divergence between two members of one family is the
Bregman divergence of F (kl.py). Subclasses give ``_natural_params``,
``_log_normalizer(*theta)`` and ``_mean_carrier_measure``.
"""
from __future__ import annotations

import minitorch as mt
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """Base class of exponential-family distributions (see the module docstring)."""

    @property
    def _natural_params(self):
        """The natural parameters theta, a tuple of tensors."""
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        """F(theta)."""
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        """E[k(x)]."""
        raise NotImplementedError

    def entropy(self):
        """H = F(theta) - <theta, grad F(theta)> - E[k(x)], with grad F from autograd
        (create_graph=True, so the entropy stays differentiable)."""
        result = -self._mean_carrier_measure
        thetas = [p.detach().requires_grad_() for p in self._natural_params]
        with mt.enable_grad():
            log_norm = self._log_normalizer(*thetas)
            grads = mt.autograd.grad(log_norm.sum(), thetas, create_graph=True)
        result = result + log_norm
        for theta, g in zip(thetas, grads):
            result = result - (theta * g).reshape(tuple(self._batch_shape) + (-1,)).sum(-1)
        return result
