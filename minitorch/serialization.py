"""Checkpoints: ``minitorch.save(obj, f)`` and ``minitorch.load(f, map_location=None)``,
with PyTorch 2.6+'s rules: loading never runs code from the file unless the caller opts
in with ``weights_only=False``.

What ``save`` writes: a ZIP archive (written with ``zipfile``, members stored
uncompressed):

- ``manifest.json``: the structure of ``obj`` as JSON, the format name and version, and a
  table of the arrays (dtype, shape; for tensors also the device they were saved from,
  whether each was an ``nn.Parameter`` and whether it required grad);
- ``tensors/<i>.npy``: one array per tensor (or NumPy array) in NumPy's ``.npy`` format,
  read back with ``allow_pickle=False`` semantics;
- ``objects.pkl``, only when ``obj`` holds something that is not plain data (an
  ``nn.Module``, an ``argparse.Namespace``, any other object): ``obj`` pickled, its tensors
  and arrays still stored as ``.npy`` members (the pickle refers to them by index).

Plain data, the JSON part, is: ``None``, ``bool``, ``str``, ints, floats (integers below
2**53 and finite floats are JSON values; JSON keeps ``1`` and ``1.0`` apart, and Python
writes a float with the shortest text that reads back to the same bits), complex numbers,
``bytes``/``bytearray``, lists, tuples, sets, frozensets, dicts with str or int keys (key
order kept; ``OrderedDict`` restored as ``OrderedDict``), tensors, NumPy arrays of numbers
and NumPy scalars. Everything else is an object with a ``"type"``: ``list``, ``tuple``,
``set``, ``frozenset``, ``dict`` (``items`` as ``[key, value]`` pairs), ``tensor`` and
``ndarray`` (indices into the array table), ``int`` (big ones, as hex text), ``float``
(``inf``, ``-inf``, and ``nan`` with its 64 bits), ``complex``, ``bytes``, ``bytearray``,
and, at the root only, ``pickled`` (the object is in ``objects.pkl``). A model's and an
optimizer's ``state_dict``, scheduler states and epoch counters are plain data.

What ``load`` reads:

- plain data, always (``weights_only`` or not): no code runs;
- ``objects.pkl``: with ``weights_only=True`` (the default, as torch 2.6+) through a
  restricted unpickler that builds only containers, numbers, NumPy arrays, minitorch's
  dtypes/devices/sizes and the classes and functions the caller allowed with
  ``add_safe_globals`` / ``safe_globals``; anything else is refused with a
  ``WeightsOnlyUnpicklingError`` that names it. With ``weights_only=False`` it is
  unpickled in full, with a warning: **unpickling runs code named in the file**, so only
  do it for files from a source you trust. A module pickled by minitorch names
  minitorch's classes, so it is readable by minitorch only (torch cannot load it, and
  minitorch cannot load a whole torch module); state_dicts move both ways;
- checkpoints written by ``torch.save`` (its ZIP format: ``data.pkl`` plus raw storages),
  without torch installed: the same restricted unpickler, with torch's tensor-rebuilding
  functions mapped to minitorch's, so a torch ``state_dict`` (or a dict of tensors,
  numbers, strings) loads as minitorch tensors. torch's legacy (pre-1.6, non-ZIP) format
  and raw pickles are refused.

Saving writes a temporary file next to the destination, flushes and fsyncs it, then
``os.replace``-s it over the destination, so a crash never leaves a partial checkpoint.
Loading checks everything it reads (ZIP CRCs, the manifest's shape, each array header
against the manifest and against the bytes present) and raises `CheckpointError` naming the
file and what is wrong for a truncated, corrupted or foreign file.
"""
from __future__ import annotations

import base64
import _compat_pickle
import codecs
import collections
import io
import json
import math
import os
import pickle
import pickletools
import secrets
import stat
import struct
import threading
import warnings
import zipfile
import zlib
from collections import OrderedDict

import numpy as np

from . import backend
from . import dtypes as _dt
from .tensor import Tensor

__all__ = ["CheckpointError", "WeightsOnlyUnpicklingError", "load", "save",
           "add_safe_globals", "clear_safe_globals", "get_safe_globals", "safe_globals",
           "get_unsafe_globals_in_checkpoint", "DEFAULT_PROTOCOL"]

FORMAT_NAME = "minitorch-checkpoint"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
OBJECTS = "objects.pkl"
DEFAULT_PROTOCOL = 2                 # torch.save's default pickle protocol
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)   # fixed timestamps: the same object gives the same bytes
_SAFE_INT = 2 ** 53
# NumPy dtypes a plain-data array may have (no objects, strings or platform-sized types)
_ARRAY_DTYPES = frozenset(["bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
                           "uint32", "uint64", "float16", "float32", "float64", "complex64",
                           "complex128"])


class CheckpointError(ValueError, RuntimeError):
    """A file that is not a readable minitorch checkpoint (truncated, corrupted, foreign).
    Both a ValueError and a RuntimeError, so either ``except`` catches it."""


class WeightsOnlyUnpicklingError(CheckpointError, pickle.UnpicklingError):
    """``load(weights_only=True)`` met a pickled global it may not build (torch raises
    ``pickle.UnpicklingError`` here: so does this, and it is a CheckpointError too)."""


class _SaveError(TypeError, pickle.PicklingError):
    """``save`` could not store an object: neither plain data nor picklable."""


# ====================================================================== safe globals
# Process-wide, as torch's ``_marked_safe_globals_set``: what one thread allows applies to
# loads in every thread (DataLoader workers, thread pools). The table is never changed in
# place: each change builds a new one under the lock and rebinds ``_safe``, so a load
# reads one consistent snapshot without locking.
_safe_lock = threading.Lock()
# (entries, by_name): entries maps each allowed entry (the object, or an (obj,
# "module.name") pair) to its name, in the order added; by_name maps "module.name" to the
# entry (a later entry wins a name both claim).
_safe = ({}, {})


def _set_safe_entries(entries: dict) -> None:
    """Install ``entries`` (entry -> name) as the process-wide table (caller holds the lock)."""
    global _safe
    _safe = (entries, {name: entry for entry, name in entries.items()})


def _user_globals() -> dict:
    """The globals allowed by add_safe_globals / safe_globals: "module.name" -> entry."""
    return _safe[1]


def _user_global(*names):
    """The object allowed under the first of ``names`` that is allowed, or None."""
    table = _safe[1]
    for full in names:
        entry = table.get(full)
        if entry is not None:
            return entry[0] if isinstance(entry, tuple) else entry
    return None


def _global_name(obj) -> str:
    module = getattr(obj, "__module__", None)
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if not module or not name:
        raise TypeError(f"add_safe_globals(): {obj!r} has no __module__/__qualname__; pass it "
                        "as (obj, 'module.name')")
    return f"{module}.{name}"


def _safe_entries(items) -> dict:
    """``items`` checked: entry -> "module.name" (entries must be hashable, as in torch)."""
    if not isinstance(items, (list, tuple)):
        raise TypeError(f"safe_globals must be a list of classes/functions or (obj, "
                        f"'module.name') pairs, got {type(items).__name__}")
    out = {}
    for item in items:
        if isinstance(item, tuple):
            if len(item) != 2 or not isinstance(item[1], str):
                raise TypeError(f"a safe global given as a tuple must be (obj, 'module.name'), "
                                f"got {item!r}")
            name = item[1]
        else:
            name = _global_name(item)
        try:
            out[item] = name
        except TypeError:
            raise TypeError(f"add_safe_globals(): {item!r} is not hashable; pass classes, "
                            "functions or (obj, 'module.name') pairs") from None
    return out


def add_safe_globals(safe_globals) -> None:
    """Allow these classes/functions in ``load(weights_only=True)``, as
    ``torch.serialization.add_safe_globals``: e.g. ``add_safe_globals([argparse.Namespace,
    MyNet])`` lets a checkpoint that pickled a Namespace or a MyNet load without
    ``weights_only=False``. An entry may be ``(obj, "module.name")`` to allow ``obj`` under
    the name the pickle uses. Process-wide (every thread's loads), as in torch. Only allow
    what you trust: the unpickler calls it with arguments taken from the file."""
    entries = _safe_entries(safe_globals)
    with _safe_lock:
        merged = dict(_safe[0])
        merged.update(entries)
        _set_safe_entries(merged)


def _remove_safe_globals(safe_globals) -> None:
    """Forget these entries (torch's ``_remove_safe_globals``)."""
    entries = _safe_entries(safe_globals)
    with _safe_lock:
        _set_safe_entries({k: v for k, v in _safe[0].items() if k not in entries})


def clear_safe_globals() -> None:
    """Forget every global added with add_safe_globals (in every thread)."""
    with _safe_lock:
        _set_safe_entries({})


def get_safe_globals() -> list:
    """The globals added with add_safe_globals (objects, or (obj, name) pairs)."""
    return list(_safe[0])


class safe_globals:
    """``with safe_globals([MyNet]): net = load(f)``: add_safe_globals on entering the
    block, and those entries removed again on leaving it, as torch's context manager does:
    process-wide (a load in another thread during the block sees them too), and an entry
    that was already allowed before the block is removed as well."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals
        _safe_entries(safe_globals)          # a bad list fails here, not at the with

    def __enter__(self):
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        _remove_safe_globals(self.safe_globals)


# ====================================================================== save
def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False) -> None:
    """Save ``obj`` to ``f`` (a path, ``pathlib.Path`` or a binary file object opened for
    writing), with ``torch.save``'s signature.

    Plain data (see the module docstring: state_dicts, tensors, NumPy arrays, numbers,
    strings, containers) is stored as JSON and ``.npy`` members and loads back with the
    default ``weights_only=True``. Anything else (an ``nn.Module``, an optimizer, an
    ``argparse.Namespace``, any picklable object) is pickled with ``pickle_module`` at
    ``pickle_protocol``; its tensors and arrays are still stored as ``.npy`` members. Such a
    file loads with ``load(f, weights_only=False)`` (or with the classes allowed through
    ``add_safe_globals``), and only in minitorch: the pickle names minitorch's classes.
    An object that cannot be pickled (a lambda, a local function, an open file) raises a
    TypeError (also a ``pickle.PicklingError``) naming where it sits in ``obj``.

    A path is written atomically: to a temporary file in the same directory, fsynced, then
    renamed over the destination. ``_use_new_zipfile_serialization`` and
    ``_disable_byteorder_record`` are accepted for compatibility (the format is always
    minitorch's ZIP archive, little-endian).
    """
    tensors = []
    encoder = _Encoder(tensors)
    pickled = None
    try:
        root = encoder.encode(obj, "obj")
    except _NotData:
        tensors.clear()
        encoder = _Encoder(tensors)
        pickled = _pickle_object(obj, encoder, pickle_module, pickle_protocol)
        root = {"type": "pickled", "file": OBJECTS}
    manifest = {"format": FORMAT_NAME, "version": FORMAT_VERSION,
                "minitorch_version": _version(), "byteorder": "little",
                "tensors": [entry for entry, _ in tensors], "root": root}
    manifest_bytes = json.dumps(manifest, allow_nan=False, ensure_ascii=True,
                                separators=(",", ":")).encode("ascii")
    arrays = [arr for _, arr in tensors]

    if isinstance(f, (str, bytes, os.PathLike)):
        _save_to_path(os.fsdecode(f), manifest_bytes, arrays, pickled)
        return
    if isinstance(f, io.TextIOBase) or not hasattr(f, "write"):
        raise TypeError(f"save(): f must be a path or a binary file object opened for writing "
                        f"('wb'), got {type(f).__name__}")
    _write_zip(f, manifest_bytes, arrays, pickled)
    if hasattr(f, "flush"):
        f.flush()


def _save_to_path(path: str, manifest_bytes: bytes, arrays, pickled=None) -> None:
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
            _write_zip(out, manifest_bytes, arrays, pickled)
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


def _write_zip(out, manifest_bytes: bytes, arrays, pickled=None) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr(_zipinfo(MANIFEST), manifest_bytes)
        if pickled is not None:
            zf.writestr(_zipinfo(OBJECTS), pickled)
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


class _NotData(Exception):
    """Raised by the encoder at the first value that is not plain data: save() then
    pickles the whole object instead (so shared references and cycles survive)."""

    def __init__(self, path: str, value):
        super().__init__(path)
        self.path = path
        self.value = value


def _is_array_data(x) -> bool:
    """A NumPy array (or scalar) of numbers or bools: stored as a .npy member."""
    return x.dtype.name in _ARRAY_DTYPES and not x.dtype.hasobject


class _Encoder:
    """Turns plain data into JSON-ready nodes, collecting tensors and arrays in the array
    table (each object once, so one referenced twice comes back as one object)."""

    def __init__(self, tensors: list):
        self.tensors = tensors
        self.seen = {}          # id(tensor or array) -> index in the table
        self.keep = []          # keeps the arrays made for the table alive (stable ids)
        self.active = set()     # ids of the containers being encoded (cycle detection)

    def encode(self, x, path: str):
        if x is None or isinstance(x, bool):
            return x
        if isinstance(x, (np.ndarray, np.generic)):      # before float: np.float64 is one
            if type(x).__module__ != "numpy" or not _is_array_data(x):
                raise _NotData(path, x)
            return {"type": "ndarray", "index": self._array(x)}
        if isinstance(x, int):
            x = int(x)
            if -_SAFE_INT < x < _SAFE_INT:
                return x
            return {"type": "int", "hex": hex(x)}
        if isinstance(x, float):
            return self._float(float(x))
        if isinstance(x, str):
            return str(x)
        if isinstance(x, complex):
            return {"type": "complex", "real": self._float(x.real), "imag": self._float(x.imag)}
        if isinstance(x, (bytes, bytearray)):
            return {"type": "bytearray" if isinstance(x, bytearray) else "bytes",
                    "base64": base64.b64encode(bytes(x)).decode("ascii")}
        if isinstance(x, Tensor):
            if not _plain_tensor(x):
                raise _NotData(path, x)          # a subclass or attributes: pickle keeps them
            return {"type": "tensor", "index": self._tensor(x)}
        if type(x) in (dict, OrderedDict, list, tuple, set, frozenset):
            # exactly these: a subclass (defaultdict, Counter, a namedtuple...) is pickled,
            # which keeps its class
            if id(x) in self.active:
                raise _NotData(path, x)          # a cycle: pickle handles it
            self.active.add(id(x))
            try:
                return self._container(x, path)
            finally:
                self.active.discard(id(x))
        raise _NotData(path, x)

    @staticmethod
    def _float(x: float):
        if math.isfinite(x):
            return x
        if math.isnan(x):
            return {"type": "float", "value": "nan", "bits": struct.pack(">d", x).hex()}
        return {"type": "float", "value": "inf" if x > 0 else "-inf"}

    def _container(self, x, path: str):
        if isinstance(x, dict):
            items = [[self._key(k, path), self.encode(v, f"{path}[{k!r}]")]
                     for k, v in x.items()]
            return {"type": "dict", "ordered": isinstance(x, OrderedDict), "items": items}
        if isinstance(x, (set, frozenset)):
            kind = "frozenset" if isinstance(x, frozenset) else "set"
            try:
                members = sorted(x)           # a stable order: the same set, the same bytes
            except TypeError:
                members = list(x)
            return {"type": kind, "items": [self.encode(v, f"{path}{{{v!r}}}")
                                            for v in members]}
        kind = "tuple" if isinstance(x, tuple) else "list"
        return {"type": kind,
                "items": [self.encode(v, f"{path}[{i}]") for i, v in enumerate(x)]}

    def _key(self, k, path: str):
        if isinstance(k, str):
            return str(k)
        if isinstance(k, int) and not isinstance(k, bool):
            return self.encode(k, path)
        raise _NotData(f"{path} (the key {k!r})", k)

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
        return self._add(t, entry, data)

    def _array(self, a) -> int:
        """A NumPy array (or NumPy scalar: ``"scalar": true``) for the table."""
        idx = self.seen.get(id(a))
        if idx is not None:
            return idx
        scalar = isinstance(a, np.generic)
        data = np.asarray(a)
        if not data.flags.c_contiguous:
            data = data.copy(order="C")
        if data.dtype.byteorder == ">":
            data = data.astype(data.dtype.newbyteorder("<"))
        entry = {"file": _member(len(self.tensors)), "kind": "ndarray",
                 "dtype": data.dtype.name, "shape": list(data.shape)}
        if scalar:
            entry["scalar"] = True
        return self._add(a, entry, data)

    def _add(self, obj, entry, data) -> int:
        idx = len(self.tensors)
        self.tensors.append((entry, data))
        self.seen[id(obj)] = idx
        self.keep.append(obj)
        return idx


def _location(dev: backend.device) -> str:
    return "cpu" if dev.type == "cpu" else f"cuda:{dev.index or 0}"


def _pickle_object(obj, encoder: _Encoder, pickle_module, protocol) -> bytes:
    """``obj`` pickled, with its plain tensors and numeric NumPy arrays moved to the array
    table (the pickle holds ``("tensor", i)`` / ``("ndarray", i)`` persistent ids)."""
    pickler_cls = _persistent_pickler(pickle_module, encoder)
    buf = io.BytesIO()
    try:
        pickler_cls(buf, protocol=protocol).dump(obj)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError) as exc:
        path, culprit = _find_unpicklable(obj, pickler_cls, "obj")
        raise _SaveError(f"save(): {path} is {_describe(culprit)} and cannot be pickled "
                         f"({type(exc).__name__}: {exc}). minitorch.save stores tensors, "
                         "arrays, numbers, strings and containers as data and pickles other "
                         "objects; define functions at module level (not lambdas or local "
                         "functions), or save a state_dict() instead") from None
    return buf.getvalue()


def _persistent_pickler(pickle_module, encoder: _Encoder):
    base = getattr(pickle_module, "Pickler", pickle.Pickler)

    class _Pickler(base):
        def persistent_id(self, x):
            if isinstance(x, Tensor) and _plain_tensor(x):
                return ("tensor", encoder._tensor(x))
            if type(x) is np.ndarray and _is_array_data(x):
                return ("ndarray", encoder._array(x))
            return None

    return _Pickler


def _find_unpicklable(obj, pickler_cls, path: str, depth: int = 0):
    """The path and value of an element of ``obj`` that fails to pickle (walking dicts,
    lists, tuples, sets and object attributes), or ``(path, obj)`` itself."""
    def fails(x) -> bool:
        try:
            pickler_cls(io.BytesIO(), protocol=DEFAULT_PROTOCOL).dump(x)
            return False
        except Exception:  # noqa: BLE001  whatever pickle raises means "not picklable"
            return True

    if depth > 50:
        return path, obj
    children = []
    if isinstance(obj, dict):
        children = [(f"{path}[{k!r}]", v) for k, v in obj.items()]
        children += [(f"{path} (the key {k!r})", k) for k in obj]
    elif isinstance(obj, (list, tuple)):
        children = [(f"{path}[{i}]", v) for i, v in enumerate(obj)]
    elif isinstance(obj, (set, frozenset)):
        children = [(f"{path}{{{v!r}}}", v) for v in obj]
    elif hasattr(obj, "__dict__") and not isinstance(obj, type):
        children = [(f"{path}.{k}", v) for k, v in vars(obj).items()]
    for child_path, child in children:
        if fails(child):
            return _find_unpicklable(child, pickler_cls, child_path, depth + 1)
    return path, obj


def _describe(x) -> str:
    """'a function (f)', 'a lambda', 'an object of type io.BufferedReader', ..."""
    import types
    if isinstance(x, types.LambdaType) and getattr(x, "__name__", "") == "<lambda>":
        return "a function (a lambda)"
    if isinstance(x, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        return f"a function ({getattr(x, '__qualname__', repr(x))})"
    if isinstance(x, type):
        return f"a class ({x.__qualname__})"
    if isinstance(x, np.ndarray):
        return f"a numpy.ndarray of dtype {x.dtype}"
    t = type(x)
    mod = "" if t.__module__ == "builtins" else t.__module__ + "."
    return f"an object of type {mod}{t.__qualname__}"


def _plain_tensor(x) -> bool:
    """A Tensor or Parameter without Python attributes: stored by value in the table
    (other Tensor subclasses are pickled, keeping their class)."""
    from .nn.parameter import Parameter
    return (type(x) is Tensor or type(x) is Parameter) and not x.__dict__


# ====================================================================== load
_UNPICKLER_ARGS = ("encoding", "errors", "fix_imports")


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Load what `save` (or ``torch.save``) wrote. ``f``: a path, ``pathlib.Path`` or a
    binary file object (``io.BytesIO`` too).

    ``weights_only`` (torch 2.6+'s rule): None means True, unless a ``pickle_module`` is
    given. True loads plain data, and pickled objects only through a restricted unpickler
    (containers, numbers, NumPy arrays, minitorch's dtypes/devices/sizes, and what
    ``add_safe_globals`` allowed): no code from the file runs. False unpickles objects in
    full, with a warning: unpickling runs code named in the file, so do it only for files
    from a source you trust. (NumPy arrays of numbers load with weights_only=True here,
    where torch needs them allowed: they are data.)

    ``map_location`` (as in ``torch.load``): None puts each tensor back on the device it
    was saved from; a device or string (``'cpu'``, ``'cuda:0'``) puts every tensor there; a
    dict such as ``{'cuda:0': 'cpu'}`` maps saved locations to new ones; a callable
    ``fn(tensor, location)`` gets each tensor on the CPU with its saved location string and
    returns the tensor to use (or None for the default).

    ``mmap`` is accepted (files are read, not memory-mapped). ``pickle_load_args``
    (``encoding``, ``errors``, ``fix_imports``) go to the unpickler, as in torch.

    A file written by ``torch.save`` (ZIP format) loads without torch: its tensors come
    back as minitorch tensors (bfloat16 ones as minitorch.bfloat16), its parameters as
    Parameters.

    Raises `CheckpointError` (a ValueError and a RuntimeError) naming the file when it is
    truncated, corrupted or not a checkpoint, and `WeightsOnlyUnpicklingError` when
    weights_only=True meets an object it may not build.
    """
    if weights_only is None:
        weights_only = pickle_module is None
    if not isinstance(weights_only, bool):
        raise TypeError(f"load(): weights_only must be a bool or None, got {weights_only!r}")
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                           "specified")
    if mmap is not None and not isinstance(mmap, bool):
        raise TypeError(f"load(): mmap must be a bool or None, got {mmap!r}")
    bad_args = sorted(set(pickle_load_args) - set(_UNPICKLER_ARGS))
    if bad_args:
        raise TypeError(f"load() got unexpected keyword argument(s) {bad_args}; the unpickler "
                        f"takes {list(_UNPICKLER_ARGS)}")
    pickle_load_args.setdefault("encoding", "utf-8")
    options = _LoadOptions(weights_only, pickle_module or pickle, pickle_load_args)
    mapper = _LocationMap(map_location)
    if isinstance(f, (str, bytes, os.PathLike)):
        path = os.fsdecode(f)
        with open(path, "rb") as fh:
            return _load_stream(fh, repr(path), mapper, options)
    if isinstance(f, io.TextIOBase) or not hasattr(f, "read"):
        raise TypeError(f"load(): f must be a path or a binary file object opened for reading "
                        f"('rb'), got {type(f).__name__}")
    name = getattr(f, "name", None)
    label = repr(name) if isinstance(name, str) else f"<{type(f).__name__}>"
    if not (hasattr(f, "seekable") and f.seekable()):
        f = io.BytesIO(f.read())
    return _load_stream(f, label, mapper, options)


class _LoadOptions:
    def __init__(self, weights_only: bool, pickle_module, unpickler_args: dict):
        self.weights_only = weights_only
        self.pickle_module = pickle_module
        self.unpickler_args = unpickler_args
        self.warned = False

    def warn_unpickling(self, label: str) -> None:
        """The one warning weights_only=False gives before it unpickles."""
        if not self.warned:
            self.warned = True
            warnings.warn(f"load(): unpickling {label} with weights_only=False. Unpickling "
                          "runs code named in the file: only load files from a source you "
                          "trust (the default, weights_only=True, builds nothing but data "
                          "and the globals allowed with add_safe_globals)", UserWarning,
                          stacklevel=4)


def _load_stream(fh, label: str, mapper: _LocationMap, options: _LoadOptions):
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
                  "_use_new_zipfile_serialization=False), torch < 1.6 or pickle.dump), not "
                  "a checkpoint minitorch reads. minitorch never unpickles a bare pickle, "
                  "whatever weights_only says, because unpickling can run arbitrary code; "
                  "re-save it with a current torch.save (its ZIP format loads here), or "
                  "load it with torch.load(..., weights_only=True) and pass the tensors to "
                  "minitorch.tensor() or load_state_dict()")
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
            torch_pickles = [n for n in names if n == "data.pkl" or n.endswith("/data.pkl")]
            if torch_pickles:
                return _TorchCheckpoint(zf, torch_pickles[0], bad, mapper, options,
                                        label).load()
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
        return _Decoder(zf, manifest, bad, mapper, label, options).run()


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
    """Rebuilds ``obj`` from a minitorch checkpoint: the manifest's nodes, the array
    table, and (for a ``pickled`` root) objects.pkl through `_Unpickler`."""

    def __init__(self, zf, manifest, bad, mapper, label, options):
        self.zf = zf
        self.label = label
        self.bad = bad
        self.mapper = mapper
        self.options = options
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
            if entry.get("kind") != "ndarray":
                self.mapper.check(entry["device"], self.label)
        try:
            return self.decode(self.root, "root")
        except RecursionError:
            raise self.bad(f"is corrupted: {MANIFEST} nests too deeply") from None

    def _check_entry(self, i, e):
        where = f"tensor table entry {i}"
        if not isinstance(e, dict):
            raise self.bad(f"is corrupted: {where} is not an object")
        if e.get("kind", "tensor") == "ndarray":
            return self._check_array_entry(where, e)
        if e.get("kind", "tensor") != "tensor":
            raise self.bad(f"is corrupted: {where} has the unknown kind {e.get('kind')!r}")
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
        if e.get("requires_grad") and dtype not in ("float16", "bfloat16", "float32",
                                                    "float64"):
            raise self.bad(f"is corrupted: {where} requires grad with the dtype {dtype}")
        return e

    def _check_array_entry(self, where, e):
        dtype = e.get("dtype")
        if dtype not in _ARRAY_DTYPES:
            raise self.bad(f"is corrupted: {where} has the unsupported array dtype {dtype!r}")
        shape = e.get("shape")
        if not (isinstance(shape, list) and all(isinstance(s, int) and not isinstance(s, bool)
                                                and s >= 0 for s in shape)):
            raise self.bad(f"is corrupted: {where} has an invalid shape {shape!r}")
        if e.get("scalar", False) not in (True, False) or (e.get("scalar") and shape):
            raise self.bad(f"is corrupted: {where} is a scalar with the shape {shape!r}")
        if not isinstance(e.get("file"), str):
            raise self.bad(f"is corrupted: {where} names no file")
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
        if kind in ("tensor", "ndarray"):
            return self._table_item(kind, node.get("index"), path)
        if kind in ("set", "frozenset"):
            items = [self.decode(v, f"{path}{{}}") for v in self._items(node, path)]
            try:
                return set(items) if kind == "set" else frozenset(items)
            except TypeError:
                raise self.bad(f"is corrupted: the {kind} at {path} holds an unhashable "
                               "value") from None
        if kind in ("bytes", "bytearray"):
            text = node.get("base64")
            try:
                data = base64.b64decode(text if isinstance(text, str) else "?", validate=True)
            except ValueError:
                raise self.bad(f"is corrupted: the {kind} at {path} has invalid base64 "
                               "text") from None
            return data if kind == "bytes" else bytearray(data)
        if kind == "complex":
            real = self.decode(node.get("real"), path)
            imag = self.decode(node.get("imag"), path)
            if not all(isinstance(v, float) for v in (real, imag)):
                raise self.bad(f"is corrupted: the complex number at {path} has non-float "
                               "parts")
            return complex(real, imag)
        if kind == "pickled":
            if path != "root" or node.get("file") != OBJECTS:
                raise self.bad(f"is corrupted: a pickled node at {path} (only the root, "
                               f"in {OBJECTS}, may be pickled)")
            return self._unpickle()
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
    def _table_item(self, kind, idx, path):
        """Table entry ``idx`` as a tensor or a NumPy array (each built once)."""
        if not (isinstance(idx, int) and not isinstance(idx, bool)
                and 0 <= idx < len(self.table)):
            raise self.bad(f"is corrupted: the {kind} at {path} has an invalid index {idx!r}")
        entry = self.table[idx]
        if entry.get("kind", "tensor") != kind:
            raise self.bad(f"is corrupted: the {kind} at {path} refers to table entry {idx}, "
                           f"which is a {entry.get('kind', 'tensor')}")
        if idx not in self.loaded:
            if kind == "tensor":
                self.loaded[idx] = self._tensor(entry, path)
            else:
                arr = self._read_array(entry, path)
                self.loaded[idx] = arr[()] if entry.get("scalar") else arr
        return self.loaded[idx]

    def _unpickle(self):
        """The pickled root: objects.pkl, its tensors and arrays from the table."""
        try:
            raw = self.zf.read(OBJECTS)
        except KeyError:
            raise self.bad(f"is corrupted: {OBJECTS} is missing from the archive") from None
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001  bad CRC, zlib.error...
            raise self.bad(f"is corrupted: cannot read {OBJECTS} ({exc})") from None

        def persistent_load(pid):
            if (isinstance(pid, tuple) and len(pid) == 2 and pid[0] in ("tensor", "ndarray")):
                return self._table_item(pid[0], pid[1], f"{OBJECTS} ({pid[0]} {pid[1]!r})")
            raise WeightsOnlyUnpicklingError(f"load(): {self.label} is corrupted: {OBJECTS} "
                                             f"refers to an unknown persistent id {pid!r}")

        return _unpickle(raw, self.label, self.options, _minitorch_globals(), persistent_load,
                         self.bad)

    def _tensor(self, entry, path):
        arr = self._read_array(entry, path)
        location = entry["device"]
        t = Tensor(arr)
        if t.dtype.name != entry["dtype"]:        # a dtype stored in another (bfloat16)
            t = t.to(_dt.to_dtype(entry["dtype"]))
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
        want = _entry_np_dtype(entry)
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




def _entry_np_dtype(entry) -> np.dtype:
    """The NumPy dtype of a table entry's .npy data."""
    if entry.get("kind") == "ndarray":
        return np.dtype(entry["dtype"])
    return _dt.to_dtype(entry["dtype"]).np


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
    want_dtype = _entry_np_dtype(entry)
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
        if self.kind == "device":
            return self.target
        saved = _saved_device(location)
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
            if self.kind == "none" or (self.kind == "dict" and dest == _saved_device(location)):
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
                return self._to(t, _saved_device(location))
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


def _saved_device(location: str) -> backend.device:
    """The device a tensor was saved from; a location minitorch has no device for (torch's
    'mps', 'xpu', ...) is an error that suggests map_location."""
    try:
        return backend.device(location)
    except (TypeError, ValueError):
        raise RuntimeError(f"load(): a tensor was saved on {location!r}, a device minitorch "
                           "does not have; pass map_location='cpu' (or a dict such as "
                           f"{{'{location}': 'cpu'}}) to load it on the CPU") from None


# ====================================================================== unpickling
def _pickle_protocol(raw: bytes) -> int:
    """The protocol a pickle declares with its leading PROTO opcode (0 without one), as the
    unpickler sees it when it resolves the pickle's globals."""
    return raw[1] if len(raw) >= 2 and raw[0] == pickle.PROTO[0] else 0


def _py3_global(module: str, name: str, protocol: int, fix_imports: bool = True):
    """The Python 3 name of a global a pickle names, as ``pickle.Unpickler.find_class``
    maps it: pickles of protocol < 3 (torch.save's default is 2) write Python 2 names,
    e.g. int as ``__builtin__.long``, str as ``__builtin__.unicode``, range as
    ``__builtin__.xrange`` and exceptions as ``exceptions.ValueError``; with
    ``fix_imports`` (the default) Python's ``_compat_pickle`` tables map them back, the
    (module, name) table first, else the module table (torch's weights-only unpickler
    does the same with a subset of these tables)."""
    if protocol < 3 and fix_imports:
        if (module, name) in _compat_pickle.NAME_MAPPING:
            return _compat_pickle.NAME_MAPPING[(module, name)]
        if module in _compat_pickle.IMPORT_MAPPING:
            return _compat_pickle.IMPORT_MAPPING[module], name
    return module, name


def _latin1_encode(text, encoding="utf-8", errors="strict"):
    """``_codecs.encode`` as pickles of bytes use it (protocol < 3), restricted to the
    text codecs such pickles name."""
    if encoding not in ("latin1", "latin-1", "utf-8", "utf8", "ascii"):
        raise pickle.UnpicklingError(f"_codecs.encode with the codec {encoding!r} is not "
                                     "allowed")
    return codecs.encode(text, encoding, errors)


def _numpy_globals() -> dict:
    """What a pickled NumPy array or scalar names (numpy 1 and 2 module paths)."""
    out = {"numpy.ndarray": np.ndarray, "numpy.dtype": np.dtype}
    reconstruct = np.zeros(1).__reduce__()[0]        # numpy's own, whatever its module
    scalar = np.float64(0).__reduce__()[0]
    for mod in ("numpy.core.multiarray", "numpy._core.multiarray"):
        out[f"{mod}._reconstruct"] = reconstruct
        out[f"{mod}.scalar"] = scalar
    for name in _ARRAY_DTYPES:
        cls = type(np.dtype(name))
        out[f"{cls.__module__}.{cls.__name__}"] = cls
    return out


def _base_globals() -> dict:
    """Allowed in every restricted load: containers, numbers and NumPy arrays."""
    out = {"collections.OrderedDict": OrderedDict, "collections.Counter": collections.Counter,
           "_codecs.encode": _latin1_encode}
    for t in (set, frozenset, complex, bytearray, slice, range):
        out[f"builtins.{t.__name__}"] = t
    out.update(_numpy_globals())
    return out


def _minitorch_globals() -> dict:
    """Allowed in a restricted load of a minitorch checkpoint: the above, minitorch's
    dtypes, devices and sizes, and tensors pickled by value."""
    from .tensor import Size
    out = _base_globals()
    out.update({"minitorch.dtypes._by_name": _dt._by_name, "minitorch.backend.device":
                backend.device, "minitorch.tensor.Size": Size,
                # the classes only as arguments of _rebuild (markers: no bare instances)
                "minitorch.tensor.Tensor": _ClassMarker("Tensor"),
                "minitorch.nn.parameter.Parameter": _ClassMarker("Parameter"),
                "minitorch.tensor._rebuild": _checked_rebuild})
    return out


class _ClassMarker:
    """Stands for Tensor or Parameter in a restricted load, where only a rebuild function
    may use them."""

    def __init__(self, name: str):
        self.name = name


def _checked_rebuild(cls, data, device, requires_grad, attrs):
    """minitorch.tensor._rebuild (a tensor pickled by value) for a restricted load: only
    Tensor/Parameter, arrays of numbers, and no attributes."""
    from .tensor import _rebuild
    from .nn.parameter import Parameter
    if not isinstance(cls, _ClassMarker) or not isinstance(data, np.ndarray) or \
            data.dtype.hasobject or not isinstance(device, str):
        raise pickle.UnpicklingError("a pickled tensor with an unexpected class or data")
    return _rebuild(Tensor if cls.name == "Tensor" else Parameter, data, device,
                    bool(requires_grad), None)


_Unpickler = pickle.Unpickler     # the C unpickler, as imported (before anyone patches it)


def _unpickle(raw: bytes, label: str, options: _LoadOptions, allowed: dict, persistent_load,
              bad, remap=None, unknown=None):
    """Unpickle ``raw``: restricted to ``allowed`` plus the user's safe globals when
    weights_only, in full (after a warning) otherwise. ``remap`` (torch checkpoints) is a
    function ``(module, name) -> object or None`` that takes precedence; ``unknown``
    (torch checkpoints) is called with a global nothing allowed, before the refusal or the
    full unpickling, and may raise an error of its own.

    Globals are looked up by their Python 3 names (`_py3_global`, as pickle's own
    find_class maps them); the full unpickling gets the names as the file wrote them, so
    pickle applies its own mapping."""
    weights_only = options.weights_only
    if not weights_only:
        options.warn_unpickling(label)
    base = _Unpickler
    if not weights_only and options.pickle_module is not pickle:
        base = getattr(options.pickle_module, "Unpickler", _Unpickler)
    protocol = _pickle_protocol(raw)
    fix_imports = bool(options.unpickler_args.get("fix_imports", True))

    class Unpickler(base):
        def find_class(self, module, name):
            found = _resolve_global(module, name, protocol, fix_imports, allowed, remap)
            if found is not None:
                return found
            py3_module, py3_name = _py3_global(module, name, protocol, fix_imports)
            if unknown is not None:
                unknown(py3_module, py3_name)
            if not weights_only:
                return super().find_class(module, name)
            raise WeightsOnlyUnpicklingError(
                _refusal(label, f"{py3_module}.{py3_name}", py3_name))

        def persistent_load(self, pid):
            return persistent_load(pid)

    kwargs = {k: v for k, v in options.unpickler_args.items() if k in _UNPICKLER_ARGS}
    try:
        return Unpickler(io.BytesIO(raw), **kwargs).load()
    except (WeightsOnlyUnpicklingError, CheckpointError):
        raise
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001  any failure inside a restricted load
        if not weights_only:
            raise
        raise WeightsOnlyUnpicklingError(
            f"load(): {label}: weights only load failed ({type(exc).__name__}: {exc}). "
            "Load it with weights_only=False only if you trust its source") from None


def _resolve_global(module: str, name: str, protocol: int, fix_imports: bool, allowed: dict,
                    remap=None):
    """What a restricted load builds for the global ``module.name`` of a pickle of this
    protocol: ``remap``'s object, else the allowlist's, else the user's safe global (under
    the Python 3 name, or under the name as written, as torch matches it); None when it
    is refused. `get_unsafe_globals_in_checkpoint` asks the same question."""
    py3_module, py3_name = _py3_global(module, name, protocol, fix_imports)
    full = f"{py3_module}.{py3_name}"
    if remap is not None:
        found = remap(py3_module, py3_name)
        if found is not None:
            return found
    if full in allowed:
        return allowed[full]
    return _user_global(full, f"{module}.{name}")


def _refusal(label: str, full: str, name: str) -> str:
    return (f"load(): {label}: Weights only load failed: its pickle needs the global {full}, "
            "which is not allowed. With weights_only=True (the default) minitorch never "
            "unpickles anything but tensors, arrays, containers, numbers and the globals "
            f"allowed with minitorch.serialization.add_safe_globals([{name}]) or the "
            f"safe_globals([{name}]) context manager: allow it that way if you trust this "
            "class or function. Loading with weights_only=False would build it, but can run "
            "arbitrary code: do that only for files from a trusted source. (A module saved "
            "whole by minitorch.save needs its classes allowed, or weights_only=False.)")


# ====================================================================== torch checkpoints
# torch's storage classes (the pickle names them in each storage's persistent id) and the
# NumPy dtype of their elements; bfloat16 has none (see _TorchCheckpoint._bfloat16).
_TORCH_STORAGES = {
    "DoubleStorage": "float64", "FloatStorage": "float32", "HalfStorage": "float16",
    "LongStorage": "int64", "IntStorage": "int32", "ShortStorage": "int16",
    "CharStorage": "int8", "ByteStorage": "uint8", "BoolStorage": "bool",
    "BFloat16Storage": "bfloat16", "ComplexFloatStorage": "complex64",
    "ComplexDoubleStorage": "complex128", "UntypedStorage": "uint8",
}
_TORCH_DTYPES = {
    "float64": "float64", "double": "float64", "float32": "float32", "float": "float32",
    "float16": "float16", "half": "float16", "bfloat16": "bfloat16", "int64": "int64",
    "long": "int64", "int32": "int32", "int": "int32", "int16": "int16", "short": "int16",
    "int8": "int8", "uint8": "uint8", "uint16": "uint16", "uint32": "uint32",
    "uint64": "uint64", "bool": "bool", "complex64": "complex64", "complex128": "complex128",
    "cfloat": "complex64", "cdouble": "complex128",
}


def _torch_global_kind(module: str, name: str):
    """How a torch checkpoint's global is rebuilt: "storage", "dtype", its key in
    _TORCH_OBJECTS, or None (not torch's, or not one minitorch rebuilds)."""
    if module != "torch" and not module.startswith("torch."):
        return None
    if module == "torch" and name.endswith("Storage") and name in _TORCH_STORAGES:
        return "storage"
    if module == "torch.storage" and name in ("UntypedStorage", "TypedStorage"):
        return "storage"
    if module == "torch" and name in _TORCH_DTYPES:
        return "dtype"
    full = f"{module}.{name}"
    return full if full in _TORCH_OBJECTS else None


class _TorchStorageType:
    def __init__(self, name: str):
        self.name = name


class _TorchStorage:
    """One storage of a torch checkpoint: its elements as a 1-D NumPy array (uint16 bits
    for bfloat16, bytes for an untyped storage) and the location it was saved on."""

    def __init__(self, array: np.ndarray, dtype_name: str, location: str):
        self.array = array
        self.dtype_name = dtype_name
        self.location = location


class _TorchDtype:
    """A torch dtype minitorch has no dtype for (complex ones): its name."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"


class _TorchCheckpoint:
    """Reads torch.save's ZIP format without torch: ``<archive>/data.pkl`` (the object,
    pickled) and ``<archive>/data/<key>`` (each storage's raw bytes), through the
    restricted unpickler with torch's rebuild functions mapped to minitorch's."""

    def __init__(self, zf, pickle_name, bad, mapper, options, label):
        self.zf = zf
        self.prefix = pickle_name[:-len("data.pkl")]
        self.bad = bad
        self.mapper = mapper
        self.options = options
        self.label = label
        self.storages = {}
        self.byteorder = "little"
        order_name = self.prefix + "byteorder"
        if order_name in zf.namelist():
            self.byteorder = zf.read(order_name).decode("ascii", "replace").strip()
            if self.byteorder not in ("little", "big"):
                raise bad(f"is corrupted: its byteorder record says {self.byteorder!r}")

    def load(self):
        try:
            raw = self.zf.read(self.prefix + "data.pkl")
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise self.bad(f"is corrupted: cannot read {self.prefix}data.pkl ({exc})") from None
        return _unpickle(raw, self.label, self.options, _base_globals(), self.persistent_load,
                         self.bad, remap=self.resolve, unknown=self.refuse_torch)

    # ------------------------------------------------------------------ globals
    def resolve(self, module: str, name: str):
        """torch's globals as minitorch objects; None for a non-torch global and for a
        torch global minitorch cannot rebuild (`refuse_torch` then names it)."""
        kind = _torch_global_kind(module, name)
        if kind is None:
            return None
        if kind == "storage":
            return _TorchStorageType(name if module == "torch" else "UntypedStorage")
        if kind == "dtype":
            dtype_name = _TORCH_DTYPES[name]
            mine = getattr(_dt, dtype_name, None)
            return mine if isinstance(mine, _dt.dtype) else _TorchDtype(dtype_name)
        found = _TORCH_OBJECTS[kind]
        return getattr(self, found) if isinstance(found, str) else found

    def refuse_torch(self, module: str, name: str) -> None:
        """A torch global nothing allowed (a whole module, a quantized tensor...): an
        error that says a state_dict is what minitorch reads."""
        if module != "torch" and not module.startswith("torch."):
            return
        error = WeightsOnlyUnpicklingError if self.options.weights_only else CheckpointError
        raise error(
            f"load(): {self.label} was written by torch.save and its pickle needs "
            f"{module}.{name}, which minitorch cannot rebuild without PyTorch (it reads "
            "tensors, parameters, sizes, devices, dtypes and containers; quantized, "
            "sparse, nested and subclassed tensors and whole torch modules need torch). "
            "Save a state_dict() with torch instead")

    # ------------------------------------------------------------------ storages
    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise self.bad(f"is corrupted: its pickle has an unknown persistent id {pid!r}")
        _, storage_type, key, location, numel = pid
        if not isinstance(storage_type, _TorchStorageType) or not isinstance(key, str) or \
                not isinstance(location, str) or not isinstance(numel, int) or numel < 0:
            raise self.bad(f"is corrupted: its pickle has an invalid storage id {pid!r}")
        if key not in self.storages:
            self.storages[key] = self._read_storage(storage_type.name, key, location, numel)
        return self.storages[key]

    def _read_storage(self, type_name, key, location, numel):
        dtype_name = _TORCH_STORAGES[type_name]
        np_dtype = np.dtype("uint16" if dtype_name == "bfloat16" else dtype_name)
        if self.byteorder == "big":
            np_dtype = np_dtype.newbyteorder(">")
        member = f"{self.prefix}data/{key}"
        try:
            raw = self.zf.read(member)
        except KeyError:
            raise self.bad(f"is corrupted: the storage {member} is missing") from None
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001  bad CRC...
            raise self.bad(f"is corrupted: cannot read the storage {member} ({exc})") from None
        if len(raw) < numel * np_dtype.itemsize:
            raise self.bad(f"is corrupted: the storage {member} holds {len(raw)} bytes, "
                           f"less than its {numel} elements need")
        arr = np.frombuffer(raw, dtype=np_dtype, count=numel)
        if self.byteorder == "big":
            arr = arr.astype(np_dtype.newbyteorder("="))
        return _TorchStorage(arr, dtype_name, location)

    # ------------------------------------------------------------------ tensors
    def _view(self, storage, offset, size, stride, dtype_name=None):
        """The tensor's elements, copied out of the storage (bounds checked first)."""
        if not isinstance(storage, _TorchStorage):
            raise self.bad("is corrupted: a tensor's storage is not a storage")
        arr = storage.array
        dtype_name = dtype_name or storage.dtype_name
        if storage.dtype_name == "uint8" and dtype_name not in ("uint8",):
            # an untyped storage (bytes) viewed as the tensor's dtype
            item = np.dtype("uint16" if dtype_name == "bfloat16" else dtype_name)
            usable = arr.size - arr.size % item.itemsize
            arr = arr[:usable].view(item)
        size = tuple(int(s) for s in size)
        stride = tuple(int(s) for s in stride)
        offset = int(offset)
        if len(size) != len(stride) or offset < 0 or any(s < 0 for s in size) or \
                any(s < 0 for s in stride):
            raise self.bad(f"is corrupted: a tensor has size {size}, stride {stride}, offset "
                           f"{offset}")
        count = math.prod(size)
        if count:
            last = offset + sum((n - 1) * s for n, s in zip(size, stride))
            if last >= arr.size:
                raise self.bad(f"is corrupted: a tensor of size {size} reads past the end of "
                               f"its storage of {arr.size} elements")
        base = arr[offset:] if count else arr[:0]
        view = np.lib.stride_tricks.as_strided(
            base, shape=size, strides=tuple(s * arr.itemsize for s in stride), writeable=False)
        out = np.array(view, copy=True, order="C")
        if dtype_name == "bfloat16":
            out = (out.astype(np.uint32) << 16).view(np.float32)
        return out, dtype_name

    def _make_tensor(self, data, dtype_name, location, requires_grad=False):
        t = Tensor(data)
        if dtype_name == "bfloat16" and hasattr(_dt, "bfloat16"):
            t = t.to(_dt.bfloat16)
        t = self.mapper.place(t, location)
        if requires_grad:
            t.requires_grad_(True)
        return t

    def rebuild_tensor(self, storage, storage_offset, size, stride):
        data, dtype_name = self._view(storage, storage_offset, size, stride)
        self.mapper.check(storage.location, self.label)
        return self._make_tensor(data, dtype_name, storage.location)

    def rebuild_tensor_v2(self, storage, storage_offset, size, stride, requires_grad,
                          backward_hooks, metadata=None):
        data, dtype_name = self._view(storage, storage_offset, size, stride)
        self.mapper.check(storage.location, self.label)
        return self._make_tensor(data, dtype_name, storage.location, bool(requires_grad))

    def rebuild_tensor_v3(self, storage, storage_offset, size, stride, requires_grad,
                          backward_hooks, dtype, metadata=None):
        if not isinstance(dtype, (_TorchDtype, _dt.dtype)) or dtype.name not in \
                _TORCH_DTYPES.values():
            raise self.bad(f"is corrupted: a tensor has the dtype {dtype!r}")
        data, dtype_name = self._view(storage, storage_offset, size, stride, dtype.name)
        self.mapper.check(storage.location, self.label)
        return self._make_tensor(data, dtype_name, storage.location, bool(requires_grad))

    def rebuild_parameter(self, data, requires_grad, backward_hooks):
        from .nn.parameter import Parameter
        if not isinstance(data, Tensor):
            raise self.bad("is corrupted: a parameter's data is not a tensor")
        return Parameter(data.detach(), requires_grad=bool(requires_grad))

    def rebuild_parameter_with_state(self, data, requires_grad, backward_hooks, state):
        return self.rebuild_parameter(data, requires_grad, backward_hooks)

    def rebuild_from_numpy(self, data, dtype, device, requires_grad):
        if not isinstance(data, np.ndarray):
            raise self.bad("is corrupted: a tensor's data is not an array")
        return self._make_tensor(np.array(data), "", str(device), bool(requires_grad))

    def rebuild_from_cpu(self, data, dtype, device, requires_grad):
        if not isinstance(data, Tensor):
            raise self.bad("is corrupted: a tensor's data is not a tensor")
        return self._make_tensor(data.detach().numpy(), "", str(device), bool(requires_grad))

    def rebuild_from_type_v2(self, func, new_type, args, state):
        t = func(*args)
        if isinstance(new_type, _ClassMarker) and new_type.name == "Parameter" and \
                isinstance(t, Tensor):
            from .nn.parameter import Parameter
            if not isinstance(t, Parameter):
                t = Parameter(t.detach(), requires_grad=t.requires_grad)
        elif not (isinstance(new_type, _ClassMarker) and new_type.name in
                  ("Tensor", "Parameter")):
            raise self.bad("holds a tensor subclass, which minitorch cannot rebuild")
        return t

    def rebuild_from_type(self, func, new_type, args, dict_):
        return self.rebuild_from_type_v2(func, new_type, args, None)


def _torch_size(*args):
    from .tensor import Size
    return Size(*args)


def _torch_device(*args):
    """torch.device('cuda', 0) as minitorch's device (a string if minitorch has no such
    device type)."""
    try:
        return backend.device(*args)
    except (TypeError, ValueError):
        return ":".join(str(a) for a in args if a is not None)


def _torch_layout(name):
    return name


# torch's globals minitorch rebuilds without torch, besides storage classes and dtypes
# (see _torch_global_kind): "module.name" -> a _TorchCheckpoint method's name (the
# rebuild functions, which read that checkpoint's storages), or the object itself
_TORCH_OBJECTS = {
    "torch._utils._rebuild_tensor": "rebuild_tensor",
    "torch._utils._rebuild_tensor_v2": "rebuild_tensor_v2",
    "torch._utils._rebuild_tensor_v3": "rebuild_tensor_v3",
    "torch._utils._rebuild_parameter": "rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state": "rebuild_parameter_with_state",
    "torch._utils._rebuild_device_tensor_from_numpy": "rebuild_from_numpy",
    "torch._utils._rebuild_device_tensor_from_cpu_tensor": "rebuild_from_cpu",
    "torch._tensor._rebuild_from_type_v2": "rebuild_from_type_v2",
    "torch._tensor._rebuild_from_type": "rebuild_from_type",
    "torch.Size": _torch_size, "torch.device": _torch_device,
    "torch.nn.parameter.Parameter": _ClassMarker("Parameter"),
    "torch.Tensor": _ClassMarker("Tensor"),
    "torch.serialization._get_layout": _torch_layout,
}


# ====================================================================== inspection
def get_unsafe_globals_in_checkpoint(f) -> list:
    """The globals a checkpoint's pickle names that ``load(weights_only=True)`` would refuse
    now (as "module.name" strings, in the order the pickle names them; empty for plain
    data), without unpickling anything, as
    ``torch.serialization.get_unsafe_globals_in_checkpoint``. It asks the question the
    restricted unpickler asks (`_resolve_global`): Python 2 names of protocol < 3 pickles
    come back under their Python 3 names (``__builtin__.long`` as ``builtins.int``), the
    globals allowed with add_safe_globals / safe_globals are left out, and in a torch.save
    file every torch global minitorch cannot rebuild (a whole ``torch.nn.Linear``, a
    quantized tensor) is reported."""
    if isinstance(f, (str, bytes, os.PathLike)):
        with open(os.fsdecode(f), "rb") as fh:
            return get_unsafe_globals_in_checkpoint(io.BytesIO(fh.read()))
    with zipfile.ZipFile(f) as zf:
        names = zf.namelist()
        if MANIFEST in names:
            if OBJECTS not in names:
                return []
            raw, allowed, remap = zf.read(OBJECTS), _minitorch_globals(), None
        else:
            pickles = [n for n in names if n == "data.pkl" or n.endswith("/data.pkl")]
            if not pickles:
                raise CheckpointError("get_unsafe_globals_in_checkpoint(): not a minitorch or "
                                      "torch checkpoint")
            # torch's globals that _TorchCheckpoint rebuilds; any other torch.* one (a whole
            # torch.nn.Linear...) is refused by load, so it is reported
            raw, allowed, remap = zf.read(pickles[0]), _base_globals(), _torch_global_kind
    protocol = _pickle_protocol(raw)
    unsafe = []
    for module, name in _pickle_globals(raw):
        if _resolve_global(module, name, protocol, True, allowed, remap) is not None:
            continue
        full = ".".join(_py3_global(module, name, protocol))
        if full not in unsafe:
            unsafe.append(full)
    return unsafe


def _pickle_globals(raw: bytes) -> list:
    """Every global a pickle names (GLOBAL and STACK_GLOBAL), as (module, name) pairs
    spelled as in the file, by reading its opcodes."""
    out, strings, memo = [], [], {}
    memo_count = 0
    last = None                     # the last value pushed, when it is a string
    for op, arg, _ in pickletools.genops(raw):
        name = op.name
        if name == "GLOBAL":
            module, attr = arg.split(" ", 1)
            out.append((module, attr))
            last = None
        elif name in ("SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE",
                      "SHORT_BINSTRING", "BINSTRING", "STRING"):
            last = arg
            strings.append(arg)
        elif name in ("BINPUT", "LONG_BINPUT", "PUT"):
            memo[arg] = last
        elif name == "MEMOIZE":
            memo[memo_count] = last
            memo_count += 1
        elif name in ("BINGET", "LONG_BINGET", "GET"):
            last = memo.get(arg)
            strings.append(last)
        elif name == "STACK_GLOBAL":
            if len(strings) >= 2 and isinstance(strings[-2], str) and \
                    isinstance(strings[-1], str):
                out.append((strings[-2], strings[-1]))
            last = None
        elif name not in ("FRAME", "PROTO"):
            last = None
    return out
