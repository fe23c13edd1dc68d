"""minitorch.optim: optimizers with PyTorch's update rules, lr schedulers, early stopping."""
