"""nn.utils.prune: magnitude, random and custom pruning of parameters (PyTorch's
torch.nn.utils.prune, same names and mechanics).

Pruning a parameter ``name`` of a module reparameterizes it:

* the original values move to a new Parameter ``name + "_orig"`` (the one the optimizer
  trains; ``name`` leaves ``_parameters``),
* a buffer ``name + "_mask"`` (same shape and dtype, 1 = kept, 0 = pruned) is registered,
  so ``state_dict()`` holds ``weight_orig`` and ``weight_mask``,
* the plain attribute ``name`` is set to ``orig * mask`` and recomputed before every
  forward by a forward pre-hook: the pruning method object itself (it is callable).
  Because ``name = mask * orig`` is an ordinary product, the gradient reaching
  ``name_orig`` is ``mask * dL/dname``: pruned entries get zero gradient.

Pruning the same parameter again composes the masks: the hook becomes a
PruningContainer, and the new method only sees the entries (unstructured) or channels
(structured) that are still alive, so ``amount`` as a fraction counts what is left.
``remove(module, name)`` makes the pruning permanent: ``name`` is a Parameter again,
holding ``orig * mask``, and ``_orig``, ``_mask`` and the hook are gone.

Masks are computed on detached tensors: pruning decides which entries survive, it is
not differentiated. The random methods draw from minitorch's generator (so the chosen
entries differ from PyTorch's for the same seed); the deterministic ones (L1, Ln,
custom, global) pick exactly PyTorch's entries (ties between equal magnitudes aside).
"""
from __future__ import annotations

import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable

from ... import creation
from ...autograd.grad_mode import no_grad
from ...functional.decomposition import matrix_norm as _matrix_norm
from ...functional.elementwise import abs as _abs
from ...functional.reduction import norm as _norm
from ...functional.sorting import kthvalue as _kthvalue, topk as _topk
from .convert_parameters import parameters_to_vector

__all__ = ["BasePruningMethod", "PruningContainer", "Identity", "RandomUnstructured",
           "L1Unstructured", "RandomStructured", "LnStructured", "CustomFromMask",
           "identity", "random_unstructured", "l1_unstructured", "random_structured",
           "ln_structured", "global_unstructured", "custom_from_mask", "remove",
           "is_pruned"]


# ============================================================================ base class
class BasePruningMethod(ABC):
    """Base of every pruning technique. A subclass sets ``PRUNING_TYPE`` (``"unstructured"``:
    individual entries, ``"structured"``: whole channels along ``self.dim``, or ``"global"``:
    the mask covers the whole tensor) and writes ``compute_mask(t, default_mask)``; the
    class method ``apply(module, name, ...)`` installs it on a module.

    An installed method is the module's forward pre-hook: calling it with
    ``(module, inputs)`` recomputes ``module.<name> = module.<name>_mask * module.<name>_orig``.
    """

    _tensor_name: str

    def __call__(self, module, inputs):
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t, default_mask):
        """The mask for `t` (the importance scores of the parameter), built on top of
        `default_mask` (the mask of earlier pruning, ones the first time): entries already
        0 in default_mask stay 0."""

    def apply_mask(self, module):
        """The pruned tensor ``mask * orig`` of this method's parameter in `module`;
        differentiable with respect to ``orig`` (d/d orig = mask)."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned")
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return mask.to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module, name, *args, importance_scores=None, **kwargs):
        """Prune ``module.<name>`` with ``cls(*args, **kwargs)``: reparameterize it as
        ``<name>_orig`` and ``<name>_mask`` (the first time), compute the mask from
        `importance_scores` (the parameter itself when None; same shape), and register
        the method (or the PruningContainer combining it with earlier ones) as the forward
        pre-hook. Returns that hook. If computing the mask fails, a first-time
        reparameterization is rolled back."""
        method = _compose_with_existing(cls, module, name, *args, **kwargs)
        orig = getattr(module, name)
        if importance_scores is not None:
            if importance_scores.shape != orig.shape:
                raise AssertionError(
                    f"importance_scores should have the same shape as parameter {name} of "
                    f"{module}, got {importance_scores.shape} vs {orig.shape}")
        else:
            importance_scores = orig

        first_time = not isinstance(method, PruningContainer)
        if first_time:
            # the Parameter moves to <name>_orig; <name> becomes a plain attribute below
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = creation.ones_like(orig)
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()

        try:
            mask = method.compute_mask(importance_scores, default_mask=default_mask)
            module.register_buffer(name + "_mask", mask)
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception:
            if first_time:
                orig = getattr(module, name + "_orig")
                module.register_parameter(name, orig)
                del module._parameters[name + "_orig"]
            raise
        return method

    def prune(self, t, default_mask=None, importance_scores=None):
        """``t * mask``, the mask computed from `importance_scores` (`t` when None) on top
        of `default_mask` (ones when None); nothing is registered anywhere."""
        if importance_scores is not None:
            if importance_scores.shape != t.shape:
                raise AssertionError(f"importance_scores should have the same shape as "
                                     f"tensor t, got {importance_scores.shape} vs {t.shape}")
        else:
            importance_scores = t
        default_mask = default_mask if default_mask is not None else creation.ones_like(t)
        return t * self.compute_mask(importance_scores, default_mask=default_mask)

    def remove(self, module) -> None:
        """Make the pruning permanent: ``module.<name>`` becomes the Parameter
        ``<name>_orig`` (the same object, so optimizers holding it keep working) whose
        values are now ``orig * mask``; ``<name>_orig`` and ``<name>_mask`` are deleted.
        (The hook itself is removed by the function ``remove``.)"""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned before pruning can be "
                                 "removed")
        weight = self.apply_mask(module)
        if hasattr(module, self._tensor_name):
            delattr(module, self._tensor_name)
        orig = module._parameters[self._tensor_name + "_orig"]
        orig.data = weight.data
        del module._parameters[self._tensor_name + "_orig"]
        del module._buffers[self._tensor_name + "_mask"]
        setattr(module, self._tensor_name, orig)


def _compose_with_existing(cls, module, name, *args, **kwargs):
    """A new ``cls(*args, **kwargs)`` for ``module.<name>``, combined with the pruning hook
    already on that parameter if there is one: that hook is taken off the module, and the
    result is a PruningContainer ending with the new method."""
    old_keys = [k for k, hook in module._forward_pre_hooks.items()
                if isinstance(hook, BasePruningMethod) and hook._tensor_name == name]
    if len(old_keys) > 1:
        raise AssertionError(f"Avoid adding multiple pruning hooks to the same tensor {name} "
                             f"of module {module}. Use a PruningContainer.")
    old_method = module._forward_pre_hooks[old_keys[0]] if old_keys else None
    for k in old_keys:
        del module._forward_pre_hooks[k]

    method = cls(*args, **kwargs)
    method._tensor_name = name
    if old_method is None:
        return method
    if isinstance(old_method, PruningContainer):
        old_method.add_pruning_method(method)
        return old_method
    container = PruningContainer(old_method)
    container.add_pruning_method(method)
    return container


# ============================================================================ container
class PruningContainer(BasePruningMethod):
    """The sequence of pruning methods applied, in order, to one parameter (iterative
    pruning). Its ``compute_mask`` runs the latest method on the part of the tensor that
    earlier masks left alive and writes the result into the earlier mask.

    ``PruningContainer(method)`` takes the method's parameter name; with several methods
    they must all act on the same parameter."""

    def __init__(self, *args) -> None:
        self._pruning_methods: tuple = ()
        if len(args) == 1:
            self._tensor_name = args[0]._tensor_name
            self.add_pruning_method(args[0])
        else:
            for method in args:
                if not hasattr(self, "_tensor_name") and isinstance(method, BasePruningMethod):
                    # PyTorch raises AttributeError here; the first method names the tensor
                    self._tensor_name = method._tensor_name
                self.add_pruning_method(method)

    def add_pruning_method(self, method) -> None:
        """Append `method` (a BasePruningMethod acting on this container's parameter)."""
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        elif method is not None and self._tensor_name != method._tensor_name:
            raise ValueError("Can only add pruning methods acting on the parameter named "
                             f"'{self._tensor_name}' to PruningContainer {self}. Found "
                             f"'{method._tensor_name}'")
        self._pruning_methods += (method,)

    def __len__(self) -> int:
        return len(self._pruning_methods)

    def __iter__(self):
        return iter(self._pruning_methods)

    def __getitem__(self, idx):
        return self._pruning_methods[idx]

    def compute_mask(self, t, default_mask):
        """`default_mask` with the latest method's mask written into the slice it acts on:
        the entries where the mask is still 1 (unstructured), the channels along
        ``method.dim`` not entirely 0 yet (structured), or everything (global)."""
        method = self._pruning_methods[-1]
        new_mask = default_mask.to(dtype=t.dtype)
        slc = _live_slice(method, t, default_mask)
        partial_mask = method.compute_mask(t[slc], default_mask=default_mask[slc])
        new_mask[slc] = partial_mask.to(dtype=new_mask.dtype)
        return new_mask


def _live_slice(method, t, mask):
    """The index selecting the part of `t` that `method` may still prune, given `mask`."""
    kind = method.PRUNING_TYPE
    if kind == "unstructured":
        return mask == 1
    if kind == "structured":
        if not hasattr(method, "dim"):
            raise AttributeError('Pruning methods of PRUNING_TYPE "structured" need to have '
                                 "the attribute `dim` defined.")
        n_dims = t.dim()
        dim = method.dim + n_dims if method.dim < 0 else method.dim
        if dim < 0:
            raise IndexError(f"Index is out of bounds for tensor with dimensions {n_dims}")
        keep_channel = mask.sum(dim=[d for d in range(n_dims) if d != dim]) != 0
        slc = [slice(None)] * n_dims
        slc[dim] = keep_channel
        return tuple(slc)
    if kind == "global":
        return (slice(None),) * len(t.shape)
    raise ValueError(f"Unrecognized PRUNING_TYPE {kind}")


# ============================================================================ methods
class Identity(BasePruningMethod):
    """Prunes nothing: the reparameterization with a mask of ones."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        return default_mask

    @classmethod
    def apply(cls, module, name):
        return super().apply(module, name)


class RandomUnstructured(BasePruningMethod):
    """Prunes `amount` entries (an int count, or a float fraction rounded to the nearest
    count) chosen uniformly at random."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t, default_mask):
        k = _checked_nparams_toprune(self.amount, t.nelement())
        mask = default_mask.clone()
        if k != 0:
            prob = creation.rand_like(t.detach())
            mask.view(-1)[_topk(prob.view(-1), k=k).indices] = 0
        return mask

    @classmethod
    def apply(cls, module, name, amount):
        return super().apply(module, name, amount=amount)


class L1Unstructured(BasePruningMethod):
    """Prunes the `amount` entries of smallest absolute value (int count or float
    fraction)."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t, default_mask):
        k = _checked_nparams_toprune(self.amount, t.nelement())
        mask = default_mask.clone()
        if k != 0:
            smallest = _topk(_abs(t.detach()).view(-1), k=k, largest=False)
            mask.view(-1)[smallest.indices] = 0
        return mask

    @classmethod
    def apply(cls, module, name, amount, importance_scores=None):
        return super().apply(module, name, amount=amount,
                             importance_scores=importance_scores)


class RandomStructured(BasePruningMethod):
    """Prunes `amount` whole channels along `dim` (int count or float fraction of
    ``t.shape[dim]``), chosen at random. Needs a tensor of at least 2 dims."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount, dim=-1) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount
        self.dim = dim

    def compute_mask(self, t, default_mask):
        _validate_structured_pruning(t)
        _validate_pruning_dim(t, self.dim)
        nchannels = t.shape[self.dim]
        k = _checked_nparams_toprune(self.amount, nchannels)
        if k == 0:
            return default_mask
        # the k channels drawing the lowest random numbers are pruned
        prob = creation.rand(nchannels, device=t.device)
        threshold = _kthvalue(prob, k=k).values
        mask = _channel_mask(t, self.dim, prob > threshold)
        mask *= default_mask.to(dtype=mask.dtype)
        return mask

    @classmethod
    def apply(cls, module, name, amount, dim=-1):
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(BasePruningMethod):
    """Prunes the `amount` channels along `dim` with the smallest L`n` norm (`n` as
    ``p`` of ``torch.norm``: an int/float, inf, -inf, 'fro' or 'nuc'), the norm taken
    over all the other dims. Needs a tensor of at least 2 dims."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount, n, dim=-1) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount
        self.n = n
        self.dim = dim

    def compute_mask(self, t, default_mask):
        _validate_structured_pruning(t)
        _validate_pruning_dim(t, self.dim)
        nchannels = t.shape[self.dim]
        k = _checked_nparams_toprune(self.amount, nchannels)
        if k == 0:
            return default_mask
        norm = _compute_norm(t.detach(), self.n, self.dim)
        kept = _topk(norm, k=nchannels - k, largest=True).indices
        mask = _channel_mask(t, self.dim, kept)
        mask *= default_mask.to(dtype=mask.dtype)
        return mask

    @classmethod
    def apply(cls, module, name, amount, n, dim, importance_scores=None):
        return super().apply(module, name, amount=amount, n=n, dim=dim,
                             importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """Prunes with a given mask (same shape as the parameter; nonzero = kept)."""

    PRUNING_TYPE = "global"

    def __init__(self, mask) -> None:
        self.mask = mask

    def compute_mask(self, t, default_mask):
        if default_mask.shape != self.mask.shape:
            raise AssertionError(f"default_mask shape {default_mask.shape} must match "
                                 f"self.mask shape {self.mask.shape}")
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module, name, mask):
        return super().apply(module, name, mask=mask)


def _channel_mask(t, dim, channels):
    """Zeros shaped like `t` with ones in the given channels along `dim` (`channels` a
    bool tensor over the channels or a tensor of channel indices)."""
    mask = creation.zeros_like(t)
    slc = [slice(None)] * len(t.shape)
    slc[dim] = channels
    mask[tuple(slc)] = 1
    return mask


# ============================================================================ functions
def identity(module, name):
    """Reparameterize ``module.<name>`` for pruning with a mask of ones (prunes nothing).
    Returns the module."""
    Identity.apply(module, name)
    return module


def random_unstructured(module, name, amount):
    """Prune `amount` (int count or float fraction) of the still unpruned entries of
    ``module.<name>``, chosen at random. Returns the module."""
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module, name, amount, importance_scores=None):
    """Prune the `amount` (int count or float fraction) still unpruned entries of
    ``module.<name>`` with the smallest absolute value (of `importance_scores` when
    given). Returns the module."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module, name, amount, dim):
    """Prune `amount` (int count or float fraction) of the still unpruned channels of
    ``module.<name>`` along `dim`, chosen at random. Returns the module."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module, name, amount, n, dim, importance_scores=None):
    """Prune the `amount` (int count or float fraction) channels of ``module.<name>``
    along `dim` with the smallest L`n` norm (of `importance_scores` when given). Returns
    the module."""
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs):
    """Prune several parameters together: the ``(module, name)`` pairs in `parameters` are
    flattened into one vector (their `importance_scores[(module, name)]` where given), the
    unstructured `pruning_method` class (e.g. L1Unstructured, with its kwargs such as
    ``amount``) picks the entries to prune across all of them, and each parameter gets its
    slice of the mask through custom_from_mask. Earlier masks are respected."""
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    parameters = list(parameters)   # PyTorch reads it several times (a generator would
    #                                 be exhausted after the first pass there)

    with no_grad():
        scores = parameters_to_vector(
            [importance_scores.get((module, name), getattr(module, name))
             for (module, name) in parameters])
        default_mask = parameters_to_vector(
            [getattr(module, name + "_mask", None)
             if hasattr(module, name + "_mask") else creation.ones_like(getattr(module, name))
             for (module, name) in parameters])

    container = PruningContainer()
    container._tensor_name = "temp"
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError('Only "unstructured" PRUNING_TYPE supported for the `pruning_method`.'
                        f" Found method {pruning_method} of type {method.PRUNING_TYPE}")
    container.add_pruning_method(method)
    final_mask = container.compute_mask(scores, default_mask)

    pointer = 0
    for module, name in parameters:
        param = getattr(module, name)
        num_param = param.numel()
        param_mask = final_mask[pointer:pointer + num_param].view_as(param)
        custom_from_mask(module, name, mask=param_mask)
        pointer += num_param


def custom_from_mask(module, name, mask):
    """Prune ``module.<name>`` with the given `mask` (same shape; 0 = pruned), on top of
    any earlier mask. Returns the module."""
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module, name):
    """Make the pruning of ``module.<name>`` permanent and take its hook off: ``name`` is
    a Parameter again holding the pruned values; ``name_orig`` and ``name_mask`` are
    deleted. Pruning is not undone. Returns the module."""
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning "
                     "can be removed")


def is_pruned(module) -> bool:
    """Whether `module` or any submodule carries a pruning hook."""
    for _, submodule in module.named_modules():
        for hook in submodule._forward_pre_hooks.values():
            if isinstance(hook, BasePruningMethod):
                return True
    return False


# ============================================================================ validation
def _validate_pruning_amount_init(amount) -> None:
    """amount must be an int >= 0 or a float in [0, 1] (checked when the method is built;
    the tensor's size is checked at pruning time)."""
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if (isinstance(amount, numbers.Integral) and amount < 0) or (
            not isinstance(amount, numbers.Integral)
            and (float(amount) > 1.0 or float(amount) < 0.0)):
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a "
                         "non-negative integer")


def _validate_pruning_amount(amount, tensor_size) -> None:
    """An int amount may not exceed the number of units there are to prune."""
    if isinstance(amount, numbers.Integral) and amount > tensor_size:
        raise ValueError(f"amount={amount} should be smaller than the number of parameters to "
                         f"prune={tensor_size}")


def _compute_nparams_toprune(amount, tensor_size):
    """The number of units to prune: `amount` itself when an int, else
    round(amount * tensor_size) (Python's round: halves go to even)."""
    if isinstance(amount, numbers.Integral):
        return amount
    return round(amount * tensor_size)


def _checked_nparams_toprune(amount, tensor_size):
    k = _compute_nparams_toprune(amount, tensor_size)
    _validate_pruning_amount(k, tensor_size)
    return k


def _validate_structured_pruning(t) -> None:
    """Channels need a tensor of at least 2 dims."""
    shape = t.shape
    if len(shape) <= 1:
        raise ValueError("Structured pruning can only be applied to multidimensional "
                         f"tensors. Found tensor of shape {shape} with {len(shape)} dims")


def _validate_pruning_dim(t, dim) -> None:
    if dim >= t.dim():
        raise IndexError(f"Invalid index {dim} for tensor of size {t.shape}")


def _compute_norm(t, n, dim):
    """The L`n` norm of each channel of `t` along `dim` (over all the other dims), as
    ``torch.norm(t, p=n, dim=others)`` computes it: a string `n` other than 'fro' over at
    most two dims ('nuc', or 'fro' over three or more) is a matrix norm, which needs
    exactly two other dims."""
    dims = list(range(t.dim()))
    if dim < 0:
        dim = dims[dim]
    dims.remove(dim)
    if isinstance(n, str) and not (n == "fro" and len(dims) <= 2):
        return _matrix_norm(t, n, dim=dims)
    return _norm(t, p=n, dim=dims)
