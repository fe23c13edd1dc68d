"""minitorch.datasets.text: the character corpus and d2l's two sampling schemes."""
from pathlib import Path

import numpy as np
import pytest

import minitorch
from minitorch.datasets import (CharCorpus, SeqDataLoader, seq_data_iter_random,
                                seq_data_iter_sequential)

SHAKESPEARE = Path(__file__).resolve().parents[2] / "shared" / "data" / "tinyshakespeare" / "input.txt"
UNICODE = "Grüße, Straße! Ça va? — 日本語のテキスト 🙂\nΑλφα βήτα\r\nend\tΩ"


def gen(seed):
    return minitorch.Generator().manual_seed(seed)


def np_(t):
    return t.numpy()


# ---------------------------------------------------------------------- vocabulary and codec

def test_vocab_sorted_unique():
    c = CharCorpus("hello world")
    assert c.chars == sorted(set("hello world")) == [" ", "d", "e", "h", "l", "o", "r", "w"]
    assert c.vocab_size == 8 and c.stoi["h"] == 3
    assert len(c) == 11


def test_encode_decode_round_trip_unicode():
    c = CharCorpus(UNICODE)
    ids = c.encode(UNICODE)
    assert isinstance(ids, minitorch.Tensor) and ids.dtype == minitorch.int64
    assert tuple(ids.shape) == (len(UNICODE),)
    assert c.decode(ids) == UNICODE
    assert c.decode(np_(ids)) == UNICODE
    assert c.decode(np_(ids).tolist()) == UNICODE
    assert c.decode(c.stoi["🙂"]) == "🙂"
    assert c.decode([]) == ""
    assert "🙂" in c.chars and "日" in c.chars and "\r" in c.chars
    sub = "Straße 🙂"
    assert c.decode(c.encode(sub)) == sub
    np.testing.assert_array_equal(np_(c.encode(UNICODE)), c.ids)


def test_codec_errors():
    c = CharCorpus("abc")
    with pytest.raises(ValueError, match=r"'z' at position 2 is not in the vocabulary"):
        c.encode("abz")
    with pytest.raises(ValueError, match="id 3 is out of range"):
        c.decode([0, 3])
    with pytest.raises(ValueError, match="id -1 is out of range"):
        c.decode([-1])
    with pytest.raises(TypeError, match="must be integers"):
        c.decode([0.5])
    with pytest.raises(TypeError, match="expected a str"):
        c.encode(b"abc")
    with pytest.raises(ValueError, match="empty"):
        CharCorpus("")
    with pytest.raises(ValueError, match="val_fraction"):
        CharCorpus("abc", val_fraction=1.0)


def test_from_file_utf8(tmp_path):
    p = tmp_path / "t.txt"
    p.write_bytes(("\ufeff" + UNICODE).encode("utf-8"))    # with a byte-order mark
    c = CharCorpus.from_file(p)
    assert c.text == UNICODE                               # BOM dropped, \r\n kept as is
    assert c.decode(c.ids) == UNICODE
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\u00e9".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1.txt is not valid utf-8.*offset 3"):
        CharCorpus.from_file(bad)
    assert CharCorpus.from_file(bad, encoding="latin-1").text == "caf\u00e9"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="empty"):
        CharCorpus.from_file(empty)


# ----------------------------------------------------------------------------------- split

@pytest.mark.parametrize("n,frac", [(1000, 0.1), (1001, 0.1), (97, 0.25), (50, 0.0)])
def test_split_sizes(n, frac):
    text = "".join(chr(ord("a") + i % 26) for i in range(n))
    c = CharCorpus(text, val_fraction=frac)
    assert len(c.train_ids) == int((1 - frac) * n)
    assert len(c.train_ids) + len(c.val_ids) == n
    np.testing.assert_array_equal(np.concatenate([c.train_ids, c.val_ids]), c.ids)
    assert c.decode(c.train_ids) == text[:len(c.train_ids)]       # first part is train
    assert c.split_ids("val") is c.val_ids
    with pytest.raises(ValueError, match="split"):
        c.split_ids("test")


# ------------------------------------------------------------------------- random sampling

def test_random_windows_shape_and_shift():
    ids = np.arange(1000)
    B, T = 4, 7
    starts = []
    n = 0
    for X, Y in seq_data_iter_random(ids, B, T, generator=gen(0)):
        x, y = np_(X), np_(Y)
        assert X.dtype == minitorch.int64 and x.shape == (B, T) and y.shape == (B, T)
        np.testing.assert_array_equal(y, x + 1)                    # targets shifted by one
        np.testing.assert_array_equal(x, x[:, :1] + np.arange(T))  # contiguous windows
        starts.extend(x[:, 0].tolist())
        n += 1
    assert len(set(starts)) == len(starts)                         # no window twice
    assert len({s % T for s in starts}) == 1                       # one offset per epoch
    offset = starts[0] % T
    assert n == ((1000 - offset - 1) // T) // B


def test_random_sampling_reproducible_and_seed_dependent():
    ids = np.arange(500)

    def epoch(g):
        return [np_(X).copy() for X, _ in seq_data_iter_random(ids, 3, 5, generator=g)]

    a, b, c = epoch(gen(7)), epoch(gen(7)), epoch(gen(8))
    assert all((x == y).all() for x, y in zip(a, b)) and len(a) == len(b)
    assert any((x != y).any() for x, y in zip(a, c))
    minitorch.manual_seed(3)
    d = epoch(None)
    minitorch.manual_seed(3)
    e = epoch(None)
    assert all((x == y).all() for x, y in zip(d, e))


def test_each_epoch_differs():
    c = CharCorpus("abcdefghij" * 50)
    loader = c.loader(4, 5, sampling="random", generator=gen(0))
    e1 = [np_(X).copy() for X, _ in loader]
    e2 = [np_(X).copy() for X, _ in loader]
    assert len(e1) >= len(loader) and len(e2) >= len(loader)
    assert not all((x == y).all() for x, y in zip(e1, e2))


# ---------------------------------------------------------------------- sequential sampling

@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_sequential_continuity(seed):
    ids = np.arange(1003)
    B, T = 4, 6
    prev = None
    batches = list(seq_data_iter_sequential(ids, B, T, generator=gen(seed)))
    assert len(batches) >= 1
    for X, Y in batches:
        x, y = np_(X), np_(Y)
        assert x.shape == (B, T) and y.shape == (B, T)
        np.testing.assert_array_equal(y, x + 1)
        np.testing.assert_array_equal(x, x[:, :1] + np.arange(T))
        if prev is not None:
            # row b of this step continues row b of the previous step
            np.testing.assert_array_equal(x[:, 0], prev[:, -1] + 1)
        prev = x
    first = np_(batches[0][0])
    offset = int(first[0, 0])
    assert 0 <= offset <= T
    row_len = (1003 - offset - 1) // B
    np.testing.assert_array_equal(first[:, 0], offset + row_len * np.arange(B))
    assert len(batches) == row_len // T


def test_sequential_on_text_continues_the_text():
    text = "".join(chr(ord("a") + (i * 7) % 26) for i in range(400))
    c = CharCorpus(text, val_fraction=0.0)
    rows = [""] * 3
    for X, Y in c.sequential_batches(3, 8, generator=gen(5)):
        for b in range(3):
            rows[b] += c.decode(X[b])
            assert c.decode(Y[b])[:-1] == c.decode(X[b])[1:]
    for r in rows:
        assert r in text                                  # each row is one contiguous stream


def test_sequential_reproducible():
    ids = np.arange(300)
    a = [np_(X).copy() for X, _ in seq_data_iter_sequential(ids, 2, 5, generator=gen(1))]
    b = [np_(X).copy() for X, _ in seq_data_iter_sequential(ids, 2, 5, generator=gen(1))]
    assert len(a) == len(b) and all((x == y).all() for x, y in zip(a, b))


# --------------------------------------------------------------------- loaders and batches

@pytest.mark.parametrize("sampling", ["random", "sequential"])
def test_loader_len_and_split(sampling):
    c = CharCorpus("".join(chr(ord("a") + i % 26) for i in range(2000)))
    for seed in range(6):
        loader = c.loader(5, 9, split="val", sampling=sampling, generator=gen(seed))
        batches = list(loader)
        assert len(batches) >= len(loader) >= 1
        for X, Y in batches:
            assert tuple(X.shape) == (5, 9)
            assert c.decode(X[0]) in c.decode(c.val_ids)


def test_small_corpus_always_gives_a_batch():
    ids = np.arange(2 * 5 + 1)                            # exactly one batch of 2 x 5
    for seed in range(10):
        assert len(list(seq_data_iter_random(ids, 2, 5, generator=gen(seed)))) == 1
        assert len(list(seq_data_iter_sequential(ids, 2, 5, generator=gen(seed)))) == 1


def test_batch_errors():
    ids = np.arange(20)
    with pytest.raises(ValueError, match="too short for one batch of 4 x 5"):
        list(seq_data_iter_random(ids, 4, 5))
    with pytest.raises(ValueError, match="num_steps must be a positive integer"):
        list(seq_data_iter_sequential(ids, 2, 0))
    with pytest.raises(ValueError, match="sampling must be"):
        SeqDataLoader(ids, 2, 3, sampling="shuffled")
    with pytest.raises(ValueError, match="1-D sequence of integer"):
        list(seq_data_iter_random(np.zeros((4, 5)), 1, 2))


def test_get_batch():
    c = CharCorpus("".join(chr(ord("a") + i % 26) for i in range(500)))
    X, Y = c.get_batch(8, 10, generator=gen(0))
    x, y = np_(X), np_(Y)
    assert x.shape == (8, 10) and X.dtype == minitorch.int64
    np.testing.assert_array_equal(y[:, :-1], x[:, 1:])
    X2, _ = c.get_batch(8, 10, generator=gen(0))
    np.testing.assert_array_equal(np_(X2), x)


@pytest.mark.skipif(not SHAKESPEARE.exists(), reason=f"tiny Shakespeare is not at {SHAKESPEARE}")
def test_tiny_shakespeare():
    c = CharCorpus.from_file(SHAKESPEARE)
    assert len(c) == 1115394 and c.vocab_size == 65
    assert len(c.train_ids) == int(0.9 * 1115394) and len(c.val_ids) == 1115394 - len(c.train_ids)
    assert c.decode(c.ids[:14]) == "First Citizen:"
    X, Y = next(iter(c.loader(32, 64, sampling="sequential", generator=gen(0))))
    assert tuple(X.shape) == (32, 64)
    np.testing.assert_array_equal(np_(Y)[:, :-1], np_(X)[:, 1:])
