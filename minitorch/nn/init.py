"""nn.init: in-place initializers with PyTorch's formulas (no gradient recorded)."""
