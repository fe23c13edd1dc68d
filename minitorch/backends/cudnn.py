"""``minitorch.backends.cudnn``: cuDNN's switches. minitorch's convolutions are its own
(im2col + matmul on NumPy/CuPy), never cuDNN's, so these flags are recorded and change
nothing: ``benchmark`` (autotuning), ``deterministic``, ``enabled``, ``allow_tf32``."""

benchmark = False        # no effect: no cuDNN autotuner
deterministic = False    # no effect: minitorch's conv kernels are deterministic
enabled = True           # no effect
allow_tf32 = True        # no effect: float32 convolutions are full float32
benchmark_limit = 10     # no effect


def is_available() -> bool:
    """False: minitorch never calls cuDNN."""
    return False


def is_acceptable(tensor) -> bool:
    return False


def version():
    """None: no cuDNN (as PyTorch without it)."""
    return None


class flags:
    """``with cudnn.flags(enabled=..., benchmark=..., deterministic=..., allow_tf32=...)``:
    set the flags for a block and restore them after (they change nothing)."""

    def __init__(self, enabled=False, benchmark=False, benchmark_limit=10,
                 deterministic=False, allow_tf32=True):
        self._new = dict(enabled=enabled, benchmark=benchmark,
                         benchmark_limit=benchmark_limit, deterministic=deterministic,
                         allow_tf32=allow_tf32)

    def __enter__(self):
        g = globals()
        self._old = {k: g[k] for k in self._new}
        g.update(self._new)
        return self

    def __exit__(self, *exc):
        globals().update(self._old)
        return False
