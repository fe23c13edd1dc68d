"""``minitorch.amp``: automatic mixed precision, as ``torch.amp``.

- ``autocast(device_type, dtype=None, enabled=True, cache_enabled=None)``: a context
  manager and decorator. On CUDA (CuPy) the matrix products (matmul, linear, conv,
  attention) inside run in float16, and the ops that need range (softmax, log_softmax,
  norms, sums, losses) run in float32; on the CPU it is a no-op with one warning.
- ``GradScaler(device="cuda", init_scale=2**16, ...)``: loss scaling for float16
  training: scale the loss, unscale the gradients, skip steps whose gradients overflowed,
  and grow or back off the scale. Disabled (with PyTorch's warning) for device "cuda"
  when no GPU is there; for device "cpu" it works (the arithmetic is the same).
"""
from .autocast_mode import (autocast, is_autocast_available, custom_fwd, custom_bwd,
                            is_autocast_enabled, get_autocast_dtype, set_autocast_enabled,
                            set_autocast_dtype)
from .grad_scaler import GradScaler, OptState

__all__ = ["autocast", "GradScaler", "is_autocast_available", "custom_fwd", "custom_bwd",
           "is_autocast_enabled", "get_autocast_dtype", "set_autocast_enabled",
           "set_autocast_dtype", "OptState"]
