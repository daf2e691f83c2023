"""Pydantic documents of the interface builder: candidates, terminations and the build report."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CandidateInterface(BaseModel):
    """One lattice match with the Miller indices, strain, area and planned atom count."""

    miller: dict[str, tuple[int, int, int]] = Field(description="Miller indices per region.")
    supercells: dict[str, list[list[int]]] = Field(description="2x2 in-plane supercell of each oriented cell.")
    strain_pct: dict[str, float] = Field(description="Largest principal in-plane strain per region (%).")
    area_A2: float
    layers: dict[str, int] = Field(description="Oriented-cell periods stacked per region.")
    thickness_A: dict[str, float]
    n_atoms: int
    score: float = Field(description="Lower is better: max strain (%) + 2 |ln(area / target area)|.")
    matcher: str = Field(
        "numpy ZSL screen",
        description="Which matcher found the supercells: 'pymatgen ZSLGenerator', or the NumPy screen (and why).",
    )
    interface_energy_eV_per_A2: float | None = Field(
        None, description="Optional MLIP interface energy after a short relaxation (see rank_by_interface_energy)."
    )


class TerminationRecord(BaseModel):
    """One combination of slab terminations that was built and checked."""

    index: int
    shifts_A: dict[str, float] = Field(description="Cut height within one oriented-cell period, per region.")
    cleavage_gap_A: dict[str, float] = Field(description="Empty height around each cut (wider = cleaner cut).")
    electrolyte_dipole_eA: float | None
    min_cross_distance_A: float
    selected: bool = False


class InterfaceBuildReport(BaseModel):
    """Everything needed to judge and reproduce a built interface; stored next to the structure."""

    electrode: str
    electrolyte: str
    coating: str | None = None
    geometry: str = Field(description="'sandwich' (periodic, no vacuum, two interfaces per electrolyte slab) or 'slab'.")
    miller: dict[str, tuple[int, int, int]]
    supercells: dict[str, list[list[int]]]
    matcher: str = Field(
        "numpy ZSL screen",
        description="Matcher of the built supercells ('pymatgen ZSLGenerator' unless it found none).",
    )
    screening: str | None = Field(None, description="Matcher that ranked the Miller combinations before ZSL.")
    strain_pct: dict[str, float]
    strained_regions: list[str]
    area_A2: float
    cell_lengths_A: tuple[float, float, float]
    n_atoms: int
    n_atoms_by_region: dict[str, int]
    layers: dict[str, int]
    thickness_A: dict[str, float]
    gap_A: float
    vacuum_A: float
    interface_z_A: list[float]
    termination_index: int
    terminations: list[TerminationRecord]
    candidate_index: int = Field(description="Which of ``candidates`` was built.")
    candidates: list[CandidateInterface] = Field(description="Matches considered (best score first).")
    min_distance_A: float
    min_cross_distance_A: float = Field(description="Shortest distance between atoms of different regions.")
    net_charge_e: float | None = Field(description="Formal net charge of the cell (None when oxidation states are unknown).")
    electrolyte_net_charge_e: float | None
    electrolyte_dipole_eA: float | None = Field(description="Formal dipole of the electrolyte slab along z (e·Å).")
    electrolyte_formula: str
    electrolyte_bulk_formula: str
    electrolyte_stoichiometric: bool
    broken_polyanions: int
    fixed_atoms: int
    fingerprint_sha256: str = Field(description="sha256 of the input structures and all build settings.")
    settings: dict
    build_time_s: float
    versions: dict[str, str]
