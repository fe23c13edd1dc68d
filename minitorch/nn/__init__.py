"""minitorch.nn: Module, Parameter, containers, layers, losses, init and utils."""
from . import functional
from . import init
from . import utils
from .parameter import Parameter
from .module import Module
from .containers import Sequential, ModuleList, ModuleDict
from .linear import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .embedding import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .upsampling import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .attention import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
from .lazy import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .pixelshuffle import *  # noqa: F401,F403
from .fold import *  # noqa: F401,F403
from .containers import ParameterList, ParameterDict  # noqa: E402,F401
from .parameter import Buffer, UninitializedParameter, UninitializedBuffer  # noqa: E402,F401
from . import parallel, modules  # noqa: E402,F401
from .parallel import DataParallel  # noqa: E402,F401
from . import grad  # noqa: E402  (nn.grad.conv2d_input, ...)
