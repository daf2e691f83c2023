"""What a submitted study is doing: flow and job states, queue ids, MD progress, failure reasons.

MD progress is read from the job's checkpoint (``<run_dir>/md-<job uuid>/checkpoint.npz``), the
same file a continuation or a resume starts from, so "steps done" is what survives a kill.
A failed job gets a one-line reason and whether rerunning can help (:func:`failure_reason`).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field

from interfaceflow.errors import HPCError
from interfaceflow.hpc.project import load_project, mask_credentials, project_spec
from interfaceflow.hpc.queue import job_controller

# jobflow-remote's words for a job whose process died before it wrote its response.
KILLED_MARKERS = ("likely killed", "was not present in the download folder",
                  "does not contain the response")


class MDProgress(BaseModel):
    """Progress of an MD job from its checkpoint."""

    steps_done: int
    total_steps: int
    ns_per_day: float | None = Field(description="Simulated ns per day of MD wall time so far.")
    checkpoint_path: str


class JobStatus(BaseModel):
    """One job of a submitted flow."""

    db_id: str
    uuid: str
    index: int = Field(description="jobflow index: > 1 for MD continuations and reruns.")
    name: str
    state: str
    worker: str
    queue_id: str | None = Field(description="Scheduler job id (Slurm/PBS), once submitted.")
    run_dir: str | None = Field(description="jobflow-remote folder of the job on the worker.")
    md: MDProgress | None = None
    reason: str | None = Field(default=None, description="One-line reason of a failure.")
    retryable: bool | None = Field(
        default=None, description="True when the job was killed (resume continues it)."
    )


class FlowStatus(BaseModel):
    """A submitted flow and its jobs."""

    flow_id: str
    name: str
    state: str
    project: str
    updated: datetime
    jobs: list[JobStatus]


def failure_reason(error: str | None) -> tuple[str, bool]:
    """(one-line reason, retryable) of a job's error text (a traceback or a runner message).

    Only a killed job is retryable: an exception raised by the job itself (bad input, a model
    missing on the node, a stability guard) would be raised again by a rerun.
    """
    text = mask_credentials(error or "unknown error")
    if any(marker in text for marker in KILLED_MARKERS):
        return ("killed before it finished (walltime, scancel or node failure); "
                "'interfaceflow resume' continues it from its checkpoint"), True
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in reversed(lines):
        match = re.match(r"^(?:[\w.]+\.)?(\w+(?:Error|Exception)): (.*)$", line)
        if match:
            name, message = match.groups()
            return f"{name}: {message}"[:400], False
    return (lines[-1] if lines else "unknown error")[:400], False


def md_progress(job_doc, run_dir: Path) -> MDProgress | None:
    """Progress of an MD job read from its checkpoint, or None before the first checkpoint."""
    from interfaceflow.md.checkpoint import read_checkpoint
    from interfaceflow.md.engine import CHECKPOINT_NAME
    from interfaceflow.workflows.md import InterfaceMDMaker

    job = job_doc.job
    if not isinstance(job.maker, InterfaceMDMaker):
        return None
    workdir = job.function_kwargs.get("workdir") or run_dir / (job.maker.run_name or f"md-{job.uuid}")
    path = Path(workdir) / CHECKPOINT_NAME
    if not path.is_file():
        return None
    settings = job.maker.settings
    checkpoint = read_checkpoint(path)
    simulated_ns = checkpoint.step * settings.timestep_fs * 1e-6
    rate = simulated_ns / checkpoint.elapsed_s * 86400 if checkpoint.elapsed_s > 0 else None
    return MDProgress(steps_done=checkpoint.step, total_steps=settings.steps, ns_per_day=rate,
                      checkpoint_path=str(path))


def _job_status(controller, info, run_dir: Path) -> JobStatus:
    status = JobStatus(
        db_id=info.db_id, uuid=info.uuid, index=info.index, name=info.name,
        state=info.state.value, worker=info.worker, queue_id=info.remote.process_id,
        run_dir=info.run_dir,
    )
    if info.state.value in ("FAILED", "REMOTE_ERROR"):
        status.reason, status.retryable = failure_reason(info.error or info.remote.error)
    if info.state.value not in ("WAITING", "COMPLETED"):
        job_doc = controller.get_job_doc(db_id=info.db_id)
        status.md = md_progress(job_doc, run_dir) if job_doc is not None else None
    return status


def flow_status(flow_id: str | None = None, project: str | None = None) -> list[FlowStatus]:
    """Status of one flow (``flow_id``: a flow uuid or a job's db id) or of every flow, newest first."""
    proj = load_project(project)
    run_dir = project_spec(proj).md_run_dir
    controller = job_controller(proj.name)
    flows = controller.get_flows_info(flow_ids=[flow_id] if flow_id else None,
                                      sort=[("updated_on", -1)])
    if flow_id and not flows:
        flows = controller.get_flows_info(db_ids=[flow_id])
    if flow_id and not flows:
        hint = ("its queue store is 'memory': only the process running 'submit --wait' sees it"
                if proj.queue.store.get("type") == "MemoryStore"
                else "list flows with 'interfaceflow status'")
        raise HPCError(f"no flow '{flow_id}' in project '{proj.name}'; {hint}")
    # Jobs are read on their own: the flow/job aggregation of jobflow-remote needs a MongoDB
    # server ($lookup), which the in-process 'memory' queue store does not provide.
    return [
        FlowStatus(
            flow_id=flow.flow_id, name=flow.name, state=flow.state.value, project=proj.name,
            updated=flow.updated_on,
            jobs=[_job_status(controller, info, run_dir)
                  for info in sorted(controller.get_jobs_info(flow_ids=[flow.flow_id]),
                                     key=lambda i: int(i.db_id))],
        )
        for flow in flows
    ]
