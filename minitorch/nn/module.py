"""nn.Module: the base of every layer, as in PyTorch.

A Module keeps three ordered registries, filled by attribute assignment:
``_parameters`` (nn.Parameter values), ``_buffers`` (tensors that are state but not
learned, via ``register_buffer``) and ``_modules`` (child Modules). Everything else -
``parameters()``, ``state_dict()``, ``to()``, ``train()``, the printed tree - walks these
registries in registration order, so the order is deterministic and the keys are
PyTorch's (``features.0.weight``, ``bn.running_mean``, ...).

The rules follow torch/nn/modules/module.py: assigning a Parameter or a Module registers
it (and removes the name from the other registries); assigning to a name that is already
registered keeps its kind and its position; ``register_*`` refuse a name that already
exists as something else.
"""
from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Mapping
import itertools

import numpy as np

from .. import backend
from ..tensor import Tensor, Size, RemovableHandle
from ..autograd.grad_mode import no_grad
from .parameter import Parameter


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it did not find and the keys it did not
    use (both empty after a strict load)."""

    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


IncompatibleKeys = _IncompatibleKeys


def _addindent(text: str, spaces: int) -> str:
    """Indent every line but the first (blank lines stay empty), for the printed tree."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    first = lines.pop(0)
    return first + "\n" + "\n".join((" " * spaces + ln) if ln.strip() else "" for ln in lines)


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
        d["_forward_hooks_with_kwargs"] = set()
        d["_forward_hooks_always_called"] = set()
        d["_forward_pre_hooks"] = OrderedDict()
        d["_forward_pre_hooks_with_kwargs"] = set()

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            _remove_from(name, d, d["_buffers"], d["_modules"], d["_non_persistent_buffers"])
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as parameter '{name}' "
                                "(nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            if params is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            _remove_from(name, d, params, d["_buffers"], d["_non_persistent_buffers"])
            d["_modules"][name] = value
        elif params is not None and name in d["_modules"]:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as child module '{name}' "
                                "(nn.Module or None expected)")
            d["_modules"][name] = None
        elif params is not None and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{_typename(value)}' as buffer '{name}' "
                                "(Tensor or None expected)")
            d["_buffers"][name] = value       # keeps its place and its persistence
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # only reached when normal lookup fails: look in the registries
        d = self.__dict__
        for reg in ("_parameters", "_buffers", "_modules"):
            if reg in d and name in d[reg]:
                return d[reg][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        d = self.__dict__
        if name in d["_parameters"]:
            del d["_parameters"][name]
        elif name in d["_buffers"]:
            del d["_buffers"][name]
            d["_non_persistent_buffers"].discard(name)
        elif name in d["_modules"]:
            del d["_modules"][name]
        else:
            object.__delattr__(self, name)

    def _check_name(self, name, kind: str, registry: str):
        """PyTorch's checks for register_parameter / register_buffer / add_module."""
        if registry not in self.__dict__:
            raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError(f"{kind} name can't contain \".\", got: {name}")
        if name == "":
            raise KeyError(f"{kind} name can't be empty string \"\"")
        if hasattr(self, name) and name not in self.__dict__[registry]:
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name: str, param) -> None:
        """Add a parameter (or None, a placeholder that state_dict skips) under `name`."""
        self._check_name(name, "parameter", "_parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                            "(nn.Parameter or None required)")
        if param is not None and param.grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model "
                             f"parameters must be created explicitly. To express '{name}' as "
                             "a function of another Tensor, compute the value in the "
                             "forward() method.")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        """A tensor that is part of the state (saved in state_dict when persistent, moved by
        .to()) but not a parameter, like BatchNorm's running_mean."""
        self._check_name(name, "buffer", "_buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                            "(Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module) -> None:
        """Add a child module (or None) under `name`; ``self.name = module`` does the same."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        self._check_name(name, "module", "_modules")
        self._modules[name] = module

    def register_module(self, name: str, module) -> None:
        self.add_module(name, module)

    # ------------------------------------------------------------------ calling
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"Module [{type(self).__name__}] is missing the required "
                                  "\"forward\" function")

    def __call__(self, *args, **kwargs):
        if not (self._forward_hooks or self._forward_pre_hooks):
            return self.forward(*args, **kwargs)
        for hid, hook in tuple(self._forward_pre_hooks.items()):
            if hid in self._forward_pre_hooks_with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError("forward pre-hook must return None or a tuple of "
                                           f"(new_args, new_kwargs), but got {result}.")
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        called = set()
        out = None
        try:
            out = self.forward(*args, **kwargs)
            for hid, hook in tuple(self._forward_hooks.items()):
                called.add(hid)
                if hid in self._forward_hooks_with_kwargs:
                    result = hook(self, args, kwargs, out)
                else:
                    result = hook(self, args, out)
                if result is not None:
                    out = result
        except Exception:
            # hooks registered with always_call=True run even when forward failed
            for hid, hook in tuple(self._forward_hooks.items()):
                if hid in self._forward_hooks_always_called and hid not in called:
                    try:
                        if hid in self._forward_hooks_with_kwargs:
                            hook(self, args, kwargs, out)
                        else:
                            hook(self, args, out)
                    except Exception:
                        pass
            raise
        return out

    def register_forward_hook(self, hook, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False):
        """hook(module, args, output) runs after forward (hook(module, args, kwargs, output)
        with `with_kwargs`); a non-None result replaces the output. Returns a handle with
        remove(). `prepend` runs it before the hooks already registered; `always_call` runs
        it even when forward raises."""
        handle = _DictHandle(self._forward_hooks, hook,
                             (self._forward_hooks_with_kwargs,
                              self._forward_hooks_always_called))
        if with_kwargs:
            self._forward_hooks_with_kwargs.add(handle.id)
        if always_call:
            self._forward_hooks_always_called.add(handle.id)
        if prepend:
            self._forward_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_forward_pre_hook(self, hook, *, prepend: bool = False,
                                  with_kwargs: bool = False):
        """hook(module, args) runs before forward; a non-None result replaces the inputs (a
        non-tuple is wrapped in a 1-tuple). With `with_kwargs`, hook(module, args, kwargs)
        returns None or a tuple (args, kwargs)."""
        handle = _DictHandle(self._forward_pre_hooks, hook,
                             (self._forward_pre_hooks_with_kwargs,))
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs.add(handle.id)
        if prepend:
            self._forward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    # ------------------------------------------------------------------ traversal
    def named_modules(self, memo=None, prefix: str = "", remove_duplicate: bool = True):
        """(qualified name, module) for self and every descendant, depth first in
        registration order; a module reachable twice comes once unless remove_duplicate
        is False."""
        if memo is None:
            memo = set()
        if id(self) in memo:
            return
        if remove_duplicate:
            memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from child.named_modules(memo, sub, remove_duplicate)

    def modules(self, remove_duplicate: bool = True):
        for _, m in self.named_modules(remove_duplicate=remove_duplicate):
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
                if value is None or id(value) in seen:
                    continue
                if remove_duplicate:
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
        """The module at a dotted path such as ``"features.0"`` ("" is self)."""
        mod = self
        for part in target.split(".") if target else []:
            if part not in mod._modules or mod._modules[part] is None:
                raise AttributeError(f"{mod._get_name()} has no attribute `{part}`")
            mod = mod._modules[part]
        return mod

    def _get_member(self, target: str, registry: str, kind: str):
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if name not in getattr(mod, registry):
            if hasattr(mod, name):
                raise AttributeError(f"`{name}` is not {kind}")
            raise AttributeError(f"{mod._get_name()} has no attribute `{name}`")
        return getattr(mod, registry)[name]

    def get_parameter(self, target: str) -> Parameter:
        return self._get_member(target, "_parameters", "an nn.Parameter")

    def get_buffer(self, target: str) -> Tensor:
        return self._get_member(target, "_buffers", "a buffer")

    # ------------------------------------------------------------------ modes and grads
    def train(self, mode: bool = True) -> "Module":
        """Set training mode here and, through each child's own train(), below."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Set every parameter's grad to None (or, with set_to_none=False, to zeros)."""
        zero_grads(self.parameters(), set_to_none)

    def apply(self, fn) -> "Module":
        """Call fn(module) on every submodule (children first) and on self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ device and dtype
    def _apply_to_tensors(self, convert):
        """Replace every parameter's (and grad's) and buffer's array with convert(array),
        keeping the tensor objects, so optimizers holding the Parameters keep working."""
        for m in self.modules():
            for p in m._parameters.values():
                if p is None:
                    continue
                p._data = convert(p._data)
                if p._grad is not None:
                    p._grad._data = convert(p._grad._data)
            for b in m._buffers.values():
                if b is not None:
                    b._data = convert(b._data)
        return self

    def to(self, *args, **kwargs) -> "Module":
        """to(device), to(dtype), to(device, dtype), to(tensor): floating parameters and
        buffers take the dtype (integer ones keep theirs); everything moves to the device.
        Converts in place and returns self."""
        from .. import dtypes as _dt
        device = kwargs.pop("device", None)
        dtype = kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"Module.to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                device, dtype = a.device, a.dtype
            elif isinstance(a, (_dt.dtype, np.dtype)) or a in (float, int, bool):
                dtype = a
            elif isinstance(a, (str, backend.device, int)) and not isinstance(a, bool):
                device = a
            else:
                raise TypeError(f"Module.to(): expected a device, a dtype or a Tensor, "
                                f"got {a!r}")
        dev = None if device is None else backend.to_device(device, "Module.to")
        if dev is not None and dev.type == "cuda":
            # fail before converting anything, with the reason CUDA cannot be used
            backend.require_cuda("Module.to", dev)
        npd = None if dtype is None else _dt.to_dtype(dtype, "Module.to").np
        if npd is not None and npd.kind != "f":
            raise TypeError("nn.Module.to only accepts floating point dtypes, but got desired "
                            f"dtype={_dt.from_numpy_dtype(npd)}")

        def convert(arr):
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
        """Move to a GPU (needs CuPy and a CUDA device; raises a RuntimeError saying which is
        missing otherwise)."""
        dev = backend.to_device("cuda" if device is None else device, "Module.cuda")
        if dev.type != "cuda":
            raise ValueError(f"Module.cuda(): expected a CUDA device, got '{dev}'")
        backend.require_cuda("Module.cuda", dev)
        return self.to(device=dev)

    # ------------------------------------------------------------------ state_dict
    def state_dict(self, destination=None, prefix: str = "", keep_vars: bool = False):
        """An ordered dict of parameter and persistent buffer tensors with PyTorch's keys
        (own parameters, own buffers, then each child's under ``name.``). The tensors share
        memory with the module (detached unless keep_vars)."""
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

    def _local_state(self):
        """name -> tensor for the entries this module itself puts in its state_dict."""
        local = OrderedDict((k, v) for k, v in self._parameters.items() if v is not None)
        local.update((k, v) for k, v in self._buffers.items()
                     if v is not None and k not in self._non_persistent_buffers)
        return local

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy the values of `state_dict` into the parameters and buffers (cast to their
        dtype, moved to their device). Values may be minitorch tensors, NumPy/CuPy arrays or
        PyTorch tensors, so a torch state_dict loads directly.

        Missing and unexpected keys raise (strict) or are returned as
        ``(missing_keys, unexpected_keys)``; a wrong shape always raises. The messages are
        PyTorch's and name the keys. Nothing is changed when an error is raised.
        With ``assign=True`` the module takes the given tensors instead of copying."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing, unexpected, errors, todo = [], [], [], []

        def visit(module, prefix):
            local = module._local_state()
            for name, target in local.items():
                key = prefix + name
                if key not in state_dict:
                    missing.append(key)
                    continue
                value = _as_array(state_dict[key])
                if value is None:
                    errors.append(f'While copying the parameter named "{key}", expected '
                                  "Tensor or Tensor-like object from checkpoint but received "
                                  f"{type(state_dict[key])}")
                    continue
                if target.ndim == 0 and value.shape == (1,):
                    value = value.reshape(())
                if tuple(value.shape) != tuple(target.shape):
                    errors.append(f"size mismatch for {key}: copying a param with shape "
                                  f"{Size(value.shape)!r} from checkpoint, the shape in current "
                                  f"model is {target.shape!r}.")
                    continue
                todo.append((module, name, target, value))
            children = module._modules       # a None child hides its keys, as in PyTorch
            for key in state_dict.keys():
                if not isinstance(key, str) or not key.startswith(prefix):
                    continue
                head, dot, _ = key[len(prefix):].partition(".")
                if dot and head in children:
                    continue                       # the child reports it
                if key[len(prefix):] not in local:
                    unexpected.append(key)
            for name, child in module._modules.items():
                if child is not None:
                    visit(child, prefix + name + ".")

        visit(self, "")
        for key in state_dict.keys():           # keys that are not even strings
            if not isinstance(key, str):
                unexpected.append(key)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: " +
                              ", ".join(f'"{k}"' for k in unexpected) + ". ")
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: " +
                              ", ".join(f'"{k}"' for k in missing) + ". ")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        with no_grad():
            for module, name, target, value in todo:
                if assign:
                    _assign(module, name, target, value)
                    continue
                arr = backend.transfer(value, target.device).astype(target._data.dtype,
                                                                      copy=False)
                if getattr(target._data.flags, "writeable", True):
                    target._data[...] = arr
                else:
                    target._data = arr.copy()
                target._vc[0] += 1
        return _IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        """One line (or several) of settings shown inside the parentheses, e.g.
        ``in_features=4, out_features=2, bias=True``; override it in layers."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): " + _addindent(repr(child), 2)
                       for name, child in self._modules.items()]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"

    def __dir__(self):
        keys = set(dir(type(self))) | set(self.__dict__) | set(self._parameters) \
            | set(self._buffers) | set(self._modules)
        return sorted(k for k in keys if not k[0].isdigit())


def zero_grads(params, set_to_none: bool = True) -> None:
    """Reset each tensor's .grad: to None, or to zeros detached from any graph (in place,
    as PyTorch does). Shared by Module.zero_grad and Optimizer.zero_grad."""
    for p in params:
        g = p.grad
        if g is None:
            continue
        if set_to_none:
            p.grad = None
            continue
        if g.grad_fn is not None:
            g.detach_()
        else:
            g.requires_grad_(False)
        with no_grad():
            g.zero_()


class _DictHandle(RemovableHandle):
    """A hook handle over an ordered dict of hooks keyed by a unique id (``handle.id``);
    remove() also forgets the id in the flag sets (with_kwargs, always_call)."""

    _ids = itertools.count()

    def __init__(self, hooks: dict, hook, extra=()):
        self._hooks = hooks
        self._extra = extra
        self.id = next(self._ids)
        hooks[self.id] = hook

    def remove(self):
        self._hooks.pop(self.id, None)
        for flags in self._extra:
            flags.discard(self.id)


def _remove_from(name, *regs):
    for reg in regs:
        if name in reg:
            if isinstance(reg, dict):
                del reg[name]
            else:
                reg.discard(name)


def _typename(obj) -> str:
    if isinstance(obj, Tensor):
        return f"minitorch.{type(obj).__name__}"
    t = type(obj)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def _as_array(value):
    """A state_dict value as an array (minitorch tensors, NumPy/CuPy arrays and PyTorch
    tensors, duck-typed through detach/cpu/numpy), or None for anything else."""
    if isinstance(value, Tensor):
        return value._data
    if backend.is_array(value):
        return value
    if all(hasattr(value, a) for a in ("detach", "cpu", "numpy", "shape")):
        return np.asarray(value.detach().cpu().numpy())  # host: a torch CPU tensor
    return None


def _assign(module, name, target, value):
    """load_state_dict(assign=True): the module takes the value itself (as a Parameter with
    the old requires_grad for parameters)."""
    if name in module._parameters:
        module._parameters[name] = Parameter(Tensor(value), target.requires_grad)
    else:
        module._buffers[name] = Tensor(value)
