"""Random numbers: a default generator seeded by `manual_seed`, and `Generator` objects.

Numbers are drawn on the CPU with NumPy's PCG64 and copied to the device, so a seed gives
the same values on "cpu" and "cuda".
"""
from __future__ import annotations

import numpy as np


class Generator:
    """A random generator, as ``torch.Generator``: ``manual_seed(s)``, ``initial_seed()``,
    ``get_state()`` / ``set_state()``."""

    def __init__(self, device="cpu"):
        self._seed = int(np.random.SeedSequence().entropy % (2 ** 63))
        self._rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed: int) -> "Generator":
        seed = int(seed)
        if seed < 0:
            seed &= 0xFFFFFFFFFFFFFFFF
        self._seed = seed
        self._rng = np.random.Generator(np.random.PCG64(seed))
        return self

    def seed(self) -> int:
        self.manual_seed(int(np.random.SeedSequence().entropy % (2 ** 63)))
        return self._seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> dict:
        return self._rng.bit_generator.state

    def set_state(self, state: dict) -> "Generator":
        self._rng.bit_generator.state = state
        return self


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (NumPy's global RNG too, and CuPy's when present)."""
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
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> dict:
    return default_generator.get_state()


def set_rng_state(state: dict) -> None:
    default_generator.set_state(state)


def rng(generator=None) -> np.random.Generator:
    if generator is None:
        return default_generator._rng
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a minitorch.Generator, got {type(generator).__name__}")
    return generator._rng
