"""The Li2S-like mixed-anion (S, P, Cl) antifluorite is its own product phase, not Li2S or Li3P."""

from __future__ import annotations

import numpy as np
import pytest
from builders import phase, structure_trajectory
from pymatgen.core import Structure

from interfaceflow.analysis.growth import PRODUCT_ELECTRONIC_CHARACTER
from interfaceflow.analysis.phases import (
    ANTIFLUORITE_MIXED,
    assign_phases,
    mixed_antifluorite_sites,
    reference_fingerprints,
)
from interfaceflow.analysis.products import analyze_products
from interfaceflow.analysis.speciation import speciate_frame, speciate_trajectory


def mixed_antifluorite(repeat=(2, 2, 2), fraction=0.375, seed=0, region=None) -> Structure:
    """Li2S antifluorite with S replaced by equal numbers of P and Cl on its anion sublattice.

    P³⁻ + Cl⁻ replace 2 S²⁻, so the Li count (all tetrahedral sites filled) keeps the cell neutral.
    ``region(frac_z)`` restricts the substituted S to part of the cell.
    """
    s = phase("Li2S") * repeat
    symbols = np.array([site.specie.symbol for site in s])
    sulfur = np.flatnonzero(symbols == "S")
    if region is not None:
        sulfur = sulfur[[region(s[k].frac_coords[2] % 1.0) for k in sulfur]]
    n_pairs = int(round(fraction * len(sulfur) / 2))
    picked = np.random.default_rng(seed).choice(sulfur, 2 * n_pairs, replace=False)
    for k in picked[:n_pairs]:
        s.replace(int(k), "P")
    for k in picked[n_pairs:]:
        s.replace(int(k), "Cl")
    return s


@pytest.fixture(scope="module")
def references():
    return reference_fingerprints(
        {"Li2S": phase("Li2S"), "Li3P": phase("Li3P"), "LiCl": phase("LiCl"),
         "Li6PS5Cl": phase("Li6PS5Cl")}
    )


def _fractions(structure, references, noise_A=0.08, seed=1):
    traj = structure_trajectory(structure, n_frames=2, noise_A=noise_A, seed=seed)
    assignment = assign_phases(traj, speciate_trajectory(traj), references)
    return dict(zip(assignment.phases, assignment.phase_fractions[-1])), assignment


def test_constructed_mixed_cell_is_isolated_anions_and_neutral():
    s = mixed_antifluorite()
    sp = speciate_frame(s.atomic_numbers, s.cart_coords, s.lattice.matrix, True)
    assert set(sp.fragment_counts()) == {"S", "P", "Cl"}
    assert set(sp.anion_states) == {"S-2@S", "P-3@P", "Cl-1@Cl", "Li+1"}
    assert sp.formal_charges.sum() == pytest.approx(0.0)


def test_mixed_antifluorite_is_its_own_phase(references):
    fractions, assignment = _fractions(mixed_antifluorite(), references)
    assert fractions[ANTIFLUORITE_MIXED] > 0.95
    assert fractions["Li2S"] < 0.05 and fractions["Li3P"] == 0.0 and fractions["LiCl"] == 0.0
    assert assignment.confidence_dict()[ANTIFLUORITE_MIXED] > 0.8


def test_pure_li2s_stays_li2s_next_to_a_mixed_region(references):
    # bottom half pure Li2S, top half mixed: the mixed phase is found only where P and Cl are
    cell = mixed_antifluorite(repeat=(2, 2, 6), fraction=0.5, region=lambda z: z >= 0.5)
    fractions, assignment = _fractions(cell, references)
    symbols = np.array([site.specie.symbol for site in cell])
    z = cell.frac_coords[:, 2] % 1.0
    row = assignment.atom_phase[-1]
    deep_li2s = (symbols == "S") & (z > 0.1) & (z < 0.35)  # two anion layers from the mixed half
    assert np.all(row[deep_li2s] == assignment.phases.index("Li2S"))
    deep_mixed = (symbols != "Li") & (z > 0.6) & (z < 0.9)
    assert np.all(row[deep_mixed] == assignment.phases.index(ANTIFLUORITE_MIXED))
    assert 0.3 < fractions["Li2S"] < 0.6 and 0.4 < fractions[ANTIFLUORITE_MIXED] < 0.7


@pytest.mark.parametrize(
    ("name", "repeat"),
    [("Li2S", (2, 2, 2)), ("Li3P", (3, 3, 2)), ("LiCl", (2, 2, 2)), ("Li6PS5Cl", (1, 1, 1))],
)
def test_single_anion_phases_and_argyrodite_have_no_mixed_sites(name, repeat):
    s = phase(name) * repeat
    traj = structure_trajectory(s, n_frames=1, noise_A=0.08, seed=2)
    sp = speciate_frame(traj.numbers, traj.positions_A[0], traj.cells_A[0], True)
    labels = np.array(sp.fragment_labels + [""], dtype=object)[sp.fragment_ids]
    symbols = np.array([site.specie.symbol for site in s])
    isolated = (labels == symbols) & (sp.formal_charges < 0)
    mixed, similarity = mixed_antifluorite_sites(
        traj.numbers, traj.positions_A[0], traj.cells_A[0], traj.pbc, isolated
    )
    assert not mixed.any()
    if name == "Li2S":  # the environment matches, only the second anion is missing
        assert np.nanmin(similarity) > 0.8


def test_cl_in_li3p_is_not_antifluorite(references):
    # an hcp Li3P anion sublattice with Cl on it: foreign anions, but not the antifluorite geometry
    s = phase("Li3P") * (3, 3, 2)
    phosphorus = [k for k, site in enumerate(s) if site.specie.symbol == "P"]
    for k in phosphorus[::6]:
        s.replace(k, "Cl")
    fractions, _ = _fractions(s, references)
    assert fractions[ANTIFLUORITE_MIXED] == 0.0


def test_products_analysis_reports_the_mixed_phase(references):
    traj = structure_trajectory(mixed_antifluorite(), n_frames=3, noise_A=0.08, seed=4)
    structures = {"Li2S": phase("Li2S"), "Li3P": phase("Li3P")}
    result = analyze_products(traj, references=structures)
    out = result.to_json_dict()
    assert out["phase_fractions"][ANTIFLUORITE_MIXED][-1] > 0.95
    assert out["phase_fractions"]["Li2S"][-1] < 0.05
    assert PRODUCT_ELECTRONIC_CHARACTER[ANTIFLUORITE_MIXED] == "insulator"
    off = analyze_products(traj, references=structures, mixed_antifluorite=False)
    assert ANTIFLUORITE_MIXED not in off.assignment.phases
