"""DataLoader, as ``torch.utils.data.DataLoader``: batches from a dataset, in order or
shuffled.

    loader = DataLoader(TensorDataset(x, y), batch_size=128, shuffle=True)
    for xb, yb in loader:          # one epoch; every iter() is a fresh shuffle
        ...
    len(loader)                    # number of batches: ceil(N / 128), or floor with drop_last

How a batch is made (map-style dataset): the batch sampler yields a list of indices
(``BatchSampler(RandomSampler or SequentialSampler, batch_size, drop_last)`` unless one is
given), the samples ``dataset[i]`` are read and ``collate_fn`` (``default_collate``) stacks
them. With ``batch_size=None`` there is no batching: each sample goes through
``default_convert`` (arrays -> tensors) alone.

Fast path: when the dataset is a ``TensorDataset`` (or a ``Subset`` of one, as
``random_split`` makes) and ``collate_fn`` is ``default_collate``, each tensor is indexed
once with the whole batch of indices instead of sample by sample and then stacked. The
result is the same (values, dtypes, a list of tensors); one 60000 x 784 epoch takes
milliseconds of Python instead of a loop over 60000 samples.

Worker processes: ``num_workers > 0`` is accepted (so torch scripts run unchanged) and the
batches are made in the main process, in the same order, as if by one worker: while a
batch is read, ``get_worker_info()`` returns ``WorkerInfo(id=0, num_workers=1, ...)``, so
an IterableDataset that shards its stream by worker yields all of it once, and
``worker_init_fn(0)`` runs when iteration starts (once, with ``persistent_workers``).
``pin_memory``, ``prefetch_factor`` and ``timeout`` have no effect. With
``num_workers=0`` (and outside iteration) ``get_worker_info()`` is None, as in torch.
"""
from __future__ import annotations

import itertools
import math

from ... import random as _random
from .collate import default_collate, default_convert
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, _is_int

__all__ = ["DataLoader", "get_worker_info", "WorkerInfo"]


class WorkerInfo:
    """What ``get_worker_info()`` returns inside a (emulated) worker: ``id``,
    ``num_workers``, ``seed`` and ``dataset``, read-only after creation as in torch."""

    __initialized = False

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs.keys())
        self.__initialized = True

    def __setattr__(self, key, val):
        if self.__initialized:
            raise RuntimeError(f"Cannot assign attributes to {type(self).__name__} objects")
        return super().__setattr__(key, val)

    def __repr__(self):
        items = [f"{k}={getattr(self, k)}" for k in self.__keys]
        return f"{type(self).__name__}({', '.join(items)})"


_worker_info = None


def get_worker_info():
    """The ``WorkerInfo`` of the worker reading data now, or None in the main process.

    minitorch has no worker processes: with ``num_workers > 0`` the DataLoader reads in
    the main process as one worker (``id=0``, ``num_workers=1``), and this returns that
    worker's info while a batch is being read (in ``__iter__`` / ``__getitem__`` of the
    dataset and in ``worker_init_fn``); otherwise None."""
    return _worker_info


class _as_worker:
    """Context in which get_worker_info() returns ``info`` (None: leave it as it is)."""

    def __init__(self, info):
        self.info = info

    def __enter__(self):
        global _worker_info
        self.saved = _worker_info
        if self.info is not None:
            _worker_info = self.info

    def __exit__(self, *exc):
        global _worker_info
        _worker_info = self.saved


class _InfiniteConstantSampler(Sampler):
    """The placeholder sampler of an IterableDataset: None forever."""

    def __iter__(self):
        while True:
            yield None


def _batch_reader(dataset):
    """``dataset._collated_batch`` when reading a batch in one gather gives exactly what
    ``default_collate([dataset[i] for i in indices])`` gives, else None. Subclasses that
    change how a sample is read take the ordinary path."""
    cls = type(dataset)
    if isinstance(dataset, TensorDataset):
        if (cls.__getitem__ is TensorDataset.__getitem__ and
                cls._collated_batch is TensorDataset._collated_batch and
                not hasattr(dataset, "__getitems__")):
            return dataset._collated_batch
    elif isinstance(dataset, Subset):
        if (cls.__getitem__ is Subset.__getitem__ and cls.__getitems__ is Subset.__getitems__
                and cls._collated_batch is Subset._collated_batch
                and _batch_reader(dataset.dataset) is not None):
            return dataset._collated_batch
    return None


class DataLoader:
    """Iterate over ``dataset`` in batches (torch's signature and argument rules).

    batch_size: samples per batch (None: no batching). shuffle: a fresh random order each
    epoch, drawn from ``generator`` or, when it is None, from the default generator
    (``minitorch.manual_seed``). sampler / batch_sampler: custom index orders (exclusive
    with shuffle; batch_sampler also with batch_size and drop_last). drop_last: skip the
    last, incomplete batch. collate_fn: list of samples -> batch (default_collate).
    """

    _initialized = False

    def __class_getitem__(cls, item):
        return cls

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if not _is_int(num_workers) or num_workers < 0:
            raise ValueError(f"DataLoader(): num_workers option should be a non-negative integer; "
                             f"use num_workers=0 to disable multiprocessing (got {num_workers!r})")
        if timeout < 0:
            raise ValueError(f"DataLoader(): timeout option should be non-negative (got {timeout})")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("DataLoader(): prefetch_factor option could only be specified in "
                             "multiprocessing. let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("DataLoader(): prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("DataLoader(): persistent_workers option needs num_workers > 0")
        if multiprocessing_context is not None and num_workers == 0:
            raise ValueError("DataLoader(): multiprocessing_context can only be used with "
                             "multi-process loading (num_workers > 0), but got num_workers=0")
        if generator is not None and not isinstance(generator, _random.Generator):
            raise TypeError(f"DataLoader(): generator must be a minitorch.Generator, got "
                            f"{type(generator).__name__}")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader(): collate_fn must be callable, got "
                            f"{type(collate_fn).__name__}")
        if batch_size is not None and (not _is_int(batch_size) or batch_size <= 0):
            raise ValueError(f"DataLoader(): batch_size should be a positive integer value or "
                             f"None, but got batch_size={batch_size!r}")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (False, None):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        else:
            if not hasattr(dataset, "__getitem__"):
                raise TypeError(f"DataLoader(): dataset must be a map-style dataset (with "
                                f"__getitem__ and __len__) or an IterableDataset, got "
                                f"{type(dataset).__name__}")
            shuffle = bool(shuffle)

        if sampler is not None and shuffle:
            raise ValueError("DataLoader(): sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("DataLoader(): batch_sampler option is mutually exclusive with "
                                 "batch_size, shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("DataLoader(): batch_size=None option disables auto-batching and is "
                             "mutually exclusive with drop_last")

        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, bool(drop_last))

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._workers_started = False
        self._initialized = True

    def __setattr__(self, attr, val):
        if self._initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last",
                                          "dataset", "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after "
                             f"{type(self).__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self):
        return _DataLoaderIter(self)

    def __len__(self) -> int:
        if self._iterable:
            length = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(
                    length / self.batch_size)
            return length
        return len(self._index_sampler)

    def __repr__(self):
        return (f"DataLoader(dataset={type(self.dataset).__name__}, batch_size={self.batch_size}, "
                f"sampler={type(self.sampler).__name__}, drop_last={self.drop_last})")


class _DataLoaderIter:
    """One pass over a DataLoader (what ``iter(loader)`` returns)."""

    def __init__(self, loader: DataLoader):
        self._loader = loader
        self._dataset = loader.dataset
        self._auto = loader._auto_collation
        self._collate_fn = loader.collate_fn
        self._drop_last = loader.drop_last
        self._num_yielded = 0
        self._worker = None
        if loader.num_workers > 0:
            self._worker = WorkerInfo(id=0, num_workers=1, seed=_base_seed(loader),
                                      dataset=loader.dataset)
        with _as_worker(self._worker):
            if self._worker is not None and loader.worker_init_fn is not None and not (
                    loader.persistent_workers and loader._workers_started):
                loader.worker_init_fn(0)
            loader._workers_started = True
            if loader._iterable:
                self._dataset_iter = iter(loader.dataset)
                self._ended = False
        if not loader._iterable:
            self._index_iter = iter(loader._index_sampler)
            self._reader = (_batch_reader(loader.dataset)
                            if self._auto and self._collate_fn is default_collate else None)

    def __iter__(self):
        return self

    def __len__(self) -> int:
        return len(self._loader)

    def _next_iterable(self):
        if self._ended:
            raise StopIteration
        if not self._auto:
            return self._collate_fn(next(self._dataset_iter))
        bs = self._loader.batch_size
        data = list(itertools.islice(self._dataset_iter, bs))
        if len(data) < bs:
            self._ended = True
        if not data or (self._drop_last and len(data) < bs):
            raise StopIteration
        return self._collate_fn(data)

    def _next_map(self):
        index = next(self._index_iter)
        ds = self._dataset
        if not self._auto:
            return self._collate_fn(ds[index])
        if self._reader is not None:
            return self._reader(index)
        getitems = getattr(ds, "__getitems__", None)
        if getitems:
            data = getitems(index)
        else:
            data = [ds[i] for i in index]
        return self._collate_fn(data)

    def __next__(self):
        with _as_worker(self._worker):
            out = self._next_iterable() if self._loader._iterable else self._next_map()
        self._num_yielded += 1
        return out


def _base_seed(loader) -> int:
    """The emulated worker's seed: fixed by the loader's generator (or the default one)
    without drawing from it, so num_workers does not change the random stream."""
    gen = loader.generator if loader.generator is not None else _random.default_generator
    return int(gen.initial_seed()) % (2 ** 63)
