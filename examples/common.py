"""What every example script shares: the command line, seeding, the training loop with a
progress bar, checkpoints and --resume, and metrics.json.

A script uses it like this::

    parser = argparse.ArgumentParser(description=__doc__)
    add_common_args(parser, epochs=5, batch_size=128, lr=0.1)
    args = parser.parse_args()
    set_seed(args.seed)
    device = get_device(args.device)
    ...
    history = fit(model, optimizer, loss_fn, train_loader, test_loader, args,
                  device=device, eval_name="test")
    write_metrics(args.out, {"test_accuracy": ..., "history": history})

The loop is the classic PyTorch one (zero_grad, forward, loss, backward, step), written
out in `train_epoch` so a learner can read it in one screen.
"""
from __future__ import annotations

import json
import math
import os
import random
import sys
import time

import numpy as np

import minitorch
from minitorch.utils.atomic import atomic_write

__all__ = ["add_common_args", "set_seed", "get_device", "progress_bar", "train_epoch",
           "evaluate", "fit", "save_checkpoint", "load_checkpoint", "checkpoint_path",
           "write_metrics", "print_outputs", "exit_with_error", "default_out",
           "add_mnist_args", "load_mnist_data", "classification_summary"]


# --------------------------------------------------------------------------- command line
def add_common_args(parser, epochs, batch_size, lr, data_dir=None):
    """The flags every example takes; the script's defaults are shown by --help."""
    g = parser.add_argument_group("common options")
    g.add_argument("--data-dir", default=data_dir, metavar="DIR",
                   help="where to look for the data first (default: the standard search "
                        "places: $MINITORCH_DATA, ~/.cache/minitorch, /usr/share/datasets)")
    g.add_argument("--epochs", type=int, default=epochs,
                   help=f"number of epochs (total, counting resumed ones; default {epochs})")
    g.add_argument("--batch-size", type=int, default=batch_size,
                   help=f"mini-batch size (default {batch_size})")
    g.add_argument("--lr", type=float, default=lr, help=f"learning rate (default {lr})")
    g.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    g.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                   help="where to train (default cpu; cuda needs CuPy and a GPU)")
    g.add_argument("--out", default=None, metavar="DIR",
                   help="folder for metrics.json, plots and checkpoint.pt "
                        "(default runs/<script name>)")
    g.add_argument("--limit", type=int, default=None, metavar="N",
                   help="use only N training samples (and a small test subset): a "
                        "seconds-long smoke run")
    g.add_argument("--resume", action="store_true",
                   help="continue from OUT/checkpoint.pt (model, optimizer, epoch, history)")
    g.add_argument("--no-progress", action="store_true",
                   help="no progress bars (they are also off when stderr is not a terminal)")
    return parser


def default_out(args, script_file):
    """args.out, or runs/<script name without .py> when --out was not given."""
    if args.out is None:
        args.out = os.path.join("runs", os.path.splitext(os.path.basename(script_file))[0])
    os.makedirs(args.out, exist_ok=True)
    return args.out


def set_seed(seed: int) -> None:
    """Seed every random source the examples use: minitorch (init, dropout, shuffling),
    NumPy and Python's random."""
    minitorch.manual_seed(seed)
    np.random.seed(seed % 2**32)
    random.seed(seed)


def get_device(name: str):
    """minitorch.device(name); exits with a clear message if CUDA was asked for but is not
    available."""
    if name == "cuda" and not minitorch.cuda.is_available():
        exit_with_error("--device cuda: no CUDA device is available (minitorch needs CuPy and "
                        "a GPU); use --device cpu")
    return minitorch.device(name)


def exit_with_error(message: str, code: int = 2):
    """Print `message` to stderr and exit with `code` (no traceback)."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)


# --------------------------------------------------------------------------- progress
def progress_bar(iterable, enabled=True, **kwargs):
    """A tqdm progress bar over `iterable`, or the iterable itself when disabled (by
    --no-progress, or when stderr is not a terminal, e.g. in a log file or a test)."""
    if not enabled or not sys.stderr.isatty():
        return iterable
    from tqdm import tqdm
    return tqdm(iterable, leave=False, dynamic_ncols=True, **kwargs)


# --------------------------------------------------------------------------- training loop
def train_epoch(model, loader, loss_fn, optimizer, device=None, progress=True, desc="train"):
    """One pass over `loader`: the classic loop. Returns (mean loss, accuracy) over the
    samples seen (accuracy of argmax(output, dim=1) against integer targets)."""
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    bar = progress_bar(loader, progress, desc=desc, total=len(loader))
    for i, (x, y) in enumerate(bar):
        if device is not None:
            x, y = x.to(device), y.to(device)
        optimizer.zero_grad()
        output = model(x)
        loss = loss_fn(output, y)
        loss.backward()
        optimizer.step()
        n = y.shape[0]
        total_loss += loss.item() * n
        correct += int((output.detach().argmax(dim=1) == y).sum().item())
        seen += n
        if hasattr(bar, "set_postfix") and (i % 10 == 0 or i == len(loader) - 1):
            bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.4f}")
    return total_loss / max(seen, 1), correct / max(seen, 1)


def evaluate(model, loader, loss_fn, device=None, return_outputs=False):
    """Mean loss and accuracy over `loader` in eval mode under no_grad. With
    return_outputs=True also the predicted labels and the targets as NumPy arrays."""
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    preds, targets = [], []
    with minitorch.no_grad():
        for x, y in loader:
            if device is not None:
                x, y = x.to(device), y.to(device)
            output = model(x)
            n = y.shape[0]
            total_loss += loss_fn(output, y).item() * n
            pred = output.argmax(dim=1)
            correct += int((pred == y).sum().item())
            seen += n
            if return_outputs:
                preds.append(pred.cpu().numpy())
                targets.append(y.cpu().numpy())
    loss, acc = total_loss / max(seen, 1), correct / max(seen, 1)
    if return_outputs:
        return loss, acc, np.concatenate(preds), np.concatenate(targets)
    return loss, acc


def fit(model, optimizer, loss_fn, train_loader, eval_loader, args, device=None,
        eval_name="val", scheduler=None, early_stopping=None, log=print):
    """Train for args.epochs epochs (total), evaluating on `eval_loader` after each one.

    Every epoch appends a record {"epoch", "train_loss", "train_acc", "<eval_name>_loss",
    "<eval_name>_acc", "seconds" (wall), "cpu_seconds" (CPU time of this process, all
    threads)} to the history and saves OUT/checkpoint.pt (model,
    optimizer, scheduler, epoch, history). With args.resume the loop starts after the
    checkpoint's epoch with its history. `early_stopping` (optim.EarlyStopping on the
    evaluation loss) ends training early and restores the best weights. Returns the
    history (a list of per-epoch dicts)."""
    history, start = [], 0
    os.makedirs(args.out, exist_ok=True)
    ckpt = checkpoint_path(args.out)
    if getattr(args, "resume", False):
        if not os.path.exists(ckpt):
            exit_with_error(f"--resume: no checkpoint at {ckpt}")
        start, history = load_checkpoint(ckpt, model, optimizer, scheduler)
        log(f"resumed from {ckpt} after epoch {start}")
        if start >= args.epochs:
            log(f"the checkpoint already has {start} epochs (--epochs {args.epochs}): "
                "nothing to train")
    progress = not getattr(args, "no_progress", False)
    for epoch in range(start + 1, args.epochs + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        train_loss, train_acc = train_epoch(model, train_loader, loss_fn, optimizer, device,
                                            progress, desc=f"epoch {epoch}/{args.epochs}")
        eval_loss, eval_acc = evaluate(model, eval_loader, loss_fn, device)
        if scheduler is not None:
            scheduler.step()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        history.append({"epoch": epoch, "train_loss": train_loss, "train_acc": train_acc,
                        f"{eval_name}_loss": eval_loss, f"{eval_name}_acc": eval_acc,
                        "seconds": seconds, "cpu_seconds": cpu})
        log(f"epoch {epoch:3d}/{args.epochs}  train loss {train_loss:.4f} acc "
            f"{train_acc:.4f}  {eval_name} loss {eval_loss:.4f} acc {eval_acc:.4f}  "
            f"({seconds:.1f} s)")
        save_checkpoint(ckpt, model, optimizer, epoch, history, scheduler)
        if early_stopping is not None and early_stopping.step(eval_loss, model):
            log(f"early stopping after epoch {epoch}: the best {eval_name} loss "
                f"{early_stopping.best_score:.4f} was at epoch {early_stopping.best_epoch + 1}")
            break
    return history


# --------------------------------------------------------------------------- checkpoints
def checkpoint_path(out: str) -> str:
    return os.path.join(out, "checkpoint.pt")


def save_checkpoint(path, model, optimizer, epoch, history, scheduler=None, **extra):
    """minitorch.save of everything needed to resume (written atomically: a crash never
    leaves half a checkpoint)."""
    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "epoch": int(epoch), "history": _plain(history)}
    if scheduler is not None:
        state["scheduler"] = scheduler.state_dict()
    state.update(extra)
    minitorch.save(state, path)


def load_checkpoint(path, model, optimizer=None, scheduler=None):
    """Load a checkpoint written by save_checkpoint into model (and optimizer, scheduler);
    returns (epoch, history)."""
    state = minitorch.load(path)
    model.load_state_dict(state["model"])
    if optimizer is not None:
        optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None and "scheduler" in state:
        scheduler.load_state_dict(state["scheduler"])
    return int(state["epoch"]), list(state.get("history", []))


# --------------------------------------------------------------------------- outputs
def _plain(obj):
    """NumPy scalars/arrays and 0-d tensors -> Python numbers and lists (for JSON)."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, minitorch.Tensor):
        obj = obj.detach().cpu().numpy()
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None                                   # JSON has no NaN/inf
    return obj


def write_metrics(out, metrics: dict) -> str:
    """Write `metrics` as OUT/metrics.json, atomically (a temporary file renamed over it).
    NumPy values and tensors become plain numbers and lists. Returns the path."""
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "metrics.json")
    with atomic_write(path, "w") as f:
        json.dump(_plain(metrics), f, indent=2)
        f.write("\n")
    return path


def print_outputs(paths, log=print):
    """Print where the outputs are, one per line."""
    log("outputs:")
    for p in paths:
        log(f"  {p}")


# --------------------------------------------------------------------------- MNIST-family data
def add_mnist_args(parser, dataset="mnist"):
    """--dataset, --split-test-set and --no-download, for the MNIST-family examples."""
    g = parser.add_argument_group("data")
    g.add_argument("--dataset", choices=("mnist", "fashion-mnist"), default=dataset,
                   help=f"which dataset (default {dataset})")
    g.add_argument("--split-test-set", action="store_true",
                   help="use only the 10,000-image test split: its first 8,000 images for "
                        "training, the last 2,000 for testing (for a folder that holds only "
                        "t10k-* files, e.g. --data-dir ../shared/data/mnist-t10k)")
    g.add_argument("--no-download", action="store_true",
                   help="never download; fail if the files are not found")
    return parser


def load_mnist_data(args):
    """The training and test sets of args.dataset as TensorDatasets of (N, 1, 28, 28)
    float32 images and int64 labels, plus a dict describing them.

    Pixels are scaled to [0, 1], then normalized by the mean and std of the *training*
    images (the very images trained on: for --split-test-set the first 8,000). The raw
    [0, 1] test images are returned as info["test_images"] (a NumPy array) for plots.
    On a missing or broken dataset, exits with the dataset's message (where it looked, how
    to provide the files)."""
    from minitorch.datasets import MNIST, FashionMNIST, DatasetNotFoundError, IDXError
    from minitorch.utils.data import TensorDataset
    cls = FashionMNIST if args.dataset == "fashion-mnist" else MNIST

    def load(train):
        try:
            return cls(args.data_dir, train=train, download=not args.no_download)
        except (DatasetNotFoundError, IDXError) as exc:
            exit_with_error(str(exc), code=1)

    if args.split_test_set:
        ds = load(train=False)
        images, labels = ds.images, ds.targets.numpy()
        train_images, test_images = images[:8000], images[8000:]
        train_labels, test_labels = labels[:8000], labels[8000:]
        protocol = "test split: first 8,000 train / last 2,000 test"
    else:
        tr, te = load(train=True), load(train=False)
        train_images, train_labels = tr.images, tr.targets.numpy()
        test_images, test_labels = te.images, te.targets.numpy()
        protocol = "standard train / test splits"
    if args.limit is not None:
        if args.limit < 1:
            exit_with_error(f"--limit must be a positive number of samples, got {args.limit}")
        n_test = min(len(test_images), max(256, args.limit // 4))
        train_images, train_labels = train_images[:args.limit], train_labels[:args.limit]
        test_images, test_labels = test_images[:n_test], test_labels[:n_test]

    # scale to [0, 1], then standardize with the training set's statistics
    train_x = train_images.astype(np.float32) / np.float32(255)
    test_x = test_images.astype(np.float32) / np.float32(255)
    mean, std = float(train_x.mean()), float(train_x.std())
    train_ds = TensorDataset(minitorch.from_numpy(((train_x - mean) / std)[:, None]),
                             minitorch.from_numpy(train_labels.astype(np.int64)))
    test_ds = TensorDataset(minitorch.from_numpy(((test_x - mean) / std)[:, None]),
                            minitorch.from_numpy(test_labels.astype(np.int64)))
    info = {"dataset": args.dataset, "protocol": protocol, "n_train": len(train_x),
            "n_test": len(test_x), "mean": mean, "std": std, "classes": list(cls.classes),
            "test_images": test_x}
    return train_ds, test_ds, info


def classification_summary(y_true, y_pred, class_names):
    """test accuracy, the confusion matrix and per-class precision / recall / F1 /
    specificity / support, as a JSON-ready dict; and the printable report."""
    from minitorch import metrics
    k = len(class_names)
    prec, rec, f1, support = metrics.precision_recall_fscore_support(y_true, y_pred,
                                                                     num_classes=k)
    spec = metrics.specificity_score(y_true, y_pred, num_classes=k)
    per_class = {name: {"precision": float(prec[i]), "recall": float(rec[i]),
                        "f1": float(f1[i]), "specificity": float(spec[i]),
                        "support": int(support[i])} for i, name in enumerate(class_names)}
    summary = {"test_accuracy": metrics.accuracy(y_pred, y_true),
               "confusion_matrix": metrics.confusion_matrix(y_true, y_pred, num_classes=k),
               "per_class": per_class,
               "macro_f1": metrics.f1_score(y_true, y_pred, num_classes=k, average="macro")}
    report = metrics.classification_report(y_true, y_pred, num_classes=k,
                                           target_names=class_names, digits=4)
    return summary, report
