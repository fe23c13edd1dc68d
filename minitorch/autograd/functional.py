"""``minitorch.autograd.functional``: derivatives of whole functions, as PyTorch's.

    jacobian(f, x)        J[i, j] = d f(x)_i / d x_j, shaped f(x).shape + x.shape
    hessian(f, x)         H = d^2 f / dx^2 for a scalar f, shaped x.shape + x.shape
    vjp(f, x, v)          (f(x), v^T J)    one backward pass
    jvp(f, x, v)          (f(x), J v)      two backward passes (the double-backward trick)
    vhp(f, x, v)          (f(x), v^T H)
    hvp(f, x, v)          (f(x), H v)

`inputs` is a Tensor or a tuple of Tensors, and results follow the same structure (a
tuple per input; for jacobian of a function with several outputs, a tuple per output of
tuples per input), as in PyTorch. The inputs are used through fresh leaves, so the
caller's tensors and their ``.grad`` are untouched. With ``create_graph=True`` the
results are part of the graph (differentiable again); otherwise they are detached.
``strict=True`` raises when an output does not depend on an input (the derivative would
be identically zero); otherwise such derivatives are zeros.

Everything is built on ``autograd.grad`` (reverse mode): the jacobian takes one backward
pass per output element (``vectorize`` and ``strategy`` are accepted and change nothing),
jvp takes two (the gradient of the vjp with respect to its upstream vector), hvp and vhp
one double backward each. Sizes are what small problems (a few thousand elements) need.
"""
from __future__ import annotations

from .. import backend
from ..tensor import Tensor, _make
from . import grad_mode
from .engine import grad as _grad

__all__ = ["jacobian", "hessian", "vjp", "jvp", "vhp", "hvp"]


# ---------------------------------------------------------------------------- helpers
def _as_tuple(x, fn: str, arg: str):
    """(tuple of Tensors, whether the caller passed a tuple)."""
    if isinstance(x, Tensor):
        return (x,), False
    if isinstance(x, (tuple, list)):
        for i, t in enumerate(x):
            if not isinstance(t, Tensor):
                raise TypeError(f"{fn}(): the {arg} given must be a Tensor or a tuple of "
                                f"Tensors, but element {i} is {type(t).__name__}")
        return tuple(x), True
    raise TypeError(f"{fn}(): the {arg} given must be a Tensor or a tuple of Tensors, got "
                    f"{type(x).__name__}")


def _prepare_inputs(inputs, create_graph: bool):
    """Leaves to differentiate with respect to: the inputs themselves (through a view) when
    building a graph on top of theirs, fresh detached leaves otherwise."""
    out = []
    for t in inputs:
        if create_graph and t.requires_grad:
            out.append(t.view_as(t))
        else:
            out.append(t.detach().requires_grad_(t.is_floating_point()))
    return tuple(out)


def _zeros_like(t: Tensor) -> Tensor:
    return _make(backend.get_array_module(t._data).zeros_like(t._data))


def _check_outputs(outputs, fn: str):
    for i, o in enumerate(outputs):
        if not isinstance(o, Tensor):
            raise TypeError(f"{fn}(): the function given must return a Tensor or a tuple of "
                            f"Tensors, but output {i} is {type(o).__name__}")


def _grads(outputs, inputs, grad_outputs, create_graph, strict, fn, what="output"):
    """d(sum of outputs * grad_outputs)/d(inputs), zeros for unused inputs (or an error
    under strict)."""
    diff_out = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    diff_in = [i for i, t in enumerate(inputs) if t.requires_grad]
    result = [None] * len(inputs)
    if diff_out and diff_in:
        got = _grad([o for o, _ in diff_out], [inputs[i] for i in diff_in],
                    [g for _, g in diff_out], retain_graph=True, create_graph=create_graph,
                    allow_unused=True)
        for i, g in zip(diff_in, got):
            result[i] = g
    for i, g in enumerate(result):
        if g is None:
            if strict:
                raise RuntimeError(f"{fn}(): the {what} of the user-provided function is "
                                   f"independent of input {i}. This is not allowed in strict "
                                   "mode.")
            result[i] = _zeros_like(inputs[i])
        elif not create_graph:
            result[i] = g.detach()
    return result


def _finish(t: Tensor, create_graph: bool) -> Tensor:
    return t if create_graph else t.detach()


def _check_v(v, like, fn):
    v, _ = _as_tuple(v, fn, "v")
    if len(v) != len(like):
        raise RuntimeError(f"{fn}(): v has {len(v)} tensors but {len(like)} are needed (one "
                           "per " + ("output" if fn == "vjp" else "input") + ")")
    for i, (a, b) in enumerate(zip(v, like)):
        if tuple(a.shape) != tuple(b.shape):
            raise RuntimeError(f"{fn}(): entry {i} of v has shape {tuple(a.shape)} but it "
                               f"must match {tuple(b.shape)}")
    return v


# ---------------------------------------------------------------------------- jacobian
def jacobian(func, inputs, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode"):
    """The Jacobian of `func` at `inputs`: for output o and input x, a tensor of shape
    o.shape + x.shape with entry [i..., j...] = d o[i...] / d x[j...]. One backward pass
    per element of the outputs (reverse mode)."""
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(f'jacobian(): expected strategy to be either "forward-mode" or '
                         f'"reverse-mode", got {strategy!r}')
    ins, in_tuple = _as_tuple(inputs, "jacobian", "inputs")
    with grad_mode.enable_grad():
        ins = _prepare_inputs(ins, create_graph)
        outs, out_tuple = _as_tuple(func(*ins), "jacobian", "outputs")
        _check_outputs(outs, "jacobian")
        table = []
        for oi, out in enumerate(outs):
            rows = [[] for _ in ins]
            flat = out.reshape(-1)
            for k in range(flat.numel()):
                if out.requires_grad:
                    g = _grads([flat[k]], ins, [None], create_graph, strict, "jacobian")
                else:
                    if strict:
                        raise RuntimeError(f"jacobian(): output {oi} of the user-provided "
                                           "function does not require gradients. The "
                                           "outputs must be computed in a differentiable "
                                           "manner from the input when running in strict "
                                           "mode.")
                    g = [_zeros_like(x) for x in ins]
                for j, gj in enumerate(g):
                    rows[j].append(gj)
            per_input = []
            for j, x in enumerate(ins):
                shape = tuple(out.shape) + tuple(x.shape)
                if rows[j]:
                    from ..functional.shape import stack
                    block = stack(rows[j]).reshape(shape)
                else:
                    block = _make(backend.get_array_module(x._data).zeros(shape,
                                                                          dtype=x._data.dtype))
                per_input.append(_finish(block, create_graph))
            table.append(tuple(per_input) if in_tuple else per_input[0])
    return tuple(table) if out_tuple else table[0]


def hessian(func, inputs, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode"):
    """The Hessian of a scalar `func` at `inputs`: shape x.shape + x.shape for one input;
    for a tuple of inputs, a tuple of tuples H[i][j] = d^2 f / dx_i dx_j."""
    ins, in_tuple = _as_tuple(inputs, "hessian", "inputs")

    def gradient(*xs):
        out = func(*xs)
        if not isinstance(out, Tensor):
            raise TypeError("hessian(): the function given must return a single Tensor, got "
                            f"{type(out).__name__}")
        if out.numel() != 1:
            raise RuntimeError(f"hessian(): the function given must return a Tensor with a "
                               f"single element, but got one of shape {tuple(out.shape)}")
        out = out.reshape(())
        if not out.requires_grad:
            if strict:
                raise RuntimeError("hessian(): the output of the user-provided function does "
                                   "not require gradients (strict mode)")
            return tuple(_zeros_like(x).requires_grad_(x.is_floating_point()) for x in xs)
        return tuple(_grads([out], xs, [None], True, strict, "hessian"))

    result = jacobian(gradient, ins if in_tuple else ins[0], create_graph=create_graph,
                      strict=strict)
    if not in_tuple:
        return result[0]
    return result


# ---------------------------------------------------------------------------- products
def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), v^T J): the vector-Jacobian product, one backward pass. `v` has the
    outputs' shapes; it may be None only for a single-element output."""
    ins, in_tuple = _as_tuple(inputs, "vjp", "inputs")
    with grad_mode.enable_grad():
        ins = _prepare_inputs(ins, create_graph)
        outs, out_tuple = _as_tuple(func(*ins), "vjp", "outputs")
        _check_outputs(outs, "vjp")
        if v is None:
            if len(outs) != 1 or outs[0].numel() != 1:
                raise RuntimeError("vjp(): the vector v can only be None if the user-provided "
                                   "function returns a single Tensor with a single element.")
            vs = (None,)
        else:
            vs = _check_v(v, outs, "vjp")
        res = _grads(outs, ins, vs, create_graph, strict, "vjp")
    outs = tuple(_finish(o, create_graph) for o in outs)
    return (outs if out_tuple else outs[0]), (tuple(res) if in_tuple else res[0])


def jvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), J v): the Jacobian-vector product. Reverse mode twice (the
    double-backward trick): u -> J^T u is linear in u, and its gradient with respect to u
    along v is J v."""
    ins, in_tuple = _as_tuple(inputs, "jvp", "inputs")
    if v is None:
        if len(ins) != 1 or ins[0].numel() != 1:
            raise RuntimeError("jvp(): the vector v can only be None if the input to the "
                               "user-provided function is a single Tensor with a single "
                               "element.")
        vs = (_make(backend.get_array_module(ins[0]._data).ones_like(ins[0]._data)),)
    else:
        vs = _check_v(v, ins, "jvp")
    with grad_mode.enable_grad():
        ins = _prepare_inputs(ins, create_graph)
        outs, out_tuple = _as_tuple(func(*ins), "jvp", "outputs")
        _check_outputs(outs, "jvp")
        us = [_zeros_like(o).requires_grad_(o.is_floating_point()) for o in outs]
        vjps = _grads(outs, ins, us, True, strict, "jvp")
        live = [(g, vv) for g, vv in zip(vjps, vs) if g.requires_grad]
        res = []
        for oi, u in enumerate(us):
            if live:
                got = _grad([g for g, _ in live], [u], [vv for _, vv in live],
                            retain_graph=True, create_graph=create_graph, allow_unused=True)[0]
            else:
                got = None
            if got is None:
                if strict:
                    raise RuntimeError(f"jvp(): output {oi} of the user-provided function is "
                                       "independent of the inputs. This is not allowed in "
                                       "strict mode.")
                got = _zeros_like(outs[oi])
            res.append(_finish(got, create_graph))
    outs = tuple(_finish(o, create_graph) for o in outs)
    return (outs if out_tuple else outs[0]), (tuple(res) if out_tuple else res[0])


def _second_order(func, inputs, v, create_graph, strict, fn):
    ins, in_tuple = _as_tuple(inputs, fn, "inputs")
    if v is None:
        if len(ins) != 1 or ins[0].numel() != 1:
            raise RuntimeError(f"{fn}(): the vector v can only be None if the input to the "
                               "user-provided function is a single Tensor with a single "
                               "element.")
        vs = (_make(backend.get_array_module(ins[0]._data).ones_like(ins[0]._data)),)
    else:
        vs = _check_v(v, ins, fn)
    with grad_mode.enable_grad():
        ins = _prepare_inputs(ins, create_graph)
        out = func(*ins)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError(f"{fn}(): the function given must return a single Tensor with "
                               "a single element")
        g = _grads([out], ins, [None], True, strict, fn)
        live = [(gi, vi) for gi, vi in zip(g, vs) if gi.requires_grad]
        if live:
            res = _grads([gi for gi, _ in live], ins, [vi for _, vi in live], create_graph,
                         strict, fn, what="gradient")
        else:
            if strict:
                raise RuntimeError(f"{fn}(): the gradient of the user-provided function is "
                                   "independent of the inputs (strict mode)")
            res = [_zeros_like(x) for x in ins]
    out = _finish(out, create_graph)
    return out, (tuple(res) if in_tuple else res[0])


def vhp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), v^T H) for a scalar func: the gradient of (grad f . v)."""
    return _second_order(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), H v) for a scalar func. H is symmetric for a twice continuously
    differentiable f, so H v = (v^T H)^T is computed as vhp's gradient of (grad f . v)."""
    return _second_order(func, inputs, v, create_graph, strict, "hvp")
