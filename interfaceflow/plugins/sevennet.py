"""SevenNet plugin. SevenNet-0 (``7net-0``) ships inside the ``sevenn`` wheel: the offline default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ase.calculators.calculator import Calculator
from ase.data import chemical_symbols

from interfaceflow.errors import PluginError
from interfaceflow.plugins.base import MPTRJ_ELEMENTS, CalculatorPlugin, existing_file

_PRETRAINED_NAMES = ("7net-0", "sevennet-0", "7net-0_22May2024", "7net-l3i5")


def _looks_like_path(model: str) -> bool:
    return "/" in model or model.endswith((".pth", ".pt"))


class SevenNetPlugin(CalculatorPlugin):
    """SevenNet models: pretrained names (``7net-0``, ``7net-l3i5``, …) or a checkpoint path."""

    name = "sevennet"
    requires = ("sevenn",)
    default_model = "7net-0"
    supported_dtypes = ("float32",)

    def weights_path(self, model: str) -> Path | None:
        if _looks_like_path(model):
            return existing_file(model, self.name)
        from interfaceflow.plugins.torch_compat import allow_e3nn_constants

        allow_e3nn_constants()
        import sevenn.util

        try:
            return Path(sevenn.util.pretrained_name_to_path(model))
        except ValueError:
            raise PluginError(
                f"unknown SevenNet model '{model}'; use one of {', '.join(_PRETRAINED_NAMES)} "
                "or a checkpoint file path"
            ) from None

    def create(self, model: str, device: str, dtype: str, **kwargs: Any) -> Calculator:
        from interfaceflow.plugins.torch_compat import allow_e3nn_constants

        allow_e3nn_constants()
        import torch
        from sevenn.calculator import SevenNetCalculator

        # TorchScript's profiling executor re-optimises the graph after the first calls, which
        # changes forces in the last bits; without it, MD with a given seed repeats bit for bit.
        torch._C._jit_set_profiling_executor(False)

        return SevenNetCalculator(model=str(self.weights_path(model)), device=device, **kwargs)

    def supported_elements(self, calculator: Calculator) -> set[str] | None:
        return {chemical_symbols[z] for z in calculator.type_map}

    def known_model_elements(self) -> dict[str, frozenset[str]]:
        return {"7net-0": MPTRJ_ELEMENTS, "7net-l3i5": MPTRJ_ELEMENTS}  # both trained on MPtrj
