"""Optimizer: the base of every optimizer, as in PyTorch.

An optimizer holds
- ``param_groups``: a list of dicts, each with ``"params"`` (a list of tensors) and the
  hyperparameters of that group (``lr``, ``momentum``, ...; missing ones are taken from
  ``defaults``), so one model can train its layers with different settings;
- ``state``: a dict keyed by the parameter tensor itself, holding what the algorithm
  carries from step to step (``momentum_buffer``, ``exp_avg``, ``step``, ...).

``step()`` runs under ``no_grad`` and changes each parameter's array in place, so every
module, view and optimizer that holds the Parameter object sees the new values, and a
float32 parameter stays float32 (Python numbers are weak scalars; NEP 50).

``state_dict()`` is PyTorch's format: parameters are replaced by their index in the order
they appear in the groups (``{"state": {0: {...}, 1: {...}}, "param_groups": [{...,
"params": [0, 1]}]}``), so a saved state loads into a fresh optimizer over a fresh model
with ``load_state_dict`` (a torch optimizer's ``state_dict`` loads too).
"""
from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Iterable
import copy
import functools
import warnings

import numpy as np

from .. import backend
from ..tensor import Tensor, _make
from ..autograd.grad_mode import enable_grad
from ..nn.module import zero_grads

__all__ = ["Optimizer", "required", "register_optimizer_step_pre_hook",
           "register_optimizer_step_post_hook"]


class _RequiredParameter:
    """Singleton class representing a required parameter for an Optimizer."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _to_scalar(x):
    """A hyperparameter as a Python number (a 1-element tensor lr is allowed, as torch)."""
    if isinstance(x, Tensor):
        return x.item()
    return x


def _check_lr(lr, message: str = "Invalid learning rate: {}") -> None:
    """torch's checks of ``lr``: a number, or a 1-element tensor, that is >= 0."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= _to_scalar(lr):
        raise ValueError(message.format(lr))


def _check_betas(betas) -> tuple:
    """``betas`` as a pair of numbers in [0, 1), with torch's messages."""
    betas = tuple(_to_scalar(b) for b in betas)
    if len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {len(betas)} values")
    for i, b in enumerate(betas):
        if not 0.0 <= b < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b}")
    return betas


def _as_state_array(value, fn: str):
    """A state value (minitorch tensor, torch tensor, NumPy/CuPy array) as an array."""
    if isinstance(value, Tensor):
        return value._data
    if backend.is_array(value):
        return value
    if hasattr(value, "detach") and hasattr(value, "cpu") and hasattr(value, "numpy"):
        return value.detach().cpu().numpy()  # a torch tensor, duck-typed
    raise TypeError(f"{fn}: cannot read a state value of type {type(value).__name__}")


def _is_tensor_like(value) -> bool:
    return (isinstance(value, Tensor) or backend.is_array(value)
            or (hasattr(value, "detach") and hasattr(value, "cpu") and hasattr(value, "numpy")))


class _HookHandle:
    """Returned by the ``register_*_hook`` methods: ``remove()`` takes the hook out again
    (also usable as a context manager), as torch.utils.hooks.RemovableHandle."""

    _next_id = 0

    def __init__(self, table: dict):
        self._table = table
        self.id = _HookHandle._next_id
        _HookHandle._next_id += 1

    def remove(self) -> None:
        self._table.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _add_hook(table: dict, hook, prepend: bool = False) -> _HookHandle:
    if not callable(hook):
        raise TypeError(f"hook must be callable, got {type(hook).__name__}")
    handle = _HookHandle(table)
    table[handle.id] = hook
    if prepend:
        table.move_to_end(handle.id, last=False)
    return handle


_global_step_pre_hooks: OrderedDict = OrderedDict()
_global_step_post_hooks: OrderedDict = OrderedDict()


def register_optimizer_step_pre_hook(hook) -> _HookHandle:
    """A hook ``hook(optimizer, args, kwargs)`` run before every optimizer's step(); it may
    return ``(new_args, new_kwargs)``. Returns a handle whose ``remove()`` unregisters it."""
    return _add_hook(_global_step_pre_hooks, hook)


def register_optimizer_step_post_hook(hook) -> _HookHandle:
    """A hook ``hook(optimizer, args, kwargs)`` run after every optimizer's step()."""
    return _add_hook(_global_step_post_hooks, hook)


def _hooked_step(step):
    """Wrap a class's ``step`` so the step hooks (global and per optimizer) run around it,
    as torch's ``profile_hook_step``. Applied once per class, by ``Optimizer.__init__``."""

    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        for hook in (*_global_step_pre_hooks.values(), *self._optimizer_step_pre_hooks.values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{hook} must return None or a tuple of (new_args, "
                                       f"new_kwargs), but got {result}.")
                args, kwargs = result
        out = step(self, *args, **kwargs)
        self._optimizer_step_code()
        for hook in (*self._optimizer_step_post_hooks.values(), *_global_step_post_hooks.values()):
            hook(self, args, kwargs)
        return out

    wrapper.hooked = True
    return wrapper


class Optimizer:
    r"""Base class for all optimizers.

    Args:
        params (iterable): an iterable of Tensors, of ``(name, Tensor)`` pairs (as given by
            ``model.named_parameters()``) or of dicts (parameter groups). It must have a
            deterministic order: not a set.
        defaults (dict): default values of the hyperparameters, used by every group that
            does not set them.

    A subclass sets its hyperparameters in ``__init__`` (validating them) and implements
    ``step``. See ``SGD`` for the smallest example.
    """

    def __init__(self, params, defaults: dict):
        self.defaults = defaults
        self._optimizer_step_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_step_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_post_hooks: OrderedDict = OrderedDict()
        self._patch_step_function()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {type(params).__name__}")
        if isinstance(params, dict):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got a dict; pass model.parameters(), or a "
                            "list of parameter-group dicts [{'params': ...}]")
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []

        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError(f"{type(self).__name__}: optimizer got an empty parameter list "
                             "(a model without parameters, or a parameters() generator that "
                             "was already consumed?)")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict) -> None:
        """Add a parameter group (a dict with ``"params"`` and optional hyperparameters).

        Useful for fine-tuning: unfreeze layers and add them as training goes on. A
        parameter may belong to one group only."""
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}.add_param_group(): param_group must be a dict, but got "
                            f"{type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{name}.add_param_group(): the group has no 'params' key")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            param_group["params"] = list(params)

        tensors, names = [], []
        for p in param_group["params"]:
            if isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str):
                names.append(p[0])
                tensors.append(p[1])
            else:
                tensors.append(p)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param "
                                 "names are missing")
            param_group["param_names"] = names

        for i, p in enumerate(tensors):
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: optimizer can only optimize Tensors, but parameter "
                                f"{i} of the group is a {type(p).__module__}."
                                f"{type(p).__name__}")
            if not (p.is_leaf or p.retains_grad):
                raise ValueError(f"{name}: can't optimize a non-leaf Tensor (parameter {i} of "
                                 "the group was computed from others; optimize the leaves, "
                                 "or detach() it and set requires_grad)")

        for key, default in self.defaults.items():
            if default is required and key not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {key}")
            param_group.setdefault(key, default)

        if len(tensors) != len({id(p) for p in tensors}):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "in future, this will cause an error", stacklevel=3)

        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                txt = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {txt} to the optimizer")
        if any(id(p) in seen for p in tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ------------------------------------------------------------------ gradients
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized tensors: to None (default), or to zeros
        with ``set_to_none=False``. A parameter whose grad is None is skipped by step()."""
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure=None):
        """Perform one optimization step. ``closure`` re-evaluates the model and returns
        the loss (optional for every optimizer here); it runs with grad mode on."""
        raise NotImplementedError

    def _run_closure(self, closure):
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _params_with_grad(self, group):
        """The (param, grad array) pairs of a group whose grad is not None, checked."""
        name = type(self).__name__
        out = []
        for p in group["params"]:
            g = p.grad
            if g is None:
                continue
            ga, pa = g._data, p._data
            if type(ga) is not type(pa) or (backend.array_device(ga) != backend.array_device(pa)):
                raise RuntimeError(f"{name}.step(): a parameter is on {p.device} but its "
                                   f"gradient is on {g.device}")
            if ga.shape != pa.shape:
                raise RuntimeError(f"{name}.step(): a parameter of shape {tuple(pa.shape)} has a "
                                   f"gradient of shape {tuple(ga.shape)}")
            if pa.dtype.kind != "f":
                raise RuntimeError(f"{name}.step(): can only optimize floating point "
                                   f"parameters, got {p.dtype}")
            if ga.dtype != pa.dtype:
                ga = ga.astype(pa.dtype)
            if not pa.flags.writeable:
                p._data = pa = pa.copy()
            out.append((p, ga))
        return out

    @staticmethod
    def _zeros_state(p, fill=0.0) -> Tensor:
        """A state tensor shaped, typed and placed like the parameter."""
        xp = backend.get_array_module(p._data)
        arr = xp.zeros_like(p._data) if fill == 0 else xp.full_like(p._data, fill)
        return _make(arr)

    @staticmethod
    def _step_tensor(value: float = 0.0) -> Tensor:
        """The step counter, a 0-d tensor on the CPU as torch keeps it: float32, or float64
        when that is the default dtype."""
        from ..dtypes import get_default_dtype, float64
        dt = np.float64 if get_default_dtype() is float64 else np.float32
        return _make(np.array(value, dtype=dt))

    @staticmethod
    def _bump(p) -> None:
        """Record an in-place change of the parameter (its version counter)."""
        p._vc[0] += 1

    # ------------------------------------------------------------------ hooks
    def _patch_step_function(self) -> None:
        """Make the step hooks run around this class's ``step`` (once per class)."""
        cls = type(self)
        step = cls.__dict__.get("step")
        if step is None:
            # inherited: wrap it on this class so the parent's own class stays as it is
            step = cls.step
        if not getattr(step, "hooked", False):
            cls.step = _hooked_step(step)

    def _optimizer_step_code(self) -> None:
        """An empty method called after every step (profilers hook here in torch)."""

    def register_step_pre_hook(self, hook) -> _HookHandle:
        """``hook(optimizer, args, kwargs)`` runs before each step(); it may return
        ``(new_args, new_kwargs)`` to replace the arguments. Returns a removable handle."""
        return _add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook) -> _HookHandle:
        """``hook(optimizer, args, kwargs)`` runs after each step()."""
        return _add_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend: bool = False) -> _HookHandle:
        """``hook(optimizer)`` runs at the start of state_dict()."""
        return _add_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend: bool = False) -> _HookHandle:
        """``hook(optimizer, state_dict)`` runs at the end of state_dict(); a returned dict
        replaces the state dict."""
        return _add_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend: bool = False) -> _HookHandle:
        """``hook(optimizer, state_dict)`` runs before load_state_dict() reads the state; a
        returned dict is loaded instead."""
        return _add_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend: bool = False) -> _HookHandle:
        """``hook(optimizer)`` runs at the end of load_state_dict()."""
        return _add_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ------------------------------------------------------------------ state_dict
    def state_dict(self) -> dict:
        """The optimizer's state as ``{"state": {index: {...}}, "param_groups": [...]}``.

        Parameters are named by their index in group order; the state tensors are the
        optimizer's own (not copies), as in torch."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        mapping: dict[int, int] = {}
        start = 0

        def pack_group(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict: dict) -> None:
        """Load a state from ``state_dict()`` (this optimizer's or torch's format).

        The groups must match in number and size. State tensors are copied onto the
        parameter's device and (for floating parameters) cast to its dtype; ``step``
        keeps its dtype, on the CPU."""
        name = type(self).__name__
        state_dict = state_dict.copy() if isinstance(state_dict, dict) else state_dict
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        if not isinstance(state_dict, dict) or "state" not in state_dict or \
                "param_groups" not in state_dict:
            raise ValueError(f"{name}.load_state_dict(): expected a dict with 'state' and "
                             f"'param_groups' keys, got {type(state_dict).__name__}"
                             + (f" with keys {sorted(map(str, state_dict))}"
                                if isinstance(state_dict, dict) else ""))
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError(f"{name}.load_state_dict(): loaded state dict has a different "
                             f"number of parameter groups ({len(saved_groups)} saved, "
                             f"{len(groups)} here)")
        for i, (g, s) in enumerate(zip(groups, saved_groups)):
            if len(g["params"]) != len(s["params"]):
                raise ValueError(f"{name}.load_state_dict(): loaded state dict contains a "
                                 f"parameter group that doesn't match the size of optimizer's "
                                 f"group (group {i}: {len(s['params'])} saved, "
                                 f"{len(g['params'])} here)")
        id_map = {}
        for g, s in zip(groups, saved_groups):
            for saved_id, p in zip(s["params"], g["params"]):
                id_map[saved_id] = p

        def cast(param, value, key=None):
            if _is_tensor_like(value):
                arr = _as_state_array(value, f"{name}.load_state_dict()")
                if key == "step":
                    arr = backend.transfer(arr, backend.CPU)
                    return _make(np.array(arr, copy=True))
                arr = backend.transfer(arr, param.device)
                if param._data.dtype.kind == "f" and arr.dtype.kind == "f":
                    arr = arr.astype(param._data.dtype)
                xp = backend.get_array_module(arr)
                return _make(xp.array(arr, copy=True))
            if isinstance(value, dict):
                return {k: cast(param, v, key=k) for k, v in value.items()}
            if isinstance(value, (str, bytes)):
                return value
            if isinstance(value, Iterable):
                return type(value)(cast(param, v) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = cast(param, v)
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

    # Keys a subclass fills into param groups that lack them (older checkpoints).
    _group_defaults: dict = {}

    # Per-parameter state entries that torch keeps as 0-d float32 tensors on the CPU.
    _scalar_state_keys: tuple = ("step",)

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        for attr in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
                     "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
                     "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            if attr not in self.__dict__:
                setattr(self, attr, OrderedDict())
        self._patch_step_function()
        for group in self.param_groups:
            for key, value in self._group_defaults.items():
                group.setdefault(key, value)
        # a step saved as a plain number (e.g. a hand-written checkpoint) becomes a tensor
        for s in self.state.values():
            if not isinstance(s, dict):
                continue
            for key in self._scalar_state_keys:
                if key in s and not isinstance(s[key], Tensor):
                    s[key] = self._step_tensor(float(s[key]))

    def __getstate__(self) -> dict:
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __repr__(self) -> str:
        out = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            out += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    out += f"    {key}: {group[key]}\n"
        return out + ")"


def _check_flags(name: str, differentiable, fused, foreach):
    """minitorch runs one readable per-parameter loop: `foreach`, `fused` and `capturable`
    are accepted (kept in the groups, so state_dicts match torch's) and do not change the
    result; `differentiable=True` (autograd through the step) is not supported."""
    if differentiable:
        raise ValueError(f"{name}: differentiable=True is not supported in minitorch (the step "
                         "is not recorded by autograd)")
    if fused and foreach:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

