"""minitorch.metrics: classification metrics (skeleton: being written)."""
