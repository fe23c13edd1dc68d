"""Keep freed array memory in the process, so the next training step reuses it.

Why. A training step allocates and frees the same few-megabyte arrays every step
(activations, gradients, attention scores, im2col columns). With glibc's default malloc
policy many of them are mmap'ed fresh from the kernel and unmapped when freed, so the next
step touches brand-new pages: one page fault per 4 KiB, each a few microseconds. On the
multi-head-attention benchmark that was ~8,000 faults per step, a quarter of minitorch's
step time (PyTorch's fused kernels allocate far fewer large temporaries).

What. At import, on Linux with glibc, minitorch calls ``mallopt`` once:

* ``M_MMAP_THRESHOLD`` = 64 MiB: blocks below this come from the heap, not from a fresh
  mmap, so freed blocks are reused;
* ``M_TRIM_THRESHOLD`` = 256 MiB: the heap is given back to the kernel only when more than
  this is free at its top.

The cost is memory: the process keeps up to its peak working set (plus 256 MiB) instead of
returning it between steps, the same trade every deep-learning framework's caching
allocator makes. Opt out with ``MINITORCH_MALLOC_TUNING=0`` in the environment (read at
import); a user's own ``MALLOC_MMAP_THRESHOLD_`` / ``MALLOC_TRIM_THRESHOLD_`` settings are
respected (the tuning is then skipped). `status()` says what happened.
"""
from __future__ import annotations

import ctypes
import os
import platform
import sys

# from glibc's <malloc.h>
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3

MMAP_THRESHOLD = 64 << 20
TRIM_THRESHOLD = 256 << 20

_USER_VARS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
_STATUS = {"applied": False, "reason": "not attempted"}


def _glibc():
    """The C library, when it is glibc on Linux; else None."""
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
        libc.mallopt.restype = ctypes.c_int
        return libc
    except (OSError, AttributeError):
        return None


def tune(environ=os.environ) -> dict:
    """Apply the malloc settings above once (idempotent); returns `status()`."""
    if _STATUS["applied"]:
        return status()
    if environ.get("MINITORCH_MALLOC_TUNING", "1").strip().lower() in ("0", "false", "no", "off"):
        _STATUS["reason"] = "disabled by MINITORCH_MALLOC_TUNING"
        return status()
    user = [v for v in _USER_VARS if v in environ]
    if user:
        _STATUS["reason"] = f"left to the user's {', '.join(user)}"
        return status()
    libc = _glibc()
    if libc is None:
        _STATUS["reason"] = "not glibc on Linux"
        return status()
    ok = libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    ok = libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and ok
    _STATUS.update(applied=ok, reason="mallopt applied" if ok else "mallopt failed")
    return status()


def status() -> dict:
    """{'applied': bool, 'reason': str, 'mmap_threshold': bytes, 'trim_threshold': bytes}"""
    return dict(_STATUS, mmap_threshold=MMAP_THRESHOLD, trim_threshold=TRIM_THRESHOLD)
