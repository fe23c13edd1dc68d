"""Dropout module."""
from __future__ import annotations

from ..functional.dropout import dropout, dropout2d
from .module import Module

__all__ = ["Dropout", "Dropout2d"]


class Dropout(Module):
    """In training, zero each element with probability p and scale the rest by 1/(1-p)
    (inverted dropout); in eval mode, the identity."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        return dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """In training, zero each whole channel (N, C) of an (N, C, H, W) input with
    probability p and scale the rest by 1/(1-p); in eval mode, the identity."""

    def forward(self, input):
        return dropout2d(input, self.p, self.training, self.inplace)
