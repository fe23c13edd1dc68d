"""Function: the unit of differentiation, and how users extend minitorch.

A Function subclass writes two static methods::

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):            # x is a numpy or cupy array
            y = get_array_module(x).exp(x)
            ctx.save_for_backward(y)    # save inputs or outputs themselves
            return y
        @staticmethod
        def backward(ctx, grad):        # grad is a Tensor
            y, = ctx.saved_tensors      # ... and they come back as Tensors
            return grad * y             # d exp(x)/dx = exp(x)

and is called as ``Exp.apply(tensor)``. Forward works on raw arrays; backward receives and
returns Tensors built from differentiable operations, so the backward pass can itself be
differentiated (``create_graph=True``).

A Function written for PyTorch works too: its forward receives the input Tensors (with
grad mode off) and returns Tensors, as in PyTorch (``input.clamp(min=0)``,
``ctx.save_for_backward(input)``). Which kind a class is gets decided once, when it is
defined: minitorch's own Functions, and user Functions whose forward uses the array idiom
(``get_array_module``, an ``xp`` module), take arrays; any other user Function takes Tensors.
Set ``forward_takes_arrays = True`` or ``False`` on the class to choose.

The `ctx` object is the graph node: ``y.grad_fn`` is the ctx that made ``y``. Arrays saved
with ``save_for_backward`` that *are* an input or an output come back as that input or
output Tensor (connected to the graph), so second derivatives flow through them; any other
array comes back as a constant Tensor. Outputs are not held by their node: a saved output
is kept as its array and re-wrapped on access, so there is no reference cycle.
"""
from __future__ import annotations

import itertools
import weakref

import numpy as np

from .. import backend
from ..tensor import Tensor, RemovableHandle, _make
from . import grad_mode

_STATE = grad_mode.STATE
_ndarray = np.ndarray
_seq = itertools.count()

# True while autocast, the profiler or anomaly detection is on: then `apply` hands each
# call to autograd/_hooks.py. One module-global check per call when they are all off.
_hooked = False

# how a saved value was resolved
_SAVED_INPUT, _SAVED_OUTPUT, _SAVED_CONST, _SAVED_RAW = 0, 1, 2, 3


class Function:
    """Base class of differentiable operations; see the module docstring."""

    # Whether outputs are views of input 0 (reshape, transpose, basic indexing...). View
    # outputs share the input's version counter, so an in-place change through either is seen.
    is_view = False

    # Per-call state with its default here on the class, so that `apply` (run for every op)
    # only stores what differs from it.
    _to_save = None     # what forward passed to save_for_backward
    _non_diff = None    # what forward passed to mark_non_differentiable
    _fwd_args = None    # apply's arguments while forward runs (for needs_input_grad)
    _needs = None       # needs_input_grad, once the node is recorded
    _out_hooks = None   # output index -> hooks (Tensor.register_hook on a non-leaf)
    _freed = False      # saved values dropped by a backward without retain_graph

    # ----------------------------------------------------------------- user API
    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("Function subclasses must implement forward(ctx, ...)")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("Function subclasses must implement backward(ctx, ...)")

    def save_for_backward(self, *arrays):
        """Keep arrays for backward. Save the input or output arrays themselves (not
        copies) to keep second derivatives: they come back as graph-connected Tensors."""
        self._to_save = arrays

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Saved intermediate values of the "
                "graph are freed when you call .backward() or autograd.grad(). Specify "
                "retain_graph=True if you need to backward through the graph a second time or "
                "if you need to access saved tensors after calling backward.")
        saved = self._saved
        if not saved:
            return ()
        return tuple([_unpack(self, s) for s in saved])

    def mark_non_differentiable(self, *arrays):
        """Declare outputs (by their arrays) that carry no gradient, like argmax indices."""
        self._non_diff = arrays

    def mark_dirty(self, *tensors):
        """PyTorch's declaration that forward changed these inputs in place. minitorch
        tracks in-place changes with version counters already, so nothing more is needed."""

    def set_materialize_grads(self, value: bool):
        """Accepted for PyTorch code. minitorch always gives backward a gradient for every
        output (zeros for the unused ones), which is what PyTorch's default does."""

    # Whether Python numbers among the inputs show in next_functions as (None, 0) after the
    # tensors, as PyTorch shows its "wrapped numbers" (set for add, sub, mul, div).
    _shows_numbers = False

    @property
    def next_functions(self) -> tuple:
        """The nodes this one sends gradients to, as PyTorch shows them: one (node, output
        index) pair per Tensor input, in order, with the leaf's AccumulateGrad node for
        leaves and (None, 0) for tensors without grad. Non-tensor arguments (shapes, dims)
        are not inputs; a Python number operand of add/sub/mul/div comes after the tensors
        as (None, 0), so ``(2 * b).grad_fn`` lists b's node first, as in PyTorch."""
        out = []
        numbers = 0
        for edge, m in zip(self._edges, self._in_meta):
            if edge is None:
                if m is _NUMBER:
                    numbers += 1
                elif m is not _OTHER:
                    out.append((None, 0))
            elif edge[0] is None:
                out.append((accumulate_grad_node(edge[2]), 0))
            else:
                out.append((edge[0], edge[1]))
        if numbers and self._shows_numbers:
            out.extend([(None, 0)] * numbers)
        return tuple(out)

    def name(self) -> str:
        """The node's name as PyTorch shows it: ``MulBackward0`` for minitorch's own ops,
        ``MyFnBackward`` for a user's Function ``MyFn`` (the type of the node has it too)."""
        return type(self).__name__

    @property
    def needs_input_grad(self) -> tuple:
        """For each positional input of the call, whether it requires grad; readable in
        backward and, as in PyTorch, inside forward too."""
        needs = self._needs
        if needs is not None:
            return needs
        args = self._fwd_args
        if args is not None:
            return tuple(isinstance(a, Tensor) and a._rg for a in args)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute "
                             "'needs_input_grad' (the call was not recorded)")

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    def register_hook(self, hook):
        """Not supported: register hooks on tensors instead."""
        raise NotImplementedError("register hooks on tensors (Tensor.register_hook)")

    # ----------------------------------------------------------------- two kinds of forward
    # minitorch's own Functions (and user Functions in that style) get the inputs' arrays
    # and return arrays: the fast, device-agnostic path. A Function written for PyTorch
    # gets the input Tensors themselves and returns Tensors, as PyTorch does. Decided once
    # per class, when it is defined (see __init_subclass__); set it on a class to choose.
    forward_takes_arrays = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("_is_node"):
            return
        if "forward_takes_arrays" not in cls.__dict__ and "forward" in cls.__dict__:
            cls.forward_takes_arrays = _writes_array_style(cls)
        cls._node_cls = _node_class(cls)

    @staticmethod
    def setup_context(ctx, inputs, output):
        """PyTorch 2's other style: ``forward(*inputs)`` without ctx, then this."""
        raise NotImplementedError

    # ----------------------------------------------------------------- the call
    @classmethod
    def apply(cls, *args, **kwargs):
        """Run forward on the arrays of `args` and, when grad mode is on and an input
        requires grad, record this call as a node of the graph.

        This runs for every operation, so it is written for speed: the common case (one
        NumPy array out, no graph to record) takes the shortest path."""
        if _hooked:
            from ._hooks import hooked_apply
            return hooked_apply(cls, args, kwargs)
        if not cls.forward_takes_arrays:
            return _apply_on_tensors(cls, args, kwargs)
        # the arrays for forward; whether any input requires grad; one array type (device)
        arrays = []
        need = False
        first_type = None
        for a in args:
            if isinstance(a, Tensor):
                data = a._data
                if first_type is None:
                    first_type = type(data)
                elif type(data) is not first_type:
                    _raise_device_mismatch(cls, args)
                arrays.append(data)
                if a._rg:
                    need = True
            else:
                arrays.append(a)
        ctx = _new(cls._node_cls)
        ctx._fwd_args = args  # for ctx.needs_input_grad inside forward
        raw = cls.forward(ctx, *arrays, **kwargs)

        if type(raw) is _ndarray:     # fast path: one NumPy array, as most ops return
            multi = False
            outs = (raw,)
        else:
            multi = type(raw) is tuple
            outs = raw if multi else (raw,)
            if not all(type(o) is _ndarray for o in outs):
                outs = _coerce_outputs(ctx, outs, arrays)

        if need and _STATE.enabled:
            results = _record(ctx, args, arrays, outs)
        elif multi:
            results = tuple(_make(o) for o in outs)
        else:
            results = (_make(outs[0]),)

        if cls.is_view:
            src = args[0]
            for r in results:
                r._vc = src._vc
                r._base = src if src._base is None else src._base
        return results if multi else results[0]

    # ----------------------------------------------------------------- engine helpers
    def _add_output_hook(self, idx: int, hook):
        if self._out_hooks is None:
            self._out_hooks = {}
        return RemovableHandle(self._out_hooks.setdefault(idx, []), hook)

    def _release(self):
        """Drop saved values after a backward without retain_graph."""
        self._saved = None
        self._freed = True


_new = object.__new__


def _node_class(cls):
    """The class of the graph nodes a Function makes: a subclass named as PyTorch names
    its nodes (``Mul`` -> ``MulBackward0``; a user's ``MyFn`` -> ``MyFnBackward``), so that
    ``y.grad_fn`` prints, and ``type(y.grad_fn).__name__`` reads, as in PyTorch."""
    own = (cls.__module__ or "").startswith("minitorch.")
    name = cls.__name__ + ("Backward0" if own else "Backward")
    return type(name, (cls,), {"_is_node": True, "__module__": cls.__module__,
                               "__qualname__": name, "__doc__": cls.__doc__})


def _writes_array_style(cls) -> bool:
    """Whether a Function subclass's forward is written on arrays.

    minitorch's own Functions are. A user's Function is, when its forward uses the array
    idiom of minitorch's README (``get_array_module``, an ``xp`` module); otherwise it is
    PyTorch code, whose forward works on Tensors."""
    if (cls.__module__ or "").startswith("minitorch."):
        return True
    code = getattr(cls.forward, "__code__", None)
    if code is None:
        return False
    names = set(code.co_names) | set(code.co_varnames)
    return bool(names & {"get_array_module", "xp", "cupy"})


def _apply_on_tensors(cls, args, kwargs):
    """``apply`` for a Function written as in PyTorch: forward runs with grad mode off on
    the input Tensors and returns Tensors (or arrays); what it saves are Tensors. The
    outputs are then recorded as for any Function."""
    arrays = []
    need = False
    first_type = None
    for a in args:
        if isinstance(a, Tensor):
            data = a._data
            if first_type is None:
                first_type = type(data)
            elif type(data) is not first_type:
                _raise_device_mismatch(cls, args)
            arrays.append(data)
            need = need or a._rg
        else:
            arrays.append(a)
    ctx = _new(cls._node_cls)
    ctx._fwd_args = args
    with grad_mode.no_grad():
        if "setup_context" in _overridden(cls) and not _takes_ctx(cls.forward):
            raw = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, args, raw)
        else:
            raw = cls.forward(ctx, *args, **kwargs)
    multi = isinstance(raw, tuple)
    outs_in = raw if multi else (raw,)
    outs = tuple(o._data if isinstance(o, Tensor) else o for o in outs_in)
    if not all(type(o) is _ndarray for o in outs):
        outs = _coerce_outputs(ctx, outs, arrays)
    # saved Tensors: an output becomes its array (so saved_tensors gives the recorded
    # output, connected to the graph); inputs and other Tensors stay themselves
    if ctx._to_save:
        ctx._to_save = tuple(_saved_as(s, args, outs) for s in ctx._to_save)
    if ctx._non_diff:
        ctx._non_diff = tuple(t._data if isinstance(t, Tensor) else t for t in ctx._non_diff)
    if need and _STATE.enabled:
        results = _record(ctx, args, arrays, outs)
    else:
        results = tuple(_make(o) for o in outs)
    return results if multi else results[0]


def _saved_as(s, args, outs):
    if isinstance(s, Tensor):
        if any(s is a for a in args):
            return s
        for o in outs:
            if s._data is o:
                return o
    return s


def _overridden(cls):
    return {name for klass in cls.__mro__ if klass is not Function for name in vars(klass)}


def _takes_ctx(forward) -> bool:
    import inspect
    try:
        params = list(inspect.signature(forward).parameters)
    except (TypeError, ValueError):
        return True
    return bool(params) and params[0] == "ctx"


def once_differentiable(backward):
    """PyTorch's decorator for a backward that is not itself differentiable: it runs
    with grad mode off (a second derivative through it is then zero, not wrong)."""
    import functools

    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with grad_mode.no_grad():
            return backward(ctx, *grads)
    return wrapper


FunctionCtx = Function  # the type of ``ctx`` (PyTorch: torch.autograd.function.FunctionCtx)


class AccumulateGrad:
    """What ``next_functions`` shows for a leaf: the node that accumulates into ``.grad``.
    One per leaf (the same object every time), holding its leaf weakly."""

    def __init__(self, variable: Tensor):
        self._ref = weakref.ref(variable)
        self.next_functions = ()

    @property
    def variable(self):
        return self._ref()

    def name(self):
        return "AccumulateGrad"

    def __repr__(self):
        return f"<AccumulateGrad object at {hex(id(self))}>"


_ACCUMULATE = {}   # id(leaf) -> its AccumulateGrad (dropped when the leaf is freed)


def accumulate_grad_node(leaf: Tensor) -> AccumulateGrad:
    """The AccumulateGrad node of a leaf, created on first request."""
    key = id(leaf)
    node = _ACCUMULATE.get(key)
    if node is None or node.variable is not leaf:
        node = AccumulateGrad(leaf)
        _ACCUMULATE[key] = node
        weakref.finalize(leaf, _ACCUMULATE.pop, key, None)
    return node


# _in_meta markers of the arguments that are not Tensors (see next_functions)
_NUMBER = "number"
_OTHER = "other"
_PY_NUMBERS = (int, float, bool)


def _record(ctx, args, arrays, outs):
    """Make `ctx` a node of the graph and return the output Tensors that point to it.

    The node keeps, per input, an edge to where its gradient goes (the input's node and
    output index, or the leaf itself) and the (shape, dtype, array type) the gradient must
    have; per output, its (shape, dtype); and the values forward saved."""
    ctx._fwd_args = None  # the graph holds inputs only as far as backward needs them
    ctx._seq = next(_seq)
    edges = []
    meta = []
    for a in args:
        if isinstance(a, Tensor):
            if a._rg:
                fn = a.grad_fn
                edges.append((fn, a._out_idx, None) if fn is not None else (None, 0, a))
                d = a._data
                meta.append((d.shape, d.dtype, type(d)))
            else:
                edges.append(None)
                meta.append(None)
        else:
            edges.append(None)
            meta.append(_NUMBER if a.__class__ in _PY_NUMBERS else _OTHER)
    ctx._edges = edges
    ctx._in_meta = meta
    ctx._needs = tuple([e is not None for e in edges])
    non_diff = ctx._non_diff
    if len(outs) == 1 and non_diff is None:
        # fast path: one output, differentiable when it is floating point
        o = outs[0]
        rg = o.dtype.kind == "f"
        results = (_make(o, rg, ctx if rg else None, 0),)
        ctx._out_meta = ((o.shape, o.dtype),)
    else:
        results = []
        for i, o in enumerate(outs):
            rg = o.dtype.kind == "f" and not (non_diff and any(o is nd for nd in non_diff))
            results.append(_make(o, rg, ctx if rg else None, i))
        results = tuple(results)
        ctx._out_meta = tuple([(o.shape, o.dtype) for o in outs])
    to_save = ctx._to_save
    if to_save is not None:
        ctx._saved = _resolve_saved(to_save, args, arrays, outs, results)
        ctx._to_save = None
    else:
        ctx._saved = None
    return results


def _coerce_outputs(ctx, outs, arrays):
    """Make every output an array (NumPy returns scalars from 0-d results), and point
    saved values that were those scalars at the new arrays."""
    new = tuple(_as_array(o, arrays) for o in outs)
    if ctx._to_save:
        swap = {id(o): n for o, n in zip(outs, new) if o is not n}
        ctx._to_save = tuple(swap.get(id(s), s) if s is not None else None for s in ctx._to_save)
    return new


def _as_array(o, arrays):
    """Coerce what forward returned (numpy scalars from 0-d reductions) to an array."""
    if backend.is_array(o):
        return o
    xp = np
    for a in arrays:
        if backend.is_array(a):
            xp = backend.get_array_module(a)
            break
    if o is None or isinstance(o, Tensor):
        raise TypeError("Function.forward must return arrays (numpy/cupy), got "
                        f"{type(o).__name__}")
    return xp.asarray(o)


def _resolve_saved(to_save, args, arrays, outs, results):
    """Record, for each saved array, whether it is an input, an output or a constant."""
    if not to_save:
        return None
    saved = []
    for s in to_save:
        if s is None:
            saved.append(None)
            continue
        if isinstance(s, Tensor):
            saved.append((_SAVED_INPUT, s, s._vc[0]))
            continue
        for a, arr in zip(args, arrays):
            if s is arr and isinstance(a, Tensor):
                saved.append((_SAVED_INPUT, a, a._vc[0]))
                break
        else:
            for j, o in enumerate(outs):
                if s is o:
                    r = results[j]
                    saved.append((_SAVED_OUTPUT, j, o, weakref.ref(r), r._vc[0], r._rg))
                    break
            else:
                # arrays that are neither input nor output are constants; Python scalars
                # stay Python scalars (wrapping them would make float64 0-d arrays)
                if isinstance(s, np.generic):
                    s = np.asarray(s)  # host: np.generic only, never CuPy
                saved.append((_SAVED_CONST, s) if backend.is_array(s) else (_SAVED_RAW, s))
    return saved


def _unpack(ctx, s):
    if s is None:
        return None
    kind = s[0]
    if kind == _SAVED_INPUT:
        t = s[1]
        if t._vc[0] != s[2]:
            _raise_modified(ctx, t, s[2])
        return t
    if kind == _SAVED_OUTPUT:
        _, j, arr, ref, version, rg = s
        t = ref()
        if t is not None and t._vc[0] != version:
            _raise_modified(ctx, t, version)
        return _make(arr, rg, ctx if rg else None, j)
    if kind == _SAVED_CONST:
        return _make(s[1])
    return s[1]


def _raise_modified(ctx, t, expected):
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [{t.dtype} {list(t.shape)}], which is needed by {ctx.name()}, is at "
        f"version {t._vc[0]}; expected version {expected} instead. Hint: do the in-place "
        "operation out of place, or after backward.")


def _raise_device_mismatch(cls, args):
    devs = [str(a.device) for a in args if isinstance(a, Tensor)]
    raise RuntimeError(f"{cls.__name__}: expected all tensors to be on the same device, "
                       f"but found tensors on devices {', '.join(devs)}")

