"""examples/mnist_mlp.py and examples/lenet.py run end to end on the MNIST test set
(../shared/data/mnist-t10k, the --split-test-set protocol) with --limit, write a valid
metrics.json and their PNGs, learn, resume from their checkpoint, and fail clearly
without data. Also examples/common.py's pieces on a toy problem."""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import minitorch
import minitorch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
MNIST_T10K = os.path.join(os.path.dirname(ROOT), "shared", "data", "mnist-t10k")
PNG = b"\x89PNG\r\n\x1a\n"

sys.path.insert(0, EXAMPLES)
import common  # noqa: E402

needs_mnist = pytest.mark.skipif(not os.path.isdir(MNIST_T10K),
                                 reason=f"the MNIST test set is not at {MNIST_T10K}")


def run_script(name, *args, timeout=300):
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("MINITORCH_DATA", None)
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, name), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)


def smoke(name, out, *extra, epochs=2):
    return run_script(name, "--data-dir", MNIST_T10K, "--split-test-set", "--limit", 512,
                      "--epochs", epochs, "--out", out, "--no-download", "--no-progress",
                      *extra)


SCRIPTS = {"mnist_mlp.py": ["curves.png", "confusion_matrix.png", "misclassified.png"],
           "lenet.py": ["curves.png", "confusion_matrix.png", "misclassified.png",
                        "feature_maps.png", "filters.png"]}


def check_outputs(out, pngs, epochs):
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("test_accuracy", "test_loss", "history", "confusion_matrix", "per_class",
                "seconds_per_epoch", "dataset", "n_train", "n_test"):
        assert key in metrics, key
    assert 0.0 <= metrics["test_accuracy"] <= 1.0
    assert metrics["n_train"] == 512 and metrics["dataset"] == "mnist"
    hist = metrics["history"]
    assert [h["epoch"] for h in hist] == list(range(1, epochs + 1))
    for h in hist:
        assert {"train_loss", "train_acc", "test_loss", "test_acc", "seconds"} <= set(h)
    cm = np.array(metrics["confusion_matrix"])
    assert cm.shape == (10, 10) and cm.sum() == metrics["n_test"]
    assert np.trace(cm) / cm.sum() == pytest.approx(metrics["test_accuracy"])
    assert len(metrics["per_class"]) == 10
    for scores in metrics["per_class"].values():
        assert {"precision", "recall", "f1", "support"} <= set(scores)
    for png in pngs:
        assert (out / png).read_bytes()[:8] == PNG, png
    assert (out / "checkpoint.pt").is_file()
    return metrics


@needs_mnist
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_example_runs_learns_and_resumes(script, tmp_path):
    """About 10 s (MLP) and 14 s (LeNet) of CPU for the three runs."""
    res = smoke(script, tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert str(tmp_path / "metrics.json") in res.stdout      # says where the outputs are
    for png in SCRIPTS[script]:
        assert str(tmp_path / png) in res.stdout
    metrics = check_outputs(tmp_path, SCRIPTS[script], epochs=2)
    hist = metrics["history"]
    assert hist[-1]["train_loss"] < hist[0]["train_loss"]
    assert hist[-1]["train_loss"] < 2.0          # below chance level (ln 10 = 2.30)

    res = smoke(script, tmp_path, "--resume", epochs=3)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "resumed from" in res.stdout
    resumed = check_outputs(tmp_path, SCRIPTS[script], epochs=3)
    assert resumed["history"][:2] == hist                    # history extended, not redone
    assert resumed["history"][2]["train_loss"] < hist[0]["train_loss"]


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_missing_dataset_is_a_clear_error(script, tmp_path, monkeypatch):
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    res = run_script(script, "--data-dir", empty, "--no-download", "--limit", 64,
                     "--epochs", 1, "--out", tmp_path / "out", "--no-progress")
    assert res.returncode != 0
    assert "Traceback" not in res.stderr
    assert "could not find" in res.stderr and str(empty) in res.stderr
    assert "--data-dir" in res.stderr                          # says how to provide them
    assert not (tmp_path / "out" / "metrics.json").exists()


def test_resume_without_checkpoint_is_a_clear_error(tmp_path):
    res = run_script("mnist_mlp.py", "--resume", "--out", tmp_path, "--data-dir",
                     MNIST_T10K, "--split-test-set", "--limit", 64, "--epochs", 1,
                     "--no-download", "--no-progress")
    assert res.returncode != 0 and "Traceback" not in res.stderr
    assert "no checkpoint" in res.stderr or "could not find" in res.stderr


def test_help_states_the_recipes():
    mlp = run_script("mnist_mlp.py", "--help")
    lenet = run_script("lenet.py", "--help")
    assert mlp.returncode == 0 and lenet.returncode == 0
    for text in (mlp.stdout, lenet.stdout):
        for flag in ("--data-dir", "--epochs", "--batch-size", "--lr", "--seed", "--device",
                     "--out", "--limit", "--resume", "--dataset", "--split-test-set"):
            assert flag in text, flag
        assert "5 for Fashion-MNIST" in text
    assert "SGD lr 0.1 momentum 0.9" in mlp.stdout and "batch 128" in mlp.stdout
    assert "Adam lr 1e-3" in lenet.stdout and "batch 64" in lenet.stdout


# ----------------------------------------------------------------------------- common.py
def toy_args(out, epochs, resume=False):
    parser = common.add_common_args(argparse.ArgumentParser(), epochs=epochs,
                                    batch_size=32, lr=0.1)
    argv = ["--out", str(out), "--no-progress"] + (["--resume"] if resume else [])
    return parser.parse_args(argv)


def toy_problem():
    from minitorch.utils.data import DataLoader, TensorDataset
    common.set_seed(0)
    x = minitorch.randn(256, 4)
    y = (x[:, 0] + x[:, 1] > 0).long()
    loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
    opt = minitorch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    return model, opt, loader


def test_common_fit_checkpoint_and_resume(tmp_path):
    model, opt, loader = toy_problem()
    logs = []
    hist = common.fit(model, opt, nn.CrossEntropyLoss(), loader, loader,
                      toy_args(tmp_path, 2), log=logs.append)
    assert [h["epoch"] for h in hist] == [1, 2] and len(logs) == 2
    assert hist[1]["train_loss"] < hist[0]["train_loss"]
    assert hist[1]["val_acc"] > 0.8
    # a fresh model resumes: the checkpoint restores weights, optimizer, epoch and history
    model2, opt2, _ = toy_problem()
    hist2 = common.fit(model2, opt2, nn.CrossEntropyLoss(), loader, loader,
                       toy_args(tmp_path, 3, resume=True), log=logs.append)
    assert [h["epoch"] for h in hist2] == [1, 2, 3] and hist2[:2] == hist
    assert "resumed from" in logs[2]
    epoch, saved = common.load_checkpoint(common.checkpoint_path(tmp_path), model2)
    assert epoch == 3 and saved == hist2


def test_common_early_stopping(tmp_path):
    model, opt, loader = toy_problem()
    for g in opt.param_groups:
        g["lr"] = 0.0                      # nothing improves: stop after patience epochs
    stopper = minitorch.optim.EarlyStopping(patience=1)
    from minitorch.utils.data import DataLoader
    fixed = DataLoader(loader.dataset, batch_size=64)   # same order: the same loss each time
    hist = common.fit(model, opt, nn.CrossEntropyLoss(), loader, fixed,
                      toy_args(tmp_path, 10), early_stopping=stopper, log=lambda s: None)
    assert len(hist) == 2


def test_common_write_metrics_is_plain_json(tmp_path):
    path = common.write_metrics(tmp_path, {"a": np.float32(0.5), "cm": np.eye(2, dtype=int),
                                           "t": minitorch.tensor([1.0, 2.0]),
                                           "nan": float("nan")})
    assert path == os.path.join(tmp_path, "metrics.json")
    assert json.loads(open(path).read()) == {"a": 0.5, "cm": [[1, 0], [0, 1]],
                                              "t": [1.0, 2.0], "nan": None}
    assert os.listdir(tmp_path) == ["metrics.json"]          # no temporary left behind


def test_common_summary_matches_metrics():
    y_true = np.array([0, 0, 1, 1, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 0])
    summary, report = common.classification_summary(y_true, y_pred, ["a", "b", "c"])
    assert summary["test_accuracy"] == pytest.approx(4 / 6)
    assert summary["confusion_matrix"].tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert summary["per_class"]["b"] == pytest.approx(
        {"precision": 2 / 3, "recall": 1.0, "f1": 0.8, "specificity": 0.75, "support": 2})
    assert "precision" in report and "c" in report


class FakeTerminal:
    """A stderr that says it is a terminal, so progress_bar draws with tqdm."""

    def __init__(self):
        self.text = []

    def isatty(self):
        return True

    def write(self, s):
        self.text.append(s)

    def flush(self):
        pass


def test_common_progress_bar_shows_running_loss_and_accuracy(monkeypatch):
    model, opt, loader = toy_problem()
    term = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", term)
    monkeypatch.setenv("COLUMNS", "120")
    loss, acc = common.train_epoch(model, loader, nn.CrossEntropyLoss(), opt, desc="epoch 1")
    out = "".join(term.text)
    assert "epoch 1" in out and "loss=" in out and "acc=" in out
    assert 0 < loss and 0 <= acc <= 1
    term.text.clear()
    common.train_epoch(model, loader, nn.CrossEntropyLoss(), opt, progress=False)
    assert term.text == []
