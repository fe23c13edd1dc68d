"""Side-by-side timings of minitorch and PyTorch, one process per framework."""
