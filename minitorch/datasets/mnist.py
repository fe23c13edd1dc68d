"""MNIST and Fashion-MNIST, as torchvision's ``datasets.MNIST`` / ``datasets.FashionMNIST``.

``MNIST(root=None, train=True, download=False, transform=None, target_transform=None)``

Samples. ``ds[i]`` is ``(image, label)``; label is a Python int. torchvision hands a PIL
image to the transform; minitorch has no PIL, so:

- without a transform the image is a float32 Tensor of shape (1, 28, 28) scaled to [0, 1]
  (what torchvision gives after ``transforms.ToTensor()``);
- with a transform, the transform receives the raw uint8 NumPy array of shape (28, 28)
  and its result is returned as is.

Attributes, as torchvision: ``data`` (the images, N x 28 x 28, values 0..255), ``targets``
(int64 Tensor), ``classes``, ``class_to_idx``, ``train``, ``root``. minitorch has no
uint8 dtype, so ``data`` is an int64 Tensor (what ``minitorch.tensor`` makes of uint8),
built on first access; the raw uint8 array is ``images``.

Fast path: ``ds.as_tensors(normalize=True)`` gives the whole split as two tensors (images
float32 N x 1 x 28 x 28, labels int64) in one vectorized step, and
``ds.to_tensor_dataset(...)`` wraps them in a ``TensorDataset`` -- no per-sample Python.

Where the files are looked for (first complete pair wins), for <name> = "mnist" or
"fashion-mnist" and <Tv> = torchvision's folder "MNIST" / "FashionMNIST":

1. ``root``: root/<name>, root/<Tv>/raw, root/<Tv>, root/<name>-t10k (a test-set-only
   folder such as ../shared/data/mnist-t10k), root itself;
2. ``$MINITORCH_DATA``: the same five layouts;
3. ``~/.cache/minitorch/<name>`` (where ``download=True`` puts the files);
4. ``/usr/share/datasets/<name>`` (Debian's ``dataset-fashion-mnist`` installs there).

File names: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
t10k-labels-idx1-ubyte, each gzipped (``.gz``) or raw.
"""
from __future__ import annotations

import operator
import os
from pathlib import Path

import numpy as np

from ..creation import as_tensor, from_numpy
from ..tensor import Tensor
from . import download as _dl
from .idx import read_idx, IDXError

try:  # the Dataset base class, when minitorch.utils.data provides it
    from ..utils.data import Dataset as _DatasetBase
except ImportError:  # pragma: no cover - only while utils.data is being written
    _DatasetBase = object

__all__ = ["MNIST", "FashionMNIST", "DatasetNotFoundError", "search_dirs"]

ENV_VAR = "MINITORCH_DATA"
SYSTEM_DIR = "/usr/share/datasets"   # module attribute so tests can point it elsewhere


class DatasetNotFoundError(FileNotFoundError, RuntimeError):
    """The dataset's files are in none of the searched places (and could not be
    downloaded); the message lists every place and how to provide the files."""


def cache_dir(name: str) -> Path:
    """``~/.cache/minitorch/<name>``: where downloads go."""
    return Path(os.path.expanduser("~")) / ".cache" / "minitorch" / name


def search_dirs(name: str, tv_folder: str, root=None) -> list[tuple[str, Path]]:
    """The folders searched, in order, each with the reason it is on the list."""
    out = []

    def layouts(base: Path, why: str):
        for sub in (name, f"{tv_folder}/raw", tv_folder, f"{name}-t10k", ""):
            out.append((f"{why}/{sub}" if sub else why, base / sub if sub else base))

    if root is not None:
        layouts(Path(os.path.expanduser(os.fspath(root))), "root")
    env = os.environ.get(ENV_VAR)
    if env:
        layouts(Path(os.path.expanduser(env)), f"${ENV_VAR}")
    out.append(("cache", cache_dir(name)))
    out.append(("system", Path(SYSTEM_DIR) / name))
    return out


def _find(folder: Path, stem: str):
    """The path of `stem` or `stem`.gz in `folder` (the .gz first), or None."""
    for candidate in (folder / (stem + ".gz"), folder / stem):
        if candidate.is_file():
            return candidate
    return None


class MNIST(_DatasetBase):
    """The MNIST handwritten digits (60,000 train / 10,000 test, 28 x 28 grey)."""

    name = "mnist"
    tv_folder = "MNIST"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]
    # mean and std of the training images' pixels after scaling to [0, 1]
    mean, std = 0.1307, 0.3081
    mirrors = None   # None: download.MIRRORS[name]; set a list to override

    def __init__(self, root=None, train: bool = True, download: bool = False,
                 transform=None, target_transform=None):
        self.root = None if root is None else os.fspath(root)
        self.train = bool(train)
        self.transform = transform
        self.target_transform = target_transform
        prefix = "train" if self.train else "t10k"
        self._stems = (f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte")
        found, searched = self._locate()
        if found is None and download:
            found = self._download(searched)
        if found is None:
            raise DatasetNotFoundError(self._not_found_message(searched))
        self.files = {"images": found[0], "labels": found[1]}
        self.images, labels = self._load(*found)
        self.targets = from_numpy(labels.astype(np.int64))
        self._data = None

    # -- finding and loading ---------------------------------------------------------------
    def _locate(self):
        searched = []
        for label, folder in search_dirs(self.name, self.tv_folder, self.root):
            paths = [_find(folder, s) for s in self._stems]
            if all(p is not None for p in paths):
                return tuple(paths), searched
            searched.append((label, folder, paths))
        return None, searched

    def _download(self, searched):
        dest = cache_dir(self.name)
        mirrors = self.mirrors if self.mirrors is not None else _dl.MIRRORS.get(self.name, [])
        paths, errors = [], []
        for stem in self._stems:
            existing = _find(dest, stem)
            if existing is not None:
                paths.append(existing)
                continue
            try:
                paths.append(Path(_dl.download_file(stem + ".gz", dest, self.name, mirrors)))
            except _dl.DownloadError as exc:
                errors.append(str(exc))
        if errors:
            raise DatasetNotFoundError(self._not_found_message(searched, errors))
        return tuple(paths)

    def _load(self, img_path, lbl_path):
        images, labels = read_idx(img_path), read_idx(lbl_path)
        if images.ndim != 3 or images.dtype != np.uint8:
            raise IDXError(f"{img_path}: expected uint8 images of shape (N, rows, cols), got "
                           f"{images.dtype} of shape {images.shape}")
        if labels.ndim != 1 or labels.dtype != np.uint8:
            raise IDXError(f"{lbl_path}: expected uint8 labels of shape (N,), got "
                           f"{labels.dtype} of shape {labels.shape}")
        if len(images) != len(labels):
            raise IDXError(f"{img_path} holds {len(images)} images but {lbl_path} holds "
                           f"{len(labels)} labels")
        return images, labels

    def _not_found_message(self, searched, download_errors=None):
        split = "train" if self.train else "test"
        files = " and ".join(f"{s}(.gz)" for s in self._stems)
        lines = [f"{type(self).__name__} ({split} split): could not find {files}.",
                 "Searched, in order:"]
        for label, folder, paths in searched:
            if not folder.is_dir():
                state = "no such folder"
            else:
                missing = [s for s, p in zip(self._stems, paths) if p is None]
                state = "missing " + ", ".join(missing)
                if self.train:
                    other = [_find(folder, s.replace("train", "t10k", 1)) for s in self._stems]
                    if all(p is not None for p in other):
                        state += " (only the test split t10k-* is here: use train=False)"
            lines.append(f"  {folder}  [{label}]: {state}")
        if download_errors:
            lines.append("Download failed:")
            lines.extend("  " + e.replace("\n", "\n  ") for e in download_errors)
        lines.append("To provide the files, do one of:")
        lines.append("  - pass root=DIR (the examples: --data-dir DIR) with the IDX files "
                     "(gzipped or not) in DIR, DIR/" + self.name + " or DIR/"
                     + self.tv_folder + "/raw;")
        lines.append(f"  - export {ENV_VAR}=DIR with the same layout;")
        lines.append(f"  - pass download=True to fetch them into {cache_dir(self.name)} "
                     "(needs internet);")
        if self.name == "fashion-mnist":
            lines.append("  - on Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist "
                         f"(installs into {Path(SYSTEM_DIR) / self.name}).")
        lines[-1] = lines[-1].rstrip(";.") + "."
        return "\n".join(lines)

    # -- torchvision's API -----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index):
        if isinstance(index, Tensor):
            index = index.item()
        try:
            i = operator.index(index)
        except TypeError:
            raise TypeError(f"{type(self).__name__}[index]: index must be an integer, got "
                            f"{type(index).__name__}") from None
        n = len(self.images)
        if not -n <= i < n:
            raise IndexError(f"{type(self).__name__}[index]: index {i} is out of range for "
                             f"{n} samples")
        img = self.images[i]
        if self.transform is not None:
            img = self.transform(img)
        else:
            img = from_numpy(img.astype(np.float32)[None] / np.float32(255.0))
        target = int(self.targets._data[i])
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    @property
    def data(self) -> Tensor:
        if self._data is None:
            self._data = as_tensor(self.images)   # int64: minitorch has no uint8
        return self._data

    @property
    def class_to_idx(self) -> dict:
        return {c: i for i, c in enumerate(self.classes)}

    def __repr__(self) -> str:
        return (f"Dataset {type(self).__name__}\n    Number of datapoints: {len(self)}\n"
                f"    Root location: {os.path.dirname(self.files['images'])}\n"
                f"    Split: {'Train' if self.train else 'Test'}")

    # -- the fast path ---------------------------------------------------------------------
    def as_tensors(self, normalize=False, flatten: bool = False, dtype=None, device=None):
        """The whole split as ``(images, labels)`` tensors, in one vectorized step.

        images: float32 (or `dtype`) of shape (N, 1, 28, 28), or (N, 784) with
        ``flatten=True``, scaled to [0, 1]; then, with ``normalize=True``, standardized by
        the class's training-set statistics (``mean``, ``std``), or by ``normalize=(mean,
        std)`` given explicitly. labels: int64 of shape (N,).
        """
        from .. import dtypes as _dt
        d = _dt.float32 if dtype is None else _dt.to_dtype(dtype, "as_tensors")
        if not d.is_floating_point:
            raise TypeError(f"as_tensors(): dtype must be a floating point type, got {d}")
        npd = d.np.type
        x = self.images.astype(npd)
        x /= npd(255.0)                   # as torchvision's ToTensor: divide by 255
        if normalize is not False and normalize is not None:
            if normalize is True:
                mean, std = self.mean, self.std
            else:
                try:
                    mean, std = normalize
                except (TypeError, ValueError):
                    raise TypeError("as_tensors(): normalize must be True, False or a "
                                    f"(mean, std) pair, got {normalize!r}") from None
            x -= npd(mean)
            x /= npd(std)
        x = x.reshape(len(x), -1) if flatten else x[:, None]
        y = self.targets._data.copy()
        return as_tensor(x, device=device), as_tensor(y, device=device)

    def to_tensor_dataset(self, normalize=False, flatten: bool = False, dtype=None, device=None):
        """``TensorDataset(images, labels)`` of :meth:`as_tensors` (same arguments)."""
        from ..utils.data import TensorDataset
        return TensorDataset(*self.as_tensors(normalize, flatten, dtype, device))


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: clothing images in MNIST's format and sizes."""

    name = "fashion-mnist"
    tv_folder = "FashionMNIST"
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]
    mean, std = 0.2860, 0.3530
