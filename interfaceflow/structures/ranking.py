"""Rank already-matched candidate interfaces by MLIP interface energy after a short relaxation."""

from __future__ import annotations

from typing import Any

import numpy as np

from interfaceflow.structures.builder import InterfaceBuild, MatchedCandidates, build_matched_interface
from interfaceflow.structures.report import CandidateInterface

#: Force criterion of the short relaxation before the interface energy is taken (eV/Å).
RANKING_FMAX_EV_PER_A = 0.1


def interface_energy_eV_per_A2(build: InterfaceBuild, calculator: Any, bulk_energy_per_atom_eV: dict[str, float],
                               relax_steps: int = 20, fmax_eV_per_A: float = RANKING_FMAX_EV_PER_A) -> float:
    """(E_cell - sum_regions N_r * e_bulk_r) / (n_interfaces * area) after ``relax_steps`` FIRE steps.

    The relaxation is :func:`interfaceflow.md.relax.run_relax` (fixed atoms from the build's
    constraints, cell kept). Each region holds whole oriented cells of its bulk, so
    ``N_r * e_bulk_r`` is its bulk energy; the strain energy of the strained side is part of the result.
    """
    from interfaceflow.md.relax import run_relax
    from interfaceflow.md.settings import RelaxSettings

    settings = RelaxSettings(optimizer="FIRE", fmax_eV_per_A=fmax_eV_per_A, steps=relax_steps)
    energy = run_relax(build.atoms, calculator, settings).energy_eV
    regions = np.asarray(build.atoms.arrays["region"])
    reference = sum(bulk_energy_per_atom_eV[r] * int(np.sum(regions == r)) for r in set(regions.tolist()))
    n_interfaces = max(1, len(build.report.interface_z_A))
    return (energy - reference) / (n_interfaces * build.report.area_A2)


def bulk_energy_per_atom_eV(structure: Any, calculator: Any) -> float:
    """Single-point energy per atom of a bulk structure (pymatgen Structure)."""
    from pymatgen.io.ase import AseAtomsAdaptor

    atoms = AseAtomsAdaptor.get_atoms(structure)
    atoms.calc = calculator
    return float(atoms.get_potential_energy()) / len(atoms)


def rank_by_interface_energy(
    matched: MatchedCandidates, calculator: Any, *, relax_steps: int = 20
) -> list[CandidateInterface]:
    """Build every candidate of ``matched``, relax briefly, and sort them by interface energy.

    ``matched`` comes from :func:`interfaceflow.structures.builder.matched_candidates` (pass
    ``matched.best(n)`` to rank only the best ``n``); each candidate is built from its own lattice
    match (default gap and termination choice of :func:`~interfaceflow.structures.build_interface`),
    never matched again. The returned copies carry ``interface_energy_eV_per_A2``, lowest first.
    """
    bulk = {r: bulk_energy_per_atom_eV(s, calculator) for r, s in matched.bulk_structures.items()}
    ranked = []
    for index, candidate in enumerate(matched.candidates):
        build = build_matched_interface(matched, index)
        energy = interface_energy_eV_per_A2(build, calculator, bulk, relax_steps=relax_steps)
        ranked.append(candidate.model_copy(update={"interface_energy_eV_per_A2": round(energy, 6)}))
    return sorted(ranked, key=lambda c: c.interface_energy_eV_per_A2)
