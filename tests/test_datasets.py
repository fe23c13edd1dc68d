"""minitorch.datasets: IDX parsing, MNIST/FashionMNIST, the search order and the downloader.

Nothing here reaches the network: the downloader is tested against an HTTP server started
on 127.0.0.1 by the test, and an autouse fixture points the default mirrors at a closed
local port.
"""
import functools
import gzip
import hashlib
import http.server
import socket
import threading
from pathlib import Path

import numpy as np
import pytest

import minitorch
from minitorch.datasets import (MNIST, FashionMNIST, DatasetNotFoundError, IDXError,
                                read_idx, write_idx, ChecksumError, DownloadError)
from minitorch.datasets import download as dl
from minitorch.datasets import mnist as mnist_mod

REPO = Path(__file__).resolve().parents[1]
SHARED_T10K = REPO.parent / "shared" / "data" / "mnist-t10k"
FASHION_SYSTEM = Path("/usr/share/datasets/fashion-mnist")


def _dead_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Every test: an empty HOME (so ~/.cache/minitorch is fresh), no $MINITORCH_DATA, an
    empty system folder, and default mirrors that point at a closed local port."""
    home = tmp_path / "home"
    home.mkdir()
    system = tmp_path / "system"
    system.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("MINITORCH_DATA", raising=False)
    monkeypatch.setattr(mnist_mod, "SYSTEM_DIR", str(system))
    dead = f"http://127.0.0.1:{_dead_port()}/"
    monkeypatch.setattr(dl, "MIRRORS", {"mnist": [dead], "fashion-mnist": [dead]})
    monkeypatch.setattr(dl, "TIMEOUT", 5.0)
    return {"home": home, "system": system, "tmp": tmp_path}


def make_split(folder, prefix="t10k", n=5, seed=0, compress=True, label_base=0):
    """Write a small MNIST-style split (n images of 28 x 28) into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rs = np.random.RandomState(seed)
    images = rs.randint(0, 256, size=(n, 28, 28)).astype(np.uint8)
    labels = ((np.arange(n) + label_base) % 10).astype(np.uint8)
    ext = ".gz" if compress else ""
    write_idx(folder / f"{prefix}-images-idx3-ubyte{ext}", images)
    write_idx(folder / f"{prefix}-labels-idx1-ubyte{ext}", labels)
    return images, labels


# ------------------------------------------------------------------------------ IDX parsing

@pytest.mark.parametrize("dtype", ["u1", "i1", ">i2", "<i4", "f4", "f8"])
@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
def test_idx_round_trip(tmp_path, dtype, name):
    a = (np.arange(24) - 7).astype(dtype).reshape(2, 3, 4)
    write_idx(tmp_path / name, a)
    b = read_idx(tmp_path / name)
    assert b.dtype == a.dtype.newbyteorder("=")
    assert b.shape == (2, 3, 4)
    np.testing.assert_array_equal(a, b)
    assert b.flags.writeable


def test_idx_header_bytes(tmp_path):
    write_idx(tmp_path / "x", np.zeros((3, 2), np.uint8))
    raw = (tmp_path / "x").read_bytes()
    assert raw[:4] == b"\x00\x00\x08\x02"
    assert raw[4:12] == b"\x00\x00\x00\x03\x00\x00\x00\x02"
    assert len(raw) == 12 + 6


def test_gzip_detected_by_magic_not_name(tmp_path):
    a = np.arange(10, dtype=np.uint8)
    write_idx(tmp_path / "raw_named.gz", a, compress=False)       # raw bytes, .gz name
    write_idx(tmp_path / "gz_named_plain", a, compress=True)      # gzip bytes, plain name
    assert (tmp_path / "gz_named_plain").read_bytes()[:2] == b"\x1f\x8b"
    np.testing.assert_array_equal(read_idx(tmp_path / "raw_named.gz"), a)
    np.testing.assert_array_equal(read_idx(tmp_path / "gz_named_plain"), a)


GOOD = bytes([0, 0, 8, 1]) + (4).to_bytes(4, "big") + bytes([1, 2, 3, 4])

CORRUPT = {
    "empty": (b"", "too short"),
    "three bytes": (b"\x00\x00\x08", "too short"),
    "nonzero magic": (b"\x01\x00\x08\x01" + GOOD[4:], "first two bytes must be 0x00"),
    "unknown dtype": (b"\x00\x00\x07\x01" + GOOD[4:], "unknown dtype code 0x07"),
    "zero dims": (b"\x00\x00\x08\x00", "0 dimensions"),
    "short header": (b"\x00\x00\x08\x03" + (5).to_bytes(4, "big") + b"\x00\x00",
                     "truncated IDX header"),
    "short payload": (GOOD[:-1], "truncated IDX payload"),
    "long payload": (GOOD + b"\x00\x00", "payload too long"),
    "short float payload": (bytes([0, 0, 0x0D, 1]) + (2).to_bytes(4, "big") + b"\x00" * 7,
                            "truncated IDX payload"),
}


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("case", list(CORRUPT))
def test_corrupt_idx_clear_error(tmp_path, case, compress):
    content, message = CORRUPT[case]
    path = tmp_path / "bad-file-idx"
    path.write_bytes(gzip.compress(content) if compress else content)
    with pytest.raises(IDXError, match=message) as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_good_reference_parses(tmp_path):
    (tmp_path / "g").write_bytes(GOOD)
    np.testing.assert_array_equal(read_idx(tmp_path / "g"), [1, 2, 3, 4])


def test_truncated_gzip(tmp_path):
    blob = gzip.compress(GOOD + bytes(1000))
    path = tmp_path / "cut.gz"
    path.write_bytes(blob[:len(blob) // 2])
    with pytest.raises(IDXError, match="gzip stream is truncated") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_corrupt_gzip_crc(tmp_path):
    blob = bytearray(gzip.compress(GOOD))
    blob[-8] ^= 0xFF  # the CRC-32 of the trailer
    path = tmp_path / "crc.gz"
    path.write_bytes(bytes(blob))
    with pytest.raises(IDXError, match="corrupt gzip") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_missing_idx_file(tmp_path):
    with pytest.raises(IDXError, match="cannot read IDX file"):
        read_idx(tmp_path / "nope")


def test_write_idx_rejects_unsupported_dtype(tmp_path):
    with pytest.raises(TypeError, match="write_idx"):
        write_idx(tmp_path / "x", np.zeros(3, np.int64))


# ------------------------------------------------------------------------- the dataset API

def test_mnist_samples_and_attributes(tmp_path):
    images, labels = make_split(tmp_path / "d", "train", n=6)
    ds = MNIST(tmp_path / "d")
    assert len(ds) == 6 and ds.train
    x, y = ds[2]
    assert isinstance(x, minitorch.Tensor) and x.dtype == minitorch.float32
    assert tuple(x.shape) == (1, 28, 28)
    np.testing.assert_allclose(x.numpy()[0], images[2] / np.float32(255), rtol=1e-6)
    assert float(x.numpy().min()) >= 0.0 and float(x.numpy().max()) <= 1.0
    assert type(y) is int and y == int(labels[2])
    assert ds[-1][1] == int(labels[-1])
    assert ds[np.int64(1)][1] == int(labels[1])
    assert ds[minitorch.tensor(3)][1] == int(labels[3])
    with pytest.raises(IndexError, match="out of range"):
        ds[6]
    with pytest.raises(TypeError, match="index must be an integer"):
        ds[1.5]
    assert ds.targets.dtype == minitorch.int64
    np.testing.assert_array_equal(ds.targets.numpy(), labels)
    assert tuple(ds.data.shape) == (6, 28, 28)
    np.testing.assert_array_equal(ds.data.numpy(), images)
    assert ds.images.dtype == np.uint8
    assert ds.classes[3] == "3 - three" and ds.class_to_idx["3 - three"] == 3
    assert "Number of datapoints: 6" in repr(ds) and "Split: Train" in repr(ds)


def test_transforms_receive_uint8_arrays(tmp_path):
    images, labels = make_split(tmp_path, "t10k", n=3)
    seen = []

    def transform(img):
        seen.append((type(img), img.dtype, img.shape))
        return img.sum()

    ds = MNIST(tmp_path, train=False, transform=transform, target_transform=lambda t: t * 10)
    x, y = ds[1]
    assert seen == [(np.ndarray, np.uint8, (28, 28))]
    assert x == images[1].sum() and y == 10 * int(labels[1])


def test_as_tensors_fast_path(tmp_path):
    images, labels = make_split(tmp_path, "t10k", n=4)
    ds = MNIST(tmp_path, train=False)
    X, y = ds.as_tensors()
    assert tuple(X.shape) == (4, 1, 28, 28) and X.dtype == minitorch.float32
    assert y.dtype == minitorch.int64 and y.numpy().tolist() == labels.tolist()
    np.testing.assert_allclose(X.numpy()[:, 0], images / np.float32(255), rtol=1e-6)
    Xn, _ = ds.as_tensors(normalize=True, flatten=True)
    assert tuple(Xn.shape) == (4, 784)
    np.testing.assert_allclose(Xn.numpy(), (images.reshape(4, -1) / 255.0 - 0.1307) / 0.3081,
                               rtol=1e-5, atol=1e-5)
    Xc, _ = ds.as_tensors(normalize=(0.5, 0.25), dtype=minitorch.float64)
    assert Xc.dtype == minitorch.float64
    np.testing.assert_allclose(Xc.numpy()[:, 0], (images / 255.0 - 0.5) / 0.25, rtol=1e-12)
    with pytest.raises(TypeError, match="normalize"):
        ds.as_tensors(normalize="yes")


def test_to_tensor_dataset(tmp_path):
    data = pytest.importorskip("minitorch.utils.data")
    if not hasattr(data, "TensorDataset"):
        pytest.skip("minitorch.utils.data.TensorDataset is not written yet")
    make_split(tmp_path, "t10k", n=4)
    tds = MNIST(tmp_path, train=False).to_tensor_dataset(normalize=True)
    assert len(tds) == 4
    x, y = tds[0]
    assert tuple(x.shape) == (1, 28, 28)


def test_images_labels_count_mismatch(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.zeros((3, 28, 28), np.uint8))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(4, np.uint8))
    with pytest.raises(IDXError, match="3 images but .* 4 labels"):
        MNIST(tmp_path, train=False)


def test_wrong_kind_of_file(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((3, 28), np.uint8))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(3, np.uint8))
    with pytest.raises(IDXError, match="expected uint8 images"):
        MNIST(tmp_path, train=False)


def test_truncated_dataset_file_names_file(tmp_path):
    make_split(tmp_path, "t10k", n=3)
    p = tmp_path / "t10k-images-idx3-ubyte.gz"
    p.write_bytes(p.read_bytes()[:40])
    with pytest.raises(IDXError) as info:
        MNIST(tmp_path, train=False)
    assert "t10k-images-idx3-ubyte.gz" in str(info.value)


# ------------------------------------------------------------------------ the search order

def test_search_order(isolated, tmp_path, monkeypatch):
    root, env = tmp_path / "root", tmp_path / "env"
    cache = isolated["home"] / ".cache" / "minitorch" / "mnist"
    system = isolated["system"] / "mnist"
    # each place gets a different number of samples, so we can tell which one won
    make_split(system, n=4)
    make_split(cache, n=5)
    make_split(env / "mnist", n=6)
    make_split(root, n=7)
    monkeypatch.setenv("MINITORCH_DATA", str(env))
    assert len(MNIST(root, train=False)) == 7
    assert len(MNIST(train=False)) == 6                   # no root: $MINITORCH_DATA
    assert len(MNIST(tmp_path / "empty", train=False)) == 6
    monkeypatch.delenv("MINITORCH_DATA")
    assert len(MNIST(train=False)) == 5                   # then ~/.cache/minitorch/mnist
    for f in cache.iterdir():
        f.unlink()
    ds = MNIST(train=False)                               # then /usr/share/datasets/mnist
    assert len(ds) == 4 and ds.files["images"].parent == system


def test_root_layouts(tmp_path):
    make_split(tmp_path / "a" / "MNIST" / "raw", n=3)     # torchvision's layout
    make_split(tmp_path / "b" / "mnist", n=4)             # root/<name>
    make_split(tmp_path / "c", n=5, compress=False)       # root itself, raw files
    make_split(tmp_path / "d" / "FashionMNIST" / "raw", n=6)
    make_split(tmp_path / "e" / "mnist-t10k", n=2)        # a test-set-only folder
    assert len(MNIST(tmp_path / "a", train=False)) == 3
    assert len(MNIST(str(tmp_path / "b"), train=False)) == 4
    assert len(MNIST(tmp_path / "c", train=False)) == 5
    assert len(FashionMNIST(tmp_path / "d", train=False)) == 6
    assert len(MNIST(tmp_path / "e", train=False)) == 2
    with pytest.raises(DatasetNotFoundError):
        FashionMNIST(tmp_path / "e", train=False)


def test_dataset_specific_subfolder_beats_root_itself(tmp_path, monkeypatch):
    """A shared data folder holding both datasets: each finds its own subfolder."""
    make_split(tmp_path / "mnist", n=3)
    make_split(tmp_path / "fashion-mnist", n=4)
    monkeypatch.setenv("MINITORCH_DATA", str(tmp_path))
    assert len(MNIST(train=False)) == 3
    assert len(FashionMNIST(train=False)) == 4


def test_pair_must_come_from_one_folder(tmp_path, isolated):
    root = tmp_path / "r"
    make_split(root, n=3)
    (root / "t10k-labels-idx1-ubyte.gz").unlink()
    make_split(isolated["system"] / "mnist", n=9)
    ds = MNIST(root, train=False)
    assert len(ds) == 9        # root had only the images: the system folder's pair wins


def test_not_found_lists_every_place(tmp_path, isolated, monkeypatch):
    env = tmp_path / "env"
    env.mkdir()
    monkeypatch.setenv("MINITORCH_DATA", str(env))
    root = tmp_path / "r"
    with pytest.raises(DatasetNotFoundError) as info:
        FashionMNIST(root, train=True)
    msg = str(info.value)
    for folder in (root / "fashion-mnist", root / "FashionMNIST" / "raw", root / "FashionMNIST",
                   root / "fashion-mnist-t10k", root, env / "fashion-mnist", env / "FashionMNIST" / "raw", env,
                   isolated["home"] / ".cache" / "minitorch" / "fashion-mnist",
                   isolated["system"] / "fashion-mnist"):
        assert f"  {folder}  [" in msg
    for hint in ("--data-dir", "MINITORCH_DATA", "download=True",
                 "apt-get install dataset-fashion-mnist", "train-images-idx3-ubyte"):
        assert hint in msg
    assert isinstance(info.value, FileNotFoundError) and isinstance(info.value, RuntimeError)
    with pytest.raises(DatasetNotFoundError) as info:
        MNIST(root, train=False)
    assert "apt-get" not in str(info.value)


def test_test_split_only_explains_train(tmp_path):
    make_split(tmp_path, "t10k", n=3)
    assert len(MNIST(tmp_path, train=False)) == 3
    with pytest.raises(DatasetNotFoundError, match="only the test split"):
        MNIST(tmp_path, train=True)


def test_no_network_without_download(tmp_path, monkeypatch):
    def boom(*a, **k):
        raise AssertionError("urlopen called without download=True")
    monkeypatch.setattr(dl.urllib.request, "urlopen", boom)
    with pytest.raises(DatasetNotFoundError):
        MNIST(tmp_path, train=False)


# --------------------------------------------------------------------- the real MNIST test set

needs_t10k = pytest.mark.skipif(not (SHARED_T10K / "t10k-images-idx3-ubyte.gz").exists(),
                                reason=f"the MNIST test set is not at {SHARED_T10K}")


@needs_t10k
def test_real_mnist_t10k():
    ds = MNIST(SHARED_T10K, train=False)
    assert len(ds) == 10000
    y = ds.targets.numpy()
    assert y.min() == 0 and y.max() == 9 and set(y.tolist()) == set(range(10))
    assert y[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    x, label = ds[0]
    assert label == 7 and tuple(x.shape) == (1, 28, 28)
    assert ds.images.max() == 255 and ds.images.min() == 0
    with pytest.raises(DatasetNotFoundError, match="only the test split"):
        MNIST(SHARED_T10K, train=True)
    # the examples' --data-dir ../shared/data finds the test-set-only folder too
    assert len(MNIST(SHARED_T10K.parent, train=False)) == 10000


@needs_t10k
def test_real_mnist_t10k_hashes_match_table():
    """The table's t10k entries are the decompressed content (these files were
    recompressed, so only the decompressed hash can match)."""
    for stem in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        dl.verify_file(SHARED_T10K / (stem + ".gz"), "mnist", stem + ".gz")


@pytest.mark.skipif(not (FASHION_SYSTEM / "t10k-labels-idx1-ubyte.gz").exists(),
                    reason="Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
def test_real_fashion_mnist_test_set(monkeypatch):
    monkeypatch.setattr(mnist_mod, "SYSTEM_DIR", str(FASHION_SYSTEM.parent))
    ds = FashionMNIST(train=False)
    assert len(ds) == 10000 and ds.files["images"].parent == FASHION_SYSTEM
    assert ds.classes[ds[0][1]] == "Ankle boot"
    for stem in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-labels-idx1-ubyte"):
        dl.verify_file(FASHION_SYSTEM / (stem + ".gz"), "fashion-mnist", stem + ".gz")


# ------------------------------------------------------------------------------ downloader

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    """An HTTP server on 127.0.0.1 serving tmp_path/served; yields (base_url, folder)."""
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(served))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", served
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def _sha_table(monkeypatch, folder, dataset="mnist"):
    """Point the hash tables at the decompressed content of the files in `folder`."""
    table = {}
    for f in Path(folder).iterdir():
        stem = f.name[:-3] if f.name.endswith(".gz") else f.name
        table[stem] = hashlib.sha256(gzip.decompress(f.read_bytes())).hexdigest()
    monkeypatch.setattr(dl, "SHA256", {dataset: table})
    monkeypatch.setattr(dl, "MD5_GZ", {})
    return table


def _cache(isolated, name="mnist"):
    return isolated["home"] / ".cache" / "minitorch" / name


def test_download_works(server, isolated, monkeypatch):
    url, served = server
    images, labels = make_split(served, n=5)
    _sha_table(monkeypatch, served)
    monkeypatch.setattr(dl, "MIRRORS", {"mnist": [url]})
    ds = MNIST(train=False, download=True)
    cache = _cache(isolated)
    assert sorted(p.name for p in cache.iterdir()) == ["t10k-images-idx3-ubyte.gz",
                                                        "t10k-labels-idx1-ubyte.gz"]
    np.testing.assert_array_equal(ds.images, images)
    assert ds.files["images"].parent == cache
    # a second construction finds the cached files and needs no server
    monkeypatch.setattr(dl, "MIRRORS", {"mnist": []})
    assert len(MNIST(train=False, download=True)) == 5


def test_download_class_mirrors_override(server, isolated, monkeypatch):
    url, served = server
    make_split(served, n=3)
    _sha_table(monkeypatch, served)
    monkeypatch.setattr(MNIST, "mirrors", [url])
    assert len(MNIST(train=False, download=True)) == 3


def test_recompressed_copy_passes(server, isolated, monkeypatch):
    url, served = server
    make_split(served, n=5)
    _sha_table(monkeypatch, served)
    for f in served.iterdir():                           # recompress: other level, other mtime
        content = gzip.decompress(f.read_bytes())
        again = gzip.compress(content, compresslevel=1, mtime=12345)
        assert again != f.read_bytes()
        f.write_bytes(again)
    monkeypatch.setattr(dl, "MIRRORS", {"mnist": [url]})
    assert len(MNIST(train=False, download=True)) == 5


def test_uncompressed_table_also_accepts_original_md5(server, isolated, monkeypatch):
    url, served = server
    make_split(served, n=2)
    md5 = {f.name[:-3]: hashlib.md5(f.read_bytes()).hexdigest() for f in served.iterdir()}
    monkeypatch.setattr(dl, "SHA256", {"mnist": {k: "0" * 64 for k in md5}})
    monkeypatch.setattr(dl, "MD5_GZ", {"mnist": md5})
    monkeypatch.setattr(dl, "MIRRORS", {"mnist": [url]})
    assert len(MNIST(train=False, download=True)) == 2


def test_wrong_file_rejected_and_not_cached(server, isolated, monkeypatch):
    url, served = server
    make_split(served, n=5)
    _sha_table(monkeypatch, served)
    make_split(served, n=5, seed=1)                      # serve different content
    monkeypatch.setattr(dl, "MIRRORS", {"mnist": [url]})
    with pytest.raises(DatasetNotFoundError, match="checksum mismatch") as info:
        MNIST(train=False, download=True)
    assert "SHA-256" in str(info.value)
    cache = _cache(isolated)
    # the images were wrong: no final file and no .part left over (the labels, identical
    # in both splits made here, were fine and stay)
    assert [p.name for p in cache.iterdir()] == ["t10k-labels-idx1-ubyte.gz"]


def test_not_gzip_rejected(server, isolated, monkeypatch):
    url, served = server
    make_split(served, n=2)
    _sha_table(monkeypatch, served)
    (served / "t10k-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b<html>not found</html>")
    monkeypatch.setattr(dl, "MIRRORS", {"mnist": [url]})
    with pytest.raises(DatasetNotFoundError, match="not a valid gzip"):
        MNIST(train=False, download=True)
    assert not (_cache(isolated) / "t10k-images-idx3-ubyte.gz").exists()


def test_dead_mirror_falls_back(server, isolated, monkeypatch):
    url, served = server
    make_split(served, n=5)
    _sha_table(monkeypatch, served)
    dead = f"http://127.0.0.1:{_dead_port()}/mnist/"
    missing = url + "nothing-here/"                       # answers 404
    monkeypatch.setattr(dl, "MIRRORS", {"mnist": [dead, missing, url]})
    assert len(MNIST(train=False, download=True)) == 5


def test_wrong_mirror_falls_back_to_good_one(server, tmp_path, isolated, monkeypatch):
    url, served = server
    make_split(served / "good", n=5)
    make_split(served / "bad", n=5, seed=3)
    _sha_table(monkeypatch, served / "good")
    monkeypatch.setattr(dl, "MIRRORS", {"mnist": [url + "bad/", url + "good/"]})
    ds = MNIST(train=False, download=True)
    assert len(ds) == 5


def test_offline_error_lists_places_and_mirrors(tmp_path, isolated, monkeypatch):
    dead1 = f"http://127.0.0.1:{_dead_port()}/"
    dead2 = f"http://127.0.0.1:{_dead_port()}/x/"
    monkeypatch.setattr(dl, "MIRRORS", {"fashion-mnist": [dead1, dead2]})
    root = tmp_path / "data"
    with pytest.raises(DatasetNotFoundError) as info:
        FashionMNIST(root, train=False, download=True)
    msg = str(info.value)
    assert "Download failed" in msg
    assert dead1 + "t10k-images-idx3-ubyte.gz" in msg and dead2 + "t10k-images-idx3-ubyte.gz" in msg
    for folder in (root / "fashion-mnist", root / "FashionMNIST" / "raw", root,
                   _cache(isolated, "fashion-mnist"), isolated["system"] / "fashion-mnist"):
        assert f"  {folder}  [" in msg
    assert "apt-get install dataset-fashion-mnist" in msg and "MINITORCH_DATA" in msg
    cache = _cache(isolated, "fashion-mnist")
    assert not cache.exists() or list(cache.iterdir()) == []


def test_download_file_direct(server, tmp_path, monkeypatch):
    url, served = server
    make_split(served, n=2)
    _sha_table(monkeypatch, served)
    out = dl.download_file("t10k-labels-idx1-ubyte.gz", tmp_path / "dest", "mnist", [url],
                           verbose=False)
    assert Path(out).read_bytes() == (served / "t10k-labels-idx1-ubyte.gz").read_bytes()
    with pytest.raises(DownloadError, match="no mirrors"):
        dl.download_file("t10k-labels-idx1-ubyte.gz", tmp_path / "d2", "mnist", [])


def test_verify_file_unknown(tmp_path, monkeypatch):
    p = tmp_path / "f.gz"
    p.write_bytes(gzip.compress(b"abc"))
    with pytest.raises(ChecksumError, match="no known checksum"):
        dl.verify_file(p, "no-such-dataset", "f.gz")
