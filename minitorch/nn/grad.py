"""torch.nn.grad: the gradients of a convolution with respect to its input and weight as
functions of their own (conv1d_input, conv2d_weight, ...), as used by hand-written
backward passes. They live in minitorch/functional/conv_grad.py."""
from ..functional.conv_grad import *  # noqa: F401,F403
from ..functional.conv_grad import __all__  # noqa: F401
