"""Interface builder: the five reference interfaces, geometry options, determinism and errors."""

from __future__ import annotations

import numpy as np
import pytest
from ase.neighborlist import neighbor_list
from pymatgen.core import Composition

from interfaceflow.errors import StructureError
from interfaceflow.structures import build_interface, get_phase, list_candidate_interfaces
from interfaceflow.structures.matching import principal_strain_pct
from interfaceflow.structures.slabs import OrientedBulk

CASES = {
    "Li|Li6PS5Cl": dict(electrode="Li", electrolyte="Li6PS5Cl", max_atoms=200),
    "Li|beta-Li3PS4": dict(electrode="Li", electrolyte="beta-Li3PS4", max_atoms=300),
    "Li|LLZO": dict(electrode="Li", electrolyte="LLZO", max_atoms=300),
    "LiCoO2|beta-Li3PS4": dict(electrode="LiCoO2", electrolyte="beta-Li3PS4", max_atoms=300),
    "LiCoO2|LiNbO3|beta-Li3PS4": dict(
        electrode="LiCoO2", electrolyte="beta-Li3PS4", coating="LiNbO3", max_atoms=800,
        electrode_miller=(0, 0, 1), coating_miller=(1, 0, 1), electrolyte_miller=(1, 0, 0),
    ),
}
MAX_STRAIN_PCT = 5.0


@pytest.fixture(scope="module")
def builds():
    return {name: build_interface(**kwargs, max_strain_pct=MAX_STRAIN_PCT) for name, kwargs in CASES.items()}


@pytest.mark.parametrize("case", list(CASES))
def test_reference_interface(builds, case):
    kwargs = CASES[case]
    build = builds[case]
    atoms, report = build.atoms, build.report
    regions = np.asarray(atoms.arrays["region"])
    expected_regions = {"electrode", "electrolyte"} | ({"coating"} if "coating" in kwargs else set())

    # region labels on every atom, budget, periodic cell
    assert set(regions.tolist()) == expected_regions
    assert len(atoms) == report.n_atoms <= kwargs["max_atoms"]
    assert atoms.pbc.all()

    # no broken polyanion: every P has 4 S or O within 2.5 A
    i, j = neighbor_list("ij", atoms, 2.5)
    symbols = np.array(atoms.get_chemical_symbols())
    for p in np.nonzero(symbols == "P")[0]:
        ligands = symbols[j[i == p]]
        assert np.sum(np.isin(ligands, ["S", "O"])) == 4, f"P {p} has ligands {sorted(ligands)}"
    assert report.broken_polyanions == 0

    # the electrolyte part has the bulk stoichiometry
    electrolyte = Composition(" ".join(symbols[regions == "electrolyte"]))
    bulk = get_phase(kwargs["electrolyte"]).structure.composition
    assert electrolyte.reduced_composition == bulk.reduced_composition
    assert report.electrolyte_stoichiometric and report.electrolyte_net_charge_e == 0

    # every atom pair across an interface is further apart than 1.5 A
    i, j, d = neighbor_list("ijd", atoms, 3.0)
    cross = regions[i] != regions[j]
    assert d[cross].min() > 1.5
    assert abs(d[cross].min() - report.min_cross_distance_A) < 1e-3

    # strain: recomputed from the final cell and the unstrained oriented cells
    cell_vectors = atoms.cell[:2]
    for region, miller in report.miller.items():
        name = {"electrode": kwargs["electrode"], "electrolyte": kwargs["electrolyte"],
                "coating": kwargs.get("coating")}[region]
        oriented = OrientedBulk.from_structure(get_phase(name).structure, miller, region=region, name=name)
        supercell = np.array(report.supercells[region])
        strain = principal_strain_pct(supercell @ oriented.inplane_vectors, cell_vectors)
        assert strain <= MAX_STRAIN_PCT + 1e-6
        assert abs(strain - report.strain_pct[region]) < 1e-3
    assert min(report.strain_pct.values()) == 0.0  # the reference side is unstrained

    # interface planes lie in the gaps between regions
    z = atoms.positions[:, 2]
    n_interfaces = 4 if "coating" in kwargs else 2
    assert len(build.interface_z_A) == n_interfaces
    for zi in build.interface_z_A:
        near = np.abs(((z - zi + atoms.cell[2, 2] / 2) % atoms.cell[2, 2]) - atoms.cell[2, 2] / 2) < 0.5
        assert not near.any()


def test_li_lpscl_demo_cell_is_small_and_fast(builds):
    report = builds["Li|Li6PS5Cl"].report
    assert 120 <= report.n_atoms <= 200
    assert report.build_time_s < 20
    assert report.strained_regions == ["electrode"]  # Li metal is the softer side


def test_build_is_deterministic():
    a = build_interface("Li", "LPSCl", max_atoms=150)
    b = build_interface("li", "Li6PS5Cl", max_atoms=150)
    assert a.report.fingerprint_sha256 == b.report.fingerprint_sha256
    assert np.array_equal(a.atoms.positions, b.atoms.positions)
    assert list(a.atoms.arrays["region"]) == list(b.atoms.arrays["region"])
    c = build_interface("Li", "LPSCl", max_atoms=150, gap_A=2.5)
    assert c.report.fingerprint_sha256 != a.report.fingerprint_sha256


def test_slab_with_vacuum_and_fixed_outer_layers():
    build = build_interface("Li", "Li6PS5Cl", electrode_miller=(1, 0, 0), electrolyte_miller=(1, 0, 0),
                            max_atoms=220, vacuum_A=15.0, fix_outer_A=2.0)
    atoms = build.atoms
    z = atoms.positions[:, 2]
    assert build.report.geometry == "slab" and len(build.interface_z_A) == 1
    assert atoms.cell[2, 2] - (z.max() - z.min()) == pytest.approx(15.0, abs=1e-6)
    fixed = atoms.constraints[0].get_indices()
    assert len(fixed) == build.report.fixed_atoms > 0
    zf = z[fixed]
    assert np.all((zf <= z.min() + 2.0 + 1e-9) | (zf >= z.max() - 2.0 - 1e-9))
    regions = np.asarray(atoms.arrays["region"])
    assert regions[np.argmin(z)] == "electrode" and regions[np.argmax(z)] == "electrolyte"


def test_terminations_and_candidates_are_listed():
    build = build_interface("Li", "Li6PS5Cl", max_atoms=200)
    report = build.report
    assert len(report.terminations) >= 2
    assert sum(t.selected for t in report.terminations) == 1
    assert report.terminations[report.termination_index].selected
    other = build_interface("Li", "Li6PS5Cl", max_atoms=200,
                            termination_index=(report.termination_index + 1) % len(report.terminations))
    assert not np.array_equal(other.atoms.positions, build.atoms.positions)
    candidates = list_candidate_interfaces("Li", "Li6PS5Cl", max_atoms=200)
    chosen = candidates[report.candidate_index]
    assert chosen.miller == report.miller and chosen.n_atoms == report.n_atoms
    # the default prefers a non-polar electrolyte cut among the best-scored matches
    assert abs(report.electrolyte_dipole_eA) < 1e-6
    assert all(c.n_atoms <= 200 and max(c.strain_pct.values()) <= 5.0 for c in candidates)
    assert [c.score for c in candidates] == sorted(c.score for c in candidates)


def test_strain_side_can_be_chosen():
    build = build_interface("Li", "Li6PS5Cl", max_atoms=200, strain_side="electrolyte")
    assert build.report.strain_pct["electrode"] == 0.0
    assert build.report.strained_regions == ["electrolyte"]


def test_user_miller_indices_are_used():
    build = build_interface("Li", "Li6PS5Cl", electrode_miller="1,1,0", electrolyte_miller=(1, 0, 0), max_atoms=250)
    assert build.report.miller == {"electrolyte": (1, 0, 0), "electrode": (1, 1, 0)}


def test_no_lattice_match_names_best_strain_and_tolerance():
    with pytest.raises(StructureError) as err:
        build_interface("Li", "Li6PS5Cl", electrode_miller=(1, 0, 0), electrolyte_miller=(1, 0, 0),
                        max_strain_pct=0.05, max_atoms=300)
    msg = str(err.value)
    assert "best strain found" in msg and "--max-strain" in msg and "\n" not in msg


def test_atom_budget_too_small_is_reported():
    with pytest.raises(StructureError, match="raise --max-atoms"):
        build_interface("Li", "LLZO", max_atoms=100)


def test_overlapping_atoms_are_refused():
    with pytest.raises(StructureError, match="overlapping atoms"):
        build_interface("Li", "Li6PS5Cl", max_atoms=200, gap_A=0.2)


def test_unknown_phase_and_bad_inputs_give_one_line_errors(tmp_path):
    with pytest.raises(StructureError, match="unknown phase"):
        build_interface("Li", "Li6PS5Br")
    bad = tmp_path / "bad.cif"
    bad.write_text("data_x\n_cell_length_a 1\n")
    with pytest.raises(StructureError, match="bad.cif"):
        build_interface("Li", bad)
    with pytest.raises(StructureError, match="Miller"):
        build_interface("Li", "Li6PS5Cl", electrolyte_miller="0,0,0")


def test_partial_occupancy_without_ordering_fails_in_the_builder(tmp_path):
    from pymatgen.core import Lattice, Structure

    path = tmp_path / "odd.cif"
    Structure(Lattice.cubic(4.0), [{"Li": 0.137, "Na": 0.863}, "Cl"], [[0, 0, 0], [0.5] * 3]).to(filename=str(path))
    with pytest.raises(StructureError, match="order it yourself"):
        build_interface("Li", path)


def test_write_formats_keep_regions_and_report(tmp_path):
    import json

    import ase.io

    build = build_interface("Li", "Li6PS5Cl", max_atoms=150)
    for name in ("cell.extxyz", "cell.cif", "POSCAR"):
        path = build.write(tmp_path / name)
        sidecar = json.loads((tmp_path / f"{name}.report.json").read_text())
        assert sidecar["report"]["fingerprint_sha256"] == build.report.fingerprint_sha256
        assert sidecar["regions"] == list(build.atoms.arrays["region"])
        assert len(ase.io.read(path)) == len(build.atoms)
    back = ase.io.read(tmp_path / "cell.extxyz")
    assert list(back.arrays["region"]) == list(build.atoms.arrays["region"])
