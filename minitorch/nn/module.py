"""nn.Module: the base of every layer, as in PyTorch.

A Module keeps three ordered registries, filled by attribute assignment:
``_parameters`` (nn.Parameter values), ``_buffers`` (tensors that are state but not
learned, via ``register_buffer``) and ``_modules`` (child Modules). Everything else -
``parameters()``, ``state_dict()``, ``to()``, ``train()``, the printed tree - walks these
registries in registration order, so the order is deterministic and the keys are
PyTorch's (``features.0.weight``, ``bn.running_mean``, ...).
"""
from __future__ import annotations

from collections import OrderedDict, namedtuple
import itertools

import numpy as np

from .. import backend
from ..tensor import Tensor, RemovableHandle
from ..autograd.grad_mode import no_grad
from .parameter import Parameter

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Module:
    """Base class for layers and models: subclass it, create sub-layers and parameters in
    ``__init__``, and write ``forward``; call the module, not ``forward``, so hooks run."""

    training: bool

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments")
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent_buffers"] = set()
        d["_modules"] = OrderedDict()
        d["_forward_hooks"] = OrderedDict()
        d["_forward_pre_hooks"] = OrderedDict()

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name, value):
        d = self.__dict__
        if "_parameters" not in d:
            raise AttributeError(f"cannot assign '{name}' before Module.__init__() call")
        params, buffers, modules = d["_parameters"], d["_buffers"], d["_modules"]
        if isinstance(value, Parameter):
            self._forget(name)
            params[name] = value
        elif isinstance(value, Module):
            self._forget(name)
            modules[name] = value
        elif name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter "
                                f"'{name}' (nn.Parameter or None expected)")
            params[name] = None
        elif name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module "
                                f"'{name}' (nn.Module or None expected)")
            modules[name] = None
        elif name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                "(Tensor or None expected)")
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name):
        d = self.__dict__
        for reg in (d["_parameters"], d["_buffers"], d["_modules"]):
            reg.pop(name, None)
        d.pop(name, None)
        d["_non_persistent_buffers"].discard(name)

    def __getattr__(self, name):
        d = self.__dict__
        for reg in ("_parameters", "_buffers", "_modules"):
            if reg in d and name in d[reg]:
                return d[reg][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        d = self.__dict__
        for reg in (d["_parameters"], d["_buffers"], d["_modules"]):
            if name in reg:
                del reg[name]
                d["_non_persistent_buffers"].discard(name)
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param) -> None:
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter(): cannot assign '{type(param).__name__}' "
                            f"as parameter '{name}' (nn.Parameter or None expected)")
        self._check_name(name, "register_parameter")
        self._forget(name)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        """A tensor that is part of the state (saved in state_dict when persistent, moved by
        .to()) but not a parameter, like BatchNorm's running_mean."""
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer(): cannot assign '{type(tensor).__name__}' as "
                            f"buffer '{name}' (Tensor or None expected)")
        self._check_name(name, "register_buffer")
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module(): {type(module).__name__} is not a Module subclass")
        self._check_name(name, "add_module")
        self._forget(name)
        self._modules[name] = module

    register_module = add_module

    def _check_name(self, name, fn):
        if not isinstance(name, str):
            raise TypeError(f"{fn}(): name should be a string, got {type(name).__name__}")
        if name == "" or "." in name:
            raise KeyError(f"{fn}(): name can't be empty or contain \".\", got {name!r}")
        if hasattr(type(self), name):
            raise KeyError(f"{fn}(): attribute '{name}' already exists")

    # ------------------------------------------------------------------ calling
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"Module [{type(self).__name__}] is missing the required "
                                  "\"forward\" function")

    def __call__(self, *args, **kwargs):
        for hook in tuple(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        out = self.forward(*args, **kwargs)
        for hook in tuple(self._forward_hooks.values()):
            result = hook(self, args, out)
            if result is not None:
                out = result
        return out

    def register_forward_hook(self, hook):
        """hook(module, inputs, output) runs after forward; a non-None result replaces the
        output. Returns a handle with remove()."""
        return _DictHandle(self._forward_hooks, hook)

    def register_forward_pre_hook(self, hook):
        """hook(module, inputs) runs before forward; a non-None result replaces the inputs."""
        return _DictHandle(self._forward_pre_hooks, hook)

    # ------------------------------------------------------------------ traversal
    def named_modules(self, memo=None, prefix: str = "", remove_duplicate: bool = True):
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from child.named_modules(memo, sub, remove_duplicate)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        seen = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self):
        for _, c in self.named_children():
            yield c

    def _named_members(self, registry, prefix, recurse, remove_duplicate=True):
        seen = set()
        mods = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else [(prefix, self)]
        for mod_prefix, mod in mods:
            for name, value in getattr(mod, registry).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield mod_prefix + ("." if mod_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True):
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True):
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def get_submodule(self, target: str) -> "Module":
        mod = self
        for part in target.split(".") if target else []:
            if part not in mod._modules:
                raise AttributeError(f"{type(mod).__name__} has no attribute `{part}`")
            mod = mod._modules[part]
        return mod

    # ------------------------------------------------------------------ modes and grads
    def train(self, mode: bool = True) -> "Module":
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            m.__dict__["training"] = mode
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                with no_grad():
                    p.grad.zero_()

    def apply(self, fn) -> "Module":
        """Call fn(module) on every submodule (children first) and on self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ device and dtype
    def _apply_to_tensors(self, convert):
        """Replace every parameter's and buffer's array with convert(array), in place, so
        that optimizers holding the Parameter objects keep working."""
        for m in self.modules():
            for p in m._parameters.values():
                if p is None:
                    continue
                p._data = convert(p._data, True)
                if p._grad is not None:
                    p._grad._data = convert(p._grad._data, True)
            for name, b in m._buffers.items():
                if b is not None:
                    b._data = convert(b._data, False)
        return self

    def to(self, *args, **kwargs) -> "Module":
        """to(device), to(dtype), to(device, dtype), to(tensor): floating parameters and
        buffers take the dtype; everything moves to the device."""
        from .. import dtypes as _dt
        device = kwargs.pop("device", None)
        dtype = kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                device, dtype = a.device, a.dtype
            elif isinstance(a, (_dt.dtype, np.dtype)) or a in (float, int, bool):
                dtype = a
            else:
                device = a
        dev = None if device is None else backend.to_device(device, "Module.to")
        npd = None if dtype is None else _dt.to_dtype(dtype, "Module.to").np
        if npd is not None and npd.kind != "f":
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired "
                            f"dtype={_dt.from_numpy_dtype(npd)}")

        def convert(arr, is_param):
            if dev is not None:
                arr = backend.transfer(arr, dev)
            if npd is not None and arr.dtype.kind == "f" and arr.dtype != npd:
                arr = arr.astype(npd)
            return arr
        return self._apply_to_tensors(convert)

    def float(self):
        return self.to(dtype=np.float32)

    def double(self):
        return self.to(dtype=np.float64)

    def half(self):
        return self.to(dtype=np.float16)

    def cpu(self):
        return self.to(device="cpu")

    def cuda(self, device=None):
        return self.to(device="cuda" if device is None else
                       (f"cuda:{device}" if isinstance(device, int) else device))

    # ------------------------------------------------------------------ state_dict
    def state_dict(self, destination=None, prefix: str = "", keep_vars: bool = False):
        """An ordered dict of parameter and persistent buffer tensors with PyTorch's keys.
        The tensors share memory with the module (detached unless keep_vars)."""
        if destination is None:
            destination = OrderedDict()
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers:
                destination[prefix + name] = b if keep_vars else b.detach()
        for name, child in self._modules.items():
            if child is not None:
                child.state_dict(destination, prefix + name + ".", keep_vars)
        return destination

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy values into the parameters and buffers. Values may be minitorch tensors or
        anything NumPy can read (PyTorch CPU tensors included), so a torch state_dict
        loads directly. Missing/unexpected keys (strict) and shape mismatches raise an
        error naming the keys."""
        if not hasattr(state_dict, "keys"):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict).__name__}")
        own = OrderedDict()
        for mod_prefix, mod in self.named_modules():
            p = mod_prefix + "." if mod_prefix else ""
            for name, t in mod._parameters.items():
                if t is not None:
                    own[p + name] = t
            for name, t in mod._buffers.items():
                if t is not None and name not in mod._non_persistent_buffers:
                    own[p + name] = t
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict.keys() if k not in own]
        errors = []
        loaded = []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = _as_array(state_dict[key], key)
            if tuple(value.shape) != tuple(target._data.shape):
                errors.append(f"size mismatch for {key}: copying a param with shape "
                              f"{tuple(value.shape)} from checkpoint, the shape in current "
                              f"model is {tuple(target._data.shape)}.")
                continue
            loaded.append((target, value))
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: " +
                              ", ".join(f'"{k}"' for k in unexpected) + ".")
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: " +
                              ", ".join(f'"{k}"' for k in missing) + ".")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        with no_grad():
            for target, value in loaded:
                arr = backend.transfer(value, target.device).astype(target._data.dtype,
                                                                      copy=False)
                if target._data.flags.writeable:
                    target._data[...] = arr
                else:
                    target._data = arr.copy()
                target._vc[0] += 1
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self):
        lines = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        children = []
        for name, child in self._modules.items():
            text = repr(child).replace("\n", "\n  ")
            children.append(f"({name}): {text}")
        lines = lines + children
        head = self._get_name() + "("
        if not lines:
            return head + ")"
        if len(lines) == 1 and not children:
            return head + lines[0] + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers)
                      | set(self._modules))


class _DictHandle(RemovableHandle):
    """A hook handle over an ordered dict of hooks keyed by a unique id."""

    _ids = itertools.count()

    def __init__(self, hooks: dict, hook):
        self._hooks = hooks
        self._id = next(self._ids)
        hooks[self._id] = hook

    def remove(self):
        self._hooks.pop(self._id, None)


def _as_array(value, key):
    """A state_dict value as an array: minitorch tensors as they are, others via NumPy
    (PyTorch CPU tensors expose __array__)."""
    if isinstance(value, Tensor):
        return value._data
    if backend.is_array(value):
        return value
    if hasattr(value, "detach") and hasattr(value, "cpu"):   # a torch tensor, duck-typed
        value = value.detach().cpu()
    try:
        return np.asarray(value)
    except Exception as exc:
        raise TypeError(f"load_state_dict(): the value for key '{key}' is a "
                        f"{type(value).__name__}, which cannot be read as an array") from exc
