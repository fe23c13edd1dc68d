"""The computational graph of a tensor as Graphviz DOT text (like torchviz's make_dot),
and rendering it with the `dot` program.

    loss = model(x).relu().sum()
    dot = minitorch.viz.graph_to_dot(loss, params=dict(model.named_parameters()))
    minitorch.viz.render_dot(dot, "graph.svg")      # needs Graphviz installed

The graph is walked from the output's grad_fn along next_functions, the (node, index)
pairs each Function sends its gradients to. A leaf that requires grad appears there as an
AccumulateGrad(variable) node; it is drawn as its tensor. Nodes:

    output tensor   (green)      "output\\n(2, 3) float32"
    leaf tensor     (blue)       its parameter name when `params` names it, shape, dtype
    Function        (grey)       its name (MulBackward0, ...) and the shape and dtype of
                                 the tensor(s) it produced

Edges go from inputs to the Function that used them and on to the output, the direction
data flowed in forward. The walk is iterative, so a graph thousands of nodes deep works.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping

from ..tensor import Tensor
from ..utils.atomic import atomic_write

__all__ = ["graph_to_dot", "render_dot", "dot_available"]


def _quote(text: str) -> str:
    """A DOT double-quoted string; newlines become \\n (centred line breaks)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dtype_name(dtype) -> str:
    return str(dtype).replace("minitorch.", "").replace("torch.", "")


def _shape_text(shape) -> str:
    shape = tuple(int(s) for s in shape)
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _tensor_text(t: Tensor) -> str:
    return f"{_shape_text(t.shape)} {_dtype_name(t.dtype)}"


def graph_to_dot(tensor, params=None, show_shapes=True) -> str:
    """Graphviz DOT text of the autograd graph that produced `tensor`.

    tensor: a Tensor, or a list/tuple of Tensors (one graph for all of them).
    params: names for leaf tensors, a dict name -> tensor such as
    dict(model.named_parameters()) (any iterable of (name, tensor) pairs works).
    show_shapes: add the output shape and dtype to each Function's label.
    Returns the text of a `digraph`; node ids and order are deterministic."""
    fn = "graph_to_dot"
    roots = list(tensor) if isinstance(tensor, (list, tuple)) else [tensor]
    if not roots:
        raise ValueError(f"{fn}(): got no tensors")
    for r in roots:
        if not isinstance(r, Tensor):
            raise TypeError(f"{fn}(): tensor should be a Tensor or a list of Tensors, got "
                            f"{type(r).__name__}")
    if params is None:
        names = {}
    else:
        items = params.items() if isinstance(params, Mapping) else params
        names = {}
        for name, p in items:
            if not isinstance(p, Tensor):
                raise TypeError(f"{fn}(): params should map names to Tensors, got "
                                f"{type(p).__name__} for {name!r}")
            names.setdefault(id(p), str(name))

    ids = {}        # id(object) -> node id
    keep = []       # every object seen, alive until the end so that ids are not reused
    lines = []
    edges = []

    def node_id(obj):
        key = id(obj)
        if key not in ids:
            ids[key] = f"n{len(ids)}"
            keep.append(obj)
        return ids[key]

    def tensor_node(t, role, color):
        nid = node_id(t)
        label = "\n".join(x for x in (names.get(id(t), role), _tensor_text(t)) if x)
        lines.append(f"  {nid} [label={_quote(label)}, fillcolor={color}]")
        return nid

    def fn_label(f):
        label = f.name()
        meta = getattr(f, "_out_meta", None)
        if show_shapes and meta:
            label += "\n" + "\n".join(f"{_shape_text(s)} {_dtype_name(d)}" for s, d in meta)
        return label

    stack = []
    seen = set()
    for r in roots:
        out_id = tensor_node(r, "output", "darkolivegreen1")
        if r.grad_fn is not None:
            stack.append(r.grad_fn)
            edges.append((node_id(r.grad_fn), out_id, r._out_idx, r.grad_fn))
    order = []
    while stack:                                 # depth-first, iterative
        f = stack.pop()
        if id(f) in seen:
            continue
        seen.add(id(f))
        keep.append(f)
        order.append(f)
        nexts = f.next_functions
        for g, idx in reversed(nexts):           # reversed: first input explored first
            if g is None:
                continue
            if hasattr(g, "variable"):           # AccumulateGrad: draw its leaf tensor
                continue
            if id(g) not in seen:
                stack.append(g)
        for g, idx in nexts:
            if g is None:
                continue
            if hasattr(g, "variable"):
                v = g.variable
                if id(v) not in ids:
                    tensor_node(v, "", "lightblue")
                edges.append((ids[id(v)], node_id(f), 0, None))
            else:
                edges.append((node_id(g), node_id(f), idx, g))
    for f in order:
        lines.append(f"  {node_id(f)} [label={_quote(fn_label(f))}, fillcolor=lightgrey]")
    out = ["digraph {",
           '  graph [rankdir=TB, size="12,12"]',
           ("  node [style=filled, shape=box, fontsize=10, height=0.2, "
            "fontname=monospace]")]
    nodes = sorted(lines, key=lambda s: int(s.split()[0][1:]))
    out += nodes
    for a, b, idx, src in edges:
        meta = getattr(src, "_out_meta", None) if src is not None else None
        attr = f" [label={_quote(str(idx))}]" if meta and len(meta) > 1 else ""
        out.append(f"  {a} -> {b}{attr}")
    out.append("}")
    return "\n".join(out) + "\n"


def dot_available(program: str = "dot") -> bool:
    """Whether the Graphviz `dot` program is on the PATH."""
    return shutil.which(program) is not None


def render_dot(dot_text: str, path, program: str = "dot", timeout: float = 60.0) -> str:
    """Render DOT text to `path` with Graphviz, the format from the path's suffix: .png,
    .svg, .pdf (any format `dot -T` knows); .dot or .gv writes the text itself and needs
    no Graphviz. Creates the parent folders and writes atomically. Returns the path.

    Raises RuntimeError, saying how to install it, when the `dot` program is missing (check
    first with dot_available()), and when dot fails (with its message)."""
    fn = "render_dot"
    if not isinstance(dot_text, str):
        raise TypeError(f"{fn}(): dot_text should be a str (from graph_to_dot), got "
                        f"{type(dot_text).__name__}")
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if not ext:
        raise ValueError(f"{fn}(): the path {path!r} has no suffix to choose the format "
                         "(.png, .svg, .pdf, .dot)")
    if ext in ("dot", "gv"):
        data = dot_text.encode("utf-8")
    else:
        exe = shutil.which(program)
        if exe is None:
            raise RuntimeError(
                f"{fn}(): the Graphviz program {program!r} was not found on the PATH, so "
                f"{path!r} cannot be drawn. Install Graphviz (apt-get install graphviz, "
                "brew install graphviz or conda install graphviz), or save the text to a "
                ".dot file (render_dot(text, 'graph.dot')) and render it elsewhere.")
        try:
            proc = subprocess.run([exe, f"-T{ext}"], input=dot_text.encode("utf-8"),
                                  capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"{fn}(): {program} did not finish in {timeout} s") from None
        if proc.returncode != 0 or not proc.stdout:
            msg = proc.stderr.decode("utf-8", "replace").strip()
            raise RuntimeError(f"{fn}(): {program} -T{ext} failed (exit {proc.returncode}): "
                               f"{msg}")
        data = proc.stdout
    with atomic_write(path, "wb") as f:
        f.write(data)
    return path
