"""The one neighbour search of interfaceflow (matscipy's C neighbour list): builder, MD guards, analyses."""

from __future__ import annotations

import numpy as np

from interfaceflow.errors import StructureError


def cell_for_search(positions: np.ndarray, cell: np.ndarray, pbc: np.ndarray, pad: float) -> np.ndarray:
    """A non-degenerate cell, Å (non-periodic axes with zero length get a box around the atoms)."""
    cell = np.array(cell, dtype=float)
    pbc = np.asarray(pbc, dtype=bool)
    lengths = np.linalg.norm(cell, axis=1)
    if np.all(lengths > 1e-8) and abs(np.linalg.det(cell)) > 1e-8:
        return cell
    if np.any(pbc & (lengths < 1e-8)):
        raise StructureError("a periodic cell vector has zero length; give the structure a valid cell")
    span = positions.max(axis=0) - positions.min(axis=0) + 2 * pad + 1.0
    for ax in range(3):
        if lengths[ax] < 1e-8:
            cell[ax] = 0.0
            cell[ax, ax] = span[ax]
    return cell


def neighbour_pairs(positions: np.ndarray, cell: np.ndarray, pbc, cutoff: float):
    """All ordered pairs closer than ``cutoff`` Å (both directions, periodic images).

    Returns ``(i, j, d, S)``: the vector from i to j is ``positions[j] + S @ cell - positions[i]``.
    """
    pbc = np.asarray(pbc, dtype=bool)
    cell = cell_for_search(positions, cell, pbc, cutoff)
    try:
        from matscipy.neighbours import neighbour_list
    except ImportError:  # pragma: no cover - matscipy is a dependency
        from ase import Atoms
        from ase.neighborlist import neighbor_list

        atoms = Atoms(positions=positions, cell=cell, pbc=pbc)
        return neighbor_list("ijdS", atoms, cutoff)
    return neighbour_list("ijdS", positions=positions, cell=cell, pbc=pbc, cutoff=cutoff)


def structure_neighbour_pairs(structure, cutoff: float):
    """:func:`neighbour_pairs` of a pymatgen ``Structure`` (periodic in its lattice), ``cutoff`` in Å."""
    return neighbour_pairs(structure.cart_coords, structure.lattice.matrix, structure.lattice.pbc, cutoff)
