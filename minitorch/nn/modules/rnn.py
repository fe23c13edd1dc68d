"""torch.nn.modules.rnn's import path: its classes, found in minitorch.nn (see
_reexport.py)."""
from ._reexport import install

install(globals(), "rnn")
