"""torch.func's derivative transforms, built on minitorch's reverse-mode engine.

    grad(f)(x)            d f(x) / dx for a scalar (0-d) f
    grad_and_value(f)(x)  (that gradient, f(x))
    vjp(f, x)             (f(x), vjp_fn) with vjp_fn(v) = v^T J
    jvp(f, (x,), (v,))    (f(x), J v)
    linearize(f, x)       (f(x), jvp_fn) with jvp_fn(v) = J v
    jacrev(f)(x)          J, shaped f(x).shape + x.shape
    jacfwd(f)(x)          the same J (computed in reverse mode here, see below)
    hessian(f)(x)         jacfwd(jacrev(f))(x)

Arguments and results may be pytrees (tuples, lists, dicts of tensors; see _pytree.py),
`argnums` picks the positional arguments to differentiate, and ``has_aux=True`` lets f
return ``(output, aux)``, aux passed through untouched.

How a transform works ("a level"): each differentiated tensor x is replaced, for the call
of f, by a tensor of its own that the transform differentiates with respect to: a fresh
leaf ``x.detach().requires_grad_()``, or, when x itself requires grad (an enclosing
transform or the caller differentiates through this one), the view ``x.view_as(x)``,
whose graph leads back to x. f runs under grad mode whatever the caller's mode (a
transform ignores an outer ``no_grad``, as in PyTorch), and the gradients are taken with
``create_graph=True`` while the caller's grad mode is on, so transforms nest:
``grad(grad(f))``, ``jacrev(jacrev(f))``, ``vmap(grad(f))``.

A result then leaves the level as PyTorch's does: still attached to the graph when it
depends on a tensor from outside the level (the caller's x that requires grad, a
parameter f uses from its closure, a cotangent that requires grad), detached otherwise,
so ``grad(f)(x)`` of a plain x does not require grad. ``_Level.unwrap`` decides this by
walking the result's graph down to its leaves.

Forward mode is the double-vjp trick: for u a dummy cotangent, g(u) = J^T u is linear in
u, so the vjp of g along v is (J^T)^T v = J v. So jvp costs two backward passes and
needs only first and second reverse derivatives, which every minitorch op has.
jacrev takes one backward pass per output element; jacfwd computes the same matrix the
same way (forward mode would take one jvp per input element: the numbers are equal,
only the cost differs).
"""
from __future__ import annotations

import functools

from .. import backend
from ..tensor import Tensor, _make
from ..autograd import grad_mode
from ..autograd.engine import grad as _autograd_grad
from ._pytree import tree_flatten, tree_unflatten

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "linearize", "jacrev", "jacfwd",
           "hessian"]


# ---------------------------------------------------------------------------- levels
class _Level:
    """The tensors one transform differentiates with respect to, and the rule for
    what its results look like outside (see the module docstring)."""

    def __init__(self, parent: "_Level | None" = None):
        self.outer_grad = grad_mode.is_grad_enabled()
        # the fresh leaves made here (shared with `parent`: vjp_fn, called later, unwraps
        # with the caller's grad mode at that time but the leaves of its vjp); kept alive
        # so that their ids stay unique while the level is in use
        self._leaves = parent._leaves if parent is not None else []
        self.own = parent.own if parent is not None else set()

    def lift(self, x):
        """The stand-in for x that this level differentiates with respect to."""
        if not isinstance(x, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
        if self.outer_grad and x.requires_grad:
            with grad_mode.enable_grad():
                return x.view_as(x)
        y = x.detach().requires_grad_(True)
        self.own_leaf(y)
        return y

    def own_leaf(self, y: Tensor) -> None:
        """Count a tensor made here (e.g. a dummy cotangent) as one of this level's."""
        self.own.add(id(y))
        self._leaves.append(y)

    def unwrap_tree(self, tree):
        leaves, spec = tree_flatten(tree)
        return tree_unflatten(self.unwrap_all(leaves), spec)

    def unwrap_all(self, values):
        """Each Tensor among `values` as it leaves the level: detached unless its graph
        reaches a tensor from outside the level (and the caller's grad mode is on)."""
        if not self.outer_grad:
            return [v.detach() if isinstance(v, Tensor) and v.requires_grad else v
                    for v in values]
        memo = {}
        out = []
        for v in values:
            if isinstance(v, Tensor) and v.requires_grad and not self._reaches_outside(v, memo):
                v = v.detach()
            out.append(v)
        return out

    def _reaches_outside(self, t: Tensor, memo: dict) -> bool:
        if t.grad_fn is None:
            return id(t) not in self.own
        root = t.grad_fn
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                result = False
                for edge in node._edges:
                    if edge is None:
                        continue
                    if edge[0] is None:
                        if id(edge[2]) not in self.own:
                            result = True
                            break
                    elif memo.get(edge[0]):
                        result = True
                        break
                memo[node] = result
                continue
            if node in memo:
                continue
            memo[node] = False  # in progress; settled when expanded
            stack.append((node, True))
            for edge in node._edges:
                if edge is not None and edge[0] is not None and edge[0] not in memo:
                    stack.append((edge[0], False))
        return memo[root]


def _zeros_like(t: Tensor) -> Tensor:
    return _make(backend.get_array_module(t._data).zeros_like(t._data))


def _vjp_flat(outputs, inputs, cotangents, create_graph: bool):
    """sum_k cotangents[k] . d outputs[k] / d inputs, one entry per input (zeros where an
    input is unused). Outputs that do not require grad contribute nothing."""
    pairs = [(o, c) for o, c in zip(outputs, cotangents)
             if isinstance(o, Tensor) and o.requires_grad]
    result = [None] * len(inputs)
    if pairs:
        got = _autograd_grad([o for o, _ in pairs], list(inputs), [c for _, c in pairs],
                             retain_graph=True, create_graph=create_graph, allow_unused=True)
        result = list(got)
    return [g if g is not None else _zeros_like(x) for g, x in zip(result, inputs)]


# ---------------------------------------------------------------------------- argnums
def _check_argnums(argnums, nargs: int):
    """argnums normalized to a tuple of non-negative ints, and whether it was a tuple."""
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        nums, is_tuple = (argnums,), False
    elif isinstance(argnums, tuple):
        if not argnums:
            raise RuntimeError("argnums must be non-empty")
        if not all(isinstance(a, int) and not isinstance(a, bool) for a in argnums):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {argnums}")
        nums, is_tuple = argnums, True
    else:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    out = []
    for a in nums:
        if not -nargs <= a < nargs:
            raise RuntimeError(f"Got argnum={a}, but only {nargs} positional inputs")
        out.append(a % nargs)
    if len(set(out)) != len(out):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    return tuple(out), is_tuple


def _lift_args(level: _Level, args, argnums, fn):
    """(new args, flat list of the lifted tensors, per argnum (start, spec)) with the
    arguments at argnums replaced by their lifted pytrees."""
    args = list(args)
    flat_inputs = []
    layout = []
    for a in argnums:
        leaves, spec = tree_flatten(args[a])
        lifted = [level.lift(x) for x in leaves]
        layout.append((len(flat_inputs), len(lifted), spec))
        flat_inputs.extend(lifted)
        args[a] = tree_unflatten(lifted, spec)
    return tuple(args), flat_inputs, layout


def _regroup(flat, layout, is_tuple):
    """Per-argnum pytrees from a flat list of per-input values."""
    groups = tuple(tree_unflatten(flat[s:s + n], spec) for s, n, spec in layout)
    return groups if is_tuple else groups[0]


def _split_aux(out, has_aux: bool, fn: str):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{fn}: output of function f should be a tuple: (output, aux) if "
                           "has_aux is True")
    return out


# ---------------------------------------------------------------------------- grad
def grad_and_value(func, argnums=0, has_aux: bool = False):
    """A function computing ``(grad, value)`` of `func`, whose output must be a 0-d
    Tensor: grad = d func / d args[argnums] (a tuple of them for a tuple of argnums;
    each shaped like its argument pytree). With has_aux, func returns (output, aux) and
    the result is ``(grad, (value, aux))``, as in PyTorch."""
    fname = "grad_and_value(f)(*args)"

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums, is_tuple = _check_argnums(argnums, len(args))
        level = _Level()
        with grad_mode.enable_grad():
            new_args, flat_inputs, layout = _lift_args(level, args, nums, fname)
            out = func(*new_args, **kwargs)
            out, aux = _split_aux(out, has_aux, fname)
            if not isinstance(out, Tensor):
                raise RuntimeError(f"{fname}: Expected f(*args) to return a Tensor, got "
                                   f"{type(out)}")
            if out.dim() != 0:
                raise RuntimeError(f"{fname}: Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {out.dim()} dims. Maybe you wanted to use the "
                                   "vjp or jacrev APIs instead?")
            grads = _vjp_flat([out], flat_inputs, [None], create_graph=level.outer_grad)
        grads = level.unwrap_all(grads)
        value = level.unwrap_all([out])[0]
        result = _regroup(grads, layout, is_tuple)
        if has_aux:
            return result, (value, level.unwrap_tree(aux))
        return result, value
    return wrapper


def grad(func, argnums=0, has_aux: bool = False):
    """The gradient transform: ``grad(f)(x)`` is d f(x) / dx for f returning a 0-d
    Tensor. `argnums` (int or tuple of ints) picks the arguments; with has_aux, f returns
    (output, aux) and grad(f)(x) returns (gradient, aux). Transforms compose:
    ``grad(grad(f))`` is the second derivative, ``vmap(grad(f))`` per-sample gradients."""
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        if has_aux:
            return g, value[1]
        return g
    return wrapper


# ---------------------------------------------------------------------------- vjp / jvp
def vjp(func, *primals, has_aux: bool = False):
    """``(func(*primals), vjp_fn)``: vjp_fn(cotangents), with cotangents shaped like the
    output (same pytree), returns the tuple v^T J, one entry per primal (each shaped like
    it). vjp_fn may be called many times. With has_aux: (output, vjp_fn, aux)."""
    fname = "vjp(f, *primals)"
    level = _Level()
    with grad_mode.enable_grad():
        new_args, flat_inputs, layout = _lift_args(level, primals, range(len(primals)), fname)
        out = func(*new_args)
        out, aux = _split_aux(out, has_aux, fname)
    flat_out, out_spec = tree_flatten(out)
    for o in flat_out:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"{fname}: expected f(*primals) to return only tensors, got "
                               f"unsupported type {type(o)}")

    def vjp_fn(cotangents, *, retain_graph=True, create_graph=None):
        flat_ct, ct_spec = tree_flatten(cotangents)
        if ct_spec != out_spec:
            raise RuntimeError("Expected pytree structure of cotangents to be the same as "
                               "pytree structure of outputs to the function. cotangents: "
                               f"{_spec_str(ct_spec)}, primal output: {_spec_str(out_spec)}")
        for i, (c, o) in enumerate(zip(flat_ct, flat_out)):
            if not isinstance(c, Tensor):
                raise RuntimeError(f"vjp_fn: expected the cotangents to be Tensors, got "
                                   f"{type(c)} at position {i}")
            if tuple(c.shape) != tuple(o.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                                   f"{c.shape} and output[{i}] has a shape of {o.shape}.")
        inner = _Level(parent=level)
        cg = inner.outer_grad if create_graph is None else bool(create_graph)
        with grad_mode.enable_grad():
            grads = _vjp_flat(flat_out, flat_inputs, flat_ct, create_graph=cg)
        grads = inner.unwrap_all(grads)
        return tuple(tree_unflatten(grads[s:s + n], spec) for s, n, spec in layout)

    result = level.unwrap_tree(out)
    if has_aux:
        return result, vjp_fn, level.unwrap_tree(aux)
    return result, vjp_fn


def _spec_str(spec) -> str:
    """A TreeSpec written as the structure it stands for, e.g. (*, *)."""
    if spec.kind is None:
        return "*"
    parts = [_spec_str(c) for c in spec.children]
    if spec.kind in ("dict", "OrderedDict"):
        return "{" + ", ".join(f"{k!r}: {p}" for k, p in zip(spec.context, parts)) + "}"
    if spec.kind == "list":
        return "[" + ", ".join(parts) + "]"
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def jvp(func, primals, tangents, *, strict: bool = False, has_aux: bool = False):
    """``(func(*primals), J v)`` with v = tangents (same structure and shapes as primals):
    the Jacobian-vector product, by the double-vjp trick (module docstring). With has_aux:
    (output, jvp_out, aux)."""
    if strict:
        raise RuntimeError("jvp(f, primals, tangents, strict=True): strict=True is not "
                           "implemented in PyTorch either")
    fname = "jvp(f, primals, tangents)"
    for name, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, (tuple, list) if name == "tangents" else tuple):
            raise RuntimeError(f"{fname}: Expected {name} to be a tuple. E.g. it should be "
                               "valid to call f(*primals).")
    flat_p, p_spec = tree_flatten(primals)
    flat_t, t_spec = tree_flatten(tangents)
    if p_spec != t_spec:
        raise RuntimeError(f"{fname}: Expected primals and tangents to have the same python "
                           "structure. For example, if primals is a tuple of 3 tensors, "
                           "tangents also must be. Got primals with structure "
                           f"{p_spec} and tangents with structure {t_spec}")
    for p, t in zip(flat_p, flat_t):
        if not isinstance(t, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(t)}")
        if not (t.is_floating_point() or t.is_complex()):
            raise ValueError(f"Expected tangent to be floating point or complex, but got: "
                             f"{t.dtype}")
        if isinstance(p, Tensor) and tuple(p.shape) != tuple(t.shape):
            raise RuntimeError("Trying to set a forward gradient that has a different size "
                               "than that of the original Tensor, this is not supported. "
                               f"Tensor is of size {list(p.shape)} while the given forward "
                               f"gradient is of size {list(t.shape)}.")
    level = _Level()
    with grad_mode.enable_grad():
        new_args, flat_inputs, _ = _lift_args(level, primals, range(len(primals)), fname)
        out = func(*new_args)
        out, aux = _split_aux(out, has_aux, fname)
        flat_out, out_spec = tree_flatten(out)
        for o in flat_out:
            if not isinstance(o, Tensor):
                raise RuntimeError(f"{fname}: expected f(*primals) to return only tensors, "
                                   f"got unsupported type {type(o)}")
        # u -> J^T u, then its vjp along the tangents: J v
        us = []
        for o in flat_out:
            u = _zeros_like(o)
            if o.is_floating_point() or o.is_complex():
                u.requires_grad_(True)
                level.own_leaf(u)
            us.append(u)
        jt_u = _vjp_flat(flat_out, flat_inputs, us, create_graph=True)
        live = [(g, t if t.dtype == g.dtype else t.to(g.dtype))
                for g, t in zip(jt_u, flat_t) if g.requires_grad]
        diff_us = [u for u in us if u.requires_grad]
        if live and diff_us:
            got = _vjp_flat([g for g, _ in live], diff_us, [t for _, t in live],
                            create_graph=level.outer_grad)
        else:
            got = [_zeros_like(u) for u in diff_us]
        got = iter(got)
        jv = [next(got) if u.requires_grad else _zeros_like(u) for u in us]
    primal_out = level.unwrap_tree(out)
    tangent_out = tree_unflatten(level.unwrap_all(jv), out_spec)
    if has_aux:
        return primal_out, tangent_out, level.unwrap_tree(aux)
    return primal_out, tangent_out


def linearize(func, *primals):
    """``(func(*primals), jvp_fn)`` with jvp_fn(*tangents) = J v at the primals. Each call
    of jvp_fn runs jvp again (PyTorch traces the linear function once instead; the
    values are the same)."""
    out = func(*primals)

    def jvp_fn(*tangents):
        return jvp(func, primals, tangents)[1]
    return out, jvp_fn


# ---------------------------------------------------------------------------- jacobians
def jacrev(func, argnums=0, *, has_aux: bool = False, chunk_size=None,
           _preallocate_and_copy: bool = False):
    """The Jacobian transform (reverse mode): ``jacrev(f)(x)`` has shape
    f(x).shape + x.shape, entry [i..., j...] = d f(x)[i...] / d x[j...]. For pytree
    outputs and arguments the result nests the same way (output structure outside,
    then a tuple over argnums when argnums is a tuple, then the argument's structure).
    One backward pass per output element; chunk_size is accepted and changes nothing."""
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    return _jacobian(func, argnums, has_aux, "jacrev")


def jacfwd(func, argnums=0, has_aux: bool = False, *, randomness: str = "error"):
    """The Jacobian, as PyTorch's forward-mode transform returns it (same shapes and
    nesting as jacrev). minitorch computes it in reverse mode, one backward pass per
    output element: equal values, another cost profile."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")
    return _jacobian(func, argnums, has_aux, "jacfwd")


def _jacobian(func, argnums, has_aux, name):
    fname = f"{name}(f, ...)(*args)"

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nums, is_tuple = _check_argnums(argnums, len(args))
        level = _Level()
        with grad_mode.enable_grad():
            new_args, flat_inputs, layout = _lift_args(level, args, nums, fname)
            out = func(*new_args, **kwargs)
            out, aux = _split_aux(out, has_aux, fname)
            flat_out, out_spec = tree_flatten(out)
            per_output = []
            for o in flat_out:
                if not isinstance(o, Tensor):
                    raise RuntimeError(f"{fname}: Expected f to return only Tensors, got "
                                       f"{type(o)}")
                per_output.append(_jacobian_of(o, flat_inputs, level.outer_grad))
        blocks = []
        for jacs in per_output:
            jacs = level.unwrap_all(jacs)
            blocks.append(_regroup(jacs, layout, is_tuple))
        result = tree_unflatten(blocks, out_spec)
        if has_aux:
            return result, level.unwrap_tree(aux)
        return result
    return wrapper


def _jacobian_of(out: Tensor, inputs, create_graph: bool):
    """[d out / d x for x in inputs], each shaped out.shape + x.shape: row k is the vjp
    with the one-hot cotangent e_k (one backward pass per element of out)."""
    from ..functional.shape import stack
    n = out.numel()
    xp = backend.get_array_module(out._data)
    rows = [[] for _ in inputs]
    if out.requires_grad:
        for k in range(n):
            onehot = xp.zeros(n, dtype=out._data.dtype)
            onehot[k] = 1
            e_k = _make(onehot.reshape(out._data.shape))
            for j, g in enumerate(_vjp_flat([out], inputs, [e_k], create_graph)):
                rows[j].append(g)
    jacs = []
    for j, x in enumerate(inputs):
        shape = tuple(out.shape) + tuple(x.shape)
        if rows[j]:
            jacs.append(stack(rows[j]).reshape(shape))
        else:
            jacs.append(_make(xp.zeros(shape, dtype=x._data.dtype)))
    return jacs


def hessian(func, argnums=0):
    """The Hessian of a scalar function: ``jacfwd(jacrev(func, argnums), argnums)``,
    shaped x.shape + x.shape for one argument."""
    return jacfwd(jacrev(func, argnums), argnums)
