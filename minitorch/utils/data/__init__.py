"""minitorch.utils.data (alias minitorch.data): Dataset, DataLoader and friends (skeleton: being written)."""
