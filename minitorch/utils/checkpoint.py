"""``minitorch.utils.checkpoint``: activation checkpointing, as PyTorch's.

``checkpoint(function, *args)`` returns function(*args), but does not keep the graph of
the ops inside `function` (with their saved activations) until backward: it keeps only
the inputs, and backward runs `function` again, under grad mode, to rebuild that graph
and differentiate through it. Memory for compute: a deep network split into segments
holds one segment's activations at a time.

How minitorch does it (one path for both of PyTorch's variants):

1. forward: remember where the graph counter stands, run `function` with grad mode on,
   and walk the graph of its outputs back to where it leaves the function: the tensors
   it came from (leaf tensors such as parameters, and tensors made before the call: the
   arguments, tensors in the function's closure);
2. drop that graph, keeping only the output values, and make one `_Checkpoint` node whose
   inputs are those boundary tensors, so backward routes gradients to exactly them
   (``.backward()``, ``autograd.grad(..., inputs=...)``, hooks, all as without
   checkpointing);
3. backward: restore the random state the forward started from (so dropout draws the
   same masks), run `function` again under grad mode, and return the gradients of its
   outputs with respect to the boundary tensors. Under ``create_graph=True`` those
   gradients are themselves differentiable, so double backward works through a
   checkpoint.

Gradients equal those of the plain call. As in PyTorch, the function must compute the
same thing when run again (no changing globals), and with ``use_reentrant=True`` (the
default when use_reentrant is not given, with PyTorch's warning) and no input that
requires grad, the outputs do not require grad (PyTorch's warning says so).
"""
from __future__ import annotations

import contextlib
import warnings

from .. import backend
from .. import random as _random
from ..tensor import Tensor, _make
from ..autograd import function as _function
from ..autograd import grad_mode
from ..autograd.engine import grad as _autograd_grad
from ..autograd.function import Function

__all__ = ["checkpoint", "checkpoint_sequential", "noop_context_fn", "CheckpointError",
           "set_checkpoint_early_stop", "set_checkpoint_debug_enabled", "detach_variable",
           "check_backward_validity", "CheckpointFunction"]


class CheckpointError(RuntimeError):
    """Raised when the recomputation in backward does not match the forward."""


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


_early_stop = True


@contextlib.contextmanager
def set_checkpoint_early_stop(enable: bool):
    """Accepted for PyTorch code: minitorch always recomputes the whole function."""
    global _early_stop
    prev, _early_stop = _early_stop, enable
    try:
        yield
    finally:
        _early_stop = prev


@contextlib.contextmanager
def set_checkpoint_debug_enabled(enabled):
    """Accepted for PyTorch code (no extra debug output in minitorch)."""
    yield


def detach_variable(inputs):
    """Each Tensor of the tuple detached, keeping its requires_grad."""
    if not isinstance(inputs, tuple):
        raise RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: "
                           f"{type(inputs).__name__}")
    out = []
    for x in inputs:
        if isinstance(x, Tensor):
            y = x.detach()
            y.requires_grad_(x.requires_grad)
            out.append(y)
        else:
            out.append(x)
    return tuple(out)


def check_backward_validity(inputs) -> None:
    if not any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                      stacklevel=3)


# ---------------------------------------------------------------------------- outputs
def _flatten(out):
    """(list of leaves, rebuild function) for a Tensor, or (nested) tuples/lists/dicts."""
    from ..func._pytree import tree_flatten, tree_unflatten
    leaves, spec = tree_flatten(out)
    return leaves, lambda new: tree_unflatten(new, spec)


# ---------------------------------------------------------------------------- the walk
def _key(t: Tensor):
    """How the engine tells tensors apart as gradient targets: a leaf by identity, any
    other tensor by (node, output index)."""
    return ("leaf", id(t)) if t.grad_fn is None else (t.grad_fn, t._out_idx)


def _boundary(outputs, start_seq: int, known: dict, xp):
    """The tensors the graph of `outputs` comes from, seen from inside the call that made
    every node numbered above start_seq: leaves (parameters, leaf arguments) and outputs
    of nodes made before the call (arguments, tensors from the function's closure).
    `known` maps _key(t) to the Tensor t where the caller has it (the arguments); the
    others get a stand-in Tensor pointing at the same node (see _stand_in)."""
    result = {}

    def add(key, make):
        if key not in result:
            result[key] = known.get(key) if key in known else make()

    stack = []
    for o in outputs:
        fn = o.grad_fn
        if fn is None:
            add(("leaf", id(o)), lambda o=o: o)
        elif fn._seq <= start_seq:          # an output made before the call (an argument)
            add((fn, o._out_idx), lambda fn=fn, i=o._out_idx: _stand_in(fn, i, xp))
        else:
            stack.append(fn)
    visited = set()
    while stack:
        node = stack.pop()
        if node in visited:
            continue
        visited.add(node)
        for edge in node._edges:
            if edge is None:
                continue
            fn, idx, leaf = edge
            if fn is None:
                add(("leaf", id(leaf)), lambda leaf=leaf: leaf)
            elif fn._seq > start_seq:
                stack.append(fn)
            else:
                add((fn, idx), lambda fn=fn, idx=idx: _stand_in(fn, idx, xp))
    return list(result.values())


def _stand_in(node, idx: int, xp) -> Tensor:
    """A Tensor that the engine takes for output `idx` of `node` (same node, index, shape
    and dtype): a gradient target and an input edge. Its value is never read, so it is a
    zero-stride view of one zero."""
    shape, dtype = node._out_meta[idx]
    return _make(xp.broadcast_to(xp.zeros((), dtype=dtype), shape), True, node, idx)


# ---------------------------------------------------------------------------- the node
class _State:
    """What one checkpointed call keeps for backward: the function and its inputs, the
    random and autocast state it started with, and the boundary tensors."""

    def __init__(self, function, args, kwargs, rng_state, autocast, recompute_ctx):
        self.function = function
        self.args = args
        self.kwargs = kwargs
        self.rng_state = rng_state
        self.autocast = autocast
        self.recompute_ctx = recompute_ctx
        self.boundary = []
        self.n_out = 0
        self.out_arrays = None


class _Checkpoint(Function):
    """Forward hands back the output values the call already computed; backward runs the
    function again and differentiates it (module docstring, step 3):

        grad_b = sum_k  grad_out_k . d out_k / d b     for each boundary tensor b

    The rebuilt graph leads out of the call to the same boundary tensors. For the
    backward pass through it, its edges that leave the call are pointed at one stand-in
    leaf per boundary tensor, so gradients stop there (instead of running on into the
    graph before the call, which the engine does itself once this node returns them);
    the edges are put back afterwards, so that a graph built under create_graph
    (double backward) leads to the real tensors."""

    forward_takes_arrays = True

    @staticmethod
    def forward(ctx, state, *arrays):
        ctx.state = state
        outs = state.out_arrays
        state.out_arrays = None
        return outs[0] if len(outs) == 1 else tuple(outs)

    @staticmethod
    def backward(ctx, *grads):
        state = ctx.state
        create_graph = grad_mode.is_grad_enabled()
        slots = {_key(b): i for i, b in enumerate(state.boundary)}
        result = [None] * len(state.boundary)
        with grad_mode.enable_grad():
            start = next(_function._seq)
            outputs = _recompute(state)
            if len(outputs) != state.n_out:
                raise CheckpointError(
                    "torch.utils.checkpoint: the recomputed function returned "
                    f"{len(outputs)} tensors that require grad, but the forward returned "
                    f"{state.n_out}: the function must compute the same thing when run again")
            roots = []
            for o, g in zip(outputs, grads):
                inside = o.grad_fn is not None and o.grad_fn._seq > start
                if inside:
                    roots.append((o, g))
                else:            # the function returned a tensor from outside as it is
                    _add(result, _slot(slots, _key(o)), g)
            if roots:
                stand_ins = [_make(b._data, True) for b in state.boundary]
                rewired = _rewire([o for o, _ in roots], start, slots, stand_ins)
                try:
                    got = _autograd_grad([o for o, _ in roots], stand_ins,
                                         [g for _, g in roots], retain_graph=create_graph,
                                         create_graph=create_graph, allow_unused=True)
                finally:
                    for edges, k, edge in rewired:
                        edges[k] = edge
                for i, g in enumerate(got):
                    _add(result, i, g)
        return (None,) + tuple(result)


def _slot(slots: dict, key) -> int:
    if key not in slots:
        raise CheckpointError("torch.utils.checkpoint: the recomputed function used a tensor "
                              "the forward did not: the function must compute the same "
                              "thing when run again")
    return slots[key]


def _add(result: list, i: int, g) -> None:
    if g is not None:
        result[i] = g if result[i] is None else result[i] + g


def _rewire(outputs, start_seq: int, slots: dict, stand_ins: list):
    """Point every edge of the graph made after start_seq that leaves it at the stand-in
    leaf of its boundary tensor; returns (edge list, index, old edge) to undo it."""
    rewired = []
    stack = [o.grad_fn for o in outputs]
    visited = set()
    while stack:
        node = stack.pop()
        if node in visited:
            continue
        visited.add(node)
        edges = node._edges
        for k, edge in enumerate(edges):
            if edge is None:
                continue
            fn, idx, leaf = edge
            if fn is not None and fn._seq > start_seq:
                stack.append(fn)
                continue
            key = ("leaf", id(leaf)) if fn is None else (fn, idx)
            rewired.append((edges, k, edge))
            edges[k] = (None, 0, stand_ins[_slot(slots, key)])
    return rewired


def _recompute(state):
    """The outputs of function(*args, **kwargs) that require grad, run again with the random
    and autocast state of the first run (the current random state is restored after)."""
    fork = _random.fork_rng() if state.rng_state is not None else contextlib.nullcontext()
    with fork:
        if state.rng_state is not None:
            _random.set_rng_state(state.rng_state)
        with _autocast_as(state.autocast), state.recompute_ctx:
            out = state.function(*state.args, **state.kwargs)
    leaves, _ = _flatten(out)
    return [t for t in leaves if isinstance(t, Tensor) and t.requires_grad]


def _autocast_state():
    from ..amp.autocast_mode import is_autocast_enabled, get_autocast_dtype
    return is_autocast_enabled("cuda"), get_autocast_dtype("cuda")


def _autocast_as(saved):
    """Recompute under the autocast state the forward ran in."""
    from ..amp.autocast_mode import autocast
    enabled, dtype = saved
    if enabled:
        return autocast("cuda", dtype=dtype)
    if _autocast_state()[0]:
        return autocast("cuda", enabled=False)
    return contextlib.nullcontext()


# ---------------------------------------------------------------------------- API
_REENTRANT_WARNING = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. "
    "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an "
    "exception. use_reentrant=False is recommended, but if you need to preserve the current "
    "default behavior, you can pass use_reentrant=True. Refer to docs for more details on "
    "the differences between the two variants.")


def checkpoint(function, *args, use_reentrant: bool | None = None,
               context_fn=noop_context_fn, determinism_check: str = "default",
               debug: bool = False, early_stop: bool = True, **kwargs):
    """function(*args, **kwargs), recomputed in backward instead of keeping its
    activations (module docstring). ``preserve_rng_state=True`` (a keyword) replays the
    random state, so dropout inside draws the same masks in both runs. `context_fn`
    returns two context managers, for the forward run and for the recomputation."""
    if use_reentrant is None:
        warnings.warn(_REENTRANT_WARNING, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant and (context_fn is not noop_context_fn or debug is not False):
        raise ValueError("Passing `context_fn` or `debug` is only supported when "
                         "use_reentrant=False.")
    if determinism_check not in ("default", "none"):
        raise ValueError("determinism_check should be one of ['default', 'none'], but got "
                         f"{determinism_check}")
    if not grad_mode.is_grad_enabled():
        return function(*args, **kwargs)        # no graph to save memory on
    if use_reentrant and not any(isinstance(a, Tensor) and a.requires_grad for a in args):
        check_backward_validity(args)            # PyTorch's warning: gradients will be None
        with grad_mode.no_grad():
            return function(*args)
    forward_ctx, recompute_ctx = context_fn()
    rng_state = _random.get_rng_state() if preserve else None
    autocast = _autocast_state()
    flat_inputs, _ = _flatten((args, kwargs))
    start = next(_function._seq)
    with grad_mode.enable_grad(), forward_ctx:
        out = function(*args, **kwargs)
    leaves, rebuild = _flatten(out)
    diff = [i for i, t in enumerate(leaves) if isinstance(t, Tensor) and t.requires_grad]
    if not diff:
        return out
    outs = [leaves[i] for i in diff]
    known = {_key(t): t for t in flat_inputs if isinstance(t, Tensor) and t.requires_grad}
    state = _State(function, args, kwargs, rng_state, autocast, recompute_ctx)
    state.boundary = _boundary(outs, start, known, backend.get_array_module(outs[0]._data))
    state.n_out = len(outs)
    state.out_arrays = [t._data for t in outs]
    del out, outs          # the graph made inside the call goes with them
    new = _Checkpoint.apply(state, *state.boundary)
    new = new if isinstance(new, tuple) else (new,)
    for i, t in zip(diff, new):
        leaves[i] = t
    return rebuild(leaves)


class CheckpointFunction:
    """PyTorch's reentrant checkpoint Function, as older code calls it:
    ``CheckpointFunction.apply(function, preserve_rng_state, *args)``."""

    @staticmethod
    def apply(function, preserve_rng_state, *args):
        return checkpoint(function, *args, use_reentrant=True,
                          preserve_rng_state=preserve_rng_state)


def checkpoint_sequential(functions, segments, input, use_reentrant: bool | None = None,
                          **kwargs):
    """Run `functions` (a list of modules/functions or an nn.Sequential) in order on
    `input`, in `segments` chunks; every chunk but the last is checkpointed."""
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should "
            "be passed explicitly. In version 2.9 we will raise an exception if use_reentrant "
            "is not passed. use_reentrant=False is recommended, but if you need to preserve "
            "the current default behavior, you can pass use_reentrant=True. Refer to docs for "
            "more details on the differences between the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    from ..nn import Sequential
    if isinstance(functions, Sequential):
        functions = list(functions.children())
    functions = list(functions)

    def run_function(start, end):
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x
        return forward

    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1)(input)
