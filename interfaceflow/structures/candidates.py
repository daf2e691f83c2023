"""Candidate interfaces of an electrode | (coating |) electrolyte pair, optionally ranked by an MLIP.

Sits above :mod:`.builder` (matching) and :mod:`.ranking` (interface energies): the candidates
are matched once and the ranking builds the best of those very matches.
"""

from __future__ import annotations

from typing import Any

from interfaceflow.structures.builder import AUTO_CANDIDATES, Progress, matched_candidates
from interfaceflow.structures.ranking import rank_by_interface_energy
from interfaceflow.structures.report import CandidateInterface
from interfaceflow.structures.settings import BuildSettings


def list_candidate_interfaces(
    electrode: Any,
    electrolyte: Any,
    *,
    coating: Any = None,
    settings: BuildSettings | None = None,
    calculator: Any = None,
    rank_top: int = 3,
    relax_steps: int = 20,
    progress: Progress | None = None,
    **overrides: Any,
) -> list[CandidateInterface]:
    """Lattice matches (all Miller options when indices are not given) with strain, area, atoms.

    Sorted best first by :attr:`CandidateInterface.score`. The Miller combinations of the best few
    are matched with pymatgen's ZSLGenerator (``CandidateInterface.matcher``); the rest carry the
    NumPy screen's matches. With an ASE ``calculator``, the best ``rank_top`` are built, briefly
    relaxed (``relax_steps`` FIRE steps) and re-sorted by MLIP interface energy
    (:func:`interfaceflow.structures.ranking.rank_by_interface_energy`); the rest follow by score.
    ``settings``, ``progress`` and keyword ``overrides`` as in :func:`interfaceflow.structures.build_interface`.
    """
    matched = matched_candidates(electrode, electrolyte, coating=coating, settings=settings,
                                 zsl_top=max(AUTO_CANDIDATES, rank_top), progress=progress, **overrides)
    candidates = matched.candidates
    if calculator is None:
        return candidates
    ranked = rank_by_interface_energy(matched.best(rank_top), calculator, relax_steps=relax_steps)
    return ranked + candidates[rank_top:]
