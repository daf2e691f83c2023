"""Plugin discovery (entry-point group ``interfaceflow.calculators``), in-process registration and
the cached factory.

:func:`get_calculator` creates one calculator per process for each (plugin, model, device, dtype,
extra kwargs), as quacc's cached factory does: loading a model costs seconds, a dict lookup does not.

Plugins come from two places: installed packages register them under the entry-point group, and
code running in this process can add one with :func:`register_plugin` (tests, notebooks, scripts
wrapping a calculator that is not packaged). An in-process registration wins over an entry point
of the same name until :func:`unregister_plugin` removes it::

    class EMTPlugin(CalculatorPlugin):
        name = "emt"

        def create(self, model, device, dtype, **kwargs):
            return EMT()

    register_plugin("emt", EMTPlugin)
    get_calculator("emt", device="cpu").calculator  # an EMT instance, cached like any other
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points
from typing import Any

from ase.calculators.calculator import Calculator

from interfaceflow.errors import PluginError
from interfaceflow.plugins.base import CalculatorPlugin, CalculatorProvenance, resolve_device
from interfaceflow.settings import get_settings

ENTRY_POINT_GROUP = "interfaceflow.calculators"


@dataclass(frozen=True)
class CalculatorHandle:
    """A created calculator together with the plugin that made it and its provenance."""

    plugin: CalculatorPlugin
    calculator: Calculator
    provenance: CalculatorProvenance

    def check_elements(self, symbols: set[str] | list[str]) -> None:
        """Raise a one-line :class:`PluginError` if the model does not cover every element.

        The message suggests installed built-in models that cover all of ``symbols`` (never the
        model that refused them), or says that none does.
        """
        covered = self.plugin.supported_elements(self.calculator)
        missing = sorted(set(symbols) - covered) if covered is not None else []
        if missing:
            raise PluginError(
                f"model '{self.provenance.model}' of plugin '{self.provenance.plugin}' does not "
                f"cover element(s) {', '.join(missing)}; "
                + suggest_models(set(symbols), self.provenance.plugin, self.provenance.model)
            )


def suggest_models(symbols: set[str], refused_plugin: str, refused_model: str) -> str:
    """Advice naming installed built-in models that cover every element of ``symbols``.

    One model per plugin (the refusing plugin first); the refused model itself is never named.
    """
    plugins = available_plugins()
    order = sorted(plugins, key=lambda name: (name != refused_plugin, name))
    choices = []
    for name in order:
        plugin = plugins[name]
        try:
            if not plugin.is_available():
                continue
            known = plugin.known_model_elements()
        except Exception:  # a broken third-party plugin must not hide the advice
            continue
        for model, elements in known.items():
            if (name, model) != (refused_plugin, refused_model) and symbols <= set(elements):
                choices.append(f"calculator.plugin={name} with calculator.model={model}")
                break
    if choices:
        return f"choose a model trained on them, e.g. {' or '.join(choices[:3])}"
    return (
        "none of the installed plugins' built-in models covers them; give calculator.model=<file> "
        "of a model trained on them"
    )


def _load_entry_point(ep) -> CalculatorPlugin:
    target = ep.load()
    plugin = target() if isinstance(target, type) else target
    if not isinstance(plugin, CalculatorPlugin) and not hasattr(plugin, "create"):
        raise PluginError(
            f"entry point '{ep.name}' ({ep.value}) is not a calculator plugin; it must be a "
            "CalculatorPlugin subclass or instance"
        )
    return plugin


def plugin_entry_points() -> dict[str, Any]:
    """Entry points registered under ``interfaceflow.calculators``, by plugin name."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


_IN_PROCESS: dict[str, CalculatorPlugin] = {}


def register_plugin(name: str, plugin: CalculatorPlugin | type[CalculatorPlugin]) -> None:
    """Register ``plugin`` (a :class:`CalculatorPlugin` subclass or instance) as ``name`` in this process.

    It is found by :func:`get_plugin`, :func:`available_plugins` and :func:`get_calculator` like an
    entry point, and wins over an entry point of the same name. Registering a name again replaces
    the previous plugin. The calculator cache is cleared, so no calculator made by a plugin this
    name used to mean is handed out again. A class is instantiated once, here; a plugin without a
    ``name`` gets ``name`` (provenance records ``plugin.name``).
    """
    if not isinstance(name, str) or not name:
        raise PluginError(f"a calculator plugin name must be a non-empty string, got {name!r}")
    instance = plugin() if isinstance(plugin, type) else plugin
    if not isinstance(instance, CalculatorPlugin) and not callable(getattr(instance, "create", None)):
        raise PluginError(
            f"cannot register {plugin!r} as calculator plugin '{name}'; it must be a "
            "CalculatorPlugin subclass or instance"
        )
    if not getattr(instance, "name", None):
        instance.name = name
    _IN_PROCESS[name] = instance
    clear_calculator_cache()


def unregister_plugin(name: str) -> None:
    """Remove the in-process plugin ``name`` (an entry point of that name is visible again).

    Names that were not registered with :func:`register_plugin` are ignored: entry points cannot be
    unregistered. The calculator cache is cleared.
    """
    if _IN_PROCESS.pop(name, None) is not None:
        clear_calculator_cache()


def in_process_plugins() -> dict[str, CalculatorPlugin]:
    """The plugins added with :func:`register_plugin`, by name (a copy)."""
    return dict(_IN_PROCESS)


def available_plugins() -> dict[str, CalculatorPlugin]:
    """Every plugin, loaded: entry points (those whose module fails to import are skipped) and
    in-process registrations, which win over an entry point of the same name."""
    plugins = {}
    for name, ep in plugin_entry_points().items():
        if name in _IN_PROCESS:
            continue
        try:
            plugins[name] = _load_entry_point(ep)
        except Exception:  # a broken third-party plugin must not hide the others
            continue
    plugins.update(_IN_PROCESS)
    return dict(sorted(plugins.items()))


def get_plugin(name: str) -> CalculatorPlugin:
    """The plugin registered as ``name`` (in-process first, then entry points); unknown names get a
    one-line error with suggestions."""
    if name in _IN_PROCESS:
        return _IN_PROCESS[name]
    eps = plugin_entry_points()
    if name not in eps:
        known = sorted(set(eps) | set(_IN_PROCESS))
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise PluginError(
            f"unknown calculator plugin '{name}'; {hint}installed plugins: {', '.join(known)}; "
            f"install a package that registers it under the '{ENTRY_POINT_GROUP}' entry-point group "
            "(or call interfaceflow.plugins.register_plugin in this process)"
        )
    return _load_entry_point(eps[name])


def get_calculator(
    plugin: str | None = None,
    model: str | None = None,
    device: str | None = None,
    dtype: str | None = None,
    **kwargs: Any,
) -> CalculatorHandle:
    """Return the process-wide calculator for these arguments, creating it on first use.

    Missing arguments take the defaults of :class:`~interfaceflow.settings.InterfaceflowSettings`
    (the model defaults to the plugin's own default when the plugin is not the default plugin).
    """
    settings = get_settings()
    plugin = plugin or settings.calculator_plugin
    if model is None:
        model = settings.calculator_model if plugin == settings.calculator_plugin else None
    device = resolve_device(device or settings.device)
    dtype = dtype or settings.dtype
    # the trust settings are part of the key: a model loaded under trust is not handed out after
    # the settings withdraw it
    trust = json.dumps([settings.trust_pickled_models, sorted(map(str, settings.trusted_model_dirs))])
    return _cached_calculator(plugin, model, device, dtype, json.dumps(kwargs, sort_keys=True), trust)


@lru_cache(maxsize=16)
def _cached_calculator(
    plugin_name: str, model: str | None, device: str, dtype: str, kwargs_json: str, trust_json: str
) -> CalculatorHandle:
    plugin = get_plugin(plugin_name)
    plugin.check_ready(dtype)
    model = model or plugin.default_model
    provenance = plugin.provenance(model, device, dtype)  # resolves weights: fails before loading
    calculator = plugin.create(model, device, dtype, **json.loads(kwargs_json))
    return CalculatorHandle(plugin=plugin, calculator=calculator, provenance=provenance)


def clear_calculator_cache() -> None:
    """Forget every cached calculator (tests, or to free GPU memory)."""
    _cached_calculator.cache_clear()
