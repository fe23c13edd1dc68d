"""minitorch.viz: each plot writes a real PNG; feature maps come from a hook that is
removed; the DOT text of a small graph has the expected nodes and edges; rendering runs
only where Graphviz's `dot` exists."""
import os
import re
import struct
import subprocess
import sys

import numpy as np
import pytest

import minitorch
from minitorch import nn
from minitorch import viz


def check_png(path, min_size=1000):
    """A PNG file: the signature, an IHDR first, a plausible size."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 50 and height > 50, (width, height)
    assert len(data) > min_size
    assert data.endswith(b"IEND\xaeB`\x82")
    return width, height


def no_temp_files(folder):
    assert not [n for n in os.listdir(folder) if n.startswith(".tmp-")]


def test_import_does_not_load_matplotlib():
    code = ("import sys, minitorch, minitorch.viz; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    from minitorch import viz as v2
    assert v2 is viz


# ----------------------------------------------------------------------------- plots
def test_plot_curves(tmp_path):
    history = {"train_loss": [1.0, 0.7, 0.5], "val_loss": [1.1, 0.8, 0.65],
               "train_acc": [0.5, 0.7, 0.8], "val_acc": [0.45, 0.6, None],
               "note": "not numbers"}
    path = tmp_path / "new" / "dir" / "curves.png"          # parents are created
    assert viz.plot_curves(history, path, title="MLP") == str(path)
    check_png(path)
    no_temp_files(path.parent)
    # a list of per-epoch records, an "epoch" x axis, Keras-style keys, a Tensor value
    records = [{"epoch": 1, "loss": 2.0, "val_loss": minitorch.tensor(2.5)},
               {"epoch": 2, "loss": 1.5, "val_loss": minitorch.tensor(2.0)}]
    check_png(viz.plot_curves(records, tmp_path / "records.png"))
    with pytest.raises(ValueError, match="plot_curves.*no list of numbers"):
        viz.plot_curves({"a": "text"}, tmp_path / "x.png")
    with pytest.raises(TypeError, match="plot_curves.*history should be"):
        viz.plot_curves([1, 2], tmp_path / "x.png")
    with pytest.raises(ValueError, match="cannot write a 'xyz' file"):
        viz.plot_curves(history, tmp_path / "x.xyz")


def test_plot_curves_svg(tmp_path):
    path = viz.plot_curves({"train_loss": [1, 0.5]}, tmp_path / "c.svg")
    with open(path, "rb") as f:
        assert b"<svg" in f.read(2000)


def test_plot_confusion_matrix(tmp_path):
    cm = minitorch.metrics.confusion_matrix([0, 1, 2, 2, 2], [0, 0, 2, 2, 1])
    check_png(viz.plot_confusion_matrix(cm, tmp_path / "cm.png",
                                        class_names=["cat", "dog", "bird"]))
    check_png(viz.plot_confusion_matrix(minitorch.tensor(cm), tmp_path / "cmn.png",
                                        normalize="pred"))
    # an all-zero row (class never seen) normalizes to zeros, not NaN
    check_png(viz.plot_confusion_matrix(np.array([[2, 0], [0, 0]]), tmp_path / "z.png",
                                        normalize=True))
    with pytest.raises(ValueError, match="square"):
        viz.plot_confusion_matrix(np.zeros((2, 3)), tmp_path / "bad.png")
    with pytest.raises(ValueError, match="class_names has 2 names for a 3x3"):
        viz.plot_confusion_matrix(cm, tmp_path / "bad.png", class_names=["a", "b"])
    with pytest.raises(ValueError, match="normalize should be"):
        viz.plot_confusion_matrix(cm, tmp_path / "bad.png", normalize="rows")


def test_plot_misclassified(tmp_path):
    rng = np.random.default_rng(0)
    images = minitorch.tensor(rng.random((40, 1, 28, 28)).astype(np.float32))
    y_true = rng.integers(0, 10, 40)
    logits = rng.standard_normal((40, 10))                      # argmax -> labels
    w, h = check_png(viz.plot_misclassified(images, y_true, logits, tmp_path / "m.png",
                                            class_names=[f"c{i}" for i in range(10)],
                                            max_images=9))
    assert w > 150 and h > 150
    # flattened MNIST-style rows, RGB images, and nothing wrong
    check_png(viz.plot_misclassified(rng.random((6, 784)), [0, 1, 2, 0, 1, 2],
                                     [1, 1, 2, 0, 0, 2], tmp_path / "flat.png"))
    check_png(viz.plot_misclassified(rng.random((3, 3, 8, 8)), [0, 1, 1], [1, 1, 0],
                                     tmp_path / "rgb.png"))
    check_png(viz.plot_misclassified(rng.random((3, 8, 8)), [0, 1, 1], [0, 1, 1],
                                     tmp_path / "none.png"), min_size=500)
    with pytest.raises(ValueError, match="different numbers of samples"):
        viz.plot_misclassified(rng.random((3, 8, 8)), [0, 1], [0, 1], tmp_path / "x.png")
    with pytest.raises(ValueError, match="not square"):
        viz.plot_misclassified(rng.random((2, 10)), [0, 1], [1, 0], tmp_path / "x.png")


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.fc = nn.Linear(6 * 6 * 6, 3)

    def forward(self, x):
        x = minitorch.relu(self.conv1(x))
        x = minitorch.nn.functional.max_pool2d(x, 2)
        x = minitorch.relu(self.conv2(x))
        return self.fc(x.flatten(1))


def test_capture_and_plot_feature_maps(tmp_path):
    minitorch.manual_seed(0)
    model = SmallCNN()
    x = minitorch.randn(2, 1, 16, 16)
    maps = viz.capture_feature_maps(model, model.conv1, x)
    assert tuple(maps.shape) == (2, 4, 16, 16)
    assert not maps.requires_grad and maps.grad_fn is None
    np.testing.assert_allclose(maps.numpy(), model.conv1(x).detach().numpy(), rtol=1e-6)
    assert len(model.conv1._forward_hooks) == 0                 # the hook is gone
    by_name = viz.capture_feature_maps(model, "conv2", x)
    assert tuple(by_name.shape) == (2, 6, 6, 6)
    assert len(model.conv2._forward_hooks) == 0
    check_png(viz.plot_feature_maps(maps, tmp_path / "maps.png", nrow=2))
    check_png(viz.plot_feature_maps(maps[0, 0].numpy(), tmp_path / "one.png"))
    with pytest.raises(RuntimeError, match="did not run"):
        viz.capture_feature_maps(model, nn.ReLU(), x)
    with pytest.raises(ValueError, match="plot_feature_maps.*maps should be"):
        viz.plot_feature_maps(np.zeros(5), tmp_path / "x.png")


def test_capture_removes_hook_when_forward_raises():
    model = SmallCNN()
    with pytest.raises(RuntimeError, match="channels"):
        viz.capture_feature_maps(model, model.conv1, minitorch.randn(1, 2, 16, 16))
    assert len(model.conv1._forward_hooks) == 0


def test_plot_filters(tmp_path):
    model = SmallCNN()
    check_png(viz.plot_filters(model.conv1.weight, tmp_path / "f1.png"), min_size=500)
    check_png(viz.plot_filters(model.conv2.weight, tmp_path / "f2.png", scale_each=True),
              min_size=500)
    check_png(viz.plot_filters(np.random.rand(5, 3, 5, 5), tmp_path / "rgb.png"),
              min_size=500)
    with pytest.raises(ValueError, match="plot_filters.*out_channels, in_channels"):
        viz.plot_filters(np.zeros((3, 3)), tmp_path / "x.png")


# ----------------------------------------------------------------------------- graph
def parse_dot(text):
    """{node id: label} and [(src, dst)] from graph_to_dot's output."""
    nodes = dict(re.findall(r'^\s*(n\d+) \[label="((?:[^"\\]|\\.)*)"', text, re.MULTILINE))
    edges = re.findall(r"^\s*(n\d+) -> (n\d+)", text, re.MULTILINE)
    return nodes, edges


def test_graph_to_dot_small_expression():
    a = minitorch.randn(2, 3, requires_grad=True)
    b = minitorch.randn(2, 3, requires_grad=True)
    c = minitorch.randn(3, dtype=minitorch.float64, requires_grad=True)
    k = minitorch.randn(2, 3)                                  # no grad: not drawn
    y = (a * b + c + k).sum()
    text = viz.graph_to_dot(y, params={"a": a, "b": b, "c": c})
    assert text.startswith("digraph {") and text.rstrip().endswith("}")
    nodes, edges = parse_dot(text)
    labels = {v: k for k, v in nodes.items()}
    name = {lab.split("\\n")[0]: nid for nid, lab in nodes.items()}
    for fn in ("MulBackward0", "AddBackward0", "SumBackward0"):
        assert fn in name, text
    assert "a\\n(2, 3) float32" in labels and "b\\n(2, 3) float32" in labels
    assert "c\\n(3,) float64" in labels
    assert nodes[name["output"]] == "output\\n() float64"
    assert nodes[name["MulBackward0"]] == "MulBackward0\\n(2, 3) float32"
    # 9 nodes: output, Sum, Add (+ k), Add (+ c), Cast (a * b to float64 for + c), Mul,
    # a, b, c -- two AddBackward0; k needs no grad and is not drawn
    assert len(nodes) == 9 and sum(lab.startswith("AddBackward0") for lab in nodes.values()) == 2
    assert nodes[name["CastBackward0"]] == "CastBackward0\\n(2, 3) float64"
    e = set(edges)
    assert (labels["a\\n(2, 3) float32"], name["MulBackward0"]) in e
    assert (labels["b\\n(2, 3) float32"], name["MulBackward0"]) in e
    assert (name["MulBackward0"], name["CastBackward0"]) in e
    assert (name["SumBackward0"], name["output"]) in e
    assert len(edges) == 8
    # deterministic
    assert viz.graph_to_dot(y, params={"a": a, "b": b, "c": c}) == text


def test_graph_to_dot_model_parameter_names():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    loss = model(minitorch.randn(5, 3)).pow(2).mean()
    text = viz.graph_to_dot(loss, params=dict(model.named_parameters()))
    nodes, _ = parse_dot(text)
    labels = set(nodes.values())
    for pname, shape in (("0.weight", "(4, 3)"), ("0.bias", "(4,)"),
                         ("2.weight", "(2, 4)"), ("2.bias", "(2,)")):
        assert f"{pname}\\n{shape} float32" in labels, text
    assert any(lab.startswith("ReluBackward0") for lab in labels)
    assert any(lab.startswith("MeanBackward0") for lab in labels)
    # an iterable of pairs works as well, and without params leaves show shape and dtype
    assert viz.graph_to_dot(loss, params=model.named_parameters()) == text
    anon = viz.graph_to_dot(loss)
    assert '"(4, 3) float32"' in anon and "weight" not in anon


def test_graph_to_dot_shared_nodes_leaf_and_errors():
    a = minitorch.randn(3, requires_grad=True)
    y = a * a                                  # one leaf used twice: one node, two edges
    nodes, edges = parse_dot(viz.graph_to_dot(y))
    assert len(nodes) == 3 and len(edges) == 3
    # a leaf output is a single node
    nodes, edges = parse_dot(viz.graph_to_dot(a))
    assert list(nodes.values()) == ["output\\n(3,) float32"] and edges == []
    # several outputs share one graph
    z = y.sum()
    nodes, _ = parse_dot(viz.graph_to_dot([y, z]))
    assert sum(v.startswith("output") for v in nodes.values()) == 2
    with pytest.raises(TypeError, match="graph_to_dot.*Tensor"):
        viz.graph_to_dot(np.zeros(3))


def test_graph_to_dot_deep_chain_is_iterative():
    x = minitorch.randn(2, requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    nodes, edges = parse_dot(viz.graph_to_dot(y))
    assert len(nodes) == 3002 and len(edges) == 3001


def test_render_dot_text_and_missing_program(tmp_path):
    a = minitorch.randn(2, requires_grad=True)
    text = viz.graph_to_dot((a * 2).sum())
    path = viz.render_dot(text, tmp_path / "sub" / "g.dot")     # no Graphviz needed
    with open(path) as f:
        assert f.read() == text
    with pytest.raises(RuntimeError, match="render_dot.*not found on the PATH.*Install "
                                           "Graphviz"):
        viz.render_dot(text, tmp_path / "g.png", program="no-such-graphviz-program-x")
    with pytest.raises(ValueError, match="no suffix"):
        viz.render_dot(text, tmp_path / "graph")


@pytest.mark.skipif(not viz.dot_available(),
                    reason="Graphviz's `dot` program is not installed (rendering untested)")
def test_render_dot_png_svg(tmp_path):
    a = minitorch.randn(2, 3, requires_grad=True)
    b = minitorch.randn(2, 3, requires_grad=True)
    text = viz.graph_to_dot((a * b).sum(), params={"a": a, "b": b})
    check_png(viz.render_dot(text, tmp_path / "g.png"), min_size=500)
    with open(viz.render_dot(text, tmp_path / "g.svg")) as f:
        svg = f.read()
    assert "<svg" in svg and "MulBackward0" in svg
    no_temp_files(tmp_path)
    with pytest.raises(RuntimeError, match="render_dot.*failed"):
        viz.render_dot("digraph { this is not dot", tmp_path / "bad.png")
