import pytest

import minitorch


def cuda_ready() -> bool:
    return minitorch.cuda.is_available()


CUDA_SKIP_REASON = ("CuPy and a CUDA GPU are not available here; the same op table runs on "
                    "'cuda' on a GPU machine")


@pytest.fixture(params=["cpu", pytest.param("cuda", marks=pytest.mark.cuda)])
def device(request):
    if request.param == "cuda" and not cuda_ready():
        pytest.skip(CUDA_SKIP_REASON)
    return request.param
