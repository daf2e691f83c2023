"""Thermodynamic references for every seed chemistry: elemental references, competing phases,
shared cache, Materials Project path (recorded response), ``interfaceflow thermo``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from pymatgen.core import Composition

from interfaceflow.analysis.element_references import (
    element_reference,
    missing_element_references,
    thermo_only_phases,
)
from interfaceflow.analysis.thermo import (
    ThermoSettings,
    chemsys_phases,
    default_cache_dir,
    relax_reference_phases,
    thermo_reference,
)
from interfaceflow.plugins import CalculatorPlugin, register_plugin, unregister_plugin
from interfaceflow.structures import get_phase
from interfaceflow.structures.prototypes import COMPETING_PHASES
from interfaceflow.structures.validation import check_bulk

DATA = Path(__file__).parent / "data"
LJ_PROVENANCE = {"plugin": "lj-thermo", "model": "sigma2", "dtype": "float64"}


def _lj():
    from ase.calculators.lj import LennardJones

    return LennardJones(sigma=2.0, epsilon=0.01, rc=5.0)


class LJPlugin(CalculatorPlugin):
    """ASE's Lennard-Jones as a calculator plugin: a cheap stand-in for an MLIP."""

    name = "lj-thermo"
    default_model = "sigma2"

    def create(self, model, device, dtype, **kwargs):
        print("LJ v0 initialized")  # a model banner on stdout, as CHGNet prints one
        return _lj()


@pytest.fixture
def lj_plugin():
    register_plugin("lj-thermo", LJPlugin)
    yield "lj-thermo"
    unregister_plugin("lj-thermo")


# ----------------------------------------------------------------------------- elemental references
SEED_ELEMENTS = ["Li", "La", "Zr", "Ti", "Al", "Ge", "Co", "Ni", "Mn", "Nb", "In", "P", "S", "Cl", "O", "N", "F"]


@pytest.mark.parametrize("symbol", [*SEED_ELEMENTS, "Ga", "B", "Y", "Ta", "Si", "Br"])
def test_every_element_gets_a_reference_structure(symbol):
    s = element_reference(symbol)
    assert {el.symbol for el in s.composition} == {symbol}
    kind = s.properties["reference"]
    assert kind in {"molecule", "ase", "model"}
    volume = s.volume / len(s)
    assert (kind == "molecule" and volume > 100) or 5 < volume < 60
    if symbol == "Mn":  # ASE's 58-atom alpha-Mn has no basis: a flagged bcc guess at the molar volume
        assert kind == "model" and 10 < volume < 14


def test_library_elements_are_not_replaced_and_missing_ones_are_added():
    refs = missing_element_references({"Li": get_phase("Li").structure}, ["Li", "La", "Zr", "O"])
    assert set(refs) == {"La (ase hcp)", "Zr (ase hcp)", "O2"}
    assert all(len(s.composition.elements) == 1 for s in refs.values())


def test_li_la_zr_o_phase_diagram_has_every_terminal(tmp_path):
    phases = chemsys_phases("Li-La-Zr-O")
    assert {"LLZO", "La2O3", "ZrO2", "La2Zr2O7", "Li2ZrO3", "Li2O", "Li2O2", "Li6Zr2O7", "Zr3O"} <= set(phases)
    small = {k: v.get_primitive_structure() for k, v in phases.items()}
    entries = relax_reference_phases(small, _lj(), provenance=LJ_PROVENANCE, settings=ThermoSettings(steps=0),
                                     cache_dir=tmp_path)
    ref = thermo_reference(entries, "Li7La3Zr2O12", "Li")  # raised "Missing terminal entries" before
    assert ref.chemsys == "La-Li-O-Zr"
    flags = {e.data["name"]: e.data.get("reference") for e in entries}
    assert flags["La (ase hcp)"] == "ase" and flags["O2"] == "molecule"


@pytest.mark.parametrize("system", ["Li-Ti-P-O-Al", "Li-Co-Ni-Mn-O", "Li-Nb-O", "Li-Ge-P-S", "Li-In-Cl"])
def test_every_seed_chemical_system_has_all_elemental_references(system):
    phases = chemsys_phases(system)
    pure = {s.composition.elements[0].symbol for s in phases.values() if len(s.composition.elements) == 1}
    assert pure == set(system.split("-"))


# ----------------------------------------------------------------------------- competing phases
TEXTBOOK = {  # formal oxidation states of the new library phases
    "La2O3": {"La": 3, "O": -2}, "ZrO2": {"Zr": 4, "O": -2}, "La2Zr2O7": {"La": 3, "Zr": 4, "O": -2},
    "Li2ZrO3": {"Li": 1, "Zr": 4, "O": -2}, "TiO2": {"Ti": 4, "O": -2}, "Ti2O3": {"Ti": 3, "O": -2},
    "Al2O3": {"Al": 3, "O": -2}, "GeS2": {"Ge": 4, "S": -2}, "Li4GeS4": {"Li": 1, "Ge": 4, "S": -2},
    "InCl3": {"In": 3, "Cl": -1}, "CoO": {"Co": 2, "O": -2}, "Co3O4": {"Co": 8 / 3, "O": -2},
    "NiO": {"Ni": 2, "O": -2}, "MnO": {"Mn": 2, "O": -2}, "MnO2": {"Mn": 4, "O": -2},
    "LiMn2O4": {"Li": 1, "Mn": 3.5, "O": -2}, "Li2MnO3": {"Li": 1, "Mn": 4, "O": -2},
    "NCM111": {"Li": 1, "Ni": 2, "Mn": 4, "Co": 3, "O": -2}, "NbO": {"Nb": 2, "O": -2}, "NbO2": {"Nb": 4, "O": -2},
    "AlPO4": {"Al": 3, "P": 5, "O": -2}, "Li2TiO3": {"Li": 1, "Ti": 4, "O": -2}, "LiTi2O4": {"Li": 1, "Ti": 3.5, "O": -2},
    "LiAlO2": {"Li": 1, "Al": 3, "O": -2}, "LiNbO2": {"Li": 1, "Nb": 3, "O": -2}, "TiP2O7": {"Ti": 4, "P": 5, "O": -2},
    "CoS2": {"Co": 2, "S": -1}, "NiS2": {"Ni": 2, "S": -1}, "MnS2": {"Mn": 2, "S": -1}, "MnS": {"Mn": 2, "S": -2},
    "CoCl2": {"Co": 2, "Cl": -1}, "NiCl2": {"Ni": 2, "Cl": -1}, "MnCl2": {"Mn": 2, "Cl": -1},
    "In2O3": {"In": 3, "O": -2}, "LaCoO3": {"La": 3, "Co": 3, "O": -2}, "Li2SO4": {"Li": 1, "S": 6, "O": -2},
    "Co9S8": {"Co": 16 / 9, "S": -2}, "Ni3S2": {"Ni": 4 / 3, "S": -2}, "NiSO4": {"Ni": 2, "S": 6, "O": -2},
    "CoSO4": {"Co": 2, "S": 6, "O": -2}, "MnSO4": {"Mn": 2, "S": 6, "O": -2}, "Li4P2O7": {"Li": 1, "P": 5, "O": -2},
    "Nb2O5": {"Nb": 5, "O": -2}, "Zr3O": {},  # metallic suboxide
    "Li6Zr2O7": {"Li": 1, "Zr": 4, "O": -2}, "Li2GeS3": {"Li": 1, "Ge": 4, "S": -2},
    "Li3NbO4": {"Li": 1, "Nb": 5, "O": -2}, "P2S5": {"P": 5, "S": -2}, "LiClO4": {"Li": 1, "Cl": 7, "O": -2},
    "LiTiPO5": {"Li": 1, "Ti": 4, "P": 5, "O": -2}, "LiNb3O8": {"Li": 1, "Nb": 5, "O": -2},
    "H-Nb2O5": {"Nb": 5, "O": -2}, "LiPO3": {"Li": 1, "P": 5, "O": -2},
}
DENSITY_G_CM3 = {  # densities of the cited cells or experiment (models within 12 %)
    "La2O3": 6.51, "ZrO2": 5.68, "La2Zr2O7": 6.05, "Li2ZrO3": 4.15, "TiO2": 4.25, "Ti2O3": 4.49, "Al2O3": 3.99,
    "GeS2": 2.94, "Li4GeS4": 2.3, "InCl3": 3.46, "CoO": 6.44, "Co3O4": 6.11, "NiO": 6.67, "MnO": 5.37,
    "MnO2": 5.08, "LiMn2O4": 4.28, "Li2MnO3": 3.9, "NCM111": 4.75, "NbO": 7.30, "NbO2": 5.90,
    "AlPO4": 2.62, "Li2TiO3": 3.43, "LiTi2O4": 3.70, "LiAlO2": 3.40, "LiNbO2": 5.70, "TiP2O7": 3.10,
    "CoS2": 4.8, "NiS2": 4.45, "MnS2": 3.46, "MnS": 4.05, "CoCl2": 3.36, "NiCl2": 3.55, "MnCl2": 2.98,
    "In2O3": 7.18, "LaCoO3": 7.29, "Li2SO4": 2.22, "Co9S8": 5.34,
    "Ni3S2": 5.87, "NiSO4": 4.01, "CoSO4": 3.71, "MnSO4": 3.25, "Li4P2O7": 2.35, "Nb2O5": 4.55, "Zr3O": 6.75,
    "Li6Zr2O7": 3.56, "Li2GeS3": 2.41, "Li3NbO4": 3.97, "P2S5": 2.09, "LiClO4": 2.42, "LiTiPO5": 3.22, "LiNb3O8": 5.0, "H-Nb2O5": 4.55, "LiPO3": 2.48,
}
LARGE_CELLS = {"H-Nb2O5": 98}  # the Nb2O5 ground state has no smaller cell; relaxed once per calculator, then cached


def test_every_competing_phase_has_textbook_states():
    assert {d.name for d in COMPETING_PHASES} == set(TEXTBOOK)
    for d in COMPETING_PHASES:
        assert d.oxidation_states == pytest.approx(TEXTBOOK[d.name]), d.name


@pytest.mark.parametrize("name", sorted(TEXTBOOK))
def test_competing_phase_loads_neutral_with_sensible_density(name):
    phase = get_phase(name)
    s = phase.structure
    checks = check_bulk(s, phase.formula, TEXTBOOK[name])
    assert checks["net_charge"] == pytest.approx(0.0, abs=1e-6)
    assert abs(s.density / DENSITY_G_CM3[name] - 1) < 0.12
    assert len(s.get_primitive_structure()) <= LARGE_CELLS.get(name, 40)
    assert phase.source and (phase.coordinates == "published" or phase.notes)


def test_li2o2_is_a_peroxide_next_to_the_library():
    s = thermo_only_phases({"Li", "O"})["Li2O2"]
    assert s.composition.reduced_formula == "Li2O2" and s.composition["O"] == 4  # Li4O4 cell
    d = s.distance_matrix + np.eye(len(s)) * 9
    assert 1.5 < d.min() < 1.6  # the O-O bond
    assert abs(s.density - 2.31) < 0.1
    assert thermo_only_phases({"Li", "S"}) == {}


def test_ncm111_orders_one_of_each_metal_per_layer():
    s = get_phase("NCM").structure
    assert s.composition.reduced_formula == Composition("Li3NiMnCoO6").reduced_formula
    z = {site.specie.symbol: round(site.frac_coords[2] % 1, 3) for site in s if site.specie.symbol in "NiMnCo"}
    assert len(set(z.values())) == 1  # Ni, Mn, Co in one layer of the cell


# ----------------------------------------------------------------------------- shared cache
def test_cache_dir_is_absolute_even_when_set_relative(tmp_path, monkeypatch):
    from interfaceflow.settings import get_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INTERFACEFLOW_THERMO_CACHE_DIR", "relative/thermo")
    get_settings.cache_clear()
    assert default_cache_dir().is_absolute()
    assert default_cache_dir() == tmp_path / "relative" / "thermo"
    monkeypatch.delenv("INTERFACEFLOW_THERMO_CACHE_DIR")
    get_settings.cache_clear()
    assert default_cache_dir() == Path.home().resolve() / ".interfaceflow" / "cache" / "thermo"


_CHILD = """
import json, sys
from ase.calculators.lj import LennardJones
from interfaceflow.analysis.thermo import ThermoSettings, default_cache_dir, relax_reference_phases
from interfaceflow.structures import get_phase
calc = LennardJones(sigma=2.0, epsilon=0.01, rc=5.0)
calls = []
original = calc.calculate
calc.calculate = lambda *a, **k: (calls.append(1), original(*a, **k))[1]
phases = {n: get_phase(n).structure.get_primitive_structure() for n in ("Li", "Li2O", "TiO2")}
entries = relax_reference_phases(phases, calc, provenance={"plugin": "lj", "model": "child"},
                                 settings=ThermoSettings(steps=2))
print(json.dumps({"calls": len(calls), "energies": [e.energy for e in entries], "cache": str(default_cache_dir())}))
"""


def test_two_processes_share_the_cache_and_the_second_relaxes_nothing(tmp_path):
    env = {**os.environ, "INTERFACEFLOW_THERMO_CACHE_DIR": "shared-cache", "OMP_NUM_THREADS": "1"}
    runs = []
    for folder in ("job1", "job2"):  # two job folders, one relative setting: one absolute cache
        cwd = tmp_path / folder if folder == "job1" else tmp_path
        cwd.mkdir(exist_ok=True)
        env["INTERFACEFLOW_THERMO_CACHE_DIR"] = str(tmp_path / "shared-cache") if folder == "job2" else "../shared-cache"
        out = subprocess.run([sys.executable, "-c", _CHILD], cwd=cwd, env=env, capture_output=True, text=True,
                             check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    first, second = runs
    assert first["cache"] == second["cache"] == str(tmp_path / "shared-cache")
    assert first["calls"] > 0 and second["calls"] == 0
    assert second["energies"] == pytest.approx(first["energies"])
    cache = tmp_path / "shared-cache"
    assert len(list(cache.glob("*.json"))) == 3 and not list(cache.glob("*.tmp"))


def test_a_corrupt_cache_file_is_recomputed(tmp_path):
    phases = {"Li": get_phase("Li").structure}
    relax_reference_phases(phases, _lj(), provenance=LJ_PROVENANCE, settings=ThermoSettings(steps=1), cache_dir=tmp_path)
    (path,) = tmp_path.glob("*.json")
    path.write_text('{"truncated')
    again = relax_reference_phases(phases, _lj(), provenance=LJ_PROVENANCE, settings=ThermoSettings(steps=1),
                                   cache_dir=tmp_path)
    assert np.isfinite(again[0].energy) and json.loads(path.read_text())


# ----------------------------------------------------------------------------- Materials Project
@pytest.fixture
def recorded_mp(monkeypatch):
    """mp_api.client.MPRester replaced by one answering the recorded Li-O summary search."""
    from pymatgen.core import Structure

    docs = json.loads((DATA / "mp_li_o_summary.json").read_text())["docs"]
    queries = []

    class Summary:
        def search(self, **kwargs):
            queries.append(kwargs)
            return [types.SimpleNamespace(**{**d, "structure": Structure.from_dict(d["structure"])}) for d in docs]

    class MPRester:
        def __init__(self, api_key=None):
            self.api_key = api_key
            self.materials = types.SimpleNamespace(summary=Summary())

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    client = types.ModuleType("mp_api.client")
    client.MPRester = MPRester
    monkeypatch.setitem(sys.modules, "mp_api", types.ModuleType("mp_api"))
    monkeypatch.setitem(sys.modules, "mp_api.client", client)
    monkeypatch.setenv("MP_API_KEY", "recorded-test-key")
    return queries


def test_materials_project_phases_are_relaxed_with_the_mlip(recorded_mp, tmp_path):
    from interfaceflow.analysis.mp_phases import mp_competing_phases, use_materials_project

    assert use_materials_project("auto")
    phases = mp_competing_phases(["Li", "O"])
    assert recorded_mp[0]["chemsys"] == ["Li", "O", "Li-O"]
    assert recorded_mp[0]["energy_above_hull"] == (0, 0.025)
    assert set(phases) == {"Li (mp-1018134)", "Li2O (mp-1960)", "Li2O2 (mp-841)", "O2 (mp-12957)"}
    assert phases["Li2O (mp-1960)"].properties["reference_source"] == "Materials Project mp-1960"
    entries = relax_reference_phases(phases, _lj(), provenance=LJ_PROVENANCE, settings=ThermoSettings(steps=1),
                                     cache_dir=tmp_path)
    ref = thermo_reference(entries, "Li2O", "Li")
    assert ref.chemsys == "Li-O"


def test_run_thermo_takes_mp_phases_when_a_key_is_set(recorded_mp, lj_plugin, tmp_path):
    from interfaceflow.plugins.base import CalculatorSpec
    from interfaceflow.workflows.products import run_thermo

    spec = CalculatorSpec(plugin=lj_plugin, model="sigma2", device="cpu", dtype="float64")
    doc = run_thermo("Li2O", "Li", spec, ThermoSettings(steps=1), cache_dir=str(tmp_path), source="auto")
    names = {e["name"] for e in doc.entries}
    assert "Li2O2 (mp-841)" in names and "Li2O" in names  # MP phases next to the library
    library = run_thermo("Li2O", "Li", spec, ThermoSettings(steps=1), cache_dir=str(tmp_path), source="library")
    assert not any("mp-" in e["name"] for e in library.entries)


def test_without_a_key_the_library_serves(monkeypatch):
    from interfaceflow.analysis.mp_phases import use_materials_project
    from interfaceflow.errors import AnalysisError

    monkeypatch.delenv("MP_API_KEY", raising=False)
    assert not use_materials_project("auto")
    with pytest.raises(AnalysisError, match="MP_API_KEY"):
        use_materials_project("mp")


# ----------------------------------------------------------------------------- CLI
def test_thermo_command_prints_window_products_and_energy(lj_plugin, tmp_path):
    from typer.testing import CliRunner

    from interfaceflow.cli import app

    args = ["thermo", "Li3OCl", "--calculator", lj_plugin, "--device", "cpu", "--dtype", "float64",
            "--set", "steps=1", "--cache-dir", str(tmp_path), "--source", "library"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "window" in result.output and "vs Li/Li+" in result.output
    assert "reduction" in result.output and "oxidation" in result.output and "eV/atom" in result.output
    as_json = CliRunner().invoke(app, [*args, "--json"])
    doc = json.loads(as_json.output)
    assert doc["electrolyte"] == "Li3ClO" and doc["chemsys"] == "Cl-Li-O"
    assert "window_lower_V" in doc and "reaction_energy_eV_per_atom" in doc


def test_thermo_command_errors_are_one_line(lj_plugin, tmp_path):
    from typer.testing import CliRunner

    from interfaceflow.cli import app

    result = CliRunner().invoke(app, ["thermo", "Xx9Q", "--calculator", lj_plugin, "--cache-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert result.output.strip().startswith("error:") and len(result.output.strip().splitlines()) == 1
    bad = CliRunner().invoke(app, ["thermo", "Li2O", "--set", "stepz=1", "--calculator", lj_plugin])
    assert bad.exit_code != 0 and "stepz" in bad.output
