"""Checkpoints: ``minitorch.save(obj, f)`` and ``minitorch.load(f, map_location=None)``.

PyTorch's names, but no pickle: loading a file never executes code from it.

The file is a ZIP archive (written with ``zipfile``, members stored uncompressed):

- ``manifest.json``: the structure of ``obj`` as JSON, the format name and version, and a
  table of the tensors (dtype, shape, the device they were saved from, whether each was an
  ``nn.Parameter`` and whether it required grad);
- ``tensors/<i>.npy``: one array per tensor in NumPy's ``.npy`` format, read back with
  ``allow_pickle=False`` semantics (only the six minitorch dtypes are accepted).

In the manifest, ``None``, ``bool``, ``str``, integers below 2**53 in magnitude and finite
floats are plain JSON values (JSON keeps ``1`` and ``1.0`` apart, and Python writes a float
with the shortest text that reads back to the same bits); everything else is an object with
a ``"type"``: ``list``, ``tuple``, ``dict`` (``items`` as ``[key, value]`` pairs, ``ordered``
for an ``OrderedDict``), ``tensor`` (an index into the tensor table), ``int`` (big ones, as
hex text) and ``float`` (``inf``, ``-inf``, and ``nan`` with its 64 bits).

Saving writes a temporary file next to the destination, flushes and fsyncs it, then
``os.replace``-s it over the destination, so a crash never leaves a partial checkpoint.
Loading checks everything it reads (ZIP CRCs, the manifest's shape, each array header
against the manifest and against the bytes present) and raises `CheckpointError` naming the
file and what is wrong for a truncated, corrupted or foreign file.
"""
from __future__ import annotations

import io
import json
import math
import os
import secrets
import stat
import struct
import zipfile
import zlib
from collections import OrderedDict

import numpy as np

from . import backend
from . import dtypes as _dt
from .tensor import Tensor

__all__ = ["CheckpointError", "load", "save"]

FORMAT_NAME = "minitorch-checkpoint"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)   # fixed timestamps: the same object gives the same bytes
_SAFE_INT = 2 ** 53
_ALLOWED = "only tensors, numbers, strings, None, lists, tuples and dicts can be saved"


class CheckpointError(ValueError, RuntimeError):
    """A file that is not a readable minitorch checkpoint (truncated, corrupted, foreign).
    Both a ValueError and a RuntimeError, so either ``except`` catches it."""


# ====================================================================== save
def save(obj, f) -> None:
    """Save ``obj`` to ``f`` (a path or a binary file object opened for writing).

    ``obj`` may nest dicts (str or int keys; key order kept, OrderedDict restored as
    OrderedDict), lists and tuples of tensors (any dtype and shape; ``nn.Parameter`` comes
    back as a Parameter), Python ints, floats, bools, strings and None: a model's and an
    optimizer's ``state_dict``, scheduler state, epoch counters. Anything else raises a
    TypeError naming where it sits in ``obj``.

    A path is written atomically: to a temporary file in the same directory, fsynced, then
    renamed over the destination.
    """
    tensors = []
    root = _Encoder(tensors).encode(obj, "obj")
    manifest = {"format": FORMAT_NAME, "version": FORMAT_VERSION,
                "minitorch_version": _version(), "byteorder": "little",
                "tensors": [entry for entry, _ in tensors], "root": root}
    manifest_bytes = json.dumps(manifest, allow_nan=False, ensure_ascii=True,
                                separators=(",", ":")).encode("ascii")
    arrays = [arr for _, arr in tensors]

    if isinstance(f, (str, bytes, os.PathLike)):
        _save_to_path(os.fsdecode(f), manifest_bytes, arrays)
        return
    if isinstance(f, io.TextIOBase) or not hasattr(f, "write"):
        raise TypeError(f"save(): f must be a path or a binary file object opened for writing "
                        f"('wb'), got {type(f).__name__}")
    _write_zip(f, manifest_bytes, arrays)
    if hasattr(f, "flush"):
        f.flush()


def _save_to_path(path: str, manifest_bytes: bytes, arrays) -> None:
    target = os.path.realpath(path)          # write through a symlink, as open() would
    directory = os.path.dirname(target) or "."
    base = os.path.basename(target)
    mode = None
    try:
        st = os.stat(target)
        if stat.S_ISREG(st.st_mode):
            mode = stat.S_IMODE(st.st_mode)
    except FileNotFoundError:
        pass
    tmp, fd = _create_temp(directory, base)
    try:
        with os.fdopen(fd, "wb") as out:
            _write_zip(out, manifest_bytes, arrays)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_directory(directory)


def _create_temp(directory: str, base: str):
    """A new file ``.<base>.<random>.tmp`` next to the destination; created with mode 0o666
    so the umask applies, as it does for a file opened by ``open()``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            return tmp, os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(f"save(): could not create a temporary file in {directory!r}")


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable (POSIX); silently skipped where unsupported."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_zip(out, manifest_bytes: bytes, arrays) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr(_zipinfo(MANIFEST), manifest_bytes)
        for i, arr in enumerate(arrays):
            big = arr.nbytes + 4096 >= zipfile.ZIP64_LIMIT
            with zf.open(_zipinfo(_member(i)), "w", force_zip64=big) as member:
                _write_array(member, arr)


def _write_array(member, arr: np.ndarray) -> None:
    np.lib.format.write_array(member, arr, allow_pickle=False)


def _zipinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def _member(i: int) -> str:
    return f"tensors/{i}.npy"


def _version() -> str:
    from . import __version__
    return __version__


class _Encoder:
    """Turns ``obj`` into JSON-ready nodes, collecting tensors (each object once, so a
    tensor referenced twice comes back as one object)."""

    def __init__(self, tensors: list):
        self.tensors = tensors
        self.seen = {}          # id(tensor) -> index in the tensor table
        self.active = set()     # ids of the containers being encoded (cycle detection)

    def encode(self, x, path: str):
        if x is None or isinstance(x, bool):
            return x
        if isinstance(x, int):
            x = int(x)
            if -_SAFE_INT < x < _SAFE_INT:
                return x
            return {"type": "int", "hex": hex(x)}
        if isinstance(x, float):
            x = float(x)
            if math.isfinite(x):
                return x
            if math.isnan(x):
                return {"type": "float", "value": "nan",
                        "bits": struct.pack(">d", x).hex()}
            return {"type": "float", "value": "inf" if x > 0 else "-inf"}
        if isinstance(x, str):
            return str(x)
        if isinstance(x, Tensor):
            return {"type": "tensor", "index": self._tensor(x)}
        if isinstance(x, (dict, list, tuple)):
            if id(x) in self.active:
                raise ValueError(f"save(): {path} contains itself (a reference cycle); "
                                 "only trees of containers can be saved")
            self.active.add(id(x))
            try:
                if isinstance(x, dict):
                    items = [[self._key(k, path), self.encode(v, f"{path}[{k!r}]")]
                             for k, v in x.items()]
                    return {"type": "dict", "ordered": isinstance(x, OrderedDict),
                            "items": items}
                kind = "tuple" if isinstance(x, tuple) else "list"
                return {"type": kind,
                        "items": [self.encode(v, f"{path}[{i}]") for i, v in enumerate(x)]}
            finally:
                self.active.discard(id(x))
        raise TypeError(f"save(): {path} is {_describe(x)}; {_ALLOWED}")

    def _key(self, k, path: str):
        if isinstance(k, str):
            return str(k)
        if isinstance(k, int) and not isinstance(k, bool):
            return self.encode(k, path)
        raise TypeError(f"save(): {path} has the key {k!r} of type {type(k).__name__}; only "
                        "str and int dict keys can be saved")

    def _tensor(self, t: Tensor) -> int:
        idx = self.seen.get(id(t))
        if idx is not None:
            return idx
        from .nn.parameter import Parameter
        data = t._data
        dev = backend.array_device(data)
        if type(data) is not np.ndarray:
            data = data.get()                 # CuPy -> NumPy (a C-contiguous copy)
        elif not data.flags.c_contiguous:
            data = data.copy(order="C")       # views are saved by value
        if data.dtype.byteorder == ">":
            data = data.astype(data.dtype.newbyteorder("<"))
        entry = {"file": _member(len(self.tensors)), "dtype": t.dtype.name,
                 "shape": list(data.shape), "device": _location(dev),
                 "parameter": isinstance(t, Parameter), "requires_grad": bool(t.requires_grad)}
        idx = len(self.tensors)
        self.tensors.append((entry, data))
        self.seen[id(t)] = idx
        return idx


def _location(dev: backend.device) -> str:
    return "cpu" if dev.type == "cpu" else f"cuda:{dev.index or 0}"


def _describe(x) -> str:
    """'a function', 'a numpy.ndarray (...)', ... for the save() TypeError."""
    import types
    if isinstance(x, (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                      types.LambdaType)):
        return f"a function ({getattr(x, '__qualname__', repr(x))})"
    if isinstance(x, np.ndarray):
        return "a numpy.ndarray (wrap it with minitorch.from_numpy(...) to save it)"
    if isinstance(x, np.generic):
        return f"a numpy.{type(x).__name__} scalar (use .item() to save it as a number)"
    if isinstance(x, (set, frozenset)):
        return f"a {type(x).__name__} (convert it to a list to save it)"
    if isinstance(x, (bytes, bytearray)):
        return f"a {type(x).__name__} object (bytes are not supported)"
    if hasattr(x, "state_dict") and callable(x.state_dict):
        return (f"a {type(x).__name__} object (save its state_dict() instead, and restore it "
                "with load_state_dict())")
    if isinstance(x, type):
        return f"a class ({x.__qualname__})"
    t = type(x)
    mod = "" if t.__module__ == "builtins" else t.__module__ + "."
    return f"an object of type {mod}{t.__qualname__}"


# ====================================================================== load
def load(f, map_location=None, weights_only=True):
    """Load what `save` wrote. ``f``: a path or a binary file object.

    ``map_location`` (as in ``torch.load``): None puts each tensor back on the device it
    was saved from; a device or string (``'cpu'``, ``'cuda:0'``) puts every tensor there; a
    dict such as ``{'cuda:0': 'cpu'}`` maps saved locations to new ones; a callable
    ``fn(tensor, location)`` gets each tensor on the CPU with its saved location string and
    returns the tensor to use (or None for the default).

    ``weights_only`` is accepted for PyTorch compatibility; minitorch never unpickles, so
    both values load the same data and neither runs code from the file.

    Raises `CheckpointError` (a ValueError and a RuntimeError) naming the file when it is
    truncated, corrupted or not a minitorch checkpoint.
    """
    if weights_only is not None and not isinstance(weights_only, bool):
        raise TypeError(f"load(): weights_only must be a bool, got {weights_only!r}")
    mapper = _LocationMap(map_location)
    if isinstance(f, (str, bytes, os.PathLike)):
        path = os.fsdecode(f)
        with open(path, "rb") as fh:
            return _load_stream(fh, repr(path), mapper)
    if isinstance(f, io.TextIOBase) or not hasattr(f, "read"):
        raise TypeError(f"load(): f must be a path or a binary file object opened for reading "
                        f"('rb'), got {type(f).__name__}")
    name = getattr(f, "name", None)
    label = repr(name) if isinstance(name, str) else f"<{type(f).__name__}>"
    if not (hasattr(f, "seekable") and f.seekable()):
        f = io.BytesIO(f.read())
    return _load_stream(f, label, mapper)


def _load_stream(fh, label: str, mapper: _LocationMap):
    def bad(what: str) -> CheckpointError:
        return CheckpointError(f"load(): {label} {what}")

    start = fh.tell()
    head = fh.read(8)
    fh.seek(0, os.SEEK_END)
    size = fh.tell() - start
    fh.seek(start)
    if size == 0:
        raise bad("is empty (0 bytes); it is not a minitorch checkpoint")
    if head[:1] == b"\x80" or _looks_like_pickle(fh, start, size):
        raise bad("is a Python pickle (for example written by torch.save(..., "
                  "_use_new_zipfile_serialization=False) or pickle.dump), not a minitorch "
                  "checkpoint. minitorch never unpickles, whatever weights_only says, "
                  "because unpickling can run arbitrary code; load it with torch.load("
                  "..., weights_only=True) and pass the tensors to minitorch.tensor() or "
                  "load_state_dict()")
    try:
        zf = zipfile.ZipFile(fh, "r")
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001  BadZipFile, struct.error, OSError...: all mean a bad file
        if head[:2] == b"PK" or b"PK\x03\x04".startswith(head[:4]):   # also 'P', 'PK'
            raise bad(f"is truncated or corrupted: it starts like a ZIP archive but its "
                      f"directory cannot be read ({exc})") from None
        raise bad(f"is not a minitorch checkpoint: unknown format (it starts with "
                  f"{head!r}; a checkpoint is a ZIP archive written by minitorch.save)") from None
    with zf:
        names = zf.namelist()
        if MANIFEST not in names:
            if any(n == "data.pkl" or n.endswith("/data.pkl") for n in names):
                raise bad("was written by torch.save (a ZIP archive holding data.pkl, a "
                          "pickle), not by minitorch.save. minitorch never unpickles, "
                          "whatever weights_only says; load it with torch.load(..., "
                          "weights_only=True) and pass the tensors to minitorch.tensor() "
                          "or load_state_dict()")
            shown = ", ".join(repr(n) for n in names[:5]) + (", ..." if len(names) > 5 else "")
            raise bad(f"is a ZIP archive without {MANIFEST}, so not a minitorch checkpoint "
                      f"(it holds {len(names)} member(s): {shown or 'none'})")
        try:
            raw = zf.read(MANIFEST)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001  bad CRC, zlib.error, "File is encrypted"...
            raise bad(f"is corrupted: cannot read {MANIFEST} ({exc})") from None
        try:
            manifest = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise bad(f"is corrupted: {MANIFEST} is not valid JSON ({exc})") from None
        return _Decoder(zf, manifest, bad, mapper, label).run()


def _looks_like_pickle(fh, start: int, size: int) -> bool:
    """Protocol 0/1 pickles have no magic byte; they end with the STOP opcode '.'."""
    if size < 2:
        return False
    fh.seek(start)
    first = fh.read(1)
    fh.seek(start + size - 1)
    last = fh.read(1)
    fh.seek(start)
    return first in (b"(", b"]", b"}", b"c", b"I", b"F", b"S", b"V", b"N") and last == b"."


def _no_constant(name):
    raise ValueError(f"non-standard JSON constant {name}")


class _Decoder:
    def __init__(self, zf, manifest, bad, mapper, label):
        self.zf = zf
        self.label = label
        self.bad = bad
        self.mapper = mapper
        self.loaded = {}
        if not isinstance(manifest, dict):
            raise bad(f"is corrupted: {MANIFEST} is not a JSON object")
        fmt = manifest.get("format")
        if fmt != FORMAT_NAME:
            raise bad(f"is not a minitorch checkpoint: {MANIFEST} names the format {fmt!r}, "
                      f"expected {FORMAT_NAME!r}")
        version = manifest.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise bad(f"is corrupted: {MANIFEST} has an invalid format version {version!r}")
        if version > FORMAT_VERSION:
            raise bad(f"was written in checkpoint format version {version} by a newer "
                      f"minitorch ({manifest.get('minitorch_version', 'unknown')}); this "
                      f"minitorch ({_version()}) reads version {FORMAT_VERSION}. Upgrade "
                      "minitorch to load it")
        if manifest.get("byteorder", "little") != "little":
            raise bad(f"is corrupted: unsupported byteorder {manifest.get('byteorder')!r}")
        table = manifest.get("tensors")
        if not isinstance(table, list) or "root" not in manifest:
            raise bad(f"is corrupted: {MANIFEST} lacks its 'tensors' table or 'root'")
        self.table = [self._check_entry(i, e) for i, e in enumerate(table)]
        self.root = manifest["root"]

    def run(self):
        # Resolve every tensor's device first, so a CUDA checkpoint on a CPU-only machine
        # fails before any data is read.
        for entry in self.table:
            self.mapper.check(entry["device"], self.label)
        try:
            return self.decode(self.root, "root")
        except RecursionError:
            raise self.bad(f"is corrupted: {MANIFEST} nests too deeply") from None

    def _check_entry(self, i, e):
        where = f"tensor table entry {i}"
        if not isinstance(e, dict):
            raise self.bad(f"is corrupted: {where} is not an object")
        dtype = e.get("dtype")
        if dtype not in {d.name for d in _dt.ALL}:
            raise self.bad(f"is corrupted: {where} has the unsupported dtype {dtype!r}")
        shape = e.get("shape")
        if not (isinstance(shape, list) and all(isinstance(s, int) and not isinstance(s, bool)
                                                and s >= 0 for s in shape)):
            raise self.bad(f"is corrupted: {where} has an invalid shape {shape!r}")
        loc = e.get("device")
        try:
            backend.device(loc)
        except (TypeError, ValueError):
            raise self.bad(f"is corrupted: {where} has an invalid device {loc!r}") from None
        if not isinstance(e.get("file"), str):
            raise self.bad(f"is corrupted: {where} names no file")
        for flag in ("parameter", "requires_grad"):
            if not isinstance(e.get(flag, False), bool):
                raise self.bad(f"is corrupted: {where} has a non-bool '{flag}'")
        if e.get("requires_grad") and dtype not in ("float16", "float32", "float64"):
            raise self.bad(f"is corrupted: {where} requires grad with the dtype {dtype}")
        return e

    # ------------------------------------------------------------------ structure
    def decode(self, node, path: str):
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if not isinstance(node, dict):
            raise self.bad(f"is corrupted: the manifest node at {path} is a JSON "
                           f"{type(node).__name__}, not a value or a typed object")
        kind = node.get("type")
        if kind in ("list", "tuple"):
            items = self._items(node, path)
            out = [self.decode(v, f"{path}[{i}]") for i, v in enumerate(items)]
            return tuple(out) if kind == "tuple" else out
        if kind == "dict":
            out = OrderedDict() if node.get("ordered") is True else {}
            for pair in self._items(node, path):
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise self.bad(f"is corrupted: a dict item at {path} is not a [key, value] "
                                   "pair")
                key = self.decode(pair[0], f"{path} (a key)")
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    raise self.bad(f"is corrupted: the dict at {path} has a key of type "
                                   f"{type(key).__name__}")
                if key in out:
                    raise self.bad(f"is corrupted: the dict at {path} repeats the key {key!r}")
                out[key] = self.decode(pair[1], f"{path}[{key!r}]")
            return out
        if kind == "tensor":
            idx = node.get("index")
            if not (isinstance(idx, int) and not isinstance(idx, bool)
                    and 0 <= idx < len(self.table)):
                raise self.bad(f"is corrupted: the tensor at {path} has an invalid index "
                               f"{idx!r}")
            if idx not in self.loaded:
                self.loaded[idx] = self._tensor(self.table[idx], path)
            return self.loaded[idx]
        if kind == "int":
            text = node.get("hex")
            try:
                return int(text if isinstance(text, str) else "?", 16)
            except ValueError:
                raise self.bad(f"is corrupted: the int at {path} has invalid hex text "
                               f"{text!r}") from None
        if kind == "float":
            value = node.get("value")
            if value == "nan":
                bits = node.get("bits", "7ff8000000000000")
                try:
                    x = struct.unpack(">d", bytes.fromhex(bits))[0]
                except (TypeError, ValueError, struct.error):
                    raise self.bad(f"is corrupted: the nan at {path} has invalid bits "
                                   f"{bits!r}") from None
                if not math.isnan(x):
                    raise self.bad(f"is corrupted: the nan at {path} has non-nan bits {bits!r}")
                return x
            if value in ("inf", "-inf"):
                return float(value)
            raise self.bad(f"is corrupted: the float at {path} has the value {value!r}")
        raise self.bad(f"is corrupted: the manifest node at {path} has the unknown type "
                       f"{kind!r}")

    def _items(self, node, path):
        items = node.get("items")
        if not isinstance(items, list):
            raise self.bad(f"is corrupted: the {node.get('type')} at {path} has no 'items' list")
        return items

    # ------------------------------------------------------------------ tensors
    def _tensor(self, entry, path):
        arr = self._read_array(entry, path)
        location = entry["device"]
        t = Tensor(arr)
        t = self.mapper.place(t, location)
        if entry.get("parameter"):
            from .nn.parameter import Parameter
            return Parameter(t, requires_grad=bool(entry.get("requires_grad")))
        if entry.get("requires_grad"):
            t.requires_grad = True
        return t

    def _read_array(self, entry, path) -> np.ndarray:
        name = entry["file"]
        where = f"the tensor at {path} ({name})"
        try:
            info = self.zf.getinfo(name)
        except KeyError:
            raise self.bad(f"is corrupted: {where} is missing from the archive") from None
        try:
            if (info.compress_type == zipfile.ZIP_STORED and not info.flag_bits & 0x1
                    and info.compress_size == info.file_size):
                shape, fortran, dtype, buf = self._read_stored(info, entry)
            else:
                with self.zf.open(info) as fp:
                    shape, fortran, dtype, nbytes = _read_npy_header(fp, entry, info.file_size)
                    buf = np.empty(nbytes, dtype=np.uint8)
                    _read_exactly(fp, buf)
                    if fp.read(1):                     # also makes zipfile check the CRC
                        raise ValueError("it has bytes after its data")
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001  bad CRC, a malformed header, zlib.error...
            raise self.bad(f"is corrupted: {where} cannot be read ({exc})") from None
        if dtype == np.bool_ and (buf > 1).any():
            raise self.bad(f"is corrupted: {where} holds bool bytes other than 0 and 1")
        arr = buf.view(dtype)
        arr = arr.reshape(shape[::-1]).T if fortran else arr.reshape(shape)
        want = _dt.to_dtype(entry["dtype"]).np
        if arr.dtype != want:                          # a byte-swapped header
            arr = arr.astype(want)
        if not arr.flags.c_contiguous:
            arr = np.array(arr, order="C")
        return arr

    def _read_stored(self, info, entry):
        """An uncompressed member (what `save` writes), read straight from the file into
        the array's buffer, its CRC-32 checked here."""
        fh = self.zf.fp
        fh.seek(info.header_offset)
        local = fh.read(30)
        if len(local) != 30 or local[:4] != b"PK\x03\x04":
            raise ValueError("bad local file header")
        name_len, extra_len = struct.unpack("<HH", local[26:30])
        start = info.header_offset + 30 + name_len + extra_len
        fh.seek(start)
        shape, fortran, dtype, nbytes = _read_npy_header(fh, entry, info.file_size)
        header_len = fh.tell() - start
        if header_len + nbytes != info.file_size:
            raise ValueError(f"its header and {nbytes} bytes of data do not fill the "
                             f"{info.file_size} bytes of the member")
        fh.seek(start)
        crc = zlib.crc32(fh.read(header_len))
        buf = np.empty(nbytes, dtype=np.uint8)
        _read_exactly(fh, buf)
        if zlib.crc32(buf, crc) != info.CRC:
            raise ValueError("Bad CRC-32: the bytes differ from what was written")
        return shape, fortran, dtype, buf


def _read_npy_header(fp, entry, member_size: int):
    """Read a .npy header (NumPy's parser: ast.literal_eval, no code runs), check it
    against the manifest entry and the member size, and return shape, fortran_order,
    dtype and the number of data bytes that must follow."""
    version = np.lib.format.read_magic(fp)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
    else:
        raise ValueError(f"unsupported .npy version {version}")
    want_dtype = _dt.to_dtype(entry["dtype"]).np
    if dtype.hasobject or dtype.newbyteorder("=") != want_dtype.newbyteorder("="):
        raise ValueError(f"its header says dtype {dtype}, the manifest says {entry['dtype']}")
    if tuple(shape) != tuple(entry["shape"]):
        raise ValueError(f"its header says shape {tuple(shape)}, the manifest says "
                         f"{tuple(entry['shape'])}")
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > member_size:
        raise ValueError(f"it declares {nbytes} bytes of data but the member holds "
                         f"{member_size}")
    return tuple(shape), fortran, dtype, nbytes


def _read_exactly(fp, buf: np.ndarray) -> None:
    view = memoryview(buf)
    got = 0
    while got < buf.size:
        n = fp.readinto(view[got:])
        if not n:
            raise ValueError(f"its data ends after {got} of {buf.size} bytes")
        got += n


class _LocationMap:
    """map_location: where each saved location ('cpu', 'cuda:0', ...) goes."""

    def __init__(self, map_location):
        self.raw = map_location
        if map_location is None:
            self.kind = "none"
            return
        if callable(map_location):
            self.kind = "callable"
            return
        if isinstance(map_location, (str, backend.device)):
            self.kind = "device"
            self.target = self._device(map_location)
            return
        if isinstance(map_location, dict):
            self.kind = "dict"
            self.table = {}
            for k, v in map_location.items():
                self.table[self._device(k, "a key of")] = self._device(v, "a value of")
            return
        raise TypeError(f"load(): map_location must be None, a device, a string such as 'cpu' "
                        f"or 'cuda:0', a dict such as {{'cuda:0': 'cpu'}} or a callable, got "
                        f"{type(map_location).__name__}")

    @staticmethod
    def _device(value, role="") -> backend.device:
        if not isinstance(value, (str, backend.device)):
            raise TypeError(f"load(): {role + ' ' if role else ''}map_location must be a device "
                            f"or a string such as 'cpu', got {value!r}")
        try:
            return backend.device(value)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"load(): map_location: {exc}") from None

    def target_of(self, location: str):
        saved = backend.device(location)
        if self.kind == "device":
            return self.target
        if self.kind == "dict":
            for k, v in self.table.items():
                if k == saved:
                    return v
        return saved

    def check(self, location: str, label: str) -> None:
        """Fail early, with advice, when a tensor's destination is a missing GPU."""
        if self.kind == "callable":
            return
        dest = self.target_of(location)
        if dest.type != "cuda":
            return
        try:
            backend.require_cuda("load", dest)
        except RuntimeError as exc:
            if self.kind == "none" or (self.kind == "dict" and dest == backend.device(location)):
                raise RuntimeError(
                    f"load(): {label} holds tensors saved "
                    f"on {location}, but that device is not available here ({exc}). Pass "
                    f"map_location='cpu' (or a dict such as {{'{location}': 'cpu'}}) to load "
                    "them on the CPU") from None
            raise

    def place(self, t: Tensor, location: str) -> Tensor:
        if self.kind == "callable":
            out = self.raw(t, location)
            if out is None:
                return self._to(t, backend.device(location))
            if not isinstance(out, Tensor):
                raise TypeError(f"load(): the map_location callable returned "
                                f"{type(out).__name__}; it must return a Tensor or None")
            return out
        return self._to(t, self.target_of(location))

    @staticmethod
    def _to(t: Tensor, dest: backend.device) -> Tensor:
        if dest.type == "cpu":
            return t
        return Tensor(backend.transfer(t._data, dest))
