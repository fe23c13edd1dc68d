"""torch.func's helpers around modules: stack_module_state (ensembles for vmap),
replace_all_batch_norm_modules_, and the transforms that are identities in minitorch
(functionalize, debug_unwrap)."""
from __future__ import annotations

import functools

from ..tensor import Tensor

__all__ = ["stack_module_state", "replace_all_batch_norm_modules_", "functionalize",
           "debug_unwrap"]


def _stacked_leaf(tensors, name: str) -> Tensor:
    """stack(tensors) as a new leaf: requiring grad when every tensor does (so an
    optimizer can train the stacked copy), a plain tensor when none does."""
    from ..functional.shape import stack
    flags = {t.requires_grad for t in tensors}
    if len(flags) > 1:
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    result = stack([t.detach() for t in tensors])
    if flags == {True}:
        result.requires_grad_(True)
    return result


def stack_module_state(models):
    """(params, buffers): two dicts, by state_dict name, of the models' parameters and
    buffers stacked along a new dimension 0, for ``vmap(..., in_dims=(0, 0, None))`` over
    ``functional_call(base_model, (params, buffers), x)``. The stacked parameters are new
    leaves, unrelated to the models' own."""
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if len({m.training for m in models}) > 1:
        raise RuntimeError("stack_module_state: Expected all models to have the same "
                           "training/eval mode.")
    if len({type(m) for m in models}) > 1:
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    all_params = [dict(m.named_parameters()) for m in models]
    all_buffers = [dict(m.named_buffers()) for m in models]
    params = {k: _stacked_leaf([p[k] for p in all_params], k) for k in all_params[0]}
    buffers = {k: _stacked_leaf([b[k] for b in all_buffers], k) for k in all_buffers[0]}
    return params, buffers


def replace_all_batch_norm_modules_(root):
    """In place: every batch norm in `root` stops tracking running statistics
    (running_mean, running_var and num_batches_tracked become None), so it always
    normalizes with the statistics of its input. Returns root."""
    from ..nn.normalization import _BatchNorm
    for m in root.modules():
        if isinstance(m, _BatchNorm) and m.track_running_stats:
            m.running_mean = None
            m.running_var = None
            m.num_batches_tracked = None
            m.track_running_stats = False
    return root


def functionalize(func, *, remove: str = "mutations"):
    """PyTorch rewrites in-place operations of func into out-of-place ones for its
    compilers; the results are the same as func's, and minitorch has no such compilers, so
    this returns a function that simply calls func."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError(f"functionalize(f, remove='mutations'): received invalid argument "
                           f"for remove={remove}. Valid options are:\n     remove='mutations': "
                           "all inplace and out= operators will be removed from the program, "
                           "and replaced with their out-of-place equivalents.\n     "
                           "remove='mutations_and_views': In addition to the above, all "
                           "aliasing operators {view} will be replaced with their non-aliasing "
                           "counterparts, {view}_copy.\n")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapped


def debug_unwrap(tensor, *, recurse: bool = True):
    """The tensor itself: minitorch's transforms do not wrap tensors."""
    return tensor
