"""DataLoader(num_workers=N > 0) emulating torch's worker processes, against torch's real
workers (num_workers=2 there, tiny datasets): IterableDataset sharded by get_worker_info()
or not, uneven shards, drop_last, batch_size=None, worker_init_fn reseeding NumPy or
rewriting the worker's dataset copy, persistent_workers over two epochs, len() of the
loader, map-style datasets reading get_worker_info() in __getitem__ / collate_fn, and an
error in worker_init_fn. Then what torch cannot be compared with number for number: the
seeds (torch's _generate_state, base_seed + id), the main process's random streams left
alone, fresh seeds per epoch, copies that cannot be pickled."""
import random
import threading
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import minitorch
import minitorch.utils.data as mud
from minitorch.utils.data import DataLoader, TensorDataset


def plain(x):
    """Batches of either library as plain Python (tensors as lists)."""
    if isinstance(x, (torch.Tensor, minitorch.Tensor)):
        return x.tolist()
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    return x


def loaders(lib, dataset, **kw):
    return lib.utils.data.DataLoader(dataset, **kw)


def both(make, epochs=1, **kw):
    """[torch's batches, minitorch's batches] for ``make(lib)`` (a dataset) loaded with
    ``kw``; several epochs of the same loader are concatenated."""
    out = []
    for lib in (torch, minitorch):
        loader = loaders(lib, make(lib), **kw)
        out.append([[plain(b) for b in loader] for _ in range(epochs)])
    return out


class Shards(tud.IterableDataset, mud.IterableDataset):
    """range(n) split between the workers by get_worker_info(): evenly (i*n//N ..) or by
    the given sizes; shard=False yields all of it in every worker."""

    def __init__(self, lib, n=8, sizes=None, shard=True):
        self.lib, self.n, self.sizes, self.shard = lib, n, sizes, shard

    def __iter__(self):
        info = self.lib.utils.data.get_worker_info()
        n, i = (info.num_workers, info.id) if info else (1, 0)
        if not self.shard:
            return iter(range(self.n))
        if self.sizes:
            start = sum(self.sizes[:i])
            return iter(range(start, start + self.sizes[i]))
        return iter(range(i * self.n // n, (i + 1) * self.n // n))


# ------------------------------------------------------------------ IterableDataset order
def test_sharded_stream_interleaves_worker_batches_as_torch():
    t, m = both(lambda lib: Shards(lib), batch_size=3, num_workers=2)
    assert t == m == [[[0, 1, 2], [4, 5, 6], [3], [7]]]


def test_unsharded_stream_is_read_once_per_worker_as_torch():
    t, m = both(lambda lib: Shards(lib, 5, shard=False), batch_size=2, num_workers=2)
    assert t == m == [[[0, 1], [0, 1], [2, 3], [2, 3], [4], [4]]]


@pytest.mark.parametrize("sizes,kw", [
    ([5, 1], dict(batch_size=2)),
    ([0, 3], dict(batch_size=2)),
    ([7, 2], dict(batch_size=2, drop_last=True)),
    ([4, 5], dict(batch_size=4, drop_last=True)),
    ([3, 1], dict(batch_size=None)),
])
def test_uneven_shards_drop_last_and_no_batching_as_torch(sizes, kw):
    t, m = both(lambda lib: Shards(lib, sizes=sizes), num_workers=2, **kw)
    assert t == m


def test_four_workers_round_robin_skips_ended_workers():
    # torch 2.13 with num_workers=4 gives this order (checked once; four processes are
    # too many for this test machine): worker 2's stream is empty, worker 1 ends early
    loader = DataLoader(Shards(minitorch, sizes=[7, 2, 0, 4]), batch_size=2, num_workers=4)
    assert [b.tolist() for b in loader] == [[0, 1], [7, 8], [9, 10], [2, 3], [11, 12],
                                            [4, 5], [6]]
    loader = DataLoader(Shards(minitorch, sizes=[3, 1, 4]), batch_size=None, num_workers=3)
    assert [int(b) for b in loader] == [0, 3, 4, 1, 5, 2, 6, 7]


class Docs(tud.IterableDataset, mud.IterableDataset):
    """The documentation's example: the range is split by a worker_init_fn that rewrites
    the worker's copy of the dataset."""

    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        return iter(range(self.start, self.end))


def docs_init(lib):
    def init(worker_id):
        info = lib.utils.data.get_worker_info()
        ds = info.dataset
        per = -(-(ds.end - ds.start) // info.num_workers)
        ds.start, ds.end = ds.start + worker_id * per, min(ds.start + (worker_id + 1) * per,
                                                           ds.end)
    return init


def test_worker_init_fn_rewrites_only_the_workers_copy():
    out = []
    for lib in (torch, minitorch):
        ds = Docs(3, 17)
        out.append([b.tolist() for b in lib.utils.data.DataLoader(
            ds, batch_size=4, num_workers=2, worker_init_fn=docs_init(lib))])
        assert (ds.start, ds.end) == (3, 17)          # the main process's dataset is intact
    assert out[0] == out[1] == [[3, 4, 5, 6], [10, 11, 12, 13], [7, 8, 9], [14, 15, 16]]


class Noise(tud.IterableDataset, mud.IterableDataset):
    """Three draws from NumPy's and Python's global generators per worker."""

    def __iter__(self):
        for _ in range(3):
            yield np.random.randint(0, 10 ** 6), random.randint(0, 10 ** 6)


def reseed(worker_id):
    np.random.seed(100 + worker_id)
    random.seed(200 + worker_id)


def test_worker_init_fn_reseeding_numpy_and_random_gives_torchs_numbers():
    np_state, py_state = np.random.get_state(), random.getstate()
    t, m = both(lambda lib: Noise(), batch_size=2, num_workers=2, worker_init_fn=reseed)
    assert t == m
    # the main process's streams are not touched by the workers
    assert random.getstate() == py_state
    assert all(np.array_equal(a, b) for a, b in zip(np.random.get_state(), np_state))


class EpochCount(tud.IterableDataset, mud.IterableDataset):
    """Counts how often __iter__ ran on this copy: persistent workers keep their copy."""

    def __init__(self, lib):
        self.lib, self.epoch = lib, 0

    def __iter__(self):
        self.epoch += 1
        info = self.lib.utils.data.get_worker_info()
        return iter([(info.id, self.epoch, k) for k in range(3)])


@pytest.mark.parametrize("persistent", [False, True])
def test_persistent_workers_keep_their_dataset_copies(persistent):
    t, m = both(lambda lib: EpochCount(lib), epochs=2, batch_size=2, num_workers=2,
                persistent_workers=persistent)
    assert t == m
    assert m[1][0][1] == ([2, 2] if persistent else [1, 1])


class Sized(Shards):
    def __len__(self):
        return self.size

    def __init__(self, lib, size, **kw):
        super().__init__(lib, **kw)
        self.size = size


@pytest.mark.parametrize("size,kw", [(5, dict(batch_size=2)), (5, dict(batch_size=2, drop_last=True)),
                                     (2, dict(batch_size=1)), (9, dict(batch_size=None))])
def test_len_and_overrun_warning_of_iterable_loader_as_torch(size, kw):
    results = []
    for lib in (torch, minitorch):
        loader = lib.utils.data.DataLoader(Sized(lib, size), num_workers=2, **kw)
        n = len(loader)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            batches = [plain(b) for b in loader]
        warned = any("Length of IterableDataset" in str(w.message) for w in caught)
        results.append((n, batches, warned))
    assert results[0] == results[1]


# ------------------------------------------------------------------ map-style datasets
class Items(tud.Dataset, mud.Dataset):
    """Items that report the worker reading them and its dataset copy's offset."""

    def __init__(self, lib, n=7):
        self.lib, self.n, self.offset = lib, n, 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        info = self.lib.utils.data.get_worker_info()
        return i + self.offset, info.id, info.num_workers


def offset_init(lib):
    def init(worker_id):
        lib.utils.data.get_worker_info().dataset.offset = 100 * (worker_id + 1)
    return init


@pytest.mark.parametrize("kw", [dict(batch_size=2), dict(batch_size=3, drop_last=True),
                                dict(batch_size=None), dict(batch_size=2, persistent_workers=True)])
def test_map_style_batch_k_goes_to_worker_k_mod_n_as_torch(kw):
    t, m = both(lambda lib: Items(lib), epochs=2, num_workers=2, **kw)
    assert t == m
    out = []
    for lib in (torch, minitorch):
        out.append([plain(b) for b in lib.utils.data.DataLoader(
            Items(lib), num_workers=2, worker_init_fn=offset_init(lib), **kw)])
    assert out[0] == out[1]


def worker_collate(lib):
    def collate(batch):
        return lib.utils.data.get_worker_info().id, sorted(batch)
    return collate


def test_collate_fn_runs_in_the_worker_as_torch():
    out = []
    for lib in (torch, minitorch):
        out.append([plain(b) for b in lib.utils.data.DataLoader(
            list(range(7)), batch_size=2, num_workers=2, collate_fn=worker_collate(lib))])
    assert out[0] == out[1] == [[0, [0, 1]], [1, [2, 3]], [0, [4, 5]], [1, [6]]]


def failing_init(worker_id):
    if worker_id == 1:
        raise ValueError("init failed in worker 1")


def test_error_in_worker_init_fn_is_raised_when_that_workers_batch_is_due():
    for lib in (torch, minitorch):
        got = []
        with pytest.raises(ValueError, match="init failed in worker 1"):
            for b in lib.utils.data.DataLoader(Shards(lib), batch_size=3, num_workers=2,
                                               worker_init_fn=failing_init):
                got.append(b.tolist())
        assert got == [[0, 1, 2]]


def test_persistent_loader_returns_the_same_iterator_as_torch():
    for lib in (torch, minitorch):
        loader = lib.utils.data.DataLoader(list(range(4)), num_workers=2, persistent_workers=True)
        assert iter(loader) is iter(loader)
        assert [b.tolist() for b in loader] == [[0], [1], [2], [3]]


# ------------------------------------------------------------------ minitorch alone
def test_map_style_with_workers_gives_the_single_process_batches():
    x = minitorch.arange(30).float().reshape(10, 3)
    y = minitorch.arange(10)
    ds = TensorDataset(x, y)
    for kw in (dict(batch_size=3), dict(batch_size=4, drop_last=True), dict(batch_size=None)):
        single = [plain(b) for b in DataLoader(ds, **kw)]
        for n in (1, 2, 3):
            assert [plain(b) for b in DataLoader(ds, num_workers=n, **kw)] == single
    minitorch.manual_seed(4)
    a = [plain(b) for b in DataLoader(ds, batch_size=3, shuffle=True, num_workers=3)]
    minitorch.manual_seed(4)
    b = [plain(b) for b in DataLoader(ds, batch_size=3, shuffle=True)]
    assert a == b                  # shuffling does not depend on num_workers


class Probe(mud.IterableDataset):
    def __iter__(self):
        info = mud.get_worker_info()
        yield {"id": info.id, "seed": info.seed, "initial_seed": minitorch.initial_seed(),
               "np": np.random.randint(0, 2 ** 31), "py": random.random(),
               "mt": minitorch.rand(1).item(), "self": id(self), "dataset": id(info.dataset)}


def test_worker_seeds_follow_torch():
    ds = Probe()
    minitorch.manual_seed(0)
    out = list(DataLoader(ds, batch_size=None, num_workers=3))
    base = out[0]["seed"]
    for i, rec in enumerate(out):
        seed = base + i
        assert rec["id"] == i and rec["seed"] == seed and rec["initial_seed"] == seed
        np_seed = np.random.SeedSequence([i, base]).generate_state(4)
        assert rec["np"] == np.random.RandomState(np_seed).randint(0, 2 ** 31)
        assert rec["py"] == random.Random(seed).random()
        assert rec["mt"] == _rand_from(seed)
        assert rec["self"] == rec["dataset"] != id(ds)   # the worker runs on its copy
    # the NumPy seed is bit for bit torch's _generate_state
    gen_state = getattr(getattr(torch.utils.data._utils, "worker", None), "_generate_state", None)
    if gen_state is not None:
        for b, w in [(0, 0), (base, 2), (2 ** 63 - 1, 5)]:
            assert gen_state(b, w) == np.random.SeedSequence([w, b]).generate_state(4).tolist()


def _rand_from(seed):
    g = minitorch.Generator().manual_seed(seed)
    return minitorch.rand(1, generator=g).item()


def test_fresh_seeds_each_epoch_unless_persistent_and_reproducible():
    def seeds(loader):
        return [rec["seed"] for rec in loader]

    ds = Probe()
    loader = DataLoader(ds, batch_size=None, num_workers=2)
    minitorch.manual_seed(1)
    e1, e2 = seeds(loader), seeds(loader)
    assert e1 != e2 and e1[1] == e1[0] + 1
    minitorch.manual_seed(1)
    assert seeds(loader) == e1                         # reproducible under manual_seed
    g = minitorch.Generator().manual_seed(3)
    state = minitorch.get_rng_state()
    with_gen = DataLoader(ds, batch_size=None, num_workers=2, generator=g)
    s1 = seeds(with_gen)
    assert minitorch.equal(minitorch.get_rng_state(), state)   # drawn from the generator
    g.manual_seed(3)
    assert seeds(with_gen) == s1
    persistent = DataLoader(ds, batch_size=None, num_workers=2, persistent_workers=True)
    assert seeds(persistent) == seeds(persistent)


def test_worker_random_streams_are_isolated_from_the_main_process():
    class Draws(mud.Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return minitorch.rand(()).item() + np.random.rand() + random.random()

    minitorch.manual_seed(5)
    np_state, py_state = np.random.get_state(), random.getstate()
    a = [b.tolist() for b in DataLoader(Draws(), batch_size=2, num_workers=2)]
    after = minitorch.rand(3)
    assert random.getstate() == py_state
    assert all(np.array_equal(u, v) for u, v in zip(np.random.get_state(), np_state))
    minitorch.manual_seed(5)
    assert [b.tolist() for b in DataLoader(Draws(), batch_size=2, num_workers=2)] == a
    assert minitorch.equal(minitorch.rand(3), after)


def test_get_worker_info_is_none_in_the_loop_body_and_after():
    seen = []
    for _ in DataLoader(Shards(minitorch), batch_size=3, num_workers=2):
        seen.append(mud.get_worker_info())
    assert seen == [None] * 4 and mud.get_worker_info() is None


def test_early_break_then_a_new_epoch():
    for persistent in (False, True):
        loader = DataLoader(Shards(minitorch), batch_size=3, num_workers=2,
                            persistent_workers=persistent)
        for b in loader:
            break
        assert [b.tolist() for b in loader] == [[0, 1, 2], [4, 5, 6], [3], [7]]
        it = iter(loader)
        assert len(list(it)) == 4 and next(it, None) is None


class Unpicklable(mud.IterableDataset):
    """Holds a lock and a lambda: it cannot be pickled; the worker falls back."""

    def __init__(self):
        self.lock = threading.Lock()
        self.f = lambda i: i * 10
        self.data = np.arange(4)

    def __iter__(self):
        info = mud.get_worker_info()
        return iter(self.f(int(v)) for v in self.data[info.id::info.num_workers])


def test_dataset_that_cannot_be_pickled_still_loads():
    assert [b.tolist() for b in DataLoader(Unpicklable(), batch_size=2, num_workers=2)] == \
        [[0, 20], [10, 30]]


def test_copies_share_arrays_and_tensors_but_not_attributes():
    ds = TensorDataset(minitorch.arange(6))
    ds.tag = ["main"]
    copies = []

    def init(worker_id):
        info = mud.get_worker_info()
        info.dataset.tag.append(worker_id)
        copies.append(info.dataset)

    assert [b[0].tolist() for b in DataLoader(ds, batch_size=4, num_workers=2,
                                              worker_init_fn=init)] == [[0, 1, 2, 3], [4, 5]]
    assert ds.tag == ["main"] and [c.tag for c in copies] == [["main", 0], ["main", 1]]
    assert all(c is not ds and c.tensors[0] is ds.tensors[0] for c in copies)
