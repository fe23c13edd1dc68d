"""The records SummaryWriter writes, as TensorBoard's protocol buffers (``tensorboard``
package, imported by the caller only when it is installed), and the host-side NumPy
helpers they need: values to arrays, image layouts, PNG encoding, histogram buckets.

Everything here runs on the host: logged values are copied off the device first.
"""
from __future__ import annotations

import struct
import zlib

import numpy as np


# ---------------------------------------------------------------------------- values
def make_np(x) -> np.ndarray:
    """A host NumPy array of a Tensor (detached), an array, a number or a list."""
    from ...tensor import Tensor
    if isinstance(x, Tensor):
        return np.asarray(x.detach().cpu().numpy())
    if isinstance(x, np.ndarray):
        return x
    if np.isscalar(x):
        return np.array([x])
    return np.asarray(x)


def to_scalar(value, what: str = "scalar_value") -> float:
    """float(value) for a one-element Tensor / array / number, or a clear error."""
    if isinstance(value, str):
        raise TypeError(f"SummaryWriter: {what} must be a number or a one-element tensor, "
                        f"got the string {value!r} (blob names are Caffe2-only)")
    arr = make_np(value).squeeze()
    if arr.ndim != 0:
        raise AssertionError(f"Tensor should contain one element (0 dimensions). Was given "
                             f"size: {arr.size} and {arr.ndim} dimensions.")
    return float(arr)


# ---------------------------------------------------------------------------- histograms
def default_bins() -> list:
    """TensorFlow's default histogram buckets ("tensorflow"): +-1e-12 growing by 1.1 up
    to 1e20, and 0."""
    v = 1e-12
    buckets, neg = [], []
    while v < 1e20:
        buckets.append(v)
        neg.append(-v)
        v *= 1.1
    return neg[::-1] + [0] + buckets


def histogram_parts(values: np.ndarray, bins, max_bins=None) -> dict:
    """min, max, num, sum, sum_squares, bucket_limit, bucket of a histogram of `values`,
    as TensorBoard wants it: only the buckets spanning the data, right limits only, with
    one empty bucket on the left so the leftmost limit shows."""
    values = np.asarray(values, dtype=float).reshape(-1)
    if values.size == 0:
        raise ValueError("The input has no element.")
    counts, limits = np.histogram(values, bins=bins)
    if max_bins is not None and len(counts) > max_bins:
        sub = len(counts) // max_bins
        rem = len(counts) % sub
        if rem:
            counts = np.pad(counts, [[0, sub - rem]])
        counts = counts.reshape(-1, sub).sum(axis=-1)
        new_limits = np.empty((counts.size + 1,), limits.dtype)
        new_limits[:-1] = limits[:-1:sub]
        new_limits[-1] = limits[-1]
        limits = new_limits
    cum = np.cumsum(np.greater(counts, 0))
    start, end = np.searchsorted(cum, [0, cum[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    if counts.size == 0 or limits.size == 0:
        raise ValueError("The histogram is empty")
    return dict(min=float(values.min()), max=float(values.max()), num=int(values.size),
                sum=float(values.sum()), sum_squares=float(values.dot(values)),
                bucket_limit=limits.tolist(), bucket=counts.tolist())


# ---------------------------------------------------------------------------- images
def make_grid(images: np.ndarray, ncols: int = 8) -> np.ndarray:
    """N images (N, 1 or 3, H, W) tiled into one (3, H*rows, W*cols) image."""
    if images.shape[1] == 1:
        images = np.concatenate([images] * 3, 1)
    if images.ndim != 4 or images.shape[1] != 3:
        raise AssertionError("Input should be a 4D numpy array with 3 channels")
    n, _, h, w = images.shape
    ncols = min(n, ncols)
    nrows = int(np.ceil(n / ncols))
    canvas = np.zeros((3, h * nrows, w * ncols), dtype=images.dtype)
    for i in range(n):
        y, x = divmod(i, ncols)
        canvas[:, y * h:(y + 1) * h, x * w:(x + 1) * w] = images[i]
    return canvas


def convert_to_hwc(tensor: np.ndarray, dataformats: str) -> np.ndarray:
    """An image array in layout `dataformats` (NCHW, CHW, HWC, HW, ...) as HWC with 3 or
    4 channels (a batch tiled into a grid, grey repeated to RGB)."""
    fmt = dataformats.upper()
    if len(set(fmt)) != len(fmt):
        raise AssertionError(f"You can not use the same dimension shorthand twice. "
                             f"input_format: {dataformats}")
    if tensor.ndim != len(fmt):
        raise AssertionError(f"size of input tensor and input format are different. tensor "
                             f"shape: {tensor.shape}, input_format: {dataformats}")
    if len(fmt) == 4:
        return make_grid(tensor.transpose([fmt.find(c) for c in "NCHW"])).transpose(1, 2, 0)
    if len(fmt) == 3:
        hwc = tensor.transpose([fmt.find(c) for c in "HWC"])
        return np.concatenate([hwc] * 3, 2) if hwc.shape[2] == 1 else hwc
    if len(fmt) == 2:
        return np.stack([tensor.transpose([fmt.find(c) for c in "HW"])] * 3, 2)
    raise AssertionError(f"unsupported dataformats {dataformats!r}")


def to_uint8_image(tensor: np.ndarray) -> np.ndarray:
    """Pixel values as uint8: floats are taken in [0, 1] and scaled by 255, integers as
    0..255; out-of-range values are clipped."""
    scale = 1 if tensor.dtype == np.uint8 else 255
    return (tensor.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)


def encode_png(hwc: np.ndarray) -> bytes:
    """A PNG file of a uint8 HWC image with 1, 3 or 4 channels (zlib, no filter)."""
    h, w, c = hwc.shape
    color = {1: 0, 3: 2, 4: 6}[c]
    raw = b"".join(b"\x00" + hwc[y].tobytes() for y in range(h))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def resize_nearest(hwc: np.ndarray, rescale: float) -> np.ndarray:
    """The image scaled by `rescale` with nearest-neighbour sampling."""
    if rescale == 1:
        return hwc
    h, w = hwc.shape[:2]
    nh, nw = max(1, int(h * rescale)), max(1, int(w * rescale))
    rows = (np.arange(nh) * h // nh).astype(int)
    cols = (np.arange(nw) * w // nw).astype(int)
    return hwc[rows][:, cols]


def figure_to_image(figures, close: bool = True) -> np.ndarray:
    """A matplotlib figure (or list of them) rendered to a CHW (NCHW) uint8 array."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    def render(fig):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        data = np.frombuffer(canvas.buffer_rgba(), dtype=np.uint8)
        w, h = fig.canvas.get_width_height()
        chw = np.moveaxis(data.reshape([h, w, 4])[:, :, :3], 2, 0)
        if close:
            plt.close(fig)
        return chw

    if isinstance(figures, list):
        return np.stack([render(f) for f in figures])
    return render(figures)


# ---------------------------------------------------------------------------- protos
class Protos:
    """Builders of TensorBoard Summary protos; constructed only when the ``tensorboard``
    package is importable."""

    def __init__(self):
        from tensorboard.compat.proto.summary_pb2 import (Summary, SummaryMetadata,
                                                          HistogramProto)
        from tensorboard.compat.proto.event_pb2 import Event, SessionLog
        from tensorboard.compat.proto.tensor_pb2 import TensorProto
        from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
        self.Summary, self.SummaryMetadata, self.HistogramProto = (Summary, SummaryMetadata,
                                                                   HistogramProto)
        self.Event, self.SessionLog = Event, SessionLog
        self.TensorProto, self.TensorShapeProto = TensorProto, TensorShapeProto

    def _shape(self, shape):
        return self.TensorShapeProto(dim=[self.TensorShapeProto.Dim(size=int(s))
                                          for s in shape])

    def scalar(self, tag, value: float, new_style=False, double_precision=False):
        S = self.Summary
        if not new_style:
            return S(value=[S.Value(tag=tag, simple_value=value)])
        proto = (self.TensorProto(double_val=[value], dtype="DT_DOUBLE") if double_precision
                 else self.TensorProto(float_val=[value], dtype="DT_FLOAT"))
        meta = self.SummaryMetadata(
            plugin_data=self.SummaryMetadata.PluginData(plugin_name="scalars"))
        return S(value=[S.Value(tag=tag, tensor=proto, metadata=meta)])

    def histogram(self, tag, parts: dict):
        return self.Summary(value=[self.Summary.Value(tag=tag,
                                                      histo=self.HistogramProto(**parts))])

    def image(self, tag, hwc_uint8: np.ndarray, rescale=1):
        img = resize_nearest(hwc_uint8, rescale)
        h, w, c = img.shape
        image = self.Summary.Image(height=h, width=w, colorspace=c,
                                   encoded_image_string=encode_png(img))
        return self.Summary(value=[self.Summary.Value(tag=tag, image=image)])

    def text(self, tag, text: str):
        from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData
        meta = self.SummaryMetadata(plugin_data=self.SummaryMetadata.PluginData(
            plugin_name="text", content=TextPluginData(version=0).SerializeToString()))
        proto = self.TensorProto(dtype="DT_STRING", string_val=[text.encode("utf_8")],
                                 tensor_shape=self._shape([1]))
        return self.Summary(value=[self.Summary.Value(tag=tag + "/text_summary",
                                                      metadata=meta, tensor=proto)])

    def tensor(self, tag, arr: np.ndarray):
        kinds = {np.dtype(np.float32): ("DT_FLOAT", "float_val"),
                 np.dtype(np.float64): ("DT_DOUBLE", "double_val"),
                 np.dtype(np.int32): ("DT_INT32", "int_val"),
                 np.dtype(np.int64): ("DT_INT64", "int64_val"),
                 np.dtype(np.bool_): ("DT_BOOL", "bool_val")}
        if arr.dtype not in kinds:
            raise ValueError(f"{tag} has unsupported tensor dtype {arr.dtype}")
        dtype, field = kinds[arr.dtype]
        proto = self.TensorProto(dtype=dtype, tensor_shape=self._shape(arr.shape),
                                 **{field: arr.reshape(-1).tolist()})
        meta = self.SummaryMetadata(
            plugin_data=self.SummaryMetadata.PluginData(plugin_name="tensor"))
        return self.Summary(value=[self.Summary.Value(tag=tag, metadata=meta, tensor=proto)])

    def hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None):
        """The three summaries of the hparams plugin: experiment, session start, end."""
        from google.protobuf import struct_pb2
        from tensorboard.plugins.hparams.api_pb2 import (DataType, Experiment, HParamInfo,
                                                         MetricInfo, MetricName, Status)
        from tensorboard.plugins.hparams.metadata import (EXPERIMENT_TAG,
                                                          PLUGIN_DATA_VERSION, PLUGIN_NAME,
                                                          SESSION_END_INFO_TAG,
                                                          SESSION_START_INFO_TAG)
        from tensorboard.plugins.hparams.plugin_data_pb2 import (HParamsPluginData,
                                                                 SessionEndInfo,
                                                                 SessionStartInfo)
        domains = hparam_domain_discrete or {}
        ssi = SessionStartInfo()
        infos = []
        for k, v in hparam_dict.items():
            if v is None:
                continue
            kind, field = _hparam_kind(v)
            if kind == "DATA_TYPE_FLOAT64":
                v = float(make_np(v).reshape(-1)[0]) if not isinstance(v, (int, float)) else v
            setattr(ssi.hparams[k], field, v)
            discrete = None
            if k in domains:
                discrete = struct_pb2.ListValue(values=[struct_pb2.Value(**{field: d})
                                                        for d in domains[k]])
            infos.append(HParamInfo(name=k, type=DataType.Value(kind),
                                    domain_discrete=discrete))

        def wrap(tag, **content):
            data = HParamsPluginData(version=PLUGIN_DATA_VERSION, **content)
            meta = self.SummaryMetadata(plugin_data=self.SummaryMetadata.PluginData(
                plugin_name=PLUGIN_NAME, content=data.SerializeToString()))
            return self.Summary(value=[self.Summary.Value(tag=tag, metadata=meta)])

        exp = Experiment(hparam_infos=infos,
                         metric_infos=[MetricInfo(name=MetricName(tag=k)) for k in metric_dict])
        sei = SessionEndInfo(status=Status.Value("STATUS_SUCCESS"))
        return (wrap(EXPERIMENT_TAG, experiment=exp),
                wrap(SESSION_START_INFO_TAG, session_start_info=ssi),
                wrap(SESSION_END_INFO_TAG, session_end_info=sei))


def _hparam_kind(v):
    from ...tensor import Tensor
    # bools count as numbers here, as in PyTorch's add_hparams (bool is an int)
    if isinstance(v, (int, float)) or isinstance(v, Tensor):
        return "DATA_TYPE_FLOAT64", "number_value"
    if isinstance(v, str):
        return "DATA_TYPE_STRING", "string_value"
    raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")


def check_hparams(hparam_dict, metric_dict, hparam_domain_discrete) -> None:
    """PyTorch's argument checks of add_hparams."""
    if type(hparam_dict) is not dict or type(metric_dict) is not dict:
        raise TypeError("hparam_dict and metric_dict should be dictionary.")
    domains = hparam_domain_discrete or {}
    if not isinstance(domains, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing "
                        "logged.")
    for k, v in domains.items():
        if (k not in hparam_dict or not isinstance(v, list)
                or not all(isinstance(d, type(hparam_dict[k])) for d in v)):
            raise TypeError(f"parameter: hparam_domain_discrete[{k}] should be a list of same "
                            f"type as hparam_dict[{k}].")
    for v in hparam_dict.values():
        if v is not None:
            _hparam_kind(v)
