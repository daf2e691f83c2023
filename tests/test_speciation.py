"""Speciation on constructed structures with known answers."""

from __future__ import annotations

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure
from builders import mixed_slab, phase, structure_trajectory, trajectory

from interfaceflow.analysis.speciation import (
    default_cutoffs,
    resolve_cutoffs,
    speciate_frame,
    speciate_trajectory,
)
from interfaceflow.errors import AnalysisError


def _spec(structure: Structure, **kwargs):
    return speciate_frame(
        structure.atomic_numbers, structure.cart_coords, structure.lattice.matrix, True, **kwargs
    )


def _symbols(structure):
    return np.array([site.specie.symbol for site in structure])


def test_beta_li3ps4_is_all_ps4():
    s = phase("beta-Li3PS4")
    sp = _spec(s)
    sym = _symbols(s)
    assert sp.fragment_counts() == {"PS4": int((sym == "P").sum())}
    assert all(sp.fragment_labels[f] == "PS4" for f in sp.fragment_ids[sym != "Li"])
    assert np.all(sp.formal_charges[sym == "P"] == 5)
    assert np.all(sp.formal_charges[sym == "S"] == -2)
    assert np.all(sp.formal_charges[sym == "Li"] == 1)
    assert sp.formal_charges.sum() == pytest.approx(0.0)
    assert set(sp.anion_states) == {"P+5@PS4", "S-2@PS4", "Li+1"}
    assert np.all(sp.fragment_li_counts > 0)


def test_li2s_is_isolated_sulfide_with_eight_li():
    s = phase("Li2S")
    sp = _spec(s)
    sym = _symbols(s)
    assert sp.fragment_counts() == {"S": int((sym == "S").sum())}
    assert np.all(sp.li_neighbours[sym == "S"] == 8)
    assert np.all(sp.fragment_li_counts == 8)
    assert np.all(sp.formal_charges[sym == "S"] == -2)
    # the same answer in the 3-atom primitive cell, where the 8 Li are periodic images of 2 atoms
    prim = _spec(s.get_primitive_structure())
    assert prim.fragment_counts() == {"S": 1}
    assert prim.fragment_li_counts.tolist() == [8]


def test_li3p_is_all_phosphide():
    s = phase("Li3P")
    sp = _spec(s)
    sym = _symbols(s)
    assert sp.fragment_counts() == {"P": int((sym == "P").sum())}
    assert np.all(sp.formal_charges[sym == "P"] == -3)
    assert set(sp.anion_states) == {"P-3@P", "Li+1"}
    assert np.all(sp.fragment_li_counts >= 8)


def test_li6ps5cl_has_ps4_free_sulfide_and_chloride():
    s = phase("Li6PS5Cl")
    sp = _spec(s)
    n_p = int((_symbols(s) == "P").sum())
    assert sp.fragment_counts() == {"PS4": n_p, "S": n_p, "Cl": n_p}
    assert sp.formal_charges.sum() == pytest.approx(0.0)


def _molecule(symbols, positions, box=20.0):
    from ase.data import atomic_numbers

    numbers = [atomic_numbers[s] for s in symbols]
    return speciate_frame(numbers, np.asarray(positions) + box / 2, np.eye(3) * box, True)


def test_polyanion_labels_and_formal_charges():
    # S2 2- (disulfide): S-1 each
    sp = _molecule(
        ["S", "S", "Li", "Li"], [[0, 0, -1.03], [0, 0, 1.03], [2.4, 0, -1.5], [-2.4, 0, 1.5]]
    )
    assert sp.fragment_labels == ["S2"]
    assert sp.formal_charges[:2].tolist() == [-1, -1]
    assert sp.fragment_li_counts.tolist() == [2]
    # P2S6 4- (P-P bond): P +4, S -2
    p1, p2 = np.array([0, 0, -1.1]), np.array([0, 0, 1.1])
    s_top = [
        p2 + 2.05 * np.array([np.sin(1.9) * np.cos(a), np.sin(1.9) * np.sin(a), -np.cos(1.9)])
        for a in (0, 2.09, 4.19)
    ]
    s_bot = [
        p1 + 2.05 * np.array([np.sin(1.9) * np.cos(a), np.sin(1.9) * np.sin(a), np.cos(1.9)])
        for a in (1.05, 3.14, 5.24)
    ]
    sp = _molecule(["P", "P"] + ["S"] * 6, [p1, p2, *s_top, *s_bot])
    assert sp.fragment_labels == ["P2S6"]
    assert sp.formal_charges[:2].tolist() == [4, 4]
    assert np.all(sp.formal_charges[2:] == -2)
    # P2S7 4- (corner-sharing tetrahedra): P +5, bridging and terminal S -2
    d = 2.05 / np.sqrt(3)
    pa, pb = np.array([-d, -d, -d]), np.array([d, d, d])
    tet_a = [pa + d * np.array(v) for v in ([-1, -1, 1], [-1, 1, -1], [1, -1, -1])]
    tet_b = [pb + d * np.array(v) for v in ([1, 1, -1], [1, -1, 1], [-1, 1, 1])]
    sp = _molecule(["P", "P", "S"] + ["S"] * 6, [pa, pb, [0, 0, 0], *tet_a, *tet_b])
    assert sp.fragment_labels == ["P2S7"]
    assert sp.formal_charges.sum() == -4
    # PO4 3-
    sp = _molecule(
        ["P", "O", "O", "O", "O"],
        [[0, 0, 0], *(0.89 * np.array([[1, 1, 1], [-1, -1, 1], [-1, 1, -1], [1, -1, -1]]))],
    )
    assert sp.fragment_labels == ["PO4"]
    assert sp.formal_charges.tolist() == [5, -2, -2, -2, -2]
    # isolated O2-, N3-, Cl-
    sp = _molecule(["O", "N", "Cl"], [[0, 0, 0], [5, 0, 0], [0, 5, 0]])
    assert sorted(sp.fragment_labels) == ["Cl", "N", "O"]
    assert sp.formal_charges.tolist() == [-2, -3, -1]


def test_germanium_alloy_and_reduced_metal_environments():
    ge = Structure.from_spacegroup("Fd-3m", Lattice.cubic(5.66), ["Ge"], [[0, 0, 0]])
    sp = _spec(ge)
    assert sp.fragment_counts() == {"Ge_net": 1}
    assert np.all(sp.formal_charges == 0)
    # Ge4 tetrahedral cluster (Zintl Ge4 4-): each Ge bonded to three, charge -1
    sp = _molecule(["Ge"] * 4, 0.884 * np.array([[1, 1, 1], [-1, -1, 1], [-1, 1, -1], [1, -1, -1]]))
    assert sp.fragment_labels == ["Ge4"]
    assert np.all(sp.formal_charges == -1)
    # Li-Ge alloy environment: isolated Ge surrounded by Li is Ge-4, the Li are cations
    alloy = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(6.2), ["Ge", "Li"], [[0, 0, 0], [0.25, 0.25, 0.25]]
    )
    sp = _spec(alloy)
    assert sp.fragment_counts() == {"Ge": 4}
    assert set(sp.anion_states) == {"Ge-4@Ge", "Li+1"}
    # TiS2 / LiTiS2: Ti+4 reduced to Ti+3 by intercalated Li; Ti metal is Ti0
    tis2 = Structure.from_spacegroup(
        "P-3m1", Lattice.hexagonal(3.407, 5.695), ["Ti", "S"], [[0, 0, 0], [1 / 3, 2 / 3, 0.25]]
    )
    litis2 = Structure.from_spacegroup(
        "P-3m1",
        Lattice.hexagonal(3.45, 6.2),
        ["Ti", "S", "Li"],
        [[0, 0, 0], [1 / 3, 2 / 3, 0.25], [0, 0, 0.5]],
    )
    assert _spec(tis2).anion_states.count("Ti+4@TiS2_net") == 1
    assert _spec(litis2).anion_states.count("Ti+3@TiS2_net") == 1
    ti = Structure.from_spacegroup("Im-3m", Lattice.cubic(3.28), ["Ti"], [[0, 0, 0]])
    assert set(_spec(ti).anion_states) == {"Ti0@Ti_net"}


def test_li_metal_is_neutral_and_has_no_fragments():
    sp = _spec(phase("Li"))
    assert sp.fragment_labels == []
    assert set(sp.anion_states) == {"Li0"}


def test_cutoffs_default_from_radii_and_overrides():
    cut = default_cutoffs(["Li", "P", "S"])
    assert cut[("P", "S")] == pytest.approx(1.2 * (1.07 + 1.05))
    assert cut[("Li", "S")] == pytest.approx(1.3 * (1.28 + 1.05))
    assert ("Li", "Li") not in cut
    assert resolve_cutoffs(["P", "S"], {"P-S": 1.5})[("P", "S")] == 1.5
    # a P-S cutoff below the bond length breaks every PS4 into P and 4 S
    sp = _spec(phase("beta-Li3PS4"), cutoffs={("S", "P"): 1.5})
    counts = sp.fragment_counts()
    assert counts["P"] * 4 == counts["S"] and "PS4" not in counts
    with pytest.raises(AnalysisError, match="pair"):
        resolve_cutoffs(["P"], {"PS": 2.0})
    with pytest.raises(AnalysisError, match="unknown element"):
        resolve_cutoffs(["P"], {"P-Xx": 2.0})


def test_mixed_slab_counts_per_depth_bin():
    numbers, pos, cell, expected = mixed_slab()
    traj = trajectory(pos[None], numbers, cell)
    # interface plane at z = 20: depth bins of 8 Å from -20 match the 8 Å layers
    spec = speciate_trajectory(traj, interface_z_A=20.0, z_edges_A=np.arange(-20.0, 20.1, 8.0))
    for label, per_bin in expected.items():
        k = spec.fragment_labels.index(label)
        assert spec.fragment_depth_counts[0, k].tolist() == per_bin
    li_ps4 = spec.fragment_li_mean[0, spec.fragment_labels.index("PS4")]
    assert li_ps4 == 3.0
    assert spec.fragment_li_mean[0, spec.fragment_labels.index("S")] == 2.0
    li0 = spec.state_labels.index("Li0")
    assert spec.state_depth_counts[0, li0].tolist() == [0, 0, 0, 0, 8]
    assert spec.state_depth_counts[0, spec.state_labels.index("S-1@S2")].tolist() == [0, 0, 8, 0, 0]


def test_trajectory_matches_frame_by_frame_and_chunks():
    traj = structure_trajectory(phase("Li6PS5Cl"), n_frames=5, noise_A=0.12, seed=3)
    whole = speciate_trajectory(traj, chunk_frames=64)
    chunked = speciate_trajectory(traj, chunk_frames=2)
    for f in range(5):
        single = speciate_frame(traj.numbers, traj.positions_A[f], traj.cells_A[f], traj.pbc)
        counts = {
            lab: int(whole.fragment_counts[f, k])
            for k, lab in enumerate(whole.fragment_labels)
            if whole.fragment_counts[f, k]
        }
        assert counts == single.fragment_counts()
        assert np.allclose(whole.formal_charges[f], single.formal_charges)
    assert whole.fragment_counts_dict() == {
        lab: chunked.fragment_counts[:, chunked.fragment_labels.index(lab)].tolist()
        for lab in whole.fragment_labels
    }


def test_non_periodic_axis_with_zero_cell_vector():
    numbers, pos, cell, expected = mixed_slab()
    cell[2] = 0.0
    sp = speciate_frame(numbers, pos, cell, (True, True, False))
    counts = sp.fragment_counts()
    assert counts == {lab: sum(v) for lab, v in expected.items()}
