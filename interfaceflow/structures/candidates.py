"""Candidate interfaces of an electrode | (coating |) electrolyte pair, optionally ranked by an MLIP.

Sits above :mod:`.builder` (matching) and :mod:`.ranking` (interface energies): the candidates
are matched once and the ranking builds the best of those very matches.
"""

from __future__ import annotations

from typing import Any

from interfaceflow.structures.builder import (
    AUTO_CANDIDATES,
    COATING_THICKNESS_A,
    TARGET_THICKNESS_A,
    StrainSide,
    matched_candidates,
)
from interfaceflow.structures.ranking import rank_by_interface_energy
from interfaceflow.structures.report import CandidateInterface


def list_candidate_interfaces(
    electrode: Any,
    electrolyte: Any,
    *,
    coating: Any = None,
    electrode_miller: Any = None,
    electrolyte_miller: Any = None,
    coating_miller: Any = None,
    max_atoms: int = 300,
    max_strain_pct: float = 5.0,
    max_area_A2: float | None = None,
    vacuum_A: float = 0.0,
    strain_side: StrainSide = "softer",
    coating_thickness_A: float = COATING_THICKNESS_A,
    min_inplane_A: float = 8.0,
    min_slab_thickness_A: float = 6.0,
    target_thickness_A: float = TARGET_THICKNESS_A,
    calculator: Any = None,
    rank_top: int = 3,
    relax_steps: int = 20,
) -> list[CandidateInterface]:
    """Lattice matches (all Miller options when indices are not given) with strain, area, atoms.

    Sorted best first by :attr:`CandidateInterface.score`. The Miller combinations of the best few
    are matched with pymatgen's ZSLGenerator (``CandidateInterface.matcher``); the rest carry the
    NumPy screen's matches. With an ASE ``calculator``, the best ``rank_top`` are built, briefly
    relaxed (``relax_steps`` FIRE steps) and re-sorted by MLIP interface energy
    (:func:`interfaceflow.structures.ranking.rank_by_interface_energy`); the rest follow by score.
    Other arguments as in :func:`interfaceflow.structures.build_interface`.
    """
    matched = matched_candidates(
        electrode, electrolyte, coating=coating, electrode_miller=electrode_miller,
        electrolyte_miller=electrolyte_miller, coating_miller=coating_miller, max_atoms=max_atoms,
        max_strain_pct=max_strain_pct, max_area_A2=max_area_A2, vacuum_A=vacuum_A, strain_side=strain_side,
        coating_thickness_A=coating_thickness_A, min_inplane_A=min_inplane_A,
        min_slab_thickness_A=min_slab_thickness_A, target_thickness_A=target_thickness_A,
        zsl_top=max(AUTO_CANDIDATES, rank_top),
    )
    candidates = matched.candidates
    if calculator is None:
        return candidates
    ranked = rank_by_interface_energy(matched.best(rank_top), calculator, relax_steps=relax_steps)
    return ranked + candidates[rank_top:]
