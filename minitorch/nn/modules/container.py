"""torch.nn.modules.container's import path: Sequential, ModuleList, ModuleDict,
ParameterList, ParameterDict (found in minitorch.nn.containers)."""
from ._reexport import install

install(globals(), "container")
