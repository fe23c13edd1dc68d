"""Dropout module."""

__all__ = []
