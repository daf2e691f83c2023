"""The summary document every interface study stores, and the job that writes it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from interfaceflow.analysis.profile_results import ProfileResult, ProfileSummary
from interfaceflow.plugins.base import CalculatorProvenance
from interfaceflow.provenance import package_versions
from interfaceflow.workflows.base import interfaceflow_job
from interfaceflow.workflows.build import BuildSummary, InterfaceBuildDocument
from interfaceflow.workflows.md import MDDocument, MDSummary, RelaxDocument, RelaxSummary
from interfaceflow.workflows.products import (
    ProductsAnalysisDocument,
    ProductsSummary,
    ThermoReferenceDocument,
    ThermoSummary,
)
from interfaceflow.workflows.transport import (
    ArrheniusDocument,
    ArrheniusSummary,
    DiffusionAnalysisDocument,
    DiffusionSummary,
)

STUDY_DOC_TYPE = "interface_study"
# Raise when the document's shape changes, and teach InterfaceStudyDocument to read the old one
# (tests/data keeps a stored document of every version that must still load).
STUDY_SCHEMA_VERSION = 2


class AnalysesSummary(BaseModel):
    """Headline of every analysis of a study; an analysis that did not run is None."""

    model_config = ConfigDict(extra="forbid")

    products: ProductsSummary | None = None
    diffusion: DiffusionSummary | None = None
    profiles: ProfileSummary | None = None
    thermo: ThermoSummary | None = None
    arrhenius: ArrheniusSummary | None = None

    def ran(self) -> list[str]:
        """Names of the analyses that ran."""
        return [name for name in type(self).model_fields if getattr(self, name) is not None]


#: Document and summary class of every job output a study summarises, by its name in the study.
SUMMARISED: dict[str, tuple[type[BaseModel], type[BaseModel]]] = {
    "build": (InterfaceBuildDocument, BuildSummary),
    "relax": (RelaxDocument, RelaxSummary),
    "md": (MDDocument, MDSummary),
    "products": (ProductsAnalysisDocument, ProductsSummary),
    "diffusion": (DiffusionAnalysisDocument, DiffusionSummary),
    "profiles": (ProfileResult, ProfileSummary),
    "thermo": (ThermoReferenceDocument, ThermoSummary),
    "arrhenius": (ArrheniusDocument, ArrheniusSummary),
}


def summarise(name: str, output: Any) -> BaseModel:
    """The summary of job output ``name``: its document's ``summary()``, or, for the fields of a
    document as a dict (a resolved reference, or a schema-1 study), the summary built from them."""
    document, summary = SUMMARISED[name]
    if isinstance(output, document):
        return output.summary()
    if isinstance(output, BaseModel):
        output = output.model_dump()
    fields = {k: v for k, v in output.items() if not k.startswith("@")}
    if hasattr(summary, "from_fields"):
        return summary.from_fields(fields)
    return summary.model_validate(fields)


class InterfaceStudyDocument(BaseModel):
    """One finished interface study: what was simulated, with what, and the headline results.

    Units: temperatures in K, lengths in Å, times in fs. Large arrays stay in the analysis jobs'
    documents in the ``data`` store; the typed summaries hold the headline numbers at fixed paths
    (``build.strain_pct``, ``md.simulated_time_ps``, ``analyses.products.observed_products``,
    ``analyses.products.interphase_thickness_A``, ``analyses.diffusion.regions[i].status``,
    ``analyses.profiles.potential_step_V``, ``analyses.thermo.window_lower_V``, ...).
    """

    doc_type: Literal["interface_study"] = STUDY_DOC_TYPE
    schema_version: int = Field(
        default=STUDY_SCHEMA_VERSION,
        description="Shape of this document; 1: untyped summaries (read and converted on load), 2: typed.",
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
    recipe: dict[str, Any] = Field(description="The validated recipe, as run (free-form: its own schema).")
    build: BuildSummary | None = None
    relax: RelaxSummary | None = None
    md: MDSummary | None = None
    analyses: AnalysesSummary = Field(default_factory=AnalysesSummary)

    @model_validator(mode="before")
    @classmethod
    def _read_schema_1(cls, data: Any) -> Any:
        """Schema 1 stored the job outputs' small fields as dicts: convert them to the summaries."""
        if not isinstance(data, dict):
            return data
        version = data.get("schema_version")
        if version is None:  # stored before the field existed, unless built here from typed summaries
            typed = any(isinstance(data.get(key), BaseModel) for key in ("build", "relax", "md", "analyses"))
            version = STUDY_SCHEMA_VERSION if typed else 1
        if version != 1:
            return data
        data = dict(data, schema_version=STUDY_SCHEMA_VERSION)
        for key in ("build", "relax", "md"):
            data[key] = summarise(key, data[key]) if data.get(key) else None
        data["analyses"] = AnalysesSummary(**{name: summarise(name, fields)
                                              for name, fields in (data.get("analyses") or {}).items() if fields})
        return data

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
    build: InterfaceBuildDocument | dict[str, Any],
    relax: RelaxDocument | dict[str, Any],
    md: MDDocument | dict[str, Any],
    analyses: dict[str, Any],
) -> InterfaceStudyDocument:
    """Collect the summaries of one study's job outputs into its :class:`InterfaceStudyDocument`."""
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
        schema_version=STUDY_SCHEMA_VERSION,
        recipe=recipe,
        build=summarise("build", build),
        relax=summarise("relax", relax),
        md=summarise("md", md),
        analyses=AnalysesSummary(**{name: summarise(name, output) for name, output in analyses.items()}),
    )
