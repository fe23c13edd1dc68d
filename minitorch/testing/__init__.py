"""Testing helpers: the op table and a library-agnostic comparison (torch is passed in,
never imported here)."""
from .op_table import OPS, BY_NAME, OpSpec
from .compare import compare, build_inputs, run_forward_backward, Comparison

__all__ = ["OPS", "BY_NAME", "OpSpec", "compare", "build_inputs", "run_forward_backward",
           "Comparison"]
from .asserts import assert_close, assert_allclose, make_tensor  # noqa: E402
__all__ += ["assert_close", "assert_allclose", "make_tensor"]
