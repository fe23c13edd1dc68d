"""minitorch.viz: training curves, confusion matrices, feature maps, graphs (skeleton: being written)."""
