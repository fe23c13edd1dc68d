"""torch.nn.modules.instancenorm's import path: its classes, found in minitorch.nn (see
_reexport.py)."""
from ._reexport import install

install(globals(), "instancenorm")
