"""torch.nn.modules.module's import path: Module and the global module hooks."""
from ..module import (Module, _IncompatibleKeys, _addindent,  # noqa: F401
                      register_module_forward_pre_hook, register_module_forward_hook,
                      register_module_full_backward_hook,
                      register_module_full_backward_pre_hook, register_module_backward_hook)
from ._reexport import install

install(globals(), "module")
