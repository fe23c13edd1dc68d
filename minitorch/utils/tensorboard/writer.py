"""SummaryWriter, as PyTorch's torch.utils.tensorboard.SummaryWriter.

With the ``tensorboard`` package installed, it writes real TensorBoard event files (the
same records PyTorch writes: scalars, histograms, images, text, hparams, tensors), read
by ``tensorboard --logdir runs``. Without it, it writes the scalars as CSV, one file per
run folder (``<log_dir>/scalars.csv``, columns wall_time, step, tag, value; one line
appended per value, so a crash loses nothing), and warns once that the rest
(histograms, images, text) is not recorded.

The folders are PyTorch's in both modes: ``add_scalars("loss", {"train": a, "val": b})``
writes to the runs ``<log_dir>/loss_train`` and ``<log_dir>/loss_val`` (one curve each,
tagged "loss"), ``add_hparams`` to ``<log_dir>/<run_name>`` (in CSV mode the
hyperparameters go to ``hparams.json`` there, the metrics to its scalars.csv).

``add_graph`` is accepted and records nothing (minitorch has no graph tracer); the
embedding projector, audio, video, meshes, PR curves and custom scalar layouts are
accepted with a warning and not recorded.
"""
from __future__ import annotations

import csv
import json
import os
import socket
import time
import warnings
from datetime import datetime

from . import summary as _summary

__all__ = ["SummaryWriter", "FileWriter"]

_WARNED: set = set()


def _warn_once(key: str, message: str) -> None:
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(message, stacklevel=3)


def tensorboard_available() -> bool:
    """Whether the ``tensorboard`` package (its event writer and protos) is importable."""
    try:
        import tensorboard.summary.writer.event_file_writer  # noqa: F401
        import tensorboard.compat.proto.summary_pb2  # noqa: F401
    except ImportError:
        return False
    return True


def _step(step):
    return None if step is None else int(_summary.to_scalar(step, "global_step"))


# ---------------------------------------------------------------------------- writers
class FileWriter:
    """One TensorBoard event file in `log_dir` (needs the ``tensorboard`` package): Event
    records queued and written by tensorboard's EventFileWriter."""

    def __init__(self, log_dir, max_queue=10, flush_secs=120, filename_suffix=""):
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
        self._protos = _summary.Protos()
        self.event_writer = EventFileWriter(str(log_dir), max_queue, flush_secs,
                                            filename_suffix)

    def get_logdir(self):
        return self.event_writer.get_logdir()

    def add_event(self, event, step=None, walltime=None) -> None:
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            event.step = int(step)
        self.event_writer.add_event(event)

    def add_summary(self, summary, global_step=None, walltime=None) -> None:
        self.add_event(self._protos.Event(summary=summary), global_step, walltime)

    def add_scalar(self, tag, value, step=None, walltime=None, new_style=False,
                   double_precision=False) -> None:
        self.add_summary(self._protos.scalar(tag, value, new_style, double_precision), step,
                         walltime)

    def purge(self, step) -> None:
        """Hide the events at `step` and after from an earlier, crashed run."""
        P = self._protos
        self.add_event(P.Event(step=step, file_version="brain.Event:2"))
        self.add_event(P.Event(step=step, session_log=P.SessionLog(status=P.SessionLog.START)))

    def flush(self) -> None:
        self.event_writer.flush()

    def close(self) -> None:
        self.event_writer.close()

    def reopen(self) -> None:
        self.event_writer.reopen()


class CsvWriter:
    """The fallback without tensorboard: the scalars of one run folder appended to
    ``<log_dir>/scalars.csv`` (wall_time, step, tag, value), a line at a time."""

    FIELDS = ["wall_time", "step", "tag", "value"]

    def __init__(self, log_dir, max_queue=10, flush_secs=120, filename_suffix=""):
        self.log_dir = str(log_dir)
        os.makedirs(self.log_dir, exist_ok=True)
        self.path = os.path.join(self.log_dir, "scalars.csv")
        self._fh = None
        self._csv = None

    def get_logdir(self):
        return self.log_dir

    def add_scalar(self, tag, value, step=None, walltime=None, new_style=False,
                   double_precision=False) -> None:
        if self._fh is None:
            self.reopen()
        self._csv.writerow([repr(time.time() if walltime is None else float(walltime)),
                            "" if step is None else int(step), tag, repr(float(value))])

    def add_summary(self, summary, global_step=None, walltime=None) -> None:
        pass  # non-scalar records need tensorboard

    def purge(self, step) -> None:
        pass

    def flush(self) -> None:
        if self._fh is not None:
            self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = self._csv = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter exit anything may be gone
            pass

    def reopen(self) -> None:
        if self._fh is None:
            new = not os.path.exists(self.path) or os.path.getsize(self.path) == 0
            self._fh = open(self.path, "a", newline="", buffering=1, encoding="utf-8")
            self._csv = csv.writer(self._fh, lineterminator="\n")
            if new:
                self._csv.writerow(self.FIELDS)


# ---------------------------------------------------------------------------- the writer
class SummaryWriter:
    """Log scalars, histograms, images, text and hyperparameters for TensorBoard (see the
    module docstring for what is written with and without the ``tensorboard`` package).

    ``log_dir`` defaults to ``runs/<date>_<time>_<hostname><comment>``; ``purge_step``,
    ``max_queue``, ``flush_secs`` and ``filename_suffix`` are TensorBoard's event-file
    settings. Use as a context manager, or call ``close()`` at the end."""

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10,
                 flush_secs=120, filename_suffix=""):
        if not log_dir:
            current_time = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", current_time + "_" + socket.gethostname() + comment)
        self.log_dir = log_dir
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.events = tensorboard_available()
        if not self.events:
            _warn_once("csv", "minitorch SummaryWriter: the tensorboard package is not "
                       "installed, so scalars are written as CSV (<log_dir>/scalars.csv) "
                       "and histograms, images, text and graphs are not recorded; "
                       "`pip install tensorboard` for TensorBoard event files.")
        self._protos = _summary.Protos() if self.events else None
        self.default_bins = _summary.default_bins()
        self.file_writer = self.all_writers = None
        self._get_file_writer()

    # -------------------------------------------------------------- plumbing
    def _new_writer(self, log_dir):
        cls = FileWriter if self.events else CsvWriter
        return cls(log_dir, self.max_queue, self.flush_secs, self.filename_suffix)

    def _get_file_writer(self):
        """The writer of log_dir itself, (re)created when closed."""
        if self.all_writers is None or self.file_writer is None:
            self.file_writer = self._new_writer(self.log_dir)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:
                self.file_writer.purge(self.purge_step)
                self.purge_step = None
        return self.file_writer

    def _summary(self, build, global_step, walltime):
        """Write the proto `build()` makes (event-file mode only)."""
        if self.events:
            self._get_file_writer().add_summary(build(), _step(global_step), walltime)

    def get_logdir(self):
        """The folder the event files (or scalars.csv) go to."""
        return self.log_dir

    # -------------------------------------------------------------- scalars
    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False) -> None:
        """One point (global_step, scalar_value) of the curve `tag`."""
        value = _summary.to_scalar(scalar_value)
        self._get_file_writer().add_scalar(tag, value, _step(global_step), walltime,
                                           new_style, double_precision)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None) -> None:
        """Several curves in one chart `main_tag`: each key of tag_scalar_dict is written to
        its own run folder ``<log_dir>/<main_tag>_<key>`` (as PyTorch does)."""
        walltime = time.time() if walltime is None else walltime
        logdir = self._get_file_writer().get_logdir()
        for tag, value in tag_scalar_dict.items():
            fw_tag = logdir + "/" + main_tag.replace("/", "_") + "_" + tag
            fw = self.all_writers.get(fw_tag)
            if fw is None:
                fw = self.all_writers[fw_tag] = self._new_writer(fw_tag)
            fw.add_scalar(main_tag, _summary.to_scalar(value), _step(global_step), walltime)

    def add_tensor(self, tag, tensor, global_step=None, walltime=None) -> None:
        """The whole tensor as a TensorProto (event-file mode)."""
        arr = _summary.make_np(tensor)
        self._summary(lambda: self._protos.tensor(tag, arr), global_step, walltime)

    # -------------------------------------------------------------- histograms
    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None,
                      max_bins=None) -> None:
        """A histogram of `values`; bins as numpy.histogram's, or "tensorflow" for
        TensorFlow's default exponential buckets."""
        if isinstance(bins, str) and bins == "tensorflow":
            bins = self.default_bins
        arr = _summary.make_np(values).astype(float)
        self._summary(lambda: self._protos.histogram(
            tag, _summary.histogram_parts(arr, bins, max_bins)), global_step, walltime)

    def add_histogram_raw(self, tag, min, max, num, sum, sum_squares, bucket_limits,
                          bucket_counts, global_step=None, walltime=None) -> None:
        """A histogram given by its statistics and buckets."""
        if len(bucket_limits) != len(bucket_counts):
            raise ValueError("len(bucket_limits) != len(bucket_counts), see the document.")
        parts = dict(min=min, max=max, num=num, sum=sum, sum_squares=sum_squares,
                     bucket_limit=list(bucket_limits), bucket=list(bucket_counts))
        self._summary(lambda: self._protos.histogram(tag, parts), global_step, walltime)

    # -------------------------------------------------------------- images
    def add_image(self, tag, img_tensor, global_step=None, walltime=None,
                  dataformats="CHW") -> None:
        """One image (CHW by default; HWC, HW...): floats in [0, 1] or uint8 in [0, 255]."""
        arr = _summary.make_np(img_tensor)
        self._summary(lambda: self._protos.image(
            tag, _summary.to_uint8_image(_summary.convert_to_hwc(arr, dataformats))),
            global_step, walltime)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None,
                   dataformats="NCHW") -> None:
        """A batch of images, tiled into one grid image."""
        self.add_image(tag, img_tensor, global_step, walltime, dataformats)

    def add_image_with_boxes(self, tag, img_tensor, box_tensor, global_step=None,
                             walltime=None, rescale=1, dataformats="CHW", labels=None) -> None:
        """The image (boxes are not drawn by minitorch: a warning says so)."""
        _warn_once("boxes", "minitorch SummaryWriter.add_image_with_boxes: the boxes are not "
                   "drawn; the image is logged without them.")
        self.add_image(tag, img_tensor, global_step, walltime, dataformats)

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None) -> None:
        """A matplotlib figure (or list of figures) rendered to an image."""
        if not self.events:
            if close:      # as after rendering: the caller hands the figure over
                import matplotlib.pyplot as plt
                for fig in (figure if isinstance(figure, list) else [figure]):
                    plt.close(fig)
            return
        if isinstance(figure, list):
            self.add_image(tag, _summary.figure_to_image(figure, close), global_step,
                           walltime, dataformats="NCHW")
        else:
            self.add_image(tag, _summary.figure_to_image(figure, close), global_step,
                           walltime, dataformats="CHW")

    # -------------------------------------------------------------- text, hparams
    def add_text(self, tag, text_string, global_step=None, walltime=None) -> None:
        """A text (markdown) entry, shown in TensorBoard's Text tab."""
        self._summary(lambda: self._protos.text(tag, text_string), global_step, walltime)

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None,
                    run_name=None, global_step=None) -> None:
        """One trial's hyperparameters and final metrics, for TensorBoard's HParams tab,
        in the run ``<log_dir>/<run_name>`` (run_name defaults to the current time). The
        metrics are also logged there as scalars."""
        _summary.check_hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        if not run_name:
            run_name = str(time.time())
        logdir = os.path.join(self._get_file_writer().get_logdir(), run_name)
        with SummaryWriter(log_dir=logdir) as w_hp:
            if self.events:
                for s in self._protos.hparams(hparam_dict, metric_dict, hparam_domain_discrete):
                    w_hp.file_writer.add_summary(s, _step(global_step))
            else:
                with open(os.path.join(logdir, "hparams.json"), "w", encoding="utf-8") as f:
                    json.dump({"hparams": {k: _jsonable(v) for k, v in hparam_dict.items()},
                               "metrics": {k: _jsonable(v) for k, v in metric_dict.items()}},
                              f, indent=1)
            for k, v in metric_dict.items():
                w_hp.add_scalar(k, v, global_step)

    # -------------------------------------------------------------- accepted, not recorded
    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """Accepted; records nothing (minitorch has no graph tracer)."""

    def add_onnx_graph(self, prototxt) -> None:
        """Accepted; records nothing."""

    def _not_recorded(self, what: str) -> None:
        _warn_once(what, f"minitorch SummaryWriter.{what}: not recorded by minitorch (the call "
                   "is accepted and does nothing).")

    def add_embedding(self, mat, metadata=None, label_img=None, global_step=None,
                      tag="default", metadata_header=None) -> None:
        self._not_recorded("add_embedding")

    def add_audio(self, tag, snd_tensor, global_step=None, sample_rate=44100,
                  walltime=None) -> None:
        self._not_recorded("add_audio")

    def add_video(self, tag, vid_tensor, global_step=None, fps=4, walltime=None) -> None:
        self._not_recorded("add_video")

    def add_mesh(self, tag, vertices, colors=None, faces=None, config_dict=None,
                 global_step=None, walltime=None) -> None:
        self._not_recorded("add_mesh")

    def add_pr_curve(self, tag, labels, predictions, global_step=None, num_thresholds=127,
                     weights=None, walltime=None) -> None:
        self._not_recorded("add_pr_curve")

    def add_pr_curve_raw(self, tag, true_positive_counts, false_positive_counts,
                         true_negative_counts, false_negative_counts, precision, recall,
                         global_step=None, num_thresholds=127, weights=None,
                         walltime=None) -> None:
        self._not_recorded("add_pr_curve_raw")

    def add_custom_scalars(self, layout) -> None:
        self._not_recorded("add_custom_scalars")

    def add_custom_scalars_multilinechart(self, tags, category="default",
                                          title="untitled") -> None:
        self._not_recorded("add_custom_scalars_multilinechart")

    def add_custom_scalars_marginchart(self, tags, category="default",
                                       title="untitled") -> None:
        self._not_recorded("add_custom_scalars_marginchart")

    # -------------------------------------------------------------- lifetime
    def flush(self) -> None:
        """Write everything pending to disk."""
        if self.all_writers is None:
            return
        for writer in self.all_writers.values():
            writer.flush()

    def close(self) -> None:
        """Flush and close every file; a later add_* call opens new ones."""
        if self.all_writers is None:
            return
        for writer in self.all_writers.values():
            writer.flush()
            writer.close()
        self.file_writer = self.all_writers = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.close()


def _jsonable(v):
    from ...tensor import Tensor
    if isinstance(v, Tensor):
        return _summary.to_scalar(v)
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    return str(v)
