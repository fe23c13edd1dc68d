"""minitorch.accelerator and minitorch.cuda: PyTorch's device-query API."""
import pytest
import torch

import minitorch
from minitorch import accelerator


def test_availability_agrees_with_cuda_module():
    assert accelerator.is_available() == minitorch.cuda.is_available()
    assert accelerator.device_count() == minitorch.cuda.device_count()
    if not accelerator.is_available():
        assert accelerator.device_count() == 0
        assert accelerator.current_accelerator(check_available=True) is None


def test_current_accelerator_is_cuda_or_none():
    acc = accelerator.current_accelerator()
    assert acc is None or (acc.type == "cuda" and acc.index is None)


def test_script_pattern_from_recent_pytorch_runs():
    """The idiom scripts for recent PyTorch use, written once for both libraries."""
    for lib in (minitorch, torch):
        dev = (lib.accelerator.current_accelerator() if lib.accelerator.is_available()
               else lib.device("cpu"))
        x = lib.ones(3, device=dev) * 2
        if lib.accelerator.is_available():   # torch raises without an accelerator
            lib.accelerator.synchronize()
        assert float(x.sum().item()) == 6.0


@pytest.mark.skipif(minitorch.cuda.is_available(), reason="checks the no-GPU errors")
def test_no_gpu_errors_name_the_function():
    with pytest.raises(RuntimeError, match=r"accelerator.current_device_index\(\).*CuPy"):
        accelerator.current_device_index()
    with pytest.raises(RuntimeError, match=r"set_device_index"):
        minitorch.cuda.set_device(0)
    minitorch.cuda.synchronize()          # a no-op without a GPU (torch would raise)
    accelerator.synchronize()


@pytest.mark.cuda
@pytest.mark.skipif(not minitorch.cuda.is_available(), reason="needs CuPy and a CUDA GPU")
def test_device_index_round_trip():
    accelerator.set_device_index(0)
    assert accelerator.current_device_index() == 0 == minitorch.cuda.current_device()
    with pytest.raises(ValueError, match="out of range"):
        accelerator.set_device_index(accelerator.device_count())
