"""BatchNorm1d and LayerNorm."""

__all__ = []
