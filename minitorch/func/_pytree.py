"""Nested containers of tensors ("pytrees"), as torch.func sees its arguments and results.

A pytree is a tuple, list, dict, OrderedDict or namedtuple of pytrees, or a leaf (anything
else: a Tensor, a number, None...). ``tree_flatten(tree)`` gives the leaves in order and a
``TreeSpec`` that ``tree_unflatten(leaves, spec)`` rebuilds the same structure from::

    leaves, spec = tree_flatten({"w": w, "b": (b1, b2)})   # [w, b1, b2]
    tree_unflatten([2 * t for t in leaves], spec)          # {"w": 2w, "b": (2b1, 2b2)}

Dict keys keep their insertion order (PyTorch's torch.utils._pytree does the same).
"""
from __future__ import annotations

import collections

__all__ = ["TreeSpec", "LEAF", "tree_flatten", "tree_unflatten", "tree_map", "is_namedtuple",
           "broadcast_prefix"]


def is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


class TreeSpec:
    """The shape of a pytree: a node kind ("tuple", "list", "dict", "OrderedDict",
    "namedtuple", or None for a leaf), its context (the keys of a dict, the class of a
    namedtuple) and the specs of its children."""

    __slots__ = ("kind", "context", "children", "num_leaves")

    def __init__(self, kind, context=None, children=()):
        self.kind = kind
        self.context = context
        self.children = tuple(children)
        self.num_leaves = 1 if kind is None else sum(c.num_leaves for c in self.children)

    def is_leaf(self) -> bool:
        return self.kind is None

    def __eq__(self, other):
        return (isinstance(other, TreeSpec) and self.kind == other.kind
                and self.context == other.context and self.children == other.children)

    def __hash__(self):
        return hash((self.kind, self.children))

    def __repr__(self):
        if self.kind is None:
            return "*"
        ctx = self.context
        if self.kind == "namedtuple":
            ctx = ctx.__name__
        elif ctx is not None:
            ctx = list(ctx)
        return f"TreeSpec({self.kind}, {ctx}, [{', '.join(map(repr, self.children))}])"


LEAF = TreeSpec(None)


def _node(tree):
    """(kind, context, children) of a container node, or None for a leaf."""
    if is_namedtuple(tree):
        return "namedtuple", type(tree), list(tree)
    if type(tree) is tuple:
        return "tuple", None, list(tree)
    if type(tree) is list:
        return "list", None, list(tree)
    if isinstance(tree, collections.OrderedDict):
        return "OrderedDict", tuple(tree.keys()), list(tree.values())
    if type(tree) is dict:
        return "dict", tuple(tree.keys()), list(tree.values())
    return None


def tree_flatten(tree):
    """(list of leaves, TreeSpec)."""
    leaves = []
    spec = _flatten_into(tree, leaves)
    return leaves, spec


def _flatten_into(tree, leaves) -> TreeSpec:
    node = _node(tree)
    if node is None:
        leaves.append(tree)
        return LEAF
    kind, ctx, children = node
    return TreeSpec(kind, ctx, [_flatten_into(c, leaves) for c in children])


def tree_unflatten(leaves, spec: TreeSpec):
    """The pytree of structure `spec` holding `leaves` in order."""
    leaves = list(leaves)
    if len(leaves) != spec.num_leaves:
        raise ValueError(f"tree_unflatten(leaves, spec): `leaves` has length {len(leaves)} "
                         f"but the spec refers to a pytree that holds {spec.num_leaves} "
                         f"items ({spec}).")
    it = iter(leaves)
    return _build(it, spec)


def _build(it, spec: TreeSpec):
    if spec.kind is None:
        return next(it)
    children = [_build(it, c) for c in spec.children]
    if spec.kind == "tuple":
        return tuple(children)
    if spec.kind == "list":
        return children
    if spec.kind == "namedtuple":
        return spec.context(*children)
    if spec.kind == "OrderedDict":
        return collections.OrderedDict(zip(spec.context, children))
    return dict(zip(spec.context, children))


def tree_map(fn, tree):
    """The same structure with fn applied to every leaf."""
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)


def broadcast_prefix(prefix, tree, is_leaf=lambda x: not isinstance(x, (tuple, list, dict))):
    """One value per leaf of `tree`: `prefix` is a pytree matching the top of `tree`, whose
    leaves (per `is_leaf`, e.g. an int or None as an in_dim) apply to every leaf below them.
    Returns None when the structures do not match."""
    out = []
    if not _broadcast_into(prefix, tree, is_leaf, out):
        return None
    return out


def _broadcast_into(prefix, tree, is_leaf, out) -> bool:
    if is_leaf(prefix):
        out.extend([prefix] * tree_flatten(tree)[1].num_leaves)
        return True
    p_node, t_node = _node(prefix), _node(tree)
    if p_node is None or t_node is None:
        return False
    p_kind, p_ctx, p_children = p_node
    t_kind, t_ctx, t_children = t_node
    if len(p_children) != len(t_children):
        return False
    if p_kind in ("dict", "OrderedDict"):
        if t_kind not in ("dict", "OrderedDict") or set(p_ctx) != set(t_ctx):
            return False
        by_key = dict(zip(p_ctx, p_children))
        p_children = [by_key[k] for k in t_ctx]
    elif p_kind != t_kind and not (p_kind in ("tuple", "namedtuple")
                                   and t_kind in ("tuple", "namedtuple")):
        return False
    return all(_broadcast_into(p, t, is_leaf, out) for p, t in zip(p_children, t_children))
