"""The build stage: a jobflow maker around :func:`interfaceflow.structures.build_interface`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from jobflow import Maker
from pydantic import BaseModel, ConfigDict, Field
from pymatgen.core import Structure
from pymatgen.io.ase import AseAtomsAdaptor

from interfaceflow.errors import StructureError
from interfaceflow.structures.settings import BuildSettings
from interfaceflow.validation import validated_settings
from interfaceflow.workflows.base import interfaceflow_job


class InterfaceBuildDocument(BaseModel):
    """A built interface: the structure (with ``region`` and ``selective_dynamics`` site
    properties), the interface plane positions (Å, along c) and the build report."""

    doc_type: Literal["interface_build"] = "interface_build"
    structure: Structure
    regions: list[str]
    interface_z_A: list[float]
    n_atoms: int
    report: dict[str, Any] = Field(description="Strain, area, terminations, distances, charge, fingerprint.")

    def summary(self) -> BuildSummary:
        """The headline of the build, as the study document stores it."""
        return BuildSummary.from_fields({"n_atoms": self.n_atoms, "interface_z_A": self.interface_z_A,
                                         "report": self.report})


class BuildSummary(BaseModel):
    """What was built: size, cell, interfaces (Å), strain (%) and the electrolyte's integrity."""

    model_config = ConfigDict(extra="ignore")

    geometry: str | None = Field(None, description="sandwich, slab or bulk.")
    n_atoms: int
    n_atoms_by_region: dict[str, int] = Field(default_factory=dict)
    interface_z_A: list[float] = Field(default_factory=list)
    cell_lengths_A: list[float] = Field(default_factory=list)
    area_A2: float | None = None
    miller: dict[str, list[int]] = Field(default_factory=dict)
    strain_pct: dict[str, float] = Field(default_factory=dict)
    strained_regions: list[str] = Field(default_factory=list)
    min_cross_distance_A: float | None = None
    electrolyte_formula: str | None = None
    broken_polyanions: int | None = None
    net_charge_e: float | None = None
    fingerprint_sha256: str | None = None
    build_time_s: float | None = None

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> BuildSummary:
        """From a build document's fields (or a schema-1 study's ``build`` dict)."""
        report = fields.get("report") or {}
        return cls.model_validate({**report, "n_atoms": fields["n_atoms"],
                                   "interface_z_A": fields.get("interface_z_A") or []})


def run_build(electrode: str | None, electrolyte: str, coating: str | None,
              settings: BuildSettings) -> InterfaceBuildDocument:
    """Build the interface (pure function, no jobflow) and describe it as a document.

    Without an electrode, the electrolyte's bulk supercell closest to ``max_atoms`` (not above it)
    is built instead, all atoms labelled ``electrolyte``.
    """
    from interfaceflow.structures import build_interface

    if electrode is None:
        return run_bulk_build(electrolyte, settings.max_atoms)

    built = build_interface(electrode, electrolyte, coating=coating, settings=settings)
    regions = [str(r) for r in built.atoms.arrays["region"]]
    structure = AseAtomsAdaptor.get_structure(built.atoms)
    structure.add_site_property("region", regions)
    return InterfaceBuildDocument(
        structure=structure,
        regions=regions,
        interface_z_A=[float(z) for z in built.interface_z_A],
        n_atoms=len(built.atoms),
        report=built.report.model_dump(mode="json"),
    )


def bulk_supercell(structure: Structure, max_atoms: int) -> Structure:
    """The most compact diagonal supercell of ``structure`` with at most ``max_atoms`` atoms."""
    from itertools import product

    from interfaceflow.errors import StructureError

    n = len(structure)
    if n > max_atoms:
        raise StructureError(
            f"the bulk cell has {n} atoms, more than max_atoms={max_atoms}; raise max_atoms to {n}"
        )
    lengths = structure.lattice.abc
    best = None
    for scale in product(range(1, 7), repeat=3):
        atoms = n * scale[0] * scale[1] * scale[2]
        if atoms > max_atoms:
            continue
        sides = [s * length for s, length in zip(scale, lengths)]
        key = (-atoms, max(sides) / min(sides))  # most atoms, then the most isotropic
        if best is None or key < best[0]:
            best = (key, scale)
    return structure * best[1]


def run_bulk_build(electrolyte: str, max_atoms: int) -> InterfaceBuildDocument:
    """A bulk supercell of ``electrolyte`` as a build document (no interfaces)."""
    from interfaceflow.provenance import package_versions
    from interfaceflow.structures import load_structure

    structure = bulk_supercell(load_structure(electrolyte), max_atoms)
    regions = ["electrolyte"] * len(structure)
    structure.add_site_property("region", regions)
    return InterfaceBuildDocument(
        structure=structure,
        regions=regions,
        interface_z_A=[],
        n_atoms=len(structure),
        report={"geometry": "bulk", "electrolyte": electrolyte,
                "formula": structure.composition.formula, "n_atoms": len(structure),
                "cell_lengths_A": list(structure.lattice.abc), "versions": package_versions()},
    )


@dataclass
class BuildInterfaceMaker(Maker):
    """Build electrode | [coating |] electrolyte.

    Args:
        name: job name.
        settings: :class:`~interfaceflow.structures.settings.BuildSettings` (or a dict of its
            fields): Miller indices, atom budget, strain and area limits, vacuum, gap, ...
    """

    name: str = "build interface"
    settings: BuildSettings = field(default_factory=BuildSettings)

    def __post_init__(self) -> None:
        self.settings = validated_settings(self.settings, BuildSettings, "build", StructureError)

    @interfaceflow_job
    def make(self, electrode: str | None, electrolyte: str, coating: str | None = None) -> InterfaceBuildDocument:
        """Build the interface (or the bulk electrolyte when ``electrode`` is None)."""
        return run_build(electrode, electrolyte, coating, self.settings)
