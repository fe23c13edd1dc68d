"""gradcheck / gradgradcheck catch wrong backwards and say where; the opcheck report."""
import subprocess
import sys

import numpy as np
import pytest

import minitorch
from minitorch.autograd import Function, gradcheck, gradgradcheck, GradcheckError
from minitorch import opcheck
from minitorch.testing import OPS, OpSpec
from minitorch.testing.op_table import F


def _x(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return minitorch.tensor(rng.standard_normal(shape), dtype=minitorch.float64,
                            requires_grad=True)


class FlipNotReversed(Function):
    """Forward reverses; backward forgets to reverse the gradient back."""
    forward_takes_arrays = True   # forward written on NumPy arrays

    @staticmethod
    def forward(ctx, x):
        return x[::-1].copy()

    @staticmethod
    def backward(ctx, g):
        return g


class DoubleTooMuch(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * x * 2.01  # 0.5% off: above rtol=1e-3


class Square(Function):
    """Correct, and its backward is built from differentiable ops."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 2 * x


class SquareOpaqueBackward(Function):
    """Correct first derivative, but its backward leaves the graph (constant), so the
    second derivative with respect to x is lost."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * minitorch.tensor(2 * x.detach().numpy())


def test_correct_function_passes():
    assert gradcheck(Square.apply, (_x(3, 4),))
    assert gradgradcheck(Square.apply, (_x(3, 4),))


def test_flip_gradient_not_reversed_is_caught_with_location():
    with pytest.raises(GradcheckError) as err:
        gradcheck(FlipNotReversed.apply, (_x(5),))
    msg = str(err.value)
    assert "input 0" in msg and "element (" in msg
    assert "analytical" in msg and "numerical" in msg


def test_flip_bug_caught_by_directional_check_alone():
    # per_element_limit=0 leaves only the random-direction check (3 forward calls)
    with pytest.raises(GradcheckError, match="directional"):
        gradcheck(FlipNotReversed.apply, (_x(50),), per_element_limit=0)


def test_small_scale_error_caught():
    with pytest.raises(GradcheckError):
        gradcheck(DoubleTooMuch.apply, (_x(4),))


def test_raise_exception_false_returns_false():
    assert gradcheck(DoubleTooMuch.apply, (_x(4),), raise_exception=False) is False


def test_gradgradcheck_catches_non_differentiable_backward():
    assert gradcheck(SquareOpaqueBackward.apply, (_x(3),))
    with pytest.raises(GradcheckError):
        gradgradcheck(SquareOpaqueBackward.apply, (_x(3),))


def test_float32_inputs_are_checked_in_float64():
    x = minitorch.randn(3, 4, requires_grad=True)
    assert x.dtype == minitorch.float32
    assert gradcheck(lambda t: (t * t).sum(1), (x,))


def test_noncontiguous_inputs_handled():
    x = _x(4, 6)[:, ::2]
    assert not x.is_contiguous()
    assert gradcheck(lambda t: t.exp() * t, (x,), check_noncontiguous=True)


def test_multiple_inputs_and_outputs_and_passthrough_args():
    a, b = _x(3, 4), _x(4, seed=1)
    idx = minitorch.tensor([0, 2, 2])

    def fn(a, b, idx):
        return a[idx] * b, (a @ b).tanh()
    assert gradcheck(fn, (a, b, idx))
    assert gradgradcheck(fn, (a, b, idx))


def test_error_names_the_second_input():
    class WrongSecond(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + 2 * b

        @staticmethod
        def backward(ctx, g):
            return g, g  # should be 2 * g for b

    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(WrongSecond.apply, (_x(3), _x(3, seed=2)))


def test_no_differentiable_input_is_an_error():
    with pytest.raises(ValueError, match="requires_grad"):
        gradcheck(lambda t: t * 2, (minitorch.randn(3, dtype=minitorch.float64),))


# ---------------------------------------------------------------- the opcheck report
def test_opcheck_report_prints_a_table(capsys):
    code = opcheck.main(["--ops", "exp", "matmul_2d", "gather", "--no-torch"])
    out = capsys.readouterr().out
    assert code == 0
    for name in ("exp", "matmul_2d", "gather"):
        assert any(line.startswith(name) and line.rstrip().endswith("pass")
                   for line in out.splitlines())
    assert "3 passed, 0 failed" in out


def test_opcheck_report_flags_a_broken_op():
    spec = OpSpec("broken_flip", lambda lib, a: FlipNotReversed.apply(a), (F((5,)),))
    row = opcheck.check_op(spec, torch=None)
    assert row["ok"] is False and "Jacobian mismatch" in row["message"]


def test_opcheck_compares_with_torch():
    torch = pytest.importorskip("torch")
    row = opcheck.check_op(next(s for s in OPS if s.name == "softmax"), torch=torch)
    assert row["ok"] and row["torch_fwd"] < 1e-12 and row["torch_bwd"] < 1e-12


def test_opcheck_runs_as_module():
    out = subprocess.run([sys.executable, "-m", "minitorch.opcheck", "--family", "shape",
                          "--no-torch"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 failed" in out.stdout


def test_importing_minitorch_never_imports_torch():
    code = ("import sys, minitorch, minitorch.testing, minitorch.autograd, minitorch.nn; "
            "assert 'torch' not in sys.modules, 'torch was imported'")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_gradcheck_skips_float_outputs_marked_non_differentiable():
    """An output like linalg.lu's permutation matrix is float but carries no gradient: the
    finite differences must pair the random upstream gradients with the same outputs as
    backward does."""
    class ScaleAndMask(minitorch.autograd.Function):
        forward_takes_arrays = True   # forward written on NumPy arrays
        @staticmethod
        def forward(ctx, x):
            mask = (x > 0).astype(x.dtype)
            ctx.mark_non_differentiable(mask)
            return mask, x * 3.0

        @staticmethod
        def backward(ctx, g_mask, g):
            return g * 3.0

    x = minitorch.randn(3, 4, dtype=minitorch.float64, requires_grad=True)
    assert gradcheck(ScaleAndMask.apply, (x,))


def test_gradcheck_accepts_pytorchs_keywords():
    x = _x(3)
    assert gradcheck(Square.apply, (x,), fast_mode=True, nondet_tol=1e-12,
                     check_undefined_grad=True, check_grad_dtypes=True,
                     check_batched_grad=False, masked=None)
    assert gradgradcheck(Square.apply, (x,), gen_non_contig_grad_outputs=True, fast_mode=True)
    assert gradcheck(func=Square.apply, inputs=(x,))
    with pytest.raises(NotImplementedError, match="forward-mode"):
        gradcheck(Square.apply, (x,), check_forward_ad=True)
    with pytest.raises(GradcheckError):
        gradcheck(DoubleTooMuch.apply, (x,), fast_mode=True)
