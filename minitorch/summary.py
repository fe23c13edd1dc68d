"""``minitorch.summary(model, input_size)``: a table of layers, output shapes and parameter
counts, the way Keras' ``model.summary()`` and the torchsummary package print it.

How it works: a forward pass on a batch of 2 random samples (drawn from a private
generator, so the global seed is untouched) under ``no_grad`` in eval mode, with a forward
pre-hook and a forward hook on every *reported* module - each leaf (a module without
children) and each module that owns parameters directly. The pre-hook opens a row when the
module is called (so rows are numbered in call order: ``Linear-1``, ``ReLU-2``, ...), the
forward hook writes the output shape into it. Afterwards the hooks are removed and every
module's training flag is put back as it was, even when the forward pass fails.

Counting: a row's ``Param #`` counts the module's own parameters that no earlier row
counted, so a layer called twice, or a weight tied between two layers, is counted once and
the column adds up to the total. Totals cover all of ``model.parameters()`` (shared ones
once); trainable means ``requires_grad``. Buffers (BatchNorm's running statistics) are not
parameters and are not counted.

    >>> net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    >>> minitorch.summary(net, (784,)).total_params
    203530
"""
from __future__ import annotations

import math
from typing import NamedTuple

from . import dtypes as _dt
from .autograd.grad_mode import no_grad
from .backend import device as _device
from .tensor import Tensor

__all__ = ["summary", "ModelSummary", "SummaryRow"]

_PROBE_BATCH = 2
_MB = 1024.0 ** 2


class SummaryRow(NamedTuple):
    """One call of a reported module."""

    name: str            # "Linear-1": class name and call number
    type: str            # "Linear"
    path: str            # where it sits in the model ("features.0"; "" for the model)
    output_shape: list   # [-1, 256], or a list of shapes for several outputs
    params: int          # parameters first counted in this row
    trainable: int       # of which require grad
    output_numel: int    # output elements per sample (for the memory estimate)


class ModelSummary:
    """What ``summary`` returns: ``str()`` is the table; ``rows``, ``total_params``,
    ``trainable_params``, ``non_trainable_params`` and the size estimates in MiB
    (``input_size_mb``, ``forward_backward_size_mb``, ``params_size_mb``,
    ``total_size_mb``) are attributes."""

    def __init__(self, rows, total_params, trainable_params, input_size_mb,
                 forward_backward_size_mb, params_size_mb):
        self.rows = rows
        self.total_params = total_params
        self.trainable_params = trainable_params
        self.non_trainable_params = total_params - trainable_params
        self.input_size_mb = input_size_mb
        self.forward_backward_size_mb = forward_backward_size_mb
        self.params_size_mb = params_size_mb
        self.total_size_mb = input_size_mb + forward_backward_size_mb + params_size_mb

    def __str__(self):
        head = ("Layer (type)", "Output Shape", "Param #")
        body = [(r.name, str(r.output_shape), f"{r.params:,}") for r in self.rows]
        w = [max([20] + [len(b[0]) for b in body]), max([25] + [len(b[1]) for b in body]),
             max([15] + [len(b[2]) for b in body])]
        width = w[0] + w[1] + w[2] + 4            # 64 by default, as torchsummary

        def line(cells):
            return f"{cells[0]:>{w[0]}}  {cells[1]:>{w[1]}} {cells[2]:>{w[2]}}"
        out = ["-" * width, line(head), "=" * width]
        out += [line(b) for b in body]
        out += ["=" * width,
                f"Total params: {self.total_params:,}",
                f"Trainable params: {self.trainable_params:,}",
                f"Non-trainable params: {self.non_trainable_params:,}",
                "-" * width,
                f"Input size (MB): {self.input_size_mb:.2f}",
                f"Forward/backward pass size (MB): {self.forward_backward_size_mb:.2f}",
                f"Params size (MB): {self.params_size_mb:.2f}",
                f"Estimated Total Size (MB): {self.total_size_mb:.2f}",
                "-" * width]
        return "\n".join(out)

    def __repr__(self):
        return (f"ModelSummary(layers={len(self.rows)}, total_params={self.total_params:,}, "
                f"trainable_params={self.trainable_params:,})")


def summary(model, input_size, batch_size: int = -1, dtype=None, device=None, *,
            verbose: bool = True) -> ModelSummary:
    """Print and return a summary of `model` (see the module docstring).

    input_size: the shape of ONE sample, without the batch dimension - a tuple such as
    ``(1, 28, 28)``, or a list of tuples for a model whose forward takes several inputs.
    batch_size: shown as the first output dimension (-1: any) and used for the memory
    estimate (-1 counts one sample). dtype: of the inputs (one, or a list with one per
    input); by default the dtype of the model's first floating parameter, else the default
    dtype. Integer dtypes give zero inputs (indices for an Embedding). device: by default
    where the model's first parameter or buffer is. verbose=False returns without printing.
    """
    from .nn.module import Module
    if not isinstance(model, Module):
        raise TypeError(f"summary(): argument 'model' must be an nn.Module, got "
                        f"{type(model).__name__}")
    shapes = _input_shapes(input_size)
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or \
            not (batch_size == -1 or batch_size > 0):
        raise ValueError(f"summary(): argument 'batch_size' must be -1 or a positive int, got "
                         f"{batch_size!r}")
    dtypes = _input_dtypes(model, dtype, len(shapes))
    dev = _model_device(model) if device is None else _device(device)
    inputs = _probe_inputs(shapes, dtypes, dev)

    rows, open_rows, seen, handles = [], {}, set(), []

    def pre_hook(module, args):
        own = [p for p in module._parameters.values() if p is not None and id(p) not in seen]
        seen.update(id(p) for p in own)
        rows.append(dict(module=module, type=type(module).__name__, path=paths[id(module)],
                         params=sum(p.numel() for p in own),
                         trainable=sum(p.numel() for p in own if p.requires_grad),
                         output_shape=None, output_numel=0, output_bytes=0))
        open_rows.setdefault(id(module), []).append(len(rows) - 1)

    def hook(module, args, output):
        row = rows[open_rows[id(module)].pop()]
        row["output_shape"], row["output_numel"], row["output_bytes"] = \
            _describe(output, batch_size)

    paths = {}
    training = [(m, m.training) for m in model.modules()]
    try:
        for path, m in model.named_modules():
            paths[id(m)] = path
            has_children = any(True for _ in m.children())
            if not has_children or any(p is not None for p in m._parameters.values()):
                handles.append(m.register_forward_pre_hook(pre_hook))
                handles.append(m.register_forward_hook(hook))
        model.eval()
        with no_grad():
            try:
                model(*inputs)
            except Exception as exc:
                if hasattr(exc, "add_note"):          # Python 3.11+
                    exc.add_note("(raised in summary()'s forward pass on inputs of shape "
                                 f"{', '.join(str(tuple(x.shape)) for x in inputs)})")
                raise
    finally:
        for h in handles:
            h.remove()
        for m, flag in training:
            m.__dict__["training"] = flag

    result_rows = [SummaryRow(f"{r['type']}-{i}", r["type"], r["path"],
                              r["output_shape"], r["params"], r["trainable"], r["output_numel"])
                   for i, r in enumerate(rows, 1)]
    params = list(model.parameters())
    total = sum(p.numel() for p in params)
    trainable = sum(p.numel() for p in params if p.requires_grad)
    per_batch = 1 if batch_size == -1 else batch_size
    itemsize = [d.np.itemsize for d in dtypes]
    input_mb = sum(math.prod(s) * per_batch * b for s, b in zip(shapes, itemsize)) / _MB
    # activations are kept for backward, and their gradients take as much again
    fwd_mb = 2 * sum(r["output_bytes"] for r in rows) * per_batch / _MB
    params_mb = sum(p.numel() * p.element_size() for p in params) / _MB
    out = ModelSummary(result_rows, total, trainable, input_mb, fwd_mb, params_mb)
    if verbose:
        print(out)
    return out


# ---------------------------------------------------------------------------- helpers
def _input_shapes(input_size):
    """One shape (a tuple of ints) per model input."""
    def is_shape(s):
        return isinstance(s, (tuple, list)) and all(
            isinstance(d, int) and not isinstance(d, bool) for d in s)
    if isinstance(input_size, int) and not isinstance(input_size, bool):
        input_size = (input_size,)
    if is_shape(input_size):
        shapes = [tuple(input_size)]
    elif isinstance(input_size, (tuple, list)) and input_size and \
            all(is_shape(s) for s in input_size):
        shapes = [tuple(s) for s in input_size]
    else:
        raise TypeError("summary(): argument 'input_size' must be the shape of one sample "
                        "(a tuple of ints, without the batch dimension) or a list of such "
                        f"tuples for several inputs, got {input_size!r}")
    for s in shapes:
        if any(d < 0 for d in s):
            raise ValueError(f"summary(): argument 'input_size' has a negative dimension: {s}")
    return shapes


def _input_dtypes(model, dtype, n):
    if isinstance(dtype, (list, tuple)):
        if len(dtype) != n:
            raise ValueError(f"summary(): got {len(dtype)} dtypes for {n} inputs")
        return [_dt.to_dtype(d, "summary") for d in dtype]
    if dtype is None:
        floating = [p for p in model.parameters() if p.is_floating_point()]
        d = floating[0].dtype if floating else _dt.get_default_dtype()
    else:
        d = _dt.to_dtype(dtype, "summary")
    return [d] * n


def _model_device(model):
    for t in list(model.parameters()) + list(model.buffers()):
        return t.device
    return _device("cpu")


def _probe_inputs(shapes, dtypes, dev):
    from .creation import rand, zeros
    from .random import Generator
    g = Generator().manual_seed(0)
    out = []
    for shape, d in zip(shapes, dtypes):
        if d.is_floating_point:
            out.append(rand(_PROBE_BATCH, *shape, generator=g, dtype=d, device=dev))
        else:
            out.append(zeros(_PROBE_BATCH, *shape, dtype=d, device=dev))
    return out


def _describe(output, batch_size):
    """(shape for the table, elements per sample, bytes per sample) of a module's output:
    a tensor's shape with the batch dimension shown as batch_size; a list of shapes for a
    tuple, list or dict of tensors; None for anything else."""
    if isinstance(output, Tensor):
        shape = list(output.shape)
        numel = output.numel()
        if shape and shape[0] == _PROBE_BATCH:
            shape[0] = batch_size
            numel //= _PROBE_BATCH
        return shape, numel, numel * output.element_size()
    if isinstance(output, dict):
        output = list(output.values())
    if isinstance(output, (tuple, list)):
        parts = [p for p in (_describe(o, batch_size) for o in output) if p[0] is not None]
        return [p[0] for p in parts], sum(p[1] for p in parts), sum(p[2] for p in parts)
    return None, 0, 0
