"""Samplers, as ``torch.utils.data``: they decide the order in which a DataLoader reads a
map-style dataset.

    SequentialSampler(ds)           0, 1, ..., len(ds)-1
    RandomSampler(ds)               a fresh random permutation on every iter()
    SubsetRandomSampler(indices)    the given indices in a fresh random order
    WeightedRandomSampler(w, n)     n indices drawn with probabilities proportional to w
    BatchSampler(sampler, B, drop_last)   lists of B indices from another sampler

Randomness: with ``generator=None`` each ``iter()`` of a RandomSampler draws one 63-bit seed
from the default generator (so ``minitorch.manual_seed`` makes every epoch reproducible and
each epoch different) and permutes with a generator seeded by it, as torch does. With a
``minitorch.Generator`` the permutations come from that generator directly.
"""
from __future__ import annotations

import itertools
import numbers

import numpy as np

from ... import random as _random
from ...tensor import Tensor

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]


def _is_int(x) -> bool:
    return isinstance(x, (numbers.Integral, np.integer)) and not isinstance(x, (bool, np.bool_))


class Sampler:
    """Base class: subclasses define ``__iter__`` (yielding indices or lists of indices) and,
    where they can, ``__len__``. ``Sampler[int]`` works as a base class, as in torch."""

    def __class_getitem__(cls, item):
        return cls

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """Indices 0, 1, ..., len(data_source) - 1, in order."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


def _numpy_rng(generator):
    """The NumPy generator to draw from: `generator`'s own, or (generator=None) a fresh one
    seeded by one draw from the default generator."""
    if generator is None:
        seed = int(_random.rng(None).integers(0, 2 ** 63 - 1))
        return np.random.Generator(np.random.PCG64(seed))
    return _random.rng(generator)


class RandomSampler(Sampler):
    """Random order. Without replacement: a permutation of the dataset per pass (more than
    one pass when num_samples > len). With replacement: num_samples uniform draws."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler(): replacement should be a boolean value, but got "
                            f"replacement={replacement}")
        if not _is_int(self.num_samples) or self.num_samples <= 0:
            raise ValueError(f"RandomSampler(): num_samples should be a positive integer value, "
                             f"but got num_samples={self.num_samples}")
        if generator is not None and not isinstance(generator, _random.Generator):
            raise TypeError(f"RandomSampler(): generator must be a minitorch.Generator, got "
                            f"{type(generator).__name__}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    # indices drawn per chunk with replacement: memory stays O(chunk) however many samples
    _CHUNK = 4096

    def __iter__(self):
        """A generator: with replacement it draws ``_CHUNK`` indices at a time, so
        ``num_samples=10**10`` iterates in constant memory (as torch, which draws 32 at a
        time); without replacement it makes one permutation of the dataset per pass."""
        n = len(self.data_source)
        m = self.num_samples
        if n == 0:
            raise ValueError("RandomSampler(): cannot draw samples from an empty dataset")
        rng = _numpy_rng(self.generator)
        if self.replacement:
            for start in range(0, m, self._CHUNK):
                size = min(self._CHUNK, m - start)
                yield from rng.integers(0, n, size=size, dtype=np.int64).tolist()
            return
        for _ in range(m // n):
            yield from rng.permutation(n).tolist()
        if m % n:
            yield from rng.permutation(n)[: m % n].tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices, in a fresh random order on every iter()."""

    def __init__(self, indices, generator=None):
        if isinstance(indices, Tensor):
            indices = indices.tolist()
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        from ...creation import randperm
        for i in randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices in [0, len(weights)) drawn with probability proportional to
    ``weights`` (with or without replacement)."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not _is_int(num_samples) or num_samples <= 0:
            raise ValueError(f"WeightedRandomSampler(): num_samples should be a positive integer "
                             f"value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"WeightedRandomSampler(): replacement should be a boolean value, "
                             f"but got replacement={replacement}")
        w = np.asarray(weights.tolist() if isinstance(weights, Tensor) else weights,
                       dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"WeightedRandomSampler(): weights should be a 1d sequence but given "
                             f"weights have shape {tuple(w.shape)}")
        if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
            raise ValueError("WeightedRandomSampler(): weights must be finite, non-negative and "
                             "not all zero")
        if not replacement and num_samples > int((w > 0).sum()):
            raise RuntimeError(f"WeightedRandomSampler(): cannot draw {num_samples} samples "
                               f"without replacement from {int((w > 0).sum())} non-zero weights")
        from ...creation import tensor
        from ... import dtypes
        self.weights = tensor(w, dtype=dtypes.float64)
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        """With replacement: a generator drawing in chunks by inverse-CDF sampling (constant
        memory for any num_samples); without: one weighted permutation prefix."""
        w = self.weights.numpy()
        rng = _random.rng(self.generator)
        if not self.replacement:
            out = rng.choice(len(w), size=self.num_samples, replace=False, p=w / w.sum())
            yield from out.tolist()
            return
        cdf = np.cumsum(w)
        cdf /= cdf[-1]
        for start in range(0, self.num_samples, RandomSampler._CHUNK):
            size = min(RandomSampler._CHUNK, self.num_samples - start)
            idx = np.searchsorted(cdf, rng.random(size), side="right")
            yield from np.minimum(idx, len(w) - 1).tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``; the last, shorter list
    is dropped when ``drop_last``. ``len()`` counts the batches."""

    def __init__(self, sampler, batch_size, drop_last):
        if not _is_int(batch_size) or batch_size <= 0:
            raise ValueError(f"BatchSampler(): batch_size should be a positive integer value, but "
                             f"got batch_size={batch_size!r}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"BatchSampler(): drop_last should be a boolean value, but got "
                             f"drop_last={drop_last!r}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self):
        it = iter(self.sampler)
        if self.drop_last:
            for batch in zip(*[it] * self.batch_size):
                yield [*batch]
        else:
            batch = [*itertools.islice(it, self.batch_size)]
            while batch:
                yield batch
                batch = [*itertools.islice(it, self.batch_size)]

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
