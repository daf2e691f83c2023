"""Stability guards: find the first sign that an MD run has blown up, and say where.

Each check returns ``None`` when the frame is sane, or a one-line diagnostic naming the quantity,
the atoms and the limit. They only read what the calculator has already computed.

The close-contact check is the only one that costs anything (a neighbour search, matscipy's C
neighbour list); :class:`CloseContactGuard` skips it, exactly, while no pair can have come close.
"""

from __future__ import annotations

import numpy as np
from ase import Atoms

from interfaceflow.geometry import neighbour_pairs
from interfaceflow.md.settings import GuardSettings


def non_finite(energy: float | None, forces: np.ndarray) -> str | None:
    """Diagnostic for a NaN/inf potential energy or force, else None."""
    bad_atoms = np.flatnonzero(~np.isfinite(forces).all(axis=1))
    if energy is not None and not np.isfinite(energy):
        where = f" (non-finite forces on atoms {_atom_list(bad_atoms)})" if len(bad_atoms) else ""
        return f"the potential energy is {energy}{where}"
    if len(bad_atoms):
        return f"non-finite forces on atoms {_atom_list(bad_atoms)}"
    return None


def non_finite_state(atoms: Atoms, forces: np.ndarray | None = None) -> str | None:
    """Diagnostic for NaN/inf positions, momenta or (when given) forces, else None.

    Cheap enough for every step: a non-finite force or momentum becomes a non-finite position at
    the next step, and neighbour lists (the calculator's, the close-contact guard's) may never
    return on one, so the run must stop before the next force call.
    """
    arrays = {"forces": np.asarray(forces)} if forces is not None else {}  # the usual root cause first
    arrays["positions"] = atoms.positions
    if atoms.has("momenta"):
        arrays["momenta"] = atoms.arrays["momenta"]
    for name, values in arrays.items():
        bad_atoms = np.flatnonzero(~np.isfinite(values).all(axis=1))
        if len(bad_atoms):
            return f"non-finite {name} on atoms {_atom_list(bad_atoms)}"
    return None


def force_too_large(forces: np.ndarray, max_force_eV_per_A: float) -> str | None:
    """Diagnostic when an atom's force norm exceeds the limit, naming the largest."""
    norms = np.linalg.norm(forces, axis=1)
    worst = int(np.argmax(norms))
    if norms[worst] > max_force_eV_per_A:
        n_over = int((norms > max_force_eV_per_A).sum())
        return (
            f"atom {worst} feels a force of {norms[worst]:.3g} eV/Å "
            f"(> max_force_eV_per_A={max_force_eV_per_A:g}; {n_over} atom(s) over the limit)"
        )
    return None


def atoms_too_close(atoms: Atoms, min_distance_A: float) -> str | None:
    """Diagnostic naming the closest pair when two atoms are nearer than ``min_distance_A``."""
    i, j, d = _pairs_within(atoms, min_distance_A)
    return _close_pair_diagnostic(atoms, i, j, d, min_distance_A)


def _pairs_within(atoms: Atoms, cutoff_A: float):
    i, j, d, _ = neighbour_pairs(atoms.positions, atoms.cell.array, atoms.pbc, cutoff_A)
    return i, j, d


def _close_pair_diagnostic(
    atoms: Atoms, i: np.ndarray, j: np.ndarray, d: np.ndarray, min_distance_A: float
) -> str | None:
    too_close = d < min_distance_A
    if not too_close.any():
        return None
    i, j, d = i[too_close], j[too_close], d[too_close]
    k = int(np.argmin(d))
    n_pairs = len(d) // 2  # neighbor_list lists each pair both ways
    return (
        f"atoms {min(i[k], j[k])} ({atoms[i[k]].symbol}) and {max(i[k], j[k])} ({atoms[j[k]].symbol}) "
        f"are {d[k]:.3f} Å apart (< min_distance_A={min_distance_A:g}; {n_pairs} pair(s) too close)"
    )


class CloseContactGuard:
    """The two-atoms-too-close check of one MD run, with the neighbour search skipped when it cannot fire.

    A full check lists every pair closer than ``min_distance_A + skin_A`` and remembers the closest
    distance ``d_ref`` (``min_distance_A + skin_A`` when there is none) and the positions. As long as
    the cell is unchanged, no pair can since have come closer than ``d_ref - 2 * max_i |r_i - r_i,ref|``
    (each atom of a pair moved at most that far), so while that bound stays at or above
    ``min_distance_A`` the answer is known to be "no" without a search: the verdict on every frame is
    the one a full search would give (the Verlet-skin argument of neighbour lists).

    Args:
        min_distance_A: the limit in Å.
        skin_A: extra search radius in Å; larger means rarer but dearer searches.
    """

    def __init__(self, min_distance_A: float, skin_A: float = 1.0):
        self.min_distance_A = min_distance_A
        self.cutoff_A = min_distance_A + skin_A
        self.searches = 0
        self._reference: np.ndarray | None = None
        self._cell: np.ndarray | None = None
        self._closest_A = np.inf

    def check(self, atoms: Atoms) -> str | None:
        """Diagnostic naming the closest pair when two atoms are nearer than the limit, else None."""
        if self._cannot_fire(atoms):
            return None
        i, j, d = _pairs_within(atoms, self.cutoff_A)
        self.searches += 1
        self._reference = atoms.positions.copy()
        self._cell = atoms.cell.array.copy()
        self._closest_A = float(d.min()) if len(d) else self.cutoff_A
        return _close_pair_diagnostic(atoms, i, j, d, self.min_distance_A)

    def _cannot_fire(self, atoms: Atoms) -> bool:
        if self._reference is None or len(atoms) != len(self._reference):
            return False
        if not np.array_equal(atoms.cell.array, self._cell):
            return False
        displacement = atoms.positions - self._reference
        max_shift_A = float(np.sqrt((displacement * displacement).sum(axis=1).max()))
        return self._closest_A - 2.0 * max_shift_A >= self.min_distance_A


def temperature_runaway(atoms: Atoms, temperature_K: float, limit_K: float) -> str | None:
    """Diagnostic when the instantaneous temperature exceeds ``limit_K``, naming the hottest atoms."""
    if temperature_K <= limit_K:  # NaN is not: it trips the guard
        return None
    kinetic = 0.5 * (atoms.get_momenta() ** 2).sum(axis=1) / atoms.get_masses()
    hottest = np.argsort(kinetic)[::-1][:3]
    return (
        f"the temperature is {_kelvin(temperature_K)} K (> limit {_kelvin(limit_K)} K); "
        f"hottest atoms {_atom_list(hottest)}"
    )


def _kelvin(value: float) -> str:
    return f"{value:.0f}" if abs(value) < 1e7 else f"{value:.3g}"


def check_frame(
    atoms: Atoms,
    energy: float | None,
    forces: np.ndarray,
    temperature_K: float,
    guards: GuardSettings,
    temperature_limit_K: float,
    close_contact: CloseContactGuard | None = None,
) -> str | None:
    """Run every enabled guard; return the first diagnostic, or None.

    Pass the run's ``close_contact`` guard to reuse its neighbour-search bookkeeping across frames;
    without it the close-contact check does a full search.
    """
    if guards.check_nan and (problem := non_finite(energy, forces)):
        return problem
    # Overlapping atoms are the usual root cause of huge forces: report them first.
    if guards.min_distance_A is not None:
        contact = close_contact or CloseContactGuard(guards.min_distance_A)
        if problem := contact.check(atoms):
            return problem
    if guards.max_force_eV_per_A is not None and (
        problem := force_too_large(forces, guards.max_force_eV_per_A)
    ):
        return problem
    return temperature_runaway(atoms, temperature_K, temperature_limit_K)


def _atom_list(indices: np.ndarray, limit: int = 8) -> str:
    shown = ", ".join(str(int(i)) for i in indices[:limit])
    return shown + (f", … ({len(indices)} in all)" if len(indices) > limit else "")
