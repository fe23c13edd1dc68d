"""Tensor algebra seen in scientific code: torch.einsum for batched bilinear forms,
attention scores and traces, bmm/baddbmm/addmm/outer/kron/tensordot, chunk/split/unbind/
stack, block_diag, diag_embed, tril/triu; torch.finfo/iinfo limits and
nan_to_num/isfinite cleanup. (The spectra of the same signal are in fft_spectrum.py.)"""
import json
import numpy as np
import torch

COMPARE = {"einsum": ("rel", 1e-5), "products": ("rel", 1e-5), "pieces": ("exact", None),
           "structured": ("exact", None), "limits": ("exact", None), "cleanup": ("exact", None)}

rng = np.random.default_rng(0)
A = torch.from_numpy(rng.standard_normal((2, 3, 4)).astype(np.float32))
B = torch.from_numpy(rng.standard_normal((2, 4, 5)).astype(np.float32))
M = torch.from_numpy(rng.standard_normal((4, 4)).astype(np.float32))
v = torch.from_numpy(rng.standard_normal((2, 4)).astype(np.float32))
einsum = [torch.einsum("bij,bjk->bik", A, B).sum().item(), torch.einsum("ii", M).item(),
          torch.einsum("bi,ij,bj->b", v, M, v).tolist(), torch.einsum("i,j->ij", v[0], v[1]).sum().item(),
          torch.einsum("bhqd,bhkd->bhqk", A.unsqueeze(1), A.unsqueeze(1)).shape[-1],
          torch.einsum("...ij->...ji", A).shape[-1]]
products = [torch.bmm(A, B).abs().sum().item(),
            torch.baddbmm(torch.ones(2, 3, 5), A, B, beta=0.5, alpha=2.0).sum().item(),
            torch.addmm(torch.ones(4), M[:3], M, alpha=0.5).sum().item(),
            torch.outer(v[0], v[1]).trace().item(), torch.kron(M[:2, :2], torch.eye(2)).sum().item(),
            torch.tensordot(A, B, dims=([0, 2], [0, 1])).sum().item(), torch.trace(M).item(),
            torch.matmul(v, M).sum().item(), (A @ B).mean().item(), torch.inner(v[0], v[1]).item(),
            torch.vdot(v[0], v[1]).item(), torch.dot(v[0], v[0]).item(),
            torch.chain_matmul(M, M, M).sum().item() if hasattr(torch, "chain_matmul") else 0.0]
x = torch.arange(10)
pieces = [[c.tolist() for c in x.chunk(3)], [s.tolist() for s in torch.split(x, [2, 3, 5])],
          [s.tolist() for s in x.split(4)], [u.tolist() for u in torch.arange(6).view(2, 3).unbind(1)],
          torch.stack([x[:2], x[2:4]], dim=1).tolist(), torch.hstack([x[:2], x[:1]]).tolist(),
          torch.vstack([x[:2], x[2:4]]).tolist(), torch.dstack([x[:2], x[2:4]]).shape[-1],
          [t.tolist() for t in torch.tensor_split(x, 3)]]
structured = [torch.block_diag(torch.ones(1, 2), 2 * torch.ones(2, 1)).tolist(),
              torch.diag_embed(torch.tensor([[1, 2], [3, 4]])).tolist(),
              torch.ones(3, 3).tril(-1).tolist(), torch.ones(3, 3).triu(1).tolist(),
              torch.diag(torch.tensor([1, 2])).tolist(), torch.diagonal(torch.arange(9).view(3, 3)).tolist(),
              torch.eye(2, 3).tolist()]

limits = [torch.finfo(torch.float32).eps, torch.finfo(torch.float32).max, torch.finfo(torch.float16).max,
          torch.finfo(torch.float32).tiny, torch.iinfo(torch.int32).max, torch.iinfo(torch.uint8).max,
          torch.finfo(torch.float64).eps, torch.finfo().bits]
bad = torch.tensor([1.0, float("nan"), float("inf"), -float("inf")])
cleanup = [torch.nan_to_num(bad, nan=0.0, posinf=9.0, neginf=-9.0).tolist(),
           torch.isfinite(bad).tolist(), torch.isnan(bad).any().item(), torch.isinf(bad).sum().item(),
           bad[~torch.isnan(bad)].tolist()[:1], torch.nansum(bad[:2]).item(),
           torch.nanmean(torch.tensor([1.0, float("nan"), 3.0])).item()]
print("RESULT " + json.dumps({"einsum": einsum, "products": products, "pieces": pieces,
                              "structured": structured, "limits": limits, "cleanup": cleanup}))
