"""Every Python block in README.md runs as written."""
import os
import re
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCKS = re.findall(r"```python\n(.*?)```", open(os.path.join(ROOT, "README.md")).read(), re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("i", range(len(BLOCKS)))
def test_readme_block_runs(i, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # blocks may write files (checkpoints)
    # a block may alias torch to minitorch (sys.modules["torch"] = minitorch): undo it after
    saved = {k: v for k, v in sys.modules.items() if k == "torch" or k.startswith("torch.")}
    try:
        exec(compile(BLOCKS[i], f"README.md block {i}", "exec"), {"__name__": "readme"})
    finally:
        for k in [k for k in sys.modules if k == "torch" or k.startswith("torch.")]:
            if saved.get(k) is not sys.modules[k]:
                del sys.modules[k]
        sys.modules.update(saved)
