"""The summary document every interface study stores, and the job that writes it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, Field

from interfaceflow.plugins.base import CalculatorProvenance
from interfaceflow.provenance import package_versions
from interfaceflow.workflows.base import interfaceflow_job

STUDY_DOC_TYPE = "interface_study"
# Raise when the document's shape changes, and teach InterfaceStudyDocument to read the old one
# (tests/data keeps a stored document of every version that must still load).
STUDY_SCHEMA_VERSION = 1


class InterfaceStudyDocument(BaseModel):
    """One finished interface study: what was simulated, with what, and the headline results.

    Units: temperatures in K, lengths in Å, times in fs. Large arrays stay in the analysis jobs'
    documents in the ``data`` store; ``analyses`` holds their small summaries.
    """

    doc_type: Literal["interface_study"] = STUDY_DOC_TYPE
    schema_version: int = Field(
        default=STUDY_SCHEMA_VERSION,
        description="Shape of this document; documents stored before the field existed are 1.",
    )
    study_id: str = Field(description="Identifier of the study (the uuid of its jobflow Flow).")
    name: str
    electrode: str | None = Field(description="None for a bulk-electrolyte study.")
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


_DROPPED_KEYS = {"arrays", "structure", "trajectory_frames", "settings", "calculator",
                 "package_versions", "@module", "@class", "@version"}


def small_summary(output: Any, max_items: int = 24, depth: int = 3) -> Any:
    """The small, human-readable part of a job output: scalars, short lists, small mappings.

    Large arrays (``arrays``), structures and repeated provenance are dropped: they stay in the
    job's own document and the ``data`` store.
    """
    if isinstance(output, BaseModel):
        output = dict(output)
    if hasattr(output, "as_dict"):  # structures and other MSONable objects stay in their own docs
        return None
    if isinstance(output, dict):
        if depth == 0:
            return None
        kept = {}
        for key, value in output.items():
            if key in _DROPPED_KEYS:
                continue
            reduced = small_summary(value, max_items, depth - 1)
            if reduced is not None:
                kept[key] = reduced
        return kept if len(kept) <= max_items * 2 else None
    if isinstance(output, (list, tuple)):
        if len(output) > max_items:
            return None
        items = [small_summary(v, max_items, depth - 1) for v in output]
        return items if all(i is not None for i in items) else None
    if output is None or isinstance(output, (str, int, float, bool)):
        return output
    if hasattr(output, "isoformat"):
        return output.isoformat()
    return str(output) if len(str(output)) <= 200 else None


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
    build, relax, md = small_summary(build), small_summary(relax), small_summary(md)
    analyses = {name: small_summary(output) for name, output in analyses.items()}
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
