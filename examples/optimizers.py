"""Optimizers lab: how SGD, momentum, AdaGrad, RMSProp and Adam move.

Part 1, a 2-D loss surface. Himmelblau's function

    f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2

has four minima, all with f = 0: (3, 2), (-2.805, 3.131), (-3.779, -3.283) and
(3.584, -1.848), and a maximum near (-0.27, -0.92). The two coordinates are one
nn.Parameter of shape (2,); each optimizer starts at the same point (--start) and takes
--surface-steps steps on f, and we draw the paths over the contour plot. Things to see:
plain SGD follows the steepest slope; momentum overshoots and swings back; AdaGrad's
steps shrink as squared gradients accumulate; RMSProp and Adam take steps of about lr in
every coordinate whatever the gradient's size, so they move at a steady pace; starting
points near a ridge may send different optimizers into different minima.

Part 2, a real network. The MLP of mnist_mlp.py (784-256-256-10, ReLU) is trained on
MNIST or Fashion-MNIST under each optimizer (each with its usual learning rate, or --lr
for all), from the same initial weights, and the training and test curves are overlaid.
Data come as in mnist_mlp.py: --dataset, --data-dir, --split-test-set, --limit.

Examples:
    python examples/optimizers.py                                  # MNIST, 5 epochs
    python examples/optimizers.py --dataset fashion-mnist --epochs 3
    python examples/optimizers.py --data-dir ../shared/data/mnist-t10k --split-test-set
    python examples/optimizers.py --surface-only --start -1 -1

Writes OUT/metrics.json (each optimizer's final position and loss on the surface, its
final train/test loss and accuracy on the MLP, histories), OUT/trajectories.png,
OUT/mlp_curves.png and per optimizer OUT/<name>/checkpoint.pt. OUT defaults to
runs/optimizers.
"""
from __future__ import annotations

import argparse
import copy
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import minitorch  # noqa: E402
import minitorch.nn as nn  # noqa: E402
from minitorch import optim  # noqa: E402
from minitorch.utils.data import DataLoader  # noqa: E402
from minitorch.viz import new_figure, save_figure  # noqa: E402

from common import (add_common_args, add_mnist_args, default_out, exit_with_error,  # noqa: E402
                    fit, get_device, load_mnist_data, print_outputs, set_seed,
                    write_metrics)
from mnist_mlp import MLP  # noqa: E402

MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]

# name -> (label, optimizer factory, learning rate on the surface, learning rate for the MLP)
OPTIMIZERS = {
    "sgd": ("SGD", lambda p, lr: optim.SGD(p, lr=lr), 0.01, 0.1),
    "momentum": ("SGD + momentum 0.9", lambda p, lr: optim.SGD(p, lr=lr, momentum=0.9),
                 0.002, 0.1),
    "adagrad": ("AdaGrad", lambda p, lr: optim.Adagrad(p, lr=lr), 0.5, 0.01),
    "rmsprop": ("RMSProp", lambda p, lr: optim.RMSprop(p, lr=lr), 0.05, 1e-3),
    "adam": ("Adam", lambda p, lr: optim.Adam(p, lr=lr), 0.1, 1e-3),
}


def himmelblau(p):
    """f at p = (x, y), for a tensor or an array whose first axis is (x, y)."""
    x, y = p[0], p[1]
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


# --------------------------------------------------------------------------- part 1
def run_surface(name, start, steps):
    """The path of optimizer `name` from `start`: an array (steps + 1, 2) and the losses."""
    _, make, lr, _ = OPTIMIZERS[name]
    p = nn.Parameter(minitorch.tensor(list(start), dtype=minitorch.float64))
    opt = make([p], lr)
    path, losses = [p.detach().numpy().copy()], []
    for _ in range(steps):
        opt.zero_grad()
        loss = himmelblau(p)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        path.append(p.detach().numpy().copy())
    losses.append(float(himmelblau(p.detach().numpy())))
    return np.array(path), losses


def plot_trajectories(paths, start, out):
    fig = new_figure(figsize=(7.5, 6.5))
    ax = fig.add_subplot(1, 1, 1)
    g = np.linspace(-5.5, 5.5, 300)
    xx, yy = np.meshgrid(g, g)
    zz = himmelblau(np.stack([xx, yy]))
    cs = ax.contourf(xx, yy, np.log1p(zz), levels=30, cmap="viridis", alpha=0.85)
    fig.colorbar(cs, ax=ax, label="log(1 + f)")
    ax.contour(xx, yy, np.log1p(zz), levels=15, colors="white", linewidths=0.4, alpha=0.5)
    for (mx, my) in MINIMA:
        ax.plot(mx, my, "w*", markersize=14, markeredgecolor="k")
    for name, path in paths.items():
        path = np.clip(path, -5.5, 5.5)
        ax.plot(path[:, 0], path[:, 1], "-o", markersize=2, linewidth=1.5,
                label=OPTIMIZERS[name][0] + f" (lr {OPTIMIZERS[name][2]})")
    ax.plot(*start, "ro", markersize=8, label="start")
    ax.set_xlim(-5.5, 5.5)
    ax.set_ylim(-5.5, 5.5)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Himmelblau's function: optimizer trajectories (stars: minima)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=8)
    return save_figure(fig, os.path.join(out, "trajectories.png"), "optimizers")


# --------------------------------------------------------------------------- part 2
def plot_mlp_curves(results, path, title):
    fig = new_figure(figsize=(14, 4))
    panels = [("train_loss", "training loss"), ("test_loss", "test loss"),
              ("test_acc", "test accuracy")]
    for i, (key, label) in enumerate(panels):
        ax = fig.add_subplot(1, 3, i + 1)
        for name, hist in results.items():
            ax.plot([h["epoch"] for h in hist], [h[key] for h in hist], "-o", markersize=3,
                    label=OPTIMIZERS[name][0])
        ax.set_title(label)
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        if i == 0:
            ax.legend(fontsize=8)
    fig.suptitle(title, y=1.02)
    return save_figure(fig, path, "optimizers")


def run_mlp(args, device, names):
    train_ds, test_ds, info = load_mnist_data(args)
    print(f"{info['dataset']} ({info['protocol']}): {info['n_train']} training and "
          f"{info['n_test']} test images")
    set_seed(args.seed)
    init = MLP().state_dict()                       # the same start for every optimizer
    loss_fn = nn.CrossEntropyLoss()
    histories, finals = {}, {}
    for name in names:
        label, make, _, default_lr = OPTIMIZERS[name]
        lr = args.lr if args.lr is not None else default_lr
        print(f"--- {label}, lr {lr}")
        set_seed(args.seed)                         # the same shuffling for every optimizer
        model = MLP()
        model.load_state_dict(init)
        model.to(device)
        sub = copy.copy(args)
        sub.out = os.path.join(args.out, name)
        train_loader = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
        test_loader = DataLoader(test_ds, batch_size=1000)
        hist = fit(model, make(model.parameters(), lr), loss_fn, train_loader, test_loader,
                   sub, device=device, eval_name="test")
        histories[name] = hist
        last = hist[-1]
        finals[name] = {"lr": lr, "train_loss": last["train_loss"],
                        "train_accuracy": last["train_acc"], "test_loss": last["test_loss"],
                        "test_accuracy": last["test_acc"],
                        "seconds_per_epoch": float(np.mean([h["seconds"] for h in hist])),
                        "history": hist}
    return histories, finals, info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(parser, epochs=5, batch_size=128, lr=None)
    add_mnist_args(parser)
    for action in parser._actions:
        if action.dest == "lr":
            action.help = ("one learning rate for every optimizer on the MLP (default: "
                           "each one's usual: SGD and momentum 0.1, AdaGrad 0.01, RMSProp "
                           "and Adam 1e-3)")
    g = parser.add_argument_group("optimizers")
    g.add_argument("--optimizers", nargs="+", choices=list(OPTIMIZERS),
                   default=list(OPTIMIZERS), help="which optimizers (default all)")
    g.add_argument("--start", nargs=2, type=float, default=(0.0, -4.0), metavar=("X", "Y"),
                   help="starting point on the surface (default 0 -4)")
    g.add_argument("--surface-steps", type=int, default=200,
                   help="steps on the surface (default 200)")
    g.add_argument("--surface-only", action="store_true",
                   help="only part 1 (no data needed)")
    args = parser.parse_args(argv)
    if args.surface_steps < 1 or args.epochs < 1:
        exit_with_error("--surface-steps and --epochs must be positive")
    out = default_out(args, __file__)
    set_seed(args.seed)
    device = get_device(args.device)
    names = list(dict.fromkeys(args.optimizers))

    paths, surface = {}, {}
    for name in names:
        path, losses = run_surface(name, args.start, args.surface_steps)
        paths[name] = path
        final = path[-1]
        nearest = min(MINIMA, key=lambda m: np.hypot(final[0] - m[0], final[1] - m[1]))
        surface[name] = {"lr": OPTIMIZERS[name][2], "final_position": final.tolist(),
                         "final_loss": losses[-1], "initial_loss": losses[0],
                         "nearest_minimum": list(nearest), "loss_history": losses}
        print(f"{OPTIMIZERS[name][0]:20s} ends at ({final[0]:+.3f}, {final[1]:+.3f}), "
              f"f = {losses[-1]:.3g}")
    outputs = [plot_trajectories(paths, args.start, out)]
    metrics = {"script": "optimizers.py", "surface": {"function": "himmelblau",
                                                      "start": list(args.start),
                                                      "steps": args.surface_steps,
                                                      "optimizers": surface}}
    if not args.surface_only:
        histories, finals, info = run_mlp(args, device, names)
        metrics["mlp"] = {"dataset": info["dataset"], "protocol": info["protocol"],
                          "n_train": info["n_train"], "n_test": info["n_test"],
                          "epochs": args.epochs, "optimizers": finals}
        outputs.append(plot_mlp_curves(histories, os.path.join(out, "mlp_curves.png"),
                                       f"MLP on {info['dataset']} under each optimizer"))
        for name in names:
            print(f"{OPTIMIZERS[name][0]:20s} test accuracy "
                  f"{finals[name]['test_accuracy']:.4f}")
    metrics["args"] = vars(args)
    outputs.insert(0, write_metrics(out, metrics))
    print_outputs(outputs)
    return metrics


if __name__ == "__main__":
    main()
