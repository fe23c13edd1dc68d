"""minitorch.datasets: MNIST-family IDX datasets, the downloader, and text corpora."""
from .idx import IDXError, read_idx, write_idx
from .download import ChecksumError, DownloadError
from .mnist import MNIST, FashionMNIST, DatasetNotFoundError
from .text import CharCorpus, SeqDataLoader, seq_data_iter_random, seq_data_iter_sequential
from . import download

__all__ = ["MNIST", "FashionMNIST", "DatasetNotFoundError", "IDXError", "read_idx",
           "write_idx", "ChecksumError", "DownloadError", "CharCorpus", "SeqDataLoader",
           "seq_data_iter_random", "seq_data_iter_sequential", "download"]
