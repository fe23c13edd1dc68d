"""nn.utils.rnn: variable-length sequences for the recurrent layers (PyTorch's API).

A batch of sequences of different lengths can be

- padded: one (T, B, *) tensor (``pad_sequence``), with T the longest length, or
- packed: a ``PackedSequence``, the steps of all sequences laid out time step by time
  step, sequences sorted by decreasing length. With lengths [3, 1] and sequences "abc",
  "x" the data is a x b c and ``batch_sizes`` = [2, 1, 1]: at step t the first
  batch_sizes[t] sequences still run. ``sorted_indices`` says which original sequence sits
  at each sorted position (None when the input was already sorted) and
  ``unsorted_indices`` is its inverse.

RNN, LSTM and GRU accept a PackedSequence and return one, with each sequence's final
state taken at its own last step (see nn/rnn.py). Packing, padding and unpacking are
compositions of differentiable indexing ops, so gradients flow through them (twice).
"""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable

import numpy as np

from ... import backend
from ... import creation
from ...dtypes import int64
from ...functional.shape import cat
from ...tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence",
           "pad_packed_sequence", "pad_sequence", "unpad_sequence", "pack_sequence",
           "unpack_sequence"]

PackedSequence_ = namedtuple("PackedSequence_",
                             ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])
PackedSequence_.__annotations__ = {}


def _host_ints(t):
    """A tensor / list of ints as a host NumPy int64 array."""
    if isinstance(t, Tensor):
        return np.asarray(backend.transfer(t._data, backend.to_device("cpu")))  # host: sizes
    return np.asarray(t)  # host: sizes


def _index_tensor(arr, like):
    """A host int array as an int64 tensor on `like`'s device."""
    return creation.tensor(np.asarray(arr, dtype=np.int64), dtype=int64,  # host: indices
                           device=like.device)


def invert_permutation(permutation):
    """The inverse of a permutation tensor (None stays None): out[perm[i]] = i."""
    if permutation is None:
        return None
    perm = _host_ints(permutation)
    inv = np.empty_like(perm)  # host: index bookkeeping
    inv[perm] = np.arange(perm.size, dtype=perm.dtype)  # host: indices
    return _index_tensor(inv, permutation)


class PackedSequence(PackedSequence_):
    """A packed batch of variable-length sequences (data, batch_sizes, sorted_indices,
    unsorted_indices); see the module docstring. Build it with pack_padded_sequence or
    pack_sequence. ``data`` may live on any device and have any dtype; ``batch_sizes`` is
    always a CPU int64 tensor; the index tensors are int64 on data's device."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:              # the legacy form PackedSequence((data, sizes))
            if not isinstance(data, (list, tuple)) or len(data) != 2:
                raise TypeError("PackedSequence(): expected data and batch_sizes")
            data, batch_sizes = data
        if not isinstance(batch_sizes, Tensor):
            sizes = np.asarray(batch_sizes, dtype=np.int64)  # host: batch sizes live on the CPU
            batch_sizes = creation.tensor(sizes, dtype=int64)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> "PackedSequence":
        """`data` converted like Tensor.to(...); the index tensors follow data's device
        (batch_sizes stays on the CPU). Returns self when nothing changes."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self

        def move(t):
            return None if t is None else t.to(data.device)
        return type(self)(data, self.batch_sizes, move(self.sorted_indices),
                          move(self.unsorted_indices))

    def cuda(self, *args, **kwargs) -> "PackedSequence":
        kwargs.setdefault("device", "cuda")
        return self.to(*args, **kwargs)

    def cpu(self, *args, **kwargs) -> "PackedSequence":
        kwargs["device"] = "cpu"
        return self.to(*args, **kwargs)

    def double(self):
        return self.to(dtype=_dtype("float64"))

    def float(self):
        return self.to(dtype=_dtype("float32"))

    def half(self):
        return self.to(dtype=_dtype("float16"))

    def long(self):
        return self.to(dtype=_dtype("int64"))

    def int(self):
        return self.to(dtype=_dtype("int32"))

    def short(self):
        return self.to(dtype=_dtype("int16"))

    def char(self):
        return self.to(dtype=_dtype("int8"))

    def byte(self):
        return self.to(dtype=_dtype("uint8"))

    @property
    def is_cuda(self) -> bool:
        """Whether data is on a GPU."""
        return self.data.device.type == "cuda"

    def is_pinned(self) -> bool:
        """Whether data is in pinned memory (never, in minitorch)."""
        method = getattr(self.data, "is_pinned", None)
        return bool(method()) if callable(method) else False

    def pin_memory(self) -> "PackedSequence":
        """Returns self: minitorch has no pinned host memory."""
        return self


def _dtype(name):
    from ... import dtypes
    return getattr(dtypes, name)


# ------------------------------------------------------------------------------ packing
def _lengths_array(lengths):
    """`lengths` (list, tuple, tensor) as a 1-D host int64 array, with torch's checks."""
    if isinstance(lengths, Tensor):
        if lengths.ndim != 1:
            raise RuntimeError("'lengths' argument should be a 1D CPU int64 tensor, but got "
                               f"{lengths.ndim}D {lengths.device.type} tensor")
        arr = _host_ints(lengths)
    else:
        arr = np.asarray(lengths)  # host: lengths
        if arr.ndim != 1:
            raise RuntimeError("'lengths' argument should be a 1D CPU int64 tensor, but got "
                               f"{arr.ndim}D cpu tensor")
    return arr.astype(np.int64)


def _batch_sizes(lengths):
    """batch_sizes[t] = how many of the (sorted, decreasing) lengths exceed t."""
    T = int(lengths[0]) if lengths.size else 0
    steps = np.arange(T)  # host: sizes
    return (lengths[None, :] > steps[:, None]).sum(axis=1).astype(np.int64)


def _packed_positions(batch_sizes):
    """(time index, batch index) of every packed row, in packed order."""
    t_idx = np.repeat(np.arange(batch_sizes.size), batch_sizes)  # host: indices
    if not batch_sizes.size:
        return t_idx, np.zeros(0, np.int64)  # host: indices
    b_idx = np.concatenate([np.arange(b) for b in batch_sizes])  # host: indices
    return t_idx, b_idx


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T, B, *) ((B, T, *) with batch_first) whose sequence b has
    length lengths[b]. With enforce_sorted=True the lengths must be in decreasing order;
    otherwise the batch is sorted here (stably) and the permutation is kept in
    sorted_indices so that pad_packed_sequence and the RNNs restore the original order.

    The packed data is one gather of the rows input[t, b] with t < lengths[b] (time-major),
    so its gradient is the scatter back into a zero padded gradient."""
    if not isinstance(input, Tensor):
        raise TypeError(f"pack_padded_sequence(): argument 'input' must be Tensor, not "
                        f"{type(input).__name__}")
    lengths = _lengths_array(lengths)
    if enforce_sorted:
        if lengths.size > 1 and (lengths[1:] > lengths[:-1]).any():
            raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                               "`enforce_sorted` is True. You can pass `enforce_sorted=False` "
                               "to pack_padded_sequence and/or pack_sequence to sidestep this "
                               "requirement if you do not need ONNX exportability.")
        sorted_indices = None
        order = None
    else:
        order = np.argsort(-lengths, kind="stable")  # host: lengths live on the CPU
        lengths = lengths[order]
        sorted_indices = _index_tensor(order, input)
    batch_dim = 0 if batch_first else 1
    if input.ndim < 2:
        raise ValueError(f"pack_padded_sequence(): input must have a time and a batch dim, "
                         f"got shape {tuple(input.shape)}")
    B = input.shape[batch_dim]
    if lengths.size != B:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{lengths.size} (batch_size={B})")
    if lengths.size and lengths.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    T = input.shape[1 - batch_dim]
    if lengths.size and lengths.max() > T:
        raise ValueError(f"pack_padded_sequence(): a length ({int(lengths.max())}) exceeds "
                         f"the padded sequence length ({T})")
    batch_sizes = _batch_sizes(lengths)
    t_idx, b_idx = _packed_positions(batch_sizes)
    if order is not None:
        b_idx = order[b_idx]                        # sorted position -> original row
    if batch_first:
        data = input[_index_tensor(b_idx, input), _index_tensor(t_idx, input)]
    else:
        data = input[_index_tensor(t_idx, input), _index_tensor(b_idx, input)]
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """The inverse of pack_padded_sequence: (padded (T, B, *) or (B, T, *), lengths),
    sequences back in their original order, T = total_length or the longest length,
    padded positions = padding_value. lengths is a CPU int64 tensor.

    One gather from the packed data with one extra row of padding_value appended, so the
    gradient reaches exactly the packed rows."""
    if not isinstance(sequence, PackedSequence):
        raise TypeError(f"pad_packed_sequence(): expected a PackedSequence, got "
                        f"{type(sequence).__name__}")
    data = sequence.data
    batch_sizes = _host_ints(sequence.batch_sizes).astype(np.int64)
    T = int(batch_sizes.size)
    B = int(batch_sizes[0]) if T else 0
    if total_length is not None:
        if total_length < T:
            raise ValueError("Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {T}")
        T_out = int(total_length)
    else:
        T_out = T
    lengths = (batch_sizes[None, :] > np.arange(B)[:, None]).sum(axis=1)  # host: sizes
    # where each (t, b) of the padded output reads from: its packed row, or the pad row
    offsets = np.concatenate([[0], np.cumsum(batch_sizes)])  # host: indices
    n = int(offsets[-1])
    where = np.full((T_out, B), n, dtype=np.int64)  # host: indices
    for t in range(T):
        where[t, :batch_sizes[t]] = np.arange(offsets[t], offsets[t + 1])  # host: indices
    unsorted = sequence.unsorted_indices
    if unsorted is not None:
        perm = _host_ints(unsorted)
        where = where[:, perm]
        lengths = lengths[perm]
    if batch_first:
        where = where.T
    pad_row = creation.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype,
                            device=data.device)
    padded = cat([data, pad_row], 0)[_index_tensor(where, data)]
    return padded, creation.tensor(lengths.astype(np.int64), dtype=int64)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack a list of (L_i, *) tensors into one (T, B, *) tensor ((B, T, *) with
    batch_first), T = max L_i, the missing steps filled with padding_value on the right
    (or the left with padding_side='left'). A tensor is taken as the list of its rows."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg "
                           f"of type: {type(sequences)}")
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    first = sequences[0]
    trailing = tuple(first.shape[1:])
    for s in sequences[1:]:
        if tuple(s.shape[1:]) != trailing:
            a, b = trailing, tuple(s.shape[1:])
            for d in range(min(len(a), len(b))):
                if a[-1 - d] != b[-1 - d]:
                    raise RuntimeError(f"The size of tensor a ({a[-1 - d]}) must match the "
                                       f"size of tensor b ({b[-1 - d]}) at non-singleton "
                                       f"dimension {max(len(a), len(b)) - d}")
            raise RuntimeError(f"pad_sequence: every sequence must have the trailing shape "
                               f"{trailing}, got {b}")
    T = max(s.shape[0] for s in sequences)
    pieces = []
    for s in sequences:
        missing = T - s.shape[0]
        if missing:
            pad = creation.full((missing,) + trailing, padding_value, dtype=s.dtype,
                                device=s.device)
            s = cat([s, pad], 0) if padding_side == "right" else cat([pad, s], 0)
        pieces.append(s.unsqueeze(0 if batch_first else 1))
    return cat(pieces, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences (L_i, *) held in a padded (T, B, *) ((B, T, *) with
    batch_first) tensor, cut to their lengths."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    lens = _lengths_array(lengths)
    return [padded_sequences[i][:int(n)] for i, n in enumerate(lens)]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of (L_i, *) tensors: pack_padded_sequence(pad_sequence(sequences),
    lengths) (decreasing lengths required with enforce_sorted)."""
    lengths = [int(v.size(0)) for v in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of (L_i, *) tensors packed in a PackedSequence, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
