"""Submit an interface study (or any interfaceflow Flow) to a cluster through jobflow-remote.

:func:`submit_study` runs the same preflight as ``interfaceflow run`` (recipe, plugin, model
file, element coverage) on the submitting machine, builds the study Flow, places each job on the
GPU or CPU worker with its walltime (:mod:`interfaceflow.hpc.placement`), and adds the Flow to the
project's queue. Results land in the project's job store, where ``interfaceflow results`` and
:class:`~interfaceflow.results.Results` read them as after a local run.
"""

from __future__ import annotations

from pydantic import BaseModel

from interfaceflow.errors import HPCError
from interfaceflow.hpc.placement import apply_placements, place_jobs
from interfaceflow.hpc.project import EXEC_CONFIG_NAME, load_project, project_spec
from interfaceflow.hpc.queue import job_controller
from interfaceflow.hpc.settings import QueueSettings


class SubmittedJob(BaseModel):
    """One job as submitted."""

    db_id: str
    uuid: str
    name: str
    worker: str
    walltime_s: int


class Submission(BaseModel):
    """A flow added to a project's queue."""

    project: str
    flow_id: str
    name: str
    jobs: list[SubmittedJob]


def submit_flow(
    flow,
    project: str | None = None,
    queue: QueueSettings | None = None,
    worker: str | None = None,
    gpu_worker: str | None = None,
    cpu_worker: str | None = None,
) -> Submission:
    """Place every job of ``flow`` on a worker and add the Flow to ``project``'s queue."""
    proj = load_project(project)
    spec = project_spec(proj)
    placements = place_jobs(flow, spec, queue, workers=tuple(proj.workers), worker=worker,
                            gpu_worker=gpu_worker, cpu_worker=cpu_worker)
    check_local_schedulers(proj, {placement.worker for placement in placements.values()})
    apply_placements(flow, placements, EXEC_CONFIG_NAME)
    controller = job_controller(proj.name)
    try:
        db_ids = controller.add_flow(flow, worker=placements[flow.jobs[0].uuid].worker,
                                     exec_config=EXEC_CONFIG_NAME)
    except Exception as exc:
        raise HPCError(f"jobflow-remote did not accept the flow ({type(exc).__name__}: {exc})") from None
    jobs = [info for info in controller.get_jobs_info(db_ids=db_ids)]
    return Submission(
        project=proj.name, flow_id=flow.uuid, name=flow.name,
        jobs=[SubmittedJob(db_id=info.db_id, uuid=info.uuid, name=info.name, worker=info.worker,
                           walltime_s=placements[info.uuid].walltime_s)
              for info in sorted(jobs, key=lambda i: int(i.db_id))],
    )


#: A command that asks each scheduler's controller (not just its client) for an answer.
SCHEDULER_PROBES = {"slurm": "sinfo -h -o %P", "pbs": "qstat -B"}
#: The shell's exit code for a command that is not on the PATH.
COMMAND_NOT_FOUND = 127


def check_local_schedulers(project, workers: set[str], timeout_s: int = 20) -> None:
    """Fail in one line, before anything is queued, when a local worker's scheduler does not answer.

    The probe runs through the worker's own jobflow-remote host, as ``sbatch``/``qsub`` will.
    Workers on other hosts are reached over SSH by the runner; ``jf worker check`` tests them.
    """
    for name in sorted(workers):
        worker = project.workers[name]
        probe = SCHEDULER_PROBES.get(str(worker.scheduler_type))
        if worker.type != "local" or probe is None:
            continue
        fix = f"start it, or pick another worker (its workers: {', '.join(project.workers)})"
        try:
            _, stderr, code = worker.get_host().execute(probe, timeout=timeout_s)
        except Exception as exc:  # noqa: BLE001 - a timeout or an OS error, one line either way
            raise HPCError(f"the {worker.scheduler_type} scheduler of worker '{name}' did not answer "
                           f"'{probe}' ({type(exc).__name__}); {fix}") from None
        if code == COMMAND_NOT_FOUND:
            raise HPCError(f"worker '{name}' uses {worker.scheduler_type}, but '{probe.split()[0]}' is not "
                           f"on this machine's PATH; install the scheduler's client or {fix}")
        if code != 0:
            lines = [line for line in stderr.splitlines() if line.strip()] or ["no message"]
            raise HPCError(f"the {worker.scheduler_type} scheduler of worker '{name}' is not reachable "
                           f"('{probe}': {lines[-1].strip()[:160]}); {fix}")


def submit_study(
    recipe,
    project: str | None = None,
    worker: str | None = None,
    gpu_worker: str | None = None,
    cpu_worker: str | None = None,
) -> Submission:
    """Preflight ``recipe`` (a Recipe, a YAML path or a shipped name) here, then submit it."""
    from interfaceflow.workflows.interface import preflight, study_flow
    from interfaceflow.workflows.recipe import Recipe, load_recipe

    if not isinstance(recipe, Recipe):
        recipe = load_recipe(recipe)

    preflight(recipe)
    return submit_flow(study_flow(recipe), project=project, queue=recipe.hpc, worker=worker,
                       gpu_worker=gpu_worker, cpu_worker=cpu_worker)
