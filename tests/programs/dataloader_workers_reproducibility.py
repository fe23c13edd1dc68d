"""Reproducibility plumbing: DataLoader with num_workers=2, a worker_init_fn seeding NumPy
from torch.initial_seed(), persistent_workers, default_collate of dict/tuple samples
(numbers, NumPy arrays, strings), a seeded torch.Generator making shuffles repeatable,
torch.get_rng_state/set_rng_state and torch.random.fork_rng restoring the stream,
torch.use_deterministic_algorithms, and the same seed giving the same draws twice."""
import json
import random

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, default_collate

COMPARE = {"collated": ("exact", None), "worker_batches": ("exact", None), "same_shuffle": ("exact", None),
           "different_seed_differs": ("exact", None), "rng_restore": ("exact", None),
           "fork_restore": ("exact", None), "seeded_equal": ("exact", None),
           "worker_numbers_distinct": ("exact", None), "deterministic": ("exact", None)}


class Records(Dataset):
    def __len__(self):
        return 12

    def __getitem__(self, i):
        return {"id": i, "x": np.full(3, i, dtype=np.float32), "name": f"item{i}",
                "pair": (i, float(i) / 2), "noise": np.random.randint(0, 10 ** 6)}


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2 ** 32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


batch = default_collate([Records()[0], Records()[1]])
collated = [batch["id"].tolist(), batch["x"].tolist(), batch["name"], [t.tolist() for t in batch["pair"]],
            str(batch["x"].dtype).split(".")[-1], str(batch["pair"][1].dtype).split(".")[-1]]

if __name__ == "__main__":
    g = torch.Generator()
    g.manual_seed(0)
    loader = DataLoader(Records(), batch_size=4, shuffle=True, num_workers=2,
                        worker_init_fn=seed_worker, generator=g, persistent_workers=True)
    orders, noises = [], []
    for epoch in range(2):
        ids = []
        for b in loader:
            ids.extend(b["id"].tolist())
            noises.extend(b["noise"].tolist())
        orders.append(ids)
    worker_batches = [sorted(orders[0]) == list(range(12)), len(orders[1]), len(list(loader))]

    def shuffled(seed):
        gen = torch.Generator().manual_seed(seed)
        return [i for b in DataLoader(list(range(20)), batch_size=5, shuffle=True, generator=gen)
                for i in b.tolist()]

    torch.use_deterministic_algorithms(True)
    deterministic = [torch.are_deterministic_algorithms_enabled()]
    torch.use_deterministic_algorithms(False)
    deterministic.append(torch.are_deterministic_algorithms_enabled())

    state = torch.get_rng_state()
    a = torch.rand(3)
    torch.set_rng_state(state)
    b = torch.rand(3)
    with torch.random.fork_rng():
        torch.manual_seed(123)
        torch.rand(5)
    c = torch.rand(3)
    torch.set_rng_state(state)
    torch.rand(3)
    d = torch.rand(3)
    torch.manual_seed(7)
    e1 = torch.randn(4), torch.randint(0, 100, (3,)), torch.randperm(6)
    torch.manual_seed(7)
    e2 = torch.randn(4), torch.randint(0, 100, (3,)), torch.randperm(6)
    print(f"epoch orders: {orders}")
    print("RESULT " + json.dumps({
        "collated": collated, "worker_batches": worker_batches,
        "same_shuffle": shuffled(3) == shuffled(3), "different_seed_differs": shuffled(3) != shuffled(4),
        "rng_restore": bool(torch.equal(a, b)), "fork_restore": bool(torch.equal(c, d)),
        "seeded_equal": all(torch.equal(x, y) for x, y in zip(e1, e2)),
        "worker_numbers_distinct": len(set(noises)) > 12, "deterministic": deterministic}))
