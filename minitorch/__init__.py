"""minitorch: a readable deep-learning framework on NumPy (CPU) and CuPy (GPU).

The API is PyTorch's: ``import minitorch as torch`` runs most beginner code unchanged.
"""
from . import _malloc
_malloc.tune()   # keep freed array memory for reuse (see _malloc.py; MINITORCH_MALLOC_TUNING=0)
from . import dtypes as _dtypes
from .dtypes import (dtype, float16, float32, float64, int32, int64, get_default_dtype,
                     set_default_dtype, promote_types)
from .dtypes import bool_ as bool  # noqa: A001  (minitorch.bool, as torch.bool)
from .backend import device, get_array_module
from .tensor import Tensor, Size
from . import _tensor_methods  # noqa: F401  (attaches methods and operators to Tensor)
from .autograd import no_grad, enable_grad, set_grad_enabled, is_grad_enabled
from . import autograd
from .random import manual_seed, seed, initial_seed, Generator, get_rng_state, set_rng_state
from .creation import (tensor, as_tensor, from_numpy, zeros, ones, full, empty, zeros_like,
                       ones_like, full_like, empty_like, arange, linspace, eye, rand, randn,
                       randint, randperm, rand_like, randn_like, randint_like, bernoulli)
from . import creation as _creation
globals().update({_n: getattr(_creation, _n) for _n in _creation.TORCH_LEVEL})
from .random import default_generator
from .functional import *  # noqa: F401,F403
from .functional import __dict__ as _fdict
from . import functional
import importlib as _importlib
# `from .functional import *` binds `linalg` to functional/linalg.py; the torch.linalg
# namespace is minitorch/linalg.py, imported by path so that it wins.
linalg = _importlib.import_module(".linalg", __name__)
from . import special
from . import nn
from . import optim
from . import utils
from .utils import data
from . import datasets
from . import metrics
from . import cuda
from . import accelerator
from .serialization import save, load
from .summary import summary

half, double, long, int = float16, float64, int64, int32  # noqa: A001
float = float32  # noqa: A001
result_type = _dtypes.result_type

# ---- issue 12, the Tensor API, dtypes and the torch-level runtime (H5)
from .dtypes import (uint8, int8, int16, uint16, uint32, uint64, bfloat16, complex32,  # noqa: E402
                     complex64, complex128, finfo, iinfo)
short, cfloat, cdouble, chalf = int16, complex64, complex128, complex32
from .tensor import strided  # noqa: E402
layout = type(strided)
from . import _tensor_types  # noqa: E402
globals().update({_n: _tensor_types.CPU_TYPES[_n] for _n in _tensor_types.EXPORTS})
from ._runtime import *  # noqa: E402,F401,F403
from .autograd import inference_mode, is_inference_mode_enabled  # noqa: E402
from ._format import set_printoptions, get_printoptions  # noqa: E402
from . import backends, amp, jit, profiler, onnx, distributed, multiprocessing, cpu  # noqa: E402
from . import compiler, version, mps, xpu  # noqa: E402
from .amp import autocast  # noqa: E402
from .amp.autocast_mode import (is_autocast_enabled, get_autocast_dtype,  # noqa: E402
                                set_autocast_enabled, set_autocast_dtype)


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def numel(input) -> int:
    return input.numel()


__version__ = "0.1.0"

# PyTorch's extra keyword spellings on torch-level functions: axis=/keepdims= and out=.
from . import _aliases  # noqa: E402
_aliases.install(globals(), out=True, modules=("minitorch.functional", "minitorch.creation"))
_aliases.install(vars(linalg), out=True, modules=("minitorch.functional", "minitorch.linalg"))
_aliases.install(vars(special), out=True, modules=("minitorch.functional", "minitorch.special"))

# `sys.modules["torch"] = minitorch` then also resolves `torch.nn`, `torch.utils.data`...
from ._torch_alias import install_finder as _install_torch_alias  # noqa: E402
_install_torch_alias()

# torch.func (function transforms) and torch.hub (offline), and torch.vmap
from . import func, hub  # noqa: E402
vmap = func.vmap
from . import distributions  # noqa: E402,F401

# torch._foreach_* (private in PyTorch too, but called by real code: timm's EMA, optimizers)
from .functional import foreach as _foreach  # noqa: E402
globals().update({_n: getattr(_foreach, _n) for _n in _foreach.__all__})

# sparse COO tensors (emulated on dense arrays) and torch.sparse
from .functional.sparse_coo import *  # noqa: E402,F401,F403
from . import sparse  # noqa: E402

# PyTorch returns inf/nan silently (1/0, log(0), sqrt(-1)); NumPy would warn from inside
# minitorch's ops. Only NumPy's floating-point warnings raised in minitorch's own code are
# silenced; a user's own NumPy calls still warn as usual.
import warnings as _warnings  # noqa: E402
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"minitorch(\.|$)",
                         message=r"(divide by zero|invalid value|overflow|underflow) "
                                 r"encountered")
