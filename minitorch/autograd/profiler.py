"""``minitorch.autograd.profiler``: where the time of a forward/backward goes, per op.

    with minitorch.autograd.profiler.profile() as prof:
        with minitorch.autograd.profiler.record_function("forward"):
            loss = model(x).sum()
        loss.backward()
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=10))

Every call of a minitorch op (a ``Function``: ``MatMul``, ``Linear``, ``Conv2dFunction``,
``Add``...) inside the block is timed, and so is the backward of every node recorded in
the block (as "LinearBackward0", "MulBackward0"...: its self time excludes the ops its
gradient formula calls, which appear as ops of their own). ``record_function`` names a
range of your own; its self time is its total less the ops and ranges inside it. Times are in microseconds, as in
PyTorch; an op's self time equals its total time (an op's forward calls no other op).
On CUDA, ops return before the GPU finishes (as in PyTorch without CUDA timing): call
``minitorch.cuda.synchronize()`` where exact per-op GPU time matters.

The hook costs nothing when no profile is active (see autograd/_hooks.py).
"""
from __future__ import annotations

import functools
import json
import os
import threading
import time

from ._hooks import HOOKS, refresh

__all__ = ["profile", "record_function", "EventList", "FunctionEvent", "FunctionEventAvg",
           "emit_nvtx"]

_US = 1e-3  # ns -> us


class FunctionEvent:
    """One timed call (an op or a record_function range); times in microseconds."""

    def __init__(self, name, start_ns, end_ns, self_ns, input_shapes=None, kind="op",
                 thread=0):
        self.name = self.key = name
        self.id = 0
        self.start_us = start_ns * _US
        self.cpu_time_total = (end_ns - start_ns) * _US
        self.self_cpu_time_total = self_ns * _US
        self.input_shapes = input_shapes or []
        self.kind = kind
        self.thread = thread
        self.count = 1
        self.device_time_total = self.cuda_time_total = 0.0
        self.self_device_time_total = self.self_cuda_time_total = 0.0
        self.cpu_memory_usage = self.self_cpu_memory_usage = 0

    @property
    def cpu_time(self):
        return self.cpu_time_total

    def __repr__(self):
        return (f"<FunctionEvent name={self.name} self_cpu_time_total="
                f"{self.self_cpu_time_total:.3f}us cpu_time_total={self.cpu_time_total:.3f}us>")


class FunctionEventAvg:
    """The events of one key added up: ``count``, ``cpu_time_total``,
    ``self_cpu_time_total`` and ``cpu_time`` (the average per call), in microseconds."""

    def __init__(self, key, input_shapes=None):
        self.key = self.name = key
        self.input_shapes = input_shapes
        self.count = 0
        self.cpu_time_total = self.self_cpu_time_total = 0.0
        self.device_time_total = self.cuda_time_total = 0.0
        self.self_device_time_total = self.self_cuda_time_total = 0.0
        self.cpu_memory_usage = self.self_cpu_memory_usage = 0

    def add(self, ev):
        self.count += ev.count
        self.cpu_time_total += ev.cpu_time_total
        self.self_cpu_time_total += ev.self_cpu_time_total
        return self

    @property
    def cpu_time(self):
        return self.cpu_time_total / self.count if self.count else 0.0

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} count={self.count} self_cpu_time_total="
                f"{self.self_cpu_time_total:.3f}us cpu_time_total={self.cpu_time_total:.3f}us>")


class EventList(list):
    """A list of events (or of averages) with PyTorch's helpers."""

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0):
        """One FunctionEventAvg per name (and input shapes, if asked), in first-seen order."""
        table = {}
        for ev in self:
            shapes = tuple(map(tuple, ev.input_shapes)) if group_by_input_shape else None
            key = (ev.key, shapes)
            if key not in table:
                table[key] = FunctionEventAvg(ev.key,
                                              [list(s) for s in shapes] if shapes else None)
            table[key].add(ev)
        return EventList(table.values())

    def total_average(self):
        total = FunctionEventAvg("Total")
        for ev in self:
            total.add(ev)
        return total

    @property
    def self_cpu_time_total(self) -> float:
        return sum(ev.self_cpu_time_total for ev in self)

    def table(self, sort_by=None, row_limit: int = 100, max_src_column_width: int = 75,
              max_name_column_width: int = 55, max_shapes_column_width: int = 80,
              header=None, top_level_events_only: bool = False, time_unit=None):
        """PyTorch's text table: Name, Self CPU %, Self CPU, CPU total %, CPU total, CPU time
        avg, # of Calls, sorted by an event attribute (descending) such as
        "self_cpu_time_total", "cpu_time_total", "cpu_time", "count" (CUDA columns sort
        as zeros: minitorch times host-side)."""
        return _build_table(self, sort_by, row_limit, max_name_column_width, header,
                            time_unit)

    def export_chrome_trace(self, path):
        _write_trace(self, path)

    def __str__(self):
        return self.table()


# ---------------------------------------------------------------------------- the table
_COLUMN = 12
_SPACING = 2


def _format_time(us: float, unit=None) -> str:
    if unit == "s" or (unit is None and us >= 1e6):
        return f"{us / 1e6:.3f}s"
    if unit == "ms" or (unit is None and us >= 1e3):
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


def _share(part: float, total: float) -> str:
    return "NaN" if total == 0 else f"{part * 100.0 / total:.2f}%"


def _build_table(events, sort_by, row_limit, name_width, header, unit):
    events = list(events)
    if sort_by is not None:
        if events and not hasattr(events[0], sort_by):
            raise AttributeError(f"table(): sort_by={sort_by!r} is not an event attribute; use "
                                 "one of 'self_cpu_time_total', 'cpu_time_total', 'cpu_time', "
                                 "'count'")
        events.sort(key=lambda ev: getattr(ev, sort_by), reverse=True)
    if row_limit is not None and row_limit > 0:
        shown = events[:row_limit]
    else:
        shown = events
    total_self = sum(ev.self_cpu_time_total for ev in events)
    width = min(max([len(ev.key) for ev in shown] + [4]) + 4, name_width)
    headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
               "# of Calls"]
    fmt = ("{: >" + str(width) + "}" + " " * _SPACING) + \
        ("{: >" + str(_COLUMN) + "}" + " " * _SPACING) * (len(headers) - 1)
    line = ("-" * width + " " * _SPACING) + ("-" * _COLUMN + " " * _SPACING) * (len(headers) - 1)
    out = []
    if header:
        out += ["=" * len(line), header]
    out += [line, fmt.format(*headers), line]
    for ev in shown:
        name = ev.key if len(ev.key) <= width else ev.key[:width - 3] + "..."
        out.append(fmt.format(name, _share(ev.self_cpu_time_total, total_self),
                              _format_time(ev.self_cpu_time_total, unit),
                              _share(ev.cpu_time_total, total_self),
                              _format_time(ev.cpu_time_total, unit),
                              _format_time(ev.cpu_time, unit), ev.count))
    out += [line, f"Self CPU time total: {_format_time(total_self, unit)}"]
    return "\n".join(out) + "\n"


def _write_trace(events, path):
    pid = os.getpid()
    cats = {"op": "cpu_op", "backward": "cpu_op", "range": "user_annotation"}
    trace = [{"name": ev.name, "ph": "X", "cat": cats.get(ev.kind, "cpu_op"), "ts": ev.start_us, "dur": ev.cpu_time_total, "pid": pid,
              "tid": ev.thread, "args": {"Input Dims": [list(s) for s in ev.input_shapes]}}
             for ev in events if isinstance(ev, FunctionEvent)]
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump({"traceEvents": trace, "displayTimeUnit": "ms"}, f)
    os.replace(tmp, path)


# ---------------------------------------------------------------------------- recording
class _Recorder:
    """Collects events while a profile is active (one at a time, as in PyTorch)."""

    def __init__(self, record_shapes: bool):
        self.record_shapes = record_shapes
        self.events = EventList()
        self.ranges = []      # open record_function ranges: [name, start_ns, child_ns]

    def op(self, cls, t0, t1, args):
        shapes = None
        if self.record_shapes:
            shapes = [list(a.shape) if hasattr(a, "shape") else [] for a in args]
        self.events.append(FunctionEvent(cls.__name__, t0, t1, t1 - t0, shapes,
                                         thread=threading.get_ident() % 100000))
        if self.ranges:
            self.ranges[-1][2] += t1 - t0

    def open_range(self, name, kind="range"):
        entry = [name, time.perf_counter_ns(), 0, kind]
        self.ranges.append(entry)
        return entry

    def close_range(self, entry):
        t1 = time.perf_counter_ns()
        if entry in self.ranges:
            while self.ranges and self.ranges[-1] is not entry:
                self.ranges.pop()
            self.ranges.pop()
        total = t1 - entry[1]
        self.events.append(FunctionEvent(entry[0], entry[1], t1, total - entry[2],
                                         kind=entry[3],
                                         thread=threading.get_ident() % 100000))
        if self.ranges:
            self.ranges[-1][2] += total


class profile:
    """``with profile() as prof: ...`` records every op call in the block (see the module
    docstring). Arguments PyTorch has for CUDA, memory, stacks and FLOPs are accepted and
    ignored (``use_cuda``, ``profile_memory``, ``with_stack``, ``with_flops``...);
    ``record_shapes=True`` keeps each call's input shapes (``key_averages(
    group_by_input_shape=True)``). ``enabled=False`` records nothing."""

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False, use_device=None,
                 record_shapes: bool = False, with_flops: bool = False,
                 profile_memory: bool = False, with_stack: bool = False,
                 with_modules: bool = False, use_kineto: bool = False, use_cpu: bool = True,
                 experimental_config=None, acc_events: bool = False,
                 custom_trace_id_callback=None):
        self.enabled = enabled
        self.record_shapes = record_shapes
        self._recorder = None
        self._events = EventList()
        self._prev = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        if not self.enabled:
            return
        if HOOKS.profiler is not None:
            raise RuntimeError("Profiler is already enabled (one profile at a time)")
        self._recorder = _Recorder(self.record_shapes)
        HOOKS.profiler = self._recorder
        refresh()

    def stop(self):
        if self._recorder is None:
            return
        if HOOKS.profiler is self._recorder:
            HOOKS.profiler = None
            refresh()
        self._events = EventList(self._events + self._recorder.events)
        self._recorder = None

    # results
    @property
    def function_events(self) -> EventList:
        if self._recorder is not None:
            return EventList(self._events + self._recorder.events)
        return self._events

    def events(self) -> EventList:
        return self.function_events

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0):
        return self.function_events.key_averages(group_by_input_shape, group_by_stack_n)

    def total_average(self):
        return self.function_events.total_average()

    @property
    def self_cpu_time_total(self) -> float:
        return self.function_events.self_cpu_time_total

    def table(self, *args, **kwargs) -> str:
        return self.function_events.table(*args, **kwargs)

    def export_chrome_trace(self, path):
        """Write the events as a Chrome trace (open in chrome://tracing or Perfetto)."""
        _write_trace(self.function_events, path)

    def __str__(self):
        return self.key_averages().table()


class record_function:
    """A named range in the profile, as a context manager or a decorator:
    ``with record_function("attention"): ...``. Outside a profile it does nothing."""

    def __init__(self, name: str, args=None):
        self.name = name
        self.args = args
        self._entry = None
        self._recorder = None

    def __enter__(self):
        rec = HOOKS.profiler
        if rec is not None:
            self._recorder = rec
            self._entry = rec.open_range(self.name)
        return self

    def __exit__(self, *exc):
        if self._recorder is not None:
            self._recorder.close_range(self._entry)
            self._recorder = self._entry = None
        return False

    def __call__(self, fn):
        name = self.name

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with record_function(name):
                return fn(*args, **kwargs)
        return wrapper


class emit_nvtx:
    """Accepted and ignored: minitorch emits no NVTX ranges."""

    def __init__(self, enabled: bool = True, record_shapes: bool = False):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
