"""atomic_write: all or nothing, usual permissions, no temporary files left behind."""
import os
import stat

import pytest

from minitorch.utils.atomic import atomic_write


def test_writes_and_uses_umask_permissions(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    with atomic_write(target, "w") as f:
        f.write("hello")
    assert target.read_text() == "hello"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert os.listdir(target.parent) == ["a.txt"]


def test_error_keeps_old_content_and_removes_temp(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    with pytest.raises(RuntimeError, match="boom"):
        with atomic_write(target) as f:
            f.write(b"new, half written")
            raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["a.bin"]
    with atomic_write(target) as f:
        f.write(b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640     # an existing file keeps its mode


def test_bad_mode_is_named():
    with pytest.raises(ValueError, match="atomic_write.*mode"):
        with atomic_write("x", "a"):
            pass
