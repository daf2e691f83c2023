"""Optional ranking of candidate interfaces by MLIP interface energy after a short relaxation."""

from __future__ import annotations

from typing import Any

import numpy as np

from interfaceflow.structures.report import CandidateInterface


def interface_energy_eV_per_A2(build: Any, calculator: Any, bulk_energy_per_atom_eV: dict[str, float],
                               relax_steps: int = 20, fmax_eV_per_A: float = 0.1) -> float:
    """(E_cell - sum_regions N_r * e_bulk_r) / (n_interfaces * area) after ``relax_steps`` FIRE steps.

    Each region holds whole oriented cells of its bulk, so ``N_r * e_bulk_r`` is its bulk energy;
    the strain energy of the strained side is part of the result.
    """
    from ase.optimize import FIRE

    atoms = build.atoms.copy()
    atoms.calc = calculator
    if relax_steps > 0:
        FIRE(atoms, logfile=None).run(fmax=fmax_eV_per_A, steps=relax_steps)
    energy = float(atoms.get_potential_energy())
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
    candidates: list[CandidateInterface],
    calculator: Any,
    *,
    electrode: Any,
    electrolyte: Any,
    coating: Any = None,
    build_kwargs: dict | None = None,
    relax_steps: int = 20,
) -> list[CandidateInterface]:
    """Build each candidate (same Miller indices and supercells), relax briefly, sort by interface energy.

    ``candidates`` come from :func:`interfaceflow.structures.list_candidate_interfaces`; the
    returned copies carry ``interface_energy_eV_per_A2``.
    """
    from interfaceflow.structures.builder import build_interface
    from interfaceflow.structures.library import load_structure

    kwargs = dict(build_kwargs or {})
    specs = {"electrode": electrode, "electrolyte": electrolyte}
    if coating is not None:
        specs["coating"] = coating
    bulk = {r: bulk_energy_per_atom_eV(load_structure(s), calculator) for r, s in specs.items()}
    ranked = []
    for candidate in candidates:
        build = build_interface(
            electrode, electrolyte, coating=coating,
            electrode_miller=candidate.miller.get("electrode"), electrolyte_miller=candidate.miller.get("electrolyte"),
            coating_miller=candidate.miller.get("coating"), **kwargs,
            candidate_index=_index_of(candidate, electrode, electrolyte, coating, kwargs),
        )
        energy = interface_energy_eV_per_A2(build, calculator, bulk, relax_steps=relax_steps)
        ranked.append(candidate.model_copy(update={"interface_energy_eV_per_A2": round(energy, 6)}))
    return sorted(ranked, key=lambda c: c.interface_energy_eV_per_A2)


def _index_of(candidate: CandidateInterface, electrode: Any, electrolyte: Any, coating: Any, kwargs: dict) -> int:
    """Position of ``candidate`` among the candidates that share its Miller indices."""
    from interfaceflow.structures.builder import list_candidate_interfaces

    pool = list_candidate_interfaces(
        electrode, electrolyte, coating=coating, electrode_miller=candidate.miller.get("electrode"),
        electrolyte_miller=candidate.miller.get("electrolyte"), coating_miller=candidate.miller.get("coating"),
        **kwargs,
    )
    for k, other in enumerate(pool):
        if other.supercells == candidate.supercells and other.layers == candidate.layers:
            return k
    return 0
