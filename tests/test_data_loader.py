"""minitorch.utils.data against torch.utils.data: datasets, random_split, samplers,
default_collate / default_convert and the DataLoader."""
import collections
import math
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import minitorch
import minitorch.utils.data as mud
from minitorch.utils.data import (DataLoader, TensorDataset, Subset, ConcatDataset, Dataset,
                                  IterableDataset, StackDataset, random_split, default_collate,
                                  default_convert, SequentialSampler, RandomSampler,
                                  BatchSampler, SubsetRandomSampler, WeightedRandomSampler)

Point = collections.namedtuple("Point", ["x", "y"])


# ---------------------------------------------------------------------------- helpers
def assert_same(mine, theirs, where="out"):
    """Same structure (container types), same tensor dtypes, shapes and values."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(mine, minitorch.Tensor), f"{where}: {type(mine).__name__}, want a tensor"
        assert str(mine.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1], \
            f"{where}: dtype {mine.dtype} vs torch {theirs.dtype}"
        assert tuple(mine.shape) == tuple(theirs.shape), f"{where}: shape"
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy(), err_msg=where)
    elif isinstance(theirs, dict):
        assert type(mine) is type(theirs), f"{where}: {type(mine)} vs {type(theirs)}"
        assert list(mine) == list(theirs), f"{where}: keys"
        for k in theirs:
            assert_same(mine[k], theirs[k], f"{where}[{k!r}]")
    elif isinstance(theirs, (list, tuple)):
        assert type(mine) is type(theirs), f"{where}: {type(mine)} vs {type(theirs)}"
        assert len(mine) == len(theirs), f"{where}: length"
        for k, (a, b) in enumerate(zip(mine, theirs)):
            assert_same(a, b, f"{where}[{k}]")
    else:
        assert type(mine) is type(theirs) and mine == theirs, f"{where}: {mine!r} vs {theirs!r}"


def both(make):
    """make(T) builds a sample with T = tensor constructor; returns (minitorch, torch)."""
    return make(minitorch.tensor), make(torch.tensor)


def labels_of(loader, k=1):
    return np.concatenate([b[k].numpy() for b in loader]).tolist()


def xy(n=10, d=3):
    x = minitorch.arange(n * d, dtype=minitorch.float32).reshape(n, d)
    y = minitorch.arange(n)
    return x, y


# ---------------------------------------------------------------------------- datasets
def test_tensor_dataset_indexing_and_len():
    x, y = xy(7)
    ds = TensorDataset(x, y)
    assert len(ds) == 7
    a, b = ds[3]
    np.testing.assert_array_equal(a.numpy(), x.numpy()[3])
    assert b.item() == 3 and b.dtype == minitorch.int64
    a, b = ds[-1]
    assert b.item() == 6


def test_tensor_dataset_errors():
    with pytest.raises(ValueError, match=r"Size mismatch.*tensor 1 has 4"):
        TensorDataset(minitorch.zeros(5, 2), minitorch.zeros(4))
    with pytest.raises(TypeError, match="argument 1 must be a minitorch Tensor, got ndarray"):
        TensorDataset(minitorch.zeros(5), np.zeros(5))
    with pytest.raises(ValueError, match="at least one tensor"):
        TensorDataset()
    with pytest.raises(ValueError, match="0-dimensional"):
        TensorDataset(minitorch.tensor(1.0))


def test_dataset_base_and_add():
    class Squares(Dataset):
        def __init__(self, n):
            self.n = n

        def __getitem__(self, i):
            if not 0 <= i < self.n:
                raise IndexError(i)
            return i * i

        def __len__(self):
            return self.n

    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]
    cat = Squares(3) + Squares(2)
    assert isinstance(cat, ConcatDataset)
    assert [cat[i] for i in range(len(cat))] == [0, 1, 4, 0, 1]


def test_concat_dataset_matches_torch():
    parts = [list(range(3)), list(range(10, 12)), [], list(range(20, 24))]
    mine, theirs = ConcatDataset(parts), tud.ConcatDataset(parts)
    assert len(mine) == len(theirs) == 9
    assert mine.cumulative_sizes == theirs.cumulative_sizes
    for i in range(-9, 9):
        assert mine[i] == theirs[i]
    with pytest.raises(ValueError, match="absolute value of index"):
        mine[-10]
    with pytest.raises(IndexError, match="index 9 is out of range for length 9"):
        mine[9]
    with pytest.raises(ValueError, match="empty iterable"):
        ConcatDataset([])


def test_subset_indexing():
    ds = list(range(100, 110))
    sub = Subset(ds, [9, 0, 5])
    assert len(sub) == 3 and [sub[i] for i in range(3)] == [109, 100, 105]
    assert sub[-1] == 105
    assert sub.__getitems__([2, 0]) == [105, 109]
    # a Subset of a TensorDataset, list index goes through in one read
    x, y = xy(10)
    s = Subset(TensorDataset(x, y), [4, 2])
    np.testing.assert_array_equal(s[[0, 1]][1].numpy(), [4, 2])
    assert Subset(ds, minitorch.tensor([3, 1])).indices == [3, 1]


def test_stack_dataset():
    a, b = list(range(3)), list("abc")
    assert StackDataset(a, b)[1] == (1, "b")
    assert StackDataset(n=a, s=b)[2] == {"n": 2, "s": "c"}
    assert len(StackDataset(a, b)) == 3
    with pytest.raises(ValueError, match="Size mismatch"):
        StackDataset(a, [1])
    with pytest.raises(ValueError, match="At least one"):
        StackDataset()


# ---------------------------------------------------------------------------- random_split
@pytest.mark.parametrize("n,lengths", [(10, [0.5, 0.5]), (5, [0.5, 0.5]), (7, [0.3, 0.3, 0.4]),
                                       (11, [0.1, 0.2, 0.7]), (3, [1 / 3, 1 / 3, 1 / 3]),
                                       (100, [0.8, 0.1, 0.1]), (10, [3, 7]), (6, [0, 6])])
def test_random_split_lengths_match_torch(n, lengths):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine = random_split(list(range(n)), lengths)
        theirs = tud.random_split(list(range(n)), lengths)
    assert [len(s) for s in mine] == [len(s) for s in theirs]
    seen = [s[i] for s in mine for i in range(len(s))]
    assert sorted(seen) == list(range(n))      # disjoint and covering
    assert all(isinstance(s, Subset) for s in mine)


def test_random_split_seeded():
    ds = list(range(50))
    minitorch.manual_seed(3)
    a = [s.indices for s in random_split(ds, [20, 30])]
    minitorch.manual_seed(3)
    b = [s.indices for s in random_split(ds, [20, 30])]
    c = [s.indices for s in random_split(ds, [20, 30])]
    assert a == b and a != c
    g = lambda: minitorch.Generator().manual_seed(42)  # noqa: E731
    state = minitorch.get_rng_state()
    d = [s.indices for s in random_split(ds, [0.2, 0.8], generator=g())]
    e = [s.indices for s in random_split(ds, [0.2, 0.8], generator=g())]
    assert d == e and [len(x) for x in d] == [10, 40]
    assert minitorch.equal(minitorch.get_rng_state(), state)   # a generator leaves the default one alone


def test_random_split_zero_length_warns_and_errors():
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(list(range(2)), [0.9, 0.1])
    with pytest.raises(ValueError, match=r"Sum of input lengths .*sum to 9, dataset has 10"):
        random_split(list(range(10)), [4, 5])
    with pytest.raises(ValueError, match="Fraction at index 1 is not between 0 and 1"):
        random_split(list(range(10)), [0.6, -0.1, 0.5])
    with pytest.raises(ValueError, match="lengths\\[0\\] = 2.5"):
        random_split(list(range(10)), [2.5, 7.5])
    with pytest.raises(TypeError, match="lengths\\[1\\] must be an int or a float, got str"):
        random_split(list(range(10)), [5, "5"])


# ---------------------------------------------------------------------------- collate
def _cases():
    return {
        "ints": lambda T: [1, 2, 3],
        "floats": lambda T: [1.5, 2.0, -3.25],
        "bools": lambda T: [True, False, True],
        "int_then_float": lambda T: [1, 2.5],
        "strings": lambda T: ["a", "bc"],
        "bytes": lambda T: [b"a", b"bc"],
        "tensors_f32": lambda T: [T(np.arange(6, dtype=np.float32).reshape(2, 3)) + i
                                  for i in range(4)],
        "tensors_i64": lambda T: [T(np.arange(3)) * i for i in range(3)],
        "tensors_0d": lambda T: [T(float(i)) for i in range(3)],
        "arrays": lambda T: [np.full((2, 2), i, dtype=np.float64) for i in range(3)],
        "arrays_i32": lambda T: [np.arange(4, dtype=np.int32) + i for i in range(2)],
        "arrays_bool": lambda T: [np.array([i % 2 == 0, True]) for i in range(3)],
        "np_scalars": lambda T: [np.float32(1.5), np.float32(2.5)],
        "np_int_scalars": lambda T: [np.int64(1), np.int64(-2)],
        "np_0d_arrays": lambda T: [np.array(1.5), np.array(2.5)],
        "tuples": lambda T: [(T(np.ones(2, np.float32) * i), i, float(i), f"s{i}")
                             for i in range(3)],
        "lists": lambda T: [[i, [i * 1.0, True]] for i in range(3)],
        "dicts": lambda T: [{"img": np.zeros((1, 2), np.float32) + i, "label": i,
                             "meta": {"name": f"n{i}", "w": 0.5 * i}} for i in range(3)],
        "namedtuples": lambda T: [Point(T(np.array([i, i + 1], np.float32)), i) for i in range(2)],
        "nested": lambda T: [({"a": [Point(i, float(i))]}, [np.array([i])]) for i in range(2)],
    }


@pytest.mark.parametrize("name", list(_cases()))
def test_default_collate_matches_torch(name):
    mine, theirs = both(_cases()[name])
    assert_same(default_collate(mine), tud.default_collate(theirs))


def test_default_collate_dtypes_follow_torch():
    # torch turns Python floats into float64 (not the default dtype) and ints into int64
    assert default_collate([1.0, 2.0]).dtype == minitorch.float64
    assert default_collate([1, 2]).dtype == minitorch.int64
    assert default_collate([True]).dtype == minitorch.bool
    assert default_collate([np.float32(1)]).dtype == minitorch.float32
    # uint8 arrays (images) stay uint8, as in torch
    out = default_collate([np.array([1, 255], np.uint8)])
    assert out.dtype == minitorch.uint8 and out.tolist() == [[1, 255]]


def test_default_collate_keeps_the_graph():
    w = minitorch.ones(3, requires_grad=True)
    batch = default_collate([w * 2, w * 3])
    batch.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [5, 5, 5])
    with minitorch.no_grad():
        assert default_collate([w, w]).requires_grad is False


def test_default_collate_mixed_tensor_dtypes_promote_like_torch():
    mine = default_collate([minitorch.tensor([1, 2]), minitorch.tensor([0.5, 1.5])])
    theirs = tud.default_collate([torch.tensor([1, 2]), torch.tensor([0.5, 1.5])])
    assert_same(mine, theirs)


@pytest.mark.parametrize("name", ["ints", "tuples", "dicts", "namedtuples", "arrays",
                                  "np_scalars", "nested", "strings"])
def test_default_convert_matches_torch(name):
    mine, theirs = both(_cases()[name])
    for a, b in zip(mine, theirs):
        assert_same(default_convert(a), tud.default_convert(b))


@pytest.mark.parametrize("batch,exc,msg", [
    ([object()], TypeError, "batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                            "found <class 'object'>"),
    ([np.array(["a"])], TypeError, "found <U1"),
    ([[1, 2], [3]], RuntimeError, "equal size: sample 0 has 2 items but sample 1 has 1"),
    ([minitorch.zeros(2), minitorch.zeros(3)], RuntimeError,
     r"equal size, but got \[2\] at entry 0 and \[3\] at entry 1"),
    ([{"x": (minitorch.zeros(2),)}, {"x": (minitorch.zeros(3),)}], RuntimeError,
     r"at entry 1 \(at sample\['x'\]\[0\]\)"),
    ([{"x": 1}, {"y": 2}], KeyError, "sample 1 has no key 'x'"),
    ([1, "a"], TypeError, "sample 1 is of type str but sample 0 is of type int"),
    ([{"p": Point(1, 2)}, {"p": Point(object(), 2)}], TypeError, r"at sample\['p'\]\.x"),
    ([(1, 2), 3], TypeError, "sample 1 is of type int but sample 0 is of type tuple"),
    ([], IndexError, "empty"),
])
def test_default_collate_errors(batch, exc, msg):
    with pytest.raises(exc, match=msg):
        default_collate(batch)


def test_default_collate_errors_like_torch():
    # the same inputs fail in torch with the same exception types
    for batch, exc in [([object()], TypeError), ([[1, 2], [3]], RuntimeError),
                       ([np.array(["a"])], TypeError)]:
        with pytest.raises(exc):
            tud.default_collate(batch)
        with pytest.raises(exc):
            default_collate(batch)


# ---------------------------------------------------------------------------- DataLoader
def test_batches_in_order_with_partial_last_batch():
    x, y = xy(10)
    loader = DataLoader(TensorDataset(x, y), batch_size=4)
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    assert [tuple(b[0].shape) for b in batches] == [(4, 3), (4, 3), (2, 3)]
    assert all(isinstance(b, list) and len(b) == 2 for b in batches)
    np.testing.assert_array_equal(batches[2][0].numpy(), x.numpy()[8:])
    assert labels_of(loader) == list(range(10))
    assert batches[0][0].dtype == minitorch.float32 and batches[0][1].dtype == minitorch.int64


@pytest.mark.parametrize("n,bs,drop_last", [(10, 4, False), (10, 4, True), (12, 4, True),
                                             (12, 4, False), (3, 5, False), (3, 5, True),
                                             (1, 1, False), (0, 2, False)])
def test_len_and_drop_last_match_torch(n, bs, drop_last):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    mine = DataLoader(TensorDataset(minitorch.tensor(x)), batch_size=bs, drop_last=drop_last)
    theirs = tud.DataLoader(tud.TensorDataset(torch.tensor(x)), batch_size=bs,
                            drop_last=drop_last)
    assert len(mine) == len(theirs)
    got, want = list(mine), list(theirs)
    assert len(got) == len(want) == len(mine)
    for a, b in zip(got, want):
        assert_same(a, b)


def test_drop_last_shuffled():
    x, y = xy(10)
    loader = DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True, drop_last=True)
    assert len(loader) == 2
    for _ in range(3):
        batches = list(loader)
        assert [len(b[1]) for b in batches] == [4, 4]
        assert len(set(labels_of(batches))) == 8


def test_shuffle_reproducible_under_manual_seed_and_fresh_each_epoch():
    x, y = xy(50)
    loader = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True)
    minitorch.manual_seed(0)
    e1, e2 = labels_of(loader), labels_of(loader)
    minitorch.manual_seed(0)
    f1, f2 = labels_of(loader), labels_of(loader)
    assert e1 == f1 and e2 == f2          # reproducible
    assert e1 != e2                       # a fresh permutation each epoch
    assert sorted(e1) == sorted(e2) == list(range(50))    # every index exactly once
    assert e1 != list(range(50))


def test_shuffle_with_generator():
    x, y = xy(40)
    ds = TensorDataset(x, y)
    loader = lambda: DataLoader(ds, batch_size=16, shuffle=True,  # noqa: E731
                                generator=minitorch.Generator().manual_seed(7))
    a, b = loader(), loader()
    state = minitorch.get_rng_state()
    a1, a2 = labels_of(a), labels_of(a)
    b1, b2 = labels_of(b), labels_of(b)
    assert (a1, a2) == (b1, b2) and a1 != a2
    assert sorted(a1) == list(range(40))
    assert minitorch.equal(minitorch.get_rng_state(), state)
    # a different seed, a different order
    c = DataLoader(ds, batch_size=16, shuffle=True, generator=minitorch.Generator().manual_seed(8))
    assert labels_of(c) != a1


def test_fast_path_equals_per_sample_path():
    x = minitorch.randn(37, 2, 3)
    y = minitorch.randint(0, 5, (37,))
    w = minitorch.rand(37, dtype=minitorch.float64)
    ds = TensorDataset(x, y, w)
    for dataset in (ds, Subset(ds, list(range(36, -1, -2)))):
        fast = list(DataLoader(dataset, batch_size=5))
        slow = list(DataLoader(dataset, batch_size=5, collate_fn=lambda b: default_collate(b)))
        assert len(fast) == len(slow)
        for a, b in zip(fast, slow):
            assert type(a) is type(b) is list
            for s, t in zip(a, b):
                assert s.dtype == t.dtype and s.shape == t.shape
                np.testing.assert_array_equal(s.numpy(), t.numpy())


def test_fast_path_respects_overridden_getitem():
    class Doubled(TensorDataset):
        def __getitem__(self, i):
            x, y = super().__getitem__(i)
            return x * 2, y

    x, y = xy(6)
    (xb, yb), = list(DataLoader(Doubled(x, y), batch_size=6))
    np.testing.assert_array_equal(xb.numpy(), 2 * x.numpy())


def test_fast_path_over_random_split():
    x, y = xy(30)
    minitorch.manual_seed(1)
    train, val = random_split(TensorDataset(x, y), [0.8, 0.2])
    got = labels_of(DataLoader(train, batch_size=7, shuffle=True)) + labels_of(
        DataLoader(val, batch_size=7))
    assert sorted(got) == list(range(30))
    assert labels_of(DataLoader(val, batch_size=7)) == val.indices


def test_batch_size_none_yields_single_samples():
    ds = [np.array([i, i]) for i in range(3)]
    mine = list(DataLoader(ds, batch_size=None))
    theirs = list(tud.DataLoader(ds, batch_size=None))
    assert len(mine) == 3 and len(DataLoader(ds, batch_size=None)) == 3
    for a, b in zip(mine, theirs):
        assert_same(a, b)


def test_dict_samples_and_custom_collate():
    class D(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": np.full(2, i, np.float32), "y": i, "name": f"s{i}"}

    (b1, b2) = list(DataLoader(D(), batch_size=3))
    assert b1["x"].shape == (3, 2) and b1["y"].tolist() == [0, 1, 2] and b2["name"] == ["s3", "s4"]
    seen = list(DataLoader(D(), batch_size=2, collate_fn=lambda b: [s["y"] for s in b]))
    assert seen == [[0, 1], [2, 3], [4]]


def test_python_list_dataset_matches_torch():
    data = [(float(i), i, np.float32(i) / 2) for i in range(7)]
    for a, b in zip(DataLoader(data, batch_size=3), tud.DataLoader(data, batch_size=3)):
        assert_same(a, b)


def test_samplers():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    minitorch.manual_seed(5)
    rs = RandomSampler(range(10))
    p1, p2 = list(rs), list(rs)
    assert sorted(p1) == list(range(10)) and p1 != p2 and len(rs) == 10
    more = list(RandomSampler(range(4), num_samples=10))
    assert len(more) == 10 and sorted(more[:4]) == sorted(more[4:8]) == [0, 1, 2, 3]
    rep = list(RandomSampler(range(3), replacement=True, num_samples=50))
    assert len(rep) == 50 and set(rep) <= {0, 1, 2}
    assert sorted(SubsetRandomSampler([5, 7, 9])) == [5, 7, 9]
    w = list(WeightedRandomSampler([0.0, 1.0, 3.0], 100))
    assert len(w) == 100 and 0 not in w
    nr = list(WeightedRandomSampler([1.0, 1.0, 0.0, 1.0], 3, replacement=False))
    assert sorted(nr) == [0, 1, 3]
    for drop_last in (False, True):
        mine = list(BatchSampler(SequentialSampler(range(10)), 3, drop_last))
        theirs = list(tud.BatchSampler(tud.SequentialSampler(range(10)), 3, drop_last))
        assert mine == theirs
        assert len(BatchSampler(range(10), 3, drop_last)) == len(theirs)


def test_sampler_and_batch_sampler_options():
    x, y = xy(10)
    ds = TensorDataset(x, y)
    loader = DataLoader(ds, batch_size=4, sampler=list(range(9, -1, -1)))
    assert labels_of(loader) == list(range(9, -1, -1))
    loader = DataLoader(ds, batch_sampler=[[0, 1], [5], [9, 8, 7]])
    assert [b[1].tolist() for b in loader] == [[0, 1], [5], [9, 8, 7]]
    assert len(loader) == 3 and loader.batch_size is None


def test_sampler_errors():
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean"):
        BatchSampler(range(3), 2, 1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler([])
    with pytest.raises(TypeError, match="replacement should be a boolean"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="weights should be a 1d sequence"):
        WeightedRandomSampler([[1.0]], 1)
    with pytest.raises(ValueError, match="non-negative"):
        WeightedRandomSampler([1.0, -1.0], 1)


@pytest.mark.parametrize("kwargs,msg", [
    (dict(batch_size=4, shuffle=True, sampler=[0, 1]), "sampler option is mutually exclusive"),
    (dict(batch_size=4, batch_sampler=[[0]]), "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler=[[0]], drop_last=True), "batch_sampler option is mutually exclusive"),
    (dict(batch_size=None, drop_last=True), "batch_size=None option disables auto-batching"),
    (dict(num_workers=-1), "num_workers option should be"),
    (dict(timeout=-1), "timeout option should be non-negative"),
    (dict(prefetch_factor=2), "prefetch_factor option could only be specified"),
    (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
    (dict(batch_size=0), "batch_size should be a positive integer"),
])
def test_dataloader_argument_errors_like_torch(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        DataLoader(list(range(4)), **kwargs)
    with pytest.raises(ValueError):
        tud.DataLoader(list(range(4)), **kwargs)


def test_dataloader_type_errors():
    with pytest.raises(TypeError, match="generator must be a minitorch.Generator"):
        DataLoader(list(range(4)), shuffle=True, generator=torch.Generator())
    with pytest.raises(TypeError, match="collate_fn must be callable"):
        DataLoader(list(range(4)), collate_fn=3)
    with pytest.raises(TypeError, match="map-style dataset"):
        DataLoader(5)
    loader = DataLoader(list(range(4)))
    with pytest.raises(ValueError, match="batch_size attribute should not be set"):
        loader.batch_size = 2


def test_num_workers_runs_in_main_process():
    x, y = xy(20)
    ds = TensorDataset(x, y)
    minitorch.manual_seed(2)
    a = labels_of(DataLoader(ds, batch_size=6, shuffle=True, num_workers=2,
                             persistent_workers=True, pin_memory=True))
    minitorch.manual_seed(2)
    b = labels_of(DataLoader(ds, batch_size=6, shuffle=True))
    assert a == b
    assert mud.get_worker_info() is None


def test_iterable_dataset():
    class Stream(IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    loader = DataLoader(Stream(7), batch_size=3)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]] and len(loader) == 3
    loader = DataLoader(Stream(7), batch_size=3, drop_last=True)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5]] and len(loader) == 2
    assert list(DataLoader(Stream(2), batch_size=None)) == [0, 1]
    assert [b.tolist() for b in DataLoader(Stream(2) + Stream(2), batch_size=4)] == [[0, 1, 0, 1]]
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(3), shuffle=True)
    with pytest.raises(ValueError, match="expected unspecified sampler option"):
        DataLoader(Stream(3), sampler=[0])


def test_iterator_len_and_reiteration():
    x, y = xy(9)
    loader = DataLoader(TensorDataset(x, y), batch_size=4)
    it = iter(loader)
    assert len(it) == 3 and iter(it) is it
    next(it)
    assert len(list(it)) == 2
    assert len(list(loader)) == 3      # a new iter() starts over


def test_loader_on_device(device):
    x, y = xy(10)
    ds = TensorDataset(x.to(device), y.to(device))
    for shuffle in (False, True):
        batches = list(DataLoader(ds, batch_size=4, shuffle=shuffle))
        assert all(b[0].device.type == device for b in batches)
        assert sorted(np.concatenate([b[1].cpu().numpy() for b in batches]).tolist()) == \
            list(range(10))
    slow = list(DataLoader(ds, batch_size=4, collate_fn=lambda b: default_collate(b)))
    assert slow[0][0].device.type == device
    np.testing.assert_array_equal(slow[2][0].cpu().numpy(), x.numpy()[8:])


def test_aliases():
    assert minitorch.data is minitorch.utils.data
    assert math.isclose(len(mud.__all__), len(set(mud.__all__)))
    for name in ("Dataset", "TensorDataset", "Subset", "random_split", "DataLoader",
                 "default_collate", "BatchSampler", "RandomSampler", "SequentialSampler"):
        assert hasattr(minitorch.utils.data, name) and name in mud.__all__


def test_generic_subscripts_as_in_torch():
    class Evens(mud.Sampler[int]):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(0, self.n, 2))

        def __len__(self):
            return (self.n + 1) // 2

    class Pairs(Dataset[tuple]):
        def __getitem__(self, i):
            return i, -i

        def __len__(self):
            return 6

    loader: DataLoader[tuple] = DataLoader(Pairs(), batch_size=2, sampler=Evens(6))
    assert [b[1].tolist() for b in loader] == [[0, -2], [-4]] and len(loader) == 2
