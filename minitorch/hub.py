"""``minitorch.hub``: PyTorch's torch.hub, offline.

minitorch never downloads anything. What works without a network works as in PyTorch:

- ``get_dir()`` / ``set_dir(d)``: the hub cache folder, the same one PyTorch uses
  (``$TORCH_HOME/hub``, with ``$TORCH_HOME`` defaulting to ``$XDG_CACHE_HOME/torch``, that
  to ``~/.cache/torch``), so weights PyTorch has downloaded are found here too;
- ``load_state_dict_from_url(url, model_dir=None, ...)``: reads the file from the cache
  (``<get_dir()>/checkpoints/<file name in the url>``) with ``minitorch.load``, which
  also reads checkpoints written by ``torch.save``; when the file is not there it raises a
  RuntimeError naming the url and the path to put the file at;
- ``load(repo_or_dir, model, *args, source="local", **kwargs)``: imports ``hubconf.py`` from
  the folder and calls its entry point ``model``; with source="github" the repository must
  already be in the cache (``<get_dir()>/<owner>_<repo>_<ref>``, where PyTorch's hub puts
  it);
- ``list`` / ``help``: the entry points of a local or cached repository, and one's docstring.

``download_url_to_file`` and anything that needs a download raise a RuntimeError saying so.
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
import warnings
import zipfile
from urllib.parse import urlparse

__all__ = ["get_dir", "set_dir", "load", "list", "help", "load_state_dict_from_url",
           "download_url_to_file"]

ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
MODULE_HUBCONF = "hubconf.py"
VAR_DEPENDENCY = "dependencies"
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
READ_DATA_CHUNK = 128 * 1024

_hub_dir = None


def _get_torch_home() -> str:
    return os.path.expanduser(os.getenv(
        ENV_TORCH_HOME, os.path.join(os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "torch")))


def get_dir() -> str:
    """The hub cache folder: the one set with set_dir, else ``$TORCH_HOME/hub``."""
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead",
                      stacklevel=2)
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d) -> None:
    """Use folder `d` as the hub cache from now on."""
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


def _no_download(url: str, dst: str | None = None) -> RuntimeError:
    where = (f" Download it yourself (with PyTorch's torch.hub, a browser, curl...) and put "
             f"it at {dst!r}; minitorch then reads it from there." if dst else "")
    return RuntimeError(f"minitorch.hub: minitorch does not download files from the internet "
                        f"(asked for {url!r}).{where}")


def download_url_to_file(url: str, dst: str, hash_prefix: str | None = None,
                         progress: bool = True) -> None:
    """Raises: minitorch does not download. The message names where the file should go."""
    raise _no_download(url, os.fspath(dst))


def load_state_dict_from_url(url: str, model_dir: str | None = None, map_location=None,
                             progress: bool = True, check_hash: bool = False,
                             file_name: str | None = None, weights_only: bool = False):
    """The object saved at `url`, read from the hub cache (``<model_dir>/<file_name>``,
    model_dir defaulting to ``<get_dir()>/checkpoints`` and the file name to the url's
    last part) with ``minitorch.load(map_location=..., weights_only=...)``. Raises a
    RuntimeError saying where to put the file when it is not in the cache."""
    if os.getenv("TORCH_MODEL_ZOO"):
        warnings.warn("TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead",
                      stacklevel=2)
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(os.fspath(model_dir), filename)
    if not os.path.exists(cached_file):
        raise _no_download(url, cached_file)
    from .serialization import load as _load
    if _is_legacy_zip_format(cached_file):
        return _legacy_zip_load(cached_file, os.fspath(model_dir), map_location, weights_only,
                                _load)
    return _load(cached_file, map_location=map_location, weights_only=weights_only)


def _is_legacy_zip_format(filename: str) -> bool:
    """An old hub file: a zip archive around one checkpoint file (not a torch.save zip)."""
    if zipfile.is_zipfile(filename):
        with zipfile.ZipFile(filename) as zf:
            infolist = zf.infolist()
        return len(infolist) == 1 and not infolist[0].is_dir()
    return False


def _legacy_zip_load(filename, model_dir, map_location, weights_only, load):
    with zipfile.ZipFile(filename) as f:
        members = f.infolist()
        if len(members) != 1:
            raise RuntimeError("Only one file(not dir) is allowed in the zipfile")
        f.extractall(model_dir)
        extracted = os.path.join(model_dir, members[0].filename)
    return load(extracted, map_location=map_location, weights_only=weights_only)


# ---------------------------------------------------------------------------- repositories
def _parse_repo_info(github: str):
    if ":" in github:
        owner_name, ref = github.split(":", 1)
    else:
        owner_name, ref = github, None
    if "/" not in owner_name:
        raise ValueError(f'Invalid input: repo_or_dir should be of the form '
                         f'"repo_owner/repo_name[:ref]", got {github!r}')
    owner, name = owner_name.split("/", 1)
    return owner, name, ref


def _cached_repo_dir(github: str, force_reload: bool) -> str:
    """The folder PyTorch's hub unpacked `github` into, when it is there."""
    owner, name, ref = _parse_repo_info(github)
    refs = [ref] if ref is not None else ["main", "master"]
    hub_dir = get_dir()
    if not force_reload:
        for r in refs:
            path = os.path.join(hub_dir, "_".join([owner, name, r.replace("/", "_")]))
            if os.path.isdir(path):
                return path
    looked = " or ".join(repr(os.path.join(hub_dir, "_".join([owner, name, r.replace("/", "_")])))
                         for r in refs)
    reason = "force_reload=True asks for a fresh download, and " if force_reload else ""
    raise RuntimeError(f"minitorch.hub: the repository {github!r} is not in the hub cache "
                       f"({looked}); {reason}minitorch does not download from GitHub. Clone "
                       "or copy the repository there, or call load(path, model, "
                       "source='local') with a folder holding its hubconf.py.")


@contextlib.contextmanager
def _on_sys_path(path: str):
    sys.path.insert(0, path)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(path)


def _import_hubconf(repo_dir: str):
    import importlib.util
    path = os.path.join(repo_dir, MODULE_HUBCONF)
    if not os.path.isfile(path):
        raise RuntimeError(f"minitorch.hub: no {MODULE_HUBCONF} in {repo_dir!r}")
    with _on_sys_path(repo_dir):
        spec = importlib.util.spec_from_file_location(MODULE_HUBCONF[:-3], path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    deps = getattr(module, VAR_DEPENDENCY, None)
    if deps:
        import importlib.util as iu
        missing = [pkg for pkg in deps if iu.find_spec(pkg) is None]
        if missing:
            raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
    return module


def _entry(module, model):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    func = getattr(module, model, None)
    if func is None or not callable(func):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return func


def _repo_dir(repo_or_dir, source, force_reload):
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "local":
        return os.fspath(repo_or_dir)
    return _cached_repo_dir(repo_or_dir, force_reload)


def load(repo_or_dir, model, *args, source: str = "github", trust_repo=None,
         force_reload: bool = False, verbose: bool = True, skip_validation: bool = False,
         **kwargs):
    """``hubconf.<model>(*args, **kwargs)`` from a local folder (source="local") or from
    a GitHub repository already in the hub cache (source="github"). Running hubconf.py
    runs code from that folder: use folders you trust."""
    repo_dir = _repo_dir(repo_or_dir, source, force_reload)
    module = _import_hubconf(repo_dir)
    with _on_sys_path(repo_dir):  # an entry point may import the repository's modules
        return _entry(module, model)(*args, **kwargs)


def list(github, force_reload: bool = False, skip_validation: bool = False, trust_repo=None,
         verbose: bool = True, *, source: str = "github"):
    """The names of the entry points (public callables) in the repository's hubconf.py."""
    module = _import_hubconf(_repo_dir(github, source, force_reload))
    return [f for f in dir(module) if callable(getattr(module, f)) and not f.startswith("_")]


def help(github, model, force_reload: bool = False, skip_validation: bool = False,
         trust_repo=None, *, source: str = "github"):
    """The docstring of entry point `model`."""
    module = _import_hubconf(_repo_dir(github, source, force_reload))
    return _entry(module, model).__doc__

