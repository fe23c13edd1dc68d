"""``minitorch.backends.mkldnn``: oneDNN, which minitorch does not use; ``enabled`` is
recorded only."""

enabled = True  # no effect


def is_available() -> bool:
    return False


class flags:
    """``with mkldnn.flags(enabled=...)``: recorded for the block only."""

    def __init__(self, enabled=False, deterministic=False):
        self._new = enabled

    def __enter__(self):
        global enabled
        self._old, enabled = enabled, self._new
        return self

    def __exit__(self, *exc):
        global enabled
        enabled = self._old
        return False
