"""minitorch.optim: optimizers, learning-rate schedulers and early stopping (PyTorch's API).

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
"""
from .optimizer import Optimizer
from . import optimizer
from .sgd import SGD
from .adagrad import Adagrad
from .adadelta import Adadelta
from .rmsprop import RMSprop
from .adam import Adam, AdamW
from . import lr_scheduler
from .early_stopping import EarlyStopping

__all__ = ["Optimizer", "SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW",
           "lr_scheduler", "optimizer", "EarlyStopping"]
