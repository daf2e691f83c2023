"""The vectorised lattice matcher finds what pymatgen's ZSLGenerator finds; strain is measured correctly."""

from __future__ import annotations

import numpy as np
import pytest

from interfaceflow.structures import get_phase
from interfaceflow.structures.matching import match_lattices, principal_strain_pct, zsl_supercells
from interfaceflow.structures.slabs import OrientedBulk


def _vectors(name, miller):
    return OrientedBulk.from_structure(get_phase(name).structure, miller, region="x", name=name).inplane_vectors


def _area(m, vectors):
    return round(abs(np.linalg.det(m)) * float(np.linalg.norm(np.cross(*vectors))), 2)


@pytest.mark.parametrize(("ref", "other", "max_area"), [
    (("Li6PS5Cl", (1, 0, 0)), ("Li", (1, 0, 0)), 250.0),
    (("Li6PS5Cl", (1, 1, 0)), ("Li", (1, 1, 0)), 250.0),
    (("LLZO", (1, 0, 0)), ("Li", (1, 1, 1)), 400.0),
    (("LiCoO2", (0, 0, 1)), ("beta-Li3PS4", (1, 0, 0)), 250.0),
    # near-tolerance matches (4.84-4.89 %) that an older, stricter pre-filter missed
    (("LiCoO2", (0, 0, 1)), ("beta-Li3PS4", (0, 0, 1)), 250.0),
    (("LiCoO2", (0, 0, 1)), ("beta-Li3PS4", (0, 1, 1)), 250.0),
    (("beta-Li3PS4", (1, 0, 0)), ("LiNbO3", (1, 0, 1)), 200.0),
])
def test_same_superlattices_and_strains_as_pymatgen_zsl(ref, other, max_area):
    ref_v, other_v = _vectors(*ref), _vectors(*other)
    ours = match_lattices(ref_v, [other_v], max_strain_pct=5.0, max_area_A2=max_area, max_matches=10**6)
    theirs = zsl_supercells(ref_v, other_v, max_strain_pct=5.0, max_area_A2=max_area)
    best_ours: dict[float, float] = {}
    for m in ours:
        area = _area(m.supercells[0], ref_v)
        best_ours[area] = min(best_ours.get(area, np.inf), round(m.max_strain_pct, 3))
    best_theirs: dict[float, float] = {}
    for m_ref, _, strain in theirs.values():
        area = _area(m_ref, ref_v)
        best_theirs[area] = min(best_theirs.get(area, np.inf), round(strain, 3))
    assert best_ours == best_theirs  # every area ZSL finds, with the same least strain, and nothing more
    for m in ours:  # the supercells really realise the reported strain and area
        assert principal_strain_pct(m.supercells[1] @ other_v, m.supercells[0] @ ref_v) == pytest.approx(
            m.strain_pct[1], abs=1e-9)
        assert m.strain_pct[1] <= 5.0 + 1e-6 and np.linalg.det(m.supercells[0]) > 0
        assert _area(m.supercells[0], ref_v) == pytest.approx(m.area_A2, abs=0.01)


def test_three_sides_share_one_reference_superlattice():
    ref_v = _vectors("LiCoO2", (0, 0, 1))
    others = [_vectors("LiNbO3", (1, 0, 1)), _vectors("beta-Li3PS4", (1, 0, 0))]
    matches = match_lattices(ref_v, others, max_strain_pct=5.0, max_area_A2=260.0)
    assert matches
    pair_areas = [{_area(m_ref, ref_v) for m_ref, *_ in zsl_supercells(ref_v, o, max_strain_pct=5.0,
                                                                        max_area_A2=260.0).values()}
                  for o in others]
    for m in matches:
        assert all(round(m.area_A2, 2) in areas for areas in pair_areas)
        for sc, o, s in zip(m.supercells[1:], others, m.strain_pct[1:]):
            assert principal_strain_pct(sc @ o, m.supercells[0] @ ref_v) == pytest.approx(s, abs=1e-9)
            assert s <= 5.0 + 1e-6


def test_principal_strain_of_a_known_deformation():
    a = np.array([[4.0, 0.0, 0.0], [0.0, 5.0, 0.0]])
    stretched = a * np.array([[1.03], [0.98]])
    rotation = np.array([[0.6, -0.8, 0.0], [0.8, 0.6, 0.0], [0.0, 0.0, 1.0]])
    assert principal_strain_pct(a, stretched @ rotation.T) == pytest.approx(3.0, abs=1e-9)
    assert principal_strain_pct(a, np.array([[4.0, 0, 0], [0, -5.0, 0]])) == pytest.approx(0.0, abs=1e-9)
    sheared = np.array([[4.0, 0.0, 0.0], [0.2, 5.0, 0.0]])  # lengths nearly equal, angle changed
    assert principal_strain_pct(a, sheared) > 1.5
