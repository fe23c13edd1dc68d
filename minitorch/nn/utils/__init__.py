"""minitorch.nn.utils: gradient clipping, parameter vectors, regularization helpers, and
nn.utils.rnn (padded and packed sequences)."""
from .clip_grad import *  # noqa: F401,F403
from .convert_parameters import *  # noqa: F401,F403
from .regularization import *  # noqa: F401,F403
from . import rnn  # noqa: F401
