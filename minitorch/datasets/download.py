"""Fetch MNIST-family files from a list of mirrors and verify them.

A file is accepted when the SHA-256 of its *decompressed* content matches the table below,
so a recompressed copy (other gzip level, other tool) passes as long as the IDX bytes are
the standard ones. As a second route, the MD5 of the compressed file may match the
original distribution's ``.gz`` (torchvision's published list).

Each download streams into a temporary file in the target folder; only a verified file is
moved into place with ``os.replace`` (atomic), and a rejected one is deleted, so the cache
never holds a half-written or wrong file.

Where the hashes come from:

- MNIST t10k files: the decompressed copies in ``../shared/data/mnist-t10k`` (labels begin
  7 2 1 0 4 ...); the image file's hash equals the Git-LFS SHA-256 published for
  ``t10k-images-idx3-ubyte`` in several public Hugging Face mirrors of torchvision's
  ``MNIST/raw`` folder.
- MNIST train files (not available here): the Git-LFS SHA-256 of the decompressed
  ``train-images-idx3-ubyte`` (identical in three independent Hugging Face repositories)
  and ``train-labels-idx1-ubyte`` (huggingface.co/spaces/chrisjay/mnist-adversarial,
  files/MNIST/raw); the same repositories' t10k hashes match ours.
- Fashion-MNIST: computed from Debian's ``dataset-fashion-mnist``
  (/usr/share/datasets/fashion-mnist), whose gzip bytes differ from Zalando's.
- MD5 of the original ``.gz`` files: torchvision's ``MNIST.resources`` and
  ``FashionMNIST.resources`` (also in Zalando's README).
"""
from __future__ import annotations

import gzip
import hashlib
import os
import sys
import tempfile
import urllib.error
import urllib.request
import zlib

__all__ = ["MIRRORS", "SHA256", "MD5_GZ", "download_file", "verify_file", "ChecksumError",
           "DownloadError"]

MIRRORS = {
    "mnist": [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ],
    "fashion-mnist": [
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    ],
}

# SHA-256 of the decompressed IDX file, keyed by dataset and file name without ".gz".
SHA256 = {
    "mnist": {
        "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
}

# MD5 of the original distribution's .gz files (torchvision's resources lists).
MD5_GZ = {
    "mnist": {
        "train-images-idx3-ubyte": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte": "ec29112dd5afa0611ce80d1b7f02629c",
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte": "bb300cfdad3c16e7a12a480ee83cd310",
    },
}

TIMEOUT = 30.0  # seconds per connection attempt / read


class ChecksumError(RuntimeError):
    """A file's content does not match the known hash."""


class DownloadError(RuntimeError):
    """No mirror delivered a verified file; the message lists each mirror's failure."""


def _stem(filename: str) -> str:
    return filename[:-3] if filename.endswith(".gz") else filename


def verify_file(path, dataset: str, filename: str) -> None:
    """Raise ChecksumError unless `path` holds the known content of `filename`.

    Accepted: the SHA-256 of the decompressed content matches ``SHA256[dataset]``, or the
    MD5 of the raw (compressed) bytes matches ``MD5_GZ[dataset]``. A file with no known
    hash is rejected (nothing to verify it against).
    """
    stem = _stem(filename)
    want_sha = SHA256.get(dataset, {}).get(stem)
    want_md5 = MD5_GZ.get(dataset, {}).get(stem)
    if want_sha is None and want_md5 is None:
        raise ChecksumError(f"no known checksum for {dataset}/{stem}; refusing to trust {path}")
    with open(path, "rb") as f:
        raw = f.read()
    if want_md5 is not None and hashlib.md5(raw).hexdigest() == want_md5:
        return
    content = raw
    if raw[:2] == b"\x1f\x8b":
        try:
            content = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise ChecksumError(f"{path}: not a valid gzip file ({exc}); expected the "
                                f"{dataset} file {stem}") from None
    got = hashlib.sha256(content).hexdigest()
    if got != want_sha:
        raise ChecksumError(f"{path}: SHA-256 of the decompressed content is {got}, expected "
                            f"{want_sha} for {dataset}/{stem} (wrong or damaged file)")


def _fetch(url: str, dest_dir: str, filename: str) -> str:
    """Stream `url` into a temporary file in `dest_dir`; return its path."""
    fd, tmp = tempfile.mkstemp(prefix=f".{filename}.", suffix=".part", dir=dest_dir)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=TIMEOUT) as resp:
            while True:
                chunk = resp.read(1 << 20)
                if not chunk:
                    break
                out.write(chunk)
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def download_file(filename: str, dest_dir, dataset: str, mirrors=None, verbose: bool = True) -> str:
    """Download `filename` (e.g. ``"t10k-labels-idx1-ubyte.gz"``) into `dest_dir`.

    Tries each mirror in turn (default ``MIRRORS[dataset]``); a mirror that fails to answer
    or serves a file that fails :func:`verify_file` is skipped. Returns the final path.
    Raises DownloadError listing every mirror's failure when none succeeds.
    """
    dest_dir = os.fspath(dest_dir)
    os.makedirs(dest_dir, exist_ok=True)
    if mirrors is None:
        mirrors = MIRRORS.get(dataset, [])
    final = os.path.join(dest_dir, filename)
    failures = []
    for base in mirrors:
        url = base if base.endswith(filename) else base.rstrip("/") + "/" + filename
        if verbose:
            print(f"Downloading {url} -> {final}", file=sys.stderr)
        try:
            tmp = _fetch(url, dest_dir, filename)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            failures.append(f"{url}: {reason}")
            continue
        try:
            verify_file(tmp, dataset, filename)
        except ChecksumError as exc:
            _unlink(tmp)
            failures.append(f"{url}: checksum mismatch: {exc}")
            continue
        os.replace(tmp, final)
        return final
    if not mirrors:
        failures.append(f"no mirrors configured for {dataset!r}")
    raise DownloadError(f"could not download {filename} ({dataset}):\n  "
                        + "\n  ".join(failures))
