"""minitorch.summary: per-layer output shapes and parameter counts (Keras / torchsummary
style), checked against counts done by hand and against PyTorch's parameter totals."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
from minitorch import nn
from minitorch.summary import ModelSummary, SummaryRow


# ---------------------------------------------------------------------------- stand-ins
class Conv2d(nn.Module):
    """Shape-only stand-in with torch's Conv2d parameters (weight (out, in, k, k), bias
    (out,)), stride 1 and no padding: enough for summary's bookkeeping."""

    def __init__(self, cin, cout, k):
        super().__init__()
        self.k = k
        self.weight = nn.Parameter(minitorch.zeros(cout, cin, k, k))
        self.bias = nn.Parameter(minitorch.zeros(cout))

    def forward(self, x):
        n, _, h, w = x.shape
        return minitorch.zeros(n, self.weight.shape[0], h - self.k + 1, w - self.k + 1) \
            + self.bias.reshape(1, -1, 1, 1)


class MaxPool2d(nn.Module):
    def forward(self, x):
        return x[:, :, ::2, ::2]


def lenet():
    """LeNet-5 as in the PyTorch tutorial, on 1x32x32 inputs."""
    return nn.Sequential(
        Conv2d(1, 6, 5), nn.ReLU(), MaxPool2d(),
        Conv2d(6, 16, 5), nn.ReLU(), MaxPool2d(),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def mlp(fw=minitorch):
    return fw.nn.Sequential(fw.nn.Linear(784, 256), fw.nn.ReLU(), fw.nn.Linear(256, 256),
                            fw.nn.ReLU(), fw.nn.Linear(256, 10))


def no_hooks(model):
    return all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())


# ---------------------------------------------------------------------------- counts
def test_mlp_counts_by_hand_and_against_torch(capsys):
    s = minitorch.summary(mlp(), (784,))
    # 784*256 + 256 = 200,960; 256*256 + 256 = 65,792; 256*10 + 10 = 2,570
    assert s.total_params == 269_322 == sum(p.numel() for p in mlp(torch).parameters())
    assert s.trainable_params == 269_322 and s.non_trainable_params == 0
    assert [(r.name, r.output_shape, r.params) for r in s.rows] == [
        ("Linear-1", [-1, 256], 200_960), ("ReLU-2", [-1, 256], 0),
        ("Linear-3", [-1, 256], 65_792), ("ReLU-4", [-1, 256], 0),
        ("Linear-5", [-1, 10], 2_570)]
    assert [r.path for r in s.rows] == ["0", "1", "2", "3", "4"]
    printed = capsys.readouterr().out
    assert printed.strip() == str(s).strip()
    assert "Total params: 269,322" in printed
    assert "            Linear-1                  [-1, 256]         200,960" in printed
    assert str(s).splitlines()[0] == "-" * 64
    assert repr(s) == "ModelSummary(layers=5, total_params=269,322, trainable_params=269,322)"


def test_lenet_counts_shapes_and_sizes():
    s = minitorch.summary(lenet(), (1, 32, 32), verbose=False)
    assert [(r.name, r.output_shape, r.params) for r in s.rows] == [
        ("Conv2d-1", [-1, 6, 28, 28], 6 * 1 * 5 * 5 + 6),         # 156
        ("ReLU-2", [-1, 6, 28, 28], 0),
        ("MaxPool2d-3", [-1, 6, 14, 14], 0),
        ("Conv2d-4", [-1, 16, 10, 10], 16 * 6 * 5 * 5 + 16),      # 2,416
        ("ReLU-5", [-1, 16, 10, 10], 0),
        ("MaxPool2d-6", [-1, 16, 5, 5], 0),
        ("Flatten-7", [-1, 400], 0),
        ("Linear-8", [-1, 120], 400 * 120 + 120),                 # 48,120
        ("ReLU-9", [-1, 120], 0),
        ("Linear-10", [-1, 84], 120 * 84 + 84),                   # 10,164
        ("ReLU-11", [-1, 84], 0),
        ("Linear-12", [-1, 10], 84 * 10 + 10)]                    # 850
    assert s.total_params == 61_706 == sum(r.params for r in s.rows)
    # torchsummary's figures for this network
    text = str(s)
    for line in ("Input size (MB): 0.00", "Forward/backward pass size (MB): 0.11",
                 "Params size (MB): 0.24", "Estimated Total Size (MB): 0.35"):
        assert line in text
    assert s.forward_backward_size_mb == pytest.approx(2 * 15_002 * 4 / 2 ** 20)
    assert s.params_size_mb == pytest.approx(61_706 * 4 / 2 ** 20)
    assert s.input_size_mb == pytest.approx(32 * 32 * 4 / 2 ** 20)


def test_batch_size_is_shown_and_scales_the_estimates():
    s1 = minitorch.summary(mlp(), (784,), verbose=False)
    s16 = minitorch.summary(mlp(), (784,), batch_size=16, verbose=False)
    assert s16.rows[0].output_shape == [16, 256]
    assert s16.input_size_mb == pytest.approx(16 * s1.input_size_mb)
    assert s16.forward_backward_size_mb == pytest.approx(16 * s1.forward_backward_size_mb)
    assert s16.params_size_mb == s1.params_size_mb


def test_frozen_parameters_are_non_trainable():
    net = mlp()
    net[0].requires_grad_(False)
    net[4].bias.requires_grad_(False)
    s = minitorch.summary(net, (784,), verbose=False)
    assert s.total_params == 269_322
    assert s.non_trainable_params == 200_960 + 10
    assert s.trainable_params == 269_322 - 200_970
    assert [r.trainable for r in s.rows] == [0, 0, 65_792, 0, 2_560]
    assert "Non-trainable params: 200,970" in str(s)


def test_shared_layer_and_tied_weights_counted_once():
    lin = nn.Linear(8, 8)
    net = nn.Sequential(lin, nn.ReLU(), lin)                 # one layer called twice
    s = minitorch.summary(net, (8,), verbose=False)
    assert [r.name for r in s.rows] == ["Linear-1", "ReLU-2", "Linear-3"]
    assert [r.params for r in s.rows] == [72, 0, 0]
    assert s.total_params == 72 == sum(p.numel() for p in net.parameters())

    a, b = nn.Linear(6, 6), nn.Linear(6, 6)
    b.weight = a.weight                                      # tied weight, own bias
    s = minitorch.summary(nn.Sequential(a, b), (6,), verbose=False)
    assert [r.params for r in s.rows] == [42, 6]
    assert s.total_params == 48


def test_buffers_are_not_parameters():
    net = nn.Sequential(nn.Linear(5, 4), nn.BatchNorm1d(4))
    s = minitorch.summary(net, (5,), verbose=False)
    assert [r.params for r in s.rows] == [24, 8]
    assert s.total_params == 32


def test_module_with_own_parameters_and_children_gets_a_row_in_call_order():
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Linear(3, 2)
            self.scale = nn.Parameter(minitorch.ones(2))

        def forward(self, x):
            return self.inner(x) * self.scale

    net = nn.Sequential(nn.Linear(4, 3), Scaled())
    s = minitorch.summary(net, (4,), verbose=False)
    assert [(r.name, r.path, r.output_shape, r.params) for r in s.rows] == [
        ("Linear-1", "0", [-1, 3], 15), ("Scaled-2", "1", [-1, 2], 2),
        ("Linear-3", "1.inner", [-1, 2], 8)]
    assert s.total_params == 25 == sum(r.params for r in s.rows)


def test_a_single_layer_model_is_its_own_row():
    s = minitorch.summary(nn.Linear(3, 4), (3,), verbose=False)
    assert [(r.name, r.path, r.output_shape, r.params) for r in s.rows] == \
        [("Linear-1", "", [-1, 4], 16)]


# ---------------------------------------------------------------------------- inputs
def test_multi_input_model_and_integer_inputs():
    class TwoTower(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(10, 3)
            self.dense = nn.Linear(5, 3)

        def forward(self, tokens, feats):
            return self.emb(tokens).sum(1) + self.dense(feats)

    net = TwoTower()
    s = minitorch.summary(net, [(4,), (5,)], dtype=[minitorch.int64, minitorch.float32],
                          verbose=False)
    assert [(r.name, r.output_shape, r.params) for r in s.rows] == [
        ("Embedding-1", [-1, 4, 3], 30), ("Linear-2", [-1, 3], 18)]
    assert s.input_size_mb == pytest.approx((4 * 8 + 5 * 4) / 2 ** 20)

    class Concat(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(2, 3), nn.Linear(6, 3)

        def forward(self, x, y):
            return minitorch.cat([self.a(x), self.b(y)], 1)

    s = minitorch.summary(Concat(), [(2,), (6,)], verbose=False)
    assert [r.output_shape for r in s.rows] == [[-1, 3], [-1, 3]]


def test_tuple_outputs_give_a_list_of_shapes():
    class Split(nn.Module):
        def forward(self, x):
            return x[:, :2], x[:, 2:]

    s = minitorch.summary(nn.Sequential(nn.Linear(3, 5), Split()), (3,), verbose=False)
    assert s.rows[1].output_shape == [[-1, 2], [-1, 3]]
    assert s.rows[1].output_numel == 5


def test_dtype_follows_the_model_and_can_be_given():
    net = mlp().double()
    s = minitorch.summary(net, (784,), verbose=False)
    assert s.params_size_mb == pytest.approx(269_322 * 8 / 2 ** 20)
    assert s.input_size_mb == pytest.approx(784 * 8 / 2 ** 20)
    with pytest.raises(RuntimeError, match="same dtype"):
        minitorch.summary(mlp(), (784,), dtype=minitorch.float64, verbose=False)


def test_input_size_forms_and_errors():
    net = nn.Linear(3, 2)
    assert minitorch.summary(net, 3, verbose=False).rows[0].output_shape == [-1, 2]
    assert minitorch.summary(net, [3], verbose=False).rows[0].output_shape == [-1, 2]
    assert minitorch.summary(net, minitorch.Size([3]), verbose=False).total_params == 8
    with pytest.raises(TypeError, match=r"summary\(\): argument 'input_size'"):
        minitorch.summary(net, "3")
    with pytest.raises(TypeError, match=r"argument 'input_size'"):
        minitorch.summary(net, [(3,), 4])
    with pytest.raises(ValueError, match="negative dimension"):
        minitorch.summary(net, (-3,))
    with pytest.raises(ValueError, match="'batch_size'"):
        minitorch.summary(net, (3,), batch_size=0)
    with pytest.raises(TypeError, match="'model' must be an nn.Module"):
        minitorch.summary(lambda x: x, (3,))
    with pytest.raises(ValueError, match="2 dtypes for 1 inputs"):
        minitorch.summary(net, (3,), dtype=[minitorch.float32, minitorch.float32])


# ---------------------------------------------------------------------------- side effects
def test_runs_in_eval_without_grad_and_restores_every_training_flag():
    seen = []

    class Probe(nn.Module):
        def forward(self, x):
            seen.append((self.training, minitorch.is_grad_enabled()))
            return x

    net = nn.Sequential(nn.Linear(3, 3), Probe(), nn.Sequential(nn.Dropout(0.5), Probe()))
    net.train()
    net[2].eval()                                             # a mixed state
    before = [m.training for m in net.modules()]
    minitorch.summary(net, (3,), verbose=False)
    assert seen == [(False, False), (False, False)]
    assert [m.training for m in net.modules()] == before
    assert minitorch.is_grad_enabled()
    net.eval()
    minitorch.summary(net, (3,), verbose=False)
    assert not any(m.training for m in net.modules())


def test_hooks_removed_and_user_hooks_kept():
    net = mlp()
    mine = []
    h = net[0].register_forward_hook(lambda m, a, o: mine.append(o.shape))
    minitorch.summary(net, (784,), verbose=False)
    assert mine == [(2, 256)]
    assert list(net[0]._forward_hooks) == [h.id]
    assert all(not m._forward_pre_hooks for m in net.modules())
    h.remove()
    assert no_hooks(net)


def test_failure_in_forward_cleans_up_and_reraises():
    class Broken(nn.Module):
        def forward(self, x):
            raise ValueError("broken layer")

    net = nn.Sequential(nn.Linear(3, 3), Broken())
    net.train()
    with pytest.raises(ValueError, match="broken layer") as info:
        minitorch.summary(net, (3,), verbose=False)
    assert no_hooks(net)
    assert all(m.training for m in net.modules())
    notes = getattr(info.value, "__notes__", [])
    assert not notes or "summary()" in notes[0]
    with pytest.raises(RuntimeError, match="cannot be multiplied") as info:
        minitorch.summary(nn.Linear(3, 3), (4,), verbose=False)      # wrong input size
    notes = getattr(info.value, "__notes__", [])
    assert not notes or "inputs of shape (2, 4)" in notes[0]
    assert no_hooks(net)


def test_global_random_state_untouched_and_results_repeatable():
    net = lenet()
    minitorch.manual_seed(123)
    expected = minitorch.rand(3).numpy().copy()
    minitorch.manual_seed(123)
    s1 = minitorch.summary(net, (1, 32, 32), verbose=False)
    np.testing.assert_array_equal(minitorch.rand(3).numpy(), expected)
    s2 = minitorch.summary(net, (1, 32, 32), verbose=False)
    assert str(s1) == str(s2)


def test_returned_objects():
    s = minitorch.summary(mlp(), (784,), verbose=False)
    assert isinstance(s, ModelSummary) and all(isinstance(r, SummaryRow) for r in s.rows)
    assert s.total_size_mb == pytest.approx(s.input_size_mb + s.forward_backward_size_mb
                                            + s.params_size_mb)


def test_long_names_widen_the_columns():
    class AVeryLongLayerNameThatDoesNotFit(nn.Module):
        def forward(self, x):
            return x.reshape(x.shape[0], 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1)

    s = minitorch.summary(AVeryLongLayerNameThatDoesNotFit(), (3,), verbose=False)
    lines = str(s).splitlines()
    row = lines[3]
    assert row.strip().startswith("AVeryLongLayerNameThatDoesNotFit-1")
    assert len(lines[0]) == len(row) + 1


def test_summary_on_the_model_device(device):
    net = mlp().to(device)
    s = minitorch.summary(net, (784,), verbose=False)
    assert s.total_params == 269_322 and s.rows[-1].output_shape == [-1, 10]
    assert all(p.device == minitorch.device(device) for p in net.parameters())
    s = minitorch.summary(nn.ReLU(), (4,), device=device, verbose=False)
    assert s.rows[0].output_shape == [-1, 4]
