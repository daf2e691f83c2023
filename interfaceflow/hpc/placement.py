"""Which worker runs each job of a Flow, with what resources and walltime (s).

MD and relaxation jobs (the MLIP-heavy ones) go to the GPU worker; build, thermodynamic
references, analyses and the summary go to the CPU worker. An MD job's walltime follows its
chunking (see :class:`~interfaceflow.hpc.settings.QueueSettings`); when the recipe does not chunk,
the MD is told to stop at a checkpoint ``startup_margin_s`` before the walltime, so it hands over
to a continuation job instead of being killed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from jobflow import Flow, Job

from interfaceflow.errors import HPCError
from interfaceflow.hpc.project import HPCProjectSpec, qresources
from interfaceflow.hpc.settings import QueueSettings
from interfaceflow.md.settings import MDSettings
from interfaceflow.workflows.md import InterfaceMDMaker, InterfaceRelaxMaker

JobKind = Literal["gpu", "cpu"]


@dataclass(frozen=True)
class Placement:
    """Where one job runs and what it asks the scheduler for."""

    worker: str
    kind: JobKind
    walltime_s: int
    resources: Any  # qtoolkit QResources


def job_kind(job: Job) -> JobKind:
    """``gpu`` for MD and relaxation jobs, ``cpu`` for everything else."""
    return "gpu" if isinstance(job.maker, (InterfaceMDMaker, InterfaceRelaxMaker)) else "cpu"


def md_walltime_s(settings: MDSettings, queue: QueueSettings, default_s: int) -> int:
    """Walltime of one MD job: explicit, else the chunk's walltime plus the start-up margin."""
    if queue.md_walltime_s is not None:
        return queue.md_walltime_s
    if settings.chunk_walltime_s is not None:
        return int(settings.chunk_walltime_s + queue.startup_margin_s)
    return default_s


def chunk_md_to_walltime(maker: InterfaceMDMaker, walltime_s: int, queue: QueueSettings) -> None:
    """Make an unchunked MD stop at a checkpoint ``startup_margin_s`` before ``walltime_s``."""
    settings = maker.settings
    if settings.chunk_walltime_s is not None or settings.chunk_steps is not None:
        return
    budget_s = walltime_s - queue.startup_margin_s
    if budget_s >= queue.startup_margin_s:
        maker.settings = settings.model_copy(update={"chunk_walltime_s": float(budget_s)})


def place_jobs(
    flow: Flow,
    spec: HPCProjectSpec,
    queue: QueueSettings | None = None,
    workers: tuple[str, ...] = (),
    worker: str | None = None,
    gpu_worker: str | None = None,
    cpu_worker: str | None = None,
) -> dict[str, Placement]:
    """A :class:`Placement` per job uuid of ``flow`` (nested flows included).

    Worker choice: ``worker`` (everything) > ``gpu_worker``/``cpu_worker`` > the recipe's
    ``hpc`` section > the project's ``gpu``/``cpu`` workers. ``workers`` are the project's
    worker names, to reject an unknown one before anything is submitted.
    """
    queue = queue or QueueSettings()
    chosen = {
        "gpu": worker or gpu_worker or queue.gpu_worker or spec.gpu_worker,
        "cpu": worker or cpu_worker or queue.cpu_worker or "cpu",
    }
    for name in set(chosen.values()):
        if workers and name not in workers:
            raise HPCError(
                f"worker '{name}' is not in project '{spec.name}'; its workers are "
                f"{', '.join(workers)} (set --worker/--gpu-worker/--cpu-worker or the recipe's hpc section)"
            )
    placements: dict[str, Placement] = {}
    for job, _ in flow.iterflow():
        kind = job_kind(job)
        profile = spec.profile("gpu" if kind == "gpu" else "cpu")
        if isinstance(job.maker, InterfaceMDMaker):
            walltime = md_walltime_s(job.maker.settings, queue, profile.walltime_s)
            chunk_md_to_walltime(job.maker, walltime, queue)
        elif kind == "gpu":
            walltime = queue.md_walltime_s or profile.walltime_s
        else:
            walltime = queue.cpu_walltime_s or profile.walltime_s
        placements[job.uuid] = Placement(
            worker=chosen[kind], kind=kind, walltime_s=int(walltime),
            resources=qresources(spec, profile, walltime),
        )
    return placements


def apply_placements(flow: Flow, placements: dict[str, Placement], exec_config: str) -> None:
    """Write each placement into its job's jobflow-remote run config (kept by MD continuations)."""
    from jobflow_remote import set_run_config

    for job, _ in flow.iterflow():
        placement = placements[job.uuid]
        set_run_config(job, worker=placement.worker, resources=placement.resources,
                       exec_config=exec_config, dynamic=True)
