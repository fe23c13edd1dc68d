"""``minitorch.func`` (PyTorch's torch.func, formerly functorch): composable function
transforms.

    grad, grad_and_value      gradients of a scalar function
    vjp, jvp, linearize       vector-Jacobian and Jacobian-vector products
    jacrev, jacfwd, hessian   whole Jacobians and Hessians
    vmap                      map a per-example function over a batch (also minitorch.vmap)
    functional_call           run a module with given parameters and buffers
    stack_module_state        stack an ensemble's parameters for vmap

They compose (``vmap(grad(f))`` gives per-sample gradients, ``jacfwd(jacrev(f))`` a
Hessian) and take pytrees (tuples, lists, dicts of tensors) as arguments and results.
The derivative transforms run on minitorch's reverse-mode engine (_autodiff.py); vmap is a
loop over the mapped dimension (_vmap.py): the same results as PyTorch, computed one
example at a time.
"""
from ..nn.utils.stateless import functional_call
from ._autodiff import grad, grad_and_value, vjp, jvp, linearize, jacrev, jacfwd, hessian
from ._vmap import vmap
from ._modules import (stack_module_state, replace_all_batch_norm_modules_, functionalize,
                       debug_unwrap)

__all__ = ["functional_call", "grad", "grad_and_value", "vjp", "jvp", "linearize", "jacrev",
           "jacfwd", "hessian", "vmap", "stack_module_state", "replace_all_batch_norm_modules_",
           "functionalize", "debug_unwrap"]
