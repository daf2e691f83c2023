"""Stop a submitted flow, and continue what was killed or cancelled.

* :func:`cancel_flow` stops the flow through jobflow-remote: running and queued jobs are
  cancelled in the scheduler and marked ``USER_STOPPED``, the jobs that would follow them
  ``STOPPED``. Cancelling with ``scancel`` instead would only interrupt the MD, which then
  checkpoints and hands over to a continuation job: the flow would go on.
* :func:`resume_flow` continues a flow: a cancelled flow's stopped jobs become ready again, and a
  job that was killed (walltime, ``scancel -s KILL``, a node failure) is rerun in place. An MD job
  finds its checkpoint in its absolute work directory and continues from it, so no frame is lost
  or written twice. A job that failed on its own (bad input, missing model, tripped guard) is not
  rerun unless ``force`` is given: it would fail again.
"""

from __future__ import annotations

from pydantic import BaseModel

from interfaceflow.errors import HPCError
from interfaceflow.hpc.queue import job_controller
from interfaceflow.hpc.status import flow_status


class ResumeAction(BaseModel):
    """What :func:`resume_flow` did with one job."""

    db_id: str
    name: str
    action: str
    reason: str | None = None


def cancel_flow(flow_id: str, project: str | None = None) -> int:
    """Stop every running, queued and waiting job of ``flow_id``; return how many were stopped."""
    from jobflow_remote.jobs.state import RUNNING_STATES, JobState

    status = flow_status(flow_id, project)[0]
    controller = job_controller(project)
    stopped = controller.stop_jobs(flow_ids=[status.flow_id],
                                   states=[JobState.READY, *RUNNING_STATES], raise_on_error=False)
    return len(stopped) + controller.stop_jobflow(flow_uuid=status.flow_id)


def resume_flow(flow_id: str, project: str | None = None, force: bool = False) -> list[ResumeAction]:
    """Continue a cancelled flow and rerun its killed jobs (all failed jobs with ``force``)."""
    status = flow_status(flow_id, project)[0]
    controller = job_controller(project)
    actions: list[ResumeAction] = []
    if status.state in ("STOPPED", "PAUSED"):
        controller.resume_flow(flow_id=status.flow_id)
        actions.append(ResumeAction(db_id="-", name=status.name, action="resumed stopped jobs"))
    for job in status.jobs:
        if job.state not in ("FAILED", "REMOTE_ERROR"):
            continue
        if not (job.retryable or force):
            actions.append(ResumeAction(db_id=job.db_id, name=job.name, action="left failed",
                                        reason=job.reason))
            continue
        try:
            controller.rerun_job(db_id=job.db_id, delete_files=False, force=force)
        except ValueError as exc:
            raise HPCError(f"cannot rerun job {job.db_id} ({job.name}): {exc}") from None
        actions.append(ResumeAction(db_id=job.db_id, name=job.name, action="rerun",
                                    reason=job.reason))
    return actions
