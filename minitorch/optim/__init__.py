"""minitorch.optim: optimizers, learning-rate schedulers, weight averaging and early
stopping (PyTorch's API).

Typical loop::

    optimizer = minitorch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = minitorch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    for epoch in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
        scheduler.step()

Optimizers: SGD, Adam, AdamW, Adagrad, Adadelta, RMSprop, Adamax, NAdam, RAdam, ASGD,
Rprop, Adafactor, SparseAdam (dense gradients: see its docstring) and LBFGS (which needs
``step(closure)``). Each follows torch's update rule operation for operation and keeps
torch's state_dict layout.
"""
from .optimizer import Optimizer
from . import optimizer
from .sgd import SGD
from .adagrad import Adagrad
from .adadelta import Adadelta
from .rmsprop import RMSprop
from .adam import Adam, AdamW
from .adamax import Adamax
from .nadam import NAdam
from .radam import RAdam
from .asgd import ASGD
from .rprop import Rprop
from .adafactor import Adafactor
from .sparse_adam import SparseAdam
from .lbfgs import LBFGS
from . import lr_scheduler
from . import swa_utils
from .early_stopping import EarlyStopping

__all__ = ["Optimizer", "SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "Adamax",
           "NAdam", "RAdam", "ASGD", "Rprop", "Adafactor", "SparseAdam", "LBFGS",
           "lr_scheduler", "swa_utils", "optimizer", "EarlyStopping"]
