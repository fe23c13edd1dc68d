"""Pointwise math beyond the basics of elementwise.py: trigonometric and hyperbolic
functions, rounding, special functions and the binary helpers PyTorch has at the top
level. (Filled in by issue 12.)"""
from __future__ import annotations

__all__: list[str] = []

# name -> function attached to Tensor as a method (see minitorch/_tensor_methods.py)
TENSOR_METHODS: dict = {}
