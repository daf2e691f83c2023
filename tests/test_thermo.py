"""Thermodynamic reference: phase diagram, interface reaction, stability window, cache, real MLIP."""

from __future__ import annotations

import numpy as np
import pytest
from pymatgen.analysis.phase_diagram import PDEntry
from pymatgen.core import Composition
from builders import phase, small_li_p_s_cl_phases

from interfaceflow.analysis.thermo import (
    ThermoSettings,
    build_phase_diagram,
    interface_reaction,
    relax_reference_phases,
    stability_window,
    thermo_reference,
)
from interfaceflow.errors import AnalysisError


def _entries(formation_eV_per_atom: dict[str, float], mu_li: float = -1.9):
    """PDEntries with given formation energies; elemental Li sits at ``mu_li`` eV/atom."""
    ref = {"Li": mu_li, "P": -5.4, "S": -4.1, "Cl": -1.8}
    out = []
    for formula, ef in formation_eV_per_atom.items():
        comp = Composition(formula)
        e_elements = sum(ref[el.symbol] * amt for el, amt in comp.items())
        out.append(PDEntry(comp, e_elements + ef * comp.num_atoms, name=formula))
    return out


SYNTHETIC = {
    "Li": 0,
    "P": 0,
    "S": 0,
    "Cl": 0,
    "Li2S": -1.45,
    "Li3P": -0.60,
    "LiCl": -1.90,
    "Li3PS4": -0.95,
    "P2S5": -0.25,
}


def test_reaction_with_li_metal_gives_reduction_products():
    entries = _entries({**SYNTHETIC, "Li6PS5Cl": -1.20})
    reaction = interface_reaction(entries, "Li6PS5Cl", "Li")
    assert set(reaction.products) == {"Li2S", "Li3P", "LiCl"}
    assert sum(reaction.products.values()) == pytest.approx(1.0)
    assert reaction.reaction_energy_eV_per_atom < 0
    assert 0 < reaction.mixing_ratio < 1
    assert set(reaction.open_li_products) == {"Li2S", "Li3P", "LiCl"}
    assert reaction.open_li_energy_eV_per_atom < 0


def test_thermo_reference_summarises_entries():
    ref = thermo_reference(_entries({**SYNTHETIC, "Li6PS5Cl": -1.20}), "Li6PS5Cl", "Li")
    rows = {r["name"]: r for r in ref.entries}
    assert rows["Li2S"]["e_above_hull_eV_per_atom"] == 0.0
    assert set(ref.predicted_products()) == {"Li2S", "Li3P", "LiCl"}
    assert ref.chemsys == "Cl-Li-P-S"
    assert ref.window.lower_V < ref.window.upper_V


def test_window_shifts_with_the_li_reference_energy():
    # voltages are relative to the Li reference: moving every energy with mu_Li must not change them
    a = stability_window(_entries(SYNTHETIC, mu_li=0.0), "Li3PS4")
    b = stability_window(_entries(SYNTHETIC, mu_li=-1.9), "Li3PS4")
    assert a.lower_V == pytest.approx(b.lower_V) and a.upper_V == pytest.approx(b.upper_V)
    assert 0 < a.lower_V < a.upper_V
    assert set(a.reduction_products) <= {"Li2S", "P", "Li3P"}
    assert not a.stabilised and a.e_above_hull_eV_per_atom == 0.0
    # the window closes around the Li content balance: a more stable Li2S raises the reduction limit
    c = stability_window(_entries({**SYNTHETIC, "Li2S": -1.55}), "Li3PS4")
    assert c.lower_V > a.lower_V


def test_metastable_electrolyte_is_stabilised_and_reported():
    entries = _entries({**SYNTHETIC, "Li6PS5Cl": -1.10})
    pd = build_phase_diagram(entries)
    window = stability_window(pd, "Li6PS5Cl")
    assert window.stabilised and window.e_above_hull_eV_per_atom > 0
    assert window.lower_V < window.upper_V


def test_missing_phase_and_missing_element_are_one_line_errors():
    entries = _entries(SYNTHETIC)
    with pytest.raises(AnalysisError, match="Li6PS5Cl is not among"):
        stability_window(entries, "Li6PS5Cl")
    with pytest.raises(AnalysisError, match="phase diagram"):
        build_phase_diagram([e for e in entries if e.composition.reduced_formula != "S"])


class _CountingLJ:
    """A cheap calculator that counts its energy evaluations."""

    def __init__(self):
        from ase.calculators.lj import LennardJones

        self.calculator = LennardJones(sigma=2.0, epsilon=0.01, rc=5.0)
        self.calls = 0
        original = self.calculator.calculate

        def counted(*args, **kwargs):
            self.calls += 1
            return original(*args, **kwargs)

        self.calculator.calculate = counted


def test_relaxation_is_cached_by_calculator_and_structure(tmp_path):
    calc = _CountingLJ()
    phases = {"Li": phase("Li"), "LiCl": phase("LiCl").get_primitive_structure()}
    prov = {"plugin": "lj", "model": "sigma2", "dtype": "float64"}
    first = relax_reference_phases(phases, calc, provenance=prov, settings=ThermoSettings(steps=3), cache_dir=tmp_path)
    n_calls = calc.calls
    assert n_calls > 0 and [e.entry_id for e in first] == ["Li", "LiCl"]
    again = relax_reference_phases(phases, calc, provenance=prov, settings=ThermoSettings(steps=3), cache_dir=tmp_path)
    assert calc.calls == n_calls
    assert [e.energy for e in again] == pytest.approx([e.energy for e in first])
    other_model = relax_reference_phases(
        phases, calc, provenance={**prov, "model": "other"}, settings=ThermoSettings(steps=3), cache_dir=tmp_path
    )
    assert calc.calls > n_calls and len(other_model) == 2
    assert len(list(tmp_path.glob("*.json"))) == 4


@pytest.fixture(scope="session")
def sevennet_entries(pytestconfig, tmp_path_factory):
    """SevenNet-0 entries (3 FIRE steps per phase), cached in pytest's cache folder across runs.

    The cache key holds the model's weights hash, the structure and the settings, so a changed
    model or phase is relaxed again; the model is only loaded on a cache miss.
    """
    torch = pytest.importorskip("torch")
    from interfaceflow.plugins.registry import get_calculator, get_plugin

    torch.set_num_threads(2)
    provenance = get_plugin("sevennet").provenance("7net-0", "cpu", "float32").model_dump()
    cache = (
        pytestconfig.cache.mkdir("interfaceflow-thermo")
        if pytestconfig.cache
        else tmp_path_factory.mktemp("thermo")
    )
    return relax_reference_phases(
        small_li_p_s_cl_phases(),
        lambda: get_calculator("sevennet", "7net-0", device="cpu", dtype="float32"),
        provenance=provenance,
        settings=ThermoSettings(steps=3),
        cache_dir=cache,
    )


@pytest.mark.slow
def test_real_mlip_li_p_s_cl_reference(sevennet_entries):
    entries = sevennet_entries
    assert all(np.isfinite(e.energy) for e in entries)
    assert entries[0].parameters["calculator"]["model"] == "7net-0"
    ref = thermo_reference(entries, "Li6PS5Cl", "Li")
    formulas = {e.composition.reduced_formula for e in entries}
    products = ref.predicted_products()
    assert products and set(products) <= formulas - {"Li6PS5Cl"}
    assert ref.reaction.reaction_energy_eV_per_atom < 0
    assert ref.window.lower_V is not None and ref.window.upper_V is not None
    assert ref.window.lower_V < ref.window.upper_V
    assert ref.chemsys == "Cl-Li-P-S"


def test_a_cathode_gets_its_mixing_products_not_the_reduction_by_li_metal():
    """Against LiCoO2 the predicted products are those of the closed electrolyte-cathode mixing;
    the open-Li (Li metal reservoir) products belong to a Li electrode only."""
    from pymatgen.entries.computed_entries import ComputedEntry

    from interfaceflow.analysis.thermo import interface_reaction

    energies = {"Li": -1.9, "Co": -7.0, "O2": -4.9, "S": -4.1, "Li2S": -4.2, "Li2O": -4.8,
                "LiCoO2": -5.8, "CoS2": -5.0, "Li2SO4": -5.9, "Co3O4": -6.0}
    entries = [ComputedEntry(formula, e * Composition(formula).num_atoms) for formula, e in energies.items()]
    with_cathode = interface_reaction(entries, "Li2S", "LiCoO2")
    assert with_cathode.open_li_products == {}
    assert with_cathode.reaction_energy_eV_per_atom < 0
    assert set(with_cathode.products) <= set(energies) - {"Li2S", "LiCoO2"}
    with_metal = interface_reaction(entries, "Li2S", "Li")
    assert with_metal.open_li_products  # Li2S is stable against Li: it decomposes to itself


def test_unconverged_reference_phases_are_listed_and_warned(tmp_path):
    """A phase stopped at the step cap above fmax is named in the document, the summary and the
    CLI text: its energy is an upper bound, so the window may be off."""
    from pymatgen.entries.computed_entries import ComputedEntry

    from interfaceflow.cli.thermo import format_thermo
    from interfaceflow.workflows.products import ThermoReferenceDocument

    calc = _CountingLJ()
    li = phase("Li")
    prov = {"plugin": "lj", "model": "sigma2", "dtype": "float64"}
    capped, = relax_reference_phases({"Li": li}, calc, provenance=prov, cache_dir=tmp_path,
                                     settings=ThermoSettings(steps=1, fmax_eV_per_A=1e-6))
    assert capped.data["converged"] is False and capped.data["n_steps"] == 1

    entries = []
    for e in _entries({**SYNTHETIC, "Li6PS5Cl": -1.20}):
        converged = e.name != "Li3PS4"
        entries.append(ComputedEntry(e.composition, e.energy, entry_id=e.name,
                                     data={"name": e.name, "converged": converged, "n_steps": 30 if converged else 300}))
    ref = thermo_reference(entries, "Li6PS5Cl", "Li")
    rows = {r["name"]: r for r in ref.entries}
    assert rows["Li3PS4"]["relax_converged"] is False and rows["Li3PS4"]["relax_steps"] == 300
    assert rows["Li2S"]["relax_converged"] is True
    doc = ThermoReferenceDocument.from_reference(ref, "Li6PS5Cl", "Li")
    assert doc.unconverged_phases == ["Li3PS4"]
    assert doc.summary().unconverged_phases == ["Li3PS4"]
    warning = [line for line in format_thermo(doc).splitlines() if "warning" in line]
    assert len(warning) == 1 and "Li3PS4" in warning[0] and "--steps" in warning[0]

    no_flags = thermo_reference(_entries({**SYNTHETIC, "Li6PS5Cl": -1.20}), "Li6PS5Cl", "Li")
    converged_doc = ThermoReferenceDocument.from_reference(no_flags, "Li6PS5Cl", "Li")
    assert converged_doc.unconverged_phases == [] and "warning" not in format_thermo(converged_doc)
    assert "reaction    0.1111 Li6PS5Cl + 0.8889 Li" in format_thermo(converged_doc)


def test_thermo_text_says_none_for_a_pair_that_does_not_react():
    """pymatgen writes e.g. "Li -> Li" for a stable pair; the text says there is no reaction."""
    from interfaceflow.cli.thermo import format_thermo
    from interfaceflow.workflows.products import ThermoReferenceDocument

    ref = thermo_reference(_entries({**SYNTHETIC, "Li6PS5Cl": -1.20}), "LiCl", "Li")
    doc = ThermoReferenceDocument.from_reference(ref, "LiCl", "Li")
    reactants, _, products = doc.reaction.partition("->")
    assert products and reactants.strip() == products.strip()  # e.g. "Li -> Li"
    text = format_thermo(doc)
    assert "none: LiCl and Li do not react with the phases considered" in text
    assert "energy      0.000 eV/atom (no reaction)" in text  # not "-0.000", no mixing ratio
    assert "alone" not in text


def test_thermo_text_labels_a_metastable_electrolytes_own_decomposition():
    """Li3OCl above the Li2O + LiCl hull, with nothing left to reduce: the most reactive mixture is the
    electrolyte alone, and the text says so instead of presenting it as the reaction with Li."""
    from interfaceflow.cli.thermo import format_thermo
    from interfaceflow.workflows.products import ThermoReferenceDocument

    per_atom = {"Li": 0.0, "O": 0.0, "Cl": 0.0, "Li2O": -2.0, "LiCl": -1.9, "Li3OCl": -1.9}
    entries = [PDEntry(Composition(f), e * Composition(f).num_atoms, name=f) for f, e in per_atom.items()]
    ref = thermo_reference(entries, "Li3OCl", "Li")
    doc = ThermoReferenceDocument.from_reference(ref, "Li3OCl", "Li")
    assert doc.mixing_ratio == pytest.approx(1.0)
    assert doc.reaction_energy_eV_per_atom == pytest.approx(-0.06, abs=1e-6)  # (3*-2.0 + 2*-1.9)/5 + 1.9
    text = format_thermo(doc)
    reaction_line = next(line for line in text.splitlines() if line.startswith("  reaction"))
    assert "Li2O" in reaction_line and "LiCl" in reaction_line
    assert reaction_line.endswith("(decomposition of Li3OCl alone, no Li)")
    assert "eV/atom of the electrolyte alone" in text and "mixing ratio" not in text
