"""Bulk phase library with provenance, and the slab and interface builders.

Public API::

    from interfaceflow.structures import list_phases, get_phase, load_structure, build_interface
    build = build_interface("Li", "Li6PS5Cl", max_atoms=200)
    build.atoms.arrays["region"], build.interface_z_A, build.report

Layers (each imports only those below it): :mod:`.candidates` (``list_candidate_interfaces``,
optionally MLIP-ranked) > :mod:`.ranking` (ranks matched candidates) > :mod:`.builder` (matching
and building) > :mod:`.assembly`, :mod:`.slabs`, :mod:`.matching`, :mod:`.library`, :mod:`.report`.
"""

from interfaceflow.structures.builder import (
    InterfaceBuild,
    MatchedCandidates,
    build_interface,
    build_matched_interface,
    matched_candidates,
)
from interfaceflow.structures.candidates import list_candidate_interfaces
from interfaceflow.structures.library import BulkPhase, get_phase, list_phases, load_structure, order_structure
from interfaceflow.structures.ranking import rank_by_interface_energy
from interfaceflow.structures.report import CandidateInterface, InterfaceBuildReport, TerminationRecord

__all__ = [
    "BulkPhase",
    "CandidateInterface",
    "InterfaceBuild",
    "InterfaceBuildReport",
    "MatchedCandidates",
    "TerminationRecord",
    "build_interface",
    "build_matched_interface",
    "get_phase",
    "list_candidate_interfaces",
    "list_phases",
    "load_structure",
    "matched_candidates",
    "order_structure",
    "rank_by_interface_energy",
]
