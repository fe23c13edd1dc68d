"""The torch-level runtime of issue 12: inference_mode, default device and tensor type,
backends flags, determinism/precision/thread switches, compile and jit, cuda extras
without a GPU, small queries, onnx/distributed stubs, the profiler and anomaly mode."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import torch

import minitorch
from minitorch.autograd import function as _function

needs_no_gpu = pytest.mark.skipif(minitorch.cuda.is_available(), reason="a GPU is present")


# ---------------------------------------------------------------------------- inference_mode
def test_inference_mode_context_matches_torch():
    x = minitorch.ones(2, requires_grad=True)
    tx = torch.ones(2, requires_grad=True)
    with minitorch.inference_mode(), torch.inference_mode():
        assert minitorch.is_inference_mode_enabled() == torch.is_inference_mode_enabled()
        assert minitorch.is_grad_enabled() == torch.is_grad_enabled()
        assert (x * 2).requires_grad == (tx * 2).requires_grad
    assert minitorch.is_inference_mode_enabled() == torch.is_inference_mode_enabled() is False
    assert minitorch.is_grad_enabled()
    with minitorch.inference_mode(mode=False), torch.inference_mode(mode=False):
        assert minitorch.is_inference_mode_enabled() == torch.is_inference_mode_enabled()
        assert minitorch.is_grad_enabled() == torch.is_grad_enabled()


def test_inference_mode_decorators_match_torch():
    def probe(L):
        return L.is_inference_mode_enabled(), L.is_grad_enabled()

    for lib in (minitorch, torch):
        bare = lib.inference_mode(lambda: probe(lib))
        called = lib.inference_mode()(lambda: probe(lib))
        off = lib.inference_mode(False)(lambda: probe(lib))
        assert bare() == called() == (True, False)
        assert off() == (False, True)

    def gen(L):
        yield L.is_grad_enabled()
        yield L.is_grad_enabled()
    assert list(minitorch.inference_mode()(gen)(minitorch)) == \
        list(torch.inference_mode()(gen)(torch))
    assert minitorch.autograd.inference_mode is minitorch.inference_mode


def test_inference_mode_restores_after_errors():
    with pytest.raises(ValueError):
        with minitorch.inference_mode():
            raise ValueError
    assert minitorch.is_grad_enabled() and not minitorch.is_inference_mode_enabled()


# ---------------------------------------------------------------------------- defaults
def test_default_device_is_cpu_and_settable():
    assert minitorch.get_default_device() == minitorch.device("cpu")
    try:
        minitorch.set_default_device("cpu")
        assert minitorch.zeros(2).device == minitorch.device("cpu")
        assert minitorch.get_default_device().type == "cpu"
    finally:
        minitorch.set_default_device(None)


@needs_no_gpu
def test_default_device_cuda_reaches_creation_functions():
    minitorch.set_default_device("cuda")
    try:
        assert minitorch.get_default_device() == minitorch.device("cuda")
        for make in (lambda: minitorch.zeros(2), lambda: minitorch.randn(2),
                     lambda: minitorch.arange(3), lambda: minitorch.full((2,), 1.0)):
            with pytest.raises(RuntimeError, match="CuPy|CUDA"):
                make()
        assert minitorch.zeros(2, device="cpu").device.type == "cpu"
    finally:
        minitorch.set_default_device(None)
    assert minitorch.zeros(2).device.type == "cpu"


@needs_no_gpu
def test_device_as_context_manager():
    with minitorch.device("cuda"):
        assert minitorch.get_default_device().type == "cuda"
        with minitorch.device("cpu"):
            assert minitorch.zeros(1).device.type == "cpu"
        with pytest.raises(RuntimeError):
            minitorch.ones(1)
    assert minitorch.get_default_device().type == "cpu"


def test_set_default_tensor_type():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.set_default_tensor_type(torch.DoubleTensor)
        minitorch.set_default_tensor_type(minitorch.DoubleTensor)
        assert minitorch.get_default_dtype() is minitorch.float64
        assert minitorch.tensor([1.5]).dtype.name == str(torch.tensor([1.5]).dtype)[6:]
        minitorch.set_default_tensor_type("torch.FloatTensor")
        assert minitorch.get_default_dtype() is minitorch.float32
        with pytest.raises(TypeError, match="floating"):
            minitorch.set_default_tensor_type(minitorch.LongTensor)
    finally:
        torch.set_default_dtype(torch.float32)
        minitorch.set_default_dtype(minitorch.float32)


# ---------------------------------------------------------------------------- backends
def test_backend_flags_are_settable_and_read_back():
    import minitorch.backends.cudnn as cudnn
    old = (cudnn.benchmark, cudnn.deterministic, minitorch.backends.cuda.matmul.allow_tf32)
    try:
        minitorch.backends.cudnn.benchmark = True
        minitorch.backends.cudnn.deterministic = True
        minitorch.backends.cuda.matmul.allow_tf32 = True
        minitorch.backends.cudnn.allow_tf32 = False
        assert cudnn.benchmark and cudnn.deterministic
        assert minitorch.backends.cuda.matmul.allow_tf32
        with cudnn.flags(enabled=False, benchmark=False):
            assert not cudnn.enabled and not cudnn.benchmark
        assert cudnn.enabled and cudnn.benchmark
    finally:
        cudnn.benchmark, cudnn.deterministic, minitorch.backends.cuda.matmul.allow_tf32 = old
        cudnn.allow_tf32 = True


def test_backend_defaults_and_queries():
    b = minitorch.backends
    assert b.cudnn.benchmark == torch.backends.cudnn.benchmark
    assert b.cudnn.deterministic == torch.backends.cudnn.deterministic
    assert b.cudnn.enabled == torch.backends.cudnn.enabled
    assert b.cuda.matmul.allow_tf32 == torch.backends.cuda.matmul.allow_tf32
    assert b.cudnn.is_available() is False and b.cudnn.version() is None
    assert b.mps.is_available() is False and b.mps.is_built() is False
    assert isinstance(b.cuda.is_built(), bool)
    assert b.mkldnn.is_available() is False and b.openmp.is_available() is False
    assert b.cpu.get_cpu_capability() == "DEFAULT"
    with b.cuda.sdp_kernel(enable_flash=False):
        assert not b.cuda.flash_sdp_enabled()
    assert b.cuda.flash_sdp_enabled()
    b.cuda.enable_math_sdp(False)
    assert not b.cuda.math_sdp_enabled()
    b.cuda.enable_math_sdp(True)


def test_determinism_and_precision_switches_match_torch():
    try:
        for lib in (minitorch, torch):
            lib.use_deterministic_algorithms(True, warn_only=True)
        assert minitorch.are_deterministic_algorithms_enabled() == \
            torch.are_deterministic_algorithms_enabled()
        assert minitorch.is_deterministic_algorithms_warn_only_enabled() == \
            torch.is_deterministic_algorithms_warn_only_enabled()
        assert minitorch.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()
        minitorch.set_deterministic_debug_mode("error")
        assert minitorch.get_deterministic_debug_mode() == 2
    finally:
        for lib in (minitorch, torch):
            lib.use_deterministic_algorithms(False)
    assert minitorch.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    try:
        minitorch.set_float32_matmul_precision("high")
        assert minitorch.get_float32_matmul_precision() == "high"
        with pytest.warns(UserWarning, match="no effect"):
            minitorch.set_float32_matmul_precision("bad")
        assert minitorch.get_float32_matmul_precision() == "high"
    finally:
        minitorch.set_float32_matmul_precision("highest")
    with pytest.raises(TypeError):
        minitorch.use_deterministic_algorithms("yes")


def test_thread_counts():
    n = minitorch.get_num_threads()
    assert isinstance(n, int) and n >= 1
    try:
        minitorch.set_num_threads(1)
        assert minitorch.get_num_threads() == 1
        import numba
        assert numba.get_num_threads() == 1
    finally:
        minitorch.set_num_threads(n)
    with pytest.raises(RuntimeError, match="positive"):
        minitorch.set_num_threads(0)
    minitorch.set_num_interop_threads(2)
    assert minitorch.get_num_interop_threads() == 2


# ---------------------------------------------------------------------------- compile, jit
def test_compile_returns_the_model_unchanged():
    model = minitorch.nn.Linear(2, 2)
    assert minitorch.compile(model) is model
    assert minitorch.compile(model, mode="max-autotune", fullgraph=True) is model

    @minitorch.compile
    def f(x):
        return x + 1
    assert f(1) == 2

    @minitorch.compile(mode="reduce-overhead")
    def g(x):
        return x * 2
    assert g(3) == 6


def test_jit_returns_its_argument_with_a_warning():
    model = minitorch.nn.Linear(2, 2)
    minitorch.jit._WARNED.clear()
    with pytest.warns(UserWarning, match="TorchScript"):
        assert minitorch.jit.script(model) is model
    with pytest.warns(UserWarning, match="TorchScript"):
        assert minitorch.jit.trace(model, minitorch.zeros(1, 2)) is model

    @minitorch.jit.ignore
    def a():
        return 1

    @minitorch.jit.ignore(drop=True)
    def b():
        return 2

    @minitorch.jit.unused
    def c():
        return 3

    @minitorch.jit.export
    def d():
        return 4
    assert (a(), b(), c(), d()) == (1, 2, 3, 4)
    assert not minitorch.jit.is_scripting() and not minitorch.jit.is_tracing()
    assert minitorch.jit.wait(minitorch.jit.fork(lambda x: x + 1, 1)) == 2
    assert minitorch.jit.annotate(list, [1]) == [1]
    with pytest.raises(NotImplementedError, match="state_dict"):
        minitorch.jit.save(model, "m.pt")


# ---------------------------------------------------------------------------- cuda extras
@needs_no_gpu
def test_cuda_extras_without_a_gpu_match_torch():
    for name in ("memory_allocated", "max_memory_allocated", "memory_reserved",
                 "max_memory_reserved", "is_bf16_supported", "is_initialized"):
        assert getattr(minitorch.cuda, name)() == getattr(torch.cuda, name)(), name
    minitorch.cuda.empty_cache()
    minitorch.cuda.reset_peak_memory_stats()
    minitorch.cuda.manual_seed(0)
    minitorch.cuda.manual_seed_all(0)
    minitorch.cuda.synchronize()
    for name in ("get_device_name", "get_device_properties", "get_device_capability",
                 "mem_get_info", "init"):
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            getattr(minitorch.cuda, name)()


def test_cuda_events_and_streams_time_on_the_host():
    start = minitorch.cuda.Event(enable_timing=True)
    end = minitorch.cuda.Event(enable_timing=True)
    start.record()
    minitorch.randn(50, 50) @ minitorch.randn(50, 50)
    end.record()
    end.synchronize()
    assert end.query()
    assert start.elapsed_time(end) >= 0.0
    s = minitorch.cuda.Stream()
    with minitorch.cuda.stream(s):
        pass
    s.synchronize()
    assert minitorch.cuda.current_stream().query()
    with minitorch.cuda.device(0):
        pass


# ---------------------------------------------------------------------------- queries
def test_small_queries_match_torch():
    for lib in (minitorch, torch):
        assert lib.is_nonzero(lib.tensor([1])) is True
        assert lib.is_nonzero(lib.tensor([0.0])) is False
        assert lib.is_same_size(lib.zeros(2, 3), lib.ones(2, 3))
        assert not lib.is_same_size(lib.zeros(2, 3), lib.ones(3, 2))
        assert lib.is_floating_point(lib.zeros(1)) and not lib.is_complex(lib.zeros(1))
    for bad in ([1, 2], []):
        with pytest.raises(RuntimeError) as me:
            minitorch.is_nonzero(minitorch.tensor(bad))
        with pytest.raises(RuntimeError) as te:
            torch.is_nonzero(torch.tensor(bad))
        assert str(me.value) == str(te.value)
    assert minitorch.typename(3) == torch.typename(3) == "int"
    assert minitorch.typename(minitorch.nn.Linear(1, 1)) == "minitorch.nn.linear.Linear"
    assert not minitorch.is_storage(minitorch.zeros(1))
    assert minitorch.is_storage(minitorch.zeros(1).untyped_storage())
    minitorch.set_warn_always(True)
    assert minitorch.is_warn_always_enabled()
    minitorch.set_warn_always(False)


# ---------------------------------------------------------------------------- stubs
def test_onnx_and_distributed_import_and_say_not_yet():
    import minitorch.distributed as dist
    import minitorch.onnx
    with pytest.raises(NotImplementedError, match="not built yet"):
        minitorch.onnx.export(minitorch.nn.Linear(1, 1), minitorch.zeros(1, 1), "m.onnx")
    assert dist.is_available() is False and dist.is_initialized() is False
    for name in ("init_process_group", "get_rank", "get_world_size", "all_reduce", "barrier"):
        with pytest.raises(RuntimeError, match="not yet"):
            getattr(dist, name)()
    assert dist.ReduceOp.SUM.name == "SUM"


def test_variable_is_the_tensor():
    x = minitorch.tensor([1.0, 2.0])
    v = minitorch.autograd.Variable(x, requires_grad=True)
    assert isinstance(v, minitorch.Tensor) and v.requires_grad and not x.requires_grad
    assert isinstance(x, minitorch.autograd.Variable)
    assert not isinstance(3.0, minitorch.autograd.Variable)
    with pytest.raises(TypeError):
        minitorch.autograd.Variable([1.0])


# ---------------------------------------------------------------------------- profiler
def _train_step(model, x):
    loss = model(x).relu().sum()
    loss.backward()
    return loss


def test_profiler_table_counts_ops_and_ranges(tmp_path):
    from minitorch.autograd import profiler
    model = minitorch.nn.Linear(4, 3)
    x = minitorch.randn(5, 4)
    assert not _function._hooked
    with profiler.profile(record_shapes=True) as prof:
        for _ in range(3):
            with profiler.record_function("step"):
                _train_step(model, x)
        assert _function._hooked
    assert not _function._hooked
    avg = {e.key: e for e in prof.key_averages()}
    assert avg["Linear"].count == 3
    assert avg["step"].count == 3
    assert avg["step"].cpu_time_total >= avg["step"].self_cpu_time_total >= 0
    assert avg["step"].cpu_time_total >= avg["Linear"].cpu_time_total
    assert avg["LinearBackward0"].count == 3  # the backward pass, per node
    assert avg["LinearBackward0"].cpu_time_total >= avg["LinearBackward0"].self_cpu_time_total
    table = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=5)
    lines = table.splitlines()
    assert lines[1].split() == ["Name", "Self", "CPU", "%", "Self", "CPU", "CPU", "total", "%",
                                "CPU", "total", "CPU", "time", "avg", "#", "of", "Calls"]
    assert len([ln for ln in lines if "%" in ln and "Name" not in ln]) == 5
    assert lines[-1].startswith("Self CPU time total:")
    by_count = prof.key_averages().table(sort_by="count")
    assert by_count.splitlines()[3].split()[-1] == str(max(e.count for e in avg.values()))
    shapes = prof.key_averages(group_by_input_shape=True)
    assert any(e.key == "Linear" and e.input_shapes == [[5, 4], [3, 4], [3]] for e in shapes)
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    events = json.loads(path.read_text())["traceEvents"]
    assert sum(e["name"] == "Linear" for e in events) == 3
    with pytest.raises(AttributeError, match="sort_by"):
        prof.key_averages().table(sort_by="nope")


def test_torch_profiler_api_with_schedule(tmp_path):
    from minitorch.profiler import profile, ProfilerActivity, schedule, record_function
    ready = []
    model = minitorch.nn.Linear(2, 2)
    x = minitorch.randn(3, 2)
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA],
                 schedule=schedule(wait=1, warmup=1, active=2, repeat=1),
                 on_trace_ready=lambda p: ready.append(p.step_num)) as prof:
        for _ in range(6):
            with record_function("train"):
                model(x)
            prof.step()
    assert ready == [4]
    counts = {e.key: e.count for e in prof.key_averages()}
    assert counts["Linear"] == 2 and counts["train"] == 2
    sched = schedule(wait=1, warmup=1, active=2, skip_first=1)
    assert [sched(i).name for i in range(6)] == ["NONE", "NONE", "WARMUP", "RECORD",
                                                "RECORD_AND_SAVE", "NONE"]
    from minitorch.profiler import tensorboard_trace_handler
    with profile(on_trace_ready=tensorboard_trace_handler(str(tmp_path / "tb"))):
        model(x)
    assert len(list((tmp_path / "tb").iterdir())) == 1


def test_record_function_outside_a_profile_is_a_no_op():
    from minitorch.autograd.profiler import record_function

    @record_function("f")
    def f(x):
        return x + 1
    assert f(1) == 2
    with record_function("block"):
        pass
    assert not _function._hooked


def test_profiler_disabled_records_nothing():
    from minitorch.autograd import profiler
    with profiler.profile(enabled=False) as prof:
        minitorch.ones(2) + minitorch.ones(2)
    assert len(prof.key_averages()) == 0
    assert not _function._hooked


# ---------------------------------------------------------------------------- anomaly
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_names_the_function_with_nan_gradients():
    x = minitorch.tensor([0.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        ctx = minitorch.autograd.detect_anomaly()
    with ctx:
        assert minitorch.autograd.is_anomaly_enabled()
        y = (x.pow(0.5) * 0).sum()
        with pytest.warns(UserWarning, match="Traceback of forward call"):
            with pytest.raises(RuntimeError, match="'PowBackward0' returned nan values in its "
                                                   "0th output"):
                y.backward()
    assert not minitorch.autograd.is_anomaly_enabled()
    assert not _function._hooked
    (x.pow(0.5) * 0).sum().backward()          # off again: no check
    assert np.isnan(x.grad.numpy()).all()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_set_detect_anomaly_and_decorator():
    minitorch.autograd.set_detect_anomaly(True)
    try:
        assert minitorch.autograd.is_anomaly_enabled()
        assert minitorch.autograd.is_anomaly_check_nan_enabled()
    finally:
        minitorch.autograd.set_detect_anomaly(False)
    assert not minitorch.autograd.is_anomaly_enabled()
    with minitorch.autograd.set_detect_anomaly(True, check_nan=False):
        assert not minitorch.autograd.is_anomaly_check_nan_enabled()
        x = minitorch.tensor([0.0], requires_grad=True)
        (x.pow(0.5) * 0).sum().backward()      # no NaN check
    assert not minitorch.autograd.is_anomaly_enabled()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")

        @minitorch.autograd.detect_anomaly()
        def f():
            return minitorch.autograd.is_anomaly_enabled()
    assert f() is True and not minitorch.autograd.is_anomaly_enabled()
    x = minitorch.tensor([1.0, 4.0], requires_grad=True)
    with minitorch.autograd.set_detect_anomaly(True):
        (x.sqrt() * x).sum().backward()        # clean gradients pass
    np.testing.assert_allclose(x.grad.numpy(), [1.5, 3.0])


def test_torch_level_constants_and_modules():
    for name in ("e", "pi", "inf"):
        assert getattr(minitorch, name) == getattr(torch, name)
    assert np.isnan(minitorch.nan) and minitorch.newaxis is None
    assert minitorch.version.cuda == torch.version.cuda is None
    assert isinstance(minitorch.strided, minitorch.layout)
    assert minitorch.is_inference(minitorch.zeros(1)) is False
    assert minitorch.is_anomaly_enabled() is False
    assert minitorch.compiler.is_compiling() is False
    assert minitorch.compiler.disable(len) is len
    assert minitorch.compiler.disable(recursive=False)(len) is len
    for mod in (minitorch.mps, minitorch.xpu):
        assert mod.is_available() is False and mod.device_count() == 0
        mod.synchronize()
        mod.empty_cache()


def test_torch_level_names_with_torchs_keywords():
    assert minitorch.GradScaler is minitorch.amp.GradScaler
    assert minitorch.is_signed(minitorch.zeros(1)) == torch.is_signed(torch.zeros(1))
    assert minitorch.promote_types(type1=minitorch.int8, type2=minitorch.uint8) is \
        minitorch.int16
    assert minitorch.result_type(tensor1=minitorch.zeros(2, dtype=minitorch.uint8),
                                 tensor2=2.5) is minitorch.float32
    assert minitorch.tensor([3]).is_nonzero() == torch.tensor([3]).is_nonzero()
    n = minitorch.get_num_threads()
    minitorch.set_num_threads(int=1)
    assert minitorch.get_num_threads() == 1
    minitorch.set_num_threads(n)
    minitorch.set_default_device(device=None)
    minitorch.set_anomaly_enabled(True)
    assert minitorch.is_anomaly_enabled() == minitorch.autograd.is_anomaly_enabled() is True
    minitorch.set_anomaly_enabled(False)
    assert not _function._hooked
    x = minitorch.zeros(2, dtype=minitorch.float64)
    assert minitorch.ones(2).type_as(tensor=x).dtype is minitorch.float64
    assert minitorch.randn(1, 2, 2, 2).to(memory_format=minitorch.channels_last).shape == \
        (1, 2, 2, 2)
