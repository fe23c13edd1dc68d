"""``minitorch.cuda``: whether CuPy and a GPU are here."""
from .. import backend


def is_available() -> bool:
    """True when CuPy imports and sees at least one CUDA device."""
    return backend.cuda_available()


def device_count() -> int:
    return backend.cuda_device_count()


def synchronize(device=None) -> None:
    """Wait for all queued GPU work to finish (no-op without a GPU)."""
    backend.synchronize()


def current_device() -> int:
    """The index of the current CUDA device (an error without one)."""
    from ..accelerator import current_device_index
    return current_device_index()


def set_device(device) -> None:
    """Make a CUDA device (an index or ``device("cuda", i)``) the current one."""
    from ..accelerator import set_device_index
    set_device_index(device)


def manual_seed(seed: int) -> None:
    from ..random import manual_seed as _seed
    _seed(seed)


manual_seed_all = manual_seed


def is_initialized() -> bool:
    """Whether minitorch has talked to a GPU yet (CuPy imported and a device seen)."""
    return backend._cupy is not None and backend._gpu_seen


def init() -> None:
    """Initialize CUDA now (an error without a GPU)."""
    _require("init")


def _require(fn: str):
    if not is_available():
        raise RuntimeError(f"minitorch.cuda.{fn}(): CUDA is not available (CuPy with a CUDA "
                           "GPU is needed: pip install 'minitorch-xp[cuda]')")
    return backend._try_cupy()


def _index(device) -> int:
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    return backend.device(device).index or 0


# ---------------------------------------------------------------------------- devices
def get_device_name(device=None) -> str:
    return get_device_properties(device).name


def get_device_capability(device=None) -> tuple:
    p = get_device_properties(device)
    return (p.major, p.minor)


class _DeviceProperties:
    """The fields of PyTorch's device properties that programs read."""

    def __init__(self, props: dict):
        name = props.get("name", b"")
        self.name = name.decode() if isinstance(name, bytes) else str(name)
        self.total_memory = int(props.get("totalGlobalMem", 0))
        self.major = int(props.get("major", 0))
        self.minor = int(props.get("minor", 0))
        self.multi_processor_count = int(props.get("multiProcessorCount", 0))
        self.is_integrated = bool(props.get("integrated", 0))
        self.is_multi_gpu_board = bool(props.get("isMultiGpuBoard", 0))

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, "
                f"minor={self.minor}, total_memory={self.total_memory // 2 ** 20}MB, "
                f"multi_processor_count={self.multi_processor_count})")


def get_device_properties(device=None) -> _DeviceProperties:
    cp = _require("get_device_properties")
    return _DeviceProperties(cp.cuda.runtime.getDeviceProperties(_index(device)))


def get_arch_list() -> list:
    return []


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """False: CuPy has no bfloat16 arrays, so minitorch's CUDA tensors cannot be bfloat16
    (programs then choose float16 for mixed precision)."""
    return False


class device:
    """``with minitorch.cuda.device(i): ...`` makes GPU i current for the block."""

    def __init__(self, device):
        self.idx = -1 if device is None else _index(device)

    def __enter__(self):
        if self.idx < 0 or not is_available():
            self.prev = None
            return self
        cp = backend._try_cupy()
        self.prev = cp.cuda.runtime.getDevice()
        cp.cuda.Device(self.idx).use()
        return self

    def __exit__(self, *exc):
        if self.prev is not None:
            backend._try_cupy().cuda.Device(self.prev).use()
        return False


# ---------------------------------------------------------------------------- memory
_PEAK = {"allocated": 0, "reserved": 0}


def _pool():
    cp = backend._try_cupy()
    if cp is None or not is_available():
        return None
    return cp.get_default_memory_pool()


def memory_allocated(device=None) -> int:
    """Bytes held by live CuPy arrays (CuPy's memory pool); 0 without a GPU."""
    pool = _pool()
    if pool is None:
        return 0
    used = int(pool.used_bytes())
    _PEAK["allocated"] = max(_PEAK["allocated"], used)
    return used


def memory_reserved(device=None) -> int:
    """Bytes the CuPy memory pool holds from the driver (used and cached); 0 without a GPU."""
    pool = _pool()
    if pool is None:
        return 0
    total = int(pool.total_bytes())
    _PEAK["reserved"] = max(_PEAK["reserved"], total)
    return total


def max_memory_allocated(device=None) -> int:
    """The largest memory_allocated() seen (CuPy keeps no peak: sampled at each query)."""
    memory_allocated(device)
    return _PEAK["allocated"]


def max_memory_reserved(device=None) -> int:
    memory_reserved(device)
    return _PEAK["reserved"]


def reset_peak_memory_stats(device=None) -> None:
    _PEAK["allocated"] = _PEAK["reserved"] = 0


reset_max_memory_allocated = reset_peak_memory_stats
reset_max_memory_cached = reset_peak_memory_stats
memory_cached = memory_reserved
max_memory_cached = max_memory_reserved


def empty_cache() -> None:
    """Return the cached, unused GPU memory of CuPy's pools to the driver."""
    pool = _pool()
    if pool is not None:
        pool.free_all_blocks()
        backend._try_cupy().get_default_pinned_memory_pool().free_all_blocks()


def mem_get_info(device=None) -> tuple:
    """(free, total) bytes on the GPU."""
    cp = _require("mem_get_info")
    with cp.cuda.Device(_index(device)):
        free, total = cp.cuda.runtime.memGetInfo()
    return int(free), int(total)


def memory_summary(device=None, abbreviated: bool = False) -> str:
    return (f"minitorch CUDA memory: allocated {memory_allocated(device)} bytes, reserved "
            f"{memory_reserved(device)} bytes (CuPy memory pool)")


def set_per_process_memory_fraction(fraction: float, device=None) -> None:
    """Limit CuPy's memory pool to `fraction` of the GPU's memory."""
    cp = _require("set_per_process_memory_fraction")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"Invalid fraction value: {fraction}. Allowed range: 0~1")
    _, total = mem_get_info(device)
    cp.get_default_memory_pool().set_limit(size=int(total * fraction))


def ipc_collect() -> None:
    pass


# ---------------------------------------------------------------------------- RNG
def seed() -> None:
    from ..random import seed as _seed
    _seed()


seed_all = seed


def get_rng_state(device="cuda"):
    """minitorch draws random numbers on the host for every device: the one generator."""
    from ..random import get_rng_state as _get
    return _get()


def set_rng_state(new_state, device="cuda") -> None:
    from ..random import set_rng_state as _set
    _set(new_state)


get_rng_state_all = get_rng_state


# ---------------------------------------------------------------------------- streams
class Stream:
    """A CUDA stream (CuPy's) on a GPU; on the CPU a stand-in whose work is done at once."""

    def __init__(self, device=None, priority: int = 0, **kwargs):
        cp = backend._try_cupy() if is_available() else None
        self._stream = cp.cuda.Stream(non_blocking=True) if cp is not None else None

    def synchronize(self) -> None:
        if self._stream is not None:
            self._stream.synchronize()

    def wait_stream(self, stream) -> None:
        if self._stream is not None and getattr(stream, "_stream", None) is not None:
            self._stream.wait_event(stream._stream.record())

    def wait_event(self, event) -> None:
        if self._stream is not None and getattr(event, "_event", None) is not None:
            self._stream.wait_event(event._event)

    def record_event(self, event=None):
        event = event or Event()
        event.record(self)
        return event

    def query(self) -> bool:
        return True if self._stream is None else bool(self._stream.done)

    def __enter__(self):
        if self._stream is not None:
            self._stream.__enter__()
        return self

    def __exit__(self, *exc):
        if self._stream is not None:
            self._stream.__exit__(*exc)
        return False


_DEFAULT_STREAM = None


def current_stream(device=None) -> Stream:
    return default_stream(device)


def default_stream(device=None) -> Stream:
    global _DEFAULT_STREAM
    if _DEFAULT_STREAM is None:
        s = Stream.__new__(Stream)
        s._stream = backend._try_cupy().cuda.Stream.null if is_available() else None
        _DEFAULT_STREAM = s
    return _DEFAULT_STREAM


class stream:
    """``with minitorch.cuda.stream(s): ...``: queue the block's GPU work on s."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        if self.stream is not None:
            self.stream.__enter__()
        return self.stream

    def __exit__(self, *exc):
        if self.stream is not None:
            self.stream.__exit__(*exc)
        return False


class Event:
    """A CUDA event for timing GPU work (CuPy's); on the CPU it records the host clock, so
    ``start.elapsed_time(end)`` (milliseconds) still times the code between them."""

    def __init__(self, enable_timing: bool = False, blocking: bool = False,
                 interprocess: bool = False):
        cp = backend._try_cupy() if is_available() else None
        self._event = cp.cuda.Event(block=blocking, disable_timing=not enable_timing) \
            if cp is not None else None
        self._time = None

    def record(self, stream=None) -> None:
        if self._event is not None:
            self._event.record(getattr(stream, "_stream", None))
        else:
            import time
            self._time = time.perf_counter()

    def synchronize(self) -> None:
        if self._event is not None:
            self._event.synchronize()

    def wait(self, stream=None) -> None:
        if self._event is not None:
            (getattr(stream, "_stream", None) or backend._try_cupy().cuda.get_current_stream()
             ).wait_event(self._event)

    def query(self) -> bool:
        return True if self._event is None else bool(self._event.done)

    def elapsed_time(self, end_event) -> float:
        """Milliseconds from this event to `end_event`."""
        if self._event is not None:
            return float(backend._try_cupy().cuda.get_elapsed_time(self._event,
                                                                   end_event._event))
        if self._time is None or end_event._time is None:
            raise RuntimeError("elapsed_time(): both events must be recorded first")
        return (end_event._time - self._time) * 1000.0


# ---------------------------------------------------------------------------- legacy types
from .._tensor_types import CUDA_TYPES as _CUDA_TYPES  # noqa: E402

globals().update(_CUDA_TYPES)
from . import amp  # noqa: E402,F401
