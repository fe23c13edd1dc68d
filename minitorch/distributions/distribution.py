"""Distribution: the base class of every probability distribution, as PyTorch's.

Shapes. A distribution holds a batch of independent distributions (``batch_shape``), each
over events of ``event_shape``. ``sample(sample_shape)`` returns
``sample_shape + batch_shape + event_shape``; ``log_prob(value)`` returns one number per
event, ``sample_shape + batch_shape``. Normal(zeros(3), 1) has batch_shape (3,) and
event_shape (); MultivariateNormal(zeros(3), eye(3)) has batch_shape () and event_shape (3,).

Gradients. ``rsample`` draws with the reparameterization trick (the sample is a
differentiable function of the parameters and parameter-free noise), so a loss on samples
can be differentiated (VAEs); ``sample`` draws under no_grad. ``log_prob``, ``entropy``,
``cdf`` and the moments are differentiable in the parameters (REINFORCE differentiates
log_prob of sampled actions).

Validation. With ``validate_args`` (on by default, as in PyTorch; off under ``python -O``
or with ``Distribution.set_default_validate_args(False)``), constructors check each
parameter against ``arg_constraints`` and ``log_prob``/``cdf``/``icdf`` check the value's
shape and ``support``, raising PyTorch's ValueError messages.
"""
from __future__ import annotations

import warnings

import minitorch as mt
from ..tensor import Tensor
from . import constraints
from .utils import lazy_property

__all__ = ["Distribution"]


def _as_size(shape, fn="sample") -> "mt.Size":
    """A shape argument (a Size, tuple or list of ints) as a minitorch.Size."""
    if isinstance(shape, mt.Size):
        return shape
    try:
        return mt.Size(tuple(int(s) for s in shape))
    except TypeError:
        raise TypeError(f"'{type(shape).__name__}' object is not iterable: {fn}() takes a "
                        f"shape such as (n,) or torch.Size([n]), not {shape!r}") from None


class Distribution:
    """The abstract base class of probability distributions.

    Args:
        batch_shape: the shape over which the parameters are batched.
        event_shape: the shape of one sample (without batching).
        validate_args: whether to check parameters and values (None: the class default).
    """

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument validation on or off for every distribution created afterwards
        without an explicit validate_args."""
        if value not in (True, False):
            raise ValueError(f"set_default_validate_args(): value must be True or False, "
                             f"got {value!r}")
        Distribution._validate_args = value

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape = _as_size(batch_shape, "Distribution")
        self._event_shape = _as_size(event_shape, "Distribution")
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            self._check_parameters()
        super().__init__()

    def _check_parameters(self):
        """Check every parameter against its constraint (skipping dependent ones and
        lazily computed ones not computed yet)."""
        try:
            arg_constraints = self.arg_constraints
        except NotImplementedError:
            arg_constraints = {}
            warnings.warn(f"{self.__class__} does not define `arg_constraints`. Please set "
                          "`arg_constraints = {}` or initialize the distribution with "
                          "`validate_args=False` to turn off validation.", stacklevel=3)
        for param, constraint in arg_constraints.items():
            if constraints.is_dependent(constraint):
                continue
            if param not in self.__dict__ and isinstance(getattr(type(self), param, None),
                                                         lazy_property):
                continue
            value = getattr(self, param)
            if not bool(constraint.check(value).all()):
                raise ValueError(
                    f"Expected parameter {param} ({type(value).__name__} of shape "
                    f"{tuple(value.shape)}) of distribution {self!r} to satisfy the "
                    f"constraint {constraint!r}, but found invalid values:\n{value}")

    def expand(self, batch_shape, _instance=None):
        """A new distribution with its parameters expanded (no copy) to `batch_shape`;
        no argument checking is repeated."""
        raise NotImplementedError

    @property
    def batch_shape(self):
        """The shape over which the parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self):
        """The shape of one sample (without batching)."""
        return self._event_shape

    @property
    def arg_constraints(self) -> dict:
        """Parameter name -> the Constraint it must satisfy."""
        raise NotImplementedError

    @property
    def support(self):
        """The Constraint describing where the distribution puts its mass."""
        raise NotImplementedError

    @property
    def mean(self):
        raise NotImplementedError

    @property
    def mode(self):
        raise NotImplementedError(f"{self.__class__} does not implement mode")

    @property
    def variance(self):
        raise NotImplementedError

    @property
    def stddev(self):
        return self.variance.sqrt()

    def sample(self, sample_shape=()):
        """A draw of shape sample_shape + batch_shape + event_shape, without gradient."""
        with mt.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        """A reparameterized draw: differentiable in the parameters."""
        raise NotImplementedError

    def sample_n(self, n: int):
        """Deprecated: sample((n,))."""
        warnings.warn("`sample_n(n)` will be deprecated. Use `sample((n,))` instead.",
                      FutureWarning, stacklevel=2)
        return self.sample(mt.Size((n,)))

    def log_prob(self, value):
        """The log density (or log mass) at `value`, one number per event."""
        raise NotImplementedError

    def cdf(self, value):
        """The cumulative distribution function at `value`."""
        raise NotImplementedError

    def icdf(self, value):
        """The inverse of the cumulative distribution function at `value`."""
        raise NotImplementedError

    def enumerate_support(self, expand: bool = True):
        """Every value of a discrete distribution along dimension 0:
        (cardinality,) + batch_shape + event_shape, or with expand=False
        (cardinality,) + (1,) * len(batch_shape) + event_shape."""
        raise NotImplementedError

    def entropy(self):
        """The entropy, one number per batch element."""
        raise NotImplementedError

    def perplexity(self):
        """exp(entropy)."""
        return mt.exp(self.entropy())

    def _extended_shape(self, sample_shape=()):
        """sample_shape + batch_shape + event_shape, as a Size."""
        sample_shape = _as_size(sample_shape)
        return mt.Size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def _validate_sample(self, value):
        """Check that `value` can be scored: a tensor whose rightmost dimensions equal
        event_shape, broadcastable with batch_shape + event_shape, inside the support."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_start = value.dim() - len(self._event_shape)
        if tuple(value.shape[event_start:]) != tuple(self._event_shape):
            raise ValueError(f"The right-most size of value must match event_shape: "
                             f"{value.size()} vs {self._event_shape}.")
        actual = tuple(value.shape)
        expected = tuple(self._batch_shape) + tuple(self._event_shape)
        for i, j in zip(reversed(actual), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: "
                                 f"{mt.Size(actual)} vs {mt.Size(expected)}.")
        try:
            support = self.support
        except NotImplementedError:
            warnings.warn(f"{self.__class__} does not define `support` to enable sample "
                          "validation. Please initialize the distribution with "
                          "`validate_args=False` to turn off validation.", stacklevel=3)
            return
        if not bool(support.check(value).all()):
            raise ValueError(
                f"Expected value argument ({type(value).__name__} of shape "
                f"{tuple(value.shape)}) to be within the support ({support!r}) of the "
                f"distribution {self!r}, but found invalid values:\n{value}")

    def _expand_params(self, cls, batch_shape, _instance, params, copy=()):
        """The body of most expand() methods: a new `cls` instance whose tensors in
        `params` (those already computed) are expanded to batch_shape + their own
        trailing event part, with the attributes in `copy` shared, and validation as
        self's."""
        new = self._get_checked_instance(cls, _instance)
        batch_shape = _as_size(batch_shape, "expand")
        n_batch = len(self._batch_shape)
        for name in params:
            if name in self.__dict__:
                value = self.__dict__[name]
                setattr(new, name, value.expand(tuple(batch_shape) + tuple(value.shape[n_batch:])))
        for name in copy:
            setattr(new, name, getattr(self, name))
        param = self.__dict__.get("_param")  # the parameter the user gave (probs or logits)
        for name in params:
            if param is not None and self.__dict__.get(name) is param:
                new._param = getattr(new, name)
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _get_checked_instance(self, cls, _instance=None):
        """A blank instance for expand(): subclasses with their own __init__ must
        override expand()."""
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(
                f"Subclass {self.__class__.__name__} of {cls.__name__} that defines a custom "
                "__init__ method must also define a custom .expand() method.")
        return self.__new__(type(self)) if _instance is None else _instance

    def __repr__(self):
        try:
            names = [k for k in self.arg_constraints if k in self.__dict__]
        except NotImplementedError:
            names = []
        parts = []
        for p in names:
            v = self.__dict__[p]
            shown = v if not isinstance(v, Tensor) or v.numel() == 1 else v.size()
            parts.append(f"{p}: {shown}")
        return self.__class__.__name__ + "(" + ", ".join(parts) + ")"
