"""embedding lookup (with padding_idx) and one_hot."""

__all__ = []
