"""``minitorch.onnx``: importable now, so scripts that import it at the top run; the
export itself is not built yet (it will trace one eval-mode forward and write ONNX with
the ``onnx`` package: see DESIGN.md, "Leaving the one machine")."""
from __future__ import annotations

__all__ = ["export", "is_in_onnx_export", "OperatorExportTypes", "TrainingMode"]


def export(model, args=(), f=None, *pargs, **kwargs):
    """Not implemented yet: raises NotImplementedError."""
    raise NotImplementedError("minitorch.onnx.export(): ONNX export is not built yet in "
                              "minitorch; save the weights with "
                              "minitorch.save(model.state_dict(), path) for now")


def dynamo_export(*args, **kwargs):
    raise NotImplementedError("minitorch.onnx.dynamo_export(): ONNX export is not built yet "
                              "in minitorch")


def is_in_onnx_export() -> bool:
    return False


class OperatorExportTypes:
    ONNX = 0
    ONNX_ATEN = 1
    ONNX_ATEN_FALLBACK = 2
    ONNX_FALLTHROUGH = 3


class TrainingMode:
    EVAL = 0
    PRESERVE = 1
    TRAINING = 2
