"""Indexing idioms from data-processing and RL code: torch.where with scalars, boolean-mask
assignment x[mask] = 0, fancy indexing with lists and LongTensors, scatter_ for one-hot
codes, gather to pick Q(s, a), index_add_ / scatter_add_ for per-group sums,
index_put_ with accumulate for a confusion matrix, masked_fill, index_select, nonzero,
and gradients flowing through gather and through a masked write."""
import json

import numpy as np
import torch

COMPARE = {"where": ("exact", None), "masked": ("exact", None), "fancy": ("exact", None),
           "one_hot": ("exact", None), "q_sa": ("exact", None), "group_sums": ("exact", None),
           "confusion": ("exact", None), "masked_fill": ("exact", None),
           "select": ("exact", None), "nonzero": ("exact", None), "gather_grad": ("exact", None),
           "mask_write_grad": ("exact", None), "scatter_add": ("exact", None),
           "td_loss": ("rel", 1e-6), "dtypes": ("exact", None),
           "view_write_grad": ("exact", None)}

rng = np.random.default_rng(0)
x = torch.from_numpy(rng.integers(-5, 6, size=(4, 5)).astype(np.float32))

where = [torch.where(x > 0, 1.0, -1.0).tolist(), torch.where(x > 0, x, 0.0).tolist(),
         torch.where(x > 0, x, torch.zeros_like(x)).sum().item()]

masked = x.clone()
masked[masked < 0] = 0
masked[:, [0, 2]] *= 10
masked[1] = torch.tensor([9.0, 8.0, 7.0, 6.0, 5.0])

fancy = [x[[0, 2]].tolist(), x[:, torch.tensor([4, 0])].tolist(),
         x[torch.tensor([0, 1, 3]), torch.tensor([1, 1, 4])].tolist(),
         x[x.sum(1) > 0].tolist(), x[..., -1].tolist(), x[1:3, None, ::2].shape[1:],
         x[range(2)].tolist()]
fancy[5] = list(fancy[5])

labels = torch.tensor([2, 0, 3, 1, 2])
one_hot = torch.zeros(len(labels), 4).scatter_(1, labels.unsqueeze(1), 1.0)

# DQN-style: Q(s, a) for the taken actions, a TD target with the max over next actions
q_values = torch.from_numpy(rng.standard_normal((5, 3)).astype(np.float32)).requires_grad_()
actions = torch.tensor([0, 2, 1, 1, 0])
rewards = torch.tensor([1.0, 0.0, -1.0, 0.5, 0.0])
next_q = torch.from_numpy(rng.standard_normal((5, 3)).astype(np.float32))
done = torch.tensor([0, 0, 1, 0, 1], dtype=torch.bool)
q_sa = q_values.gather(1, actions.unsqueeze(1)).squeeze(1)
target = rewards + 0.99 * next_q.max(1)[0] * (~done).float()
td_loss = torch.nn.functional.smooth_l1_loss(q_sa, target.detach())
td_loss.backward()
gather_grad = (q_values.grad != 0).int().tolist()

groups = torch.tensor([0, 1, 0, 2, 1])
values = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0])
group_sums = torch.zeros(3).index_add_(0, groups, values)
scatter_add = torch.zeros(3).scatter_add_(0, groups, values * 2)

preds = torch.tensor([0, 1, 1, 2, 2, 2])
truth = torch.tensor([0, 1, 2, 2, 2, 0])
confusion = torch.zeros(3, 3, dtype=torch.long)
confusion.index_put_((truth, preds), torch.ones(6, dtype=torch.long), accumulate=True)

scores = torch.arange(12.0).view(3, 4)
pad_mask = torch.tensor([[False, False, True, True], [False] * 4, [False, True, True, True]])
filled = scores.masked_fill(pad_mask, float("-inf")).softmax(-1)

w = torch.ones(6, requires_grad=True)
h = w * 2
h = h.clone()
h[torch.tensor([1, 4])] = 0.0
(h * torch.arange(6.0)).sum().backward()

p = torch.tensor([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]], requires_grad=True)
q = p * 2
q.view(-1)[q.view(-1) < 0] = 0.0      # zero the negatives through a flattened view
(q ** 2).sum().backward()
view_write_grad = [q.tolist(), p.grad.tolist()]

print(one_hot)
print("RESULT " + json.dumps({
    "where": where, "masked": masked.tolist(), "fancy": fancy, "one_hot": one_hot.tolist(),
    "q_sa": [round(v, 6) for v in q_sa.tolist()], "group_sums": group_sums.tolist(),
    "confusion": confusion.tolist(), "masked_fill": [[round(v, 6) for v in r] for r in filled.tolist()],
    "select": torch.index_select(scores, 1, torch.tensor([3, 1])).tolist(),
    "nonzero": [torch.nonzero(x > 3).tolist(), [t.tolist() for t in torch.nonzero(x > 3, as_tuple=True)]],
    "gather_grad": gather_grad, "mask_write_grad": w.grad.tolist(),
    "scatter_add": scatter_add.tolist(), "td_loss": td_loss.item(),
    "view_write_grad": view_write_grad,
    "dtypes": [str(t.dtype).split(".")[-1] for t in
               (one_hot, confusion, torch.where(x > 0, 1, 0), torch.where(x > 0, 1.0, 0),
                torch.where(x > 0, x, 2))]}))
