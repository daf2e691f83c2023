"""CLI commands `interfaceflow build` and `interfaceflow structures`, and the optional MLIP ranking."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from interfaceflow.cli import app


def test_build_writes_extxyz_with_region_array_and_report(tmp_path):
    import ase.io

    out = tmp_path / "li_lpscl.extxyz"
    result = CliRunner().invoke(app, ["build", "Li", "LPSCl", "--max-atoms", "200", "-o", str(out)])
    assert result.exit_code == 0, result.output
    atoms = ase.io.read(out)
    assert set(atoms.arrays["region"]) == {"electrode", "electrolyte"}
    assert len(atoms) <= 200
    report = json.loads((tmp_path / "li_lpscl.extxyz.report.json").read_text())["report"]
    assert report["n_atoms"] == len(atoms)
    assert np.allclose(atoms.info["interface_z_A"], report["interface_z_A"])


def test_build_with_coating_miller_and_vacuum_writes_cif(tmp_path):
    from pymatgen.core import Structure

    out = tmp_path / "stack.cif"
    result = CliRunner().invoke(app, [
        "build", "LiCoO2", "beta-Li3PS4", "--coating", "LiNbO3", "--electrode-miller", "0,0,1",
        "--coating-miller", "1,0,1", "--electrolyte-miller", "1,0,0", "--max-atoms", "600", "--vacuum", "10",
        "-o", str(out),
    ])
    assert result.exit_code == 0, result.output
    structure = Structure.from_file(out)
    report = json.loads((tmp_path / "stack.cif.report.json").read_text())["report"]
    assert len(structure) == report["n_atoms"] <= 600
    assert report["geometry"] == "slab" and len(report["interface_z_A"]) == 2


def test_build_list_prints_candidates():
    result = CliRunner().invoke(app, ["build", "Li", "LLZO", "--max-atoms", "300", "--list", "-o", "unused.cif"])
    assert result.exit_code == 0, result.output
    assert "LLZO" in result.output and "area" in result.output


@pytest.mark.parametrize(("args", "needle"), [
    (["build", "Li", "Li6PS5Br", "-o", "x.cif"], "unknown phase"),
    (["build", "Li", "LPSCl", "--max-strain", "0.01", "--electrode-miller", "1,0,0",
      "--electrolyte-miller", "1,0,0", "-o", "x.cif"], "best strain found"),
    (["build", "Li", "LPSCl", "-o", "x.unknownext"], "cannot tell the format"),
])
def test_build_errors_are_one_line(args, needle):
    # progress lines of the search (stderr, 'build: ...') may precede it; the error is the last line
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert lines[-1].startswith("error:") and needle in lines[-1]
    assert all(ln.startswith("build: ") for ln in lines[:-1])
    quiet = CliRunner().invoke(app, [*args, "--quiet"])
    assert [ln for ln in quiet.output.splitlines() if ln.strip()] == lines[-1:]


def test_structures_lists_the_library():
    result = CliRunner().invoke(app, ["structures"])
    assert result.exit_code == 0
    for name in ("Li6PS5Cl", "beta-Li3PS4", "LLZO", "LiCoO2", "LiNbO3", "Li2S"):
        assert name in result.output
    only = CliRunner().invoke(app, ["structures", "--role", "coating"])
    assert "LiNbO3" in only.output and "Li6PS5Cl" not in only.output


class _PairRepulsion:
    """Tiny ASE calculator with a known answer: E = sum over pairs closer than 3 A of (3 - r)^2."""

    def __new__(cls):
        from ase.calculators.calculator import Calculator, all_changes
        from ase.neighborlist import neighbor_list

        class Calc(Calculator):
            implemented_properties = ["energy", "forces"]

            def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
                super().calculate(atoms, properties, system_changes)
                i, j, d, D = neighbor_list("ijdD", atoms, 3.0)
                self.results["energy"] = 0.5 * float(np.sum((3.0 - d) ** 2))
                forces = np.zeros((len(atoms), 3))
                np.add.at(forces, i, -(2 * (3.0 - d) / d)[:, None] * D)
                self.results["forces"] = forces

        return Calc()


def test_ranking_by_interface_energy_sorts_candidates():
    from interfaceflow.structures import list_candidate_interfaces

    kwargs = dict(max_atoms=120, min_inplane_A=0.0, min_slab_thickness_A=3.0)
    plain = list_candidate_interfaces("Li", "Li2S", **kwargs)
    ranked = list_candidate_interfaces("Li", "Li2S", calculator=_PairRepulsion(), rank_top=3, relax_steps=0, **kwargs)
    energies = [c.interface_energy_eV_per_A2 for c in ranked[:3]]
    assert all(e is not None for e in energies) and energies == sorted(energies)
    assert {json.dumps(c.miller, sort_keys=True) for c in ranked[:3]} <= {
        json.dumps(c.miller, sort_keys=True) for c in plain}


@pytest.mark.slow
def test_ranking_with_sevennet_on_a_tiny_cell():
    import torch

    torch.serialization.add_safe_globals([slice])
    from sevenn.calculator import SevenNetCalculator

    from interfaceflow.structures import list_candidate_interfaces

    torch.set_num_threads(1)
    calc = SevenNetCalculator("7net-0", device="cpu")
    ranked = list_candidate_interfaces("Li", "Li2S", max_atoms=40, min_inplane_A=0.0, min_slab_thickness_A=3.0,
                                       target_thickness_A=5.0,
                                       calculator=calc, rank_top=2, relax_steps=3)
    energies = [c.interface_energy_eV_per_A2 for c in ranked[:2]]
    assert all(np.isfinite(energies)) and energies == sorted(energies)
