"""Query finished interface studies from a job store.

>>> from interfaceflow import Results
>>> results = Results()                      # the default store (INTERFACEFLOW_STORE)
>>> for study in results.find(electrolyte="Li6PS5Cl", min_temperature_K=600, product="Li3P"):
...     print(study.study_id, study.model, study.analyses.products.interphase_thickness_A)
>>> table = results.to_dataframe(results.find(electrode="Li"))          # pandas, units in columns
>>> by_calculator = results.compare([id1, id2, id3], what="products")   # tidy table
>>> frames = results.get(id1).trajectory(slice(0, None, 10))            # ASE Atoms, read lazily

Queries run in the store on indexed fields of the study document (``output.*``); only the small
study documents are read, never the data-store blobs, unless asked for (``profiles()``, ``msd()``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jobflow import JobStore
from pydantic import PrivateAttr

from interfaceflow.errors import StoreError
from interfaceflow.store import check_store, get_job_store, store_errors
from interfaceflow.tables import CompareWhat, compare_dataframe, to_dataframe
from interfaceflow.workflows.summary import STUDY_DOC_TYPE, InterfaceStudyDocument

#: Study-document fields the store indexes (the query fields of :meth:`Results.find`).
INDEXED_FIELDS = (
    "output.doc_type", "output.study_id", "output.electrode", "output.electrolyte", "output.coating",
    "output.calculator", "output.model", "output.name", "output.temperature_K", "output.created",
    "output.analyses.products.classification",
)
#: Shortest id prefix :meth:`Results.get` accepts.
MIN_PREFIX = 6


class StoredStudy(InterfaceStudyDocument):
    """A study read from a store: the document plus its heavy data on demand."""

    _store: JobStore | None = PrivateAttr(default=None)

    def trajectory(self, index: int | slice = slice(None)):
        """MD frames as ASE ``Atoms`` (one for an int, a list for a slice), read from the H5MD file
        on demand; each carries ``arrays['region']`` when the file stores regions."""
        from interfaceflow.io.h5md import H5MDReader

        if self.md is None or not Path(self.md.trajectory_path).is_file():
            where = self.md.trajectory_path if self.md else "(no MD)"
            raise StoreError(f"trajectory {where} of study {self.study_id} is not on this machine; "
                             "copy the run directory here or open the file where it was run")
        with H5MDReader(self.md.trajectory_path) as reader:
            indices = range(len(reader))[index] if isinstance(index, slice) else [index]
            frames = [reader.atoms(i) for i in indices]
            if reader.regions is not None:
                for atoms in frames:
                    atoms.arrays["region"] = reader.regions.astype(str)
        return frames if isinstance(index, slice) else frames[0]

    def profiles(self) -> dict[str, Any]:
        """The profiles document with its per-bin arrays (``arrays``), from the data store."""
        return self._analysis_output({"output.potential_step_V": {"$exists": True}}, "profiles")

    def msd(self, region: str | None = None, direction: str = "xyz") -> dict[str, list[float]]:
        """``time_fs``, ``msd_A2``, ``msd_err_A2`` of one diffusion result, from the data store."""
        output = self._analysis_output({"output.doc_type": "diffusion_analysis"}, "diffusion")
        for result in output["results"]:
            if result.get("region") == region and result.get("direction") == direction:
                return result["arrays"]
        raise StoreError(f"study {self.study_id} has no diffusion result for region={region!r}, "
                         f"direction={direction!r}; see study.analyses.diffusion.regions")

    def _analysis_output(self, criteria: dict[str, Any], name: str) -> dict[str, Any]:
        if self._store is None:
            raise StoreError("this study was not read from a store; open it with Results(...).get(id)")
        with store_errors(self._store):
            doc = self._store.query_one({"hosts": self.study_id, **criteria}, properties=["output"],
                                        load=True)
        if doc is None:
            raise StoreError(f"study {self.study_id} has no {name} analysis; run it with '{name}' in analyses")
        return doc["output"]


class Results:
    """Finished interface studies in a job store, as typed study documents."""

    def __init__(
        self,
        store: JobStore | None = None,
        store_dir: str | Path | None = None,
        config: str | Path | None = None,
        project: str | None = None,
    ):
        """Open ``store``, else the embedded store ``store_dir``, else the spec file ``config``,
        else the job store of the jobflow-remote ``project`` (where submitted studies land),
        else the default store of the settings. The store must answer one query (a one-line
        :class:`StoreError` otherwise, within ``store_timeout_s`` for MongoDB); the query fields
        get indexes where the store can be written."""
        if store is None and project is not None:
            from interfaceflow.hpc.project import load_project

            store = load_project(project).get_jobstore()
        self.store = store if store is not None else get_job_store(store_dir, config)
        check_store(self.store)
        with store_errors(self.store):
            ensure_indexes(self.store)

    @staticmethod
    def criteria(
        electrode: str | None = None,
        electrolyte: str | None = None,
        coating: str | None = None,
        calculator: str | None = None,
        model: str | None = None,
        name: str | None = None,
        min_temperature_K: float | None = None,
        max_temperature_K: float | None = None,
        created_after: datetime | str | None = None,
        created_before: datetime | str | None = None,
        product: str | None = None,
        classification: str | None = None,
        criteria: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The store query of :meth:`find`'s filters (``criteria``: raw extra conditions on the job
        document, e.g. ``{"output.analyses.products.growth_law": "parabolic"}``)."""
        query: dict[str, Any] = {"output.doc_type": STUDY_DOC_TYPE}
        exact = {"electrode": electrode, "electrolyte": electrolyte, "coating": coating,
                 "calculator": calculator, "model": model, "name": name,
                 "analyses.products.classification": classification}
        query.update({f"output.{k}": v for k, v in exact.items() if v is not None})
        temperature = _range(min_temperature_K, max_temperature_K)
        if temperature:
            query["output.temperature_K"] = temperature
        created = _range(_as_datetime(created_after), _as_datetime(created_before))
        if created:
            query["output.created"] = created
        if product is not None:
            query[f"output.analyses.products.observed_products.{product}"] = {"$exists": True}
        query.update(criteria or {})
        return query

    def iter_find(self, limit: int | None = None, **filters: Any) -> Iterator[StoredStudy]:
        """Matching studies, newest first, parsed one at a time (filters as :meth:`criteria`)."""
        query = self.criteria(**filters)
        with store_errors(self.store):
            docs = self.store.query(query, properties=["output"], sort={"output.created": -1},
                                    limit=limit or 0, load=False)
            for doc in docs:
                yield self._study(doc["output"])

    def find(self, limit: int | None = None, **filters: Any) -> list[StoredStudy]:
        """Studies matching every given filter, newest first.

        Filters: ``electrode``, ``electrolyte``, ``coating``, ``calculator``, ``model``, ``name``
        (the recipe name), ``min_temperature_K``/``max_temperature_K``, ``created_after``/
        ``created_before`` (datetime or ISO date), ``product`` (an observed product phase, e.g.
        ``"Li3P"``), ``classification`` (passivating, MIEC, none), ``criteria`` (raw conditions).
        """
        return list(self.iter_find(limit=limit, **filters))

    def get(self, study_id: str) -> StoredStudy:
        """One study by id, or by a unique prefix of at least 6 characters (one indexed range query)."""
        if len(study_id) < MIN_PREFIX:
            raise StoreError(f"study id '{study_id}' is too short; give at least {MIN_PREFIX} characters "
                             "(list ids with 'interfaceflow results')")
        query = {"output.doc_type": STUDY_DOC_TYPE,
                 "output.study_id": {"$gte": study_id, "$lt": study_id + "\uffff"}}
        with store_errors(self.store):
            docs = list(self.store.query(query, properties=["output"], limit=2, load=False))
        if len(docs) != 1:
            problem = "no study" if not docs else "several studies"
            raise StoreError(f"{problem} with id '{study_id}' in the store; list ids with "
                             "'interfaceflow results' and pass a full id or a longer prefix")
        return self._study(docs[0]["output"])

    def to_dataframe(self, studies: list[InterfaceStudyDocument] | None = None, fields: list[str] | None = None):
        """One pandas row per study with its headline numbers (default: every study in the store)."""
        return to_dataframe(self.find() if studies is None else studies, fields)

    def compare(self, study_ids: list[str], what: CompareWhat = "products"):
        """A tidy pandas table of one analysis (products, diffusion, profiles, thermo) across studies."""
        return compare_dataframe([self.get(i) for i in study_ids], what)

    def incomplete(self) -> list:
        """Flows of interface studies that wrote job documents but no study document (killed,
        interrupted, or running in another process): see :mod:`interfaceflow.orphans`."""
        from interfaceflow.orphans import find_incomplete_flows

        return find_incomplete_flows(self.store)

    def _study(self, output: dict[str, Any]) -> StoredStudy:
        study = StoredStudy.model_validate({k: v for k, v in output.items() if not k.startswith("@")})
        study._store = self.store
        return study


def ensure_indexes(store: JobStore) -> None:
    """Index the query fields in the docs store (MongoDB, mongomock; a no-op where unsupported)."""
    for field in INDEXED_FIELDS:
        try:
            store.docs_store.ensure_index(field)
        except Exception:  # noqa: BLE001 - an index is an optimisation, never a reason to fail
            return


def _range(low: Any, high: Any) -> dict[str, Any]:
    bounds = {"$gte": low, "$lte": high}
    return {k: v for k, v in bounds.items() if v is not None}


def _as_datetime(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise StoreError(f"bad date {value!r}; use ISO format such as 2026-12-01") from exc
    if value.tzinfo is not None:  # the stores keep UTC without a zone
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value
