"""A short tour of minitorch's autograd, and a small training run.

1. backprop through a tiny expression, checked against the derivative by hand;
2. a custom Function (softplus) with its derivative, checked by gradcheck and
   gradgradcheck;
3. a second derivative with create_graph=True;
4. training a 2-layer network (written from tensors, no nn yet) on a noisy spiral with
   plain gradient descent; writes metrics.json next to --out.

Run: python examples/autograd_demo.py [--steps 300] [--out runs/autograd_demo]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import numpy as np

import minitorch
from minitorch.autograd import Function, gradcheck, gradgradcheck


class Softplus(Function):
    """y = log(1 + exp(x)),  dy/dx = sigmoid(x)."""

    @staticmethod
    def forward(ctx, x):
        xp = minitorch.get_array_module(x)
        ctx.save_for_backward(x)
        return xp.logaddexp(0, x)          # stable log(1 + e^x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * x.sigmoid()          # built from differentiable ops


def spiral(n_per_class, classes, rng):
    xs, ys = [], []
    for c in range(classes):
        r = np.linspace(0.05, 1.0, n_per_class)
        t = np.linspace(c * 4.0, (c + 1) * 4.0, n_per_class) + rng.normal(0, 0.2, n_per_class)
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], 1))
        ys.append(np.full(n_per_class, c))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys)


def train(steps, lr, hidden, seed, log_every):
    rng = np.random.default_rng(seed)
    minitorch.manual_seed(seed)
    X_np, y_np = spiral(100, 3, rng)
    X, y = minitorch.tensor(X_np), minitorch.tensor(y_np)
    w1 = (minitorch.randn(2, hidden) * math.sqrt(2 / 2)).requires_grad_()
    b1 = minitorch.zeros(hidden, requires_grad=True)
    w2 = (minitorch.randn(hidden, 3) * math.sqrt(2 / hidden)).requires_grad_()
    b2 = minitorch.zeros(3, requires_grad=True)
    params = [w1, b1, w2, b2]
    history = []
    for step in range(1, steps + 1):
        h = (X @ w1 + b1).relu()
        logits = h @ w2 + b2
        logp = logits.log_softmax(dim=1)
        loss = -logp[minitorch.arange(len(y)), y].mean()    # cross-entropy
        for p in params:
            p.grad = None
        loss.backward()
        with minitorch.no_grad():
            for p in params:
                p.sub_(p.grad * lr)
        acc = float((logits.argmax(1) == y).float().mean())
        history.append({"step": step, "loss": loss.item(), "accuracy": acc})
        if step % log_every == 0 or step == 1:
            bar = "#" * int(30 * step / steps)
            tty = sys.stdout.isatty()
            print(f"{chr(13) if tty else ''}[{bar:<30s}] step {step:4d}/{steps}  "
                  f"loss {loss.item():.4f}  acc {acc:.3f}",
                  end="" if tty and step < steps else "\n", flush=True)
    assert loss.dtype == minitorch.float32 and w1.grad.dtype == minitorch.float32
    return history


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--lr", type=float, default=1.0)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="runs/autograd_demo")
    args = ap.parse_args(argv)

    print("1. d/dx of x^2 * sin(x) at x = 1.5")
    x = minitorch.tensor(1.5, requires_grad=True)
    y = x ** 2 * x.sin()
    y.backward()
    by_hand = 2 * 1.5 * math.sin(1.5) + 1.5 ** 2 * math.cos(1.5)
    print(f"   autograd {x.grad.item():.6f}   by hand {by_hand:.6f}")

    print("2. a custom Function, checked by finite differences")
    xs = minitorch.randn(4, 3, dtype=minitorch.float64, requires_grad=True)
    print(f"   gradcheck: {gradcheck(Softplus.apply, (xs,))}   "
          f"gradgradcheck: {gradgradcheck(Softplus.apply, (xs,))}")

    print("3. second derivative of tanh at 0.3 with create_graph=True")
    x = minitorch.tensor(0.3, dtype=minitorch.float64, requires_grad=True)
    (dy,) = minitorch.autograd.grad(x.tanh(), x, create_graph=True)
    (d2y,) = minitorch.autograd.grad(dy, x)
    t = math.tanh(0.3)
    print(f"   autograd {d2y.item():.6f}   by hand {-2 * t * (1 - t * t):.6f}")

    print(f"4. a 2-layer network on a 3-class spiral, {args.steps} steps of gradient descent")
    start = time.perf_counter()
    history = train(args.steps, args.lr, args.hidden, args.seed, max(args.steps // 30, 1))
    elapsed = time.perf_counter() - start
    final = history[-1]
    print(f"   final loss {final['loss']:.4f}, training accuracy {final['accuracy']:.3f} "
          f"({elapsed:.1f} s)")

    os.makedirs(args.out, exist_ok=True)
    metrics = {"final_loss": final["loss"], "final_accuracy": final["accuracy"],
               "steps": args.steps, "seconds": elapsed, "history": history}
    path = os.path.join(args.out, "metrics.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(metrics, f, indent=1)
    os.replace(tmp, path)    # atomic: a crash never leaves half a file
    print(f"   wrote {path}")
    return 0 if final["accuracy"] > 0.8 else 1


if __name__ == "__main__":
    sys.exit(main())
