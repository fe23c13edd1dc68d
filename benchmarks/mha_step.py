"""Multi-head self-attention forward + backward: minitorch vs PyTorch (CPU, or CuPy vs
torch CUDA).

The workload: nn.MultiheadAttention(256, 8, batch_first=True) as self-attention
(query = key = value = x) on x of shape (16, 128, 256), with need_weights=False in both
frameworks (the attention probabilities are not returned, so neither materializes their
head average; torch then takes its fused scaled_dot_product_attention path), the loss
(out * R).sum() with a fixed random R (a random upstream gradient, so no symmetry hides a
bug), and backward into the four parameters and x (x requires grad, as the input of an
inner layer would). Each step clears the gradients first. Both frameworks load the same
weights (generated once in PyTorch's layout) and the same seeded x and R; the parent
checks that the first step's loss, a slice of the output and of the in_proj_weight, x and
out_proj.bias gradients agree, then prints median/min/max ms per step and the ratio
minitorch/torch.

    python benchmarks/mha_step.py                   # both frameworks, table + check
    python benchmarks/mha_step.py --threads 1       # single-threaded BLAS in both
    python benchmarks/mha_step.py --json out.json
    python benchmarks/mha_step.py --framework minitorch --profile   # cProfile, top entries
    python benchmarks/mha_step.py --device cuda     # CuPy vs torch CUDA (needs a GPU)

Target: at most 1.3x PyTorch's time.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def make_data(seed: int, batch: int, seq: int, d_model: int):
    """Weights in torch's MultiheadAttention layout (in_proj_weight (3E, E) with q, k, v
    stacked; out_proj a Linear(E, E)), the input and the fixed loss weights R."""
    rng = np.random.default_rng(seed)
    e = d_model
    bound = np.sqrt(6.0 / (e + 3 * e))           # xavier_uniform_ on (3E, E), torch's init
    state = {
        "in_proj_weight": rng.uniform(-bound, bound, (3 * e, e)).astype(np.float32),
        "in_proj_bias": rng.uniform(-0.1, 0.1, 3 * e).astype(np.float32),
        "out_proj.weight": rng.uniform(-1 / np.sqrt(e), 1 / np.sqrt(e), (e, e)).astype(np.float32),
        "out_proj.bias": rng.uniform(-0.1, 0.1, e).astype(np.float32),
    }
    x = rng.standard_normal((batch, seq, e), dtype=np.float32)
    r = rng.standard_normal((batch, seq, e), dtype=np.float32)
    return state, x, r


def run_framework(name: str, args) -> dict:
    info = harness.framework_info(name, args.device)
    lib, dev = info["lib"], info["device"]
    state, xa, ra = make_data(args.seed, args.batch, args.seq, args.d_model)
    mha = lib.nn.MultiheadAttention(args.d_model, args.heads, batch_first=True)
    mha.load_state_dict({k: lib.from_numpy(v.copy()) for k, v in state.items()})
    mha.to(dev)
    x = lib.from_numpy(xa.copy()).to(dev).requires_grad_()
    r = lib.from_numpy(ra.copy()).to(dev)
    first = {}

    def step():
        mha.zero_grad()
        x.grad = None
        out, _ = mha(x, x, x, need_weights=False)
        loss = (out * r).sum()
        loss.backward()
        if not first:
            first.update(loss=float(loss.item()),
                         out=harness.to_numpy(out)[0, :2, :8].tolist(),
                         grad_in_proj=harness.to_numpy(mha.in_proj_weight.grad)[::97, :8].tolist(),
                         grad_out_bias=harness.to_numpy(mha.out_proj.bias.grad)[:16].tolist(),
                         grad_x=harness.to_numpy(x.grad)[1, :2, :8].tolist(),
                         out_dtype=str(out.dtype).rsplit(".", 1)[-1],
                         grad_dtype=str(mha.in_proj_weight.grad.dtype).rsplit(".", 1)[-1])

    if args.profile:
        import cProfile
        import pstats
        for _ in range(args.warmup):
            step()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.reps):
            step()
        if info["sync"] is not None:
            info["sync"]()
        prof.disable()
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        raise SystemExit(0)
    res = harness.time_steps(step, args.reps, args.warmup, sync=info["sync"])
    # in-projection, Q K^T and P V, out-projection; backward about twice the forward
    B, L, E = args.batch, args.seq, args.d_model
    flops = 3 * 2.0 * B * L * (3 * E * E + 2 * L * E + E * E)
    res.update(harness.describe(info), batch=args.batch, flops=flops, check=first)
    return res


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--seq", type=int, default=128)
    p.add_argument("--d-model", type=int, default=256)
    p.add_argument("--heads", type=int, default=8)
    p.add_argument("--profile", action="store_true",
                   help="with --framework: cProfile --reps steps, print the top entries to stderr")
    harness.add_common_args(p, reps=30, warmup=5, rounds=3, threads=0, target=1.3)
    args = p.parse_args(argv)
    if args.profile and not args.framework:
        p.error("--profile needs --framework")
    child = ["--batch", str(args.batch), "--seq", str(args.seq), "--d-model", str(args.d_model),
             "--heads", str(args.heads), "--reps", str(args.reps), "--warmup",
             str(args.warmup), "--seed", str(args.seed)]
    title = (f"MultiheadAttention({args.d_model}, {args.heads}, batch_first=True) "
             f"self-attention, x ({args.batch}, {args.seq}, {args.d_model}), "
             "need_weights=False: forward + (out * R).sum().backward()")
    return harness.main_for(__file__, args, child, run_framework, title, rtol=1e-4, atol=1e-4)


if __name__ == "__main__":
    sys.exit(main())
