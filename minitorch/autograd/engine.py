"""The backward engine.

It walks the graph from the outputs back to the leaves, iteratively (a 100k-node chain is
fine), in reverse topological order: every node gets a sequence number when it is created,
and a node is always created after the nodes of its inputs, so popping the largest number
first from a heap visits a node only after every consumer of its outputs has sent it its
gradient. Gradients wait in a table keyed by node and are dropped once consumed.

Every gradient a Function returns is checked against the input it is for (same shape,
dtype and device); a mismatch raises an error naming the Function. Backward runs with grad
mode off unless ``create_graph=True``, in which case the backward computation is itself
recorded and can be differentiated again.
"""
from __future__ import annotations

import heapq
import warnings

from ..tensor import Tensor, _make
from .. import backend
from . import grad_mode

_STATE = grad_mode.STATE


# --------------------------------------------------------------------------- public API
def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """Accumulate gradients of `tensors` into the ``.grad`` of the leaves (or of `inputs`).
    ``grad_variables`` is PyTorch's old name of ``grad_tensors``."""
    if grad_variables is not None:
        if grad_tensors is not None:
            raise RuntimeError("backward(): 'grad_tensors' and 'grad_variables' (deprecated) "
                               "arguments both passed to backward(). Please only use "
                               "'grad_tensors'.")
        warnings.warn("'grad_variables' is deprecated. Use 'grad_tensors' instead.",
                      FutureWarning, stacklevel=2)
        grad_tensors = grad_variables
    tensors = _as_list(tensors, "backward", "tensors")
    grads = _root_grads(tensors, grad_tensors, "backward")
    if retain_graph is None:
        retain_graph = create_graph
    targets = None
    if inputs is not None:
        targets = _as_list(inputs, "backward", "inputs")
        if not targets:
            raise RuntimeError("backward(): 'inputs' argument to backward() cannot be empty.")
        for t in targets:
            if not t._rg:
                raise RuntimeError("backward(): one of the inputs does not require grad")
    captured = _run(tensors, grads, retain_graph, create_graph, targets, accumulate=True)
    if targets is not None:
        # non-leaf inputs: their gradient was captured at their node; accumulate it into
        # .grad as PyTorch does (leaves were accumulated by the walk itself)
        for t, g in zip(targets, captured):
            if g is not None and t.grad_fn is not None:
                _accumulate_into(t, g, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Return d(outputs)/d(inputs) (vector-Jacobian products with `grad_outputs`) without
    touching any ``.grad``.

    PyTorch's signature: ``only_inputs`` is accepted and ignored (PyTorch deprecated it);
    ``inputs`` may be a dict of named tensors (the result is then a dict);
    ``is_grads_batched=True`` treats the first dim of every grad_output as a batch of
    upstream gradients and returns the gradients stacked along a new first dim (one
    backward per batch element here, where PyTorch vectorizes)."""
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to "
                      "True). To accumulate gradient for other parts of the graph, please use "
                      "torch.autograd.backward.", FutureWarning, stacklevel=2)
    if isinstance(inputs, dict):
        names = list(inputs)
        got = grad(outputs, [inputs[k] for k in names], grad_outputs, retain_graph,
                   create_graph, True, allow_unused, is_grads_batched, materialize_grads)
        return dict(zip(names, got))
    if is_grads_batched:
        return _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
                             allow_unused, materialize_grads)
    outputs = _as_list(outputs, "grad", "outputs")
    inputs = _as_list(inputs, "grad", "inputs")
    if allow_unused is None:
        allow_unused = materialize_grads
    for t in inputs:
        if not t._rg:
            raise RuntimeError("grad(): One of the differentiated Tensors does not require grad")
    grads = _root_grads(outputs, grad_outputs, "grad")
    if retain_graph is None:
        retain_graph = create_graph
    captured = _run(outputs, grads, retain_graph, create_graph, inputs, accumulate=False)
    result = []
    for i, t in enumerate(inputs):
        g = captured[i]
        if g is None:
            if materialize_grads:
                g = _make(backend.get_array_module(t._data).zeros_like(t._data))
            elif not allow_unused:
                raise RuntimeError(
                    f"grad(): One of the differentiated Tensors (input {i}) appears to not have "
                    "been used in the graph. Set allow_unused=True if this is the desired behavior.")
        result.append(g)
    return tuple(result)


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused,
                  materialize_grads):
    """grad(..., is_grads_batched=True): one backward per row of the grad_outputs."""
    outputs = _as_list(outputs, "grad", "outputs")
    inputs = _as_list(inputs, "grad", "inputs")
    if grad_outputs is None:
        raise RuntimeError("grad(): is_grads_batched=True needs grad_outputs with a leading "
                           "batch dim")
    vs = _as_list(grad_outputs, "grad", "grad_outputs")
    n = vs[0].shape[0]
    rows = []
    for b in range(n):
        last = b == n - 1
        rows.append(grad(outputs, inputs, [v[b] for v in vs],
                         retain_graph=True if not last else retain_graph,
                         create_graph=create_graph, allow_unused=allow_unused,
                         materialize_grads=materialize_grads))
    from ..functional.shape import stack
    out = []
    for i in range(len(inputs)):
        col = [r[i] for r in rows]
        out.append(None if any(g is None for g in col) else stack(col))
    return tuple(out)


# --------------------------------------------------------------------------- the walk
def _run(roots, root_grads, retain_graph, create_graph, targets, accumulate):
    """Propagate `root_grads` from `roots`. With `targets`, only the parts of the graph that
    lead to them run; their gradients are accumulated into .grad (accumulate=True) or
    returned as a list (accumulate=False)."""
    table = {}       # node -> list of gradients, one per output
    leaf_grads = {}  # id(leaf) -> [leaf, gradient]
    heap = []

    capture_nodes = {}   # (node, out_idx) -> target position
    capture_leaves = {}  # id(leaf) -> target position
    run_nodes = None     # nodes whose backward must run (None: all)
    captured = [None] * (len(targets) if targets is not None else 0)
    if targets is not None:
        for pos, t in enumerate(targets):
            if t.grad_fn is None:
                capture_leaves[id(t)] = pos
            else:
                capture_nodes[(t.grad_fn, t._out_idx)] = pos
        run_nodes = _nodes_leading_to(roots, capture_nodes, capture_leaves)

    prev = _STATE.enabled
    _STATE.enabled = create_graph
    try:
        for t, g in zip(roots, root_grads):
            fn = t.grad_fn
            if fn is None:
                _add_leaf(leaf_grads, t, g)
            else:
                slots = table.get(fn)
                if slots is None:
                    slots = table[fn] = [None] * len(fn._out_meta)
                    heapq.heappush(heap, (-fn._seq, fn))
                i = t._out_idx
                slots[i] = g if slots[i] is None else slots[i] + g

        while heap:
            node = heapq.heappop(heap)[1]
            grads = table.pop(node)
            hooks = node._out_hooks
            if hooks:
                _apply_output_hooks(node, hooks, grads)
            if capture_nodes:
                for i, g in enumerate(grads):
                    pos = capture_nodes.get((node, i))
                    if pos is not None:
                        captured[pos] = g
            if run_nodes is not None and node not in run_nodes:
                if not retain_graph:
                    node._release()
                continue
            for g in grads:  # (`None in grads` would compare Tensors with ==)
                if g is None:
                    grads = _materialize(node, grads)
                    break
            result = node.backward(node, *grads)
            if type(result) is not tuple:
                result = (result,)
            edges = node._edges
            if len(result) != len(edges):
                # trailing non-tensor arguments (dims, flags) need no gradient entry, and
                # extra trailing Nones (for defaulted arguments) are allowed, as in PyTorch
                if len(result) > len(edges):
                    if any(g is not None for g in result[len(edges):]):
                        _raise_count(node, len(result), len(edges))
                    result = result[:len(edges)]
                elif any(e is not None for e in edges[len(result):]):
                    _raise_count(node, len(result), len(edges))
            meta = node._in_meta
            for k, g in enumerate(result):
                edge = edges[k]
                if g is None or edge is None:
                    continue
                m = meta[k]
                if type(g) is not Tensor:
                    g = _check_type(node, k, g)
                d = g._data
                if d.shape != m[0] or d.dtype != m[1] or type(d) is not m[2]:
                    _raise_bad_grad(node, k, d, m)
                fn = edge[0]
                if fn is None:
                    _add_leaf(leaf_grads, edge[2], g)
                    continue
                if run_nodes is not None and fn not in run_nodes and \
                        (fn, edge[1]) not in capture_nodes:
                    continue
                slots = table.get(fn)
                if slots is None:
                    slots = table[fn] = [None] * len(fn._out_meta)
                    heapq.heappush(heap, (-fn._seq, fn))
                i = edge[1]
                slots[i] = g if slots[i] is None else slots[i] + g
            if not retain_graph:
                node._release()

        for leaf, g in leaf_grads.values():
            if leaf._hooks:
                for hook in tuple(leaf._hooks):
                    new = hook(g)
                    if new is not None:
                        g = new
            if targets is not None:
                pos = capture_leaves.get(id(leaf))
                if pos is None:
                    continue
                if not accumulate:
                    captured[pos] = g
                    continue
            if accumulate:
                _accumulate_into(leaf, g, create_graph)
    finally:
        _STATE.enabled = prev
    return captured


def _add_leaf(leaf_grads, leaf, g):
    entry = leaf_grads.get(id(leaf))
    if entry is None:
        leaf_grads[id(leaf)] = [leaf, g]
    else:
        entry[1] = entry[1] + g


def _accumulate_into(leaf, g, create_graph):
    """leaf.grad += g, as PyTorch's AccumulateGrad: a fresh, writable array on first use
    (so no two leaves share a gradient array), graph kept only under create_graph."""
    if not create_graph:
        g = _make(g._data.copy()) if leaf._grad is None else _make(leaf._grad._data + g._data)
        leaf._grad = g
    else:
        leaf._grad = g if leaf._grad is None else leaf._grad + g


def _apply_output_hooks(node, hooks, grads):
    for idx, fns in hooks.items():
        g = grads[idx]
        if g is None:
            continue
        for hook in tuple(fns):
            new = hook(g)
            if new is not None:
                g = new
        grads[idx] = g


def _materialize(node, grads):
    """Unused outputs get zero gradients, as PyTorch's materialize_grads does."""
    out = list(grads)
    xp = None
    for g in grads:
        if g is not None:
            xp = backend.get_array_module(g._data)
            break
    for i, g in enumerate(out):
        if g is None:
            shape, dtype = node._out_meta[i]
            out[i] = _make(xp.zeros(shape, dtype=dtype))
    return out


def _nodes_leading_to(roots, capture_nodes, capture_leaves):
    """The set of nodes whose backward must run for gradients to reach the targets."""
    target_nodes = {n for n, _ in capture_nodes}
    reaches = {}   # node -> True when a target is at or below it
    runs = set()
    stack = [(t.grad_fn, False) for t in roots if t.grad_fn is not None]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            run = False
            for edge in node._edges:
                if edge is None:
                    continue
                if edge[0] is None:
                    if id(edge[2]) in capture_leaves:
                        run = True
                elif reaches.get(edge[0]):
                    run = True
            if run:
                runs.add(node)
            reaches[node] = run or node in target_nodes
            continue
        if node in reaches:
            continue
        reaches[node] = False  # visiting; settles when expanded
        stack.append((node, True))
        for edge in node._edges:
            if edge is not None and edge[0] is not None and edge[0] not in reaches:
                stack.append((edge[0], False))
    return runs


# --------------------------------------------------------------------------- checks
def _as_list(x, fn, arg):
    if isinstance(x, Tensor):
        return [x]
    if isinstance(x, (list, tuple)):
        for t in x:
            if not isinstance(t, Tensor):
                raise TypeError(f"{fn}(): '{arg}' must be Tensors, got {type(t).__name__}")
        return list(x)
    raise TypeError(f"{fn}(): '{arg}' must be a Tensor or a sequence of Tensors, "
                    f"got {type(x).__name__}")


def _root_grads(outputs, grad_outputs, fn):
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    else:
        grad_outputs = list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"{fn}(): got {len(grad_outputs)} gradients for {len(outputs)} outputs")
    grads = []
    for i, (t, g) in enumerate(zip(outputs, grad_outputs)):
        if not t._rg:
            raise RuntimeError(f"{fn}(): element {i} of tensors does not require grad and does "
                               "not have a grad_fn")
        if g is None:
            if t._data.size != 1:
                raise RuntimeError(f"{fn}(): grad can be implicitly created only for scalar "
                                   f"outputs; output {i} has shape {tuple(t.shape)}. Pass the "
                                   "upstream gradient (for example `gradient=torch.ones_like(out)`).")
            xp = backend.get_array_module(t._data)
            grads.append(_make(xp.ones(t._data.shape, dtype=t._data.dtype)))
            continue
        if not isinstance(g, Tensor):
            raise TypeError(f"{fn}(): gradient {i} must be a Tensor, got {type(g).__name__}")
        if g._data.shape != t._data.shape:
            raise RuntimeError(f"{fn}(): Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{tuple(g.shape)} and output[{i}] has a shape of {tuple(t.shape)}.")
        if type(g._data) is not type(t._data):
            raise RuntimeError(f"{fn}(): grad_output[{i}] is on {g.device} but output[{i}] "
                               f"is on {t.device}")
        if g._data.dtype != t._data.dtype:
            g = g.to(t.dtype)
        grads.append(g)
    return grads


def _check_type(node, k, g):
    if isinstance(g, Tensor):
        return g
    raise TypeError(f"Function {node.name()} returned a {type(g).__name__} as the gradient "
                    f"for input {k}; backward must return Tensors (or None)")


def _raise_count(node, got, expected):
    raise RuntimeError(f"Function {node.name()} returned an incorrect number of gradients "
                       f"(expected {expected}, got {got})")


def _raise_bad_grad(node, k, d, m):
    shape, dtype, arr_type = m
    if d.shape != shape:
        raise RuntimeError(f"Function {node.name()} returned an invalid gradient for input {k}: "
                           f"got shape {tuple(d.shape)} but the input has shape {tuple(shape)}")
    if d.dtype != dtype:
        raise RuntimeError(f"Function {node.name()} returned an invalid gradient for input {k}: "
                           f"got dtype {d.dtype} but the input has dtype {dtype}")
    raise RuntimeError(f"Function {node.name()} returned an invalid gradient for input {k}: "
                       f"got an array of type {type(d).__name__} but the input is a "
                       f"{arr_type.__name__} (wrong device)")
