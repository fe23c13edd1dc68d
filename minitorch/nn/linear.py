"""Identity, Linear (PyTorch's default init)."""

__all__ = []
