"""The build stage: a jobflow maker around :func:`interfaceflow.structures.build_interface`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from jobflow import Maker
from pydantic import BaseModel, Field
from pymatgen.core import Structure
from pymatgen.io.ase import AseAtomsAdaptor

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


def run_build(electrode: str, electrolyte: str, coating: str | None, max_atoms: int,
              build: dict[str, Any]) -> InterfaceBuildDocument:
    """Build the interface (pure function, no jobflow) and describe it as a document."""
    from interfaceflow.structures import build_interface

    built = build_interface(electrode, electrolyte, coating=coating, max_atoms=max_atoms, **build)
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


@dataclass
class BuildInterfaceMaker(Maker):
    """Build electrode | [coating |] electrolyte.

    Args:
        name: job name.
        build: keyword arguments of :func:`~interfaceflow.structures.build_interface`
            (a recipe's ``build`` section: Miller indices, strain and area limits, vacuum, gap, ...).
        max_atoms: atom budget of the cell.
    """

    name: str = "build interface"
    build: dict[str, Any] = field(default_factory=dict)
    max_atoms: int = 300

    @interfaceflow_job
    def make(self, electrode: str, electrolyte: str, coating: str | None = None) -> InterfaceBuildDocument:
        """Build the interface from library names or structure files."""
        return run_build(electrode, electrolyte, coating, self.max_atoms, self.build)
