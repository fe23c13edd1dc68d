"""Collation: turning a list of samples into one batch, as ``torch.utils.data``'s
``default_collate`` and ``default_convert``.

``default_collate(batch)`` looks at the type of ``batch[0]`` and, by type:

    Tensor                 -> stack along a new dimension 0          (B, *shape)
    numpy array            -> tensors (as_tensor), then stacked
    numpy scalar           -> as_tensor(batch), keeping the NumPy dtype
    float                  -> float64 tensor (as torch: not the default dtype)
    int                    -> int64 tensor (bool -> bool tensor)
    str, bytes             -> the batch unchanged (a list of strings)
    Mapping                -> the same mapping, each key collated
    namedtuple             -> the same namedtuple, each field collated
    tuple                  -> a list, each position collated
    other Sequence         -> the same type where possible (else a list), each position collated

so a batch of ``(image, label)`` tuples becomes ``[images (B, ...), labels (B,)]``. A type not
in the table is a TypeError; errors inside a nested structure name where in the sample
they happened (``at sample['x'][1]``).

``collate(batch, collate_fn_map=...)`` is the engine with a type -> function table, as in
torch, so ``default_collate_fn_map`` can be extended for custom types.
"""
from __future__ import annotations

import collections.abc
import copy
import numbers
import re

import numpy as np

from ... import backend
from ...tensor import Tensor, _make
from ...autograd.grad_mode import is_grad_enabled

__all__ = ["default_collate", "default_convert", "collate", "default_collate_fn_map"]

np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = ("default_collate: batch must contain tensors, numpy arrays, "
                                  "numbers, dicts or lists; found {}")


def _as_tensor(x):
    from ...creation import as_tensor
    return as_tensor(x)


# ------------------------------------------------------------------------ default_convert
def default_convert(data):
    """Convert NumPy arrays and NumPy scalars inside ``data`` to tensors, recursing through
    mappings, namedtuples, tuples (which become lists) and sequences; anything else is
    returned unchanged. The DataLoader's per-sample function when batching is off
    (``batch_size=None``)."""
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_", "bytes_"):
        if isinstance(data, np.ndarray) and np_str_obj_array_pattern.search(data.dtype.str):
            return data
        return _as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update({key: default_convert(data[key]) for key in data})
                return clone
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # as torch: a tuple becomes a list
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(data):
                    clone[i] = default_convert(d)
                return clone
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


# ------------------------------------------------------------------------ the engine
def _sub(samples, collate_fn_map, step):
    """Collate one position of a nested structure, recording where we are should it fail."""
    try:
        return collate(samples, collate_fn_map=collate_fn_map)
    except Exception as exc:
        try:
            exc._collate_path = step + getattr(exc, "_collate_path", "")
        except AttributeError:
            pass
        raise


def collate(batch, *, collate_fn_map=None):
    """Collate ``batch`` (a list of samples of one structure): leaves go to the function that
    ``collate_fn_map`` gives for their type (exact type first, then the first key the
    element is an instance of); mappings, namedtuples and sequences are walked."""
    if len(batch) == 0:
        raise IndexError("default_collate: the batch is empty (no samples to collate)")
    elem = batch[0]
    elem_type = type(elem)

    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)

    if isinstance(elem, collections.abc.Mapping):
        for i, d in enumerate(batch):
            if not isinstance(d, collections.abc.Mapping):
                raise TypeError(f"default_collate: sample {i} is of type {type(d).__name__} but "
                                f"sample 0 is of type {elem_type.__name__} (a mapping)")
            for key in elem:
                if key not in d:
                    raise KeyError(f"default_collate: sample {i} has no key {key!r} (sample 0 "
                                   f"has keys {list(elem)})")
        items = {key: _sub([d[key] for d in batch], collate_fn_map, f"[{key!r}]")
                 for key in elem}
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update(items)
                return clone
            return elem_type(items)
        except TypeError:
            return items

    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        for i, d in enumerate(batch):
            if type(d) is not elem_type:
                raise TypeError(f"default_collate: sample {i} is of type {type(d).__name__} but "
                                f"sample 0 is of type {elem_type.__name__}")
        return elem_type(*(_sub(samples, collate_fn_map, f".{name}")
                           for name, samples in zip(elem._fields, zip(*batch))))

    if isinstance(elem, collections.abc.Sequence):
        n = len(elem)
        for i, d in enumerate(batch):
            if not isinstance(d, collections.abc.Sequence) or isinstance(d, (str, bytes)):
                raise TypeError(f"default_collate: sample {i} is of type {type(d).__name__} but "
                                f"sample 0 is of type {elem_type.__name__} (a sequence)")
            if len(d) != n:
                raise RuntimeError(f"each element in list of batch should be of equal size: "
                                   f"sample 0 has {n} items but sample {i} has {len(d)}")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [_sub(samples, collate_fn_map, f"[{k}]")
                    for k, samples in enumerate(transposed)]  # as torch: a list
        items = [_sub(samples, collate_fn_map, f"[{k}]") for k, samples in enumerate(transposed)]
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for k, x in enumerate(items):
                    clone[k] = x
                return clone
            return elem_type(items)
        except TypeError:
            return items

    raise TypeError(default_collate_err_msg_format.format(elem_type))


# ------------------------------------------------------------------------ leaf types
def _same_kind(batch, kind, what):
    for i, x in enumerate(batch):
        if not isinstance(x, kind):
            raise TypeError(f"default_collate: sample {i} is of type {type(x).__name__} but "
                            f"sample 0 is of type {type(batch[0]).__name__}; every sample must "
                            f"hold {what} at this position")


def _check_shapes(shapes, what):
    for i, s in enumerate(shapes):
        if s != shapes[0]:
            raise RuntimeError(f"default_collate: stack expects each {what} to be equal size, "
                               f"but got {list(shapes[0])} at entry 0 and {list(s)} at entry {i}")


def collate_tensor_fn(batch, *, collate_fn_map=None):
    """Stack tensors along a new first dimension. Without autograd work to record, one
    array-level stack; otherwise ``minitorch.stack`` (differentiable, torch's promotion)."""
    _same_kind(batch, Tensor, "a tensor")
    _check_shapes([x._data.shape for x in batch], "tensor")
    datas = [x._data for x in batch]
    dt = datas[0].dtype
    xp = backend.get_array_module(datas[0])
    simple = all(d.dtype == dt and backend.get_array_module(d) is xp for d in datas)
    if simple and not (is_grad_enabled() and any(x.requires_grad for x in batch)):
        return _make(xp.stack(datas, 0))
    from ...functional.shape import stack
    return stack(list(batch), 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    """NumPy arrays become tensors (as ``as_tensor`` does: minitorch's dtypes, so uint8 and
    other integer types become int64), then are stacked."""
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    if all(isinstance(b, np.ndarray) and b.dtype == elem.dtype for b in batch):
        _check_shapes([b.shape for b in batch], "array")
        return _as_tensor(np.stack(batch, 0))
    return collate_tensor_fn([_as_tensor(b) for b in batch])


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    """NumPy scalars (np.float32(1.5), np.int64(3), np.bool_) keep their NumPy dtype."""
    return _as_tensor(np.asarray(batch))


def collate_float_fn(batch, *, collate_fn_map=None):
    """Python floats -> a float64 tensor (torch's choice: a Python float is a double)."""
    from ...creation import tensor
    from ... import dtypes
    _same_kind(batch, numbers.Real, "a number")
    return tensor(list(batch), dtype=dtypes.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    """Python ints -> int64 (bools -> bool; a float later in the batch -> the default float
    dtype), as ``tensor(batch)``."""
    from ...creation import tensor
    _same_kind(batch, numbers.Real, "a number")
    return tensor(list(batch))


def collate_str_fn(batch, *, collate_fn_map=None):
    """Strings and bytes are kept as they are: the batch itself."""
    return batch


default_collate_fn_map = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch):
    """Put a list of samples into one batch with a new leading dimension: see the table in
    this module's docstring. ``default_collate([(x0, 0), (x1, 1)]) == [stack([x0, x1]),
    tensor([0, 1])]``."""
    try:
        return collate(batch, collate_fn_map=default_collate_fn_map)
    except Exception as exc:
        path = getattr(exc, "_collate_path", "")
        if not path or not isinstance(exc, (TypeError, ValueError, RuntimeError, KeyError,
                                            IndexError)):
            raise
        msg = exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)
        try:
            new = type(exc)(f"{msg} (at sample{path})")
        except Exception:
            raise exc from None
        raise new from None
