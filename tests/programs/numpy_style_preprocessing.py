"""Preprocessing written by someone coming from NumPy, which PyTorch accepts: axis= and
keepdims= in reductions and argmax, torch.concatenate / torch.clip / torch.absolute /
divide / multiply / subtract / greater / less_equal / swapaxes / moveaxis / ravel,
size= in creation functions, out= on torch-level functions, torch.max(x, axis=...) named
tuples, plus Tensor.is_cuda / is_mps / is_xpu device flags."""
import json

import numpy as np
import torch

COMPARE = {"standardized": ("rel", 1e-5), "reductions": ("exact", None), "aliases": ("exact", None),
           "creation": ("exact", None), "out_args": ("exact", None), "named": ("exact", None),
           "flags": ("exact", None), "minmax_scaled": ("rel", 1e-5)}

rng = np.random.default_rng(0)
data = torch.from_numpy(rng.integers(0, 100, size=(6, 4)).astype(np.float32))

mean = data.mean(axis=0, keepdims=True)
std = data.std(axis=0, keepdims=True)
standardized = ((data - mean) / std).sum(axis=1).tolist()
lo, hi = data.min(axis=0).values, data.max(axis=0).values
minmax = torch.divide(torch.subtract(data, lo), hi - lo)

reductions = [data.sum(axis=1).tolist(), data.argmax(axis=1).tolist(), torch.argmin(data, axis=0).tolist(),
              data.amax(axis=(0, 1)).item(), torch.sum(data, axis=0, keepdims=True).shape[0],
              data.prod(axis=1).shape[0], torch.all(data >= 0, axis=1).tolist(),
              torch.any(data > 95, axis=0).tolist(), data.cumsum(axis=0)[-1].tolist(),
              torch.var(data, axis=1, keepdims=True).shape[1], data.norm(dim=1, keepdim=True).shape[1]]
aliases = [torch.concatenate([data[:1], data[-1:]], axis=0).tolist(), torch.clip(data, 10, 20)[0].tolist(),
           torch.absolute(torch.tensor([-1.5, 2.0])).tolist(), torch.multiply(data[0], 2).tolist(),
           torch.greater(data[0], 50).tolist(), torch.less_equal(data[0], 50).tolist(),
           list(torch.swapaxes(data.view(2, 3, 4), 0, 2).shape), list(torch.moveaxis(data.view(2, 3, 4), 0, -1).shape),
           torch.ravel(data[:2, :2]).tolist(), torch.negative(data[0, :2]).tolist(),
           torch.true_divide(data[0, :2], 4).tolist(), torch.floor_divide(data[0], 7).tolist(),
           torch.remainder(data[0], 7).tolist(), torch.fmod(-data[0], 7).tolist(), torch.square(data[0, :2]).tolist(),
           torch.not_equal(data[0], data[1]).tolist(), torch.asarray([1, 2]).tolist(),
           torch.column_stack([data[0], data[1]]).shape[1], torch.atleast_2d(torch.tensor(1.0)).shape[0],
           torch.expand_copy(torch.tensor([1]), (3,)).tolist() if hasattr(torch, "expand_copy") else [1, 1, 1]]
creation = [list(torch.zeros(size=(2, 3)).shape), list(torch.ones(size=(4,)).shape),
            list(torch.empty(size=(1, 2)).shape), list(torch.full(size=(2,), fill_value=3).shape),
            list(torch.randn(size=(3, 1)).shape), list(torch.rand(size=(2, 2)).shape),
            list(torch.randint(0, 3, size=(5,)).shape), torch.arange(start=0, end=6, step=2).tolist(),
            torch.linspace(start=0, end=1, steps=3).tolist(), torch.zeros(2, 3).new_ones(size=(1, 2)).tolist()]
out = torch.empty(2, 2)
torch.matmul(torch.eye(2), torch.tensor([[1.0, 2.0], [3.0, 4.0]]), out=out)
added = torch.empty(3)
torch.add(torch.ones(3), torch.arange(3.0), alpha=2, out=added)
mul = torch.zeros(3)
torch.mul(torch.arange(3.0), 3, out=mul)
summed = torch.empty(())
torch.sum(torch.arange(4.0), dim=0, out=summed)
cat = torch.empty(4)
torch.cat([torch.ones(2), torch.zeros(2)], out=cat)
out_args = [out.tolist(), added.tolist(), mul.tolist(), summed.item(), cat.tolist()]
m = torch.max(data, axis=1)
s = torch.sort(data[0], descending=True)
named = [m.values.tolist(), m.indices.tolist(), type(m).__name__, s.values.tolist()[:2],
         torch.min(data, dim=1, keepdim=True).values.shape[1], list(torch.aminmax(data[0]))[0].item()]
t = torch.zeros(2)
flags = [t.is_cuda, t.is_mps if hasattr(t, "is_mps") else False, t.is_xpu if hasattr(t, "is_xpu") else False,
         t.is_cpu, t.device.type, t.is_contiguous(), data.t().is_contiguous()]
print(f"standardized row sums {standardized}")
print("RESULT " + json.dumps({"standardized": standardized, "reductions": reductions, "aliases": aliases,
                              "creation": creation, "out_args": out_args, "named": named,
                              "flags": flags, "minmax_scaled": minmax.flatten().tolist()}))
