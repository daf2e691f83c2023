"""The close-contact guard skips its neighbour search only when a full search could not fire.

Reference verdicts come from ASE's own neighbour list, independent of the guard's matscipy search.
"""

from __future__ import annotations

import numpy as np
import pytest
from ase import Atoms
from ase.calculators.calculator import Calculator, all_changes
from ase.neighborlist import neighbor_list

from interfaceflow.errors import MDError
from interfaceflow.md.engine import run_md
from interfaceflow.md.guards import CloseContactGuard, _close_pair_diagnostic
from interfaceflow.md.settings import MDSettings


def triclinic_gas(n_atoms: int = 40, seed: int = 3) -> Atoms:
    """Atoms spread over a skewed periodic cell, at least 1.4 Å apart (minimum image)."""
    rng = np.random.default_rng(seed)
    cell = np.array([[8.0, 0.0, 0.0], [3.0, 7.5, 0.0], [1.5, 2.0, 7.0]])
    atoms = Atoms("H", cell=cell, pbc=True, scaled_positions=rng.random((1, 3)))
    while len(atoms) < n_atoms:
        candidate = atoms + Atoms("H", cell=cell, pbc=True, scaled_positions=rng.random((1, 3)))
        if len(candidate) == 1 or candidate.get_distances(len(candidate) - 1, range(len(atoms)), mic=True).min() > 1.4:
            atoms = candidate
    return atoms


def approaching_frames(n_frames: int = 120, seed: int = 5):
    """Every atom jiggles; atom 1 walks towards atom 0's periodic image across the cell boundary."""
    rng = np.random.default_rng(seed)
    atoms = triclinic_gas()
    target = atoms.positions[0] + atoms.cell[0]  # the image one cell away along a
    direction = target - atoms.positions[1]
    start = atoms.positions[1].copy()
    for frame in range(n_frames):
        moved = atoms.copy()
        moved.positions += rng.normal(scale=0.03, size=moved.positions.shape)
        moved.positions[1] = start + direction * min(1.0, frame / (n_frames - 20))
        yield frame, moved


def test_skipping_guard_gives_the_full_search_verdict_on_every_frame():
    guard = CloseContactGuard(min_distance_A=0.8)
    verdicts = []
    searches_before_first_fire = None
    for frame, atoms in approaching_frames(n_frames=400):
        expected = _close_pair_diagnostic(atoms, *neighbor_list("ijd", atoms, 0.8), 0.8)  # ASE, no skipping
        assert guard.check(atoms) == expected, f"frame {frame}"
        verdicts.append(expected is not None)
        if expected is not None and searches_before_first_fire is None:
            searches_before_first_fire = guard.searches
    assert not verdicts[0] and verdicts[-1]  # the approach does cross the limit
    frames_before_first_fire = verdicts.index(True) + 1
    # Where it is sane, the bound lets it skip most frames (a run stops at the first firing).
    assert searches_before_first_fire < frames_before_first_fire / 3


def test_a_changed_cell_forces_a_new_search():
    atoms = triclinic_gas()
    guard = CloseContactGuard(min_distance_A=0.5)
    assert guard.check(atoms) is None and guard.searches == 1
    assert guard.check(atoms) is None and guard.searches == 1  # nothing moved: skipped
    atoms.set_cell(atoms.cell.array * 0.999, scale_atoms=True)
    assert guard.check(atoms) is None and guard.searches == 2


def test_a_large_jump_forces_a_new_search_that_finds_the_pair():
    atoms = triclinic_gas()
    guard = CloseContactGuard(min_distance_A=0.5)
    assert guard.check(atoms) is None
    atoms.positions[7] = atoms.positions[3] + [0.2, 0.1, 0.0]
    message = guard.check(atoms)
    assert guard.searches == 2
    assert message is not None and "atoms 3 (H) and 7 (H) are 0.224 Å apart" in message


class _PairCollapse(Calculator):
    """Atoms on springs to their sites, and atoms 0 and 1 on a spring to each other: they collide."""

    implemented_properties = ["energy", "forces"]

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        if getattr(self, "sites", None) is None:
            self.sites = self.atoms.positions.copy()
        forces = -1.0 * (self.atoms.positions - self.sites)
        pull = self.atoms.get_distance(0, 1, mic=True, vector=True)
        forces[0:2] = [2.0 * pull, -2.0 * pull]
        self.results = {"energy": 0.0, "forces": forces}


def _collapse_message(tmp_path, monkeypatch=None) -> str:
    from ase.build import bulk

    atoms = bulk("Cu", cubic=True).repeat((2, 2, 2))
    atoms.rattle(0.05, seed=1)
    settings = MDSettings(
        ensemble="nvt_langevin", temperature_K=300, timestep_fs=2.0, steps=400, seed=3,
        guards={"interval": 1, "max_force_eV_per_A": None, "max_temperature_K": 1e6},
    )
    with pytest.raises(MDError) as failure:
        run_md(atoms, _PairCollapse(), settings, tmp_path, progress=False)
    return str(failure.value)


def test_engine_stops_at_the_same_step_with_and_without_skipping(tmp_path, monkeypatch):
    skipping = _collapse_message(tmp_path / "skipping")
    monkeypatch.setattr(CloseContactGuard, "_cannot_fire", lambda self, atoms: False)
    searching = _collapse_message(tmp_path / "searching")
    assert "atoms 0 (Cu) and 1 (Cu) are" in skipping
    assert "MD stopped at step 0" not in skipping  # it collapses during the run
    assert skipping.split(";")[0] == searching.split(";")[0]  # same step, atoms and distance
