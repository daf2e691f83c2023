"""Incomplete studies in a store: Flows that wrote job documents but no study document.

A local ``interfaceflow run`` that is killed before its summary job leaves the documents of its
finished jobs behind; one that is interrupted (SIGINT/SIGTERM) removes them but keeps its run
record for ``interfaceflow run --resume``. Both are listed here: every Flow with job documents and
no study document, and every run record of this store. Each is, by its run record
(:mod:`interfaceflow.run_registry`):

* ``running-elsewhere``: its record names a process that still runs (or runs on another host):
  never touched;
* ``interrupted``: stopped by SIGINT/SIGTERM and checkpointed: resumable, kept by default;
* ``killed``: its record names a process that is gone without a word (SIGKILL, power loss): dead,
  removed by :func:`clean_incomplete_flows` (``interfaceflow clean``);
* ``unrecorded``: no run record here: a run recorded under another ``run_dir``, or a cluster run
  (jobflow-remote writes the same documents and keeps no local record) that may still be going:
  removed only when asked (``clean --include-unrecorded``).

>>> for flow in find_incomplete_flows(store):
...     print(flow.flow_uuid, flow.state, flow.n_job_docs)
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from jobflow import JobStore
from pydantic import BaseModel, Field

from interfaceflow import run_registry
from interfaceflow.store import remove_flow_outputs, store_errors

#: ``output.doc_type`` of a study document (:data:`interfaceflow.workflows.summary.STUDY_DOC_TYPE`,
#: repeated here so that ``interfaceflow clean`` does not import the science stack).
STUDY_DOC_TYPE = "interface_study"

FlowState = Literal["interrupted", "killed", "running-elsewhere", "unrecorded"]

#: ``output.doc_type`` of the job documents of an interface study (its build, relax, MD, analyses).
STUDY_JOB_DOC_TYPES = frozenset({
    "interface_build", "interface_relax", "interface_md", "thermo_reference", "products_analysis",
    "diffusion_analysis", "arrhenius_analysis", "diffusion", "arrhenius",
})
#: Job names of an interface study (documents whose output has no ``doc_type``).
STUDY_JOB_NAMES = frozenset({
    "build interface", "interface relax", "interface md", "thermodynamic reference",
    "interphase products", "space-charge profiles", "diffusion", "arrhenius",
})
#: Fields read from each job document (never its output).
_FIELDS = ["uuid", "hosts", "name", "completed_at", "output.doc_type"]


class IncompleteFlow(BaseModel):
    """The job documents of one Flow without a study document, and what became of its run."""

    flow_uuid: str
    name: str | None = Field(None, description="Recipe name, from the run record (None: no record).")
    n_job_docs: int
    n_data_docs: int = Field(0, description="Documents of the additional (data) stores.")
    last_write: str | None = Field(None, description="Latest completed_at of its jobs, ISO 8601 UTC.")
    state: FlowState
    jobs: list[str] = Field(default_factory=list, description="Names of the jobs that finished.")
    job_uuids: list[str] = Field(default_factory=list)
    has_record: bool = Field(False, description="A run record exists (the run can be resumed).")

    def row(self) -> dict[str, object]:
        """The columns ``interfaceflow results --incomplete`` prints."""
        return {"flow": self.flow_uuid, "name": self.name, "job_docs": self.n_job_docs,
                "data_docs": self.n_data_docs, "last_write": self.last_write, "state": self.state}


def flow_state(record: run_registry.RunRecord | None) -> FlowState:
    """The state of an incomplete Flow given its run record (None: no record)."""
    if record is None:
        return "unrecorded"
    if record.status == "interrupted":
        return "interrupted"
    return "running-elsewhere" if record.alive else "killed"


def find_incomplete_flows(store: JobStore, store_label: str | None = None) -> list[IncompleteFlow]:
    """Flows of interface studies in ``store`` with job documents but no study document, and the
    runs recorded for this store (``store_label``, see :func:`~interfaceflow.store.store_label`)
    that left none, oldest first. Other Flows without a study document (profile comparisons) are
    left out."""
    records = {record.flow_uuid: record for record in run_registry.list_records()}
    with store_errors(store):
        store.connect()
        docs_store = store.docs_store
        finished = docs_store.distinct("output.study_id", {"output.doc_type": STUDY_DOC_TYPE})
        docs = docs_store.query({"hosts": {"$nin": sorted(finished)}}, properties=_FIELDS)
        groups: dict[str, list[dict]] = {}
        for doc in docs:
            hosts = doc.get("hosts") or []
            if hosts:
                groups.setdefault(hosts[-1], []).append(doc)  # the outermost Flow
        flows = [_incomplete(uuid, group, records.get(uuid)) for uuid, group in groups.items()
                 if uuid in records or any(_is_study_job(doc) for doc in group)]
        for flow in flows:
            flow.n_data_docs = _count_data_docs(store, flow.job_uuids)
    flows += [_incomplete(uuid, [], record) for uuid, record in records.items()
              if uuid not in groups and uuid not in finished and store_label
              and _same_store(record.store, store_label)]
    return sorted(flows, key=lambda f: f.last_write or "")


def _same_store(recorded: str, label: str) -> bool:
    if not recorded:
        return False
    return Path(recorded).expanduser().resolve() == Path(label).expanduser().resolve()


def _is_study_job(doc: dict) -> bool:
    doc_type = (doc.get("output") or {}).get("doc_type")
    return doc_type in STUDY_JOB_DOC_TYPES or doc.get("name") in STUDY_JOB_NAMES


def _incomplete(flow_uuid: str, docs: list[dict], record: run_registry.RunRecord | None) -> IncompleteFlow:
    written = [str(doc["completed_at"]) for doc in docs if doc.get("completed_at")]
    if not written and record is not None:
        written = [record.started]
    return IncompleteFlow(
        flow_uuid=flow_uuid, name=record.name if record else None, n_job_docs=len(docs),
        last_write=max(written) if written else None, state=flow_state(record),
        has_record=record is not None,
        jobs=[str(doc.get("name")) for doc in docs],
        job_uuids=sorted({doc["uuid"] for doc in docs if doc.get("uuid")}),
    )


def _count_data_docs(store: JobStore, job_uuids: list[str]) -> int:
    return sum(additional.count({"job_uuid": {"$in": job_uuids}})
               for additional in store.additional_stores.values())


def removable(flows: list[IncompleteFlow], include_interrupted: bool = False,
              include_unrecorded: bool = False) -> list[IncompleteFlow]:
    """The flows :func:`clean_incomplete_flows` removes: killed ones (and interrupted or unrecorded
    ones if asked)."""
    states = {"killed"} | ({"interrupted"} if include_interrupted else set()) | (
        {"unrecorded"} if include_unrecorded else set())
    return [flow for flow in flows if flow.state in states]


def clean_incomplete_flows(store: JobStore, flows: list[IncompleteFlow]) -> list[IncompleteFlow]:
    """Remove the documents (job and data) and the run records of ``flows``; returns those removed.

    A Flow whose run record shows a live process by now (a resume started meanwhile) is skipped.
    Store failures raise a one-line :class:`~interfaceflow.errors.StoreError`.
    """
    removed = []
    for flow in flows:
        record = run_registry.read_record(flow.flow_uuid)
        if flow_state(record) == "running-elsewhere":
            continue
        if flow.n_job_docs:
            remove_flow_outputs(store, flow.flow_uuid, strict=True)
        if record is not None:
            run_registry.remove_record(flow.flow_uuid)
        removed.append(flow)
    return removed
