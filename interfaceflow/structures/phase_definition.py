"""The record of one bulk phase of the library: Wyckoff-level crystal data plus provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["electrode", "electrolyte", "coating", "product"]


@dataclass(frozen=True)
class PhaseDefinition:
    """One bulk phase: Wyckoff-level crystal data plus provenance."""

    name: str
    formula: str
    role: Role
    spacegroup: str
    lattice_abc_A: tuple[float, float, float]
    lattice_angles_deg: tuple[float, float, float]
    species: tuple  # per Wyckoff site: element or {element: occupancy}
    coords: tuple  # per Wyckoff site: fractional (x, y, z)
    source: str  # the publication the lattice (and, unless coordinates="model", positions) come from
    doi: str | None = None
    database_id: str | None = None  # ICSD / Materials Project id of the same phase, where known
    ordering_method: str = "ordered as published"
    bulk_modulus_GPa: float = 50.0  # rough experimental or computed estimate; picks the strained side
    aliases: tuple[str, ...] = ()
    coordinates: Literal["published", "model"] = "published"
    relax_fixed_cell: bool = False
    supercell: tuple[int, int, int] = (1, 1, 1)  # cell in which disordered sites are ordered
    oxidation_states: dict[str, float] = field(default_factory=dict)
    notes: str = ""


CUBIC = (90.0, 90.0, 90.0)
HEX = (90.0, 90.0, 120.0)
