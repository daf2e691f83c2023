"""Deliberate handling of ``torch.load(weights_only=True)`` (the default since torch 2.6).

Two kinds of files are affected:

* e3nn 0.4.4 (pinned by mace-torch) loads its Wigner constants file at import time. The file
  contains Python ``slice`` objects, which the safe unpickler rejects. ``slice`` cannot execute
  code, so allow-listing it is safe; :func:`allow_e3nn_constants` does exactly that and nothing more.
* MACE ``.model`` files are whole pickled ``torch.nn.Module`` objects. They can only be read with
  ``weights_only=False``, which executes arbitrary code from the file. interfaceflow does this in one
  place (:func:`load_pickled_model`), only when ``settings.trust_pickled_models`` is true (the default,
  since that is how every MACE model is distributed), and always records the file's sha256 in the
  result provenance. Only load ``.model`` files from sources you trust (the MACE foundation-model
  releases, or files you trained yourself); set ``INTERFACEFLOW_TRUST_PICKLED_MODELS=false`` to refuse.
* mace-torch sets ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` in ``os.environ`` when imported, which turns
  off safe loading for every later ``torch.load`` in the process (SevenNet and CHGNet checkpoints
  included). :func:`import_mace` imports it and restores the variable, so unsafe unpickling stays
  confined to :func:`load_pickled_model`.
"""

from __future__ import annotations

import importlib
import os
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


def load_pickled_model(path: str | Path, device: str):
    """Load a pickled torch module (a MACE ``.model`` file) after checking the trust setting."""
    import torch

    if not get_settings().trust_pickled_models:
        raise PluginError(
            f"refusing to unpickle {path}: INTERFACEFLOW_TRUST_PICKLED_MODELS is false; "
            "set it to true only if you trust this file's source"
        )
    allow_e3nn_constants()
    with _environment_unchanged(_UNSAFE_LOAD_VARIABLE):  # unpickling may import mace
        return torch.load(str(path), map_location=device, weights_only=False)
