"""The calculator plugin protocol.

A plugin turns ``(model, device, dtype, **kwargs)`` into an ASE :class:`~ase.calculators.calculator.Calculator`
and describes what it created in a :class:`CalculatorProvenance`. Third-party packages register a
plugin class (or instance) under the entry-point group ``interfaceflow.calculators``; subclassing
:class:`CalculatorPlugin` and implementing :meth:`CalculatorPlugin.create` is all that is needed.
"""

from __future__ import annotations

import importlib.util
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar, get_args

from ase.calculators.calculator import Calculator
from ase.data import chemical_symbols
from pydantic import BaseModel, ConfigDict, Field

from interfaceflow.errors import PluginError
from interfaceflow.provenance import package_version, package_versions, sha256_file
from interfaceflow.settings import Device, DType, get_settings


#: The 89 elements of the MPtrj training set (H-Bi and Ac-Pu), covered by the MPtrj foundation
#: models (SevenNet-0, MACE-MP-0).
MPTRJ_ELEMENTS = frozenset(chemical_symbols[1:84] + chemical_symbols[89:95])


class CalculatorSpec(BaseModel):
    """Which MLIP to use: the arguments of :func:`~interfaceflow.plugins.get_calculator`.

    ``model: null`` takes the plugin's default model; the other defaults come from the settings
    (``INTERFACEFLOW_CALCULATOR_PLUGIN``, ``INTERFACEFLOW_DEVICE``, ``INTERFACEFLOW_DTYPE``).
    """

    model_config = ConfigDict(extra="forbid")

    plugin: str = Field(default_factory=lambda: get_settings().calculator_plugin)
    model: str | None = None
    device: Device = Field(default_factory=lambda: get_settings().device)
    dtype: DType = Field(default_factory=lambda: get_settings().dtype)


class CalculatorProvenance(BaseModel):
    """What produced a result: recorded on every document that used a calculator."""

    plugin: str = Field(description="Plugin name in the interfaceflow.calculators entry-point group.")
    model: str = Field(description="Model identifier as requested (foundation name or file path).")
    weights_path: str | None = Field(default=None, description="Weights file that was loaded.")
    weights_sha256: str | None = Field(default=None, description="sha256 of the weights file.")
    package: str = Field(description="Distribution that provides the calculator.")
    package_version: str | None = None
    device: str = Field(description="Resolved device: cpu or cuda.")
    dtype: str
    package_versions: dict[str, str] = Field(default_factory=dict)


class CalculatorPlugin(ABC):
    """Base class of calculator plugins.

    Class attributes:
        name: the plugin name users write in recipes (``calculator.plugin``).
        requires: distribution names the plugin needs (checked by :meth:`is_available`).
        import_names: importable module names checked for availability (defaults to ``requires``).
        default_model: the model used when a recipe gives none.
        supported_dtypes: dtypes the models of this plugin can run in.
    """

    name: ClassVar[str]
    requires: ClassVar[tuple[str, ...]] = ()
    import_names: ClassVar[tuple[str, ...]] = ()
    default_model: ClassVar[str] = ""
    supported_dtypes: ClassVar[tuple[str, ...]] = get_args(DType)

    def is_available(self) -> bool:
        """True when every required module can be imported."""
        modules = self.import_names or tuple(r.replace("-", "_") for r in self.requires)
        return all(importlib.util.find_spec(m) is not None for m in modules)

    def version(self) -> str | None:
        """Version of the first required distribution, or None when not installed."""
        return package_version(self.requires[0]) if self.requires else None

    def weights_path(self, model: str) -> Path | None:
        """The weights file behind ``model`` (None for calculators without one).

        Raise :class:`PluginError` when a named local file does not exist.
        """
        return None

    @abstractmethod
    def create(self, model: str, device: str, dtype: str, **kwargs: Any) -> Calculator:
        """Create the ASE calculator. ``device`` is already resolved to ``cpu`` or ``cuda``."""

    def supported_elements(self, calculator: Calculator) -> set[str] | None:
        """Chemical symbols the model covers, or None when it covers every element."""
        return None

    def known_model_elements(self) -> dict[str, frozenset[str]]:
        """Built-in model name -> chemical symbols it covers, known without loading the model.

        Used to suggest a model when another refuses an element; empty when nothing is known.
        """
        return {}

    def model_cache_dirs(self) -> list[Path]:
        """Directories where this plugin's own downloader keeps model files.

        Pickled model files there are trusted (see
        :func:`interfaceflow.plugins.torch_compat.load_pickled_model`).
        """
        return []

    def check_ready(self, dtype: str) -> None:
        """Raise a one-line :class:`PluginError` if the plugin cannot run here."""
        if not self.is_available():
            needs = " ".join(self.requires) or self.name
            raise PluginError(
                f"calculator plugin '{self.name}' needs the package(s) {needs}, which are not "
                f"installed; run: pip install {needs}"
            )
        if dtype not in self.supported_dtypes:
            raise PluginError(
                f"calculator plugin '{self.name}' does not support dtype={dtype}; "
                f"use one of {', '.join(self.supported_dtypes)}"
            )

    def provenance(self, model: str, device: str, dtype: str) -> CalculatorProvenance:
        """Describe a calculator created from these arguments (hashes the weights file)."""
        path = self.weights_path(model)
        return CalculatorProvenance(
            plugin=self.name,
            model=model,
            weights_path=str(path) if path else None,
            weights_sha256=sha256_file(path) if path else None,
            package=self.requires[0] if self.requires else self.name,
            package_version=self.version(),
            device=device,
            dtype=dtype,
            package_versions=package_versions(),
        )


def resolve_device(device: str) -> str:
    """Map ``auto`` to ``cuda`` when a GPU is visible, else ``cpu``; check explicit choices."""
    if device not in get_args(Device):
        raise PluginError(f"unknown device '{device}'; use {', '.join(get_args(Device))}")
    if device == "cpu":
        return "cpu"
    import torch

    has_cuda = torch.cuda.is_available()
    if device == "cuda" and not has_cuda:
        raise PluginError("device=cuda was requested but torch sees no GPU; use device=cpu or auto")
    return "cuda" if has_cuda else "cpu"


def existing_file(model: str, plugin: str) -> Path:
    """Return ``model`` as a Path when it names an existing file, else raise a one-line error."""
    path = Path(model).expanduser()
    if not path.is_file():
        raise PluginError(
            f"model file '{model}' for plugin '{plugin}' does not exist; give an existing path "
            "or a built-in model name"
        )
    return path.resolve()
