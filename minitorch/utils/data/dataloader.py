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

Worker processes: ``num_workers=N > 0`` emulates torch's N worker processes in the main
process, deterministically (see _worker.py): each worker runs on its own copy of the
dataset with its own random streams, ``get_worker_info()`` returns its ``WorkerInfo(id=i,
num_workers=N, seed=base_seed + i, dataset=<its copy>)`` while it runs, and
``worker_init_fn(i)`` runs in it when the epoch starts (once, with
``persistent_workers``, which also keeps the copies across epochs). The batches come in
torch's order:

- map-style dataset: the sampler runs in the main process; batch k is read by worker
  k % N, so the batches are those of ``num_workers=0``, in the same order.
- IterableDataset: every worker iterates its own copy and batches its own stream
  (batch_size, drop_last per worker); the loader takes one batch from each worker in
  turn (worker 0, 1, ..., N-1, 0, ...), skipping workers whose stream has ended. A dataset
  that shards itself by ``get_worker_info()`` is thus read once, interleaved as in torch;
  one that does not is read N times.

``base_seed`` is drawn from ``generator`` (or the default generator) when an epoch's
workers start, after the sampler's first draw, so shuffling does not depend on
num_workers. ``pin_memory``, ``prefetch_factor``, ``timeout``, ``in_order=False`` and
``multiprocessing_context`` have no effect. With ``num_workers=0`` (and outside
iteration) ``get_worker_info()`` is None, as in torch.
"""
from __future__ import annotations

import itertools
import math
import warnings

import numpy as np

from ... import random as _random
from ._worker import WorkerInfo, _Worker, get_worker_info
from .collate import default_collate, default_convert
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, _is_int

__all__ = ["DataLoader", "get_worker_info", "WorkerInfo"]


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
        self._iterator = None                     # the persistent workers' iterator
        self._IterableDataset_len_called = None   # len(dataset) when len(loader) was asked
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
        """A pass over the data. With persistent workers, the same iterator (and workers)
        every epoch, restarted, as in torch."""
        if self.num_workers == 0:
            return _DataLoaderIter(self)
        if not self.persistent_workers:
            return _MultiWorkerIter(self)
        if self._iterator is None:
            self._iterator = _MultiWorkerIter(self)
        else:
            self._iterator._reset(self)
        return self._iterator

    def __len__(self) -> int:
        """Batches per epoch. IterableDataset: from ``len(dataset)`` (samples), as torch
        computes it whatever num_workers is; an iterator that then yields more batches
        than that number warns."""
        if self._iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(
                    length / self.batch_size)
            return length
        return len(self._index_sampler)

    def __repr__(self):
        return (f"DataLoader(dataset={type(self.dataset).__name__}, batch_size={self.batch_size}, "
                f"sampler={type(self.sampler).__name__}, drop_last={self.drop_last})")


def _read_map_batch(dataset, reader, index, auto, collate_fn):
    """One batch of a map-style dataset (torch's _MapDatasetFetcher): ``index`` is a list
    of indices (auto-collation) or a single index."""
    if not auto:
        return collate_fn(dataset[index])
    if reader is not None:
        return reader(index)
    getitems = getattr(dataset, "__getitems__", None)
    if getitems:
        data = getitems(index)
    else:
        data = [dataset[i] for i in index]
    return collate_fn(data)


def _fast_reader(loader, dataset):
    """The one-gather reader of ``dataset`` when the loader collates with
    default_collate, else None."""
    if loader._auto_collation and loader.collate_fn is default_collate:
        return _batch_reader(dataset)
    return None


class _BaseIter:
    """What both iterators share: iter(), len() and torch's warning when an
    IterableDataset yields more batches than ``len(loader)`` promised."""

    def __iter__(self):
        return self

    def __len__(self) -> int:
        return len(self._loader)

    def _count(self):
        self._num_yielded += 1
        promised = self._len_called
        if self._loader._iterable and promised is not None and self._num_yielded > promised:
            msg = (f"Length of IterableDataset {self._loader.dataset} was reported to be "
                   f"{promised}(when accessing len(dataloader)), but {self._num_yielded} "
                   f"samples have been fetched. ")
            if self._loader.num_workers > 0:
                msg += ("For multiprocessing data-loading, this could be caused by not "
                        "properly configuring the IterableDataset replica at each worker. "
                        "Please see https://pytorch.org/docs/stable/data.html#torch.utils."
                        "data.IterableDataset for examples.")
            warnings.warn(msg, stacklevel=3)


class _DataLoaderIter(_BaseIter):
    """One pass over a DataLoader with ``num_workers=0``: everything in the main process
    (get_worker_info() stays None)."""

    def __init__(self, loader: DataLoader):
        self._loader = loader
        self._dataset = loader.dataset
        self._auto = loader._auto_collation
        self._collate_fn = loader.collate_fn
        self._drop_last = loader.drop_last
        self._num_yielded = 0
        self._len_called = loader._IterableDataset_len_called
        if loader._iterable:
            self._dataset_iter = iter(loader.dataset)
            self._ended = False
        else:
            self._index_iter = iter(loader._index_sampler)
            self._reader = _fast_reader(loader, loader.dataset)

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
        return _read_map_batch(self._dataset, self._reader, index, self._auto, self._collate_fn)

    def __next__(self):
        out = self._next_iterable() if self._loader._iterable else self._next_map()
        self._count()
        return out


class _MultiWorkerIter(_BaseIter):
    """One pass over a DataLoader with ``num_workers=N > 0``: N emulated workers
    (_worker._Worker), started by the first ``next()``, each on its own dataset copy.

    Map-style: the sampler runs here; batch k is read by worker k % N (torch's in-order
    round robin). IterableDataset: batch j comes from the next worker in turn whose
    stream has not ended; a worker that ends drops out of the turn."""

    def __init__(self, loader: DataLoader):
        self._loader = loader
        self._workers = None        # kept across epochs with persistent_workers
        self._readers = None
        self._reset(loader)

    def _reset(self, loader) -> None:
        """Start a new epoch (a persistent iterator is reset by each iter(loader))."""
        self._num_yielded = 0
        self._len_called = loader._IterableDataset_len_called
        self._index_iter = None if loader._iterable else iter(loader._index_sampler)
        self._turn = 0              # the next batch's position in the round robin
        self._active = None         # IterableDataset: workers whose stream goes on
        self._started = False
        self._done = False

    def _start(self) -> None:
        """Start this epoch's workers: draw base_seed, copy the dataset into each and run
        worker_init_fn(i) in it (once per iterator with persistent_workers); for an
        IterableDataset, each worker then calls iter() on its copy."""
        self._started = True
        loader = self._loader
        n = loader.num_workers
        if self._workers is None:
            base_seed = _draw_base_seed(loader)
            self._workers = [_Worker(i, n, base_seed, loader.dataset, loader.worker_init_fn)
                             for i in range(n)]
            self._readers = [_fast_reader(loader, w.dataset) for w in self._workers]
        if loader._iterable:
            for w in self._workers:
                w.start_epoch()
            self._active = [True] * n

    def _finish(self):
        """The epoch is over: without persistent workers, the workers shut down."""
        self._done = True
        if not self._loader.persistent_workers:
            self._workers = self._readers = None
        raise StopIteration

    def _next_map(self):
        try:
            index = next(self._index_iter)
        except StopIteration:
            if not self._started:
                self._start()
            self._finish()
        if not self._started:
            self._start()
        k = self._turn % len(self._workers)
        self._turn += 1
        loader = self._loader
        worker = self._workers[k]
        return worker.run(_read_map_batch, worker.dataset, self._readers[k], index,
                          loader._auto_collation, loader.collate_fn)

    def _next_iterable(self):
        if not self._started:
            self._start()
        loader = self._loader
        n = len(self._workers)
        while any(self._active):
            k = self._turn % n
            self._turn += 1
            if not self._active[k]:
                continue
            worker = self._workers[k]
            try:
                return worker.run(worker.next_batch, loader.batch_size, loader.drop_last,
                                  loader.collate_fn)
            except StopIteration:
                self._active[k] = False
        self._finish()

    def __next__(self):
        if self._done:
            raise StopIteration
        out = self._next_iterable() if self._loader._iterable else self._next_map()
        self._count()
        return out


def _draw_base_seed(loader) -> int:
    """The workers' base seed, drawn from the loader's generator (or the default one) as
    torch draws it: a fresh one for each epoch's workers (once with persistent_workers)."""
    return int(_random.rng(loader.generator).integers(0, 2 ** 63, dtype=np.int64))
