"""Calculator plugins: protocol, entry-point registry, in-process registration and the built-in MLIPs.

>>> from interfaceflow.plugins import get_calculator
>>> handle = get_calculator("sevennet", "7net-0", device="cpu")
>>> atoms.calc = handle.calculator; handle.provenance.weights_sha256

A plugin that is not installed as a package can be added in-process with
``register_plugin("name", MyPlugin)`` (and removed with ``unregister_plugin("name")``).
"""

from interfaceflow.plugins.base import CalculatorPlugin, CalculatorProvenance, CalculatorSpec
from interfaceflow.plugins.registry import (
    ENTRY_POINT_GROUP,
    CalculatorHandle,
    available_plugins,
    clear_calculator_cache,
    get_calculator,
    get_plugin,
    in_process_plugins,
    register_plugin,
    unregister_plugin,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "CalculatorHandle",
    "CalculatorPlugin",
    "CalculatorProvenance",
    "CalculatorSpec",
    "available_plugins",
    "clear_calculator_cache",
    "get_calculator",
    "get_plugin",
    "in_process_plugins",
    "register_plugin",
    "unregister_plugin",
]
