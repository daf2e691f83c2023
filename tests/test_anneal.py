"""Starting structures of the maintainer's annealing tool (interfaceflow.structures.anneal)."""

from __future__ import annotations

import numpy as np
import pytest

from interfaceflow.structures.anneal import (
    MIN_LI_DISTANCE_A,
    MODELS,
    UNIT_GAP_A,
    polyanions_intact,
    pyro_unit,
    random_start,
)


def test_pyro_unit_is_two_ideal_tetrahedra_sharing_one_oxygen():
    unit = pyro_unit("P", np.random.default_rng(3))
    d = unit.get_all_distances()
    p = [i for i, s in enumerate(unit.get_chemical_symbols()) if s == "P"]
    assert unit.get_chemical_formula() == "O7P2"
    for i in p:
        bonds = np.sort(d[i][unit.numbers == 8])[:4]
        assert bonds == pytest.approx([1.52, 1.52, 1.52, 1.60], abs=1e-6)
    oxygens = np.flatnonzero(unit.numbers == 8)
    bridge = int(oxygens[np.argmin(d[p][:, oxygens].sum(axis=0))])
    assert unit.get_angle(p[0], bridge, p[1]) == pytest.approx(130.0, abs=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_random_start_keeps_composition_spacing_and_inversion(seed):
    model = MODELS["Li4P2O7"]
    atoms = random_start(model, np.random.default_rng(seed))
    assert atoms.get_chemical_formula() == "Li8O14P4"
    assert atoms.cell.cellpar() == pytest.approx([*model.cell_abc_A, *model.cell_angles_deg], abs=1e-6)
    assert polyanions_intact(atoms, "P")
    d = atoms.get_all_distances(mic=True)
    np.fill_diagonal(d, np.inf)
    li = atoms.numbers == 3
    assert d[li].min() > MIN_LI_DISTANCE_A
    units = ~li
    assert d[np.ix_(units, units)].min() == pytest.approx(1.52, abs=1e-6)
    # every atom has its inversion image (the P-1 motif of a Z = 2 cell)
    frac = atoms.get_scaled_positions()
    for f, z in zip(frac, atoms.numbers):
        delta = (frac + f + 0.5) % 1.0 - 0.5
        assert np.any(np.all(np.abs(delta) < 1e-6, axis=1) & (atoms.numbers == z))
    assert UNIT_GAP_A > MIN_LI_DISTANCE_A


def test_a_broken_polyanion_is_detected():
    atoms = random_start(MODELS["Li4P2O7"], np.random.default_rng(0))
    p = int(np.flatnonzero(atoms.numbers == 15)[0])
    atoms.positions[p] += [1.2, 0.0, 0.0]
    assert not polyanions_intact(atoms, "P")
