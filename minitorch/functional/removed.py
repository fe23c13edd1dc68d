"""Functions PyTorch has removed but still names: calling one raises PyTorch's own error,
which says what replaces it (``torch.solve`` -> ``torch.linalg.solve``...). Old tutorials
call them; the message is the help a user needs."""
from __future__ import annotations

__all__ = ["solve", "lstsq", "eig", "symeig", "matrix_rank"]

_REMOVED = {
    "solve": (" `torch.solve` is deprecated in favor of `torch.linalg.solve`. "
              "`torch.linalg.solve` has its arguments reversed and does not return the LU "
              "factorization.\n\nTo get the LU factorization see `torch.lu`, which can be "
              "used with `torch.lu_solve` or `torch.lu_unpack`.\nX = torch.solve(B, A).solution "
              "should be replaced with:\nX = torch.linalg.solve(A, B)"),
    "lstsq": (" `torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
              "`torch.linalg.lstsq` has reversed arguments and does not return the QR "
              "decomposition in the returned tuple (although it returns other information "
              "about the problem).\n\nTo get the QR decomposition consider using "
              "`torch.linalg.qr`.\n\nX = torch.lstsq(B, A).solution[:A.size(1)] should be "
              "replaced with:\nX = torch.linalg.lstsq(A, B).solution"),
    "eig": (" `torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather "
            "than real tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be "
            "replaced with:\nL_complex = torch.linalg.eigvals(A)\n\nand\n\nL, V = "
            "torch.eig(A, eigenvectors=True) should be replaced with:\nL_complex, V_complex = "
            "torch.linalg.eig(A)"),
    "symeig": (" The default behavior has changed from using the upper triangular portion of "
               "the matrix by default to using the lower triangular portion.\n\nL, _ = "
               "torch.symeig(A, upper=upper) should be replaced with:\nL = "
               "torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\nL, V = "
               "torch.symeig(A, eigenvectors=True) should be replaced with:\nL, V = "
               "torch.linalg.eigh(A, UPLO='U' if upper else 'L')"),
    "matrix_rank": ("\nPlease use the `torch.linalg.matrix_rank` function instead. The "
                    "parameter 'symmetric' was renamed in `torch.linalg.matrix_rank()` to "
                    "'hermitian'."),
}


def _removed(name):
    def fn(*args, **kwargs):
        raise RuntimeError("This function was deprecated since version 1.9 and is now "
                           f"removed.{_REMOVED[name]}")
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = "Removed from PyTorch: raises PyTorch's error naming the replacement."
    return fn


solve, lstsq, eig, symeig, matrix_rank = (_removed(n) for n in __all__)

# Tensor.solve & co. raise the same way
TENSOR_METHODS = {"solve": solve, "lstsq": lstsq, "eig": eig, "symeig": symeig}


# ---------------------------------------------------------------------------- deprecated
def _resize(self, *sizes):
    """Tensor.resize (deprecated by PyTorch): a resized copy; PyTorch warns
    "non-inplace resize is deprecated"."""
    import warnings
    warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
    return self.detach().clone().resize_(*sizes)


def _resize_as(self, tensor):
    """Tensor.resize_as (deprecated by PyTorch): a copy resized like `tensor`."""
    import warnings
    warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
    return self.detach().clone().resize_as_(tensor)


TENSOR_METHODS.update({"resize": _resize, "resize_as": _resize_as})
