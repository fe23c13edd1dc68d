"""nn.utils.stateless.functional_call (also torch.func.functional_call): call a module
with some of its parameters and buffers replaced by given tensors, for that call only."""
from __future__ import annotations

import contextlib

from ...tensor import Tensor

__all__ = ["functional_call"]


def _resolve(module, name):
    """(owning module, attribute name) of a dotted parameter/buffer name."""
    prefix, _, attr = name.rpartition(".")
    return (module.get_submodule(prefix) if prefix else module), attr


@contextlib.contextmanager
def _swapped(module, values: dict, strict: bool):
    known = dict(module.named_parameters(remove_duplicate=False))
    known.update(dict(module.named_buffers(remove_duplicate=False)))
    if strict:
        missing = [k for k in known if k not in values]
        unexpected = [k for k in values if k not in known]
        if missing or unexpected:
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n\t"
                               + (f"Unexpected key(s): {', '.join(map(repr, unexpected))}."
                                  if unexpected else "")
                               + (f"Missing key(s): {', '.join(map(repr, missing))}."
                                  if missing else ""))
    saved = []
    try:
        for name, value in values.items():
            owner, attr = _resolve(module, name)
            for reg in ("_parameters", "_buffers"):
                table = owner.__dict__[reg]
                if attr in table:
                    saved.append((table, attr, table[attr]))
                    table[attr] = value
                    break
            else:
                saved.append((owner.__dict__, attr, owner.__dict__.get(attr, _MISSING)))
                owner.__dict__[attr] = value
        yield
    finally:
        for table, attr, old in reversed(saved):
            if old is _MISSING:
                table.pop(attr, None)
            else:
                table[attr] = old


_MISSING = object()


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights: bool = True, strict: bool = False):
    """module(*args, **kwargs) with the named parameters / buffers taken from
    parameter_and_buffer_dicts (a dict, or a sequence of dicts) for this call; the module
    is left as it was. Gradients flow to the given tensors."""
    if isinstance(parameter_and_buffer_dicts, dict):
        values = dict(parameter_and_buffer_dicts)
    else:
        values = {}
        for d in parameter_and_buffer_dicts:
            overlap = set(values) & set(d)
            if overlap:
                raise ValueError(f"{sorted(overlap)} appeared in multiple dictionaries; "
                                 "behavior of functional call is ambiguous")
            values.update(d)
    for k, v in values.items():
        if not isinstance(v, Tensor):
            raise TypeError(f"functional_call: the value for '{k}' must be a Tensor, got "
                            f"{type(v).__name__}")
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _swapped(module, values, strict):
        return module(*args, **(kwargs or {}))
