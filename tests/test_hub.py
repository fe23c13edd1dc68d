"""minitorch.hub (offline torch.hub) and minitorch.utils.model_zoo: the cache folder
rules of torch.hub, loading weights already in the cache (saved by minitorch or by
torch), clear errors instead of downloads, and hubconf.py entry points from local or
cached repositories. No network, only tmp dirs."""
from __future__ import annotations

import os
import textwrap
import zipfile

import numpy as np
import pytest
import torch

import minitorch
from minitorch import hub

URL = "https://example.invalid/models/tiny-0123abcd.pth"


@pytest.fixture(autouse=True)
def fresh_hub_dir(monkeypatch):
    monkeypatch.setattr(hub, "_hub_dir", None)
    for var in ("TORCH_HOME", "XDG_CACHE_HOME", "TORCH_HUB", "TORCH_MODEL_ZOO"):
        monkeypatch.delenv(var, raising=False)


def test_get_dir_follows_torch_rules(monkeypatch, tmp_path):
    assert hub.get_dir() == os.path.expanduser("~/.cache/torch/hub")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hub.get_dir() == str(tmp_path / "xdg" / "torch" / "hub")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    assert hub.get_dir() == str(tmp_path / "th" / "hub")
    # the same answer as torch.hub for the same environment
    torch_prev = torch.hub._hub_dir
    try:
        torch.hub._hub_dir = None
        assert hub.get_dir() == torch.hub.get_dir()
    finally:
        torch.hub._hub_dir = torch_prev
    hub.set_dir(tmp_path / "mine")
    assert hub.get_dir() == str(tmp_path / "mine")


def _cached_path(tmp_path):
    hub.set_dir(tmp_path)
    folder = tmp_path / "checkpoints"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "tiny-0123abcd.pth"


def test_load_state_dict_from_cache_saved_by_minitorch(tmp_path):
    sd = minitorch.nn.Linear(3, 2).state_dict()
    minitorch.save(sd, str(_cached_path(tmp_path)))
    got = hub.load_state_dict_from_url(URL, progress=False)
    assert list(got) == ["weight", "bias"]
    np.testing.assert_array_equal(got["weight"].numpy(), sd["weight"].numpy())
    model = minitorch.nn.Linear(3, 2)
    model.load_state_dict(got)


def test_load_state_dict_from_cache_saved_by_torch(tmp_path):
    sd = torch.nn.Linear(3, 2).state_dict()
    torch.save(sd, str(_cached_path(tmp_path)))
    got = minitorch.utils.model_zoo.load_url(URL, weights_only=True)
    np.testing.assert_array_equal(got["bias"].numpy(), sd["bias"].numpy())
    assert isinstance(got["weight"], minitorch.Tensor)


def test_model_dir_and_file_name(tmp_path):
    minitorch.save({"a": minitorch.ones(2)}, str(tmp_path / "renamed.pt"))
    got = hub.load_state_dict_from_url(URL, model_dir=str(tmp_path), file_name="renamed.pt")
    assert got["a"].tolist() == [1.0, 1.0]


def test_legacy_zip_checkpoint(tmp_path):
    inner = tmp_path / "inner.pt"
    minitorch.save({"b": minitorch.zeros(1)}, str(inner))
    path = _cached_path(tmp_path)
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(inner, "weights.pt")
    assert hub.load_state_dict_from_url(URL)["b"].tolist() == [0.0]


def test_missing_file_raises_naming_where_to_put_it(tmp_path):
    hub.set_dir(tmp_path)
    expected = os.path.join(str(tmp_path), "checkpoints", "tiny-0123abcd.pth")
    with pytest.raises(RuntimeError, match="does not download") as err:
        hub.load_state_dict_from_url(URL)
    assert expected in str(err.value) and URL in str(err.value)
    with pytest.raises(RuntimeError, match="does not download"):
        hub.download_url_to_file(URL, str(tmp_path / "x.pth"))
    assert not (tmp_path / "x.pth").exists()


HUBCONF = '''
"""A test hub repository."""
dependencies = ["numpy"]
from helper import SCALE

def tiny(width=2, scale=1.0):
    """A tiny model."""
    import minitorch
    m = minitorch.nn.Linear(width, 1)
    m.scale = scale * SCALE
    return m

_private = 1
'''


def _repo(folder):
    folder.mkdir(parents=True)
    (folder / "hubconf.py").write_text(textwrap.dedent(HUBCONF))
    (folder / "helper.py").write_text("SCALE = 3.0\n")
    return folder


def test_load_list_help_local(tmp_path):
    repo = _repo(tmp_path / "repo")
    m = hub.load(str(repo), "tiny", 4, source="local", scale=2.0)
    assert isinstance(m, minitorch.nn.Linear) and m.in_features == 4 and m.scale == 6.0
    assert hub.list(str(repo), source="local") == ["tiny"]
    assert hub.help(str(repo), "tiny", source="local") == "A tiny model."
    with pytest.raises(RuntimeError, match="Cannot find callable missing in hubconf"):
        hub.load(str(repo), "missing", source="local")
    with pytest.raises(ValueError, match="Unknown source"):
        hub.load(str(repo), "tiny", source="ftp")


def test_missing_dependency(tmp_path):
    repo = _repo(tmp_path / "repo")
    (repo / "hubconf.py").write_text("dependencies = ['surely_not_a_module_xyz']\n"
                                     "def f():\n    return 1\n")
    with pytest.raises(RuntimeError, match="Missing dependencies: surely_not_a_module_xyz"):
        hub.load(str(repo), "f", source="local")


def test_github_repo_from_cache_only(tmp_path):
    hub.set_dir(tmp_path)
    _repo(tmp_path / "owner_repo_main")
    assert hub.load("owner/repo", "tiny", trust_repo=True).in_features == 2
    _repo(tmp_path / "owner_other_v1.0")
    assert hub.list("owner/other:v1.0") == ["tiny"]
    with pytest.raises(RuntimeError, match="not in the hub cache"):
        hub.load("owner/absent", "tiny")
    with pytest.raises(RuntimeError, match="force_reload"):
        hub.load("owner/repo", "tiny", force_reload=True)
    with pytest.raises(ValueError, match="repo_owner/repo_name"):
        hub.load("noslash", "tiny")


def test_module_names():
    import minitorch.utils.model_zoo as mz
    assert mz.load_url is hub.load_state_dict_from_url
    for name in ["get_dir", "set_dir", "load", "list", "help", "load_state_dict_from_url",
                 "download_url_to_file"]:
        assert callable(getattr(minitorch.hub, name))
