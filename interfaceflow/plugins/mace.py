"""MACE plugin: MACE-MP foundation models by name, or any local ``.model`` file.

A foundation name (``small``, ``medium``, ``large``, ``medium-mpa-0``, …) is resolved to a local file
with mace-torch's own downloader and cache (``~/.cache/mace``); a path is used as it is. Both then take
the same loading path: :func:`~interfaceflow.plugins.torch_compat.load_pickled_model` (see there for
the trust implication of unpickling) and :class:`mace.calculators.MACECalculator`. Files in
mace-torch's cache are trusted; a file elsewhere loads only under a directory of
``INTERFACEFLOW_TRUSTED_MODEL_DIRS`` (or with ``INTERFACEFLOW_TRUST_PICKLED_MODELS=true``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ase.calculators.calculator import Calculator
from ase.data import chemical_symbols

from interfaceflow.errors import PluginError
from interfaceflow.plugins.base import MPTRJ_ELEMENTS, CalculatorPlugin, existing_file

#: MACE-MP-0 foundation models, trained on MPtrj.
_MPTRJ_FOUNDATIONS = ("medium", "small", "large")


def _foundations():
    from interfaceflow.plugins.torch_compat import import_mace

    return import_mace("mace.calculators.foundations_models")


def _foundation_names() -> list[str]:
    return [n for n in _foundations().mace_mp_names if n]


def mace_cache_dir() -> Path:
    """mace-torch's download cache: ``$XDG_CACHE_HOME/mace``, by default ``~/.cache/mace``."""
    try:
        from interfaceflow.plugins.torch_compat import import_mace

        return Path(import_mace("mace.tools.utils").get_cache_dir())
    except (ImportError, AttributeError):  # same rule as mace.tools.utils.get_cache_dir
        return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mace"


class MACEPlugin(CalculatorPlugin):
    """MACE models: MACE-MP foundation names or a path to a ``.model`` file."""

    name = "mace"
    requires = ("mace-torch",)
    import_names = ("mace",)
    default_model = "medium"

    def weights_path(self, model: str) -> Path | None:
        if Path(model).suffix == ".model" or "/" in model:
            return existing_file(model, self.name)
        names = _foundation_names()
        if model not in names:
            raise PluginError(
                f"unknown MACE model '{model}'; use a MACE-MP name ({', '.join(names)}) "
                "or a path to a .model file"
            )
        try:
            return Path(_foundations().download_mace_mp_checkpoint(model))
        except Exception as exc:  # urllib raises several types when offline
            raise PluginError(
                f"could not download MACE-MP '{model}' weights ({type(exc).__name__}); on a machine "
                "with internet download the .model file and pass its path as calculator.model"
            ) from None

    def create(self, model: str, device: str, dtype: str, **kwargs: Any) -> Calculator:
        from interfaceflow.plugins.torch_compat import import_mace, load_pickled_model

        path = self.weights_path(model)
        network = load_pickled_model(path, device, cache_dirs=self.model_cache_dirs(), kind="MACE model")
        if not all(hasattr(network, name) for name in ("r_max", "atomic_numbers")):
            raise PluginError(
                f"model file {path} is not a readable MACE model (it holds a "
                f"{type(network).__name__} without r_max/atomic_numbers); re-download or re-export it"
            )
        calculators = import_mace("mace.calculators")
        return calculators.MACECalculator(models=network, device=device, default_dtype=dtype, **kwargs)

    def supported_elements(self, calculator: Calculator) -> set[str] | None:
        return {chemical_symbols[int(z)] for z in calculator.z_table.zs}

    def known_model_elements(self) -> dict[str, frozenset[str]]:
        return dict.fromkeys(_MPTRJ_FOUNDATIONS, MPTRJ_ELEMENTS)

    def model_cache_dirs(self) -> list[Path]:
        return [mace_cache_dir()]
