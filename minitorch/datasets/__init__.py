"""minitorch.datasets: MNIST-family IDX datasets, the downloader, and text corpora (skeleton: being written)."""
