"""Bond-valence oxidation states of cations in ionic oxides, phosphates and halides.

Bulk cells of the structure library are checked against textbook states, against pymatgen's
BVAnalyzer (the full combinatorial bond-valence search, used here as the oracle) and after
thermal-like random displacements, since MD frames are never perfect crystals.
"""

from __future__ import annotations

import numpy as np
import pytest
from pymatgen.analysis.bond_valence import BVAnalyzer
from pymatgen.core import Composition, Structure

from interfaceflow.analysis.oxidation import (
    allowed_oxidation_states,
    bond_valence_r0_A,
    bond_valence_sums,
    cation_oxidation_states,
    oxidation_state_tables,
)
from interfaceflow.analysis.speciation import speciate_frame
from interfaceflow.structures import load_structure

TEXTBOOK = {
    "LLZO": {"Li": 1, "La": 3, "Zr": 4, "O": -2},
    "LiCoO2": {"Li": 1, "Co": 3, "O": -2},
    "LiNbO3": {"Li": 1, "Nb": 5, "O": -2},
    "LiTi2(PO4)3": {"Li": 1, "Ti": 4, "P": 5, "O": -2},
    "Li3InCl6": {"Li": 1, "In": 3, "Cl": -1},
}
SUPERCELL = {"LiCoO2": (3, 3, 1), "LiNbO3": (2, 2, 1), "Li3InCl6": (2, 2, 2)}


def _states(structure: Structure, positions_A: np.ndarray | None = None):
    pos = structure.cart_coords if positions_A is None else positions_A
    sp = speciate_frame(structure.atomic_numbers, pos, structure.lattice.matrix, True)
    return sp.formal_charges, np.array([site.specie.symbol for site in structure])


def _displaced(structure: Structure, amplitude_A: float, seed: int) -> np.ndarray:
    """Positions moved by ``amplitude_A`` in a random direction each (thermal-like snapshot)."""
    rng = np.random.default_rng(seed)
    u = rng.normal(size=(len(structure), 3))
    return structure.cart_coords + amplitude_A * u / np.linalg.norm(u, axis=1, keepdims=True)


def _assert_textbook(q: np.ndarray, symbols: np.ndarray, expected: dict[str, int]):
    for element, state in expected.items():
        got = sorted(set(q[symbols == element].tolist()))
        assert got == [state], f"{element}: {got}, expected {state}"
    assert q.sum() == pytest.approx(0.0)


@pytest.mark.parametrize("name", sorted(TEXTBOOK))
def test_bulk_cations_get_textbook_states_and_cells_are_neutral(name):
    structure = load_structure(name)
    q, symbols = _states(structure)
    _assert_textbook(q, symbols, TEXTBOOK[name])


@pytest.mark.parametrize("name", sorted(TEXTBOOK))
def test_states_agree_with_pymatgen_bvanalyzer(name):
    structure = load_structure(name)
    q, _ = _states(structure)
    np.testing.assert_array_equal(q, BVAnalyzer().get_valences(structure))


@pytest.mark.parametrize("name", sorted(TEXTBOOK))
def test_states_survive_thermal_displacements(name):
    structure = load_structure(name) * SUPERCELL.get(name, (1, 1, 1))
    for seed in range(3):
        q, symbols = _states(structure, _displaced(structure, 0.1, seed))
        _assert_textbook(q, symbols, TEXTBOOK[name])


def _aliovalent_latp(n_al: int, add_li: bool) -> Structure:
    """LiTi2(PO4)3 with ``n_al`` Ti replaced by Al, and as many Li put in the emptiest O cages."""
    s = load_structure("LiTi2(PO4)3").copy()
    symbols = np.array([site.specie.symbol for site in s])
    ti = np.flatnonzero(symbols == "Ti")
    far = ti[np.argsort(-s.lattice.get_all_distances(s.frac_coords[ti[:1]], s.frac_coords[ti])[0])]
    grid = np.stack(np.meshgrid(*[np.arange(20) / 20] * 3, indexing="ij"), -1).reshape(-1, 3)
    d = s.lattice.get_all_distances(grid, s.frac_coords)
    # room for Li: far from every atom, but with at least four O within 2.5 Å
    room = np.where((d[:, symbols == "O"] < 2.5).sum(axis=1) >= 4, d.min(axis=1), 0.0)
    cages: list[int] = []
    for k in np.argsort(-room):
        if len(cages) == n_al:
            break
        if all(s.lattice.get_all_distances(grid[[k]], grid[[c]])[0, 0] > 5.0 for c in cages):
            cages.append(k)
    for site in [ti[0], *far[: n_al - 1]]:
        s.replace(int(site), "Al")
    if add_li:
        for k in cages:
            s.append("Li", grid[k])
    return s


def test_al_substituted_latp():
    latp = _aliovalent_latp(2, add_li=True)
    assert latp.composition == Composition("Li8Al2Ti10P18O72")
    q, symbols = _states(latp)
    _assert_textbook(q, symbols, {"Li": 1, "Al": 3, "Ti": 4, "P": 5, "O": -2})
    np.testing.assert_array_equal(q, BVAnalyzer().get_valences(latp))
    q, symbols = _states(latp, _displaced(latp, 0.1, seed=7))
    _assert_textbook(q, symbols, {"Li": 1, "Al": 3, "Ti": 4, "P": 5, "O": -2})


def test_uncompensated_substitution_leaves_the_charge_instead_of_inventing_states():
    # Al3+ on a Ti4+ site without the compensating Li: no Ti+5 exists, so the cell keeps -1 e
    q, symbols = _states(_aliovalent_latp(1, add_li=False))
    assert set(q[symbols == "Ti"].tolist()) == {4} and set(q[symbols == "Al"].tolist()) == {3}
    assert q.sum() == pytest.approx(-1.0)


@pytest.mark.parametrize("name", ["Li", "LiIn", "In"])
def test_metals_and_li_in_alloy_stay_neutral_atoms(name):
    q, _ = _states(load_structure(name))
    assert np.all(q == 0)


def test_li_ge_alloy_keeps_its_zintl_states():
    q, symbols = _states(load_structure("Li15Ge4"))
    assert set(q[symbols == "Ge"].tolist()) == {-4} and set(q[symbols == "Li"].tolist()) == {1}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Li6PS5Cl", {"Li": 1, "P": 5, "S": -2, "Cl": -1}),
        ("beta-Li3PS4", {"Li": 1, "P": 5, "S": -2}),
        ("Li3PO4", {"Li": 1, "P": 5, "O": -2}),
        ("Li10GeP2S12", {"Li": 1, "Ge": 4, "P": 5, "S": -2}),
        ("LiNiO2", {"Li": 1, "Ni": 3, "O": -2}),
        ("Li2SO4", {"Li": 1, "S": 6, "O": -2}),
        ("NiSO4", {"Ni": 2, "S": 6, "O": -2}),
    ],
)
def test_covalent_polyanions_and_other_library_phases(name, expected):
    q, symbols = _states(load_structure(name))
    _assert_textbook(q, symbols, expected)


def test_bond_valence_parameters_and_sums():
    # O'Keeffe & Brese: La-O 2.19 Å, Zr-O 1.95 Å, In-Cl 2.28 Å; no parameter for Pt
    assert bond_valence_r0_A("La", "O") == pytest.approx(2.188, abs=2e-3)
    assert bond_valence_r0_A("Zr", "O") == pytest.approx(1.951, abs=2e-3)
    assert bond_valence_r0_A("In", "Cl") == pytest.approx(2.277, abs=2e-3)
    assert np.isnan(bond_valence_r0_A("Pt", "O"))
    # six bonds at R0 make 6 valence units; a bond without parameter marks the atom unknown
    sums, known = bond_valence_sums(
        np.array([0] * 6 + [1]), np.full(7, 2.0), np.array([2.0] * 6 + [np.nan]), n_atoms=2
    )
    assert sums[0] == pytest.approx(6.0) and known.tolist() == [True, False]


def test_allowed_states_start_at_zero_and_are_positive():
    assert allowed_oxidation_states("La") == (0, 2, 3)
    assert allowed_oxidation_states("Zr") == (0, 2, 3, 4)
    states, penalty = oxidation_state_tables(["La", "Al"])
    assert states.shape[0] == 2 and penalty[0, list(states[0]).index(3)] == 0.0


def test_neutrality_steps_take_the_atom_nearest_the_next_state():
    states, penalty = oxidation_state_tables(["Co"] * 3)
    one_group = [(np.zeros(3, dtype=int), np.array([9.0]))]
    # sums 2.45, 2.9, 2.6 round to 2, 3, 3 (8 e); the group needs 9 e: the 2.45 atom goes up
    q = cation_oxidation_states(np.array([2.45, 2.9, 2.6]), states, penalty, one_group)
    assert q.tolist() == [3, 3, 3]
    # a noise-sized 4/2 split of one element is undone; a clear one is kept
    family = np.zeros(3, dtype=int)
    q = cation_oxidation_states(np.array([3.6, 2.4, 3.0]), states, penalty, one_group, family)
    assert q.tolist() == [3, 3, 3]
    q = cation_oxidation_states(np.array([4.2, 1.8, 3.0]), states, penalty, one_group, family)
    assert q.tolist() == [4, 2, 3]


def test_garnet_against_li_metal_keeps_la3_zr4_and_leaves_the_charge_to_the_metal():
    """At a Li | LLZO contact the Li atoms touching O count +1; their electrons stay in the metal
    (the electron reservoir), so La and Zr keep their bulk states instead of absorbing them."""
    from interfaceflow.structures.builder import build_interface

    build = build_interface("Li", "LLZO", max_atoms=400, electrode_miller=(1, 0, 0),
                            electrolyte_miller=(1, 0, 0), vacuum_A=0.0, gap_A=2.0)
    atoms = build.atoms
    sp = speciate_frame(atoms.numbers, atoms.positions, atoms.cell.array, True)
    q = sp.formal_charges
    symbols = np.array(atoms.get_chemical_symbols())
    region = np.asarray(atoms.arrays["region"])
    assert sorted(set(q[symbols == "La"].tolist())) == [3]
    assert sorted(set(q[symbols == "Zr"].tolist())) == [4]
    electrolyte = region == "electrolyte"
    assert q[electrolyte].sum() == pytest.approx(0.0)  # the garnet slab is a neutral bulk
    contact_li = (region == "electrode") & (q > 0)
    assert contact_li.sum() > 0  # the contact is there: electrode Li touching O
    assert q.sum() == pytest.approx(contact_li.sum())  # their charge is left to the metal
    assert "Li0" in sp.anion_states


def test_charge_moved_between_elements_by_a_surface_is_moved_back():
    """A low-valence surface Co paid for by a Ni+3 is put back to Co+3 / Ni+2 (their most common
    states); across two fragments, or beyond the noise tolerance, nothing moves."""
    states, penalty = oxidation_state_tables(["Co"] * 3 + ["Ni"] * 3)
    valence = np.array([2.2, 2.9, 2.9, 2.6, 2.1, 2.1])
    family = np.array([0, 0, 0, 1, 1, 1])
    one_group = [(np.zeros(6, dtype=int), np.array([15.0]))]
    before = cation_oxidation_states(valence, states, penalty, one_group, family)
    assert before.tolist() == [2, 3, 3, 3, 2, 2]  # neutral, but charge sits on the wrong element
    q = cation_oxidation_states(valence, states, penalty, one_group, family,
                                transfer_group=np.zeros(6, dtype=int))
    assert q.tolist() == [3, 3, 3, 2, 2, 2]
    apart = np.array([0, 0, 0, 1, 1, 1])
    two_groups = [(apart, np.array([8.0, 7.0]))]
    q = cation_oxidation_states(valence, states, penalty, two_groups, family, transfer_group=apart)
    assert q.tolist() == [2, 3, 3, 3, 2, 2]
    far = np.array([1.6, 2.9, 2.9, 3.2, 2.1, 2.1])  # clear Co+2 / Ni+3: kept
    q = cation_oxidation_states(far, states, penalty, one_group, family,
                                transfer_group=np.zeros(6, dtype=int))
    assert q.tolist() == [2, 3, 3, 3, 2, 2]


def test_ncm_against_a_halide_keeps_ni2_co3_mn4_at_the_cut():
    """NCM111 | Li3InCl6 as the shipped recipe builds it: the undercoordinated Co of the cut
    surface no longer drops to Co+2 at the expense of Ni+3 one layer down."""
    from interfaceflow.structures.builder import build_interface
    from interfaceflow.workflows.recipe import load_recipe

    recipe = load_recipe("ncm_li3incl6")
    atoms = build_interface(recipe.electrode, recipe.electrolyte, settings=recipe.build).atoms
    sp = speciate_frame(atoms.numbers, atoms.positions, atoms.cell.array, True)
    symbols = np.array(atoms.get_chemical_symbols())
    _assert_textbook(sp.formal_charges, symbols, {"Ni": 2, "Co": 3, "Mn": 4, "In": 3, "Cl": -1})


def _ionic_library_phases() -> list[str]:
    """Library phases with textbook states (metallic alloys, declared all zero, excluded)."""
    from interfaceflow.structures.prototypes import PHASES

    return [d.name for d in PHASES if any(d.oxidation_states.values())]


@pytest.mark.parametrize("name", _ionic_library_phases())
def test_every_library_phase_gets_its_textbook_states_and_is_neutral(name):
    """Mixed-valence phases (Co3O4, LiMn2O4, Co9S8, ...) get the two neighbouring integer states
    in the textbook proportion."""
    from interfaceflow.structures import get_phase

    phase = get_phase(name)
    q, symbols = _states(phase.structure)
    assert q.sum() == pytest.approx(0.0)
    for element, state in phase.oxidation_states.items():
        got = q[symbols == element]
        assert got.mean() == pytest.approx(state), element
        assert set(got.tolist()) <= {np.floor(state), np.ceil(state)}, element
