"""Command ``interfaceflow thermo``: stability window and interface reaction from the MLIP's energies."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Annotated, Optional

import typer

from interfaceflow.cli.app import app


@app.command("thermo")
def thermo_command(
    electrolyte: Annotated[str, typer.Argument(help="Electrolyte: library name (LLZO, LGPS, ...) or formula.")],
    electrode: Annotated[str, typer.Option(help="Electrode the reaction is computed against.")] = "Li",
    calculator: Annotated[Optional[str], typer.Option(
        "--calculator", help="Calculator plugin (default: INTERFACEFLOW_CALCULATOR_PLUGIN).")] = None,
    model: Annotated[Optional[str], typer.Option(help="Model of the plugin (default: its foundation model).")] = None,
    device: Annotated[Optional[str], typer.Option(help="auto, cpu or cuda.")] = None,
    dtype: Annotated[Optional[str], typer.Option(help="float32 or float64.")] = None,
    steps: Annotated[Optional[int], typer.Option(help="FIRE steps per reference phase.")] = None,
    fmax: Annotated[Optional[float], typer.Option(help="FIRE force criterion, eV/A.")] = None,
    source: Annotated[str, typer.Option(
        help="Competing phases: auto (Materials Project when MP_API_KEY and mp-api are present), library or mp.")] = "auto",
    cache_dir: Annotated[Optional[str], typer.Option(
        help="Relaxation cache (default: INTERFACEFLOW_THERMO_CACHE_DIR, ~/.interfaceflow/cache/thermo).")] = None,
    set_: Annotated[Optional[list[str]], typer.Option(
        "--set", help="Any thermo setting: --set steps=10 (repeatable).")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Stability window (V vs Li/Li+), reduction/oxidation products and reaction energy of ELECTROLYTE.

    The same code as the thermodynamic reference job of a study (run_thermo): every phase of the
    chemical system relaxed with the MLIP, then its phase diagram.
    """
    from interfaceflow.analysis.thermo import ThermoSettings
    from interfaceflow.safe_yaml import YAMLProblem, key_value_overrides
    from interfaceflow.errors import AnalysisError, PluginError
    from interfaceflow.plugins.base import CalculatorSpec
    from interfaceflow.validation import validated_settings
    from interfaceflow.workflows.products import run_thermo

    given: dict = {"steps": steps, "fmax_eV_per_A": fmax}
    try:
        given.update(key_value_overrides(set_, "steps=10"))
    except YAMLProblem as exc:
        raise AnalysisError(str(exc)) from None
    settings = validated_settings({k: v for k, v in given.items() if v is not None}, ThermoSettings, "thermo")
    spec = {"plugin": calculator, "model": model, "device": device, "dtype": dtype}
    spec = validated_settings({k: v for k, v in spec.items() if v is not None}, CalculatorSpec, "calculator",
                              PluginError)
    if source not in ("auto", "library", "mp"):
        raise AnalysisError(f"--source {source!r} is not auto, library or mp")
    with contextlib.redirect_stdout(sys.stderr):  # model banners (CHGNet prints) must not reach --json
        doc = run_thermo(electrolyte, electrode, spec, settings, cache_dir=cache_dir, source=source)
    if json_output:
        typer.echo(json.dumps(doc.model_dump(mode="json", exclude={"relaxed_structures"}), indent=2))
        return
    typer.echo(format_thermo(doc))


def _signed(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` decimals, without the "-0.000" of a value that rounds to zero."""
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def _volts(value: float | None, open_end: str) -> str:
    return f"{_signed(value, 2)} V" if value is not None else open_end


SELF_DECOMPOSITION_MIN_RATIO = 1.0 - 1e-6  # pymatgen's x = 1: electrolyte only, no electrode in the mixture


def _is_self_decomposition(doc) -> bool:
    """Whether the most reactive mixture is the electrolyte alone (a metastable electrolyte's own decomposition)."""
    return doc.mixing_ratio >= SELF_DECOMPOSITION_MIN_RATIO


def _no_reaction(doc) -> bool:
    """Whether pymatgen balanced a phase into itself (e.g. "Li -> Li"): nothing reacts."""
    reactants, _, products = doc.reaction.partition("->")
    return bool(products) and reactants.strip() == products.strip()


def _reaction_text(doc) -> str:
    """The balanced reaction, or "none" where pymatgen balances a phase into itself."""
    if _no_reaction(doc):
        return f"none: {doc.electrolyte} and {doc.electrode} do not react with the phases considered"
    if _is_self_decomposition(doc):
        return f"{doc.reaction}  (decomposition of {doc.electrolyte} alone, no {doc.electrode})"
    return doc.reaction


def _energy_text(doc) -> str:
    if _no_reaction(doc):
        where = "(no reaction)"
    elif _is_self_decomposition(doc):
        where = "of the electrolyte alone"
    else:
        where = f"at mixing ratio {doc.mixing_ratio:.2f}"
    return f"  energy      {_signed(doc.reaction_energy_eV_per_atom)} eV/atom {where}"


def format_thermo(doc) -> str:
    """The window, products and reaction energy of a thermodynamic reference document, as text."""
    calc = doc.calculator or {}
    lines = [
        f"{doc.electrolyte} | {doc.electrode}  ({doc.chemsys}; {calc.get('plugin', '?')} {calc.get('model', '')}, "
        f"{len(doc.entries)} phases)",
        f"  window      {_volts(doc.window_lower_V, 'none')} - {_volts(doc.window_upper_V, 'open')} vs Li/Li+"
        + (f"  (lowered onto the hull by {doc.e_above_hull_eV_per_atom * 1000:.0f} meV/atom)"
           if doc.window_stabilised else ""),
        f"  reduction   {', '.join(doc.reduction_products) or '-'}",
        f"  oxidation   {', '.join(doc.oxidation_products) or '-'}",
        f"  reaction    {_reaction_text(doc)}",
        _energy_text(doc),
    ]
    if doc.open_li_reaction_energy_eV_per_atom is not None:
        lines.append(f"  open Li     {_signed(doc.open_li_reaction_energy_eV_per_atom)} eV per non-Li atom "
                     f"-> {', '.join(doc.predicted_products) or '-'}")
    if doc.unconverged_phases:
        lines.append(f"  warning     not relaxed to the force criterion (energies are upper bounds; raise --steps): "
                     f"{', '.join(doc.unconverged_phases)}")
    model_refs = [e["name"] for e in doc.entries if e.get("reference") == "model"]
    if model_refs:
        lines.append(f"  note        model elemental references: {', '.join(model_refs)}")
    return "\n".join(lines)
