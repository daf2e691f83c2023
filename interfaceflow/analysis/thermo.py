"""Thermodynamic reference from the same MLIP: phase diagram, interface reaction, stability window.

1. :func:`relax_reference_phases` relaxes each bulk phase of the chemical system with the
   calculator (FIRE on positions and cell, a few steps) and returns pymatgen
   ``ComputedStructureEntry`` objects with the raw MLIP energies. Results are cached on disk
   (JSON, one file per phase) keyed by the calculator provenance (plugin, model, weights hash,
   dtype, package version), the input structure and the relaxation settings. The cache lives at
   one absolute place shared by every run and process (setting ``thermo_cache_dir``, env
   ``INTERFACEFLOW_THERMO_CACHE_DIR``, default ``~/.interfaceflow/cache/thermo``); each file is
   written to a temporary name and moved into place (``os.replace``), so runs sharing it are safe.
   Every element without a library phase gets a reference structure
   (:mod:`interfaceflow.analysis.element_references`).
2. :func:`build_phase_diagram`: ``PhaseDiagram`` of those energies only (no Materials Project
   entries, no energy corrections).
3. :func:`interface_reaction`: ``InterfacialReactivity`` between electrolyte and electrode: the
   most reactive mixing ratio, its reaction energy (eV/atom) and products. Against Li metal the
   closed reaction electrolyte + Li is used, and the open-Li limit (grand potential at
   μ_Li = μ_Li⁰, the energy per atom of the Li reference) is reported next to it; against other
   electrodes (cathodes) the closed chemical-mixing reaction is used too, since a cathode is not a
   Li reservoir at μ_Li⁰.
4. :func:`stability_window`: the range of μ_Li over which the electrolyte is the equilibrium
   phase of the Li grand-potential phase diagram, as voltages ``V = −(μ_Li − μ_Li⁰)/e`` vs Li/Li⁺.
   A metastable electrolyte (above the hull) is first lowered onto the hull by its energy above
   hull + 1 meV/atom (the usual treatment of metastable solid electrolytes, e.g. Zhu, He & Mo,
   ACS Appl. Mater. Interfaces 7, 23685 (2015)); its energy above hull is reported.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from pymatgen.analysis.phase_diagram import GrandPotentialPhaseDiagram, PDEntry, PhaseDiagram
from pymatgen.core import Composition, Element

from interfaceflow.errors import AnalysisError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from pymatgen.core import Structure
    from pymatgen.entries.computed_entries import ComputedStructureEntry

STABILISATION_MARGIN_EV = 0.001
_PROVENANCE_KEYS = ("plugin", "model", "weights_sha256", "package", "package_version", "dtype")


# ----------------------------------------------------------------------------- relaxation + cache
def calculator_fingerprint(calculator, provenance: Mapping | None = None) -> dict:
    """What identifies a calculator's energies: provenance fields, or class + parameters."""
    if provenance is None and hasattr(calculator, "provenance"):
        provenance = calculator.provenance.model_dump()
    if provenance is not None:
        return {k: provenance.get(k) for k in _PROVENANCE_KEYS if k in provenance}
    calc = getattr(calculator, "calculator", calculator)
    return {"class": type(calc).__qualname__, "parameters": repr(sorted(getattr(calc, "parameters", {}).items()))}


def _structure_key(structure: Structure) -> dict:
    return {
        "lattice": np.round(structure.lattice.matrix, 5).tolist(),
        "species": [site.species_string for site in structure],
        "frac": np.round(structure.frac_coords, 5).tolist(),
    }


def _cache_key(structure: Structure, fingerprint: dict, settings: dict) -> str:
    blob = json.dumps({"calc": fingerprint, "structure": _structure_key(structure), "settings": settings}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def default_cache_dir() -> Path:
    """The absolute, shared relaxation cache: setting ``thermo_cache_dir``
    (env ``INTERFACEFLOW_THERMO_CACHE_DIR``, default ``~/.interfaceflow/cache/thermo``)."""
    from interfaceflow.settings import get_settings

    return Path(get_settings().thermo_cache_dir).expanduser().resolve()


def _read_cached_entry(path: Path):
    """The cached entry at ``path``, or None when absent or unreadable (then it is recomputed)."""
    from monty.json import MontyDecoder

    try:
        return json.loads(path.read_text(), cls=MontyDecoder)
    except (OSError, ValueError):
        return None


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file in the same folder, then ``os.replace`` it into place:
    a reader (another run sharing the cache) sees the old file, no file, or the whole new one."""
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def relax_structure(structure: Structure, calculator, *, fmax: float, steps: int, relax_cell: bool = True):
    """FIRE relaxation by :func:`interfaceflow.md.relax.run_relax` (positions, and all cell degrees
    of freedom with ``relax_cell``); returns (structure, energy eV, info). ``fmax`` (eV/Å) and
    ``steps`` come from :class:`ThermoSettings`, where their defaults live."""
    from pymatgen.io.ase import AseAtomsAdaptor

    from interfaceflow.errors import MDError
    from interfaceflow.md.relax import run_relax
    from interfaceflow.md.settings import RelaxSettings

    calc = getattr(calculator, "calculator", calculator)
    settings = RelaxSettings(optimizer="FIRE", fmax_eV_per_A=fmax, steps=steps,
                             relax_cell="full" if relax_cell else "none")
    non_finite = AnalysisError(f"the calculator returned a non-finite energy for {structure.formula}; check the model")
    try:
        result = run_relax(AseAtomsAdaptor.get_atoms(structure), calc, settings)
    except MDError as exc:  # run_relax refuses a non-finite starting energy
        raise non_finite from exc
    if not np.isfinite(result.energy_eV):
        raise non_finite
    atoms = result.atoms
    atoms.calc = calc  # holds the relaxed state's results (charges, magmoms) for the structure
    relaxed = AseAtomsAdaptor.get_structure(atoms)
    info = {"n_steps": result.steps, "converged": result.converged and steps > 0, "fmax": fmax}
    return relaxed, result.energy_eV, info


class ThermoSettings(BaseModel):
    """How each reference phase is relaxed with the MLIP before the phase diagram is built."""

    model_config = ConfigDict(extra="forbid")

    # 300 is a cap, not a cost: most phases converge in 20-80 steps, but a model cell far from the
    # MLIP's minimum needs more (TiP2O7 stopped 46 meV/atom high after 30 steps: LATP's limit 0.7 V high).
    steps: int = Field(default=300, ge=0, description="FIRE steps per reference phase (at most).")
    fmax_eV_per_A: float = Field(default=0.05, gt=0, description="FIRE force criterion (eV/Å).")


def relax_reference_phases(
    phases: Mapping[str, Structure] | Sequence[Structure] | str,
    calculator,
    *,
    provenance: Mapping | None = None,
    settings: ThermoSettings | None = None,
    relax_cell: bool = True,
    cache_dir: str | Path | None = None,
) -> list[ComputedStructureEntry]:
    """Relax each phase with ``calculator`` and return entries with the raw MLIP energies.

    Args:
        phases: name → Structure, a list of Structures, or a chemical system ``"Li-P-S-Cl"``
            (every library phase whose elements lie in it).
        calculator: an ASE calculator, an interfaceflow ``CalculatorHandle``, or a zero-argument
            callable returning one (called only when a phase is not in the cache).
        provenance: calculator provenance for the cache key (taken from the handle when omitted;
            required with a callable).
        settings: FIRE steps and force criterion (:class:`ThermoSettings`; its defaults if None).
        relax_cell: relax the cell too.
        cache_dir: JSON cache folder (default :func:`default_cache_dir`, the ``thermo_cache_dir``
            setting); nothing is cached when ``cache_dir=False``.
    """
    from monty.json import MontyEncoder
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    named = _named_structures(phases)
    lazy = callable(calculator) and not hasattr(calculator, "get_potential_energy")
    if lazy and provenance is None:
        raise AnalysisError("a calculator factory needs its provenance for the cache key; pass provenance=")
    fingerprint = calculator_fingerprint(None if lazy else calculator, provenance)
    settings = settings or ThermoSettings()
    fmax, steps = settings.fmax_eV_per_A, settings.steps
    cache_settings = {"fmax": fmax, "steps": steps, "relax_cell": relax_cell}
    folder = None if cache_dir is False else Path(cache_dir or default_cache_dir())
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, structure in named.items():
        path = folder / f"{_cache_key(structure, fingerprint, cache_settings)}.json" if folder is not None else None
        cached = _read_cached_entry(path) if path is not None and path.is_file() else None
        if cached is not None:
            entries.append(cached)
            continue
        if lazy:
            calculator, lazy = calculator(), False
        relaxed, energy, info = relax_structure(
            structure, calculator, fmax=fmax, steps=steps,
            relax_cell=relax_cell and not is_isolated_molecule(structure),
        )
        entry = ComputedStructureEntry(
            relaxed,
            energy,
            parameters={"calculator": fingerprint, **cache_settings},
            data={"name": name, **info, **_structure_flags(structure)},
            entry_id=name,
        )
        if path is not None:
            _write_atomic(path, json.dumps(entry, cls=MontyEncoder))
        entries.append(entry)
    return entries


ISOLATED_VOLUME_PER_ATOM_A3 = 100.0


def _structure_flags(structure: Structure) -> dict:
    """Provenance flags a structure carries in ``properties`` (e.g. ``reference: 'model'``)."""
    props = getattr(structure, "properties", None) or {}
    return {k: props[k] for k in ("reference", "reference_source") if k in props}


def is_isolated_molecule(structure: Structure) -> bool:
    """A molecule in a vacuum box (volume per atom above 100 Å³; solids have 10-40 Å³).

    Its cell is kept fixed during relaxation: relaxing it would collapse the vacuum.
    """
    return structure.volume / len(structure) > ISOLATED_VOLUME_PER_ATOM_A3


def _named_structures(phases) -> dict[str, Structure]:
    if isinstance(phases, str):
        return chemsys_phases(phases)
    if hasattr(phases, "items"):
        return dict(phases.items())
    out = {}
    for s in phases:
        name = s.composition.reduced_formula
        out[name if name not in out else f"{name}-{len(out)}"] = s
    return out


def chemsys_phases(chemsys: str) -> dict[str, Structure]:
    """Library phases whose elements all lie in ``chemsys`` (e.g. ``"Li-P-S-Cl"``), the thermo-only
    phases (Li2O2) and a reference structure of every element without a library phase."""
    from interfaceflow.analysis.products import phase_library

    _, list_phases = phase_library()
    elements = {e.strip() for e in chemsys.split("-") if e.strip()}
    out = {}
    for bulk in list_phases():
        if {el.symbol for el in bulk.structure.composition.elements} <= elements:
            out[bulk.name] = bulk.structure
    from interfaceflow.analysis.element_references import missing_element_references, thermo_only_phases

    out.update(thermo_only_phases(elements))
    out.update(missing_element_references(out, elements))
    return out


# ----------------------------------------------------------------------------- phase diagram
def build_phase_diagram(entries) -> PhaseDiagram:
    """PhaseDiagram of the MLIP entries alone (no external entries, no corrections)."""
    try:
        return PhaseDiagram(list(entries))
    except ValueError as exc:
        raise AnalysisError(f"cannot build the phase diagram ({exc}); relax one phase of every pure element") from None


def _entry_for(pd: PhaseDiagram, composition: Composition):
    reduced = composition.reduced_composition
    matches = [e for e in pd.all_entries if e.composition.reduced_composition == reduced]
    if not matches:
        raise AnalysisError(
            f"{composition.reduced_formula} is not among the relaxed phases; add its structure to the references"
        )
    return min(matches, key=lambda e: e.energy_per_atom)


def _stabilised(pd: PhaseDiagram, composition: Composition) -> tuple[PhaseDiagram, float]:
    """The phase diagram with the composition's best entry lowered onto the hull, and its e_above_hull."""
    entry = _entry_for(pd, composition)
    e_hull = float(pd.get_e_above_hull(entry, allow_negative=True) or 0.0)
    if e_hull <= 0.0:
        return pd, max(e_hull, 0.0)
    shift = (e_hull + STABILISATION_MARGIN_EV) * entry.composition.num_atoms
    lowered = PDEntry(entry.composition, entry.energy - shift, name=f"{entry.composition.reduced_formula}*")
    others = [e for e in pd.all_entries if e is not entry]
    return PhaseDiagram([*others, lowered]), e_hull


@dataclass
class StabilityWindow:
    """Electrochemical stability window of a phase against Li/Li⁺."""

    formula: str
    lower_V: float | None
    upper_V: float | None
    e_above_hull_eV_per_atom: float
    stabilised: bool
    reduction_products: list[str] = field(default_factory=list)
    oxidation_products: list[str] = field(default_factory=list)


def stability_window(entries_or_pd, composition: str | Composition, open_element: str = "Li") -> StabilityWindow:
    """Voltage range (V vs Li/Li⁺) where the phase is stable in the Li grand-potential phase diagram."""
    pd = entries_or_pd if isinstance(entries_or_pd, PhaseDiagram) else build_phase_diagram(entries_or_pd)
    comp = Composition(composition)
    el = Element(open_element)
    if el not in pd.elements:
        raise AnalysisError(f"{open_element} is not in the phase diagram; relax a {open_element} reference")
    pd_s, e_hull = _stabilised(pd, comp)
    mu0 = pd_s.el_refs[el].energy_per_atom
    critical = sorted(float(mu) - mu0 for mu in pd_s.get_transition_chempots(el))  # relative to mu0, <= 0
    bounds = [critical[0] - 5.0, *critical, 0.0]
    target = comp.reduced_composition
    non_open = Composition({e: a for e, a in comp.items() if e != el})
    stable, products_at = [], {}
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        if hi - lo < 1e-9:
            continue
        mu = 0.5 * (lo + hi)
        gpd = GrandPotentialPhaseDiagram(pd_s.all_entries, {el: mu0 + mu})
        decomp = gpd.get_decomposition(non_open)
        names = sorted(e.original_entry.composition.reduced_formula for e in decomp)
        products_at[(lo, hi)] = names
        if len(decomp) == 1 and next(iter(decomp)).original_entry.composition.reduced_composition == target:
            stable.append((lo, hi))
    if not stable:
        return StabilityWindow(comp.reduced_formula, None, None, e_hull, pd_s is not pd)
    mu_lo, mu_hi = min(lo for lo, _ in stable), max(hi for _, hi in stable)
    reduced = [v for (lo, hi), v in products_at.items() if lo >= mu_hi - 1e-9]
    oxidised = [v for (lo, hi), v in products_at.items() if hi <= mu_lo + 1e-9]
    return StabilityWindow(
        formula=comp.reduced_formula,
        lower_V=float(-mu_hi) + 0.0,  # + 0.0: no "-0" V for a window that reaches Li metal
        upper_V=float(-mu_lo) if mu_lo > bounds[0] + 1e-9 else None,
        e_above_hull_eV_per_atom=e_hull,
        stabilised=pd_s is not pd,
        reduction_products=reduced[0] if reduced else [],
        oxidation_products=oxidised[-1] if oxidised else [],
    )


# ----------------------------------------------------------------------------- interface reaction
@dataclass
class InterfaceReaction:
    """Most reactive mixing of electrolyte and electrode and what forms."""

    electrolyte: str
    electrode: str
    mixing_ratio: float  # fraction of electrolyte in the mixture (pymatgen x)
    reaction_energy_eV_per_atom: float
    reaction: str
    products: dict[str, float]  # product formula -> molar fraction of the products
    open_li_products: dict[str, float] = field(default_factory=dict)
    open_li_energy_eV_per_atom: float | None = None


def _reaction_products(reaction) -> dict[str, float]:
    amounts = {c.reduced_formula: abs(reaction.get_coeff(c)) for c in reaction.products}
    total = sum(amounts.values()) or 1.0
    return {k: float(v / total) for k, v in sorted(amounts.items())}


def interface_reaction(
    entries_or_pd, electrolyte: str | Composition, electrode: str | Composition = "Li", open_element: str = "Li"
) -> InterfaceReaction:
    """Reaction energy and products at the most reactive mixing ratio of electrolyte and electrode."""
    from pymatgen.analysis.interface_reactions import InterfacialReactivity

    pd = entries_or_pd if isinstance(entries_or_pd, PhaseDiagram) else build_phase_diagram(entries_or_pd)
    c1, c2 = Composition(electrolyte), Composition(electrode)
    el = Element(open_element)
    mu0 = pd.el_refs[el].energy_per_atom
    # Closed mixing for every electrode: a cathode is not a Li reservoir at mu_Li0 (Li metal); an
    # open-Li grand potential there would report the cathode's reduction by Li metal instead of
    # its reaction with the electrolyte (Richards et al., Chem. Mater. 28, 266 (2016): chemical mixing).
    reactivity = InterfacialReactivity(c1, c2, pd, norm=True, use_hull_energy=False)
    kinks = reactivity.get_kinks()
    _, x, energy, reaction, _ = min(kinks, key=lambda k: k[2])

    open_products: dict[str, float] = {}
    open_energy = None
    non_open = Composition({e: a for e, a in c1.items() if e != el})
    # the open-Li (Li metal reservoir) products describe a Li-metal electrode only: against a
    # cathode they would be the electrolyte's reduction products, not its reaction with the cathode
    electrode_is_reservoir = c2.elements == [el]
    if electrode_is_reservoir and len(non_open.elements):
        gpd = GrandPotentialPhaseDiagram(pd.all_entries, {el: mu0})
        decomp = gpd.get_decomposition(non_open)
        total = sum(decomp.values()) or 1.0
        open_products = {
            e.original_entry.composition.reduced_formula: float(a / total) for e, a in sorted(decomp.items(), key=lambda kv: -kv[1])
        }
        open_energy = _open_reaction_energy(pd, c1, el, mu0)
    return InterfaceReaction(
        electrolyte=c1.reduced_formula,
        electrode=c2.reduced_formula,
        mixing_ratio=float(x),
        reaction_energy_eV_per_atom=float(energy),
        reaction=str(reaction),
        products=_reaction_products(reaction),
        open_li_products=open_products,
        open_li_energy_eV_per_atom=open_energy,
    )


def _open_reaction_energy(pd: PhaseDiagram, comp: Composition, el: Element, mu0: float) -> float:
    """Grand-potential reaction energy (eV per non-Li atom) of the electrolyte with a Li reservoir at μ⁰."""
    from pymatgen.analysis.phase_diagram import GrandPotPDEntry

    gpd = GrandPotentialPhaseDiagram(pd.all_entries, {el: mu0})
    entry = _entry_for(pd, comp)
    grand = GrandPotPDEntry(entry, {el: mu0})
    _, e_above = gpd.get_decomp_and_e_above_hull(grand, allow_negative=True, check_stable=False)
    return float(-e_above)


def _entry_name(entry) -> str:
    data = getattr(entry, "data", None) or {}
    return str(data.get("name") or getattr(entry, "entry_id", None) or getattr(entry, "name", None)
               or entry.composition.reduced_formula)


# ----------------------------------------------------------------------------- everything together
@dataclass
class ThermoReference:
    """Phase diagram summary, interface reaction and stability window from one calculator."""

    chemsys: str
    entries: list[dict[str, Any]]  # name, formula, energy_per_atom, e_above_hull
    reaction: InterfaceReaction
    window: StabilityWindow
    calculator: dict

    def predicted_products(self) -> dict[str, float]:
        """Product → molar fraction at the most reactive mixing ratio (against Li metal: the
        products with an open Li reservoir)."""
        return self.reaction.open_li_products or self.reaction.products


def thermo_reference(entries, electrolyte: str, electrode: str = "Li", open_element: str = "Li") -> ThermoReference:
    """Phase diagram, interface reaction and stability window from relaxed entries."""
    entries = list(entries)
    pd = build_phase_diagram(entries)
    rows = []
    for e in entries:
        row = {
            "name": _entry_name(e),
            "formula": e.composition.reduced_formula,
            "energy_per_atom_eV": float(e.energy_per_atom),
            "e_above_hull_eV_per_atom": float(pd.get_e_above_hull(e, allow_negative=True) or 0.0),
        }
        data = getattr(e, "data", None) or {}
        row.update({k: data[k] for k in ("reference", "reference_source") if k in data})
        if "converged" in data:
            row["relax_converged"] = bool(data["converged"])
            row["relax_steps"] = data.get("n_steps")
        rows.append(row)
    calc = {}
    first = entries[0] if entries else None
    if first is not None and getattr(first, "parameters", None):
        calc = dict(first.parameters.get("calculator", {}))
    return ThermoReference(
        chemsys="-".join(sorted(el.symbol for el in pd.elements)),
        entries=rows,
        reaction=interface_reaction(pd, electrolyte, electrode, open_element),
        window=stability_window(pd, electrolyte, open_element),
        calculator=calc,
    )
