"""Assemble the terminations of one lattice match into cells, and measure what a build is judged by.

:class:`Stacking` plans how many oriented-cell periods each slab gets within an atom budget;
:func:`built_terminations` stacks the oriented slabs of a match (:mod:`.slabs`, :mod:`.matching`)
for every termination combination and records each in a :class:`.report.TerminationRecord`; the
other functions measure a built cell (closest pairs, broken polyanions, fixed atoms, dipoles).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np
from pymatgen.core import Lattice, Structure

from interfaceflow.geometry import structure_neighbour_pairs
from interfaceflow.structures.matching import LatticeMatch
from interfaceflow.structures.report import CandidateInterface, TerminationRecord
from interfaceflow.structures.slabs import OrientedBulk
from interfaceflow.structures.validation import CENTRE_BOND_A, polyanion_cutoffs

#: Formal oxidation states per region (None where unknown).
OxidationStates = dict[str, dict[str, float] | None]


@dataclass(frozen=True)
class Stacking:
    """Slab thickness rules of a build: minimum and target thickness, coating limit, sandwich or slab (Å)."""

    sandwich: bool
    coating_thickness_A: float
    min_slab_thickness_A: float
    target_thickness_A: float

    def copies(self, region: str) -> int:
        """Slabs of ``region`` in the cell: a sandwich holds the coating on both sides of the electrolyte."""
        return 2 if (region == "coating" and self.sandwich) else 1

    def min_layers(self, bulk: OrientedBulk, region: str) -> int:
        """Fewest periods that make the slab at least the minimum thickness (a coating: at most its limit)."""
        target = self.min_slab_thickness_A
        if region == "coating":
            target = min(target, self.coating_thickness_A)
        return max(1, int(np.ceil(target / bulk.period_A - 1e-6)))

    def atoms_per_A2(self, oriented: dict[str, OrientedBulk], order: list[str]) -> tuple[float, float]:
        """Atoms per Å² of interface with the thinnest allowed slabs, and with slabs of the target thickness."""
        thinnest = sum(len(oriented[r].ouc) / oriented[r].area_A2 * self.copies(r) * self.min_layers(oriented[r], r)
                       for r in order)
        target = sum(len(oriented[r].ouc) / (oriented[r].area_A2 * oriented[r].period_A) * self.copies(r)
                     * (min(self.coating_thickness_A, self.target_thickness_A) if r == "coating"
                        else self.target_thickness_A) for r in order)
        return thinnest, target

    def min_atoms(self, oriented: dict[str, OrientedBulk], match: LatticeMatch, order: list[str]) -> int:
        """Atoms of ``match`` with the thinnest allowed slabs."""
        return sum(len(oriented[r].ouc) * abs(round(np.linalg.det(m))) * self.copies(r)
                   * self.min_layers(oriented[r], r) for r, m in zip(order, match.supercells))

    def plan(self, oriented: dict[str, OrientedBulk], match: LatticeMatch, order: list[str],
             max_atoms: int) -> tuple[dict[str, int], int] | None:
        """Periods per region and total atoms: start at the minimum thickness, then grow the thinnest
        slab while ``max_atoms`` allows; None when even the thinnest slabs exceed it."""
        per_layer = {r: len(oriented[r].ouc) * abs(round(np.linalg.det(m))) * self.copies(r)
                     for r, m in zip(order, match.supercells)}
        layers = {r: self.min_layers(oriented[r], r) for r in order}

        def total(lay: dict[str, int]) -> int:
            return sum(lay[r] * per_layer[r] for r in order)

        if total(layers) > max_atoms:
            return None
        while True:
            growable = [r for r in order if not (
                r == "coating" and (layers[r] + 1) * oriented[r].period_A > self.coating_thickness_A)]
            growable.sort(key=lambda r: (layers[r] * oriented[r].period_A, order.index(r)))
            for r in growable:
                trial = dict(layers, **{r: layers[r] + 1})
                if total(trial) <= max_atoms:
                    layers = trial
                    break
            else:
                return layers, total(layers)


def _inplane_cell(ref_sl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = ref_sl
    e1 = a / np.linalg.norm(a)
    n = np.cross(a, b)
    e2 = np.cross(n / np.linalg.norm(n), e1)
    return np.array([a @ e1, a @ e2, 0.0]), np.array([b @ e1, b @ e2, 0.0])


def _assemble(
    oriented: dict[str, OrientedBulk], match: LatticeMatch, order: list[str], layers: dict[str, int],
    shifts: dict[str, float], *, gap_A: float, vacuum_A: float,
) -> tuple[list[str], np.ndarray, list[str], np.ndarray, list[float]]:
    """Species, Cartesian positions, regions, cell and interface heights for one termination choice."""
    supercells = dict(zip(order, match.supercells))
    ref_sl = supercells[order[0]] @ oriented[order[0]].inplane_vectors
    vec_a, vec_b = _inplane_cell(ref_sl)
    slabs = {}
    for region in order:
        species, uvw = oriented[region].slab(supercells[region], layers[region], shifts[region])
        if np.linalg.det(supercells[region]) < 0:  # left-handed supercell: turn the slab upside down
            uvw[:, 2] = -uvw[:, 2]
        uvw[:, 2] -= uvw[:, 2].min()
        slabs[region] = (species, uvw)
    stack = [r for r in ("electrode", "coating", "electrolyte") if r in slabs]
    sandwich = vacuum_A <= 0
    if sandwich and "coating" in slabs:
        stack.append("coating")
    z = gap_A / 2 if sandwich else vacuum_A / 2
    species_all: list[str] = []
    positions: list[np.ndarray] = []
    regions: list[str] = []
    interfaces: list[float] = []
    for k, region in enumerate(stack):
        if k > 0:
            interfaces.append(z + gap_A / 2)
            z += gap_A
        species, uvw = slabs[region]
        xyz = np.outer(uvw[:, 0], vec_a) + np.outer(uvw[:, 1], vec_b)
        xyz[:, 2] = uvw[:, 2] + z
        species_all.extend(species)
        positions.append(xyz)
        regions.extend([region] * len(species))
        z += float(uvw[:, 2].max())
    if sandwich:
        z += gap_A / 2
        interfaces.insert(0, 0.0)
    else:
        z += vacuum_A / 2
    cell = np.array([vec_a, vec_b, [0.0, 0.0, z]])
    return species_all, np.concatenate(positions), regions, cell, interfaces


def min_pair_distance(structure: Structure, mask_pairs=None, start_A: float = 2.0, stop_A: float = 8.0) -> float:
    """Shortest distance between two sites (only pairs ``mask_pairs(i, j)`` keeps); ``stop_A`` if none is closer."""
    r = start_A
    while r <= stop_A:
        i, j, d, _ = structure_neighbour_pairs(structure, r)
        keep = d > 1e-8
        if mask_pairs is not None:
            keep &= mask_pairs(i, j)
        if np.any(keep):
            return float(d[keep].min())
        r += 2.0
    return float(stop_A)


def _formal_charges(regions: list[str], species: list[str], oxidation_states: OxidationStates) -> np.ndarray | None:
    charges = np.zeros(len(species))
    for k, (region, sp) in enumerate(zip(regions, species)):
        oxi = oxidation_states[region]
        if oxi is None or sp not in oxi:
            return None
        charges[k] = oxi[sp]
    return charges


def broken_polyanion_count(structure: Structure) -> int:
    """Polyanion centres without four neighbours (ligands, plus the P-P partner in P2S6)."""
    cutoffs = polyanion_cutoffs({el.symbol for el in structure.composition})
    centers = {c for c, _ in cutoffs}
    if not centers:
        return 0
    i, j, d, _ = structure_neighbour_pairs(structure, max(*cutoffs.values(), CENTRE_BOND_A))
    symbols = np.array([s.specie.symbol for s in structure])
    broken = 0
    for c in sorted(centers):
        for idx in np.nonzero(symbols == c)[0]:
            sel = i == idx
            n = sum(1 for jj, dd in zip(j[sel], d[sel])
                    if dd <= cutoffs.get((c, symbols[jj]), CENTRE_BOND_A if symbols[jj] == c else 0.0))
            broken += n != 4
    return broken


def fixed_atoms_mask(positions: np.ndarray, regions: list[str], cell: np.ndarray, fix_outer_A: float,
                     sandwich: bool) -> np.ndarray:
    """Atoms to hold fixed: near both free surfaces (slab), or around the electrode mid-plane (sandwich)."""
    z = positions[:, 2]
    if fix_outer_A <= 0:
        return np.zeros(len(z), dtype=bool)
    if not sandwich:
        return (z <= z.min() + fix_outer_A) | (z >= z.max() - fix_outer_A)
    electrode = np.array([r == "electrode" for r in regions])
    ze = z[electrode]
    mid = (ze.min() + ze.max()) / 2
    return electrode & (np.abs(z - mid) <= fix_outer_A / 2)


def dipole_density_eA_per_A2(record: TerminationRecord, candidate: CandidateInterface) -> float:
    """|Electrolyte slab dipole| per interface area (0 when formal charges are unknown)."""
    return abs(record.electrolyte_dipole_eA or 0.0) / candidate.area_A2


def built_terminations(found_item: tuple, oxidation_states: OxidationStates, max_terminations: int, gap_A: float,
                       vacuum_A: float) -> list[tuple]:
    """Assemble every termination combination of one match (widest cuts first) and measure it.

    ``found_item`` is ``(candidate, oriented bulks, lattice match, region order)``; each entry of the
    result is ``(record, structure, species, positions, regions, cell, interface heights, formal
    charges or None)``.
    """
    candidate, oriented, match, order = found_item
    options = {r: oriented[r].termination_shifts(max_terminations) for r in order}
    combos = sorted(product(*(range(len(options[r])) for r in order)), key=lambda c: (sum(c), c))[:max_terminations]
    built = []
    for index, combo in enumerate(combos):
        shifts = {r: options[r][k][0] for r, k in zip(order, combo)}
        species, positions, regions, cell, interfaces = _assemble(
            oriented, match, order, candidate.layers, shifts, gap_A=gap_A, vacuum_A=vacuum_A
        )
        structure = Structure(Lattice(cell), species, positions, coords_are_cartesian=True,
                              site_properties={"region": regions})
        region_arr = np.array(regions)
        cross = min_pair_distance(structure, lambda i, j: region_arr[i] != region_arr[j],
                                   start_A=max(gap_A + 1.0, 2.0))
        charges = _formal_charges(regions, species, oxidation_states)
        dipole = None
        if charges is not None:
            sel = region_arr == "electrolyte"
            zl = positions[sel, 2]
            dipole = float(np.sum(charges[sel] * (zl - zl.mean())))
        record = TerminationRecord(
            index=index,
            shifts_A={r: round(options[r][k][0], 4) for r, k in zip(order, combo)},
            cleavage_gap_A={r: round(options[r][k][1], 4) for r, k in zip(order, combo)},
            electrolyte_dipole_eA=None if dipole is None else round(dipole, 4),
            min_cross_distance_A=round(cross, 4),
        )
        built.append((record, structure, species, positions, regions, cell, interfaces, charges))
    return built
