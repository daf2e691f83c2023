"""Documents of the interface builder: candidates, terminations, the search, the build report, the build."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field
from pymatgen.core import Structure

from interfaceflow.errors import StructureError


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


class SearchRecord(BaseModel):
    """How far the candidate search got within its limits (Miller index, time budget)."""

    combinations_total: int = Field(description="Miller combinations to screen.")
    combinations_screened: int = Field(description="Miller combinations screened before the time budget ran out.")
    zsl_combinations: int = Field(0, description="Combinations matched again with pymatgen's ZSLGenerator.")
    max_miller_index: int
    time_budget_s: float
    time_s: float = Field(description="Wall time of the search.")
    complete: bool = Field(description="False when the time budget stopped the screen or the ZSL pass early.")


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
    search: SearchRecord | None = Field(None, description="Extent of the candidate search (None in older reports).")


def build_fingerprint(structures: dict[str, Structure], settings: dict) -> str:
    """sha256 of the input structures (per region) and every build setting."""
    def canonical(s: Structure) -> dict:
        return {
            "lattice": np.round(s.lattice.matrix, 6).tolist(),
            "species": [site.species_string for site in s],
            "frac": np.round(s.frac_coords, 6).tolist(),
        }

    payload = {"inputs": {r: canonical(s) for r, s in sorted(structures.items())}, "settings": settings}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class InterfaceBuild:
    """A built interface: ASE atoms with ``arrays['region']``, the pymatgen structure, and the report."""

    atoms: Any  # ase.Atoms
    structure: Structure
    interface_z_A: list[float]
    report: InterfaceBuildReport

    def write(self, path: str | Path, fmt: str | None = None) -> Path:
        """Write ``.cif``, ``.extxyz`` or ``POSCAR`` plus ``<path>.report.json`` (report + regions)."""
        import ase.io

        path = Path(path)
        name = path.name.lower()
        if fmt is None:
            if name.endswith(".cif"):
                fmt = "cif"
            elif name.endswith((".extxyz", ".xyz")):
                fmt = "extxyz"
            elif "poscar" in name or "contcar" in name or name.endswith(".vasp"):
                fmt = "poscar"
            else:
                raise StructureError(f"cannot tell the format of {path.name}; use a .cif, .extxyz or POSCAR name")
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "cif":
            self.structure.to(filename=str(path), fmt="cif")
        elif fmt == "extxyz":
            atoms = self.atoms.copy()
            atoms.info["interface_z_A"] = np.array(self.interface_z_A, dtype=float)
            atoms.info["fingerprint_sha256"] = self.report.fingerprint_sha256
            ase.io.write(str(path), atoms, format="extxyz")
        elif fmt == "poscar":
            self.structure.to(filename=str(path), fmt="poscar")
        else:
            raise StructureError(f"unknown format {fmt!r}; use cif, extxyz or poscar")
        sidecar = path.with_name(path.name + ".report.json")
        payload = {"report": self.report.model_dump(mode="json"), "regions": list(self.atoms.arrays["region"])}
        sidecar.write_text(json.dumps(payload, indent=1))
        return path
