"""``minitorch.profiler``: PyTorch's newer profiler API over minitorch's op profiler.

    from minitorch.profiler import profile, record_function, ProfilerActivity
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        with record_function("model_inference"):
            model(x)
    print(prof.key_averages().table(sort_by="cpu_time_total", row_limit=10))

The events and the table are those of ``minitorch.autograd.profiler`` (one row per op,
times measured on the host). ``schedule(wait, warmup, active, repeat, skip_first)`` and
``prof.step()`` record only the active steps; ``on_trace_ready`` is called at the end of
each active cycle (``tensorboard_trace_handler(dir)`` writes a Chrome trace file there).
Activities other than CPU are accepted; GPU work is timed as its host-side launch.
"""
from __future__ import annotations

import enum
import os
import socket
import time

from .autograd.profiler import (record_function, EventList,  # noqa: F401
                                profile as _autograd_profile)

__all__ = ["profile", "record_function", "ProfilerActivity", "ProfilerAction", "schedule",
           "tensorboard_trace_handler", "supported_activities", "EventList"]


class ProfilerActivity(enum.Enum):
    CPU = 0
    CUDA = 1
    XPU = 2
    MTIA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def supported_activities() -> set:
    return {ProfilerActivity.CPU}


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0):
    """step -> ProfilerAction, as torch.profiler.schedule: skip `skip_first` steps, then
    cycles of `wait` idle, `warmup` warm-up and `active` recorded steps (the last one
    RECORD_AND_SAVE), `repeat` times (0: forever)."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise ValueError("schedule(): invalid profiler schedule arguments")

    def fn(step: int) -> ProfilerAction:
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        cycle = wait + warmup + active
        if repeat > 0 and step // cycle >= repeat:
            return ProfilerAction.NONE
        pos = step % cycle
        if pos < wait:
            return ProfilerAction.NONE
        if pos < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if pos < cycle - 1 else ProfilerAction.RECORD_AND_SAVE
    return fn


def tensorboard_trace_handler(dir_name: str, worker_name: str | None = None,
                              use_gzip: bool = False):
    """on_trace_ready handler writing ``<worker>.<time>.pt.trace.json`` into dir_name."""
    def handler(prof):
        os.makedirs(dir_name, exist_ok=True)
        worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        name = f"{worker}.{time.time_ns() // 1_000_000}.pt.trace.json"
        path = os.path.join(dir_name, name)
        prof.export_chrome_trace(path)
        if use_gzip:
            import gzip
            import shutil
            with open(path, "rb") as src, gzip.open(path + ".gz", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.remove(path)
    return handler


class profile:
    """``torch.profiler.profile``: records the ops of its block (or of the active steps of
    its `schedule`, advanced with ``step()``)."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None,
                 record_shapes: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_flops: bool = False, with_modules: bool = False,
                 experimental_config=None, execution_trace_observer=None,
                 acc_events: bool = False, use_cuda=None, custom_trace_id_callback=None):
        self.activities = set(activities) if activities else supported_activities()
        self.schedule = schedule
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.step_num = 0
        self._prof = None          # the recording in progress (an autograd profile)
        self._done = EventList()   # events of finished recordings
        self._action = ProfilerAction.RECORD

    # ------------------------------------------------------------------ control
    def start(self):
        self.step_num = 0
        self._action = self.schedule(0) if self.schedule else ProfilerAction.RECORD
        self._enter(self._action)

    def stop(self):
        if self._prof is not None:
            self._finish(save=True)

    def step(self):
        """End one training step: with a schedule, move to the next step's action."""
        if self.schedule is None:
            self.step_num += 1
            return
        prev = self._action
        self.step_num += 1
        self._action = self.schedule(self.step_num)
        if prev is ProfilerAction.RECORD_AND_SAVE and self._prof is not None:
            self._finish(save=True)
        elif self._action in (ProfilerAction.NONE, ProfilerAction.WARMUP) and \
                self._prof is not None:
            self._finish(save=False)
        self._enter(self._action)

    def _enter(self, action):
        if action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE) and \
                self._prof is None:
            self._prof = _autograd_profile(record_shapes=self.record_shapes)
            self._prof.start()

    def _finish(self, save: bool):
        self._prof.stop()
        self._done = EventList(self._done + self._prof.function_events)
        self._prof = None
        if save and self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # ------------------------------------------------------------------ results
    def events(self) -> EventList:
        if self._prof is not None:
            return EventList(self._done + self._prof.function_events)
        return self._done

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False):
        return self.events().key_averages(group_by_input_shape, group_by_stack_n)

    def export_chrome_trace(self, path: str):
        self.events().export_chrome_trace(path)

    def export_stacks(self, path: str, metric: str = "self_cpu_time_total"):
        raise NotImplementedError("export_stacks(): minitorch records no stacks")

    @property
    def self_cpu_time_total(self) -> float:
        return self.events().self_cpu_time_total
