"""``minitorch.nn.functional`` (import as F): the functions layers are built on."""
from ..functional.shape import pad
from ..functional.elementwise import relu, sigmoid, tanh
from ..functional.activation import *  # noqa: F401,F403
from ..functional.linear import *  # noqa: F401,F403
from ..functional.dropout import *  # noqa: F401,F403
from ..functional.embedding import *  # noqa: F401,F403
from ..functional.normalization import *  # noqa: F401,F403
from ..functional.loss import *  # noqa: F401,F403
from ..functional.conv import *  # noqa: F401,F403
from ..functional.pooling import *  # noqa: F401,F403
from ..functional.vision import *  # noqa: F401,F403
from ..functional.recurrent import *  # noqa: F401,F403
from ..functional.attention import *  # noqa: F401,F403
from ..functional.distance import *  # noqa: F401,F403
from ..functional import conv_grad as grad  # noqa: E402  (torch.nn.grad, as F.grad)
# F's own spellings of softmax / log_softmax: the _stacklevel argument, the implicit dim
from ..functional.activation import (functional_softmax as softmax,  # noqa: E402,F811
                                     functional_log_softmax as log_softmax)
