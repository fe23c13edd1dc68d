"""``minitorch.distributed``: importable now, so scripts that import it at the top run
(and take their single-process branch: ``is_available()`` and ``is_initialized()`` are
False). The process-group functions raise a clear RuntimeError until distributed
training is built (MPI through mpi4py for CPU arrays, NCCL through CuPy for GPU arrays:
see DESIGN.md)."""
from __future__ import annotations

import enum

__all__ = ["is_available", "is_initialized", "init_process_group", "destroy_process_group",
           "get_rank", "get_world_size", "barrier", "all_reduce", "all_gather", "broadcast",
           "reduce", "gather", "scatter", "send", "recv", "new_group", "ReduceOp",
           "get_backend", "is_mpi_available", "is_nccl_available", "is_gloo_available",
           "is_torchelastic_launched", "group", "GroupMember"]


def is_available() -> bool:
    """False: minitorch has no distributed training yet."""
    return False


def is_initialized() -> bool:
    return False


def is_mpi_available() -> bool:
    return False


def is_nccl_available() -> bool:
    return False


def is_gloo_available() -> bool:
    return False


def is_torchelastic_launched() -> bool:
    return False


class ReduceOp(enum.Enum):
    SUM = 0
    PRODUCT = 1
    MIN = 2
    MAX = 3
    BAND = 4
    BOR = 5
    BXOR = 6
    AVG = 7


class group:
    WORLD = None


class GroupMember:
    WORLD = None
    NON_GROUP_MEMBER = object()


def _not_yet(name):
    def fn(*args, **kwargs):
        raise RuntimeError(f"minitorch.distributed.{name}(): distributed training is not yet "
                           "available in minitorch (is_available() is False); run in one "
                           "process")
    fn.__name__ = name
    fn.__doc__ = "Not yet available: raises RuntimeError."
    return fn


for _name in ("init_process_group", "destroy_process_group", "get_rank", "get_world_size",
              "barrier", "all_reduce", "all_gather", "broadcast", "reduce", "gather",
              "scatter", "send", "recv", "isend", "irecv", "new_group", "get_backend",
              "all_gather_object", "broadcast_object_list", "reduce_scatter", "all_to_all"):
    globals()[_name] = _not_yet(_name)
del _name
