"""Regularization helpers the course teaches (L1 penalty)."""

__all__ = []
