"""The course's first lab: fit a straight line with gradient descent.

We draw N points from y = w x + b + noise (true w = 2, b = -1 and noise std 0.5 by
default) and fit them with the smallest possible model, nn.Linear(1, 1), whose weight
and bias are exactly w and b. The loss is the mean squared error nn.MSELoss(), and
optim.SGD(lr=0.01) updates the two parameters each step:

    w <- w - lr * dL/dw,    b <- b - lr * dL/db,
    dL/dw = mean(2 (w x + b - y) x),    dL/db = mean(2 (w x + b - y))

(loss.backward() computes those two derivatives for us). With --batch-size 0 (the
default) every step sees all the points: plain gradient descent; a positive batch size
gives mini-batch SGD over shuffled batches.

Examples:
    python examples/fit_line.py
    python examples/fit_line.py --epochs 500 --lr 0.05 --true-w -3 --true-b 4
    python examples/fit_line.py --batch-size 16          # mini-batch SGD

Writes OUT/metrics.json (learned w and b, the true ones, the final loss, the loss
history), OUT/fit.png (the data and the fitted line) and OUT/loss.png. OUT defaults to
runs/fit_line. (--data-dir is accepted for uniformity; the data are synthetic.)
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import minitorch  # noqa: E402
import minitorch.nn as nn  # noqa: E402
from minitorch import optim, viz  # noqa: E402
from minitorch.utils.data import DataLoader, TensorDataset  # noqa: E402
from minitorch.viz import new_figure, save_figure  # noqa: E402

from common import (add_common_args, default_out, exit_with_error, get_device,  # noqa: E402
                    print_outputs, set_seed, write_metrics)


def make_data(n, w, b, noise, seed):
    """x uniform in [-2, 2], y = w x + b + N(0, noise^2); float32 arrays of shape (n, 1)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, size=(n, 1)).astype(np.float32)
    y = (w * x + b + noise * rng.standard_normal((n, 1))).astype(np.float32)
    return x, y


def plot_fit(x, y, w, b, true_w, true_b, path):
    fig = new_figure(figsize=(6, 4.5))
    ax = fig.add_subplot(1, 1, 1)
    ax.scatter(x[:, 0], y[:, 0], s=10, alpha=0.5, label="data")
    xs = np.linspace(x.min(), x.max(), 2)
    ax.plot(xs, true_w * xs + true_b, "k--", label=f"true: y = {true_w:.2f} x + {true_b:.2f}")
    ax.plot(xs, w * xs + b, "r-", lw=2, label=f"fit:  y = {w:.2f} x + {b:.2f}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("nn.Linear(1, 1) fitted with SGD and MSE")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return save_figure(fig, path, "fit_line")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(parser, epochs=200, batch_size=0, lr=0.01)
    g = parser.add_argument_group("fit_line")
    g.add_argument("--n", type=int, default=200, help="number of points (200)")
    g.add_argument("--true-w", type=float, default=2.0, help="true slope (2)")
    g.add_argument("--true-b", type=float, default=-1.0, help="true intercept (-1)")
    g.add_argument("--noise", type=float, default=0.5, help="noise standard deviation (0.5)")
    args = parser.parse_args(argv)
    n = args.n if args.limit is None else min(args.n, args.limit)
    if n < 2 or args.epochs < 1 or args.batch_size < 0:
        exit_with_error("need at least 2 points (--n / --limit), --epochs >= 1 and "
                        "--batch-size >= 0 (0 = all points)")
    out = default_out(args, __file__)
    set_seed(args.seed)
    device = get_device(args.device)

    x_np, y_np = make_data(n, args.true_w, args.true_b, args.noise, args.seed)
    x = minitorch.from_numpy(x_np).to(device)
    y = minitorch.from_numpy(y_np).to(device)
    model = nn.Linear(1, 1).to(device)
    loss_fn = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=args.lr)
    loader = (DataLoader(TensorDataset(x, y), batch_size=args.batch_size, shuffle=True)
              if args.batch_size else [(x, y)])

    history = []
    for epoch in range(1, args.epochs + 1):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
        with minitorch.no_grad():
            full = loss_fn(model(x), y).item()       # loss on all the points
        history.append(full)
        if epoch == 1 or epoch % max(1, args.epochs // 10) == 0 or epoch == args.epochs:
            print(f"epoch {epoch:4d}  loss {full:.4f}  w {model.weight.item():+.4f}  "
                  f"b {model.bias.item():+.4f}")

    w, b = model.weight.item(), model.bias.item()
    # the best any line can do: least squares in closed form
    ls_w, ls_b = np.polyfit(x_np[:, 0].astype(np.float64), y_np[:, 0].astype(np.float64), 1)
    metrics = {"script": "fit_line.py", "w": w, "b": b, "true_w": args.true_w,
               "true_b": args.true_b, "least_squares_w": float(ls_w),
               "least_squares_b": float(ls_b), "final_loss": history[-1],
               "initial_loss": history[0], "loss_history": history, "n": n,
               "epochs": args.epochs, "args": vars(args)}
    paths = [write_metrics(out, metrics),
             plot_fit(x_np, y_np, w, b, args.true_w, args.true_b,
                      os.path.join(out, "fit.png")),
             viz.plot_curves({"loss": history}, os.path.join(out, "loss.png"),
                             title="MSE loss")]
    print(f"learned w = {w:.4f} (true {args.true_w}), b = {b:.4f} (true {args.true_b}); "
          f"final loss {history[-1]:.4f}")
    print_outputs(paths)
    return metrics


if __name__ == "__main__":
    main()
