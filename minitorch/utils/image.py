"""make_grid and save_image: feature maps and filters as PNG images (torchvision's API).

    grid = minitorch.utils.make_grid(conv1.weight, nrow=8, normalize=True)
    minitorch.utils.save_image(feature_maps, "maps.png", nrow=4, normalize=True)

The project depends on neither Pillow nor matplotlib, so PNGs are written here with the
standard library: the signature, an IHDR chunk (size, 8-bit depth, colour type gray /
RGB / RGBA), one zlib-compressed IDAT chunk of rows each prefixed with filter byte 0,
and IEND; every chunk is length + type + data + CRC-32. Files are written to a temporary
name and renamed into place, so a crash never leaves half an image.
"""
from __future__ import annotations

import math
import os
import struct
import zlib

import numpy as np

from .. import backend
from .atomic import atomic_write
from ..tensor import Tensor, _make

__all__ = ["make_grid", "save_image", "write_png"]


def _as_array(tensor, fn):
    if isinstance(tensor, (list, tuple)):
        if not tensor:
            raise ValueError(f"{fn}(): got an empty list of images")
        arrays = [_as_array(t, fn) for t in tensor]
        xp = backend.get_array_module(arrays[0])
        return xp.stack(arrays, axis=0)
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{fn}(): tensor should be a Tensor or a list of Tensors, got "
                        f"{type(tensor).__name__}")
    return tensor.detach()._data


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None,
              scale_each=False, pad_value=0.0):
    """Lay a batch of images (B, C, H, W) out in a grid of `nrow` images per row, as
    torchvision.utils.make_grid: `padding` pixels of `pad_value` around and between the
    images; single-channel images (and single 1-channel images) become 3 channels; a
    (H, W) or (C, H, W) input is one image. normalize=True shifts the values into [0, 1]
    by the min and max (of the whole batch, or of each image with scale_each=True), or by
    value_range=(low, high) after clamping to it. Returns a (C, H', W') tensor (a batch
    of one image is returned as that image), not recorded by autograd.
    """
    fn = "make_grid"
    arr = _as_array(tensor, fn)
    xp = backend.get_array_module(arr)
    if arr.ndim == 2:                          # one image H x W
        arr = arr[None]
    if arr.ndim == 3:                          # one image C x H x W
        if arr.shape[0] == 1:
            arr = xp.concatenate((arr, arr, arr), axis=0)
        arr = arr[None]
    if arr.ndim != 4:
        raise ValueError(f"{fn}(): expected a (B, C, H, W) batch, a (C, H, W) or (H, W) image, "
                         f"got shape {tuple(arr.shape)}")
    if arr.shape[1] == 1:                      # single-channel images
        arr = xp.concatenate((arr, arr, arr), axis=1)
    if normalize:
        if arr.dtype.kind != "f":
            arr = arr.astype(np.float32)
        else:
            arr = arr.copy()
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max "
                            "are numbers")

        def norm_ip(img, low, high):
            xp.clip(img, low, high, out=img)
            img -= low
            img /= max(high - low, 1e-5)

        def norm_range(t):
            if value_range is not None:
                norm_ip(t, value_range[0], value_range[1])
            else:
                norm_ip(t, float(t.min()), float(t.max()))

        if scale_each:
            for t in arr:                       # each image of the batch
                norm_range(t)
        else:
            norm_range(arr)
    if isinstance(nrow, bool) or not isinstance(nrow, (int, np.integer)) or nrow < 1:
        raise ValueError(f"{fn}(): nrow must be a positive int, got {nrow!r}")
    if arr.shape[0] == 1:
        return _make(arr[0].copy())
    nmaps = arr.shape[0]
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = int(arr.shape[2] + padding), int(arr.shape[3] + padding)
    channels = arr.shape[1]
    grid = xp.full((channels, height * ymaps + padding, width * xmaps + padding), pad_value,
                   dtype=arr.dtype)
    k = 0
    for y in range(ymaps):
        for x in range(xmaps):
            if k >= nmaps:
                break
            top, left = y * height + padding, x * width + padding
            grid[:, top:top + height - padding, left:left + width - padding] = arr[k]
            k += 1
    return _make(grid)


def _to_uint8(grid):
    """torchvision's conversion: (x * 255 + 0.5) clamped to [0, 255], truncated to uint8,
    channels last."""
    if grid.dtype.kind == "f":
        a = grid * 255 + 0.5
        a = np.clip(a, 0, 255).astype(np.uint8)
    else:
        a = np.clip(grid, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(np.moveaxis(a, 0, -1))


def _png_bytes(pixels):
    """A PNG of an (H, W) gray, (H, W, 1) gray, (H, W, 3) RGB or (H, W, 4) RGBA uint8
    array."""
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    if pixels.ndim == 2:
        color_type = 0
    elif pixels.ndim == 3 and pixels.shape[2] in (3, 4):
        color_type = 2 if pixels.shape[2] == 3 else 6
    else:
        raise ValueError(f"save_image(): a PNG needs 1, 3 or 4 channels, got an image of "
                         f"shape {tuple(pixels.shape)} (height, width, channels)")
    h, w = pixels.shape[:2]
    if h == 0 or w == 0:
        raise ValueError(f"save_image(): cannot write an empty image of size {h}x{w}")
    rows = pixels.reshape(h, -1)
    raw = np.concatenate((np.zeros((h, 1), np.uint8), rows), axis=1).tobytes()

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def write_png(pixels, fp):
    """Write a uint8 array (H, W), (H, W, 3) or (H, W, 4) as a PNG to a path (atomically:
    a temporary file in the same folder, then os.replace) or to a binary file object."""
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8:
        raise TypeError(f"write_png(): expected a uint8 array, got {pixels.dtype}")
    data = _png_bytes(pixels)
    if hasattr(fp, "write"):
        fp.write(data)
        return
    with atomic_write(fp, "wb", make_dirs=False) as f:
        f.write(data)


def save_image(tensor, fp, format=None, **kwargs):
    """Save a tensor (B, C, H, W), (C, H, W) or (H, W), or a list of images, as one PNG
    grid: make_grid(tensor, **kwargs), values in [0, 1] mapped to 0..255 as torchvision
    does (x * 255 + 0.5, clamped, truncated). `fp` is a path or a binary file object;
    only the PNG format is written."""
    if format is not None and str(format).lower() != "png":
        raise ValueError(f"save_image(): only the PNG format is supported, got format={format!r}")
    if format is None and not hasattr(fp, "write"):
        ext = os.path.splitext(os.fspath(fp))[1].lower()
        if ext not in ("", ".png"):
            raise ValueError(f"save_image(): only PNG files can be written, got {fp!r}")
    grid = make_grid(tensor, **kwargs)
    arr = backend.transfer(grid._data, backend.device("cpu"))
    if arr.ndim == 2:
        arr = arr[None]
    write_png(_to_uint8(arr), fp)
