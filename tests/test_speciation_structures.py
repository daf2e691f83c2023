"""Checks of the constructed structures in ``builders.py`` (compositions, distances).

The builders use the phase library (``interfaceflow.structures.get_phase``) when it has the phase
and fall back to the published Wyckoff positions otherwise; these tests make sure the other tests
start from sound inputs.
"""

from __future__ import annotations

import numpy as np

from builders import mixed_slab, phase


def test_builders_give_expected_compositions():
    assert phase("Li2S").composition.reduced_formula == "Li2S"
    assert phase("Li3P").composition.reduced_formula == "Li3P"
    assert phase("beta-Li3PS4").composition.reduced_formula == "Li3PS4"
    assert phase("Li6PS5Cl").composition.reduced_formula == "Li6PS5Cl"


def test_beta_li3ps4_has_tetrahedra_and_no_close_contacts():
    s = phase("beta-Li3PS4")
    dm = s.distance_matrix
    sym = np.array([site.specie.symbol for site in s])
    p_s = dm[np.ix_(sym == "P", sym == "S")]
    assert np.all((p_s < 2.3).sum(axis=1) == 4)
    s_s = dm[np.ix_(sym == "S", sym == "S")]
    assert s_s[s_s > 0].min() > 2.9


def test_mixed_slab_units_are_separated():
    numbers, pos, cell, _ = mixed_slab()
    from scipy.spatial.distance import pdist

    assert pdist(pos).min() > 1.5
    assert np.all((pos[:, 2] >= 0) & (pos[:, 2] < cell[2, 2]))
