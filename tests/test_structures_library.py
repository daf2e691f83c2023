"""The bulk phase library and load_structure: chemistry checks, aliases, files, ordering, errors."""

from __future__ import annotations

import json
from importlib.resources import files

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from interfaceflow.errors import StructureError
from interfaceflow.structures import get_phase, list_phases, load_structure, order_structure
from interfaceflow.structures.prototypes import PHASES
from interfaceflow.structures.validation import check_bulk, ligand_counts

REQUIRED = {"Li", "Li6PS5Cl", "beta-Li3PS4", "Li10GeP2S12", "LLZO", "LiCoO2", "LiNbO3", "Li2S", "Li3P", "LiCl",
            "Li7P3S11", "Li3InCl6", "LiTi2(PO4)3", "Li15Ge4", "alpha-S", "Li4P2S6", "LiP"}


def test_library_holds_the_phases_the_tests_and_demo_need():
    names = {p.name for p in list_phases()}
    assert REQUIRED <= names
    assert len(names) == len(PHASES)


@pytest.mark.parametrize("phase", list_phases(), ids=lambda p: p.name)
def test_every_phase_is_ordered_neutral_and_chemically_sane(phase):
    s = phase.structure
    assert s.is_ordered
    checks = check_bulk(s, phase.formula, phase.oxidation_states)  # raises on any failure
    assert checks["net_charge"] == 0
    assert checks["min_distance_A"] > 1.45  # the shortest bond of the library: S-O of sulfate, 1.47 Å
    assert phase.source and phase.ordering_method
    # the stored cell keeps the library's lattice parameters (model relaxations were at fixed cell)
    conventional_volume = Lattice.from_parameters(*phase.lattice_abc_A, *phase.lattice_angles_deg).volume
    ratio = s.volume / conventional_volume
    assert abs(ratio - round(ratio)) < 1e-3 or abs(1 / ratio - round(1 / ratio)) < 1e-3


@pytest.mark.parametrize(("name", "center", "ligand"), [
    ("Li6PS5Cl", "P", "S"), ("beta-Li3PS4", "P", "S"), ("Li10GeP2S12", "P", "S"),
    ("Li10GeP2S12", "Ge", "S"), ("Li3PO4", "P", "O"), ("LiTi2(PO4)3", "P", "O"), ("Li7P3S11", "P", "S"),
])
def test_polyanions_are_tetrahedra_with_sensible_bonds(name, center, ligand):
    s = get_phase(name).structure
    assert np.all(ligand_counts(s, center, ligand, 2.5) == 4)
    bonds = [n.nn_distance for site in s if site.specie.symbol == center
             for n in s.get_neighbors(site, 2.5) if n.specie.symbol == ligand]
    expected = {"S": 2.05, "O": 1.54}[ligand] + (0.17 if center == "Ge" else 0.0)
    assert abs(np.mean(bonds) - expected) < 0.1


@pytest.mark.parametrize(("alias", "name"), [
    ("LPSCl", "Li6PS5Cl"), ("lpscl", "Li6PS5Cl"), ("LGPS", "Li10GeP2S12"), ("LLZO", "LLZO"),
    ("Li7La3Zr2O12", "LLZO"), ("Li3PS4", "beta-Li3PS4"), ("li", "Li"), ("lco", "LiCoO2"),
])
def test_names_and_aliases_are_case_insensitive(alias, name):
    assert get_phase(alias).name == name
    assert load_structure(alias).composition == get_phase(name).structure.composition


def test_get_phase_returns_an_independent_copy():
    a = get_phase("Li")
    a.structure.translate_sites([0], [0.1, 0, 0])
    assert np.allclose(get_phase("Li").structure[0].frac_coords, [0, 0, 0])


def test_unknown_name_lists_close_names_on_one_line():
    with pytest.raises(StructureError) as err:
        get_phase("Li6PSCl")
    msg = str(err.value)
    assert "Li6PS5Cl" in msg and "\n" not in msg


def test_provenance_table_covers_every_phase():
    table = json.loads((files("interfaceflow.structures") / "data" / "provenance.json").read_text())
    for phase in list_phases():
        row = table[phase.name]
        assert row["n_atoms"] == len(phase.structure)
        assert row["source"] == phase.source


@pytest.mark.parametrize("fmt", ["cif", "poscar", "extxyz"])
def test_load_structure_reads_files(tmp_path, fmt):
    import ase.io
    from pymatgen.io.ase import AseAtomsAdaptor

    s = get_phase("Li3P").structure
    path = tmp_path / {"cif": "x.cif", "poscar": "POSCAR", "extxyz": "x.extxyz"}[fmt]
    if fmt == "extxyz":
        ase.io.write(path, AseAtomsAdaptor.get_atoms(s), format="extxyz")
    else:
        s.to(filename=str(path))
    loaded = load_structure(path)
    assert loaded.composition == s.composition
    assert np.allclose(loaded.lattice.abc, s.lattice.abc, atol=1e-4)
    assert load_structure(str(path)).composition == s.composition


def test_load_structure_accepts_pymatgen_and_ase_objects():
    from pymatgen.io.ase import AseAtomsAdaptor

    s = get_phase("LiCl").structure
    assert load_structure(s) == s and load_structure(s) is not s
    assert load_structure(AseAtomsAdaptor.get_atoms(s)).composition == s.composition


def test_unparsable_file_gives_one_line_error(tmp_path):
    bad = tmp_path / "garbage.cif"
    bad.write_text("this is not a crystal\n")
    with pytest.raises(StructureError) as err:
        load_structure(bad)
    assert "garbage.cif" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(StructureError, match="does not exist"):
        load_structure(tmp_path / "missing.cif")


def _half_mixed_rocksalt() -> Structure:
    """Rock salt with Li/Na 50:50 on the cation site (4 sites in the conventional cell)."""
    return Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.8), [{"Li": 0.5, "Na": 0.5}, "Cl"],
                                     [[0, 0, 0], [0.5, 0.5, 0.5]])


def test_partial_occupancy_is_ordered_deterministically_by_ewald_energy():
    from pymatgen.analysis.ewald import EwaldSummation

    disordered = _half_mixed_rocksalt()
    first, second = load_structure(disordered), load_structure(disordered.copy())
    assert first.is_ordered and first == second
    assert first.composition["Li"] == first.composition["Na"] == 2
    # no other Li/Na arrangement of the cell has a lower Ewald energy
    ordered_oxi = first.copy()
    ordered_oxi.add_oxidation_state_by_element({"Li": 1, "Na": 1, "Cl": -1})
    best = EwaldSummation(ordered_oxi).total_energy
    cations = [i for i, s in enumerate(ordered_oxi) if s.specie.symbol in ("Li", "Na")]
    from itertools import combinations

    for li_sites in combinations(cations, 2):
        trial = ordered_oxi.copy()
        for i in cations:
            trial.replace(i, "Li+" if i in li_sites else "Na+")
        assert EwaldSummation(trial).total_energy >= best - 1e-6


def test_partial_occupancy_without_a_small_ordering_fails_with_advice():
    odd = Structure(Lattice.cubic(4.0), [{"Li": 0.137, "Na": 0.863}, "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    with pytest.raises(StructureError) as err:
        order_structure(odd)
    assert "order it yourself" in str(err.value) and "\n" not in str(err.value)


def _bonded_groups(structure: Structure, element: str, cutoff_A: float) -> list[int]:
    """Sizes of the groups of ``element`` atoms linked by bonds shorter than ``cutoff_A`` (periodic)."""
    import networkx as nx

    idx = [i for i, site in enumerate(structure) if site.specie.symbol == element]
    graph = nx.Graph()
    graph.add_nodes_from(idx)
    for i in idx:
        for n in structure.get_neighbors(structure[i], cutoff_A):
            if n.specie.symbol == element:
                graph.add_edge(i, n.index)
    return sorted(len(c) for c in nx.connected_components(graph))


def test_alpha_sulfur_is_made_of_whole_s8_crowns():
    s = get_phase("S8").structure
    assert s.composition.reduced_formula == "S" and len(s) == 128
    assert _bonded_groups(s, "S", 2.3) == [8] * 16
    bonds = [n.nn_distance for site in s for n in s.get_neighbors(site, 2.3)]
    assert len(bonds) == 2 * len(s) and 2.0 < min(bonds) and max(bonds) < 2.1
    # slabs keep the rings whole: every S of a cut slab still has its two ring neighbours
    from interfaceflow.structures.slabs import OrientedBulk, find_fragments

    oriented = OrientedBulk.from_structure(s, (0, 0, 1), region="product", name="alpha-S")
    fragments, _ = find_fragments(oriented.ouc)
    assert {len(f) for f in fragments} == {8}


def test_li4p2s6_holds_ethane_like_p2s6_units():
    s = get_phase("Li4P2S6").structure
    assert s.composition.reduced_formula == "Li2PS3"
    assert np.all(ligand_counts(s, "P", "S", 2.5) == 3)
    assert np.all(ligand_counts(s, "P", "P", 2.4) == 1)
    p_p = [n.nn_distance for site in s if site.specie.symbol == "P" for n in s.get_neighbors(site, 2.4)
           if n.specie.symbol == "P"]
    assert 2.1 < np.mean(p_p) < 2.35
    # a P2S6 pulled apart is no longer four-fold and check_bulk says so
    broken = s.copy()
    p_sites = [i for i, site in enumerate(broken) if site.specie.symbol == "P"]
    broken.translate_sites(p_sites[:1], [0, 0, 0.15], frac_coords=True)
    with pytest.raises(StructureError):
        check_bulk(broken, "Li4P2S6", {"Li": 1, "P": 4, "S": -2})


def test_lip_is_made_of_infinite_p_helices_along_b():
    phase = get_phase("LiP")
    s = phase.structure
    assert s.composition.reduced_formula == "LiP" and len(s) == 16 and phase.coordinates == "model"
    p_sites = [i for i, site in enumerate(s) if site.specie.symbol == "P"]
    bonds = {i: [n for n in s.get_neighbors(s[i], 2.4) if n.specie.symbol == "P"] for i in p_sites}
    assert all(len(b) == 2 and all(2.15 < n.nn_distance < 2.30 for n in b) for b in bonds.values())
    li_p = [n.nn_distance for site in s if site.specie.symbol == "Li" for n in s.get_neighbors(site, 3.0)
            if n.specie.symbol == "P"]
    assert min(li_p) > 2.4
    for start in p_sites:  # walk along the chain: back to the same atom one b-translation on, not a ring
        points, image, previous, current = [s[start].coords], np.zeros(3), None, start
        for _ in range(len(p_sites)):
            step = next(n for n in bonds[current]
                        if previous is None or not (n.index == previous[0] and np.allclose(n.image, -previous[1])))
            previous, current = (current, np.array(step.image)), step.index
            image = image + step.image
            points.append(points[-1] + step.coords - s[previous[0]].coords)
            if current == start:
                break
        assert current == start and np.allclose(np.abs(image), [0, 1, 0])
        dihedrals = [_dihedral_deg(*points[k:k + 4]) for k in range(len(points) - 3)]
        assert all(20 < abs(d) < 120 for d in dihedrals) and len({np.sign(d) for d in dihedrals}) == 1  # a helix


def _dihedral_deg(p0, p1, p2, p3):
    b1 = (p2 - p1) / np.linalg.norm(p2 - p1)
    v, w = (p0 - p1) - ((p0 - p1) @ b1) * b1, (p3 - p2) - ((p3 - p2) @ b1) * b1
    return float(np.degrees(np.arctan2(np.cross(b1, v) @ w, v @ w)))


def test_li15ge4_has_isolated_germanium():
    s = get_phase("Li15Ge4").structure
    assert s.composition.reduced_formula == "Li15Ge4" and len(s) == 76
    assert _bonded_groups(s, "Ge", 3.5) == [1] * 16
    ge_li = [n.nn_distance for site in s if site.specie.symbol == "Ge" for n in s.get_neighbors(site, 3.2)]
    assert len(ge_li) >= 16 * 10 and min(ge_li) > 2.4


@pytest.mark.parametrize(("name", "cation", "anion", "cut", "n"), [
    ("Li3InCl6", "In", "Cl", 3.0, 6), ("Li3InCl6", "Li", "Cl", 3.1, 6), ("LiTi2(PO4)3", "Ti", "O", 2.3, 6),
])
def test_octahedral_cations(name, cation, anion, cut, n):
    s = get_phase(name).structure
    assert np.all(ligand_counts(s, cation, anion, cut) == n)


def test_nasicon_end_member_provenance_says_what_stands_in_for_latp():
    phase = get_phase("LATP")
    assert phase.name == "LiTi2(PO4)3" and phase.coordinates == "model"
    assert "LATP" in phase.ordering_method and "end member" in phase.ordering_method


def test_li7p3s11_holds_p2s7_and_ps4_in_equal_numbers():
    s = get_phase("Li7P3S11").structure
    assert s.composition.reduced_formula == "Li7P3S11" and len(s) == 42
    assert np.all(ligand_counts(s, "P", "S", 2.5) == 4)
    p_per_s = [sum(1 for n in s.get_neighbors(site, 2.5) if n.specie.symbol == "P") for site in s
               if site.specie.symbol == "S"]
    assert p_per_s.count(2) == 2  # one bridging S per P2S7, two P2S7 per cell
    assert p_per_s.count(0) == 0  # no free S2-
    assert sorted(_bonded_groups_through(s, "P", "S", 2.5)) == [5, 5, 9, 9]  # 2 PS4 + 2 P2S7
    from interfaceflow.structures.slabs import find_fragments

    assert sorted(len(f) for f in find_fragments(s)[0] if len(f) > 1) == [5, 5, 9, 9]


def _bonded_groups_through(structure: Structure, center: str, ligand: str, cutoff_A: float) -> list[int]:
    """Sizes of the centre-ligand units (atoms) in ``structure``."""
    import networkx as nx

    graph = nx.Graph()
    for i, site in enumerate(structure):
        if site.specie.symbol == center:
            graph.add_node(i)
            for n in structure.get_neighbors(site, cutoff_A):
                if n.specie.symbol == ligand:
                    graph.add_edge(i, n.index)
    return [len(c) for c in nx.connected_components(graph)]
