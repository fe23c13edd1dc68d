"""VonMises(loc, concentration=kappa): the circular normal distribution on angles.

    log p(x) = kappa cos(x - loc) - log(2 pi) - log I0(kappa)
    mean = mode = loc (the circular mean),  variance = 1 - I1(kappa) / I0(kappa)
               (the circular variance)

log I0 and log I1 use the polynomial approximations of Abramowitz & Stegun 9.8.1-9.8.4
(relative error below 2e-7), as PyTorch does, so values and gradients agree with it.
Samples are drawn on the host (NumPy's von Mises sampler, the Best & Fisher 1979
rejection method PyTorch uses too), in [-pi, pi); they are not reparameterized.
"""
from __future__ import annotations

import math

import numpy as np

import minitorch as mt
from ..tensor import _make
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, lazy_property, _host, _to_device_like

__all__ = ["VonMises"]

# Abramowitz & Stegun 9.8.1 / 9.8.3 (x < 3.75, in (x/3.75)^2) and 9.8.2 / 9.8.4
# (x >= 3.75, in 3.75/x)
_I0_COEF_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2]
_I0_COEF_LARGE = [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2,
                  -0.2057706e-1, 0.2635537e-1, -0.1647633e-1, 0.392377e-2]
_I1_COEF_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2,
                  0.32411e-3]
_I1_COEF_LARGE = [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1,
                  0.2282967e-1, -0.2895312e-1, 0.1787654e-1, -0.420059e-2]
_COEF_SMALL = [_I0_COEF_SMALL, _I1_COEF_SMALL]
_COEF_LARGE = [_I0_COEF_LARGE, _I1_COEF_LARGE]


def _eval_poly(y, coef):
    """coef[0] + coef[1] y + coef[2] y^2 + ... by Horner's rule."""
    result = coef[-1]
    for c in reversed(coef[:-1]):
        result = c + y * result
    return result


def _log_modified_bessel_fn(x, order=0):
    """log I_order(x) for x > 0, order 0 or 1."""
    if order not in (0, 1):
        raise ValueError(f"_log_modified_bessel_fn(): order must be 0 or 1, got {order}")
    is_small = x < 3.75
    # each branch sees only arguments inside its range (the other is masked out anyway),
    # so neither takes the log of a polynomial outside its domain
    xs = mt.where(is_small, x, 1.0)
    xl = mt.where(is_small, 3.75, x)
    small = _eval_poly((xs / 3.75) ** 2, _COEF_SMALL[order])
    if order == 1:
        small = xs.abs() * small
    small = small.log()
    large = xl - 0.5 * xl.log() + _eval_poly(3.75 / xl, _COEF_LARGE[order]).log()
    return mt.where(is_small, small, large)


class VonMises(Distribution):
    """The von Mises distribution on the circle."""

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, (), validate_args)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (self.concentration * mt.cos(value - self.loc) - math.log(2 * math.pi)
                - _log_modified_bessel_fn(self.concentration, order=0))

    def sample(self, sample_shape=()):
        """Draws in [-pi, pi), made on the host in float64."""
        shape = tuple(self._extended_shape(sample_shape))
        with mt.no_grad():
            loc = np.broadcast_to(_host(self.loc._data), shape)
            kappa = np.broadcast_to(_host(self.concentration._data), shape)
            x = mt.random.rng().vonmises(0.0, kappa, size=shape)
            x = np.mod(x + math.pi + loc, 2 * math.pi) - math.pi  # host: host-drawn samples
            return _make(_to_device_like(x, self.loc._data))

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(VonMises, batch_shape, _instance, ("loc", "concentration"))

    @property
    def mean(self):
        """The circular mean."""
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        """The circular variance 1 - I1(kappa) / I0(kappa)."""
        return 1 - (_log_modified_bessel_fn(self.concentration, order=1)
                    - _log_modified_bessel_fn(self.concentration, order=0)).exp()
