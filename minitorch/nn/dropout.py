"""Dropout modules: Dropout, channel dropout (Dropout1d/2d/3d) and alpha dropout for SELU
networks (AlphaDropout, FeatureAlphaDropout); the identity in eval mode."""
from __future__ import annotations

from ..functional.dropout import (dropout, dropout1d, dropout2d, dropout3d, alpha_dropout,
                                  feature_alpha_dropout)
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
           "FeatureAlphaDropout"]


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


class Dropout1d(Dropout):
    """Zero whole channels of an (N, C, L) or (C, L) input with probability p (training)."""

    def forward(self, input):
        return dropout1d(input, self.p, self.training, self.inplace)


class Dropout3d(Dropout):
    """Zero whole channels of an (N, C, D, H, W) or (C, D, H, W) input with probability p."""

    def forward(self, input):
        return dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(Dropout):
    """Dropout that keeps zero mean and unit variance (for SELU networks)."""

    def forward(self, input):
        return alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(Dropout):
    """Alpha dropout of whole channels."""

    def forward(self, input):
        return feature_alpha_dropout(input, self.p, self.training)
