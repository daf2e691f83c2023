"""Deliberate handling of ``torch.load(weights_only=True)`` (the default since torch 2.6).

Three things need care:

* e3nn 0.4.4 (pinned by mace-torch) loads its Wigner constants file at import time. The file
  contains Python ``slice`` objects, which the safe unpickler rejects. ``slice`` cannot execute
  code, so allow-listing it is safe; :func:`allow_e3nn_constants` does exactly that and nothing more.
* MACE ``.model`` files are whole pickled ``torch.nn.Module`` objects. They can only be read with
  ``weights_only=False``, which executes arbitrary code from the file. interfaceflow does this in one
  place (:func:`load_pickled_model`), and only for a file that (after resolving symlinks) lies in the
  plugin's own model cache (mace-torch's download cache, ``~/.cache/mace``), under a directory of
  ``settings.trusted_model_dirs`` (``INTERFACEFLOW_TRUSTED_MODEL_DIRS=dir1:dir2``), or anywhere when
  ``settings.trust_pickled_models`` is true (``INTERFACEFLOW_TRUST_PICKLED_MODELS=true``; off by
  default). The file's sha256 is always recorded in the result provenance. Only trust ``.model``
  files from sources you trust (the MACE foundation-model releases, or files you trained yourself).
* mace-torch sets ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` in ``os.environ`` when imported, which turns
  off safe loading for every later ``torch.load`` in the process (SevenNet and CHGNet checkpoints
  included). :func:`import_mace` imports it and restores the variable, so unsafe unpickling stays
  confined to :func:`load_pickled_model`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from interfaceflow.errors import PluginError
from interfaceflow.settings import get_settings


@lru_cache(maxsize=1)
def allow_e3nn_constants() -> None:
    """Allow-list ``slice`` for the safe unpickler so e3nn 0.4.4 imports under torch >= 2.6."""
    import torch

    torch.serialization.add_safe_globals([slice])


_UNSAFE_LOAD_VARIABLE = "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"


@contextmanager
def _environment_unchanged(name: str):
    """Restore environment variable ``name`` to its value on entry (or unset it) on exit."""
    previous = os.environ.get(name)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def import_mace(module: str = "mace.calculators"):
    """Import a mace-torch module without leaving torch's safe loading switched off."""
    allow_e3nn_constants()
    importlib.import_module("e3nn.o3")  # load e3nn's constants while safe loading is on
    with _environment_unchanged(_UNSAFE_LOAD_VARIABLE):
        return importlib.import_module(module)


def _inside(path: Path, directory: Path) -> bool:
    try:
        return path.is_relative_to(Path(directory).expanduser().resolve())
    except OSError:
        return False


def pickle_is_trusted(path: str | Path, cache_dirs: Iterable[str | Path] = ()) -> bool:
    """True when the pickled file ``path`` may be unpickled (see the module docstring).

    ``cache_dirs`` are the calling plugin's own model caches; symlinks are resolved first, so a
    link inside a trusted directory to a file elsewhere is not trusted.
    """
    settings = get_settings()
    if settings.trust_pickled_models:
        return True
    resolved = Path(path).expanduser().resolve()
    trusted = [*cache_dirs, *settings.trusted_model_dirs]
    return any(_inside(resolved, directory) for directory in trusted)


def check_pickle_trusted(path: str | Path, cache_dirs: Iterable[str | Path] = ()) -> Path:
    """Return the resolved ``path`` if it may be unpickled, else raise a one-line PluginError."""
    resolved = Path(path).expanduser().resolve()
    if not pickle_is_trusted(resolved, cache_dirs):
        raise PluginError(
            f"refusing to unpickle {resolved}: a pickled model runs code when loaded; trust it "
            f"with INTERFACEFLOW_TRUSTED_MODEL_DIRS={resolved.parent} "
            "(or INTERFACEFLOW_TRUST_PICKLED_MODELS=true)"
        )
    return resolved


def _short_reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    text = text if len(text) <= 120 else text[:117] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def load_pickled_model(
    path: str | Path,
    device: str,
    *,
    cache_dirs: Iterable[str | Path] = (),
    kind: str = "MACE model",
):
    """Load a pickled torch module (a MACE ``.model`` file) once the file is trusted.

    Args:
        path: the ``.model`` file.
        device: ``cpu`` or ``cuda`` (``map_location``).
        cache_dirs: the calling plugin's own model caches, trusted like ``trusted_model_dirs``.
        kind: what the file should hold, for the error messages.

    Raises:
        PluginError: the file is not trusted (nothing is unpickled), or it is not a readable
            pickled torch module (corrupt, truncated, or something else).
    """
    import torch

    resolved = check_pickle_trusted(path, cache_dirs)
    allow_e3nn_constants()
    fix = "re-download or re-export it"
    try:
        with _environment_unchanged(_UNSAFE_LOAD_VARIABLE):  # unpickling may import mace
            network = torch.load(str(resolved), map_location=device, weights_only=False)
    except Exception as exc:  # corrupt or truncated files raise many types
        raise PluginError(
            f"model file {path} is not a readable {kind} ({_short_reason(exc)}); {fix}"
        ) from None
    if not isinstance(network, torch.nn.Module):
        raise PluginError(
            f"model file {path} is not a readable {kind} (it holds a {type(network).__name__}, "
            f"not a torch module); {fix}"
        )
    return network
