"""minitorch._malloc: the glibc malloc tuning applied at import keeps freed array memory
for reuse (no fresh page faults when a step re-allocates an array it just freed)."""
import json
import os
import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="the malloc tuning applies to glibc on Linux only")

# re-allocate a 40 MiB array three times and count the minor page faults it costs
# (transparent huge pages off for NumPy, so that a fault is one 4 KiB page)
PROBE = r"""
import json, resource, numpy as np
mods = [getattr(np, "_core", None), getattr(np, "core", None)]
for m in mods:
    if m is not None and hasattr(m.multiarray, "_set_madvise_hugepage"):
        m.multiarray._set_madvise_hugepage(False)
        break
import minitorch
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
n = 40 << 18                       # 40 MiB of float32: above glibc's largest default
a = np.ones(n, np.float32)         # mmap threshold (32 MiB), so untuned it is mmap'ed
del a
f0 = faults()
for _ in range(3):
    a = np.ones(n, np.float32)
    del a
print(json.dumps({"faults": faults() - f0, "status": minitorch._malloc.status()}))
"""


def _probe(**env_overrides):
    env = {k: v for k, v in os.environ.items()
           if k not in ("MINITORCH_MALLOC_TUNING", "MALLOC_MMAP_THRESHOLD_",
                        "MALLOC_TRIM_THRESHOLD_")}
    env.update(env_overrides)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_tuned_by_default_and_memory_is_reused():
    res = _probe()
    assert res["status"]["applied"] is True, res
    assert res["faults"] < 1000, res      # 3 x 10,240 pages if every allocation faulted


def test_opt_out_restores_glibc_default():
    res = _probe(MINITORCH_MALLOC_TUNING="0")
    assert res["status"]["applied"] is False
    assert "MINITORCH_MALLOC_TUNING" in res["status"]["reason"]
    assert res["faults"] > 3 * 5000, res  # each 40 MiB allocation is a fresh mmap


def test_users_own_malloc_settings_win():
    res = _probe(MALLOC_MMAP_THRESHOLD_="131072")
    assert res["status"]["applied"] is False
    assert "MALLOC_MMAP_THRESHOLD_" in res["status"]["reason"]


def test_tune_is_idempotent_and_reports():
    import minitorch
    first = minitorch._malloc.status()
    again = minitorch._malloc.tune()
    assert again == first
    assert set(first) == {"applied", "reason", "mmap_threshold", "trim_threshold"}
