"""linear: y = x W^T + b (nn.Linear's function)."""

__all__ = []
