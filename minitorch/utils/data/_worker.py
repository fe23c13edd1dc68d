"""Emulated DataLoader worker processes (``num_workers > 0``), as
``torch.utils.data._utils.worker``.

PyTorch starts ``num_workers`` processes; each holds its own copy of the dataset, its own
random streams, and reads the batches the main process assigns it. minitorch runs them
in the main process, one after another, deterministically, and reproduces what a program
can see of them:

- ``WorkerInfo(id=i, num_workers=N, seed=base_seed + i, dataset=<worker i's copy>)`` is
  what ``get_worker_info()`` returns while worker i runs (its ``worker_init_fn``, the
  dataset's ``__iter__`` / ``__getitem__`` and the ``collate_fn``); None elsewhere.
- Worker i's copy of the dataset is made as pickling makes it (the way torch hands the
  dataset to a spawned worker): attributes, lists and dicts are the worker's own, so a
  ``worker_init_fn`` that rewrites ``get_worker_info().dataset.start`` changes only that
  worker's copy. Arrays and tensors are shared, not copied (a forked worker shares their
  memory too until it writes; writing into them in place is the one thing that leaks).
  Functions, classes and modules are shared, as ``copy.deepcopy`` does. An object that
  cannot be pickled falls back to ``copy.deepcopy`` and, failing that, is shared.
- Each worker has its own global random streams, seeded as torch seeds them:
  ``random.seed(seed)``, ``minitorch.manual_seed(seed)`` (the default generator) and
  ``numpy.random.seed(SeedSequence([i, base_seed]).generate_state(4))`` (bit for bit
  torch's ``_generate_state``). They are swapped in while the worker runs and out after,
  so a worker that reseeds NumPy draws the same numbers as in torch and leaves the main
  process's streams alone.
- An exception in ``worker_init_fn`` (or in the dataset's ``__iter__`` when the worker
  starts) is raised when that worker's first batch is due, as torch re-raises it then.
"""
from __future__ import annotations

import copy
import io
import itertools
import pickle
import random as _py_random
import types

import numpy as np

from ... import backend
from ... import random as _random
from ...tensor import Tensor

__all__ = ["WorkerInfo", "get_worker_info"]


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
    """The ``WorkerInfo`` of the DataLoader worker running now, or None in the main process.

    With ``num_workers=N > 0`` the DataLoader runs N emulated workers (see this module's
    docstring): inside worker i's ``worker_init_fn``, its dataset copy's ``__iter__`` /
    ``__getitem__`` and the ``collate_fn``, this returns ``WorkerInfo(id=i,
    num_workers=N, seed=..., dataset=<worker i's copy>)``. With ``num_workers=0`` and
    outside iteration it is None, as in torch."""
    return _worker_info


# ----------------------------------------------------------------------- dataset copies
_SHARED_TYPES = (np.ndarray, Tensor, types.FunctionType, types.BuiltinFunctionType,
                 types.ModuleType, type)
_shared_tables = {}              # copy token -> the objects that copy shares
_copy_tokens = itertools.count()


def _shared_object(token, index):
    """Unpickling side of a shared object: the original itself."""
    return _shared_tables[token][index]


class _SharingPickler(pickle.Pickler):
    """A pickler that writes arrays, tensors, functions, classes and modules as references
    to the originals (``_shared_object(token, k)``) instead of copies."""

    def __init__(self, file, token, table):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._token, self._table, self._index = token, table, {}

    def reducer_override(self, obj):
        if obj is _shared_object or not (isinstance(obj, _SHARED_TYPES)
                                         or backend.is_array(obj)):
            return NotImplemented
        k = self._index.get(id(obj))
        if k is None:
            k = self._index[id(obj)] = len(self._table)
            self._table.append(obj)
        return _shared_object, (self._token, k)


def _worker_copy(obj):
    """A worker's copy of ``obj``: a pickle round trip that shares arrays, tensors,
    functions, classes and modules; ``copy.deepcopy`` when it cannot be pickled; the
    object itself when neither works (an open file, a generator)."""
    token = next(_copy_tokens)
    table = _shared_tables[token] = []
    try:
        buf = io.BytesIO()
        _SharingPickler(buf, token, table).dump(obj)
        return pickle.loads(buf.getvalue())
    except Exception:
        try:
            return copy.deepcopy(obj)
        except Exception:
            return obj
    finally:
        del _shared_tables[token]


# ----------------------------------------------------------------------- random streams
class _RandomStreams:
    """One process's global random streams: Python's ``random``, NumPy's global
    RandomState and minitorch's default generator."""

    __slots__ = ("py", "np", "gen")

    @classmethod
    def current(cls) -> "_RandomStreams":
        gen = _random.default_generator
        s = cls()
        s.py, s.np, s.gen = _py_random.getstate(), np.random.get_state(), (gen._seed, gen._rng)
        return s

    @classmethod
    def seeded(cls, seed: int, numpy_seed) -> "_RandomStreams":
        """Streams as a fresh torch worker has them, made without touching the current
        ones: random.seed(seed), manual_seed(seed), numpy.random.seed(numpy_seed)."""
        gen = _random.Generator().manual_seed(seed)
        s = cls()
        s.py = _py_random.Random(seed).getstate()
        s.np = np.random.RandomState(numpy_seed).get_state()
        s.gen = (gen._seed, gen._rng)
        return s

    def install(self) -> None:
        gen = _random.default_generator
        _py_random.setstate(self.py)
        np.random.set_state(self.np)
        gen._seed, gen._rng = self.gen


def _numpy_seed(base_seed: int, worker_id: int):
    """The NumPy seed torch gives worker ``worker_id`` (``_utils.worker._generate_state``:
    NumPy's SeedSequence over the entropy words [worker_id, base_seed], 4 uint32 words)."""
    return np.random.SeedSequence([worker_id, base_seed]).generate_state(4)


# ----------------------------------------------------------------------- one worker
class _Worker:
    """Emulated worker process ``worker_id`` of ``num_workers``: its copy of the dataset,
    its WorkerInfo and random streams, and (iterable datasets) its stream of samples.

    ``with worker:`` makes it the running worker (get_worker_info() and the global random
    streams are its own) and puts the main process's back on exit."""

    def __init__(self, worker_id: int, num_workers: int, base_seed: int, dataset, init_fn):
        seed = base_seed + worker_id
        self.id = worker_id
        self.dataset = _worker_copy(dataset)
        self.info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                               dataset=self.dataset)
        self.streams = _RandomStreams.seeded(seed, _numpy_seed(base_seed, worker_id))
        self.error = None          # raised when this worker's next batch is due
        self.samples = None        # iterable datasets: iter(copy) for this epoch
        self.ended = False
        self._saved = []
        if init_fn is not None:
            with self:
                try:
                    init_fn(worker_id)
                except Exception as e:
                    self.error = e

    def __enter__(self):
        global _worker_info
        self._saved.append((_worker_info, _RandomStreams.current()))
        _worker_info = self.info
        self.streams.install()
        return self

    def __exit__(self, *exc):
        global _worker_info
        self.streams = _RandomStreams.current()
        info, streams = self._saved.pop()
        streams.install()
        _worker_info = info

    def start_epoch(self) -> None:
        """Iterable datasets: a fresh ``iter(dataset copy)`` for this epoch."""
        self.ended = False
        with self:
            try:
                self.samples = iter(self.dataset)
            except Exception as e:
                self.samples = None
                if self.error is None:
                    self.error = e

    def run(self, fn, *args):
        """``fn(*args)`` inside this worker; a pending start-up error is raised first."""
        with self:
            if self.error is not None:
                err, self.error = self.error, None
                raise err
            return fn(*args)

    def next_batch(self, batch_size, drop_last, collate_fn):
        """This worker's next batch of its stream (torch's _IterableDatasetFetcher):
        ``batch_size`` samples collated (None: one sample converted); StopIteration once
        the stream is spent (after a short last batch, or at it with ``drop_last``)."""
        if self.ended or self.samples is None:
            raise StopIteration
        if batch_size is None:
            return collate_fn(next(self.samples))
        data = list(itertools.islice(self.samples, batch_size))
        if len(data) < batch_size:
            self.ended = True
        if not data or (drop_last and len(data) < batch_size):
            raise StopIteration
        return collate_fn(data)
