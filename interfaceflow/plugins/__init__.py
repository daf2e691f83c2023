"""Calculator plugins: protocol, entry-point registry and the built-in MLIPs.

>>> from interfaceflow.plugins import get_calculator
>>> handle = get_calculator("sevennet", "7net-0", device="cpu")
>>> atoms.calc = handle.calculator; handle.provenance.weights_sha256
"""

from interfaceflow.plugins.base import CalculatorPlugin, CalculatorProvenance
from interfaceflow.plugins.registry import (
    ENTRY_POINT_GROUP,
    CalculatorHandle,
    available_plugins,
    clear_calculator_cache,
    get_calculator,
    get_plugin,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "CalculatorHandle",
    "CalculatorPlugin",
    "CalculatorProvenance",
    "available_plugins",
    "clear_calculator_cache",
    "get_calculator",
    "get_plugin",
]
