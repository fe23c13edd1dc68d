"""``minitorch.cuda.amp``: PyTorch's older spelling of ``minitorch.amp`` for CUDA
(deprecated there too): ``autocast(...)`` is ``amp.autocast("cuda", ...)``,
``GradScaler(...)`` is ``amp.GradScaler("cuda", ...)``."""
from __future__ import annotations

from ..amp import autocast_mode as _am
from ..amp import grad_scaler as _gs
from ..amp.autocast_mode import custom_fwd, custom_bwd  # noqa: F401

__all__ = ["autocast", "GradScaler", "custom_fwd", "custom_bwd"]


class autocast(_am.autocast):
    """``minitorch.cuda.amp.autocast(enabled=True, dtype=float16, cache_enabled=True)``."""

    def __init__(self, enabled: bool = True, dtype=None, cache_enabled=True):
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class GradScaler(_gs.GradScaler):
    """``minitorch.cuda.amp.GradScaler(init_scale=2**16, ...)`` on device "cuda"."""

    def __init__(self, init_scale: float = 2.0 ** 16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000,
                 enabled: bool = True):
        super().__init__("cuda", init_scale=init_scale, growth_factor=growth_factor,
                         backoff_factor=backoff_factor, growth_interval=growth_interval,
                         enabled=enabled)
