"""Hogwild training as in the official example: model.share_memory(), torch.multiprocessing
Processes that each build their own optimizer over the shared parameters and train on a
shard, join(), then evaluation in the parent, which sees the workers' updates; plus a
tensor sent through an mp.Queue and is_shared()."""
import json

import numpy as np
import torch
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"initial_loss": ("rel", 1e-5), "final_loss": ("rel", 0.15), "shared": ("exact", None),
           "exitcodes": ("exact", None), "queue_sum": ("exact", None), "changed": ("exact", None)}

rng = np.random.default_rng(0)
X = torch.from_numpy(rng.standard_normal((400, 5)).astype(np.float32))
w_true = torch.tensor([[1.0], [-2.0], [0.5], [0.0], [3.0]])
Y = X @ w_true + 0.1 * torch.from_numpy(rng.standard_normal((400, 1)).astype(np.float32))


def train(rank, model, queue, done):
    torch.manual_seed(1 + rank)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    shard = slice(rank * 200, (rank + 1) * 200)
    for epoch in range(30):
        for i in range(0, 200, 50):
            xb, yb = X[shard][i:i + 50], Y[shard][i:i + 50]
            optimizer.zero_grad()
            F.mse_loss(model(xb), yb).backward()
            optimizer.step()
    queue.put(torch.full((2,), float(rank + 1)))
    done.wait()  # keep the shared tensor alive until the parent has received it


if __name__ == "__main__":
    model = nn.Linear(5, 1)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    model.share_memory()
    with torch.no_grad():
        initial = F.mse_loss(model(X), Y).item()
    before = model.weight.detach().clone()
    queue, done = mp.Queue(), mp.Event()
    processes = []
    for rank in range(2):
        p = mp.Process(target=train, args=(rank, model, queue, done))
        p.start()
        processes.append(p)
    received = [queue.get(timeout=60) for _ in processes]
    done.set()
    for p in processes:
        p.join()
    with torch.no_grad():
        final = F.mse_loss(model(X), Y).item()
    print(f"mse {initial:.4f} -> {final:.4f}")
    print("RESULT " + json.dumps({
        "initial_loss": initial, "final_loss": final,
        "shared": [p.is_shared() for p in model.parameters()],
        "exitcodes": [p.exitcode for p in processes],
        "queue_sum": sum(t.sum().item() for t in received),
        "changed": not torch.equal(before, model.weight.detach())}))
