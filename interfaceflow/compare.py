"""Compare the space-charge profiles of two finished studies (e.g. uncoated vs LiNbO3-coated).

The comparison runs as a jobflow job into the same store, so the resulting
:class:`~interfaceflow.analysis.profiles.ProfileComparison` document is stored next to the studies
it compares, with both study ids.
"""

from __future__ import annotations

from typing import Any

from jobflow import JobStore, run_locally

from interfaceflow.errors import StoreError
from interfaceflow.results import Results


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
