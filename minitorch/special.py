"""minitorch.special: PyTorch's torch.special namespace (erf, expit, logit, gammaln, ...).
(Filled in by issue 12.)"""
from __future__ import annotations
