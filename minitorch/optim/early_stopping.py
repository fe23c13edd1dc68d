"""EarlyStopping: stop training when a validation metric stops improving, and keep the
weights of the best epoch."""
from __future__ import annotations

import math

from ..tensor import Tensor

__all__ = ["EarlyStopping"]


class EarlyStopping:
    """Stop when a monitored metric has not improved for ``patience`` epochs.

    Args:
        patience: epochs without improvement to wait before stopping (default 5).
        min_delta: the smallest change that counts as an improvement (an absolute
            amount, >= 0): in 'min' mode a metric improves when
            ``metric < best_score - min_delta``, in 'max' mode when
            ``metric > best_score + min_delta``. The first metric always improves.
        mode: 'min' (a loss) or 'max' (an accuracy).
        restore_best_weights: when True (default), ``step`` keeps a copy of the model's
            ``state_dict`` at every improvement, and loads it back into the model when it
            decides to stop; ``restore(model)`` does the same on demand.

    Attributes:
        best_score: the best metric so far (None before the first step).
        best_epoch: the 0-based epoch (count of ``step`` calls) of the best score.
        counter: epochs since the last improvement.
        epoch: epochs seen so far.
        should_stop: True once ``step`` has returned True.
        stopped_epoch: the 0-based epoch at which it stopped (None while running).

    ``step(metric, model)`` returns True when training should stop: at the ``patience``-th
    epoch in a row without improvement (with ``patience=0``, at the first one). Once it
    has returned True it keeps returning True and changes nothing (``reset()`` starts
    over). A NaN metric never counts as an improvement.

    Example::

        model = ...
        optimizer = minitorch.optim.Adam(model.parameters(), lr=1e-3)
        stopper = minitorch.optim.EarlyStopping(patience=3, min_delta=1e-4)
        for epoch in range(100):
            train_one_epoch(model, optimizer)
            val_loss = evaluate(model)
            if stopper.step(val_loss, model):   # True: stop; best weights are back in model
                print(f"stopped at epoch {epoch}; best was epoch {stopper.best_epoch} "
                      f"with {stopper.best_score:.4f}")
                break
        else:
            stopper.restore(model)              # ran out of epochs: take the best weights too
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0, mode: str = "min",
                 restore_best_weights: bool = True):
        if not isinstance(patience, int) or isinstance(patience, bool) or patience < 0:
            raise ValueError(f"EarlyStopping: patience must be an integer >= 0, got {patience!r}")
        if not isinstance(min_delta, (int, float)) or isinstance(min_delta, bool) \
                or min_delta < 0 or math.isnan(min_delta):
            raise ValueError(f"EarlyStopping: min_delta must be a number >= 0, got "
                             f"{min_delta!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'min' or 'max', got {mode!r}")
        self.patience = patience
        self.min_delta = float(min_delta)
        self.mode = mode
        self.restore_best_weights = bool(restore_best_weights)
        self.best_score = None
        self.best_epoch = None
        self.counter = 0
        self.epoch = 0
        self.should_stop = False
        self.stopped_epoch = None
        self.best_weights = None

    def is_improvement(self, metric: float) -> bool:
        """Whether `metric` beats best_score by more than min_delta."""
        if math.isnan(metric):
            return False
        if self.best_score is None:
            return True
        if self.mode == "min":
            return metric < self.best_score - self.min_delta
        return metric > self.best_score + self.min_delta

    def step(self, metric, model=None) -> bool:
        """Record one epoch's metric (a number or a 1-element tensor); return True when
        training should stop (and then, with restore_best_weights, the model holds the
        best weights again)."""
        try:
            value = float(metric.item() if isinstance(metric, Tensor) else metric)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"EarlyStopping.step(): metric must be a number or a 1-element "
                            f"tensor, got {type(metric).__name__}") from exc
        if model is not None and not hasattr(model, "state_dict"):
            raise TypeError(f"EarlyStopping.step(): model must be an nn.Module (with "
                            f"state_dict), got {type(model).__name__}")
        if self.should_stop:          # the decision is final: nothing changes any more
            return True
        epoch = self.epoch
        self.epoch += 1
        if self.is_improvement(value):
            self.best_score = value
            self.best_epoch = epoch
            self.counter = 0
            if self.restore_best_weights and model is not None:
                self.best_weights = {k: v.detach().clone()
                                     for k, v in model.state_dict().items()}
            return False
        self.counter += 1
        if self.counter >= self.patience:
            self.should_stop = True
            self.stopped_epoch = epoch
            if self.restore_best_weights and model is not None and self.best_weights is not None:
                self.restore(model)
        return self.should_stop

    def restore(self, model) -> None:
        """Load the best weights seen so far into `model` (needs restore_best_weights and
        at least one step with a model)."""
        if self.best_weights is None:
            raise RuntimeError("EarlyStopping.restore(): no weights kept yet (call step(metric, "
                               "model) with restore_best_weights=True first)")
        model.load_state_dict(self.best_weights)

    def reset(self) -> None:
        """Forget everything, as if newly constructed."""
        self.__init__(self.patience, self.min_delta, self.mode, self.restore_best_weights)

    def state_dict(self) -> dict:
        """The counters, the best score and (if kept) the best weights, to resume."""
        return {k: v for k, v in self.__dict__.items()}

    def load_state_dict(self, state_dict: dict) -> None:
        self.__dict__.update(state_dict)

    def __repr__(self) -> str:
        return (f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
                f"mode='{self.mode}', restore_best_weights={self.restore_best_weights}, "
                f"best_score={self.best_score}, best_epoch={self.best_epoch}, "
                f"counter={self.counter})")
