"""Chemical sanity checks shared by the phase library and the interface builder.

Polyanions (PS4, PO4, GeS4, ...) are defined by :data:`POLYANION_BONDS`: a centre and its ligands
closer than the cut-off form one fragment that the builder never cuts.
"""

from __future__ import annotations

import numpy as np
from pymatgen.core import Composition, Structure

from interfaceflow.errors import StructureError
from interfaceflow.geometry import structure_neighbour_pairs

#: (centre, ligand) -> longest bond (Å) that still belongs to one polyanion.
POLYANION_BONDS: dict[tuple[str, str], float] = {
    ("P", "S"): 2.5,
    ("P", "O"): 2.0,
    ("Ge", "S"): 2.6,
    ("Si", "S"): 2.5,
    ("Si", "O"): 2.0,
    ("Sn", "S"): 2.75,
    ("Sb", "S"): 2.7,
    ("As", "S"): 2.5,
    ("B", "O"): 1.75,
    ("P", "N"): 2.0,
}

#: Covalent bonds of library anions that the builder never cuts through because no seed slab holds
#: them (S-O of sulfate, Cl-O of perchlorate: thermodynamic products): allowed short in :func:`check_bulk` only.
PRODUCT_ANION_BONDS: frozenset[frozenset[str]] = frozenset({frozenset(("S", "O")), frozenset(("Cl", "O"))})

#: Shortest acceptable distance between atoms that are not a polyanion bond (Å).
MIN_NONBONDED_A = 1.7
#: Longest bond between two polyanion centres of one unit (the P-P bond of P2S6, ~2.2 Å).
CENTRE_BOND_A = 2.4


def polyanion_cutoffs(elements: set[str]) -> dict[tuple[str, str], float]:
    """The polyanion bonds whose centre and ligand both occur in ``elements``."""
    return {pair: cut for pair, cut in POLYANION_BONDS.items() if set(pair) <= elements}


def ligand_counts(structure: Structure, center: str, ligand: str, cutoff_A: float) -> np.ndarray:
    """Number of ``ligand`` atoms within ``cutoff_A`` of every ``center`` atom (periodic)."""
    centers = [i for i, s in enumerate(structure) if s.specie.symbol == center]
    if not centers:
        return np.zeros(0, dtype=int)
    symbols = np.array([s.specie.symbol for s in structure])
    i, j, _, _ = structure_neighbour_pairs(structure, cutoff_A)
    ligand_pairs = symbols[j] == ligand
    return np.array([int(np.count_nonzero(ligand_pairs & (i == c))) for c in centers], dtype=int)


def min_distance_A(structure: Structure) -> float:
    """Smallest interatomic distance under periodic boundary conditions."""
    if len(structure) < 2:
        lat = structure.lattice
        return float(min(lat.abc))
    dm = structure.distance_matrix.copy()
    np.fill_diagonal(dm, np.inf)
    return float(dm.min())


def charge_of(composition: Composition, oxidation_states: dict[str, float]) -> float:
    """Net formal charge of a composition with the given oxidation states."""
    return float(sum(oxidation_states.get(el.symbol, 0.0) * n for el, n in composition.items()))


def check_bulk(structure: Structure, formula: str, oxidation_states: dict[str, float]) -> dict:
    """Check composition, charge neutrality, distances and intact polyanions of a bulk phase.

    Returns a dict of the measured values; raises :class:`StructureError` naming the first failure.
    """
    if not structure.is_ordered:
        raise StructureError(f"{formula}: structure still has partial occupancies; order it first")
    comp = structure.composition
    if comp.reduced_composition != Composition(formula).reduced_composition:
        raise StructureError(f"{formula}: composition is {comp.reduced_formula}; fix the Wyckoff sites")
    charge = charge_of(comp, oxidation_states)
    if abs(charge) > 1e-6:
        raise StructureError(f"{formula}: net formal charge {charge:+g}; fix occupancies or oxidation states")
    elements = {el.symbol for el in comp}
    cutoffs = polyanion_cutoffs(elements)
    for (center, ligand), cut in cutoffs.items():
        # a centre is four-fold: four ligands (PS4, PO4, P2S7) or three plus a centre (P2S6)
        counts = ligand_counts(structure, center, ligand, cut) + ligand_counts(structure, center, center, CENTRE_BOND_A)
        if counts.size and not np.all(counts == 4):
            raise StructureError(
                f"{formula}: {center} has {sorted(set(counts.tolist()))} {ligand} (+{center}) neighbours within "
                f"{cut} A, expected 4; fix the positions"
            )
    dmin = min_distance_A(structure)
    bonded = {frozenset(p) for p in cutoffs} | {frozenset((c, c)) for c, _ in cutoffs} | PRODUCT_ANION_BONDS
    dm = structure.distance_matrix.copy()
    np.fill_diagonal(dm, np.inf)
    symbols = [s.specie.symbol for s in structure]
    i, j = np.nonzero(dm < MIN_NONBONDED_A)
    for a, b in zip(i, j):
        if frozenset((symbols[a], symbols[b])) not in bonded or dm[a, b] < 1.4:
            raise StructureError(
                f"{formula}: {symbols[a]}-{symbols[b]} distance {dm[a, b]:.2f} A is too short; fix the positions"
            )
    return {"min_distance_A": dmin, "net_charge": charge}
