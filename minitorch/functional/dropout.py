"""dropout (inverted: kept values are scaled by 1/(1-p) in training)."""

__all__ = []
