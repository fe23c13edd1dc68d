"""Loss functions (reduction none/mean/sum), stable for logits of +-1e4."""

__all__ = []
