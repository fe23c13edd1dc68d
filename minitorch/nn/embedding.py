"""Embedding module."""

__all__ = []
