"""Regularization lab: over-fitting and three cures.

A network with far more parameters than training examples can memorize them: the
training loss keeps falling towards zero while the loss on held-out data stops improving
and then rises. Here the MLP of mnist_mlp.py (784-256-256-10, ReLU; 270k parameters)
sees only --train-size images (1,000 by default) for --epochs epochs, four times, from
the same initial weights and with the same batches:

  none           no regularization: watch the validation loss turn up (over-fitting);
  l2             L2 penalty (lambda/2)||w||^2 through the optimizer's weight_decay=lambda:
                 every step also shrinks the weights by lr * lambda * w;
  dropout        nn.Dropout(p) after each hidden layer: in training each unit is zeroed
                 with probability p (and the rest scaled by 1/(1-p)), so no unit can rely
                 on another; model.eval() turns it off for evaluation;
  early_stopping optim.EarlyStopping on the validation loss: stop when it has not
                 improved for --patience epochs and restore the best weights.

The held-out images are the test split (the last 2,000 images of the MNIST test set
with --split-test-set), used here as the validation set.

Examples:
    python examples/regularization.py                 # MNIST, 1,000 training images
    python examples/regularization.py --dataset fashion-mnist --weight-decay 1e-3
    python examples/regularization.py --data-dir ../shared/data/mnist-t10k --split-test-set

Writes OUT/metrics.json (per variant: final and best train/validation loss and accuracy,
the epochs run, the history), OUT/regularization.png (the overlaid curves) and per
variant OUT/<variant>/checkpoint.pt. OUT defaults to runs/regularization.
"""
from __future__ import annotations

import argparse
import copy
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import minitorch.nn as nn  # noqa: E402
from minitorch import optim  # noqa: E402
from minitorch.utils.data import DataLoader, TensorDataset  # noqa: E402
from minitorch.viz import new_figure, save_figure  # noqa: E402

from common import (add_common_args, add_mnist_args, default_out, evaluate,  # noqa: E402
                    exit_with_error, fit, get_device, load_mnist_data, print_outputs,
                    set_seed, write_metrics)

VARIANTS = ("none", "l2", "dropout", "early_stopping")


class MLP(nn.Module):
    """mnist_mlp.py's 784-256-256-10 ReLU network with optional dropout after each hidden
    layer (p = 0: none). The parameter names do not depend on p, so every variant can
    start from the same weights."""

    def __init__(self, dropout=0.0, hidden=256, num_classes=10):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(28 * 28, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, num_classes)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = self.drop(self.fc1(self.flatten(x)).relu())
        x = self.drop(self.fc2(x).relu())
        return self.fc3(x)


def subset(ds, n):
    return TensorDataset(*(t[:n] for t in ds.tensors))


def load_data(args):
    """The first --train-size training images (fewer with --limit) and the validation
    (test) images."""
    full = copy.copy(args)
    full.limit = None
    train_ds, val_ds, info = load_mnist_data(full)
    n_train = min(args.train_size, len(train_ds))
    n_val = len(val_ds)
    if args.limit is not None:
        if args.limit < 1:
            exit_with_error(f"--limit must be a positive number of samples, got {args.limit}")
        n_train = min(n_train, args.limit)
        n_val = min(n_val, max(256, args.limit // 2))
    return subset(train_ds, n_train), subset(val_ds, n_val), info


def plot_overlaid(results, path, title):
    fig = new_figure(figsize=(13, 4.5))
    colors = dict(zip(VARIANTS, ("tab:red", "tab:blue", "tab:green", "tab:purple")))
    for i, (key, label) in enumerate((("loss", "cross-entropy loss"), ("acc", "accuracy"))):
        ax = fig.add_subplot(1, 2, i + 1)
        for name, res in results.items():
            hist = res["history"]
            ep = [h["epoch"] for h in hist]
            ax.plot(ep, [h[f"train_{key}"] for h in hist], "--", color=colors[name],
                    alpha=0.7, label=f"{name} (train)")
            ax.plot(ep, [h[f"val_{key}"] for h in hist], "-", color=colors[name],
                    linewidth=2, label=f"{name} (validation)")
            if name == "early_stopping":
                best = res["best_epoch"]
                ax.axvline(best, color=colors[name], linestyle=":", alpha=0.8)
        ax.set_title(label + " (dashed: train, solid: validation)")
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        if key == "loss":
            ax.set_yscale("log")
            ax.legend(fontsize=7, ncol=2)
    fig.suptitle(title, y=1.02)
    return save_figure(fig, path, "regularization")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(parser, epochs=40, batch_size=64, lr=0.05)
    add_mnist_args(parser)
    g = parser.add_argument_group("regularization")
    g.add_argument("--train-size", type=int, default=1000,
                   help="training images: few, so that the MLP over-fits (default 1000)")
    g.add_argument("--momentum", type=float, default=0.9, help="SGD momentum (0.9)")
    g.add_argument("--weight-decay", type=float, default=5e-3,
                   help="L2 coefficient lambda for the l2 variant (default 5e-3)")
    g.add_argument("--dropout", type=float, default=0.5,
                   help="dropout probability for the dropout variant (default 0.5)")
    g.add_argument("--patience", type=int, default=5,
                   help="early stopping: epochs without improvement (default 5)")
    g.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS),
                   help="which variants (default all)")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.train_size < 1 or not 0 <= args.dropout < 1:
        exit_with_error("need --epochs >= 1, --train-size >= 1 and 0 <= --dropout < 1")
    out = default_out(args, __file__)
    set_seed(args.seed)
    device = get_device(args.device)
    train_ds, val_ds, info = load_data(args)
    print(f"{info['dataset']}: {len(train_ds)} training images (a small subset, so that "
          f"the MLP over-fits), {len(val_ds)} validation images")
    set_seed(args.seed)
    init = MLP().state_dict()
    loss_fn = nn.CrossEntropyLoss()
    results = {}
    for name in dict.fromkeys(args.variants):
        print(f"--- {name}")
        set_seed(args.seed)                      # same batches (and dropout masks) order
        model = MLP(dropout=args.dropout if name == "dropout" else 0.0)
        model.load_state_dict(init)
        model.to(device)
        wd = args.weight_decay if name == "l2" else 0.0
        optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum,
                              weight_decay=wd)
        stopper = (optim.EarlyStopping(patience=args.patience, restore_best_weights=True)
                   if name == "early_stopping" else None)
        sub = copy.copy(args)
        sub.out = os.path.join(out, name)
        train_loader = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
        val_loader = DataLoader(val_ds, batch_size=1000)
        hist = fit(model, optimizer, loss_fn, train_loader, val_loader, sub, device=device,
                   eval_name="val", early_stopping=stopper)
        # the model as it ends (early stopping: the restored best weights)
        train_loss, train_acc = evaluate(model, DataLoader(train_ds, batch_size=1000),
                                         loss_fn, device)
        val_loss, val_acc = evaluate(model, val_loader, loss_fn, device)
        best = int(np.argmin([h["val_loss"] for h in hist]))
        results[name] = {"weight_decay": wd,
                         "dropout": args.dropout if name == "dropout" else 0.0,
                         "epochs_run": len(hist), "final_train_loss": train_loss,
                         "final_train_accuracy": train_acc, "final_val_loss": val_loss,
                         "final_val_accuracy": val_acc,
                         "generalization_gap": train_acc - val_acc,
                         "best_val_loss": hist[best]["val_loss"],
                         "best_epoch": hist[best]["epoch"],
                         "best_val_accuracy": max(h["val_acc"] for h in hist),
                         "last_epoch_val_loss": hist[-1]["val_loss"],
                         "history": hist}
    for name, r in results.items():
        print(f"{name:15s} train acc {r['final_train_accuracy']:.4f}  val acc "
              f"{r['final_val_accuracy']:.4f}  val loss {r['final_val_loss']:.4f} (best "
              f"{r['best_val_loss']:.4f} at epoch {r['best_epoch']}, {r['epochs_run']} "
              "epochs run)")
    metrics = {"script": "regularization.py", "dataset": info["dataset"],
               "n_train": len(train_ds), "n_val": len(val_ds), "variants": results,
               "args": vars(args)}
    paths = [write_metrics(out, metrics),
             plot_overlaid(results, os.path.join(out, "regularization.png"),
                           f"MLP on {len(train_ds)} {info['dataset']} images: over-fitting "
                           "and its cures")]
    print_outputs(paths)
    return metrics


if __name__ == "__main__":
    main()
