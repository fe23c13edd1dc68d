"""Stochastic Weight Averaging and EMA of weights, as torch.optim.swa_utils.

    swa_model = AveragedModel(model)                      # an equal-weight running average
    ema_model = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.999))
    swa_scheduler = SWALR(optimizer, swa_lr=0.05)
    for epoch in range(epochs):
        train_one_epoch(model, optimizer)
        if epoch >= swa_start:
            swa_model.update_parameters(model)
            swa_scheduler.step()
    update_bn(train_loader, swa_model)                    # BatchNorm statistics for the average

The averaging functions come in two forms, as in torch: ``avg_fn(averaged, current,
num_averaged) -> new averaged`` (one tensor) and ``multi_avg_fn(averaged_list,
current_list, num_averaged)`` (lists, updated in place).
"""
from __future__ import annotations

import itertools
import math
import warnings
from copy import deepcopy

from ..autograd.grad_mode import no_grad
from ..nn.module import Module
from ..tensor import Tensor
from .adam import lerp_
from .lr_scheduler import LRScheduler, _format_param

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn",
           "get_swa_multi_avg_fn", "get_ema_avg_fn", "get_swa_avg_fn"]


def _check_decay(decay):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in "
                         "[0,1] range.")


def _is_float(t: Tensor) -> bool:
    return t._data.dtype.kind in "fc"


def get_ema_multi_avg_fn(decay=0.999):
    """In-place exponential moving average of lists of tensors:
    ``ema <- ema + (1 - decay) * (current - ema)`` (torch's lerp; non-float tensors get
    ``ema * decay + current * (1 - decay)``)."""
    _check_decay(decay)

    def ema_update(ema_param_list, current_param_list, _):
        with no_grad():
            if _is_float(ema_param_list[0]):
                for p_ema, p_model in zip(ema_param_list, current_param_list):
                    lerp_(p_ema._data, p_model._data, 1 - decay)
                    p_ema._vc[0] += 1
            else:
                for p_ema, p_model in zip(ema_param_list, current_param_list):
                    p_ema.copy_(p_ema * decay + p_model * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn():
    """In-place equal-weight running average of lists of tensors:
    ``avg <- avg + (current - avg) / (n + 1)``."""

    def swa_update(averaged_param_list, current_param_list, num_averaged):
        with no_grad():
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                if _is_float(p_avg):
                    lerp_(p_avg._data, p_model._data, _reciprocal(num_averaged + 1))
                    p_avg._vc[0] += 1
                elif isinstance(num_averaged, Tensor):
                    p_avg.copy_(p_avg + (p_model - p_avg) / (num_averaged + 1))
                else:
                    p_avg.copy_(p_avg + (p_model - p_avg) * (1.0 / (num_averaged + 1)))

    return swa_update


def _reciprocal(n) -> float:
    """1 / n as torch computes it for the weight: an int tensor n gives a quotient in the
    default float dtype (float32 unless changed), a Python int a double."""
    if isinstance(n, Tensor):
        return float((1 / n).item())
    return 1 / n


def get_ema_avg_fn(decay=0.999):
    """``avg_fn(ema, current, n) = decay * ema + (1 - decay) * current``."""
    _check_decay(decay)

    def ema_update(ema_param, current_param, num_averaged):
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn():
    """``avg_fn(avg, current, n) = avg + (current - avg) / (n + 1)``."""

    def swa_update(averaged_param, current_param, num_averaged):
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


class AveragedModel(Module):
    """A copy of ``model`` whose parameters are an average of ``model``'s parameters over
    the calls of ``update_parameters(model)``: the equal-weight (SWA) average by default,
    or what ``avg_fn`` / ``multi_avg_fn`` computes (e.g. ``get_ema_multi_avg_fn(0.999)``
    for an EMA of the weights). Calling it runs the copy: ``swa_model(x)``.

    ``n_averaged`` (an int64 buffer) counts the updates; the first one copies the weights.
    ``use_buffers=True`` averages the buffers too (BatchNorm running statistics); else the
    buffers are copied from ``model`` at each update, and ``update_bn`` can recompute them.
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        from ..creation import tensor
        from .. import dtypes
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        n = tensor(0, dtype=dtypes.int64)
        self.register_buffer("n_averaged", n.to(device) if device is not None else n)
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def update_parameters(self, model) -> None:
        """Fold ``model``'s current parameters (and buffers with use_buffers) into the
        average."""
        if self.use_buffers:
            self_param = list(itertools.chain(self.module.parameters(), self.module.buffers()))
            model_param = list(itertools.chain(model.parameters(), model.buffers()))
        else:
            self_param = list(self.parameters())
            model_param = list(model.parameters())
        n_averaged = int(self.n_averaged.item())
        with no_grad():
            pairs = []
            for p_avg, p_model in zip(self_param, model_param):
                p_model_ = p_model.detach().to(p_avg.device)
                pairs.append((p_avg.detach(), p_model_))
                if n_averaged == 0:
                    p_avg.detach().copy_(p_model_)
            if n_averaged > 0:
                if self.avg_fn is not None:
                    for p_avg, p_model in pairs:
                        p_avg.copy_(self.avg_fn(p_avg, p_model, self.n_averaged))
                else:
                    # one call per (device, dtype) group, as torch; without a function,
                    # torch's default is the list form on GPUs (lerp) and the one-tensor
                    # form on the CPU, whose roundings differ slightly: so here too
                    groups: dict = {}
                    for p_avg, p_model in pairs:
                        key = (str(p_avg.device), p_avg.dtype)
                        groups.setdefault(key, ([], []))
                        groups[key][0].append(p_avg)
                        groups[key][1].append(p_model)
                    for (device, _), (avgs, models) in groups.items():
                        if self.multi_avg_fn is not None or device != "cpu":
                            fn = self.multi_avg_fn or get_swa_multi_avg_fn()
                            fn(avgs, models, self.n_averaged)
                        else:
                            avg_fn = get_swa_avg_fn()
                            for p_avg, p_model in zip(avgs, models):
                                p_avg.copy_(avg_fn(p_avg, p_model, self.n_averaged))
            if not self.use_buffers:
                for b_swa, b_model in zip(self.module.buffers(), model.buffers()):
                    b_swa.detach().copy_(b_model.detach().to(b_swa.device))
            self.n_averaged.add_(1)


def update_bn(loader, model, device=None) -> None:
    """Recompute the BatchNorm running statistics of ``model`` with one pass over
    ``loader`` (the cumulative average over all its batches: momentum None), in train
    mode; the model's mode and the momenta are restored afterwards. A batch that is a
    list or tuple contributes its first element."""
    from ..nn.normalization import _BatchNorm
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for input in loader:
            if isinstance(input, (list, tuple)):
                input = input[0]
            if device is not None:
                input = input.to(device)
            model(input)
    for bn_module in momenta:
        bn_module.momentum = momenta[bn_module]
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's lr to ``swa_lr`` over ``anneal_epochs`` epochs (cosine or
    linear), then hold it: the SWA phase's schedule. With the annealing factor
    ``alpha(t)`` (``(1 - cos(pi t)) / 2`` or ``t``, t = step / anneal_epochs in [0, 1])::

        lr_t = swa_lr * alpha(t) + lr_0 * (1 - alpha(t))

    where lr_0 is recovered from the current lr as torch does, so other schedulers may
    have changed it before."""

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos",
                 last_epoch=-1):
        swa_lrs = _format_param("swa_lr", optimizer, swa_lr)
        for lr, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got "
                             f"{anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self):
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use "
                          "`get_last_lr()`.", UserWarning, stacklevel=2)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_t = max(0, min(1, (step - 1) / max(1, self.anneal_epochs)))
        prev_alpha = self.anneal_func(prev_t)
        prev_lrs = [self._get_initial_lr(group["lr"], group["swa_lr"], prev_alpha)
                    for group in self.optimizer.param_groups]
        t = max(0, min(1, step / max(1, self.anneal_epochs)))
        alpha = self.anneal_func(t)
        return [group["swa_lr"] * alpha + lr * (1 - alpha)
                for group, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def _set_anneal_func(self, anneal_strategy) -> None:
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal

    def state_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict: dict) -> None:
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
