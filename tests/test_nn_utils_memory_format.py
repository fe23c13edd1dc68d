"""nn.utils.memory_format against torch: converting a model's convolution weights to
channels_last returns the model and keeps every weight's values, shape and parameter
status, so the model computes the same outputs and gradients afterwards."""
from __future__ import annotations

import numpy as np
import torch

import minitorch
from minitorch.nn.utils.memory_format import (convert_conv2d_weight_memory_format,
                                              convert_conv3d_weight_memory_format)


def _model(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Conv2d(2, 3, 3), lib.nn.ReLU(),
                             lib.nn.Sequential(lib.nn.ConvTranspose2d(3, 2, 2)))


def test_conv2d_conversion_keeps_values_like_torch():
    x = np.random.default_rng(0).standard_normal((1, 2, 6, 6)).astype("float32")
    outs = {}
    torch_convert = torch.nn.utils.memory_format.convert_conv2d_weight_memory_format
    for lib, convert in ((torch, torch_convert), (minitorch, convert_conv2d_weight_memory_format)):
        model = _model(lib)
        if lib is minitorch:     # the same weights in both
            with minitorch.no_grad():
                for p, q in zip(model.parameters(), ref_params):
                    p.copy_(minitorch.tensor(q))
        before = [p.detach().numpy().copy() for p in model.parameters()]
        assert convert(model, lib.channels_last) is model
        params = list(model.parameters())
        assert all(isinstance(p, lib.nn.Parameter) and p.requires_grad for p in params)
        for p, b in zip(params, before):
            np.testing.assert_array_equal(p.detach().numpy(), b)
        inp = lib.tensor(x, requires_grad=True)
        out = model(inp)
        out.sum().backward()
        outs[lib.__name__] = (out.detach().numpy(), inp.grad.numpy())
        ref_params = [p.detach().numpy() for p in params]
    np.testing.assert_allclose(outs["minitorch"][0], outs["torch"][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(outs["minitorch"][1], outs["torch"][1], rtol=1e-5, atol=1e-6)


def test_conv3d_conversion_returns_module():
    conv = minitorch.nn.Conv3d(1, 2, 2)
    w = conv.weight.detach().numpy().copy()
    model = minitorch.nn.Sequential(conv, minitorch.nn.Conv2d(1, 1, 1))
    assert convert_conv3d_weight_memory_format(model, minitorch.contiguous_format) is model
    np.testing.assert_array_equal(model[0].weight.detach().numpy(), w)
