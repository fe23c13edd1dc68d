"""A character-level corpus for the char-RNN: vocabulary, encode/decode, a train/validation
split, and batches of (B, T) windows in the two sampling schemes d2l teaches.

A language model predicts the next character, so every batch is a pair ``(X, Y)`` of int64
tensors of shape (batch_size, num_steps) with ``Y[b, t] == X[b, t + 1]`` in the corpus: the
targets are the inputs shifted by one.

Random sampling (d2l's ``seq_data_iter_random``): each epoch drops a random offset of
0..T-1 characters from the start, cuts the rest into non-overlapping windows of T and
visits them in a random order, B at a time. Windows of consecutive batches are unrelated,
so the hidden state is reset for every batch.

Sequential partitioning (d2l's ``seq_data_iter_sequential``): each epoch drops a random
offset of 0..T characters, splits the rest into B equal rows (one contiguous stream per
batch row) and walks along them T columns at a time. Row b of step i continues row b of
step i-1 exactly, so the hidden state can be carried over between steps (detached:
truncated backpropagation through time) and reset once per epoch.

Randomness comes from a ``minitorch.Generator`` when given, else from the default one, so
``minitorch.manual_seed(s)`` makes every epoch reproducible.
"""
from __future__ import annotations

import os

import numpy as np

from ..creation import as_tensor
from ..random import rng as _rng
from ..tensor import Tensor

__all__ = ["CharCorpus", "SeqDataLoader", "seq_data_iter_random", "seq_data_iter_sequential"]


def _check_sizes(fn, n, batch_size, num_steps):
    for arg, v in (("batch_size", batch_size), ("num_steps", num_steps)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{fn}(): {arg} must be a positive integer, got {v!r}")
    if n < batch_size * num_steps + 1:
        raise ValueError(f"{fn}(): a corpus of {n} tokens is too short for one batch of "
                         f"{batch_size} x {num_steps} (needs at least "
                         f"{batch_size * num_steps + 1})")


def _host(x) -> np.ndarray:
    """A NumPy array of a tensor (any device), array or sequence."""
    if isinstance(x, Tensor):
        x = x._data
    if not isinstance(x, np.ndarray) and hasattr(x, "get"):  # a CuPy array
        x = x.get()
    return np.asarray(x)


def _as_ids(corpus) -> np.ndarray:
    arr = _host(corpus)
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise ValueError(f"expected a 1-D sequence of integer token ids, got {arr.dtype} "
                         f"of shape {arr.shape}")
    return arr.astype(np.int64, copy=False)


def seq_data_iter_random(corpus, batch_size: int, num_steps: int, generator=None, device=None):
    """One epoch of random sampling (d2l): yields ``(X, Y)`` int64 tensors (B, T)."""
    ids = _as_ids(corpus)
    _check_sizes("seq_data_iter_random", len(ids), batch_size, num_steps)
    g = _rng(generator)
    offset = int(g.integers(0, num_steps))              # offset in 0 .. T-1 (d2l)
    if (len(ids) - offset - 1) // num_steps < batch_size:  # keep at least one batch
        offset = 0
    ids = ids[offset:]
    num_subseqs = (len(ids) - 1) // num_steps           # -1: the targets need one more
    starts = np.arange(0, num_subseqs * num_steps, num_steps)
    g.shuffle(starts)
    window = np.arange(num_steps)
    for i in range(0, (num_subseqs // batch_size) * batch_size, batch_size):
        pos = starts[i:i + batch_size, None] + window   # (B, T) positions
        yield as_tensor(ids[pos], device=device), as_tensor(ids[pos + 1], device=device)


def seq_data_iter_sequential(corpus, batch_size: int, num_steps: int, generator=None,
                             device=None):
    """One epoch of sequential partitioning (d2l): yields ``(X, Y)`` int64 tensors (B, T);
    row b of each batch continues row b of the previous one."""
    ids = _as_ids(corpus)
    _check_sizes("seq_data_iter_sequential", len(ids), batch_size, num_steps)
    g = _rng(generator)
    offset = int(g.integers(0, num_steps + 1))          # offset in 0 .. T (d2l)
    if len(ids) - offset - 1 < batch_size * num_steps:  # keep at least one batch
        offset = 0
    num_tokens = ((len(ids) - offset - 1) // batch_size) * batch_size
    xs = ids[offset:offset + num_tokens].reshape(batch_size, -1)
    ys = ids[offset + 1:offset + 1 + num_tokens].reshape(batch_size, -1)
    for i in range(0, (xs.shape[1] // num_steps) * num_steps, num_steps):
        yield (as_tensor(np.ascontiguousarray(xs[:, i:i + num_steps]), device=device),
               as_tensor(np.ascontiguousarray(ys[:, i:i + num_steps]), device=device))


class SeqDataLoader:
    """Iterable over the (X, Y) batches of one epoch; each ``iter()`` is a new epoch with
    fresh random offsets. ``sampling`` is ``"random"`` or ``"sequential"``."""

    def __init__(self, ids, batch_size: int, num_steps: int, sampling: str = "random",
                 generator=None, device=None):
        if sampling not in ("random", "sequential"):
            raise ValueError(f"SeqDataLoader(): sampling must be 'random' or 'sequential', "
                             f"got {sampling!r}")
        self.ids = _as_ids(ids)
        _check_sizes("SeqDataLoader", len(self.ids), batch_size, num_steps)
        self.batch_size, self.num_steps = int(batch_size), int(num_steps)
        self.sampling, self.generator, self.device = sampling, generator, device

    def __iter__(self):
        fn = seq_data_iter_random if self.sampling == "random" else seq_data_iter_sequential
        return fn(self.ids, self.batch_size, self.num_steps, self.generator, self.device)

    def __len__(self) -> int:
        """Batches per epoch (the smallest over the possible random offsets)."""
        n, b, t = len(self.ids), self.batch_size, self.num_steps
        if self.sampling == "random":
            return max(1, ((n - t) // t) // b)
        return max(1, ((n - t - 1) // b) // t)


class CharCorpus:
    """A text as a sequence of character ids.

    ``CharCorpus(text, val_fraction=0.1)`` or ``CharCorpus.from_file(path)`` (any UTF-8
    file). The vocabulary is the sorted set of characters of the whole text; ids index it.
    The first ``1 - val_fraction`` of the text is the training split, the rest the
    validation split (``train_ids`` / ``val_ids``, int64 NumPy arrays).
    """

    def __init__(self, text: str, val_fraction: float = 0.1):
        if not isinstance(text, str):
            raise TypeError(f"CharCorpus(): text must be a str, got {type(text).__name__}")
        if not text:
            raise ValueError("CharCorpus(): the text is empty")
        if not 0.0 <= float(val_fraction) < 1.0:
            raise ValueError(f"CharCorpus(): val_fraction must be in [0, 1), got {val_fraction!r}")
        self.text = text
        self.chars = sorted(set(text))                      # id -> character
        self.stoi = {c: i for i, c in enumerate(self.chars)}  # character -> id
        self._lut = np.array(self.chars, dtype=object)
        self.ids = self._encode_array(text)
        self.val_fraction = float(val_fraction)
        n_train = int((1.0 - self.val_fraction) * len(self.ids))
        self.train_ids = self.ids[:n_train]
        self.val_ids = self.ids[n_train:]

    @classmethod
    def from_file(cls, path, val_fraction: float = 0.1, encoding: str = "utf-8") -> "CharCorpus":
        """Read a text file (UTF-8 by default; a leading byte-order mark is dropped)."""
        path = os.fspath(path)
        with open(path, "rb") as f:
            raw = f.read()
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ValueError(f"CharCorpus.from_file(): {path} is not valid {encoding} text: "
                             f"byte 0x{raw[exc.start]:02x} at offset {exc.start} "
                             f"({exc.reason})") from None
        if text.startswith("\ufeff"):
            text = text[1:]
        if not text:
            raise ValueError(f"CharCorpus.from_file(): {path} is empty")
        return cls(text, val_fraction)

    # -- vocabulary ------------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def __len__(self) -> int:
        return len(self.ids)

    def _encode_array(self, text: str) -> np.ndarray:
        stoi = self.stoi
        try:
            return np.fromiter((stoi[c] for c in text), dtype=np.int64, count=len(text))
        except KeyError as exc:
            pos = next(i for i, c in enumerate(text) if c not in stoi)
            raise ValueError(f"CharCorpus.encode(): character {exc.args[0]!r} at position "
                             f"{pos} is not in the vocabulary ({self.vocab_size} "
                             f"characters)") from None

    def encode(self, text: str) -> Tensor:
        """The ids of the characters of `text`, an int64 tensor of shape (len(text),)."""
        if not isinstance(text, str):
            raise TypeError(f"CharCorpus.encode(): expected a str, got {type(text).__name__}")
        return as_tensor(self._encode_array(text))

    def decode(self, ids) -> str:
        """The text of a sequence of ids (tensor, array, list or a single int)."""
        arr = _host(ids)
        if arr.size == 0:
            return ""
        if arr.dtype.kind not in "iu":
            raise TypeError(f"CharCorpus.decode(): ids must be integers, got {arr.dtype}")
        arr = arr.reshape(-1)
        if arr.size and (arr.min() < 0 or arr.max() >= self.vocab_size):
            bad = arr[(arr < 0) | (arr >= self.vocab_size)][0]
            raise ValueError(f"CharCorpus.decode(): id {int(bad)} is out of range for a "
                             f"vocabulary of {self.vocab_size}")
        return "".join(self._lut[arr].tolist())

    # -- batches ---------------------------------------------------------------------------
    def split_ids(self, split: str) -> np.ndarray:
        if split == "train":
            return self.train_ids
        if split in ("val", "valid", "validation"):
            return self.val_ids
        raise ValueError(f"CharCorpus: split must be 'train' or 'val', got {split!r}")

    def loader(self, batch_size: int, num_steps: int, split: str = "train",
               sampling: str = "random", generator=None, device=None) -> SeqDataLoader:
        """An iterable over one epoch of ``(X, Y)`` batches of `split`; iterate it again
        for the next epoch. ``sampling="sequential"`` for stateful truncated BPTT."""
        return SeqDataLoader(self.split_ids(split), batch_size, num_steps, sampling,
                             generator, device)

    def random_batches(self, batch_size, num_steps, split="train", generator=None, device=None):
        """One epoch of d2l's random sampling over `split`."""
        return seq_data_iter_random(self.split_ids(split), batch_size, num_steps,
                                    generator, device)

    def sequential_batches(self, batch_size, num_steps, split="train", generator=None,
                           device=None):
        """One epoch of d2l's sequential partitioning over `split`."""
        return seq_data_iter_sequential(self.split_ids(split), batch_size, num_steps,
                                        generator, device)

    def get_batch(self, batch_size: int, num_steps: int, split: str = "train",
                  generator=None, device=None):
        """One batch of `batch_size` windows starting at independent random positions
        (for step-based training loops)."""
        ids = self.split_ids(split)
        _check_sizes("CharCorpus.get_batch", len(ids), 1, num_steps)
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"CharCorpus.get_batch(): batch_size must be a positive "
                             f"integer, got {batch_size!r}")
        starts = _rng(generator).integers(0, len(ids) - num_steps, size=batch_size)
        pos = starts[:, None] + np.arange(num_steps)
        return as_tensor(ids[pos], device=device), as_tensor(ids[pos + 1], device=device)

    def __repr__(self) -> str:
        return (f"CharCorpus({len(self.ids)} characters, vocabulary {self.vocab_size}, "
                f"train {len(self.train_ids)}, val {len(self.val_ids)})")
