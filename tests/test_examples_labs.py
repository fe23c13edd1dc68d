"""examples/char_rnn.py, fit_line.py, optimizers.py and regularization.py run end to end as
subprocesses on ../shared/data (tiny Shakespeare, the MNIST test set) with tiny settings:
exit 0, a valid metrics.json, PNG files, a training loss that falls; the char-RNN's
--generate samples from its checkpoint and --resume continues it."""
import json
import math
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
DATA = os.path.join(os.path.dirname(ROOT), "shared", "data")
MNIST_T10K = os.path.join(DATA, "mnist-t10k")
SHAKESPEARE = os.path.join(DATA, "tinyshakespeare", "input.txt")
PNG = b"\x89PNG\r\n\x1a\n"

needs_mnist = pytest.mark.skipif(not os.path.isdir(MNIST_T10K),
                                 reason=f"the MNIST test set is not at {MNIST_T10K}")
needs_text = pytest.mark.skipif(not os.path.isfile(SHAKESPEARE),
                                reason=f"tiny Shakespeare is not at {SHAKESPEARE}")


def run_script(name, *args, timeout=600):
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("MINITORCH_DATA", None)
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, name), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)


def ok(res):
    assert res.returncode == 0, res.stdout + res.stderr
    return res


def load_metrics(out):
    return json.loads((out / "metrics.json").read_text())


def assert_png(path):
    assert path.read_bytes()[:8] == PNG, path


# --------------------------------------------------------------------------- fit_line
def test_fit_line(tmp_path):
    res = ok(run_script("fit_line.py", "--epochs", 300, "--out", tmp_path))
    m = load_metrics(tmp_path)
    assert str(tmp_path / "metrics.json") in res.stdout
    for png in ("fit.png", "loss.png"):
        assert_png(tmp_path / png)
        assert str(tmp_path / png) in res.stdout
    hist = m["loss_history"]
    assert len(hist) == 300 and hist[-1] < hist[0] / 5
    assert m["final_loss"] == hist[-1]
    # gradient descent approaches the least-squares line, which is near the true one
    assert m["w"] == pytest.approx(m["least_squares_w"], abs=0.1)
    assert m["b"] == pytest.approx(m["least_squares_b"], abs=0.1)
    assert m["w"] == pytest.approx(2.0, abs=0.2) and m["b"] == pytest.approx(-1.0, abs=0.2)


def test_fit_line_minibatch_and_limit(tmp_path):
    ok(run_script("fit_line.py", "--epochs", 20, "--batch-size", 16, "--limit", 64,
                  "--true-w", -3, "--true-b", 4, "--lr", 0.05, "--out", tmp_path))
    m = load_metrics(tmp_path)
    assert m["n"] == 64
    assert m["w"] == pytest.approx(-3, abs=0.3) and m["b"] == pytest.approx(4, abs=0.3)


# --------------------------------------------------------------------------- optimizers
def test_optimizers_surface_only(tmp_path):
    res = ok(run_script("optimizers.py", "--surface-only", "--surface-steps", 150,
                        "--out", tmp_path))
    m = load_metrics(tmp_path)
    assert_png(tmp_path / "trajectories.png")
    assert "mlp" not in m
    opts = m["surface"]["optimizers"]
    assert set(opts) == {"sgd", "momentum", "adagrad", "rmsprop", "adam"}
    for name, r in opts.items():
        assert len(r["final_position"]) == 2
        assert r["final_loss"] < r["initial_loss"], name
        assert r["final_loss"] < 1.0, name          # reached (near) one of the minima
    assert str(tmp_path / "trajectories.png") in res.stdout


@needs_mnist
def test_optimizers_mlp(tmp_path):
    ok(run_script("optimizers.py", "--data-dir", MNIST_T10K, "--split-test-set",
                  "--limit", 256, "--epochs", 2, "--surface-steps", 30, "--no-download",
                  "--no-progress", "--optimizers", "sgd", "momentum", "adam",
                  "--out", tmp_path))
    m = load_metrics(tmp_path)
    for png in ("trajectories.png", "mlp_curves.png"):
        assert_png(tmp_path / png)
    mlp = m["mlp"]
    assert mlp["n_train"] == 256 and mlp["epochs"] == 2
    assert set(mlp["optimizers"]) == {"sgd", "momentum", "adam"}
    for name, r in mlp["optimizers"].items():
        hist = r["history"]
        assert len(hist) == 2
        assert hist[1]["train_loss"] < hist[0]["train_loss"], name
        assert 0.0 <= r["test_accuracy"] <= 1.0
    assert mlp["optimizers"]["adam"]["lr"] == 1e-3
    assert set(m["surface"]["optimizers"]) == {"sgd", "momentum", "adam"}


# --------------------------------------------------------------------------- regularization
@needs_mnist
def test_regularization(tmp_path):
    res = ok(run_script("regularization.py", "--data-dir", MNIST_T10K, "--split-test-set",
                        "--limit", 256, "--epochs", 4, "--patience", 1, "--no-download",
                        "--no-progress", "--out", tmp_path))
    m = load_metrics(tmp_path)
    assert_png(tmp_path / "regularization.png")
    assert str(tmp_path / "regularization.png") in res.stdout
    assert m["n_train"] == 256
    v = m["variants"]
    assert set(v) == {"none", "l2", "dropout", "early_stopping"}
    assert v["l2"]["weight_decay"] > 0 and v["none"]["weight_decay"] == 0
    assert v["dropout"]["dropout"] == 0.5
    for name, r in v.items():
        hist = r["history"]
        assert 1 <= r["epochs_run"] == len(hist) <= 4
        assert hist[-1]["train_loss"] < hist[0]["train_loss"], name
        assert {"train_loss", "train_acc", "val_loss", "val_acc"} <= set(hist[0])
        assert 0.0 <= r["final_val_accuracy"] <= 1.0
    # the same initial weights and batches: identical first epochs without regularization
    assert v["none"]["history"][0]["train_loss"] == \
        v["early_stopping"]["history"][0]["train_loss"]
    # early stopping keeps the best weights
    es = v["early_stopping"]
    assert es["final_val_loss"] == pytest.approx(es["best_val_loss"], rel=1e-5)


# --------------------------------------------------------------------------- char_rnn
SMALL_RNN = ("--limit", 30000, "--embed", 16, "--hidden", 64, "--batch-size", 16,
             "--seq-len", 32, "--lr", 1e-2, "--no-progress")


@needs_text
@pytest.mark.parametrize("sampling", ["sequential", "random"])
def test_char_rnn_trains_and_generates(sampling, tmp_path):
    res = ok(run_script("char_rnn.py", *SMALL_RNN, "--steps", 30, "--eval-every", 15,
                        "--sampling", sampling, "--sample-len", 40, "--out", tmp_path))
    m = load_metrics(tmp_path)
    for name in ("metrics.json", "loss.png", "sample.txt", "checkpoint.pt"):
        assert (tmp_path / name).is_file()
        assert str(tmp_path / name) in res.stdout
    assert_png(tmp_path / "loss.png")
    assert m["steps"] == 30 and [h["step"] for h in m["history"]] == [15, 30]
    assert m["val_loss"] == m["history"][-1]["val_loss"]
    assert m["perplexity"] == pytest.approx(math.exp(m["val_loss"]))
    assert m["n_train_chars"] == 27000 and m["n_val_chars"] == 3000
    with open(SHAKESPEARE, encoding="utf-8") as f:
        vocab = set(f.read(30000))
    assert m["vocab_size"] == len(vocab)
    # learning: below the uniform guess, and the training loss falls
    assert m["val_loss"] < math.log(len(vocab))
    assert m["train_loss_history"][-1] < m["train_loss_history"][0]
    assert m["ms_per_step"] > 0 and m["cpu_ms_per_step"] > 0
    assert len(m["sample"]) == 40 and set(m["sample"]) <= vocab

    # --generate: no training, text of the asked length from the vocabulary
    out2 = tmp_path / "gen"
    res = ok(run_script("char_rnn.py", "--generate", "--checkpoint", tmp_path / "checkpoint.pt",
                        "--prime", "The", "--sample-len", 75, "--temperature", 0.5,
                        "--out", out2))
    text = (out2 / "sample.txt").read_text(encoding="utf-8")
    assert text.startswith("The") and len(text) == 3 + 75
    assert set(text) <= vocab
    assert not (out2 / "metrics.json").exists()


@needs_text
@pytest.mark.slow
def test_char_rnn_resume_and_errors(tmp_path):
    ok(run_script("char_rnn.py", *SMALL_RNN, "--steps", 10, "--eval-every", 10,
                  "--sample-len", 5, "--out", tmp_path))
    res = ok(run_script("char_rnn.py", *SMALL_RNN, "--steps", 20, "--eval-every", 10,
                        "--sample-len", 5, "--resume", "--out", tmp_path))
    assert "resumed" in res.stdout
    m = load_metrics(tmp_path)
    assert [h["step"] for h in m["history"]] == [10, 20]
    # a character outside the vocabulary in --prime, a missing text: clear errors
    res = run_script("char_rnn.py", "--generate", "--prime", "\u00e9", "--out", tmp_path)
    assert res.returncode != 0 and "vocabulary" in res.stderr
    res = run_script("char_rnn.py", "--generate", "--prime", "", "--out", tmp_path)
    assert res.returncode != 0 and "--prime" in res.stderr
    res = run_script("char_rnn.py", "--text", tmp_path / "nope.txt", "--out", tmp_path)
    assert res.returncode == 1 and "nope.txt" in res.stderr


def test_char_rnn_any_utf8_text(tmp_path):
    text = "Ünïcödé λόγος — " * 400
    src = tmp_path / "poem.txt"
    src.write_text(text, encoding="utf-8")
    ok(run_script("char_rnn.py", "--text", src, "--embed", 8, "--hidden", 16,
                  "--batch-size", 4, "--seq-len", 16, "--steps", 8, "--eval-every", 4,
                  "--sample-len", 20, "--no-progress", "--out", tmp_path / "o"))
    m = load_metrics(tmp_path / "o")
    assert m["vocab_size"] == len(set(text)) and set(m["sample"]) <= set(text)


def test_help_and_docstrings():
    for name in ("char_rnn.py", "fit_line.py", "optimizers.py", "regularization.py"):
        res = ok(run_script(name, "--help"))
        for flag in ("--data-dir", "--epochs", "--batch-size", "--lr", "--seed", "--device",
                     "--out", "--limit"):
            assert flag in res.stdout, (name, flag)
