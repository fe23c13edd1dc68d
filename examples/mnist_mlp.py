"""A multi-layer perceptron on MNIST or Fashion-MNIST.

Recipe (the defaults): 784-256-256-10 with ReLU, cross-entropy, SGD lr 0.1 momentum 0.9,
batch 128; pixels scaled to [0, 1] then normalized by the training set's mean and std.
Default epochs: 10 for MNIST, 5 for Fashion-MNIST.

Examples:
    python examples/mnist_mlp.py                              # MNIST (downloads it if needed)
    python examples/mnist_mlp.py --dataset fashion-mnist      # Debian: dataset-fashion-mnist
    python examples/mnist_mlp.py --data-dir ../shared/data/mnist-t10k --split-test-set
    python examples/mnist_mlp.py --limit 512 --epochs 2       # a seconds-long smoke run

Writes OUT/metrics.json (test_accuracy, per-epoch history, confusion matrix, per-class
precision/recall/F1), OUT/curves.png, OUT/confusion_matrix.png, OUT/misclassified.png
and OUT/checkpoint.pt (use --resume to continue). OUT defaults to runs/mnist_mlp.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import minitorch  # noqa: E402
import minitorch.nn as nn  # noqa: E402
from minitorch import optim, viz  # noqa: E402
from minitorch.utils.data import DataLoader  # noqa: E402

from common import (add_common_args, add_mnist_args, classification_summary,  # noqa: E402
                    default_out, evaluate, fit, get_device, load_mnist_data, print_outputs,
                    set_seed, write_metrics)


class MLP(nn.Module):
    """784 -> 256 -> 256 -> 10, ReLU between the layers (PyTorch's default init)."""

    def __init__(self, hidden=256, num_classes=10):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(28 * 28, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, num_classes)

    def forward(self, x):
        x = self.flatten(x)
        x = self.fc1(x).relu()
        x = self.fc2(x).relu()
        return self.fc3(x)          # logits; CrossEntropyLoss applies log-softmax


def parse_args(argv=None, description=__doc__, epochs=None, batch_size=128, lr=0.1,
               default_epochs_help="10 for MNIST, 5 for Fashion-MNIST"):
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(parser, epochs=epochs, batch_size=batch_size, lr=lr)
    add_mnist_args(parser)
    for action in parser._actions:          # say what the dataset-dependent default is
        if action.dest == "epochs":
            action.help = f"number of epochs (total, counting resumed ones; default " \
                          f"{default_epochs_help})"
    return parser.parse_args(argv)


def run(args, model, optimizer, device, script_file, extra_plots=None):
    """Train `model` on the data args ask for, evaluate it, write metrics.json and the
    plots, print where they are. Shared by mnist_mlp.py and lenet.py."""
    out = default_out(args, script_file)
    train_ds, test_ds, info = load_mnist_data(args)
    print(f"{info['dataset']} ({info['protocol']}): {info['n_train']} training and "
          f"{info['n_test']} test images; normalized with mean {info['mean']:.4f} "
          f"std {info['std']:.4f}")
    train_loader = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_ds, batch_size=1000)
    loss_fn = nn.CrossEntropyLoss()

    t0 = time.perf_counter()
    history = fit(model, optimizer, loss_fn, train_loader, test_loader, args,
                  device=device, eval_name="test")
    wall = time.perf_counter() - t0

    test_loss, _, y_pred, y_true = evaluate(model, test_loader, loss_fn, device,
                                            return_outputs=True)
    summary, report = classification_summary(y_true, y_pred, info["classes"])
    print(report)
    seconds = [h["seconds"] for h in history]
    cpu = [h.get("cpu_seconds", 0.0) for h in history]
    metrics = {"script": os.path.basename(script_file), "dataset": info["dataset"],
               "protocol": info["protocol"], "n_train": info["n_train"],
               "n_test": info["n_test"], "normalization": {"mean": info["mean"],
                                                           "std": info["std"]},
               "test_loss": test_loss, **summary, "epochs": len(history),
               "seconds_per_epoch": sum(seconds) / len(seconds) if seconds else None,
               "cpu_seconds_per_epoch": sum(cpu) / len(cpu) if cpu else None,
               "wall_seconds_this_run": wall, "history": history,
               "args": {k: v for k, v in vars(args).items()}}
    paths = [write_metrics(out, metrics)]
    names = info["classes"]
    short = [c.split(" - ")[-1] if " - " in c else c for c in names]
    curves = [{k: v for k, v in h.items() if "seconds" not in k} for h in history]
    paths.append(viz.plot_curves(curves, os.path.join(out, "curves.png"),
                                 title=f"{type(model).__name__} on {info['dataset']}"))
    paths.append(viz.plot_confusion_matrix(summary["confusion_matrix"],
                                           os.path.join(out, "confusion_matrix.png"),
                                           class_names=short))
    paths.append(viz.plot_misclassified(info["test_images"], y_true, y_pred,
                                        os.path.join(out, "misclassified.png"),
                                        class_names=short))
    if extra_plots is not None:
        paths += extra_plots(model, test_ds, out)
    paths.append(os.path.join(out, "checkpoint.pt"))
    print(f"test accuracy {summary['test_accuracy']:.4f}")
    print_outputs(paths)
    return metrics


def main(argv=None):
    args = parse_args(argv)
    if args.epochs is None:
        args.epochs = 5 if args.dataset == "fashion-mnist" else 10
    set_seed(args.seed)
    device = get_device(args.device)
    model = MLP().to(device)
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    run(args, model, optimizer, device, __file__)


if __name__ == "__main__":
    main()
