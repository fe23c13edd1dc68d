"""``minitorch.multiprocessing``: Python's ``multiprocessing`` plus shared tensors, as
``torch.multiprocessing``.

Everything of the standard module is here (Process, Queue, Pool, get_context,
set_start_method, cpu_count...). What minitorch adds:

- Tensors and Parameters sent to another process (a Queue, a Pipe, the arguments of a
  spawned Process) travel as shared memory, not as copies: a CPU tensor is moved into
  shared memory first (``Tensor.share_memory_()``, in place, as PyTorch does), then its
  memory file's descriptor is passed (duplicated by multiprocessing's own machinery) and
  the receiver maps the same pages. In-place updates on either side are seen by the other.
  As with PyTorch's file_descriptor strategy, the sending process must stay alive until
  the receiver has taken the tensor off the queue (the descriptor is fetched from it).
  With the default ``fork`` start method, a child inherits shared tensors directly.
- ``spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn")`` runs
  ``fn(i, *args)`` in `nprocs` processes and re-raises a child's exception in the parent.

Hogwild training: call ``model.share_memory()`` (``share_memory_()`` on every parameter
and buffer), start workers that each build their own optimizer over ``model.parameters()``
and train; every worker's in-place step updates the one shared copy of the weights.
CUDA tensors are sent by value (CuPy arrays are not shared across processes here).
"""
from __future__ import annotations

import multiprocessing as _mp
from multiprocessing import *  # noqa: F401,F403
from multiprocessing import reduction as _reduction

import numpy as np

from .._shared import SharedMap, shared_map_of
from ..tensor import Tensor, _init, _new

__all__ = list(_mp.__all__) + ["spawn", "start_processes", "ProcessContext",
                               "ProcessRaisedException", "ProcessExitedException",
                               "get_sharing_strategy", "set_sharing_strategy",
                               "get_all_sharing_strategies"]

_STRATEGY = {"value": "file_descriptor"}


def get_all_sharing_strategies() -> set:
    return {"file_descriptor"}


def get_sharing_strategy() -> str:
    return _STRATEGY["value"]


def set_sharing_strategy(new_strategy: str) -> None:
    """Only "file_descriptor" (shared memory files passed by descriptor) exists here; PyTorch's
    "file_system" strategy is accepted and behaves the same."""
    if new_strategy not in ("file_descriptor", "file_system"):
        raise ValueError(f"set_sharing_strategy(): unknown strategy {new_strategy!r}")
    _STRATEGY["value"] = new_strategy


# ---------------------------------------------------------------------------- tensors
def _base_address(mm) -> int:
    return int(np.frombuffer(mm, dtype=np.uint8).__array_interface__["data"][0])


def reduce_tensor(t: Tensor):
    """How a Tensor (or Parameter) is pickled between processes: by its shared memory."""
    arr = t._data
    if type(arr) is not np.ndarray:
        return t.__reduce_ex__(4)
    if not t.is_shared():
        t.share_memory_()
        arr = t._data
    mm = shared_map_of(arr)
    offset = int(arr.__array_interface__["data"][0]) - _base_address(mm)
    return (_rebuild_shared, (type(t), _reduction.DupFd(mm.fd), len(mm), arr.dtype.str,
                              arr.shape, arr.strides, offset, t.requires_grad))


def _rebuild_shared(cls, dupfd, size, dtype, shape, strides, offset, requires_grad):
    fd = dupfd.detach()
    mm = SharedMap(fd, size)
    mm.fd = fd
    arr = np.ndarray(shape, dtype=np.dtype(dtype), buffer=mm, offset=offset, strides=strides)
    t = _new(cls)
    _init(t, arr, False, None, 0, None)
    if requires_grad:
        t._rg = True
    return t


def _register():
    _reduction.ForkingPickler.register(Tensor, reduce_tensor)
    from ..nn.parameter import Parameter
    _reduction.ForkingPickler.register(Parameter, reduce_tensor)


_register()


# ---------------------------------------------------------------------------- spawn
class ProcessException(Exception):
    def __init__(self, msg: str, error_index: int, pid: int):
        super().__init__(msg)
        self.msg = msg
        self.error_index = error_index
        self.pid = pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.pid)


class ProcessRaisedException(ProcessException):
    """A spawned process raised; the message holds its traceback."""


class ProcessExitedException(ProcessException):
    """A spawned process exited with a nonzero code (or a signal)."""

    def __init__(self, msg: str, error_index: int, error_pid: int, exit_code: int,
                 signal_name: str | None = None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code = exit_code
        self.signal_name = signal_name

    def __reduce__(self):
        return (type(self), (self.msg, self.error_index, self.pid, self.exit_code,
                             self.signal_name))


def _wrap(fn, i, args, error_queue):
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass
    except Exception:
        import traceback
        error_queue.put(traceback.format_exc())
        raise SystemExit(1)


class ProcessContext:
    """The processes started by spawn(); ``join()`` waits and re-raises a failure."""

    def __init__(self, processes, error_queues):
        self.processes = processes
        self.error_queues = error_queues

    def pids(self) -> list:
        return [p.pid for p in self.processes]

    def join(self, timeout=None) -> bool:
        """Wait for every process (up to `timeout` seconds); True when all ended well.
        A failure terminates the others and raises ProcessRaisedException (with the
        child's traceback) or ProcessExitedException."""
        import time
        deadline = None if timeout is None else time.monotonic() + timeout
        for p in self.processes:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            p.join(left)
            if p.exitcode not in (None, 0):
                break
        failed = [(i, p) for i, p in enumerate(self.processes) if p.exitcode not in (None, 0)]
        if failed:
            for p in self.processes:
                if p.is_alive():
                    p.terminate()
                    p.join()
            i, p = failed[0]
            q = self.error_queues[i]
            if not q.empty():
                raise ProcessRaisedException(
                    f"\n\n-- Process {i} terminated with the following error:\n{q.get()}",
                    i, p.pid)
            raise ProcessExitedException(f"process {i} terminated with exit code "
                                         f"{p.exitcode}", i, p.pid, p.exitcode)
        return all(p.exitcode == 0 for p in self.processes)


def start_processes(fn, args=(), nprocs: int = 1, join: bool = True, daemon: bool = False,
                    start_method: str = "spawn"):
    ctx = _mp.get_context(start_method)
    processes, queues = [], []
    for i in range(nprocs):
        q = ctx.SimpleQueue()
        p = ctx.Process(target=_wrap, args=(fn, i, args, q), daemon=daemon)
        p.start()
        processes.append(p)
        queues.append(q)
    context = ProcessContext(processes, queues)
    if not join:
        return context
    while not context.join():
        pass
    return None


def spawn(fn, args=(), nprocs: int = 1, join: bool = True, daemon: bool = False,
          start_method: str = "spawn"):
    """Run ``fn(i, *args)`` for i in range(nprocs), each in its own process (`fn` must be
    importable by the children: defined at a module's top level). With join=True, wait
    for all and re-raise the first failure; else return the ProcessContext."""
    return start_processes(fn, args, nprocs, join, daemon, start_method)
