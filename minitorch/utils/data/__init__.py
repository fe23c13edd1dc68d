"""minitorch.utils.data (alias minitorch.data): datasets, samplers, collation and the
DataLoader, with torch.utils.data's names and semantics.

    from minitorch.utils.data import DataLoader, TensorDataset, random_split
    ds = TensorDataset(x, y)
    train, val = random_split(ds, [0.9, 0.1])
    for xb, yb in DataLoader(train, batch_size=128, shuffle=True):
        ...

Samplers (Sequential, Random, SubsetRandom, WeightedRandom, Batch, Distributed) choose the
order; IterableDataset streams; ``num_workers > 0`` emulates torch's worker processes in
the main process, each on its own dataset copy, batches in torch's order (dataloader.py,
_worker.py).
"""
from .dataset import *  # noqa: F401,F403
from .sampler import *  # noqa: F401,F403
from .collate import default_collate, default_convert
from .dataloader import *  # noqa: F401,F403
from .distributed import DistributedSampler
from . import dataset as _dataset, sampler as _sampler, dataloader as _dataloader
from . import distributed

__all__ = (list(_dataset.__all__) + list(_sampler.__all__) + ["default_collate", "default_convert"]
           + list(_dataloader.__all__) + ["DistributedSampler"])
