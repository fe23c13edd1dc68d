"""Custom torch.autograd.Function subclasses as tutorials write them: a clamp-style ReLU
and a Legendre polynomial with ctx.save_for_backward, ctx.needs_input_grad, a
non-tensor argument, checked with torch.autograd.gradcheck in float64, then used to fit
y = sin(x) with manually updated weights."""
import json
import math

import torch
from torch.autograd import Function, gradcheck

COMPARE = {"gradcheck": ("exact", None), "needs": ("exact", None),
           "first_loss": ("rel", 1e-5), "final_loss": ("rel", 0.01),
           "coeffs": ("exact", None), "scaled_grad": ("rel", 1e-6)}


class MyReLU(Function):
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


class LegendreP3(Function):
    """P3(x) = (5x^3 - 3x) / 2, with P3'(x) = (15x^2 - 3) / 2."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


needs_seen = []


class ScaledMul(Function):
    @staticmethod
    def forward(ctx, a, b, scale):
        ctx.scale = scale
        ctx.save_for_backward(a, b)
        return a * b * scale

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        needs_seen.append(list(ctx.needs_input_grad))
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = grad_output * b * ctx.scale
        if ctx.needs_input_grad[1]:
            grad_b = grad_output * a * ctx.scale
        return grad_a, grad_b, None


inp = torch.randn(6, dtype=torch.double, requires_grad=True) + 0.1
inp = inp.detach().requires_grad_()
ok = [gradcheck(LegendreP3.apply, (inp,), eps=1e-6, atol=1e-4),
      gradcheck(ScaledMul.apply, (torch.randn(3, dtype=torch.double, requires_grad=True),
                                  torch.randn(3, dtype=torch.double, requires_grad=True),
                                  2.5))]

a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0])
ScaledMul.apply(a, b, 3.0).sum().backward()
scaled_grad = a.grad.sum().item()

# Fit y = sin(x) with y_pred = a + b * P3(c + d * x), as in the classic tutorial
dtype = torch.float
x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
y = torch.sin(x)
w = torch.tensor([0.0, -1.0, 0.0, 0.3], dtype=dtype, requires_grad=True)
lr = 5e-6
losses = []
for t in range(300):
    P3 = LegendreP3.apply
    y_pred = w[0] + w[1] * P3(w[2] + w[3] * x)
    y_pred = MyReLU.apply(y_pred + 2.0) - 2.0  # a no-op on this range, but exercises MyReLU
    loss = (y_pred - y).pow(2).sum()
    losses.append(loss.item())
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        w.grad = None

print(f"Result: y = {w[0].item():.4f} + {w[1].item():.4f} * P3({w[2].item():.4f} + "
      f"{w[3].item():.4f} x)")
print("RESULT " + json.dumps({"gradcheck": ok, "needs": needs_seen[-1],
                              "first_loss": losses[0], "final_loss": losses[-1],
                              "coeffs": len(w), "scaled_grad": scaled_grad}))
