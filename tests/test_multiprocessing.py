"""minitorch.multiprocessing and Tensor.share_memory_(): tensors in shared memory seen by
forked and spawned children (Hogwild-style in-place updates), tensors through Queues,
spawn() with its error reporting, and the standard multiprocessing API.

No torch import here: spawned children import this module, and should start fast."""
from __future__ import annotations

import numpy as np
import pytest

import minitorch
import minitorch.multiprocessing as mp

TIMEOUT = 60


# ---------------------------------------------------------------------------- workers
# (top-level functions: spawned children import them from this module)
def _add_rows(t, row, times):
    for _ in range(times):
        t[row] += 1.0


def _hogwild_worker(model, seed, steps):
    minitorch.manual_seed(seed)
    opt = minitorch.optim.SGD(model.parameters(), lr=0.05)
    x = minitorch.randn(16, 3)
    y = x.sum(1, keepdim=True)
    for _ in range(steps):
        opt.zero_grad()
        minitorch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()


def _queue_child(inbox, outbox, received):
    t = inbox.get(timeout=TIMEOUT)
    t += 1.0                                   # in place: the parent's memory
    outbox.put(minitorch.arange(4.0) * 10)     # a new tensor, made in the child
    outbox.put(bool(t.is_shared()))
    received.wait(TIMEOUT)   # the sender lives until the receiver has mapped the memory


def _spawned(i, t):
    t[i] = float(i + 1) * 100


def _spawned_fails(i):
    if i == 1:
        raise ValueError("child one is unhappy")


# ---------------------------------------------------------------------------- share_memory_
def test_share_memory_moves_data_in_place():
    t = minitorch.arange(6.0).reshape(2, 3)
    v = t[1]
    assert not t.is_shared()
    out = t.share_memory_()
    assert out is t and t.is_shared()
    np.testing.assert_array_equal(t.numpy(), np.arange(6.0).reshape(2, 3))
    assert t.dtype is minitorch.float32 and t.is_contiguous()
    assert t[1].is_shared() and t.t().is_shared()
    ptr = t.data_ptr()
    t.share_memory_()
    assert t.data_ptr() == ptr                 # already shared: nothing moves
    assert not v.is_shared()                   # an older view keeps the old memory


def test_share_memory_keeps_grad_and_flags():
    p = minitorch.nn.Parameter(minitorch.randn(3))
    p.grad = minitorch.ones(3)
    p.share_memory_()
    assert p.is_shared() and p.grad.is_shared() and p.requires_grad
    assert isinstance(p, minitorch.nn.Parameter)
    for dtype in (minitorch.int64, minitorch.uint8, minitorch.bool, minitorch.float64):
        t = minitorch.zeros(5, dtype=dtype).share_memory_()
        assert t.dtype is dtype and t.is_shared()
    e = minitorch.zeros(0).share_memory_()
    assert e.shape == (0,)


# ---------------------------------------------------------------------------- fork
def test_forked_children_update_a_shared_tensor():
    ctx = mp.get_context("fork")
    t = minitorch.zeros(2, 3).share_memory_()
    procs = [ctx.Process(target=_add_rows, args=(t, i, 50)) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(TIMEOUT)
        assert p.exitcode == 0
    np.testing.assert_array_equal(t.numpy(), np.full((2, 3), 50.0))


def test_unshared_tensors_are_copies_in_forked_children():
    ctx = mp.get_context("fork")
    t = minitorch.zeros(3)
    p = ctx.Process(target=_add_rows, args=(t, 0, 5))
    p.start()
    p.join(TIMEOUT)
    assert p.exitcode == 0 and t[0].item() == 0.0


def test_hogwild_training_updates_the_shared_model():
    minitorch.manual_seed(0)
    model = minitorch.nn.Linear(3, 1)
    reference = minitorch.nn.Linear(3, 1)
    reference.load_state_dict(model.state_dict())
    for p in model.parameters():
        p.share_memory_()
    ctx = mp.get_context("fork")
    for seed in (1, 2):                      # one after the other: a deterministic result
        proc = ctx.Process(target=_hogwild_worker, args=(model, seed, 5))
        proc.start()
        proc.join(TIMEOUT)
        assert proc.exitcode == 0
    _hogwild_worker(reference, 1, 5)
    _hogwild_worker(reference, 2, 5)
    for a, b in zip(model.parameters(), reference.parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6)
    workers = [ctx.Process(target=_hogwild_worker, args=(model, s, 5)) for s in (3, 4)]
    before = model.weight.detach().clone()
    for w in workers:                        # at once, as Hogwild runs
        w.start()
    for w in workers:
        w.join(TIMEOUT)
        assert w.exitcode == 0
    assert not np.allclose(model.weight.detach().numpy(), before.numpy())
    assert np.isfinite(model.weight.detach().numpy()).all()


# ---------------------------------------------------------------------------- queues, spawn
@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_tensors_through_queues_share_memory(method):
    ctx = mp.get_context(method)
    inbox, outbox, received = ctx.Queue(), ctx.Queue(), ctx.Event()
    t = minitorch.arange(3.0)
    child = ctx.Process(target=_queue_child, args=(inbox, outbox, received))
    child.start()
    inbox.put(t)
    made = outbox.get(timeout=TIMEOUT)
    assert outbox.get(timeout=TIMEOUT) is True
    received.set()
    child.join(TIMEOUT)
    assert child.exitcode == 0
    np.testing.assert_array_equal(made.numpy(), [0.0, 10.0, 20.0, 30.0])
    assert t.is_shared()                      # moved to shared memory when sent
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0, 3.0])


def test_spawn_runs_fn_with_its_index_and_shared_args():
    t = minitorch.zeros(3)
    assert mp.spawn(_spawned, args=(t,), nprocs=2) is None       # real spawned processes
    np.testing.assert_array_equal(t.numpy(), [100.0, 200.0, 0.0])
    ctx = mp.spawn(_spawned, args=(t,), nprocs=3, join=False, start_method="fork")
    assert isinstance(ctx, mp.ProcessContext) and len(ctx.pids()) == 3
    while not ctx.join():
        pass
    np.testing.assert_array_equal(t.numpy(), [100.0, 200.0, 300.0])


def test_spawn_reraises_a_childs_exception():
    with pytest.raises(mp.ProcessRaisedException, match="child one is unhappy"):
        mp.spawn(_spawned_fails, nprocs=2, start_method="fork")


def test_standard_multiprocessing_api_is_there():
    import multiprocessing
    for name in ("Process", "Queue", "SimpleQueue", "Pool", "Pipe", "Lock", "Event", "Value",
                 "Array", "Manager", "get_context", "set_start_method", "get_start_method",
                 "cpu_count", "current_process"):
        assert getattr(mp, name) is getattr(multiprocessing, name), name
    assert mp.get_sharing_strategy() in mp.get_all_sharing_strategies()
    mp.set_sharing_strategy("file_system")
    mp.set_sharing_strategy("file_descriptor")
    with pytest.raises(ValueError):
        mp.set_sharing_strategy("carrier pigeon")
    with mp.get_context("fork").Pool(2) as pool:
        assert pool.map(abs, [-1, -2, 3]) == [1, 2, 3]
