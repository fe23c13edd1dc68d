"""minitorch.utils.tensorboard.SummaryWriter: the CSV fallback (always tested, by hiding
the tensorboard package) and, where tensorboard is installed, event files whose records
equal those of torch.utils.tensorboard for the same calls. Everything in tmp dirs."""
from __future__ import annotations

import csv
import io
import json
import os
import warnings

import numpy as np
import pytest

import minitorch
from minitorch.utils.tensorboard import SummaryWriter, writer as mwriter
from minitorch.utils.tensorboard import summary as msummary


@pytest.fixture
def csv_mode(monkeypatch):
    monkeypatch.setattr(mwriter, "tensorboard_available", lambda: False)
    monkeypatch.setattr(mwriter, "_WARNED", set())


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


# ---------------------------------------------------------------------------- CSV mode
def test_csv_scalars_and_warning_once(csv_mode, tmp_path):
    with pytest.warns(UserWarning, match="tensorboard package is not installed"):
        w = SummaryWriter(tmp_path / "run")
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # the second writer does not warn again
        w2 = SummaryWriter(tmp_path / "other")
    w2.close()
    w.add_scalar("loss", 0.5, 0)
    w.add_scalar("loss", minitorch.tensor(0.25), 1)
    w.add_scalar("loss", np.float32(0.125), minitorch.tensor(2))
    w.add_scalar("acc", minitorch.tensor([0.9]), walltime=123.5)
    rows = read_csv(tmp_path / "run" / "scalars.csv")      # line-buffered: already there
    assert rows[0] == ["wall_time", "step", "tag", "value"]
    assert [(r[1], r[2], float(r[3])) for r in rows[1:]] == [
        ("0", "loss", 0.5), ("1", "loss", 0.25), ("2", "loss", 0.125),
        ("", "acc", pytest.approx(0.9))]
    assert float(rows[4][0]) == 123.5
    w.close()
    assert w.get_logdir() == tmp_path / "run"


def test_csv_add_scalars_layout_like_torch(csv_mode, tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        w.add_scalars("loss/x", {"train": 1.0, "val": minitorch.tensor(2.0)}, 3)
        w.add_scalars("loss/x", {"train": 0.5}, 4)
    train = read_csv(tmp_path / "loss_x_train" / "scalars.csv")
    val = read_csv(tmp_path / "loss_x_val" / "scalars.csv")
    assert [(r[1], r[2], r[3]) for r in train[1:]] == [("3", "loss/x", "1.0"),
                                                      ("4", "loss/x", "0.5")]
    assert [(r[1], r[2], r[3]) for r in val[1:]] == [("3", "loss/x", "2.0")]


def test_csv_hparams(csv_mode, tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        w.add_hparams({"lr": 0.1, "opt": "sgd", "bs": minitorch.tensor(32)},
                      {"hp/acc": 0.75}, run_name="trial1", global_step=7)
    saved = json.loads((tmp_path / "trial1" / "hparams.json").read_text())
    assert saved == {"hparams": {"lr": 0.1, "opt": "sgd", "bs": 32.0},
                     "metrics": {"hp/acc": 0.75}}
    rows = read_csv(tmp_path / "trial1" / "scalars.csv")
    assert [(r[1], r[2], r[3]) for r in rows[1:]] == [("7", "hp/acc", "0.75")]


def test_csv_other_records_accepted(csv_mode, tmp_path):
    w = SummaryWriter(str(tmp_path))
    w.add_histogram("h", minitorch.randn(10), 0)
    w.add_image("img", minitorch.rand(3, 4, 4), 0)
    w.add_images("imgs", minitorch.rand(2, 3, 4, 4), 0)
    w.add_text("t", "hello", 0)
    w.add_graph(minitorch.nn.Linear(2, 2), minitorch.randn(1, 2))
    w.add_tensor("x", minitorch.randn(2))
    with pytest.warns(UserWarning, match="add_embedding: not recorded"):
        w.add_embedding(minitorch.randn(3, 2))
    w.flush()
    w.close()
    assert set(os.listdir(tmp_path)) <= {"scalars.csv"}    # nothing else is written


def test_default_log_dir_and_comment(csv_mode, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_lr0.1")
    w.add_scalar("a", 1.0)
    w.close()
    runs = os.listdir(tmp_path / "runs")
    assert len(runs) == 1 and runs[0].endswith("_lr0.1")
    assert str(w.get_logdir()).startswith("runs" + os.sep)


def test_reopen_after_close_appends(csv_mode, tmp_path):
    w = SummaryWriter(str(tmp_path))
    w.add_scalar("a", 1.0, 0)
    w.close()
    w.add_scalar("a", 2.0, 1)
    w.close()
    rows = read_csv(tmp_path / "scalars.csv")
    assert [r[3] for r in rows[1:]] == ["1.0", "2.0"] and rows[0][0] == "wall_time"


def test_scalar_errors_like_torch(csv_mode, tmp_path):
    w = SummaryWriter(str(tmp_path))
    with pytest.raises(AssertionError, match="should contain one element"):
        w.add_scalar("a", minitorch.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="hparam_dict and metric_dict should be dictionary"):
        w.add_hparams([("lr", 1)], {})
    with pytest.raises(ValueError, match="value should be one of"):
        w.add_hparams({"lr": [1]}, {})
    with pytest.raises(TypeError, match="hparam_domain_discrete"):
        w.add_hparams({"lr": 0.1}, {}, hparam_domain_discrete={"lr": ["a"]})
    w.close()


# ---------------------------------------------------------------------------- helpers
def test_png_encoder_round_trip():
    plt = pytest.importorskip("matplotlib.pyplot")
    rng = np.random.default_rng(0)
    for c in (1, 3, 4):
        img = rng.integers(0, 256, (5, 7, c), dtype=np.uint8)
        back = plt.imread(io.BytesIO(msummary.encode_png(img)), format="png")
        back = np.round(back * 255).astype(np.uint8)
        np.testing.assert_array_equal(back.reshape(img.shape), img)


def test_image_layouts():
    chw = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    assert msummary.convert_to_hwc(chw, "NCHW").shape == (4, 10, 3)
    assert msummary.convert_to_hwc(chw[0], "CHW").shape == (4, 5, 3)
    assert msummary.convert_to_hwc(chw[0, 0], "HW").shape == (4, 5, 3)
    assert msummary.convert_to_hwc(chw[0, :1].transpose(1, 2, 0), "HWC").shape == (4, 5, 3)
    with pytest.raises(AssertionError, match="same dimension shorthand"):
        msummary.convert_to_hwc(chw[0], "CCW")
    assert msummary.to_uint8_image(np.array([[[-1.0, 0.5, 2.0]]])).tolist() == [[[0, 127, 255]]]


def test_histogram_parts_match_numpy():
    values = np.random.default_rng(1).standard_normal(200)
    parts = msummary.histogram_parts(values, bins=10)
    assert parts["num"] == 200 and sum(parts["bucket"]) == 200
    assert parts["min"] == values.min() and parts["max"] == values.max()
    np.testing.assert_allclose(parts["sum_squares"], (values ** 2).sum())
    with pytest.raises(ValueError, match="no element"):
        msummary.histogram_parts(np.array([]), bins=10)


# ---------------------------------------------------------------------------- event files
def _tensorboard():
    if not mwriter.tensorboard_available():
        pytest.skip("the tensorboard package is not installed")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    return EventAccumulator


def _log_everything(lib, tb, log_dir):
    img = np.random.default_rng(0).random((2, 3, 4, 5)).astype("float32")
    with tb.SummaryWriter(log_dir) as w:
        for i in range(3):
            w.add_scalar("loss", lib.tensor(0.5 * i), i)
        w.add_scalar("new", 3.0, 1, new_style=True)
        w.add_scalars("m", {"a": 1.0, "b": lib.tensor([2.0])}, 2)
        w.add_histogram("h", lib.arange(10.0), 3)
        w.add_histogram("h2", lib.tensor(img), 3, bins=5)
        w.add_image("img", lib.tensor(img[0]), 4)
        w.add_images("imgs", lib.tensor(img), 4)
        w.add_text("t", "hello", 5)
        w.add_hparams({"lr": 0.1, "opt": "sgd", "flag": True}, {"hp/acc": 0.9},
                      run_name="hp")


def _read(EventAccumulator, log_dir):
    from PIL import Image
    out = {}
    for sub in ["", "/m_a", "/m_b", "/hp"]:
        ea = EventAccumulator(log_dir + sub, size_guidance={"tensors": 0, "images": 0})
        ea.Reload()
        tags = ea.Tags()
        out[sub] = {k: v for k, v in tags.items() if v}
        for t in tags["scalars"]:
            out[sub + t] = [(s.step, s.value) for s in ea.Scalars(t)]
        for t in tags["histograms"]:
            out[sub + t] = str(ea.Histograms(t)[0].histogram_value)
        for t in tags["images"]:
            im = ea.Images(t)[0]
            pixels = np.asarray(Image.open(io.BytesIO(im.encoded_image_string)))
            out[sub + t] = (im.width, im.height, pixels.tolist())
        for t in tags["tensors"]:
            out[sub + t] = (str(ea.Tensors(t)[0].tensor_proto), str(ea.SummaryMetadata(t)))
    return out


def test_event_files_equal_torch(tmp_path):
    EventAccumulator = _tensorboard()
    pytest.importorskip("PIL")
    import torch
    import torch.utils.tensorboard as ttb
    import minitorch.utils.tensorboard as mtb
    _log_everything(torch, ttb, str(tmp_path / "torch"))
    _log_everything(minitorch, mtb, str(tmp_path / "mini"))
    ref = _read(EventAccumulator, str(tmp_path / "torch"))
    got = _read(EventAccumulator, str(tmp_path / "mini"))
    assert sorted(got) == sorted(ref)
    for key in ref:
        assert got[key] == ref[key], key


def test_event_files_purge_step_and_figure(tmp_path):
    EventAccumulator = _tensorboard()
    plt = pytest.importorskip("matplotlib.pyplot")
    with SummaryWriter(str(tmp_path), purge_step=5) as w:
        fig = plt.figure(figsize=(1, 1), dpi=20)
        w.add_figure("fig", fig, 1)
        w.add_scalar("x", 1.0, 6)
    ea = EventAccumulator(str(tmp_path), size_guidance={"images": 0})
    ea.Reload()
    assert ea.Tags()["images"] == ["fig"] and ea.Images("fig")[0].width == 20
    assert [(s.step, s.value) for s in ea.Scalars("x")] == [(6, 1.0)]
