"""DistributedSampler, as ``torch.utils.data.distributed``: each of ``num_replicas``
processes reads its own 1/num_replicas share of a dataset.

    sampler = DistributedSampler(ds, num_replicas=4, rank=1, shuffle=True, seed=0)
    loader = DataLoader(ds, batch_size=32, sampler=sampler)
    for epoch in range(epochs):
        sampler.set_epoch(epoch)          # a different shuffle every epoch, the same on
        for xb, yb in loader: ...         # every replica

The indices (a permutation seeded by ``seed + epoch``, or 0..N-1) are padded by repeating
their start until they divide evenly (or cut, with ``drop_last``), and replica ``rank``
takes every ``num_replicas``-th one from position ``rank``: the shares are disjoint and of
equal size, torch's rule exactly. The permutation comes from minitorch's generator, so it
is not torch's permutation for the same seed (the same on every replica, which is what
matters).

``num_replicas`` and ``rank`` given explicitly work without any distributed setup; left
out, they come from ``minitorch.distributed`` (which raises until a process group exists).
"""
from __future__ import annotations

import math

from .sampler import Sampler, _is_int

__all__ = ["DistributedSampler"]


def _from_process_group(what: str) -> int:
    from ... import distributed as dist
    if not dist.is_available():
        raise RuntimeError(f"DistributedSampler(): {what} was not given and requires the "
                           "distributed package to be available (minitorch.distributed has "
                           "no process groups yet): pass num_replicas= and rank= explicitly")
    return dist.get_world_size() if what == "num_replicas" else dist.get_rank()


class DistributedSampler(Sampler):
    """The share of ``dataset`` that replica ``rank`` of ``num_replicas`` reads.

    Args:
        dataset: a map-style dataset (its ``len`` is used).
        num_replicas, rank: the number of processes and this one's index in
            [0, num_replicas); from the process group when None.
        shuffle: permute the indices (seeded by ``seed + epoch``; call ``set_epoch``).
        seed: the shuffle's seed; must be the same on every replica.
        drop_last: cut the tail so every replica gets ``floor`` of an equal share, instead
            of padding with repeated indices to ``ceil``.
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0,
                 drop_last=False):
        if num_replicas is None:
            num_replicas = _from_process_group("num_replicas")
        if rank is None:
            rank = _from_process_group("rank")
        if not _is_int(num_replicas) or num_replicas <= 0:
            raise ValueError(f"DistributedSampler(): num_replicas should be a positive integer, "
                             f"got {num_replicas!r}")
        if not _is_int(rank) or rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, "
                             f"{num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = int(num_replicas)
        self.rank = int(rank)
        self.epoch = 0
        self.drop_last = drop_last
        n = len(self.dataset)
        if self.drop_last and n % self.num_replicas != 0:
            self.num_samples = math.ceil((n - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            from ...creation import randperm
            from ...random import Generator
            g = Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            padding_size = self.total_size - len(indices)
            if padding_size <= len(indices):
                indices += indices[:padding_size]
            else:
                indices += (indices * math.ceil(padding_size / len(indices)))[:padding_size]
        else:
            indices = indices[:self.total_size]
        assert len(indices) == self.total_size
        indices = indices[self.rank:self.total_size:self.num_replicas]
        assert len(indices) == self.num_samples
        return iter(indices)

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use ``epoch`` in the shuffle's seed, so each epoch has its own order (the same on
        every replica). Call it before each epoch's iteration."""
        self.epoch = epoch
