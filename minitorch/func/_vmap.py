"""vmap: run a function written for one example over a batch of examples.

    vmap(f)(xs)                      = stack([f(xs[0]), f(xs[1]), ...])
    vmap(f, in_dims=(0, None))(xs, w) = stack([f(xs[b], w) for b in range(B)])
    vmap(f, in_dims=1, out_dims=1)   maps over dimension 1 of the inputs and stacks the
                                     results along dimension 1

minitorch implements it as exactly that loop: the mapped dimension of each mapped input
is indexed with ``select`` (a view, so gradients flow back to the batch), f runs once
per example, and each output is stacked along its out_dim. The results equal PyTorch's
batching rules; the cost is B calls of f instead of one batched call. Inputs and
outputs may be pytrees (tuples, lists, dicts); `in_dims` and `out_dims` are ints, None
(not mapped) or pytrees of them matching the top of the inputs / outputs. Keyword
arguments are passed to every call unmapped, as in PyTorch.

`randomness` says what random operations inside f do: "error" (the default) raises,
"different" draws separately for each example, "same" gives every example the same draws.
`chunk_size` is accepted (the loop already runs one example at a time).
"""
from __future__ import annotations

import contextlib
import functools

from .. import random as _random
from ..tensor import Tensor
from ._pytree import tree_flatten, tree_unflatten, broadcast_prefix

__all__ = ["vmap"]

_RANDOMNESS = ("error", "different", "same")


def _dims_leaf(x) -> bool:
    return x is None or (isinstance(x, int) and not isinstance(x, bool))


def _name(func) -> str:
    return getattr(func, "__name__", None) or repr(func)


def vmap(func, in_dims=0, out_dims=0, randomness: str = "error", *, chunk_size=None):
    """Vectorize `func` over the dimension `in_dims` of its inputs (see the module
    docstring): returns a function that calls func once per example and stacks the
    results along `out_dims`."""
    if randomness not in _RANDOMNESS:
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got "
                         f"{chunk_size})")
    if not callable(func):
        raise TypeError(f"vmap(func): expected `func` to be callable, got {type(func)}")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        plan = _plan_inputs(func, in_dims, args)
        leaves, spec, dims, size = plan
        outs = []
        rng_state = _random.get_rng_state() if randomness == "same" else None
        n_calls = size if size > 0 else 1
        for b in range(n_calls):
            if rng_state is not None:
                _random.set_rng_state(rng_state)
            example = tree_unflatten(
                [_example(x, d, b, size) for x, d in zip(leaves, dims)], spec)
            with _randomness_guard(randomness):
                outs.append(func(*example, **kwargs))
        return _stack_outputs(func, outs, out_dims, size)
    return wrapped


def _plan_inputs(func, in_dims, args):
    """(leaves of args, their spec, the in_dim of each leaf, the batch size)."""
    name = _name(func)
    if not args:
        raise ValueError(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add "
                         "inputs, or you are trying to vmap over a function with no inputs. "
                         "The latter is unsupported.")
    where = f"vmap({name}, in_dims={in_dims}, ...)(<inputs>)"
    if not (_dims_leaf(in_dims) and in_dims is not None) and not isinstance(in_dims, tuple):
        raise ValueError(f"{where}: expected `in_dims` to be int or a (potentially nested) "
                         "tuple matching the structure of inputs, got: "
                         f"{type(in_dims)}.")
    leaves, spec = tree_flatten(args)
    dims = broadcast_prefix(in_dims, args, is_leaf=_dims_leaf)
    if dims is None:
        _, dims_spec = tree_flatten(in_dims)
        raise ValueError(f"{where}: in_dims is not compatible with the structure of `inputs`. "
                         f"in_dims has structure {dims_spec} but inputs has structure "
                         f"{spec}.")
    sizes = []
    norm = []
    for x, d in zip(leaves, dims):
        if d is None or x is None:
            norm.append(None)
            continue
        if not isinstance(x, Tensor):
            raise ValueError(f"{where}: Got in_dim={d} for an input but the input is of type "
                             f"{type(x)}. We cannot vmap over non-Tensor arguments, please "
                             "use None as the respective in_dim")
        nd = x.dim()
        if not -nd <= d < nd:
            raise ValueError(f"{where}: Got in_dim={d} for some input, but that input is a "
                             f"Tensor of dimensionality {nd} so expected in_dim to satisfy "
                             f"-{nd} <= in_dim < {nd}.")
        d %= nd
        norm.append(d)
        sizes.append(x.shape[d])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if len(set(sizes)) != 1:
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    return leaves, spec, norm, sizes[0]


def _example(x, d, b, size):
    """Example b of input x mapped along d (x itself when not mapped). For an empty batch
    (size 0), a zero example of the right shape, so that f can run once to show the
    shapes of its outputs."""
    if d is None:
        return x
    if size == 0:
        shape = tuple(x.shape[:d]) + tuple(x.shape[d + 1:])
        return x.new_zeros(shape)
    return x.select(d, b)


@contextlib.contextmanager
def _randomness_guard(randomness: str):
    """Under randomness="error", a random draw inside f raises, as PyTorch's vmap does.
    Every sampler gets its NumPy generator from ``minitorch.random.rng``; that one function
    is swapped for the call of f."""
    if randomness != "error":
        yield
        return
    original = _random.rng

    def forbidden(generator=None):
        raise RuntimeError("vmap: called random operation while in randomness error mode. "
                           "Please either use the 'same' or 'different' randomness flags on "
                           "vmap or perform the randomness operation out of vmap")
    _random.rng = forbidden
    try:
        yield
    finally:
        _random.rng = original


def _stack_outputs(func, outs, out_dims, size):
    name = _name(func)
    flat0, spec = tree_flatten(outs[0])
    flats = [flat0]
    for o in outs[1:]:
        flat, s = tree_flatten(o)
        if s != spec:
            raise ValueError(f"vmap({name}, ...): `{name}` must return outputs of the same "
                             f"structure for every example, got {spec} and {s}")
        flats.append(flat)
    if not (_dims_leaf(out_dims) or isinstance(out_dims, tuple)):
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims}): expected `out_dims` to be "
                         "int or a (potentially nested) tuple matching the structure of "
                         f"outputs, got: {type(out_dims)}.")
    # a tuple of out_dims for a single output: PyTorch matches it against the output itself
    dims = broadcast_prefix(out_dims, outs[0], is_leaf=_dims_leaf)
    if dims is None:
        _, dims_spec = tree_flatten(out_dims)
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
                         "compatible with the structure of `outputs`. out_dims has structure "
                         f"{dims_spec} but outputs has structure {spec}.")
    from ..functional.shape import stack
    result = []
    for i, d in enumerate(dims):
        column = [flat[i] for flat in flats]
        if d is None:
            result.append(column[0])
            continue
        if not all(isinstance(c, Tensor) for c in column):
            bad = next(c for c in column if not isinstance(c, Tensor))
            raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                             f"{type(bad)}. Did you mean to set out_dims= to None for output?")
        stacked = stack(column, d)
        if size == 0:
            stacked = stacked.narrow(d if d >= 0 else d + stacked.dim(), 0, 0)
        result.append(stacked)
    return tree_unflatten(result, spec)
