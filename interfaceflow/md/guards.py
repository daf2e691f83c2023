"""Stability guards: find the first sign that an MD run has blown up, and say where.

Each check returns ``None`` when the frame is sane, or a one-line diagnostic naming the quantity,
the atoms and the limit. They only read what the calculator has already computed.
"""

from __future__ import annotations

import numpy as np
from ase import Atoms
from ase.neighborlist import neighbor_list

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
    i, j, d = neighbor_list("ijd", atoms, min_distance_A)
    if not len(d):
        return None
    k = int(np.argmin(d))
    n_pairs = len(d) // 2  # neighbor_list lists each pair both ways
    return (
        f"atoms {min(i[k], j[k])} ({atoms[i[k]].symbol}) and {max(i[k], j[k])} ({atoms[j[k]].symbol}) "
        f"are {d[k]:.3f} Å apart (< min_distance_A={min_distance_A:g}; {n_pairs} pair(s) too close)"
    )


def temperature_runaway(atoms: Atoms, temperature_K: float, limit_K: float) -> str | None:
    """Diagnostic when the instantaneous temperature exceeds ``limit_K``, naming the hottest atoms."""
    if temperature_K <= limit_K:
        return None
    kinetic = 0.5 * (atoms.get_momenta() ** 2).sum(axis=1) / atoms.get_masses()
    hottest = np.argsort(kinetic)[::-1][:3]
    return f"the temperature is {temperature_K:.0f} K (> limit {limit_K:.0f} K); hottest atoms {_atom_list(hottest)}"


def check_frame(
    atoms: Atoms,
    energy: float | None,
    forces: np.ndarray,
    temperature_K: float,
    guards: GuardSettings,
    temperature_limit_K: float,
) -> str | None:
    """Run every enabled guard; return the first diagnostic, or None."""
    if guards.check_nan and (problem := non_finite(energy, forces)):
        return problem
    # Overlapping atoms are the usual root cause of huge forces: report them first.
    if guards.min_distance_A is not None and (problem := atoms_too_close(atoms, guards.min_distance_A)):
        return problem
    if guards.max_force_eV_per_A is not None and (
        problem := force_too_large(forces, guards.max_force_eV_per_A)
    ):
        return problem
    return temperature_runaway(atoms, temperature_K, temperature_limit_K)


def _atom_list(indices: np.ndarray, limit: int = 8) -> str:
    shown = ", ".join(str(int(i)) for i in indices[:limit])
    return shown + (f", … ({len(indices)} in all)" if len(indices) > limit else "")
