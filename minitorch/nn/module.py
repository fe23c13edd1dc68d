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
import threading
import warnings

import numpy as np

from .. import backend
from ..tensor import Tensor, Size, RemovableHandle
from ..autograd.function import Function
from ..autograd.grad_mode import no_grad, STATE as _GRAD_MODE
from .parameter import Parameter, Buffer, is_lazy

_EXTRA_STATE_KEY_SUFFIX = "_extra_state"


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
    _version: int = 1
    # PyTorch's class attributes that programs sometimes read
    dump_patches: bool = False
    call_super_init: bool = False

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments")
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent_buffers"] = d["_non_persistent_buffers_set"] = set()
        d["_modules"] = OrderedDict()
        _init_hook_registries(d)

    def __setstate__(self, state):
        """Unpickling (and copy): take the saved __dict__ and add the registries that an
        older pickle may lack, as PyTorch does."""
        self.__dict__.update(state)
        d = self.__dict__
        d.setdefault("training", True)
        for reg in ("_parameters", "_buffers", "_modules"):
            d.setdefault(reg, OrderedDict())
        if "_non_persistent_buffers" not in d:
            d["_non_persistent_buffers"] = d.get("_non_persistent_buffers_set", set())
        d["_non_persistent_buffers_set"] = d["_non_persistent_buffers"]
        _init_hook_registries(d, keep=True)

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
        elif params is not None and isinstance(value, Buffer):
            # nn.Buffer(t, persistent=...) registers a buffer, as register_buffer does
            _remove_from(name, d, params, d["_modules"])
            self.register_buffer(name, value, getattr(value, "persistent", True))
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
        if not (self._forward_hooks or self._forward_pre_hooks or self._backward_hooks
                or self._backward_pre_hooks or _GLOBAL.active):
            return self.forward(*args, **kwargs)
        called = set()
        out = None
        try:
            for hid, hook in (*_GLOBAL.forward_pre_hooks.items(),
                              *self._forward_pre_hooks.items()):
                if hid in self._forward_pre_hooks_with_kwargs or \
                        hid in _GLOBAL.forward_pre_hooks_with_kwargs:
                    result = hook(self, args, kwargs)
                    if result is not None:
                        if not (isinstance(result, tuple) and len(result) == 2):
                            raise RuntimeError("forward pre-hook must return None or a tuple "
                                               f"of (new_args, new_kwargs), but got {result}.")
                        args, kwargs = result
                else:
                    result = hook(self, args)
                    if result is not None:
                        args = result if isinstance(result, tuple) else (result,)
            bw_hook = None
            full_hooks = [*_GLOBAL.backward_hooks.values(), *self._backward_hooks.values()]
            pre_hooks = [*_GLOBAL.backward_pre_hooks.values(),
                         *self._backward_pre_hooks.values()]
            if full_hooks or pre_hooks:
                bw_hook = _BackwardHook(self, full_hooks, pre_hooks)
                args = bw_hook.setup_input_hook(args)
            out = self.forward(*args, **kwargs)
            for hid, hook in (*_GLOBAL.forward_hooks.items(), *self._forward_hooks.items()):
                if hid in self._forward_hooks_always_called or \
                        hid in _GLOBAL.forward_hooks_always_called:
                    called.add(hid)
                if hid in self._forward_hooks_with_kwargs or \
                        hid in _GLOBAL.forward_hooks_with_kwargs:
                    result = hook(self, args, kwargs, out)
                else:
                    result = hook(self, args, out)
                if result is not None:
                    out = result
            if bw_hook is not None:
                if not isinstance(out, (Tensor, tuple)):
                    warnings.warn("For backward hooks to be called, module output should be a "
                                  f"Tensor or a tuple of Tensors but received {type(out)}",
                                  stacklevel=2)
                out = bw_hook.setup_output_hook(out)
        except Exception:
            # hooks registered with always_call=True run even when forward failed
            for hid, hook in (*_GLOBAL.forward_hooks.items(), *self._forward_hooks.items()):
                always = hid in self._forward_hooks_always_called or \
                    hid in _GLOBAL.forward_hooks_always_called
                if always and hid not in called:
                    try:
                        if hid in self._forward_hooks_with_kwargs or \
                                hid in _GLOBAL.forward_hooks_with_kwargs:
                            hook(self, args, kwargs, out)
                        else:
                            hook(self, args, out)
                    except Exception as e:   # the forward's error is the one to report
                        warnings.warn("module forward hook with ``always_call=True`` raised an "
                                      "exception that was silenced as another error was raised "
                                      f"in forward: {e}", stacklevel=2)
            raise
        return out

    _call_impl = __call__

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

    def register_full_backward_pre_hook(self, hook, prepend: bool = False):
        """hook(module, grad_output) runs when the gradients with respect to the module's
        outputs are known, before they flow into the module; a non-None result (a tuple as
        long as grad_output) replaces them."""
        handle = _DictHandle(self._backward_pre_hooks, hook)
        if prepend:
            self._backward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_full_backward_hook(self, hook, prepend: bool = False):
        """hook(module, grad_input, grad_output) runs when the gradients with respect to
        the module's (positional Tensor) inputs are computed; grad_input has one entry per
        positional argument (None for non-Tensors and inputs without grad). A non-None
        result (a tuple as long as grad_input) replaces the input gradients.

        It works by wrapping the inputs and the outputs in identity autograd nodes (as
        PyTorch's BackwardHookFunction does), so the module's forward may use any ops."""
        if self._is_full_backward_hook is False:
            raise RuntimeError("Cannot use both regular backward hooks and full backward "
                               "hooks on a single Module. Please use only one of them.")
        self.__dict__["_is_full_backward_hook"] = True
        handle = _DictHandle(self._backward_hooks, hook)
        if prepend:
            self._backward_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_backward_hook(self, hook):
        """Deprecated in PyTorch in favour of register_full_backward_hook. PyTorch hands
        this hook the gradients of whichever autograd node made the output (often not the
        module's inputs); minitorch has no per-node hooks and runs it as a full backward
        hook: hook(module, grad_input, grad_output) with grad_input the gradients with
        respect to the module's inputs."""
        if self._is_full_backward_hook is True:
            raise RuntimeError("Cannot use both regular backward hooks and full backward "
                               "hooks on a single Module. Please use only one of them.")
        self.__dict__["_is_full_backward_hook"] = False
        return _DictHandle(self._backward_hooks, hook)

    def _get_backward_hooks(self):
        """(full hooks, old-style hooks): here every backward hook runs as a full one."""
        return list(self._backward_hooks.values()), []

    def _get_backward_pre_hooks(self):
        return list(self._backward_pre_hooks.values())

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
        """The module at a dotted path such as ``"features.0"`` ("" is self); an
        AttributeError names the first part that is missing or not a Module."""
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(mod._get_name() + " has no attribute `" + item + "`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return mod

    def set_submodule(self, target: str, module: "Module", strict: bool = False) -> None:
        """Put `module` at the dotted path `target` (its parent must exist). With
        strict=True the attribute must already exist; an existing non-Module attribute
        there is an error either way."""
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        atoms = target.split(".")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        parent = self if len(atoms) == 1 else self.get_submodule(".".join(atoms[:-1]))
        if strict and not hasattr(parent, atoms[-1]):
            raise AttributeError(parent._get_name() + " has no attribute `" + atoms[-1] + "`")
        if hasattr(parent, atoms[-1]):
            mod = getattr(parent, atoms[-1])
            if not isinstance(mod, Module):
                raise AttributeError("`" + atoms[-1] + "` is not an nn.Module")
        setattr(parent, atoms[-1], module)

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at a dotted path such as ``"features.0.weight"``."""
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(mod._get_name() + " has no attribute `" + name + "`")
        param = getattr(mod, name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at a dotted path such as ``"bn.running_mean"``."""
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(mod._get_name() + " has no attribute `" + name + "`")
        buf = getattr(mod, name)
        if name not in mod._buffers:
            raise AttributeError("`" + name + "` is not a buffer")
        return buf

    def get_extra_state(self):
        """Override (with set_extra_state) to put any picklable state in the state_dict
        under ``<prefix>_extra_state``."""
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never "
                           "be called: override get_extra_state() and set_extra_state() "
                           "together.")

    def set_extra_state(self, state) -> None:
        """Restore what get_extra_state returned (called by load_state_dict)."""
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never "
                           "be called: override get_extra_state() and set_extra_state() "
                           "together.")

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

    def _apply(self, fn, recurse: bool = True):
        """PyTorch's internal hook for conversions: fn(tensor) -> tensor for every
        parameter, its grad and every buffer (of the children too with `recurse`). The
        Parameter objects are kept; they take the array of fn's result."""
        mods = self.modules() if recurse else [self]
        for m in mods:
            for p in m._parameters.values():
                if p is None:
                    continue
                p._data = fn(p)._data
                if p._grad is not None:
                    p._grad._data = fn(p._grad)._data
            for name, b in m._buffers.items():
                if b is not None:
                    b._data = fn(b)._data
        return self

    def to(self, *args, **kwargs) -> "Module":
        """to(device), to(dtype), to(device, dtype), to(tensor) (and non_blocking,
        memory_format, accepted and ignored): floating parameters and buffers take the
        dtype (integer ones keep theirs); everything moves to the device. Converts in
        place and returns self."""
        from .. import dtypes as _dt
        device = kwargs.pop("device", None)
        dtype = kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        kwargs.pop("copy", None)
        if kwargs:
            raise TypeError(f"Module.to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                device, dtype = a.device, a.dtype
            elif isinstance(a, bool):
                continue                                   # non_blocking
            elif isinstance(a, (_dt.dtype, np.dtype)) or a in (float, int, bool) or \
                    (isinstance(a, type) and isinstance(getattr(a, "dtype", None), _dt.dtype)):
                dtype = a
            elif isinstance(a, (str, backend.device, int)):
                device = a
            else:
                raise TypeError(f"Module.to(): expected a device, a dtype or a Tensor, "
                                f"got {a!r}")
        dev = None if device is None else backend.to_device(device, "Module.to")
        if dev is not None and dev.type == "cuda":
            # fail before converting anything, with the reason CUDA cannot be used
            backend.require_cuda("Module.to", dev)
        target = None if dtype is None else _dt.to_dtype(dtype, "Module.to")
        if target is not None and not target.is_floating_point:
            raise TypeError("nn.Module.to only accepts floating point dtypes, but got desired "
                            f"dtype={target}")

        def convert(arr):
            if dev is not None:
                arr = backend.transfer(arr, dev)
            if target is not None and _is_float_array(arr):
                arr = _cast(arr, target)
            return arr
        return self._apply_to_tensors(convert)

    def float(self):
        """Cast floating parameters and buffers to float32."""
        return self.to(dtype=np.float32)

    def double(self):
        """Cast floating parameters and buffers to float64."""
        return self.to(dtype=np.float64)

    def half(self):
        """Cast floating parameters and buffers to float16."""
        return self.to(dtype=np.float16)

    def bfloat16(self):
        """Cast floating parameters and buffers to bfloat16 (see minitorch.bfloat16 for
        how it is stored)."""
        from .. import dtypes as _dt
        return self.to(dtype=_dt.bfloat16)

    def type(self, dst_type):
        """Cast EVERY parameter and buffer (integer ones too, as PyTorch does) to
        `dst_type`: a dtype or a legacy type name such as 'torch.DoubleTensor'."""
        from .. import dtypes as _dt
        target = _dst_dtype(dst_type)
        if target is None:
            target = _dt.to_dtype(dst_type, "Module.type", "dst_type")
        return self._apply_to_tensors(lambda arr: _cast(arr, target))

    def cpu(self):
        """Move every parameter and buffer to the CPU."""
        return self.to(device="cpu")

    def cuda(self, device=None):
        """Move to a GPU (needs CuPy and a CUDA device; raises a RuntimeError saying which is
        missing otherwise)."""
        dev = backend.to_device("cuda" if device is None else device, "Module.cuda")
        if dev.type != "cuda":
            raise ValueError(f"Module.cuda(): expected a CUDA device, got '{dev}'")
        backend.require_cuda("Module.cuda", dev)
        return self.to(device=dev)

    def _no_backend(self, name):
        raise RuntimeError(f"Module.{name}(): minitorch has no {name.upper()} backend (devices "
                           "are 'cpu' and 'cuda')")

    def xpu(self, device=None):
        self._no_backend("xpu")

    def ipu(self, device=None):
        self._no_backend("ipu")

    def mtia(self, device=None):
        self._no_backend("mtia")

    def to_empty(self, *, device, recurse: bool = True) -> "Module":
        """Give every parameter and buffer a new uninitialized array (zeros here) of the
        same shape and dtype on `device` (PyTorch uses this after building on 'meta')."""
        dev = backend.to_device("cpu" if device is None else device, "Module.to_empty")
        if dev.type == "cuda":
            backend.require_cuda("Module.to_empty", dev)
        xp = backend.array_module_for(dev)

        def fresh(t):
            return _wrap(xp.zeros(t._data.shape, dtype=t._data.dtype))
        return self._apply(fresh, recurse=recurse)

    def share_memory(self) -> "Module":
        """Call ``share_memory_()`` on every parameter (and grad) and buffer, so that
        processes started by minitorch.multiprocessing share them (Hogwild training)."""
        def share(t):
            method = getattr(t, "share_memory_", None)
            if method is None:
                raise RuntimeError("Module.share_memory(): this minitorch has no "
                                   "Tensor.share_memory_()")
            method()
            return t
        return self._apply(share)

    def compile(self, *args, **kwargs) -> None:
        """Accepted for PyTorch compatibility (torch.compile): a no-op; the module keeps
        running eagerly."""
        return None

    # ------------------------------------------------------------------ state_dict
    def _save_to_state_dict(self, destination, prefix, keep_vars) -> None:
        """Put this module's own entries (not its children's) into `destination`:
        parameters, persistent buffers and, when get_extra_state is overridden, the extra
        state under ``prefix + "_extra_state"``."""
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers:
                destination[prefix + name] = b if keep_vars else b.detach()
        if type(self).get_extra_state is not Module.get_extra_state:
            destination[prefix + _EXTRA_STATE_KEY_SUFFIX] = self.get_extra_state()

    def state_dict(self, *args, destination=None, prefix: str = "", keep_vars: bool = False):
        """An ordered dict of parameter and persistent buffer tensors with PyTorch's keys
        (own parameters, own buffers, then each child's under ``name.``). The tensors share
        memory with the module (detached unless keep_vars). Like PyTorch's, the dict
        carries a ``_metadata`` attribute (each module's version), and the state-dict
        hooks run. Positional arguments (destination, prefix, keep_vars) are deprecated
        in PyTorch and accepted with its FutureWarning."""
        if args:
            warnings.warn("Positional args are being deprecated, use kwargs instead. Refer to "
                          "https://pytorch.org/docs/main/generated/torch.nn.Module.html"
                          "#torch.nn.Module.state_dict for details.", FutureWarning,
                          stacklevel=2)
            if destination is None:
                destination = args[0]
            if len(args) > 1 and prefix == "":
                prefix = args[1]
            if len(args) > 2 and keep_vars is False:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        local_metadata = dict(version=self._version)
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata
        for hook in tuple(self._state_dict_pre_hooks.values()):
            hook(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, child in self._modules.items():
            if child is not None:
                child.state_dict(destination=destination, prefix=prefix + name + ".",
                                 keep_vars=keep_vars)
        for hook in tuple(self._state_dict_hooks.values()):
            result = hook(self, destination, prefix, local_metadata)
            if getattr(hook, "_from_public_api", False):
                if result is not None:
                    raise RuntimeError("state_dict post-hook must return None")
            elif result is not None:
                destination = result
        return destination

    def _local_state(self):
        """name -> tensor for the entries this module itself puts in its state_dict."""
        local = OrderedDict((k, v) for k, v in self._parameters.items() if v is not None)
        local.update((k, v) for k, v in self._buffers.items()
                     if v is not None and k not in self._non_persistent_buffers)
        return local

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs) -> None:
        """Load this module's own entries from `state_dict` (keys ``prefix + name``),
        appending to missing_keys / unexpected_keys / error_msgs, as PyTorch's method of
        the same name (subclasses override it to adapt old checkpoints). Runs the
        load_state_dict pre-hooks first.

        Inside load_state_dict the copies are only collected and made once the whole
        tree has been checked, so a failed load changes nothing."""
        for hook in tuple(self._load_state_dict_pre_hooks.values()):
            hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                 error_msgs)
        local = self._local_state()
        assign = local_metadata.get("assign_to_params_buffers", False)
        for name, target in local.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            given = state_dict[key]
            if is_lazy(given):
                if is_lazy(target):
                    continue                 # uninitialized into uninitialized: nothing to do
                given.shape                  # raises PyTorch's "Can't access the shape" error
            value = _as_array(given)
            if value is None:
                error_msgs.append(f'While copying the parameter named "{key}", expected '
                                  "Tensor or Tensor-like object from checkpoint but "
                                  f"received {type(state_dict[key])}")
                continue
            lazy = is_lazy(target)
            if not lazy and target.ndim == 0 and tuple(value.shape) == (1,):
                value = value.reshape(())
            if not lazy and tuple(value.shape) != tuple(target.shape):
                error_msgs.append(f"size mismatch for {key}: copying a param with shape "
                                  f"{Size(value.shape)!r} from checkpoint, the shape in "
                                  f"current model is {target.shape!r}.")
                continue
            if lazy:
                error_msgs.append(f'While copying the parameter named "{key}", the parameter '
                                  "in the model is uninitialized (a lazy module without its "
                                  "load hook): run a forward pass first")
                continue
            job = (self, name, target, value, assign)
            pending = _pending_loads()
            if pending is not None:
                pending.append(job)
            else:
                _copy_loaded(*job)
        extra_key = prefix + _EXTRA_STATE_KEY_SUFFIX
        if type(self).set_extra_state is not Module.set_extra_state:
            if extra_key in state_dict:
                pending = _pending_loads()
                if pending is not None:
                    pending.append((self, _EXTRA_STATE_KEY_SUFFIX, None,
                                    state_dict[extra_key], None))
                else:
                    self.set_extra_state(state_dict[extra_key])
            elif strict:
                missing_keys.append(extra_key)
        elif strict and extra_key in state_dict:
            unexpected_keys.append(extra_key)
        if strict:
            for key in state_dict.keys():
                if not isinstance(key, str) or not key.startswith(prefix) or key == extra_key:
                    continue
                head, dot, _ = key[len(prefix):].partition(".")
                if dot:
                    if head not in self._modules:     # a None child hides its keys
                        unexpected_keys.append(key)
                elif head not in local:
                    unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy the values of `state_dict` into the parameters and buffers (cast to their
        dtype, moved to their device). Values may be minitorch tensors, NumPy/CuPy arrays or
        PyTorch tensors, so a torch state_dict loads directly.

        Missing and unexpected keys raise (strict) or are returned as the named tuple
        ``(missing_keys, unexpected_keys)``; a wrong shape always raises. The messages are
        PyTorch's and name the keys. Nothing is changed when an error is raised.
        With ``assign=True`` the module takes the given tensors instead of copying.
        Each module's ``_load_from_state_dict`` and the load hooks run as in PyTorch."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing, unexpected, errors = [], [], []
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)
        if metadata is not None:
            state_dict._metadata = metadata
        post_hooks = []

        def load(module, local_state_dict, prefix=""):
            local_metadata = {} if metadata is None else dict(metadata.get(prefix[:-1], {}))
            if assign:
                local_metadata["assign_to_params_buffers"] = assign
            module._load_from_state_dict(local_state_dict, prefix, local_metadata, True,
                                         missing, unexpected, errors)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    child_state_dict = {k: v for k, v in local_state_dict.items()
                                        if isinstance(k, str) and k.startswith(child_prefix)}
                    load(child, child_state_dict, child_prefix)
            if module._load_state_dict_post_hooks:
                post_hooks.append(module)

        pending = []
        stack = _loading_stack()
        stack.append(pending)
        try:
            load(self, state_dict)
        finally:
            stack.pop()
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
        for job in pending:
            _copy_loaded(*job)
        incompatible = _IncompatibleKeys(missing, unexpected)
        for module in post_hooks:
            for hook in tuple(module._load_state_dict_post_hooks.values()):
                if hook(module, incompatible) is not None:
                    raise AssertionError("Hooks registered with "
                                         "``register_load_state_dict_post_hook`` are not "
                                         "expected to return new values, if "
                                         "incompatible_keys need to be modified, it should be "
                                         "done inplace.")
        return incompatible

    def register_state_dict_pre_hook(self, hook):
        """hook(module, prefix, keep_vars) runs before state_dict() collects this module's
        entries."""
        return _DictHandle(self._state_dict_pre_hooks, hook)

    def register_state_dict_post_hook(self, hook):
        """hook(module, state_dict, prefix, local_metadata) runs after state_dict() has
        collected this module's entries; it may edit state_dict in place (must return
        None)."""
        hook._from_public_api = True
        return _DictHandle(self._state_dict_hooks, hook)

    def _register_state_dict_hook(self, hook):
        """The older private form: a non-None result replaces the state_dict."""
        return _DictHandle(self._state_dict_hooks, hook)

    def _register_load_state_dict_pre_hook(self, hook, with_module: bool = False):
        """hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
        error_msgs) runs before this module loads its entries (with_module: the module
        comes first)."""
        if with_module:
            hook = _WithModule(hook, self)
        return _DictHandle(self._load_state_dict_pre_hooks, hook)

    def register_load_state_dict_pre_hook(self, hook):
        """hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs) runs before this module loads its entries; it may
        edit state_dict (e.g. rename old keys)."""
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def register_load_state_dict_post_hook(self, hook):
        """hook(module, incompatible_keys) runs after load_state_dict; it may edit
        incompatible_keys.missing_keys / unexpected_keys in place (must return None)."""
        return _DictHandle(self._load_state_dict_post_hooks, hook)

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
        from ..dtypes import display_prefix
        return f"{display_prefix()}.{type(obj).__name__}"
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


class _WithModule:
    """A hook called with its module first; a plain object so that copy.deepcopy of the
    module gives a hook bound to the copy."""

    def __init__(self, hook, module):
        self.hook = hook
        self.module = module

    def __call__(self, *args, **kwargs):
        return self.hook(self.module, *args, **kwargs)


_LOADING = threading.local()


def _loading_stack():
    stack = getattr(_LOADING, "stack", None)
    if stack is None:
        stack = _LOADING.stack = []
    return stack


def _pending_loads():
    """The list collecting the copies of the load_state_dict running in this thread
    (None outside one)."""
    stack = _loading_stack()
    return stack[-1] if stack else None


def _copy_loaded(module, name, target, value, assign):
    """Make one collected load: set_extra_state, assign, or copy into the tensor."""
    if target is None and name == _EXTRA_STATE_KEY_SUFFIX:
        module.set_extra_state(value)
        return
    with no_grad():
        if assign:
            _assign(module, name, target, value)
            return
        arr = backend.transfer(value, target.device)
        if arr.dtype != target._data.dtype:
            arr = _cast(arr, _dtype_of(target))
        if getattr(target._data.flags, "writeable", True):
            target._data[...] = arr
        else:
            target._data = arr.copy()
        target._vc[0] += 1


def _dtype_of(t):
    return t.dtype


def _init_hook_registries(d, keep=False):
    """The hook tables of a Module (PyTorch's attribute names); `keep` leaves existing ones
    (unpickling an older module)."""
    def put(key, value):
        if not keep or key not in d:
            d[key] = value
    for key in ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks",
                "_backward_pre_hooks", "_state_dict_hooks", "_state_dict_pre_hooks",
                "_load_state_dict_pre_hooks", "_load_state_dict_post_hooks"):
        put(key, OrderedDict())
    for key in ("_forward_hooks_with_kwargs", "_forward_hooks_always_called",
                "_forward_pre_hooks_with_kwargs"):
        put(key, set())
    put("_is_full_backward_hook", None)


def _wrap(arr):
    from ..tensor import _make
    return _make(arr)


def _is_float_array(arr) -> bool:
    from .. import dtypes as _dt
    if arr.dtype.kind == "f":
        return True
    try:
        return _dt.from_numpy_dtype(arr.dtype).is_floating_point
    except TypeError:
        return False


def _cast(arr, target):
    """arr cast to the minitorch dtype `target` (through Tensor.to, which knows how
    bfloat16 is stored); no copy when it already has that dtype."""
    if arr.dtype == target.np and target.name != "bfloat16":
        return arr
    if target.name == "bfloat16":
        return _wrap(arr).to(target)._data
    return arr.astype(target.np)


_LEGACY_TYPES = None


def _dst_dtype(dst_type):
    """The dtype named by a legacy type string such as 'torch.FloatTensor' (or a legacy
    class such as minitorch.FloatTensor), or None."""
    from .. import dtypes as _dt
    global _LEGACY_TYPES
    if _LEGACY_TYPES is None:
        _LEGACY_TYPES = {}
        for name in dir(_dt):
            d = getattr(_dt, name)
            if isinstance(d, _dt.dtype) and getattr(d, "_legacy", None):
                _LEGACY_TYPES[d._legacy] = d
    if isinstance(dst_type, str):
        tail = dst_type.rsplit(".", 1)[-1]
        return _LEGACY_TYPES.get(tail)
    if isinstance(dst_type, type):
        d = getattr(dst_type, "dtype", None)
        return d if isinstance(d, _dt.dtype) else None
    return None


# ------------------------------------------------------------------------------ backward hooks
class _BackwardHookFunction(Function):
    """The identity on a group of tensors, recorded as one autograd node, so that the
    gradients of all of them arrive together in one backward call. Module backward hooks
    wrap a module's inputs and its outputs in it (PyTorch's BackwardHookFunction)."""

    @staticmethod
    def forward(ctx, callback, *arrays):
        ctx.callback = callback
        return tuple(arrays)

    @staticmethod
    def backward(ctx, *grads):
        """d(identity) = identity: the gradients pass through, possibly replaced by the
        hook (ctx.callback)."""
        needs = ctx.needs_input_grad[1:]
        grads = tuple(g if n else None for g, n in zip(grads, needs))
        out = ctx.callback(grads)
        if out is not None:
            grads = tuple(out)
        return (None,) + tuple(grads)


class _BackwardHook:
    """Runs a module's full backward (pre-)hooks, as torch.utils.hooks.BackwardHook:
    the output node sees grad_output (and runs the pre-hooks), the input node then sees
    grad_input and runs the hooks with (module, grad_input, grad_output)."""

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs = None
        self.n_inputs = self.n_outputs = -1
        self.input_index = self.output_index = None

    @staticmethod
    def _pack(indices, values, size):
        res = [None] * size
        for i, v in zip(indices, values):
            res[i] = v
        return tuple(res)

    def _wrap(self, args, callback):
        """args with its Tensors passed through one _BackwardHookFunction node (when any
        needs grad and grad mode is on); returns (new args, tensor positions or None)."""
        idx = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        if not (_GRAD_MODE.enabled and any(args[i].requires_grad for i in idx)):
            return args, None
        outs = _BackwardHookFunction.apply(callback, *[args[i] for i in idx])
        new = list(args)
        for i, t in zip(idx, outs):
            new[i] = t
        return tuple(new), idx

    def setup_input_hook(self, args):
        def on_input_grads(grads):
            if self.grad_outputs is None:
                return None          # the gradient did not come through the outputs
            res = self._pack(self.input_index, grads, self.n_inputs)
            for hook in self.user_hooks:
                out = hook(self.module, res, self.grad_outputs)
                if out is None:
                    continue
                if not isinstance(out, (tuple, list)) or len(out) != len(res):
                    raise RuntimeError("Backward hook returned an invalid number of "
                                       f"grad_input, got {len(out)}, but expected {len(res)}")
                res = tuple(out)
            self.grad_outputs = None
            return tuple(res[i] for i in self.input_index)

        args = tuple(args)
        res, self.input_index = self._wrap(args, on_input_grads)
        self.n_inputs = len(args)
        return res

    def setup_output_hook(self, result):
        def on_output_grads(grads):
            self.grad_outputs = self._pack(self.output_index, grads, self.n_outputs)
            for hook in self.user_pre_hooks:
                out = hook(self.module, self.grad_outputs)
                if out is None:
                    continue
                if len(out) != len(self.grad_outputs):
                    raise RuntimeError("Backward pre hook returned an invalid number of "
                                       f"grad_output, got {len(out)}, but expected "
                                       f"{len(self.grad_outputs)}")
                self.grad_outputs = tuple(out)
            local = self.grad_outputs
            if self.input_index is None:
                # no input needs a gradient: the hooks run now, with grad_input all None
                warnings.warn("Full backward hook is firing when gradients are computed with "
                              "respect to module outputs since no inputs require gradients.",
                              stacklevel=2)
                grad_inputs = (None,) * self.n_inputs
                for hook in self.user_hooks:
                    res = hook(self.module, grad_inputs, self.grad_outputs)
                    if res is not None and not (isinstance(res, tuple)
                                                and all(r is None for r in res)):
                        raise RuntimeError("Backward hook for Modules where no input requires "
                                           "gradient should always return None or None for "
                                           "all gradients.")
                self.grad_outputs = None
            return tuple(local[i] for i in self.output_index)

        single = not isinstance(result, tuple)
        args = (result,) if single else result
        res, self.output_index = self._wrap(args, on_output_grads)
        self.n_outputs = len(args)
        return res[0] if single else res


# ------------------------------------------------------------------------------ global hooks
class _GlobalHooks:
    """Hooks that run for every Module (torch.nn.modules.module.register_module_*)."""

    def __init__(self):
        self.forward_pre_hooks = OrderedDict()
        self.forward_pre_hooks_with_kwargs = set()
        self.forward_hooks = OrderedDict()
        self.forward_hooks_with_kwargs = set()
        self.forward_hooks_always_called = set()
        self.backward_hooks = OrderedDict()
        self.backward_pre_hooks = OrderedDict()

    @property
    def active(self) -> bool:
        return bool(self.forward_pre_hooks or self.forward_hooks or self.backward_hooks
                    or self.backward_pre_hooks)


_GLOBAL = _GlobalHooks()


def register_module_forward_pre_hook(hook, *, with_kwargs: bool = False):
    """A forward pre-hook (see Module.register_forward_pre_hook) run for every Module,
    before the module's own."""
    handle = _DictHandle(_GLOBAL.forward_pre_hooks, hook,
                         (_GLOBAL.forward_pre_hooks_with_kwargs,))
    if with_kwargs:
        _GLOBAL.forward_pre_hooks_with_kwargs.add(handle.id)
    return handle


def register_module_forward_hook(hook, *, with_kwargs: bool = False,
                                 always_call: bool = False):
    """A forward hook (see Module.register_forward_hook) run for every Module, before the
    module's own."""
    handle = _DictHandle(_GLOBAL.forward_hooks, hook,
                         (_GLOBAL.forward_hooks_with_kwargs,
                          _GLOBAL.forward_hooks_always_called))
    if with_kwargs:
        _GLOBAL.forward_hooks_with_kwargs.add(handle.id)
    if always_call:
        _GLOBAL.forward_hooks_always_called.add(handle.id)
    return handle


def register_module_full_backward_hook(hook):
    """A full backward hook (see Module.register_full_backward_hook) for every Module."""
    return _DictHandle(_GLOBAL.backward_hooks, hook)


def register_module_full_backward_pre_hook(hook):
    """A full backward pre-hook for every Module."""
    return _DictHandle(_GLOBAL.backward_pre_hooks, hook)


register_module_backward_hook = register_module_full_backward_hook
