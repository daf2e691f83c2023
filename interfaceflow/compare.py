"""Compare finished studies: several side by side (:func:`compare_table`), and the space-charge
profiles of two (e.g. uncoated vs LiNbO3-coated, :func:`compare_studies`).

The profile comparison runs as a jobflow job into the same store, so the resulting
:class:`~interfaceflow.analysis.profiles.ProfileComparison` document is stored next to the studies
it compares, with both study ids.
"""

from __future__ import annotations

import json
from typing import Any

from jobflow import JobStore, run_locally
from pydantic import BaseModel, Field

from interfaceflow.errors import StoreError
from interfaceflow.results import Results
from interfaceflow.workflows.summary import InterfaceStudyDocument


def stored_profiles(store: JobStore, study_id: str) -> dict[str, Any]:
    """The full profiles document (arrays loaded from the data store) of a stored study."""
    store.connect()
    doc = store.query_one(
        {"hosts": study_id, "output.potential_step_V": {"$exists": True}},
        properties=["output"],
        load=True,
    )
    if doc is None:
        raise StoreError(
            f"study {study_id} has no space-charge profiles; run it with 'profiles' in analyses"
        )
    return doc["output"]


def compare_studies(study_a: str, study_b: str, store: JobStore | None = None) -> dict[str, Any]:
    """Compare the profiles of studies ``a`` (reference) and ``b``; store and return the result."""
    from interfaceflow.workflows.profiles import compare_profiles_job

    results = Results(store=store)
    a, b = results.get(study_a), results.get(study_b)
    job = compare_profiles_job(stored_profiles(results.store, a.study_id),
                               stored_profiles(results.store, b.study_id))
    job.name = f"compare profiles {a.name} vs {b.name}"
    job.metadata.update({"study_a": a.study_id, "study_b": b.study_id})
    responses = run_locally(job, store=results.store, log=False, raise_immediately=True)
    comparison = responses[job.uuid][1].output
    output = comparison.model_dump(mode="json") if hasattr(comparison, "model_dump") else dict(comparison)
    return {"study_a": a.study_id, "name_a": a.name, "study_b": b.study_id, "name_b": b.name, **output}


#: MD settings that must agree for studies to be compared side by side.
SCHEDULE_KEYS = ("ensemble", "temperature_K", "timestep_fs", "steps", "heat_from_K", "heat_steps",
                 "traj_interval")


class StudyRow(BaseModel):
    """One study of a side-by-side comparison (lengths Å, times ps, energies eV, rates per ns)."""

    study_id: str
    name: str
    interface: str
    calculator: str = Field(description="plugin/model.")
    temperature_K: float
    simulated_time_ps: float | None = None
    n_atoms: int | None = None
    area_A2: float | None = None
    window_V: list[float | None] | None = Field(None, description="Predicted stability window, V vs Li/Li⁺.")
    predicted_products: list[str] = Field(default_factory=list)
    observed_products: list[str] = Field(default_factory=list)
    consumed_fu_per_nm2: float | None = Field(None, description="Reaction extent at the end of the MD.")
    consumed_fraction: float | None = None
    consumption_fu_per_nm2_per_ps: float | None = None
    interphase_thickness_A: float | None = None
    growth_law: str | None = None
    growth_rate: str | None = Field(None, description="Rate with its unit.")
    classification: str | None = None
    potential_step_V: float | None = None

    @classmethod
    def from_study(cls, study: InterfaceStudyDocument) -> StudyRow:
        """The comparison row of one study document."""
        products, thermo, profiles = study.analyses.products, study.analyses.thermo, study.analyses.profiles
        sides = [s for s in (study.electrode, study.coating, study.electrolyte) if s]
        row = cls(
            study_id=study.study_id, name=study.name, interface=" | ".join(sides),
            calculator=f"{study.calculator}/{study.model}", temperature_K=study.temperature_K,
            simulated_time_ps=study.md.simulated_time_ps if study.md else None,
            n_atoms=study.build.n_atoms if study.build else None,
            area_A2=study.build.area_A2 if study.build else None,
            potential_step_V=profiles.potential_step_V if profiles else None,
        )
        if thermo is not None:
            row.window_V = [thermo.window_lower_V, thermo.window_upper_V]
            row.predicted_products = sorted(thermo.predicted_products)
        if products is not None:
            row.observed_products = sorted(products.observed_products)
            row.consumed_fu_per_nm2 = products.consumed_fu_per_nm2
            row.consumed_fraction = products.consumed_fraction
            row.consumption_fu_per_nm2_per_ps = products.consumption_fu_per_nm2_per_ps
            row.interphase_thickness_A = products.interphase_thickness_A
            row.growth_law = products.growth_law
            if products.growth_rate is not None:
                row.growth_rate = f"{products.growth_rate:.3g} {products.growth_rate_unit or ''}".strip()
            row.classification = products.classification
        return row


class StudyComparison(BaseModel):
    """Studies side by side, with the MD settings in which they differ (none: same schedule)."""

    rows: list[StudyRow]
    schedule_differences: dict[str, list[Any]] = Field(
        default_factory=dict, description="MD setting → value per study, for settings that differ."
    )

    @property
    def same_schedule(self) -> bool:
        """True when every study ran the same MD schedule."""
        return not self.schedule_differences


def schedule_differences(studies: list[InterfaceStudyDocument]) -> dict[str, list[Any]]:
    """The MD settings (of :data:`SCHEDULE_KEYS`) whose values differ between ``studies``."""
    values = {key: [s.recipe.get("md", {}).get(key) for s in studies] for key in SCHEDULE_KEYS}
    return {key: v for key, v in values.items() if len({json.dumps(x) for x in v}) > 1}


def compare_table(study_ids: list[str], store: JobStore | None = None) -> StudyComparison:
    """Reaction extent, interphase thickness, growth law, window and potential step of several
    studies side by side (ids or unique prefixes)."""
    if len(study_ids) < 2:
        raise StoreError("compare needs two or more study ids; list them with 'interfaceflow results'")
    results = Results(store=store)
    studies = [results.get(study_id) for study_id in study_ids]
    return StudyComparison(rows=[StudyRow.from_study(s) for s in studies],
                           schedule_differences=schedule_differences(studies))
