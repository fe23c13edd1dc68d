"""A custom autograd.Function written for PyTorch (forward on Tensors) runs on minitorch
unchanged: the same class body is defined against each library and compared."""
import numpy as np
import pytest
import torch

import minitorch
from minitorch.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def _functions(lib):
    """The same PyTorch-style source, bound to `lib` (torch or minitorch)."""

    class MyReLU(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input

    class Legendre3(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    class LinearFn(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input, weight, bias=None):
            ctx.save_for_backward(input, weight, bias)
            output = input.mm(weight.t())
            if bias is not None:
                output += bias.unsqueeze(0).expand_as(output)
            return output

        @staticmethod
        def backward(ctx, grad_output):
            input, weight, bias = ctx.saved_tensors
            grad_input = grad_weight = grad_bias = None
            if ctx.needs_input_grad[0]:
                grad_input = grad_output.mm(weight)
            if ctx.needs_input_grad[1]:
                grad_weight = grad_output.t().mm(input)
            if bias is not None and ctx.needs_input_grad[2]:
                grad_bias = grad_output.sum(0)
            return grad_input, grad_weight, grad_bias

    class ScaleBy(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    class ExpSavingOutput(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            y, = ctx.saved_tensors
            return g * y

    class SortWithIndices(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            values, idx = x.sort(dim=-1)
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return values, idx

        @staticmethod
        def backward(ctx, g, _g_idx):
            idx, = ctx.saved_tensors
            out = g.new_zeros(g.shape)
            out.scatter_(-1, idx, g)
            return out

    class Cube(lib.autograd.Function):     # PyTorch 2's forward-without-ctx style
        @staticmethod
        def forward(x):
            return x ** 3

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, = inputs
            ctx.save_for_backward(x)

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 3 * x ** 2 * g

    class NumpyRoundTrip(lib.autograd.Function):   # the NumPy-extension tutorial's idiom
        @staticmethod
        def forward(ctx, x):
            result = np.tanh(x.detach().numpy())
            out = lib.from_numpy(result)
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx, g):
            out, = ctx.saved_tensors
            return g * (1 - out * out)

    return dict(relu=MyReLU, legendre=Legendre3, linear=LinearFn, scale=ScaleBy,
                exp=ExpSavingOutput, sort=SortWithIndices, cube=Cube, numpy=NumpyRoundTrip)


CASES = {
    "relu": lambda F, lib, x, w, b: F.apply(x),
    "legendre": lambda F, lib, x, w, b: F.apply(x),
    "linear": lambda F, lib, x, w, b: F.apply(x, w, b),
    "scale": lambda F, lib, x, w, b: F.apply(x, 2.5),
    "exp": lambda F, lib, x, w, b: F.apply(x),
    "sort": lambda F, lib, x, w, b: F.apply(x)[0],
    "cube": lambda F, lib, x, w, b: F.apply(x),
    "numpy": lambda F, lib, x, w, b: F.apply(x),
}


def _inputs(lib, arrays):
    return [lib.tensor(a, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("name", sorted(CASES))
def test_torch_style_function_matches_torch(name):
    arrays = [RNG.standard_normal((4, 3)), RNG.standard_normal((5, 3)), RNG.standard_normal(5)]
    results = []
    for lib in (minitorch, torch):
        F = _functions(lib)[name]
        x, w, b = _inputs(lib, arrays)
        y = CASES[name](F, lib, x, w, b)
        v = lib.tensor(np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape)))
        (y * v).sum().backward()
        results.append((y.detach().numpy(), [t.grad.numpy() if t.grad is not None else None
                                             for t in (x, w, b)], type(y.grad_fn).__name__))
    (ym, gm, nm), (yt, gt, nt) = results
    np.testing.assert_allclose(ym, yt, rtol=1e-12)
    for a, b in zip(gm, gt):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("name", ["relu", "legendre", "linear", "exp", "cube", "sort"])
def test_torch_style_function_gradcheck(name):
    F = _functions(minitorch)[name]
    arrays = [RNG.uniform(0.2, 1.5, (3, 2)) * RNG.choice([-1, 1], (3, 2)),
              RNG.standard_normal((4, 2)), RNG.standard_normal(4)]
    x, w, b = _inputs(minitorch, arrays)
    assert gradcheck(lambda x, w, b: CASES[name](F, minitorch, x, w, b), (x, w, b))


def test_torch_style_double_backward_through_saved_output():
    F = _functions(minitorch)["exp"]
    x = minitorch.tensor([0.3, -0.2], dtype=minitorch.float64, requires_grad=True)
    (g,) = minitorch.autograd.grad(F.apply(x).sum(), x, create_graph=True)
    (h,) = minitorch.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), np.exp([0.3, -0.2]))
    assert gradgradcheck(F.apply, (x,))


def test_torch_style_forward_runs_without_grad_and_outputs_have_grad_fn():
    seen = []

    class Probe(minitorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            seen.append((minitorch.is_grad_enabled(), type(x).__name__,
                         ctx.needs_input_grad))
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = minitorch.ones(3, requires_grad=True)
    y = Probe.apply(x)
    assert seen == [(False, "Tensor", (True,))]
    assert y.requires_grad and y.grad_fn is not None
    assert type(y.grad_fn).__name__ == "ProbeBackward" == y.grad_fn.name()
    assert not Probe.forward_takes_arrays


def test_array_style_is_recognised_and_can_be_chosen():
    class ArrayStyle(minitorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            xp = minitorch.get_array_module(x)
            return xp.exp(x)

        @staticmethod
        def backward(ctx, g):
            return g

    class Chosen(minitorch.autograd.Function):
        forward_takes_arrays = True

        @staticmethod
        def forward(ctx, x):
            return x.copy()        # an ndarray method

        @staticmethod
        def backward(ctx, g):
            return g

    assert ArrayStyle.forward_takes_arrays and Chosen.forward_takes_arrays
    x = minitorch.ones(2, requires_grad=True)
    np.testing.assert_allclose(ArrayStyle.apply(x).detach().numpy(), np.e)
    assert Chosen.apply(x).requires_grad


def test_once_differentiable_runs_backward_without_grad():
    class Sq(minitorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @minitorch.autograd.function.once_differentiable
        def backward(ctx, g):
            x, = ctx.saved_tensors
            assert not minitorch.is_grad_enabled()
            return 2 * x * g

    x = minitorch.tensor([3.0], requires_grad=True)
    Sq.apply(x).backward()
    assert x.grad.item() == 6.0
