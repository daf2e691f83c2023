"""Cluster commands: hpc init, submit, status, cancel, resume (jobflow-remote underneath)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from interfaceflow.cli.app import app

console = Console()
hpc_app = typer.Typer(help="Set up cluster submission (jobflow-remote projects).",
                      no_args_is_help=True)
app.add_typer(hpc_app, name="hpc")

Project = Annotated[
    Optional[str],
    typer.Option("--project", "-p", help="jobflow-remote project (default: JFREMOTE_PROJECT or the only one)."),
]


@hpc_app.command("init")
def hpc_init(
    work_dir: Annotated[Path, typer.Option(help="Absolute folder on the cluster for job folders.")],
    scheduler: Annotated[str, typer.Option(help="slurm or pbs.")] = "slurm",
    host: Annotated[str, typer.Option(help="'local' (run on this machine) or the login node (SSH).")] = "local",
    user: Annotated[Optional[str], typer.Option(help="SSH user for a remote host.")] = None,
    name: Annotated[str, typer.Option(help="Project name.")] = "interfaceflow",
    python_env: Annotated[
        Optional[Path], typer.Option(help="Virtualenv with interfaceflow on the nodes (default: this one).")
    ] = None,
    module: Annotated[Optional[list[str]], typer.Option(help="Module to load in each job (repeatable).")] = None,
    run_dir: Annotated[
        Optional[Path], typer.Option(help="MD work directories (default <work-dir>/interfaceflow-runs).")
    ] = None,
    queue_store: Annotated[
        str, typer.Option(help="mongodb://user:pw@host/db for a runner daemon, or 'memory' (submit --wait).")
    ] = "memory",
    job_store: Annotated[
        Optional[Path], typer.Option(help="Embedded job store folder for results (default INTERFACEFLOW_STORE).")
    ] = None,
    gpu_partition: Annotated[Optional[str], typer.Option(help="Partition/queue of MD and relax jobs.")] = None,
    cpu_partition: Annotated[Optional[str], typer.Option(help="Partition/queue of the other jobs.")] = None,
    account: Annotated[Optional[str], typer.Option(help="Account charged for every job.")] = None,
    gpus_per_job: Annotated[int, typer.Option(help="GPUs per MD/relax job; 0 runs everything on CPUs.")] = 1,
    gpu_cpus: Annotated[int, typer.Option(help="CPU threads of a GPU job.")] = 4,
    cpu_cpus: Annotated[int, typer.Option(help="CPU threads of a CPU job.")] = 1,
    gpu_walltime_s: Annotated[int, typer.Option(help="Default walltime of MD/relax jobs (s).")] = 24 * 3600,
    cpu_walltime_s: Annotated[int, typer.Option(help="Default walltime of CPU jobs (s).")] = 4 * 3600,
    poll_s: Annotated[int, typer.Option(help="How often the runner polls the scheduler (s).")] = 30,
    force: Annotated[bool, typer.Option(help="Replace an existing project file.")] = False,
) -> None:
    """Write a jobflow-remote project for a Slurm or PBS cluster (workers gpu and cpu)."""
    from pydantic import ValidationError

    from interfaceflow.errors import HPCError
    from interfaceflow.hpc.project import HPCProjectSpec, ResourceProfile, mask_credentials, write_project
    from interfaceflow.workflows.recipe import describe_validation_error

    try:
        gpu = ResourceProfile(partition=gpu_partition, account=account, gpus_per_job=gpus_per_job,
                              cpus_per_job=gpu_cpus, walltime_s=gpu_walltime_s)
        spec = HPCProjectSpec(
            name=name, scheduler=scheduler, host=host, user=user, work_dir=work_dir.expanduser(),
            run_dir=run_dir, python_env=(python_env or Path(sys.prefix)).expanduser(),
            modules=module or [], queue_store=queue_store,
            **({"job_store_dir": job_store.expanduser().resolve()} if job_store else {}),
            gpu=gpu if gpus_per_job > 0 else None,
            cpu=ResourceProfile(partition=cpu_partition, account=account, cpus_per_job=cpu_cpus,
                                walltime_s=cpu_walltime_s),
            poll_s=poll_s,
        )
    except ValidationError as exc:
        raise HPCError(f"hpc init: {mask_credentials(describe_validation_error(exc))}") from None
    path = write_project(spec, overwrite=force)
    console.print(f"wrote project [bold]{spec.name}[/] to {path}")
    console.print(f"  scheduler {spec.scheduler} on {spec.host}; workers: "
                  + ", ".join(f"{w} ({'GPU: MD, relax' if w == 'gpu' else 'build, thermo, analyses'})"
                              for w in (["gpu", "cpu"] if spec.gpu else ["cpu"])))
    console.print(f"  results land in {spec.job_store_dir}; MD work directories in {spec.md_run_dir}")
    console.print(f"  queue store: {mask_credentials(spec.queue_store)}"
                  + (" (in-process: use 'interfaceflow submit --wait')" if spec.queue_store == "memory" else ""))
    console.print(f"  check it with: jf -p {spec.name} project check --errors")


@app.command()
def submit(
    recipe: Annotated[str, typer.Argument(help="Recipe YAML path, or the name of a shipped recipe.")],
    project: Project = None,
    worker: Annotated[Optional[str], typer.Option(help="Run every job on this worker.")] = None,
    gpu_worker: Annotated[Optional[str], typer.Option(help="Worker of MD and relax jobs.")] = None,
    cpu_worker: Annotated[Optional[str], typer.Option(help="Worker of the other jobs.")] = None,
    set_: Annotated[
        Optional[list[str]],
        typer.Option("--set", help="Override a recipe value: --set md.steps=500 (repeatable)."),
    ] = None,
    wait: Annotated[bool, typer.Option(help="Run the jobflow-remote runner here until the flow ends.")] = False,
    timeout_s: Annotated[Optional[float], typer.Option(help="Give up waiting after this long (s).")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the submission as JSON.")] = False,
) -> None:
    """Submit the study Flow of RECIPE to a cluster through jobflow-remote."""
    from interfaceflow.errors import HPCError
    from interfaceflow.hpc.queue import queue_is_in_process, run_until_finished
    from interfaceflow.hpc.submit import submit_study
    from interfaceflow.workflows.recipe import load_recipe

    parsed = load_recipe(recipe, overrides=set_ or [])
    if not wait and queue_is_in_process(project):
        raise HPCError(
            "this project's queue store is 'memory', which lives only in this process; add --wait, "
            "or give the project a MongoDB queue store (interfaceflow hpc init --queue-store mongodb://...)"
        )
    submission = submit_study(parsed, project=project, worker=worker, gpu_worker=gpu_worker,
                              cpu_worker=cpu_worker)
    if json_output:
        typer.echo(submission.model_dump_json(indent=2))
    else:
        console.print(f"submitted flow [bold]{submission.flow_id}[/] ({submission.name}) to project "
                      f"{submission.project}")
        table = Table()
        for column in ("db id", "job", "worker", "walltime"):
            table.add_column(column)
        for job in submission.jobs:
            table.add_row(job.db_id, job.name, job.worker, _hours(job.walltime_s))
        console.print(table)
    if wait:
        seen: dict[str, str] = {}

        def report() -> None:
            """Print each job line when it changes (state, queue id, MD progress)."""
            from interfaceflow.hpc.status import flow_status

            jobs = flow_status(submission.flow_id, project)[0].jobs
            for job, line in zip(jobs, _flow_lines_jobs(jobs)):
                if seen.get(job.db_id) != line and not json_output:
                    console.print(line, highlight=False)
                seen[job.db_id] = line

        run_until_finished(submission.flow_id, project, timeout_s=timeout_s, on_poll=report)
        state = _flow_state(submission.flow_id, project)
        console.print(f"flow {submission.flow_id} {state}")
        if state != "COMPLETED":
            raise typer.Exit(1)


@app.command()
def status(
    flow_id: Annotated[Optional[str], typer.Argument(help="Flow uuid (or a job's db id); all flows if omitted.")] = None,
    project: Project = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Flow and job states, queue ids, workers, MD progress and failure reasons."""
    from interfaceflow.hpc.status import flow_status

    flows = flow_status(flow_id, project)
    if json_output:
        typer.echo(json.dumps([f.model_dump(mode="json") for f in flows], indent=2))
        return
    if not flows:
        console.print("no flows in this project's queue (a 'memory' queue is seen only by the "
                      "process running 'submit --wait')")
    for flow in flows:
        console.print(*_flow_lines(flow), sep="\n", highlight=False)


@app.command()
def cancel(
    flow_id: Annotated[str, typer.Argument(help="Flow uuid (or a job's db id).")],
    project: Project = None,
) -> None:
    """Stop a flow: cancel its queued and running jobs and everything that would follow them."""
    from interfaceflow.hpc.control import cancel_flow

    console.print(f"stopped {cancel_flow(flow_id, project)} jobs of flow {flow_id}")


@app.command()
def resume(
    flow_id: Annotated[str, typer.Argument(help="Flow uuid (or a job's db id).")],
    project: Project = None,
    force: Annotated[bool, typer.Option(help="Rerun jobs that failed on their own too.")] = False,
    wait: Annotated[bool, typer.Option(help="Run the runner here until the flow ends.")] = False,
    timeout_s: Annotated[Optional[float], typer.Option(help="Give up waiting after this long (s).")] = None,
) -> None:
    """Continue a cancelled flow and rerun its killed jobs from their checkpoints."""
    from interfaceflow.hpc.control import resume_flow
    from interfaceflow.hpc.queue import run_until_finished

    actions = resume_flow(flow_id, project, force=force)
    for action in actions:
        console.print(f"  {action.db_id} {action.name}: {action.action}"
                      + (f" ({action.reason})" if action.reason else ""))
    if not actions:
        console.print(f"nothing to resume in flow {flow_id}")
    if wait:
        run_until_finished(flow_id, project, timeout_s=timeout_s)
        console.print(f"flow {flow_id} {_flow_state(flow_id, project)}")


def _flow_state(flow_id: str, project: str | None) -> str:
    from interfaceflow.hpc.status import flow_status

    return flow_status(flow_id, project)[0].state


def _flow_lines(flow) -> list[str]:
    header = f"flow {flow.flow_id} {flow.name}: {flow.state} (project {flow.project})"
    return [header, *_flow_lines_jobs(flow.jobs)]


def _flow_lines_jobs(jobs) -> list[str]:
    lines = []
    for job in jobs:
        line = (f"  {job.db_id:>4} {job.name:<28} {job.state:<13} worker {job.worker:<5} "
                f"queue id {job.queue_id or '-'}")
        if job.md is not None:
            rate = f", {job.md.ns_per_day:.3g} ns/day" if job.md.ns_per_day else ""
            line += f"  MD {job.md.steps_done}/{job.md.total_steps} steps{rate}"
        if job.reason:
            line += f"\n       reason: {job.reason}"
        lines.append(line)
    return lines


def _hours(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
