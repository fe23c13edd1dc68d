"""``minitorch.utils.tensorboard``: PyTorch's SummaryWriter. Real TensorBoard event files
when the ``tensorboard`` package is installed, scalars as CSV otherwise (see writer.py).
Nothing here is imported by ``import minitorch``."""
from .writer import FileWriter, SummaryWriter

__all__ = ["FileWriter", "SummaryWriter"]
