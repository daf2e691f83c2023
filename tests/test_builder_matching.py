"""The vectorised lattice matcher finds what pymatgen's ZSLGenerator finds; built cells use ZSL's supercells."""

from __future__ import annotations

import numpy as np
import pytest

from interfaceflow.structures import build_interface, builder, get_phase
from interfaceflow.structures.builder import MATCHER_FALLBACK, MATCHER_ZSL
from interfaceflow.structures.matching import (
    match_lattices,
    principal_strain_pct,
    zsl_generator,
    zsl_match_lattices,
    zsl_supercells,
)
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


def test_three_sides_with_pymatgen_zsl_match_the_screen():
    ref_v = _vectors("LiCoO2", (0, 0, 1))
    others = [_vectors("LiNbO3", (1, 0, 1)), _vectors("beta-Li3PS4", (1, 0, 0))]
    screen = match_lattices(ref_v, others, max_strain_pct=5.0, max_area_A2=260.0)
    zsl = zsl_match_lattices(ref_v, others, max_strain_pct=5.0, max_area_A2=260.0)
    assert zsl
    assert [(round(m.area_A2, 2), tuple(round(s, 3) for s in m.strain_pct)) for m in zsl] == [
        (round(m.area_A2, 2), tuple(round(s, 3) for s in m.strain_pct)) for m in screen]
    for m in zsl:  # one reference superlattice, right-handed, that every side's supercell strains onto
        assert np.linalg.det(m.supercells[0]) > 0
        for sc, o, s in zip(m.supercells[1:], others, m.strain_pct[1:]):
            assert principal_strain_pct(sc @ o, m.supercells[0] @ ref_v) == pytest.approx(s, abs=1e-9)


@pytest.fixture(scope="module")
def li_argyrodite():
    return build_interface("Li", "Li6PS5Cl", max_atoms=160)


def test_built_supercells_are_a_pymatgen_zsl_match(li_argyrodite):
    report = li_argyrodite.report
    assert report.matcher == MATCHER_ZSL and report.candidates[report.candidate_index].matcher == MATCHER_ZSL
    assert report.screening  # the NumPy matcher only ranked the Miller combinations
    (other,) = report.strained_regions
    (ref,) = set(report.miller) - {other}
    names = {"electrode": "Li", "electrolyte": "Li6PS5Cl"}
    ref_v, other_v = _vectors(names[ref], report.miller[ref]), _vectors(names[other], report.miller[other])
    m_ref, m_other = np.array(report.supercells[ref]), np.array(report.supercells[other])
    # the pair is one that pymatgen's ZSLGenerator itself yields (up to the sign of both second vectors)
    generator = zsl_generator(max_strain_pct=5.0, max_area_A2=report.area_A2 * 1.05)
    found = False
    for match in generator(other_v, ref_v):
        for sign in (1, -1):
            flip = np.array([[1], [sign]])
            if (np.allclose(flip * np.asarray(match.substrate_sl_vectors), m_ref @ ref_v, atol=1e-6)
                    and np.allclose(flip * np.asarray(match.film_sl_vectors), m_other @ other_v, atol=1e-6)):
                found = True
    assert found
    # and the built cell is that reference superlattice, with the strain it implies
    cell = li_argyrodite.atoms.cell[:2]
    assert principal_strain_pct(m_ref @ ref_v, cell) == pytest.approx(0.0, abs=1e-9)
    assert principal_strain_pct(m_other @ other_v, cell) == pytest.approx(report.strain_pct[other], abs=1e-3)


def test_screen_match_is_kept_and_recorded_when_zsl_finds_none(monkeypatch, li_argyrodite):
    monkeypatch.setattr(builder, "zsl_match_lattices", lambda *args, **kwargs: [])
    build = build_interface("Li", "Li6PS5Cl", max_atoms=160)
    assert build.report.matcher == MATCHER_FALLBACK
    assert all(c.matcher == MATCHER_FALLBACK for c in build.report.candidates[:4])
    # pymatgen and the screen agree here, so the fallback builds the same cell
    assert build.report.supercells == li_argyrodite.report.supercells
    assert np.allclose(build.atoms.cell, li_argyrodite.atoms.cell)
