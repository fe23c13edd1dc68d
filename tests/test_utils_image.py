"""minitorch.utils.make_grid and save_image: the grid layout computed by hand (torchvision's
rules: padding around and between, 1-channel images repeated to 3 channels, normalize and
scale_each), and the PNG decoded back with a tiny reader (zlib) and checked pixel by pixel."""
from __future__ import annotations

import io
import os
import struct
import zlib

import numpy as np
import pytest

import minitorch
from minitorch.utils import make_grid, save_image


def read_png(data: bytes):
    """Decode an 8-bit non-interlaced PNG (gray, RGB, RGBA; filter 0 rows only, as written)
    into an (H, W[, C]) uint8 array; checks the signature and every chunk's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks.append((kind, body))
        pos += 12 + length
    kinds = [k for k, _ in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    w, h, depth, color, comp, filt, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, comp, filt, interlace) == (8, 0, 0, 0)
    channels = {0: 1, 2: 3, 6: 4}[color]
    raw = zlib.decompress(b"".join(b for k, b in chunks if k == b"IDAT"))
    rows = np.frombuffer(raw, np.uint8).reshape(h, 1 + w * channels)
    assert np.all(rows[:, 0] == 0)
    px = rows[:, 1:].reshape(h, w, channels)
    return px[:, :, 0] if channels == 1 else px


def _batch(b, c, h, w, seed=0):
    return np.random.default_rng(seed).random((b, c, h, w)).astype(np.float32)


def test_make_grid_layout_by_hand():
    x = _batch(5, 3, 4, 6)
    g = make_grid(minitorch.tensor(x), nrow=2, padding=1, pad_value=0.5)
    # 2 columns, 3 rows: H = 3 * (4 + 1) + 1, W = 2 * (6 + 1) + 1
    assert tuple(g.shape) == (3, 16, 15) and g.dtype == minitorch.float32
    expect = np.full((3, 16, 15), 0.5, np.float32)
    for k in range(5):
        r, c = divmod(k, 2)
        expect[:, 1 + r * 5:1 + r * 5 + 4, 1 + c * 7:1 + c * 7 + 6] = x[k]
    np.testing.assert_array_equal(g.numpy(), expect)


def test_make_grid_defaults_and_single_channel():
    x = _batch(3, 1, 2, 2)
    g = make_grid(minitorch.tensor(x)).numpy()        # nrow=8 -> one row; padding 2
    assert g.shape == (3, 2 + 1 * 4, 2 + 3 * 4)
    for ch in range(3):                                 # gray repeated to 3 channels
        np.testing.assert_array_equal(g[ch], g[0])
    np.testing.assert_array_equal(g[0, 2:4, 6:8], x[1, 0])
    assert g[0, 0, 0] == 0.0


def test_make_grid_single_images():
    img = _batch(1, 3, 4, 5)[0]
    np.testing.assert_array_equal(make_grid(minitorch.tensor(img)).numpy(), img)   # no padding
    gray = _batch(1, 1, 4, 5)[0]
    g = make_grid(minitorch.tensor(gray)).numpy()
    assert g.shape == (3, 4, 5)
    np.testing.assert_array_equal(g[2], gray[0])
    hw = make_grid(minitorch.tensor(gray[0])).numpy()              # (H, W): gray too
    assert hw.shape == (3, 4, 5)
    lst = make_grid([minitorch.tensor(img), minitorch.tensor(img)], padding=0).numpy()
    np.testing.assert_array_equal(lst, np.concatenate([img, img], axis=2))


def test_make_grid_normalize():
    x = _batch(2, 3, 2, 2) * 4 - 1
    t = minitorch.tensor(x)
    g = make_grid(t, normalize=True, padding=0).numpy()
    lo, hi = x.min(), x.max()
    np.testing.assert_allclose(g, np.concatenate([(x[0] - lo) / (hi - lo),
                                                  (x[1] - lo) / (hi - lo)], axis=2), rtol=1e-6)
    np.testing.assert_array_equal(t.numpy(), x)                     # input untouched
    each = make_grid(t, normalize=True, scale_each=True, padding=0).numpy()
    for k in range(2):
        block = each[:, :, 2 * k:2 * k + 2]
        assert block.min() == 0.0 and abs(block.max() - 1.0) < 1e-6
    ranged = make_grid(t, normalize=True, value_range=(0.0, 2.0), padding=0).numpy()
    np.testing.assert_allclose(ranged, np.concatenate(np.clip(x, 0, 2) / 2, axis=2), rtol=1e-6)
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        make_grid(t, normalize=True, value_range=[0, 1])


def test_make_grid_errors_and_no_graph():
    with pytest.raises(ValueError, match="make_grid"):
        make_grid(minitorch.zeros(1, 1, 1, 2, 2))
    with pytest.raises(TypeError, match="make_grid"):
        make_grid(np.zeros((2, 3, 2, 2)))
    w = minitorch.randn(4, 1, 3, 3, requires_grad=True)
    g = make_grid(w, normalize=True)
    assert not g.requires_grad


def test_save_image_png_pixels(tmp_path):
    x = _batch(3, 3, 4, 5)
    path = tmp_path / "grid.png"
    save_image(minitorch.tensor(x), path, nrow=2, padding=1, pad_value=1.0)
    px = read_png(path.read_bytes())
    assert px.shape == (2 * 5 + 1, 2 * 6 + 1, 3)
    grid = make_grid(minitorch.tensor(x), nrow=2, padding=1, pad_value=1.0).numpy()
    expect = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(px, expect)
    assert np.all(px[0] == 255)                                     # the padding
    assert np.all(px[6:, 7:] == 255)                                # the empty 4th slot
    leftovers = [p for p in os.listdir(tmp_path) if p != "grid.png"]
    assert leftovers == []                                          # temp file renamed


def test_save_image_values_and_file_object():
    x = np.array([[[0.0, 1.0], [0.5, -3.0]]], np.float32)           # (1, 2, 2): gray
    buf = io.BytesIO()
    save_image(minitorch.tensor(x), buf)
    px = read_png(buf.getvalue())
    assert px.shape == (2, 2, 3)                                    # repeated to RGB
    np.testing.assert_array_equal(px[:, :, 0], [[0, 255], [128, 0]])


def test_save_image_overwrites_atomically_and_rejects_other_formats(tmp_path):
    path = tmp_path / "a.png"
    save_image(minitorch.zeros(3, 2, 2), str(path))
    save_image(minitorch.ones(3, 2, 2), str(path))
    assert np.all(read_png(path.read_bytes()) == 255)
    with pytest.raises(ValueError, match="PNG"):
        save_image(minitorch.zeros(3, 2, 2), tmp_path / "a.jpg")
    with pytest.raises(ValueError, match="PNG"):
        save_image(minitorch.zeros(3, 2, 2), tmp_path / "a.png", format="JPEG")


def test_write_png_gray_and_rgba(tmp_path):
    from minitorch.utils import write_png
    gray = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    write_png(gray, tmp_path / "g.png")
    np.testing.assert_array_equal(read_png((tmp_path / "g.png").read_bytes()), gray)
    rgba = np.random.default_rng(0).integers(0, 256, (2, 3, 4)).astype(np.uint8)
    buf = io.BytesIO()
    write_png(rgba, buf)
    np.testing.assert_array_equal(read_png(buf.getvalue()), rgba)
    with pytest.raises(TypeError, match="uint8"):
        write_png(gray.astype(np.float32), buf)
    with pytest.raises(ValueError, match="channels"):
        write_png(np.zeros((2, 2, 2), np.uint8), buf)


def test_make_grid_and_save_image_on_device(device):
    x = _batch(3, 1, 2, 3)
    g = make_grid(minitorch.tensor(x, device=device), nrow=2, padding=1)
    assert g.device == minitorch.device(device)
    np.testing.assert_array_equal(g.cpu().numpy(), make_grid(minitorch.tensor(x), nrow=2,
                                                             padding=1).numpy())
    buf = io.BytesIO()
    save_image(minitorch.tensor(x, device=device), buf, nrow=2, padding=1)
    assert read_png(buf.getvalue()).shape == (2 * 3 + 1, 2 * 4 + 1, 3)
