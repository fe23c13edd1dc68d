"""One char-LSTM training step: minitorch vs PyTorch (CPU, or CuPy vs torch CUDA).

The workload: a character model over a vocabulary of 65, Embedding(65, 64) -> 1-layer
LSTM(64, 256, batch_first=True) -> Linear(256, 65), on a batch of 32 sequences of 64
characters; cross-entropy over all 32 x 64 positions, backward, clip_grad_norm_(5) and
one Adam step with lr 2e-3 (zero_grad, forward, loss, backward, clip, step). The initial
state is zero every step (no carried state). Both frameworks start from the same weights
(generated once in PyTorch's layout and loaded into each) and see the same seeded batch;
the parent checks that the first step's loss, gradient norm and updated weights agree,
then prints median/min/max ms per step and the ratio minitorch/torch.

    python benchmarks/char_lstm_step.py                 # both frameworks, table + check
    python benchmarks/char_lstm_step.py --threads 1     # single-threaded BLAS in both
    python benchmarks/char_lstm_step.py --json out.json
    python benchmarks/char_lstm_step.py --device cuda   # CuPy vs torch CUDA (needs a GPU)

Target: at most 1.5x PyTorch's time.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

VOCAB, EMBED, HIDDEN = 65, 64, 256


def make_data(seed: int, batch: int, seq: int):
    """Weights in PyTorch's layout and with its default distributions (Embedding N(0, 1);
    LSTM weight_ih_l0 (4H, E) and weight_hh_l0 (4H, H), gates i, f, g, o, and its biases
    uniform +-1/sqrt(H); Linear uniform +-1/sqrt(fan_in)), a batch of character ids and
    its targets (the batch shifted by one, as in char-RNN training)."""
    rng = np.random.default_rng(seed)
    k = 1 / np.sqrt(HIDDEN)
    state = {
        "embed.weight": rng.standard_normal((VOCAB, EMBED)),
        "lstm.weight_ih_l0": rng.uniform(-k, k, (4 * HIDDEN, EMBED)),
        "lstm.weight_hh_l0": rng.uniform(-k, k, (4 * HIDDEN, HIDDEN)),
        "lstm.bias_ih_l0": rng.uniform(-k, k, 4 * HIDDEN),
        "lstm.bias_hh_l0": rng.uniform(-k, k, 4 * HIDDEN),
        "head.weight": rng.uniform(-k, k, (VOCAB, HIDDEN)),
        "head.bias": rng.uniform(-k, k, VOCAB),
    }
    state = {name: v.astype(np.float32) for name, v in state.items()}
    text = rng.integers(0, VOCAB, (batch, seq + 1)).astype(np.int64)
    return state, text[:, :-1].copy(), text[:, 1:].copy()


def build(lib, state, device):
    """The model with `state` loaded, moved to `device` (before the optimizer sees it)."""
    nn = lib.nn

    class CharLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(VOCAB, EMBED)
            self.lstm = nn.LSTM(EMBED, HIDDEN, batch_first=True)
            self.head = nn.Linear(HIDDEN, VOCAB)

        def forward(self, x):
            out, _ = self.lstm(self.embed(x))          # (batch, seq, hidden)
            return self.head(out)                      # (batch, seq, vocab)

    model = CharLSTM()
    model.load_state_dict({k: lib.from_numpy(v.copy()) for k, v in state.items()})
    return model.to(device)


def run_framework(name: str, args) -> dict:
    threads = os.environ.get("BENCH_THREADS")
    if threads and threads != "0":
        os.environ.setdefault("NUMBA_NUM_THREADS", threads)   # minitorch's fused-cell loops
    info = harness.framework_info(name, args.device)
    lib, dev = info["lib"], info["device"]
    state, xa, ya = make_data(args.seed, args.batch, args.seq)
    model = build(lib, state, dev)
    opt = lib.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = lib.nn.CrossEntropyLoss()
    x, y = lib.from_numpy(xa).to(dev), lib.from_numpy(ya).to(dev).reshape(-1)
    first = {}

    def step():
        opt.zero_grad()
        logits = model(x)
        loss = loss_fn(logits.reshape(-1, VOCAB), y)
        loss.backward()
        norm = lib.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        if not first:
            first.update(loss=float(loss.item()), grad_norm=float(norm),
                         w_ih_grad=harness.to_numpy(model.lstm.weight_ih_l0.grad)[:4, :8].tolist(),
                         emb_grad=harness.to_numpy(model.embed.weight.grad)[:3, :8].tolist())
        opt.step()
        if len(first) == 4:
            first.update(b_head_after=harness.to_numpy(model.head.bias).tolist(),
                         b_ih_after=harness.to_numpy(model.lstm.bias_ih_l0)[::64].tolist(),
                         loss_dtype=str(loss.dtype).rsplit(".", 1)[-1])

    res = harness.time_steps(step, args.reps, args.warmup, sync=info["sync"])
    res.update(harness.describe(info), batch=args.batch, seq=args.seq, check=first)
    return res


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq", type=int, default=64)
    harness.add_common_args(p, reps=20, warmup=3, rounds=3, threads=0, target=1.5)
    args = p.parse_args(argv)
    child = ["--batch", str(args.batch), "--seq", str(args.seq), "--reps", str(args.reps),
             "--warmup", str(args.warmup), "--seed", str(args.seed)]
    title = (f"char-LSTM: Embedding({VOCAB}, {EMBED}) -> LSTM({EMBED}, {HIDDEN}) -> "
             f"Linear({HIDDEN}, {VOCAB}), batch {args.batch} x seq {args.seq}, cross-entropy, "
             "clip_grad_norm_(5), Adam(lr=2e-3) step")
    return harness.main_for(__file__, args, child, run_framework, title)


if __name__ == "__main__":
    sys.exit(main())
