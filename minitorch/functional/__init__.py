"""Differentiable functions by family. Everything here is also re-exported as
``minitorch.<name>`` and, where PyTorch has it, as a Tensor method."""
from .elementwise import (add, sub, mul, div, true_divide, neg, pow, remainder, exp, log,
                          log1p, expm1, sqrt, rsqrt, reciprocal, abs, sign, sin, cos, tanh,
                          sigmoid, relu, clamp, clip, maximum, minimum, where)
from .reduction import (sum, mean, prod, max, min, amax, amin, argmax, argmin, var, std,
                        var_mean, std_mean, logsumexp, norm, cumsum)
from .activation import softmax, log_softmax
from .linalg import matmul, mm, bmm, dot, outer, einsum
from .shape import (reshape, view, flatten, unflatten, permute, transpose, swapaxes,
                    swapdims, t, movedim, squeeze, unsqueeze, expand, expand_as, broadcast_to,
                    broadcast_tensors, repeat, cat, concat, concatenate, stack, hstack, vstack,
                    split, chunk, unbind, narrow, select, flip, fliplr, flipud, tril, triu, pad)
from .indexing import gather, index_select, masked_fill, scatter_add
from .comparison import (eq, ne, lt, le, gt, ge, greater, greater_equal, less, less_equal,
                         not_equal, logical_and, logical_or, logical_xor, logical_not,
                         bitwise_and, bitwise_or, bitwise_xor, bitwise_not, isnan, isinf,
                         isfinite, any, all, allclose, isclose, equal)

subtract, multiply, divide, negative = sub, mul, div, neg

# Newer families export through `__all__`; older modules list the public names they add
# in `EXPORTS`. Both land here, and so in `minitorch.<name>`.
from .pointwise import *  # noqa: F401,F403,E402
from .sorting import *  # noqa: F401,F403,E402
from .decomposition import *  # noqa: F401,F403,E402
from .nn_torch import *  # noqa: F401,F403,E402  (torch.conv2d, torch.layer_norm, ...)
from .removed import *  # noqa: F401,F403,E402  (torch.solve & co.: PyTorch's removal errors)
from . import (elementwise as _elementwise, reduction as _reduction, shape as _shape,  # noqa: E402
               indexing as _indexing, linalg as _linalg, comparison as _comparison,
               inplace as _inplace, activation as _activation)

for _m in (_elementwise, _reduction, _shape, _indexing, _linalg, _comparison, _inplace,
           _activation):
    for _n in getattr(_m, "EXPORTS", ()):
        globals()[_n] = getattr(_m, _n)
del _m
