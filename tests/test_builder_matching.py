"""The vectorised lattice matcher agrees with pymatgen's ZSLGenerator; strain is measured correctly."""

from __future__ import annotations

import numpy as np
import pytest
from pymatgen.analysis.interfaces.zsl import ZSLGenerator

from interfaceflow.structures import get_phase
from interfaceflow.structures.matching import match_lattices, principal_strain_pct
from interfaceflow.structures.slabs import OrientedBulk


def _vectors(name, miller):
    return OrientedBulk.from_structure(get_phase(name).structure, miller, region="x", name=name).inplane_vectors


@pytest.mark.parametrize(("ref", "other", "max_area", "zsl_finds"), [
    (("Li6PS5Cl", (1, 0, 0)), ("Li", (1, 0, 0)), 120.0, True),
    (("LiCoO2", (0, 0, 1)), ("beta-Li3PS4", (1, 0, 0)), 160.0, True),
    (("LLZO", (1, 0, 0)), ("Li", (1, 0, 0)), 200.0, True),
    (("Li6PS5Cl", (1, 1, 0)), ("Li", (1, 1, 0)), 150.0, True),
])
def test_smallest_match_area_agrees_with_pymatgen_zsl(ref, other, max_area, zsl_finds):
    ref_v, other_v = _vectors(*ref), _vectors(*other)
    ours = match_lattices(ref_v, [other_v], max_strain_pct=5.0, max_area_A2=max_area)
    zsl = ZSLGenerator(max_area_ratio_tol=0.1, max_area=max_area, max_length_tol=0.05, max_angle_tol=0.05,
                       bidirectional=True)
    # ZSL checks lengths and angle separately; keep its matches whose principal strain is within 5 %
    theirs = [np.linalg.norm(np.cross(*m.substrate_sl_vectors)) for m in zsl(other_v, ref_v)
              if principal_strain_pct(np.asarray(m.film_sl_vectors), np.asarray(m.substrate_sl_vectors)) <= 5.0]
    assert ours and bool(theirs) == zsl_finds
    if theirs:
        assert ours[0].area_A2 == pytest.approx(min(theirs), rel=1e-6)
    assert all(m.max_strain_pct <= 5.0 + 1e-9 for m in ours)


def test_principal_strain_of_a_known_deformation():
    a = np.array([[4.0, 0.0, 0.0], [0.0, 5.0, 0.0]])
    stretched = a * np.array([[1.03], [0.98]])
    rotation = np.array([[0.6, -0.8, 0.0], [0.8, 0.6, 0.0], [0.0, 0.0, 1.0]])
    assert principal_strain_pct(a, stretched @ rotation.T) == pytest.approx(3.0, abs=1e-9)
    assert principal_strain_pct(a, a[::-1] * 0 + np.array([[4.0, 0, 0], [0, -5.0, 0]])) == pytest.approx(0.0, abs=1e-9)
