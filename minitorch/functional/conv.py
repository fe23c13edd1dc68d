"""conv1d, conv2d, conv_transpose2d, unfold and fold through im2col."""

__all__ = []
