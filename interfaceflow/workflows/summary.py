"""The summary document every interface study stores, and the job that writes it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, Field

from interfaceflow.plugins.base import CalculatorProvenance
from interfaceflow.provenance import package_versions
from interfaceflow.workflows.base import interfaceflow_job

STUDY_DOC_TYPE = "interface_study"


class InterfaceStudyDocument(BaseModel):
    """One finished interface study: what was simulated, with what, and the headline results.

    Units: temperatures in K, lengths in Å, times in fs. Large arrays stay in the analysis jobs'
    documents in the ``data`` store; ``analyses`` holds their small summaries.
    """

    doc_type: Literal["interface_study"] = STUDY_DOC_TYPE
    study_id: str = Field(description="Identifier of the study (the uuid of its jobflow Flow).")
    name: str
    electrode: str
    electrolyte: str
    coating: str | None = None
    calculator: str = Field(description="Calculator plugin name.")
    model: str
    temperature_K: float
    created: datetime
    provenance: CalculatorProvenance
    package_versions: dict[str, str] = Field(default_factory=dict)
    recipe: dict[str, Any] = Field(description="The validated recipe, as run.")
    build: dict[str, Any] = Field(default_factory=dict, description="Interface build report.")
    relax: dict[str, Any] = Field(default_factory=dict, description="Relaxation convergence.")
    md: dict[str, Any] = Field(default_factory=dict, description="MD summary and trajectory path.")
    analyses: dict[str, Any] = Field(default_factory=dict, description="Analysis summaries by name.")

    def cli_row(self) -> dict[str, Any]:
        """The fields ``interfaceflow results --json`` prints for this study."""
        return {
            "id": self.study_id,
            "name": self.name,
            "electrode": self.electrode,
            "electrolyte": self.electrolyte,
            "coating": self.coating,
            "calculator": self.calculator,
            "model": self.model,
            "temperature_K": self.temperature_K,
            "created": self.created.isoformat(timespec="seconds"),
        }


@interfaceflow_job
def summarize_study(
    study_id: str,
    recipe: dict[str, Any],
    provenance: dict[str, Any],
    build: dict[str, Any],
    relax: dict[str, Any],
    md: dict[str, Any],
    analyses: dict[str, Any],
) -> InterfaceStudyDocument:
    """Collect the outputs of one study into its :class:`InterfaceStudyDocument`."""
    calc = recipe["calculator"]
    return InterfaceStudyDocument(
        study_id=study_id,
        name=recipe["name"],
        electrode=recipe["electrode"],
        electrolyte=recipe["electrolyte"],
        coating=recipe.get("coating"),
        calculator=calc["plugin"],
        model=provenance["model"],
        temperature_K=recipe["md"]["temperature_K"],
        created=datetime.now(timezone.utc),
        provenance=CalculatorProvenance(**provenance),
        package_versions=package_versions(),
        recipe=recipe,
        build=build,
        relax=relax,
        md=md,
        analyses=analyses,
    )
