"""python -m minitorch.as_torch: a PyTorch program runs on minitorch unchanged, including
the child processes multiprocessing spawns, and its __file__ is absolute as Python makes it."""
import os
import subprocess
import sys
import textwrap

PROGRAM = textwrap.dedent('''
    import sys
    import torch
    import torch.nn as nn
    import torch.multiprocessing as mp
    from torch.utils.data import DataLoader

    def child(q):
        import torch
        q.put(torch.__name__ + " " + str(torch.ones(3).sum().item()))

    if __name__ == "__main__":
        ctx = mp.get_context("spawn")
        q = ctx.Queue()
        p = ctx.Process(target=child, args=(q,))
        p.start()
        print(q.get())
        p.join()
        print(torch.__name__, nn.Module.__module__.split(".")[0], __file__ == __import__("os").path.abspath(__file__))
        print(sys.argv[1:])
''')


def test_program_and_spawned_children_see_minitorch(tmp_path):
    prog = tmp_path / "prog.py"
    prog.write_text(PROGRAM)
    out = subprocess.run([sys.executable, "-m", "minitorch.as_torch", "prog.py", "a", "b"],
                         capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "minitorch 3.0"               # the spawned child imported minitorch
    assert lines[1] == "minitorch minitorch True"
    assert lines[2] == "['a', 'b']"


def test_usage_without_a_program():
    out = subprocess.run([sys.executable, "-m", "minitorch.as_torch"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 2 and "usage" in out.stdout
    assert os.path.exists(os.path.join(os.path.dirname(__file__), "programs"))
