"""Sorting and selection: sort, argsort, topk, kthvalue, median, mode, unique, ...
(Filled in by issue 12.)"""
from __future__ import annotations

__all__: list[str] = []

# name -> function attached to Tensor as a method (see minitorch/_tensor_methods.py)
TENSOR_METHODS: dict = {}
