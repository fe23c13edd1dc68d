"""minitorch.utils: image helpers (make_grid, save_image) and data loading (utils.data)."""
from .image import *  # noqa: F401,F403
from . import data
from . import checkpoint, model_zoo  # noqa: E402,F401
from .swap import swap_tensors  # noqa: E402,F401
