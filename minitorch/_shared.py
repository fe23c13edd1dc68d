"""Shared memory for ``Tensor.share_memory_()`` (Hogwild training with several processes).

A shared array is a NumPy view of an ``mmap`` of an anonymous memory file (``memfd``,
or an unlinked file in /dev/shm where memfd is missing). Mapped MAP_SHARED, its pages are
the same physical memory in every process that maps it:

- a child started with ``fork`` inherits the mapping, so in-place writes on either side
  are seen by the other;
- a child started with ``spawn``/``forkserver``, or a process receiving the tensor through
  a ``minitorch.multiprocessing`` Queue, gets the file descriptor (duplicated by
  multiprocessing's own machinery) and maps the same file again (see
  ``minitorch/multiprocessing``).

The descriptor stays open while the mapping lives (one per shared tensor), so that it can
be handed on; it closes when the last array viewing the mapping is freed.
"""
from __future__ import annotations

import mmap
import os
import tempfile

import numpy as np


class SharedMap(mmap.mmap):
    """An mmap that remembers its memory file (``fd``) so that it can be shared again."""

    fd = -1

    def __del__(self):
        fd, self.fd = self.fd, -1
        if fd >= 0:
            try:
                os.close(fd)
            except OSError:
                pass


def _memory_file(nbytes: int) -> int:
    """A file descriptor of `nbytes` of anonymous, shareable memory."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("minitorch-shared", 0)
    else:  # pragma: no cover (platforms without memfd)
        folder = "/dev/shm" if os.path.isdir("/dev/shm") else None
        fd, path = tempfile.mkstemp(prefix="minitorch-shared-", dir=folder)
        os.unlink(path)
    os.ftruncate(fd, max(nbytes, 1))
    return fd


def map_file(fd: int, nbytes: int, dtype, shape) -> np.ndarray:
    """The array of `dtype` and `shape` viewing the memory file `fd` (which the mapping
    then owns)."""
    mm = SharedMap(fd, max(nbytes, 1))
    mm.fd = fd
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    return np.frombuffer(mm, dtype=dtype, count=count).reshape(shape)


def to_shared(arr: np.ndarray) -> np.ndarray:
    """A copy of `arr` (C-contiguous) in shared memory."""
    arr = np.asarray(arr)
    out = map_file(_memory_file(arr.nbytes), arr.nbytes, arr.dtype, arr.shape)
    out[...] = arr
    return out


def shared_map_of(arr):
    """The SharedMap under `arr` (through its chain of views), or None."""
    base = arr
    while isinstance(base, np.ndarray):
        base = base.base
    if isinstance(base, memoryview):
        base = base.obj
    return base if isinstance(base, SharedMap) else None


def is_shared_array(arr) -> bool:
    return shared_map_of(arr) is not None
