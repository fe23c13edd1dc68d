"""Read and write IDX files (the MNIST format), gzipped or raw.

An IDX file is a big-endian header followed by the array's bytes::

    byte 0, 1   0x00 0x00                  (every IDX file starts with two zero bytes)
    byte 2      dtype code                 0x08 uint8, 0x09 int8, 0x0B int16,
                                           0x0C int32, 0x0D float32, 0x0E float64
    byte 3      ndim                       number of dimensions (1 for labels, 3 for images)
    4 * ndim    sizes                      one unsigned 32-bit big-endian integer per dim
    ...         data                       prod(sizes) items, C order, big-endian

Gzip is detected by its magic bytes (1f 8b), not by the file name, so a raw file named
``.gz`` or a gzipped one without the suffix both read. Every way a file can be wrong (bad
gzip stream, bad magic, short header, payload shorter or longer than the header says)
raises :class:`IDXError` naming the file and the problem.
"""
from __future__ import annotations

import gzip
import os
import zlib

import numpy as np

__all__ = ["IDXError", "read_idx", "parse_idx", "read_maybe_gzip", "write_idx"]

GZIP_MAGIC = b"\x1f\x8b"

# IDX dtype code -> big-endian NumPy dtype
IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODE_OF = {d.newbyteorder("=").str: c for c, d in IDX_DTYPES.items()}


class IDXError(ValueError):
    """An IDX file is missing, truncated or corrupt; the message names the file."""


def read_maybe_gzip(path) -> bytes:
    """The bytes of `path`, decompressed when they start with the gzip magic."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise IDXError(f"cannot read IDX file {path}: {exc.strerror or exc}") from exc
    if raw[:2] != GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except EOFError as exc:
        raise IDXError(f"{path}: the gzip stream is truncated ({len(raw)} compressed bytes; "
                       f"{exc}); the file was probably cut short while downloading or "
                       f"copying") from None
    except (gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise IDXError(f"{path}: corrupt gzip data ({exc})") from None


def parse_idx(data: bytes, name: str = "<bytes>") -> np.ndarray:
    """Parse the (already decompressed) bytes of an IDX file into a native-endian array."""
    if len(data) < 4:
        raise IDXError(f"{name}: too short for an IDX header: {len(data)} bytes, the magic "
                       f"number alone needs 4")
    zero0, zero1, code, ndim = data[0], data[1], data[2], data[3]
    if zero0 != 0 or zero1 != 0:
        raise IDXError(f"{name}: bad IDX magic number 0x{data[:4].hex()}: the first two bytes "
                       f"must be 0x00 0x00 (is this an IDX file?)")
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X} {d.newbyteorder('=').name}" for c, d in IDX_DTYPES.items())
        raise IDXError(f"{name}: bad IDX magic number 0x{data[:4].hex()}: unknown dtype code "
                       f"0x{code:02X} (known: {known})")
    if ndim == 0:
        raise IDXError(f"{name}: bad IDX magic number 0x{data[:4].hex()}: 0 dimensions")
    header_len = 4 + 4 * ndim
    if len(data) < header_len:
        raise IDXError(f"{name}: truncated IDX header: {ndim} dimensions need {header_len} "
                       f"header bytes, the file has {len(data)}")
    shape = tuple(int(s) for s in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dt = IDX_DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
    got = len(data) - header_len
    if got < expected:
        raise IDXError(f"{name}: truncated IDX payload: the header says shape {shape} of "
                       f"{dt.newbyteorder('=').name} ({expected} bytes), only {got} bytes follow")
    if got > expected:
        raise IDXError(f"{name}: IDX payload too long: the header says shape {shape} of "
                       f"{dt.newbyteorder('=').name} ({expected} bytes), {got} bytes follow "
                       f"({got - expected} extra)")
    arr = np.frombuffer(data, dtype=dt, count=expected // dt.itemsize, offset=header_len)
    arr = arr.reshape(shape).astype(dt.newbyteorder("="), copy=True)  # own, writable, native
    return arr


def read_idx(path) -> np.ndarray:
    """Read an IDX file (gzipped or raw) into a NumPy array of its dtype and shape."""
    return parse_idx(read_maybe_gzip(path), os.fspath(path))


def write_idx(path, array, compress: bool | None = None) -> None:
    """Write `array` as an IDX file; gzip it when `compress` is True (default: when the
    name ends in ``.gz``). Used by the tests; handy for making small IDX files."""
    path = os.fspath(path)
    arr = np.asarray(array)
    key = arr.dtype.newbyteorder("=").str
    if key not in _CODE_OF:
        raise TypeError(f"write_idx(): IDX has no code for dtype {arr.dtype}; supported: "
                        f"uint8, int8, int16, int32, float32, float64")
    if arr.ndim == 0 or arr.ndim > 255:
        raise ValueError(f"write_idx(): array needs 1..255 dimensions, got {arr.ndim}")
    code = _CODE_OF[key]
    header = bytes([0, 0, code, arr.ndim]) + np.asarray(arr.shape, dtype=">u4").tobytes()
    payload = header + np.ascontiguousarray(arr, dtype=IDX_DTYPES[code]).tobytes()
    if compress is None:
        compress = path.endswith(".gz")
    if compress:
        payload = gzip.compress(payload)
    with open(path, "wb") as f:
        f.write(payload)
