"""torch.nn.modules.lazy's import path: LazyModuleMixin."""
from ._reexport import install

install(globals(), "lazy")
