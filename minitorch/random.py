"""Random numbers, as ``torch.random``: the default generator (``default_generator``) that
``manual_seed`` seeds, ``Generator`` objects for separate streams, and the state functions
``get_rng_state`` / ``set_rng_state`` / ``fork_rng``.

Numbers are drawn on the host with NumPy's PCG64 and copied to the device, so a seed gives
the same values on "cpu" and "cuda". The streams differ from PyTorch's (another
algorithm): a seed reproduces minitorch's own runs, not PyTorch's numbers.

A generator's state is a uint8 tensor (like PyTorch's ByteTensor state; int64 where the
build has no uint8 dtype) holding PCG64's state: it can be cloned, saved with
``minitorch.save`` and handed back to ``set_state``.
"""
from __future__ import annotations

import contextlib

import numpy as np

# PyTorch seeds every new torch.Generator() with this value; the default generator gets a
# fresh seed in each process (torch.initial_seed() differs between runs, as in PyTorch)
_NEW_GENERATOR_SEED = 67280421310721
_STATE_BYTES = 16 + 16 + 1 + 4 + 8   # PCG64 state, increment, has_uint32, uinteger, seed


def _fresh_seed() -> int:
    return int(np.random.SeedSequence().entropy % (2 ** 63))


def _pcg64(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(seed))


class Generator:
    """A random generator, as ``torch.Generator(device="cpu")``: ``manual_seed(s)``
    (returns the generator), ``seed()``, ``initial_seed()``, ``get_state()`` /
    ``set_state()``, ``clone_state()``. Pass it as ``generator=`` to the sampling
    functions (rand, randn, randint, randperm, normal, multinomial, ..., and the in-place
    samplers)."""

    def __init__(self, device="cpu"):
        from . import backend
        self._device = backend.to_device(device, "Generator")
        self._seed = _NEW_GENERATOR_SEED
        self._rng = _pcg64(self._seed)

    @property
    def device(self):
        return self._device

    def manual_seed(self, seed) -> "Generator":
        """Restart the stream from `seed` (an int; negative values wrap modulo 2**64)."""
        seed = int(seed)
        if seed < 0:
            seed &= 0xFFFFFFFFFFFFFFFF
        self._seed = seed
        self._rng = _pcg64(seed)
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy; return that seed."""
        self.manual_seed(_fresh_seed())
        return self._seed

    def initial_seed(self) -> int:
        """The seed the current stream started from."""
        return self._seed

    def get_state(self):
        """The generator's state as a 1-D uint8 tensor (see set_state)."""
        st = self._rng.bit_generator.state
        raw = (int(st["state"]["state"]).to_bytes(16, "little")
               + int(st["state"]["inc"]).to_bytes(16, "little")
               + bytes([int(st["has_uint32"])])
               + int(st["uinteger"]).to_bytes(4, "little")
               + int(self._seed).to_bytes(8, "little"))
        from .tensor import _make
        from . import dtypes as _dt
        arr = np.frombuffer(raw, dtype=np.uint8).copy()
        if arr.dtype not in _dt._FROM_NP:  # a build without uint8: the bytes as int64
            arr = arr.astype(np.int64)
        return _make(arr)

    def set_state(self, new_state) -> "Generator":
        """Restore a state from get_state() (a tensor of bytes; also NumPy's state dict)."""
        if isinstance(new_state, dict):
            self._rng.bit_generator.state = new_state
            return self
        data = getattr(new_state, "_data", new_state)
        from . import backend
        raw = bytes(np.asarray(backend.transfer(data, backend.CPU)).astype(np.uint8).reshape(-1))
        if len(raw) != _STATE_BYTES:
            raise RuntimeError(f"Generator.set_state(): expected a state of {_STATE_BYTES} bytes "
                               f"(from get_state()), got {len(raw)}")
        self._rng.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": int.from_bytes(raw[0:16], "little"),
                      "inc": int.from_bytes(raw[16:32], "little")},
            "has_uint32": raw[32],
            "uinteger": int.from_bytes(raw[33:37], "little"),
        }
        self._seed = int.from_bytes(raw[37:45], "little")
        return self

    def clone_state(self) -> "Generator":
        """A new generator at this one's state."""
        g = Generator(self._device)
        g.set_state(self.get_state())
        return g

    def __repr__(self):
        return f"<minitorch.Generator object at {hex(id(self))} (device={self._device})>"


default_generator = Generator()
default_generator.manual_seed(_fresh_seed())


def manual_seed(seed) -> Generator:
    """Seed the default generator (and NumPy's global RNG, and CuPy's when present, for
    code that draws from them directly). Returns the default generator."""
    default_generator.manual_seed(seed)
    np.random.seed(int(seed) % (2 ** 32))
    from . import backend
    if backend._cupy is not None:
        try:
            backend._cupy.random.seed(int(seed) % (2 ** 32))
        except Exception:
            pass
    return default_generator


def seed() -> int:
    """Seed the default generator from the system's entropy and return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed of the default generator."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state (a uint8 tensor)."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    """Restore the default generator's state from get_rng_state()."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices",
             device_type="cuda"):
    """A block whose random draws do not disturb the default generator: its state is saved
    on entry and restored on exit (minitorch draws every device's numbers from that one
    generator, so `devices` needs no separate handling)."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


def rng(generator=None) -> np.random.Generator:
    """The NumPy generator behind `generator` (the default generator when None)."""
    if generator is None:
        return default_generator._rng
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a minitorch.Generator, got {type(generator).__name__}")
    return generator._rng


__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state", "fork_rng"]
