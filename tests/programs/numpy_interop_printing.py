"""NumPy interop and printing as notebooks use them: torch.from_numpy sharing memory
(a write through either side shows in the other), .numpy() of a CPU tensor,
torch.tensor(ndarray) copying, torch.as_tensor without a copy, dtype mapping
(float64 arrays stay double, .float() to train), np.float32 scalars in arithmetic,
x.cpu().detach().numpy() after training, and repr/str of tensors, including
torch.set_printoptions(precision=...)."""
import json

import numpy as np
import torch

COMPARE = {"shared": ("exact", None), "copied": ("exact", None), "dtypes": ("exact", None),
           "scalar_mix": ("rel", 1e-6), "printed": ("exact", None), "roundtrip": ("exact", None),
           "item_types": ("exact", None)}

a = np.arange(6, dtype=np.float32).reshape(2, 3)
t = torch.from_numpy(a)
t[0, 0] = 100.0
a[1, 2] = -1.0
view = t.numpy()
view[0, 1] = 7.0
as_t = torch.as_tensor(a)
as_t[1, 0] = 42.0
shared = [a.tolist(), t.tolist(), bool(np.shares_memory(a, view))]

copy = torch.tensor(a)
copy[0, 0] = 0.0
copied = [a[0, 0].item(), copy[0, 0].item()]

d = np.random.default_rng(0).standard_normal(3)
dt = [torch.from_numpy(d).dtype, torch.tensor(d).float().dtype, torch.from_numpy(np.arange(3)).dtype,
      torch.as_tensor([1, 2]).dtype, torch.tensor(np.float32(2.5)).dtype,
      torch.from_numpy(np.array([True, False])).dtype, torch.tensor(np.uint8(3)).dtype]
dtypes = [str(x).split(".")[-1] for x in dt]

w = torch.ones(3, requires_grad=True)
loss = (w * torch.from_numpy(np.array([1.0, 2.0, 3.0], dtype=np.float32))).sum()
loss.backward()
grad_np = w.grad.cpu().detach().numpy()
weights_np = w.detach().cpu().numpy()
scalar_mix = [(torch.tensor([1.0, 2.0]) * np.float32(0.5)).tolist(),
              (torch.tensor([1.0, 2.0]) + np.float64(1.5)).tolist(),
              float(np.mean(grad_np)), float(torch.tensor(3.0) * 2)]

torch.set_printoptions(precision=2)
printed = [str(torch.tensor([1.23456, 2.0])), repr(torch.tensor([[1, 2], [3, 4]])),
           str(torch.tensor(3.14159)), str(torch.tensor([True, False])),
           str(torch.zeros(2, dtype=torch.float64)), str(torch.tensor([1.5], requires_grad=True)),
           str(torch.tensor([])), str(torch.tensor([1e-8, 1.0])), str(torch.arange(3).shape),
           str(torch.tensor([0.5, 1.5]).half())]
torch.set_printoptions(profile="default")
printed.append(str(torch.tensor([1 / 3])))
print("\n".join(printed))
roundtrip = [weights_np.dtype.name, grad_np.tolist(), type(view).__name__,
             np.asarray(torch.arange(4)).tolist(), torch.tensor(a).numpy().shape == a.shape]
item_types = [type(torch.tensor(1).item()).__name__, type(torch.tensor(1.0).item()).__name__,
              type(torch.tensor(True).item()).__name__, type(torch.arange(3).tolist()[0]).__name__,
              type(torch.tensor([1.0]).tolist()[0]).__name__]
print("RESULT " + json.dumps({"shared": shared, "copied": copied, "dtypes": dtypes,
                              "scalar_mix": scalar_mix, "printed": printed,
                              "roundtrip": roundtrip, "item_types": item_types}))
