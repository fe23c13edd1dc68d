"""Older idioms still common in courses and repositories: legacy constructors
(torch.FloatTensor, LongTensor...), .type() with strings and tensor types, view_as /
expand_as / reshape_as / type_as, new_zeros / new_ones / new_full / new_tensor / new_empty,
.data, .item(), .tolist(), .numpy(), torch.Size arithmetic and dtype queries."""
import json

import numpy as np
import torch

COMPARE = {"types": ("exact", None), "shapes": ("exact", None), "values": ("exact", None),
           "dtypes": ("exact", None), "mean": ("rel", 1e-6), "bfloat16_dtype": ("exact", None)}
# what minitorch cannot match yet (tests/programs/README.md, "Known gaps")
KNOWN_GAPS = {"bfloat16_dtype": "minitorch stores bfloat16 as float32 (values rounded to "
                                "bfloat16), so the dtype reads float32"}

x = torch.FloatTensor([[1, 2, 3], [4, 5, 6]])
idx = torch.LongTensor([0, 2])
mask = torch.BoolTensor([True, False, True])
d = torch.DoubleTensor(2, 3).zero_()
i32 = torch.IntTensor([1, 2, 3])
u8 = torch.ByteTensor([0, 128, 255])

types = [x.type(), idx.type(), mask.type(), d.type(), i32.type(), u8.type(),
         x.type(torch.LongTensor).type(), x.type("torch.DoubleTensor").type(),
         x.type(torch.int32).type(), isinstance(x, torch.Tensor),
         isinstance(x, torch.FloatTensor), torch.is_tensor(idx)]

y = torch.arange(6).view_as(x)
row = torch.tensor([10.0, 20.0, 30.0])
expanded = row.expand_as(x)
flat = torch.arange(6.0)
reshaped = flat.reshape_as(x)
as_x = y.type_as(x)
z = x.new_zeros(2, 2)
o = x.new_ones((3,))
f = x.new_full((2, 3), 7)
t = x.new_tensor([1, 2])
e = idx.new_empty(4)
shapes = [list(y.shape), list(expanded.shape), list(reshaped.shape), list(z.shape),
          list(o.shape), list(f.shape), list(t.shape), list(e.shape),
          list(x.size()), x.size(1), x.dim(), x.ndimension(), x.nelement(), x.numel(),
          list(x.shape[1:]), list(torch.Size([2, 3]) + (4,))]
dtypes = [str(as_x.dtype), str(z.dtype), str(t.dtype), str(e.dtype), str(y.dtype),
          str(x.data.dtype), str(u8.float().dtype), str(mask.long().dtype),
          str(torch.tensor(3).dtype), str(torch.tensor(3.0).dtype),
          str(torch.tensor([True]).dtype), x.is_floating_point(), idx.is_floating_point(),
          str(x.double().half().dtype), x.element_size(), idx.element_size(),
          str(x.to(torch.int8).dtype), str(x.type(torch.int16).dtype),
          x.bfloat16().float().tolist(), torch.tensor([200, 100], dtype=torch.uint8).to(torch.int16).tolist()]

x.data[0, 0] = 100.0  # the classic .data write
values = [x.tolist(), x[idx[0], idx[1]].item(), x[:, mask].tolist(), (y + expanded).tolist(),
          f.tolist(), t.tolist(), reshaped.numpy().tolist(), np.asarray(x).sum().item(),
          x.long().tolist(), u8.int().tolist(), x.max().item(), x.argmax().item(),
          d.sum().item(), i32.float().div(2).tolist(), x.t().contiguous().view(-1).tolist()]

print(x)
print("RESULT " + json.dumps({"types": types, "shapes": shapes, "values": values,
                              "dtypes": dtypes, "mean": x.mean().item(),
                              "bfloat16_dtype": str(x.bfloat16().dtype)}))
