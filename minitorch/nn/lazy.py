"""Lazy modules: LazyLinear, LazyConv*, LazyBatchNorm*, materialized on the first call."""
from __future__ import annotations

__all__: list[str] = []
