"""Query finished interface studies from a job store.

>>> from interfaceflow.results import Results
>>> results = Results()                      # the default store (INTERFACEFLOW_STORE)
>>> for study in results.find(electrolyte="Li6PS5Cl"):
...     print(study.study_id, study.model, study.analyses.products.observed_products)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jobflow import JobStore

from interfaceflow.errors import StoreError
from interfaceflow.store import get_job_store
from interfaceflow.workflows.summary import STUDY_DOC_TYPE, InterfaceStudyDocument


class Results:
    """Finished interface studies in a job store, as typed :class:`InterfaceStudyDocument` objects."""

    def __init__(
        self,
        store: JobStore | None = None,
        store_dir: str | Path | None = None,
        config: str | Path | None = None,
        project: str | None = None,
    ):
        """Open ``store``, else the embedded store ``store_dir``, else the spec file ``config``,
        else the job store of the jobflow-remote ``project`` (where submitted studies land),
        else the default store of the settings."""
        if store is None and project is not None:
            from interfaceflow.hpc.project import load_project

            store = load_project(project).get_jobstore()
        self.store = store if store is not None else get_job_store(store_dir, config)
        self.store.connect()

    def find(
        self,
        electrode: str | None = None,
        electrolyte: str | None = None,
        calculator: str | None = None,
        model: str | None = None,
        name: str | None = None,
    ) -> list[InterfaceStudyDocument]:
        """Studies matching every given filter, newest first."""
        criteria: dict[str, Any] = {"output.doc_type": STUDY_DOC_TYPE}
        filters = {"electrode": electrode, "electrolyte": electrolyte, "calculator": calculator,
                   "model": model, "name": name}
        criteria.update({f"output.{k}": v for k, v in filters.items() if v is not None})
        docs = self.store.query(criteria, properties=["output"], load=True)
        studies = [InterfaceStudyDocument(**doc["output"]) for doc in docs]
        return sorted(studies, key=lambda s: s.created, reverse=True)

    def get(self, study_id: str) -> InterfaceStudyDocument:
        """One study by id (a unique prefix of at least 6 characters is enough)."""
        matches = [s for s in self.find() if s.study_id.startswith(study_id)] if len(study_id) >= 6 else []
        if len(matches) != 1:
            problem = "no study" if not matches else f"{len(matches)} studies"
            raise StoreError(
                f"{problem} with id '{study_id}' in the store; list ids with 'interfaceflow results' "
                "and pass a full id or a unique prefix of 6+ characters"
            )
        return matches[0]
