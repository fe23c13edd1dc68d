"""torch.nn.modules.dropout's import path: the dropout layers and ``_DropoutNd``, their
base (programs subclass it for their own dropout variants)."""
from ..module import Module
from ._reexport import install, resolve


class _DropoutNdFallback(Module):
    """PyTorch's _DropoutNd: keeps `p` (checked to be a probability) and `inplace`, and
    prints ``p=..., inplace=...``. Used when minitorch.nn.dropout has no _DropoutNd of
    its own."""

    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


def _dropout_base():
    try:
        return resolve("dropout", "_DropoutNd")
    except AttributeError:
        _DropoutNdFallback.__name__ = _DropoutNdFallback.__qualname__ = "_DropoutNd"
        return _DropoutNdFallback


install(globals(), "dropout", {"_DropoutNd": _dropout_base()})
