"""utils.data for real PyTorch programs, against torch.utils.data: lazy samplers (a
10**10-sample RandomSampler), WeightedRandomSampler, BatchSampler, DistributedSampler,
IterableDataset in the DataLoader, get_worker_info and worker_init_fn with num_workers > 0,
ChainDataset / StackDataset, sampler= / batch_sampler= / collate_fn=, and default_collate
over dicts, strings, NumPy arrays and scalars."""
import collections
import itertools
import tracemalloc

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import minitorch
import minitorch.utils.data as mud
from minitorch.utils.data import (BatchSampler, ChainDataset, DataLoader, DistributedSampler,
                                  IterableDataset, RandomSampler, SequentialSampler,
                                  StackDataset, SubsetRandomSampler, TensorDataset,
                                  WeightedRandomSampler)


def plain(x):
    """Tensors (either library) as (dtype name, nested list); containers walked."""
    if isinstance(x, (torch.Tensor, minitorch.Tensor)):
        return ("tensor", str(x.dtype).split(".")[-1], x.tolist())
    if isinstance(x, np.ndarray):
        return ("ndarray", str(x.dtype), x.tolist())
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__, *[plain(v) for v in x])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [plain(v) for v in x])
    return x


class Range(tud.IterableDataset, IterableDataset):
    """An iterable dataset usable by both libraries (it is an IterableDataset of each)."""

    def __init__(self, n, shard=False, lib=None):
        self.n, self.shard, self.lib = n, shard, lib

    def __iter__(self):
        start, stop = 0, self.n
        if self.shard:
            info = self.lib.utils.data.get_worker_info()
            if info is not None:      # torch's documented sharding recipe
                per = int(np.ceil(self.n / info.num_workers))
                start, stop = info.id * per, min(self.n, (info.id + 1) * per)
        for i in range(start, stop):
            yield {"x": np.full(2, i, dtype=np.float32), "y": i, "name": f"s{i}"}

    def __len__(self):
        return self.n


# ----------------------------------------------------------------------------- RandomSampler
def test_huge_random_sampler_with_replacement_is_lazy():
    ds = list(range(1000))
    sampler = RandomSampler(ds, replacement=True, num_samples=10 ** 10)
    assert len(sampler) == 10 ** 10
    tracemalloc.start()
    first = list(itertools.islice(iter(sampler), 100_000))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50_000_000, f"{peak} bytes for 100k of 10**10 samples"
    assert len(first) == 100_000 and min(first) >= 0 and max(first) <= 999
    assert all(type(i) is int for i in first[:10])
    loader = DataLoader(TensorDataset(minitorch.arange(1000)), batch_size=64, sampler=sampler)
    assert len(loader) == -(-10 ** 10 // 64) == len(tud.DataLoader(list(range(1000)), batch_size=64, sampler=tud.RandomSampler(range(1000), True, 10 ** 10)))
    (xb,) = next(iter(loader))
    assert tuple(xb.shape) == (64,)
    w = WeightedRandomSampler([1.0, 2.0, 0.0], num_samples=10 ** 10)
    assert set(itertools.islice(iter(w), 5000)) == {0, 1}


def test_random_sampler_passes_and_reproducibility():
    ds = list(range(7))
    for m in (7, 3, 20):
        out = list(RandomSampler(ds, num_samples=m))
        assert len(out) == m
        for k in range(m // 7):                      # every full pass is a permutation
            assert sorted(out[7 * k: 7 * k + 7]) == list(range(7))
        assert len(set(out[7 * (m // 7):])) == m % 7
    g = minitorch.Generator().manual_seed(5)
    a = list(RandomSampler(ds, generator=g))
    b = list(RandomSampler(ds, generator=minitorch.Generator().manual_seed(5)))
    assert a == b
    minitorch.manual_seed(3)
    c = [list(RandomSampler(ds)) for _ in range(2)]
    minitorch.manual_seed(3)
    d = [list(RandomSampler(ds)) for _ in range(2)]
    assert c == d and c[0] != c[1] or sorted(c[0]) == list(range(7))
    # torch's argument errors
    for kw in (dict(num_samples=0), dict(num_samples=-1)):
        with pytest.raises(ValueError):
            RandomSampler(ds, **kw)
        with pytest.raises(ValueError):
            tud.RandomSampler(ds, **kw)
    with pytest.raises(TypeError):
        RandomSampler(ds, replacement=1)


def test_weighted_random_sampler_distribution_and_errors():
    weights = [0.1, 0.0, 0.6, 0.3]
    g = minitorch.Generator().manual_seed(0)
    draws = np.array(list(WeightedRandomSampler(weights, 40_000, generator=g)))
    freq = np.bincount(draws, minlength=4) / len(draws)
    np.testing.assert_allclose(freq, weights, atol=0.01)
    nr = list(WeightedRandomSampler(minitorch.tensor([1.0, 1.0, 0.0, 1.0]), 3,
                                    replacement=False))
    assert sorted(nr) == [0, 1, 3]
    assert len(WeightedRandomSampler(weights, 17)) == 17
    for bad in (dict(num_samples=0), dict(num_samples=True), dict(replacement=1)):
        kw = dict(num_samples=3, replacement=True)
        kw.update(bad)
        with pytest.raises(ValueError):
            WeightedRandomSampler(weights, **kw)
        with pytest.raises(ValueError):
            tud.WeightedRandomSampler(weights, **kw)


@pytest.mark.parametrize("sampler, bs, drop_last", [
    (range(10), 3, False), (range(10), 3, True), (range(9), 3, True), (range(2), 5, False),
    ([4, 1, 7, 7], 2, False),
])
def test_batch_sampler_matches_torch(sampler, bs, drop_last):
    mine = BatchSampler(sampler, bs, drop_last)
    ref = tud.BatchSampler(sampler, bs, drop_last)
    assert list(mine) == list(ref)
    assert len(mine) == len(ref)
    seq = SequentialSampler(list(sampler))
    assert list(BatchSampler(seq, bs, drop_last)) == list(
        tud.BatchSampler(tud.SequentialSampler(list(sampler)), bs, drop_last))
    for bad in (0, -1, 2.0, True):
        with pytest.raises(ValueError):
            BatchSampler(sampler, bad, drop_last)
    with pytest.raises(ValueError):
        BatchSampler(sampler, 2, "yes")


def test_subset_random_sampler():
    idx = [10, 3, 8, 21]
    out = list(SubsetRandomSampler(idx, generator=minitorch.Generator().manual_seed(1)))
    assert sorted(out) == sorted(idx) and len(SubsetRandomSampler(idx)) == 4
    again = list(SubsetRandomSampler(idx, generator=minitorch.Generator().manual_seed(1)))
    assert out == again


# ----------------------------------------------------------------------------- Distributed
@pytest.mark.parametrize("n, replicas, drop_last", [
    (10, 3, False), (10, 3, True), (12, 4, False), (3, 5, False), (2, 7, False), (11, 2, True),
])
def test_distributed_sampler_without_shuffle_matches_torch(n, replicas, drop_last):
    ds = list(range(n))
    for rank in range(replicas):
        mine = DistributedSampler(ds, num_replicas=replicas, rank=rank, shuffle=False,
                                  drop_last=drop_last)
        ref = tud.DistributedSampler(ds, num_replicas=replicas, rank=rank, shuffle=False,
                                     drop_last=drop_last)
        assert list(mine) == list(ref), rank
        assert len(mine) == len(ref) and mine.total_size == ref.total_size


@pytest.mark.parametrize("n, replicas, drop_last", [(10, 3, False), (10, 3, True),
                                                    (3, 5, False)])
def test_distributed_sampler_shuffle_shares_are_torchs_shape(n, replicas, drop_last):
    """Same share sizes as torch; together the shares cover the padded (or cut) dataset;
    every replica uses the same permutation; set_epoch changes it."""
    ds = list(range(n))

    def shares(epoch, seed=0):
        out = []
        for rank in range(replicas):
            s = DistributedSampler(ds, num_replicas=replicas, rank=rank, seed=seed,
                                   drop_last=drop_last)
            s.set_epoch(epoch)
            out.append(list(s))
        return out

    ref = [len(tud.DistributedSampler(ds, num_replicas=replicas, rank=r, drop_last=drop_last))
           for r in range(replicas)]
    a = shares(0)
    assert [len(x) for x in a] == ref
    flat = [i for x in a for i in x]
    if drop_last:
        assert len(set(flat)) == len(flat)            # disjoint
    else:
        assert set(flat) == set(ds)                   # all covered (some twice, as padding)
    assert shares(0) == a
    assert any(shares(e) != a for e in (1, 2, 3)) or n <= 1
    assert any(shares(0, seed=s) != a for s in (1, 2, 3))


def test_distributed_sampler_errors_and_loader():
    with pytest.raises(ValueError, match="Invalid rank 3"):
        DistributedSampler(list(range(5)), num_replicas=3, rank=3)
    with pytest.raises(RuntimeError, match="distributed"):
        DistributedSampler(list(range(5)))
    from minitorch.utils.data.distributed import DistributedSampler as D
    assert D is DistributedSampler
    x = minitorch.arange(10)
    s = DistributedSampler(TensorDataset(x), num_replicas=2, rank=1, shuffle=False)
    batches = [b[0].tolist() for b in DataLoader(TensorDataset(x), batch_size=2, sampler=s)]
    assert batches == [[1, 3], [5, 7], [9]]


# ----------------------------------------------------------------------------- IterableDataset
@pytest.mark.parametrize("kw", [dict(batch_size=None), dict(batch_size=3),
                                dict(batch_size=3, drop_last=True), dict(batch_size=4),
                                dict(batch_size=2, collate_fn=lambda b: [s["y"] for s in b])])
def test_iterable_dataset_in_dataloader_matches_torch(kw):
    mine = list(DataLoader(Range(10), **kw))
    ref = list(tud.DataLoader(Range(10), **kw))
    assert plain(mine) == plain(ref)
    assert len(DataLoader(Range(10), **kw)) == len(tud.DataLoader(Range(10), **kw))


def test_iterable_dataset_rejects_shuffle_and_samplers_like_torch():
    for kw in (dict(shuffle=True), dict(sampler=[0, 1]), dict(batch_sampler=[[0]])):
        with pytest.raises(ValueError):
            DataLoader(Range(3), **kw)
        with pytest.raises(ValueError):
            tud.DataLoader(Range(3), **kw)


def test_worker_info_and_worker_init_fn_with_workers():
    assert mud.get_worker_info() is None
    seen = []

    class Probe(IterableDataset):
        def __iter__(self):
            info = mud.get_worker_info()
            seen.append(info)
            return iter(range(5))

    list(DataLoader(Probe(), batch_size=2))
    assert seen == [None]                              # num_workers=0: the main process
    seen.clear()
    inits = []
    loader = DataLoader(Probe(), batch_size=2, num_workers=3,
                        worker_init_fn=lambda wid: inits.append((wid, mud.get_worker_info())))
    assert [b.tolist() for b in loader] == [[0, 1]] * 3 + [[2, 3]] * 3 + [[4]] * 3
    assert [(i.id, i.num_workers) for i in seen] == [(0, 3), (1, 3), (2, 3)]
    info = seen[0]
    assert info.dataset is not loader.dataset and isinstance(info.dataset, Probe)
    assert isinstance(info.seed, int) and seen[1].seed == info.seed + 1
    assert [w for w, _ in inits] == [0, 1, 2] and inits[0][1] is info
    with pytest.raises(RuntimeError):
        info.id = 4
    assert mud.get_worker_info() is None               # outside iteration again
    list(loader)
    assert len(inits) == 6                             # 3 workers restart every epoch
    persistent = DataLoader(Probe(), batch_size=2, num_workers=2, persistent_workers=True,
                            worker_init_fn=lambda wid: inits.append(wid))
    list(persistent)
    list(persistent)
    assert len(inits) == 8                             # persistent workers start once
    # a sharded stream yields everything once, as torch's workers together do
    sharded = [b["y"].tolist() for b in DataLoader(Range(11, True, minitorch), batch_size=4,
                                                   num_workers=4)]
    assert sorted(sum(sharded, [])) == list(range(11))


def test_dataloader_accepts_torchs_arguments():
    ds = TensorDataset(minitorch.arange(10).float(), minitorch.arange(10))
    g = minitorch.Generator().manual_seed(0)
    loader = DataLoader(ds, batch_size=4, shuffle=True, num_workers=2, pin_memory=True,
                        timeout=5, worker_init_fn=lambda i: None, prefetch_factor=3,
                        persistent_workers=True, generator=g, multiprocessing_context="spawn",
                        pin_memory_device="", in_order=True)
    got = sorted(sum((b[1].tolist() for b in loader), []))
    assert got == list(range(10))
    with pytest.raises(ValueError, match="prefetch_factor"):
        DataLoader(ds, prefetch_factor=2)
    with pytest.raises(ValueError):
        tud.DataLoader(ds, prefetch_factor=2)
    with pytest.raises(ValueError, match="persistent_workers"):
        DataLoader(ds, persistent_workers=True)
    with pytest.raises(ValueError):
        DataLoader(ds, num_workers=-1)


@pytest.mark.parametrize("make", [
    lambda lib: dict(sampler=[3, 1, 2, 0, 4, 5], batch_size=2),
    lambda lib: dict(sampler=lib.utils.data.SequentialSampler(range(6)), batch_size=4,
                     drop_last=True),
    lambda lib: dict(batch_sampler=[[0, 1], [5], [2, 3, 4]]),
    lambda lib: dict(batch_sampler=lib.utils.data.BatchSampler(range(6), 4, False)),
    lambda lib: dict(batch_size=None),
    lambda lib: dict(batch_size=4, collate_fn=lambda b: {"n": len(b), "first": b[0]}),
    lambda lib: dict(batch_size=3, collate_fn=lambda b: b),
])
def test_sampler_batch_sampler_and_collate_fn_match_torch(make):
    class Items:
        def __getitem__(self, i):
            return {"x": np.arange(3, dtype=np.float64) + i, "label": i, "name": f"n{i}",
                    "pair": (i, float(i) / 2)}

        def __len__(self):
            return 6

    mine = list(DataLoader(Items(), **make(minitorch)))
    ref = list(tud.DataLoader(Items(), **make(torch)))
    assert plain(mine) == plain(ref)


# ----------------------------------------------------------------------------- datasets
def test_chain_and_stack_datasets_match_torch():
    mine = list(ChainDataset([Range(3), Range(2)]))
    ref = list(tud.ChainDataset([Range(3), Range(2)]))
    assert plain(mine) == plain(ref) and len(ChainDataset([Range(3), Range(2)])) == 5
    a, b = list(range(4)), [x * 10 for x in range(4)]
    assert list(StackDataset(a, b)[i] for i in range(4)) == \
        list(tud.StackDataset(a, b)[i] for i in range(4))
    assert StackDataset(x=a, y=b)[2] == tud.StackDataset(x=a, y=b)[2] == {"x": 2, "y": 20}
    assert len(StackDataset(a, b)) == 4
    with pytest.raises(ValueError):
        StackDataset(a, [1])
    loader = DataLoader(StackDataset(x=a, y=b), batch_size=3)
    assert plain(list(loader)) == plain(list(tud.DataLoader(tud.StackDataset(x=a, y=b),
                                                            batch_size=3)))
    class Mine(IterableDataset):
        def __iter__(self):
            return iter([1, 2])

    chained = Mine() + Mine()
    assert isinstance(chained, ChainDataset) and list(chained) == [1, 2, 1, 2]


# ----------------------------------------------------------------------------- collate
Point = collections.namedtuple("Point", "x y")


def _has_dtype(name):
    return isinstance(getattr(minitorch, name, None), minitorch.dtype) if hasattr(
        minitorch, "dtype") else hasattr(minitorch, name)


COLLATE_CASES = {
    "np_f32": [np.ones(3, np.float32), np.zeros(3, np.float32)],
    "np_f64_2d": [np.ones((2, 2)), np.zeros((2, 2))],
    "np_i64": [np.arange(3), np.arange(3)],
    "np_bool": [np.array([True, False])] * 2,
    "np_0d": [np.array(1.5), np.array(2.5)],
    "np_f16": [np.ones(2, np.float16)] * 2,
    "np_scalar_f64": [np.float64(1.5), np.float64(2)],
    "np_scalar_f32": [np.float32(1.5), np.float32(2)],
    "np_scalar_i32": [np.int32(1), np.int32(2)],
    "np_scalar_bool": [np.bool_(True), np.bool_(False)],
    "float": [1.0, 2.5], "int": [1, 2], "bool": [True, False], "int_then_float": [1, 2.5],
    "str": ["a", "bc"], "bytes": [b"a", b"b"],
    "dict": [{"x": np.ones(2), "y": 1, "s": "a"}, {"x": np.zeros(2), "y": 2, "s": "b"}],
    "tuple": [(np.ones(2, np.float32), 0), (np.zeros(2, np.float32), 1)],
    "list": [[1, 2.0], [3, 4.0]],
    "namedtuple": [Point(1, 2.0), Point(3, 4.0)],
    "nested": [{"a": [(1, "x")], "b": {"c": np.float32(1)}},
               {"a": [(2, "y")], "b": {"c": np.float32(2)}}],
    "ordered": [collections.OrderedDict(b=1, a=2.0), collections.OrderedDict(b=3, a=4.0)],
}
for _name, _np in (("uint8", np.uint8), ("int8", np.int8), ("int16", np.int16)):
    if _has_dtype(_name):
        COLLATE_CASES[f"np_{_name}"] = [np.ones((2, 2), _np)] * 2
        COLLATE_CASES[f"np_scalar_{_name}"] = [_np(1), _np(2)]


@pytest.mark.parametrize("name", sorted(COLLATE_CASES))
def test_default_collate_matches_torch(name):
    batch = COLLATE_CASES[name]
    mine, ref = mud.default_collate(batch), tud.default_collate(batch)
    assert type(mine).__name__ == type(ref).__name__
    assert plain(mine) == plain(ref)


@pytest.mark.parametrize("batch", [[np.array(["a", "b"])] * 2, [object(), object()],
                                   [{"a": 1}, {"b": 1}], [(1, 2), (1,)]])
def test_default_collate_errors_like_torch(batch):
    with pytest.raises((TypeError, KeyError, RuntimeError)) as mine:
        mud.default_collate(batch)
    with pytest.raises((TypeError, KeyError, RuntimeError)) as ref:
        tud.default_collate(batch)
    assert issubclass(mine.type, ref.type) or issubclass(ref.type, mine.type)


def test_default_convert_matches_torch():
    sample = {"a": np.ones(2, np.float32), "b": (np.float64(1.0), "s", 3), "c": [np.arange(2)]}
    assert plain(mud.default_convert(sample)) == plain(tud.default_convert(sample))
