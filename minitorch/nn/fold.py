"""Fold and Unfold (col2im / im2col as layers)."""
from __future__ import annotations

__all__: list[str] = []
