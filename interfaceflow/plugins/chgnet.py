"""CHGNet plugin. The pretrained weights (0.3.0, 0.2.0, r2scan) ship inside the ``chgnet`` wheel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ase.calculators.calculator import Calculator
from ase.data import chemical_symbols

from interfaceflow.errors import PluginError
from interfaceflow.plugins.base import CalculatorPlugin, existing_file

_PRETRAINED = {
    "0.3.0": "0.3.0/chgnet_0.3.0_e29f68s314m37.pth.tar",
    "0.2.0": "0.2.0/chgnet_0.2.0_e30f77s348m32.pth.tar",
    "r2scan": "r2scan/chgnet_r2scan_transfer_learning_e15f36s161m23.pth.tar",
}
_MAX_Z = 94


class CHGNetPlugin(CalculatorPlugin):
    """CHGNet models: a pretrained version name or a ``.pth.tar`` file; returns site energies."""

    name = "chgnet"
    requires = ("chgnet",)
    default_model = "0.3.0"
    supported_dtypes = ("float32",)

    def weights_path(self, model: str) -> Path | None:
        if model in _PRETRAINED:
            import chgnet

            return Path(chgnet.__file__).parent / "pretrained" / _PRETRAINED[model]
        if "/" in model or model.endswith(".tar"):
            return existing_file(model, self.name)
        raise PluginError(
            f"unknown CHGNet model '{model}'; use one of {', '.join(_PRETRAINED)} or a .pth.tar path"
        )

    def create(self, model: str, device: str, dtype: str, **kwargs: Any) -> Calculator:
        from chgnet.model import CHGNet
        from chgnet.model.dynamics import CHGNetCalculator

        path = self.weights_path(model)
        if model in _PRETRAINED:
            net = CHGNet.load(model_name=model, use_device=device, verbose=False)
        else:
            net = CHGNet.from_file(str(path)).to(device)
        kwargs.setdefault("return_site_energies", True)
        return CHGNetCalculator(model=net, use_device=device, **kwargs)

    def supported_elements(self, calculator: Calculator) -> set[str] | None:
        return set(chemical_symbols[1 : _MAX_Z + 1])

    def known_model_elements(self) -> dict[str, frozenset[str]]:
        return dict.fromkeys(_PRETRAINED, frozenset(chemical_symbols[1 : _MAX_Z + 1]))
