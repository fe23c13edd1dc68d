"""minitorch.utils: image helpers (make_grid, save_image); data loading comes later."""
from .image import *  # noqa: F401,F403
