"""batch_norm, layer_norm and normalize."""

__all__ = []
