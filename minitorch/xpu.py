"""``minitorch.xpu``: Intel's GPU device module, which minitorch does not have: no device,
and the housekeeping calls do nothing."""


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def synchronize(device=None) -> None:
    pass


def empty_cache() -> None:
    pass


def manual_seed(seed: int) -> None:
    from .random import manual_seed as _seed
    _seed(seed)


def manual_seed_all(seed: int) -> None:
    manual_seed(seed)
