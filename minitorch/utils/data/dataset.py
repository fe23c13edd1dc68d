"""Datasets, as ``torch.utils.data``: Dataset, IterableDataset, TensorDataset, StackDataset,
ConcatDataset, ChainDataset, Subset and random_split.

A map-style dataset is anything with ``__getitem__(i)`` and ``__len__()``; the DataLoader
asks it for samples by index. An iterable-style dataset (IterableDataset) yields samples
from ``__iter__`` instead.

    ds = TensorDataset(images, labels)        # ds[i] == (images[i], labels[i])
    train, val = random_split(ds, [0.9, 0.1], generator=minitorch.Generator().manual_seed(0))

Batched reads. ``TensorDataset`` (and a ``Subset`` of one) can return a whole batch at once
with ``_collated_batch(indices)``: each tensor indexed by the index array, which equals
``default_collate([ds[i] for i in indices])`` without a Python loop over the samples. The
DataLoader uses it when the collate function is ``default_collate``.
"""
from __future__ import annotations

import bisect
import itertools
import math
import numbers
import warnings

import numpy as np

from ...tensor import Tensor

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset",
           "ChainDataset", "Subset", "random_split"]


class Dataset:
    """A map-style dataset: subclasses define ``__getitem__(index)`` and usually ``__len__()``.
    ``a + b`` concatenates two datasets (a ConcatDataset). ``Dataset[T]`` works in annotations
    and base-class lists, as torch's generic class does."""

    def __class_getitem__(cls, item):
        return cls

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    # No default __len__ (as in torch): len() of a dataset without one is a TypeError.

    def __add__(self, other: "Dataset") -> "ConcatDataset":
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """An iterable-style dataset: subclasses define ``__iter__`` (and may define ``__len__``).
    ``a + b`` chains two of them (a ChainDataset)."""

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other: "Dataset") -> "ChainDataset":
        return ChainDataset([self, other])


def _index_array(indices):
    """A batch of indices (a list of ints, a 1-D integer tensor or array) as an int64 array."""
    if isinstance(indices, Tensor):
        indices = indices.tolist()
    return np.asarray(indices, dtype=np.int64)


class TensorDataset(Dataset):
    """Samples are slices of tensors along their first dimension:
    ``ds[i] == tuple(t[i] for t in tensors)``. Every tensor must have the same size(0)."""

    def __init__(self, *tensors: Tensor):
        if not tensors:
            raise ValueError("TensorDataset(): expected at least one tensor, got none")
        for k, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset(): argument {k} must be a minitorch Tensor, got "
                                f"{type(t).__name__} (convert it with minitorch.as_tensor)")
            if t.ndim == 0:
                raise ValueError(f"TensorDataset(): tensor {k} is 0-dimensional; every tensor "
                                 "needs a first dimension that indexes the samples")
        n = tensors[0].shape[0]
        for k, t in enumerate(tensors):
            if t.shape[0] != n:
                sizes = [tuple(x.shape) for x in tensors]
                raise ValueError(f"TensorDataset(): Size mismatch between tensors: tensor 0 has "
                                 f"{n} samples (size(0)) but tensor {k} has {t.shape[0]}; "
                                 f"shapes {sizes}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def _collated_batch(self, indices):
        """``default_collate([self[i] for i in indices])`` in one gather per tensor: a list
        (not a tuple, as default_collate turns a batch of tuples into a list)."""
        idx = _index_array(indices)
        return [t[idx] for t in self.tensors]


class StackDataset(Dataset):
    """Zips datasets of equal length: ``StackDataset(a, b)[i] == (a[i], b[i])`` and
    ``StackDataset(x=a, y=b)[i] == {"x": a[i], "y": b[i]}``."""

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("StackDataset(): Supported either ``tuple``- (via ``args``) or "
                             "``dict``- (via ``kwargs``) like input/output, but both types are "
                             "given.")
        if not args and not kwargs:
            raise ValueError("StackDataset(): At least one dataset should be passed")
        datasets = args if args else kwargs
        lengths = [len(d) for d in (args if args else kwargs.values())]
        if any(n != lengths[0] for n in lengths):
            raise ValueError(f"StackDataset(): Size mismatch between datasets: lengths {lengths}")
        self._length = lengths[0]
        self.datasets = datasets

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self) -> int:
        return self._length


class ConcatDataset(Dataset):
    """Several map-style datasets one after the other. ``cumulative_sizes[k]`` is the total
    length of the first k+1 datasets; index i goes to the dataset found by bisection."""

    @staticmethod
    def cumsum(sequence):
        r, s = [], 0
        for e in sequence:
            s += len(e)
            r.append(s)
        return r

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise ValueError("ConcatDataset(): datasets should not be an empty iterable")
        for k, d in enumerate(self.datasets):
            if isinstance(d, IterableDataset):
                raise TypeError(f"ConcatDataset(): does not support IterableDataset (dataset {k} "
                                f"is a {type(d).__name__}); use ChainDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if not isinstance(idx, (numbers.Integral, np.integer)) or isinstance(idx, bool):
            raise TypeError(f"ConcatDataset: index must be an integer, got {type(idx).__name__}")
        idx = int(idx)
        n = len(self)
        if idx < 0:
            if -idx > n:
                raise ValueError(f"ConcatDataset: absolute value of index should not exceed "
                                 f"dataset length: index {idx} for length {n}")
            idx = n + idx
        if idx >= n:
            raise IndexError(f"ConcatDataset: index {idx} is out of range for length {n}")
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        return self.datasets[dataset_idx][sample_idx]


class ChainDataset(IterableDataset):
    """Several iterable-style datasets one after the other."""

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise TypeError(f"ChainDataset only supports IterableDataset, got "
                                f"{type(d).__name__}")
            yield from d

    def __len__(self) -> int:
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise TypeError(f"ChainDataset only supports IterableDataset, got "
                                f"{type(d).__name__}")
            total += len(d)
        return total


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``: ``Subset(ds, idx)[i] == ds[idx[i]]``."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        if isinstance(indices, Tensor):
            indices = indices.tolist()
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        """A list of samples (torch's batched read: the DataLoader uses it when present)."""
        inner = getattr(self.dataset, "__getitems__", None)
        if callable(inner):
            return inner([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def _collated_batch(self, indices):
        """The batch read of the underlying dataset at the mapped indices (used by the
        DataLoader only when ``self.dataset`` has a batched read itself)."""
        return self.dataset._collated_batch([self.indices[i] for i in indices])

    def __len__(self) -> int:
        return len(self.indices)


def _fraction_lengths(n, lengths):
    """torch's rule: floor(n * f) each, then the remainder handed out one at a time to the
    splits in order (round robin), so [0.5, 0.5] of 5 gives [3, 2]."""
    out = []
    for i, frac in enumerate(lengths):
        if frac < 0 or frac > 1:
            raise ValueError(f"random_split(): Fraction at index {i} is not between 0 and 1 "
                             f"(got {frac})")
        out.append(math.floor(n * frac))
    for i in range(n - sum(out)):
        out[i % len(out)] += 1
    for i, length in enumerate(out):
        if length == 0:
            warnings.warn(f"Length of split at index {i} is 0. This might result in an empty "
                          "dataset.", stacklevel=3)
    return out


def random_split(dataset, lengths, generator=None):
    """Split ``dataset`` at random into non-overlapping Subsets of the given lengths.

    ``lengths`` are sample counts summing to ``len(dataset)``, or fractions summing to 1
    (then each split gets ``floor(len * f)`` and the leftover samples go one by one to the
    splits in order). The permutation comes from ``randperm(len, generator=generator)``:
    ``generator=None`` uses the default generator, seeded by ``minitorch.manual_seed``.
    """
    try:
        lengths = list(lengths)
    except TypeError:
        raise TypeError(f"random_split(): lengths must be a sequence of ints or fractions, got "
                        f"{type(lengths).__name__}") from None
    if not lengths:
        raise ValueError("random_split(): lengths is empty")
    for i, x in enumerate(lengths):
        if isinstance(x, bool) or not isinstance(x, numbers.Real):
            raise TypeError(f"random_split(): lengths[{i}] must be an int or a float, got "
                            f"{type(x).__name__}")
    n = len(dataset)
    total = sum(lengths)
    if math.isclose(total, 1) and total <= 1:
        lengths = _fraction_lengths(n, lengths)
    else:
        for i, x in enumerate(lengths):
            if x != int(x) or x < 0:
                raise ValueError(f"random_split(): lengths[{i}] = {x} is neither a non-negative "
                                 "sample count nor part of fractions summing to 1 "
                                 f"(lengths sum to {total})")
        lengths = [int(x) for x in lengths]
    if sum(lengths) != n:
        raise ValueError(f"random_split(): Sum of input lengths does not equal the length of the "
                         f"input dataset! (lengths {lengths} sum to {sum(lengths)}, dataset has "
                         f"{n} samples)")
    from ...creation import randperm
    indices = randperm(n, generator=generator).tolist()
    return [Subset(dataset, indices[offset - length:offset])
            for offset, length in zip(itertools.accumulate(lengths), lengths)]
