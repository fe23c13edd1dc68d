"""atomic_write: write a file so that readers see the old or the new content, never half.

The data goes to a temporary file in the destination's folder, is flushed to disk, and is
renamed over the destination with ``os.replace`` (atomic on POSIX and Windows). On any
error the temporary file is removed and the destination is untouched. The new file gets
the old file's permissions, or the usual ``0o666 & ~umask`` for a new one (``mkstemp``
alone would leave it 0600).
"""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile

__all__ = ["atomic_write"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path, mode: str = "wb", encoding: str | None = None, make_dirs: bool = True):
    """``with atomic_write("out/metrics.json", "w") as f: f.write(text)``."""
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write(): mode must be 'wb' or 'w', got {mode!r}")
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if make_dirs:
        os.makedirs(folder, exist_ok=True)
    try:
        st = os.stat(path)
        perms = stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else None
    except FileNotFoundError:
        perms = None
    if perms is None:
        perms = 0o666 & ~_umask()
    base = os.path.basename(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=folder)
    try:
        os.chmod(tmp, perms)
        with os.fdopen(fd, mode, encoding=encoding if mode == "w" else None) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
