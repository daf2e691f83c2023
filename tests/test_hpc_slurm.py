"""Studies on a real Slurm: submit, status with queue ids, walltime kills, resume, cancel, failures.

Every test submits through jobflow-remote (queue store in this process, runner driven here) to
the one-node Slurm started by the ``local_slurm`` fixture; each job is a real ``sbatch`` job
that runs ``jf execution run`` with the real MLIP (SevenNet-0, CPU).
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli_helpers import run_cli

pytestmark = pytest.mark.slurm

PROJECT = "slurmtest"
TOY = ["max_atoms=110", "relax.steps=5", "md.steps=40", "md.heat_steps=0", "md.heat_from_K=null",
       "md.traj_interval=2", "md.checkpoint_interval=10", "calculator.device=cpu", "thermo.steps=3"]


@pytest.fixture
def project(local_slurm, jf_projects, tmp_path):
    """``interfaceflow hpc init`` for the local Slurm (one CPU per job, the fake GPU for MD)."""
    proc = run_cli(
        "hpc", "init", "--work-dir", str(tmp_path / "cluster"), "--name", PROJECT, "--poll-s", "2",
        "--gpu-cpus", "1", "--job-store", str(tmp_path / "store"),
        env_extra={"JFREMOTE_PROJECTS_FOLDER": str(jf_projects)},
    )
    assert proc.returncode == 0, proc.stderr
    return tmp_path


def cli(*args: str):
    """The interfaceflow CLI in this process (it shares the in-process queue with the runner)."""
    from interfaceflow.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def status(flow_id: str) -> dict:
    return json.loads(cli("status", flow_id, "--project", PROJECT, "--json"))[0]


def squeue_state(queue_id: str) -> str:
    out = subprocess.run(["squeue", "-h", "-j", queue_id, "-o", "%T"], capture_output=True, text=True)
    return out.stdout.strip()


def kill_job_processes(run_dir: str) -> int:
    """SIGKILL the job's ``jf execution run`` process, as the OOM killer or a dying node would.

    (``scancel --signal=KILL`` would kill the batch shell, after which Slurm sends the MD a
    SIGTERM it can answer with a checkpoint: not the failure this is about.)
    """
    import psutil

    killed = 0
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if "execution" in cmdline and run_dir in cmdline:
            proc.kill()
            killed += 1
    return killed


def md_flow(steps: int, *, traj_interval: int = 10, checkpoint_interval: int = 50, guards=None,
            with_analysis: bool = False):
    """One SevenNet-0 MD job on bulk Li2S (and optionally the diffusion analysis after it)."""
    from jobflow import Flow

    from interfaceflow.structures import load_structure
    from interfaceflow.workflows.md import InterfaceMDMaker
    from interfaceflow.workflows.transport import DiffusionAnalysisMaker

    settings = dict(steps=steps, temperature_K=600, timestep_fs=2.0, traj_interval=traj_interval,
                    checkpoint_interval=checkpoint_interval, log_interval=checkpoint_interval)
    if guards:
        settings["guards"] = guards
    md = InterfaceMDMaker(calculator={"plugin": "sevennet", "model": "7net-0", "device": "cpu"},
                          settings=settings, progress=False).make(load_structure("Li2S"))
    jobs = [md]
    if with_analysis:
        jobs.append(DiffusionAnalysisMaker().make(md.output.trajectory_path))
    return Flow(jobs, name="li2s md")


def submit(flow, **queue):
    from interfaceflow.hpc.settings import QueueSettings
    from interfaceflow.hpc.submit import submit_flow

    return submit_flow(flow, project=PROJECT, queue=QueueSettings(**queue))


def drive(flow_id: str, timeout_s: float = 900, on_poll=None) -> None:
    from interfaceflow.hpc.queue import run_until_finished

    run_until_finished(flow_id, PROJECT, timeout_s=timeout_s, poll_s=2, on_poll=on_poll)


def md_jobs(flow_status: dict) -> list[dict]:
    return [job for job in flow_status["jobs"] if job["name"].startswith("interface md")]


def trajectory_steps(workdir: Path) -> list[int]:
    from interfaceflow.io.h5md import H5MDReader

    with H5MDReader(workdir / "trajectory.h5") as traj:
        return [int(step) for step in traj.steps()]


def md_workdir(project_dir: Path, job_uuid: str) -> Path:
    return project_dir / "cluster" / "interfaceflow-runs" / f"md-{job_uuid}"


def test_project_passes_jobflow_remote_check(project, jf_projects):
    proc = subprocess.run(["jf", "-p", PROJECT, "project", "check", "--errors"], capture_output=True,
                          text=True, env={**__import__("os").environ,
                                          "JFREMOTE_PROJECTS_FOLDER": str(jf_projects)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for part in ("Worker gpu", "Worker cpu", "Jobstore", "Queue store"):
        assert f"✓ {part}" in proc.stdout
    assert "Errors" not in proc.stdout


def test_study_runs_through_slurm_and_lands_in_the_results(project, monkeypatch):
    """``interfaceflow submit --wait`` of the toy study; ``interfaceflow status`` on the way.

    The CLI drives jobflow-remote's runner in this process; the test wraps the runner loop so
    that after each of its rounds it also asks ``interfaceflow status`` (and Slurm) what runs.
    """
    from interfaceflow.hpc import queue

    seen_running: dict[str, str] = {}  # queue id -> what squeue said while status said RUNNING
    flow_ids: list[str] = []
    original = queue.run_until_finished

    def run_and_watch(flow_id, project=None, timeout_s=None, poll_s=None, on_poll=None):
        flow_ids.append(flow_id)

        def watch() -> None:
            on_poll()
            for job in status(flow_id)["jobs"]:
                if job["state"] == "RUNNING" and job["queue_id"]:
                    seen_running.setdefault(job["queue_id"], squeue_state(job["queue_id"]))

        original(flow_id, project, timeout_s=timeout_s, poll_s=poll_s, on_poll=watch)

    monkeypatch.setattr(queue, "run_until_finished", run_and_watch)
    sets = [arg for item in TOY for arg in ("--set", item)]
    output = cli("submit", "li_li6ps5cl", "--project", PROJECT, "--wait", "--timeout-s", "900", *sets)
    (flow_id,) = flow_ids
    assert f"submitted flow {flow_id}" in output and f"flow {flow_id} COMPLETED" in output
    assert re.search(r"interface md\s+RUNNING\s+worker gpu\s+queue id \d+", output)
    final = status(flow_id)
    assert final["state"] == "COMPLETED", json.dumps(final["jobs"], indent=1)
    assert len(final["jobs"]) == 8 and all(job["queue_id"] for job in final["jobs"])
    assert {job["name"]: job["worker"] for job in final["jobs"]}["interface md"] == "gpu"
    # status showed jobs running under Slurm ids that Slurm itself reported as running.
    assert "RUNNING" in seen_running.values(), seen_running

    listed = run_cli("results", "--store", str(project / "store"), "--json")
    assert listed.returncode == 0, listed.stderr
    assert [row["id"] for row in json.loads(listed.stdout)] == [flow_id]
    shown = run_cli("show", flow_id, "--project", PROJECT, "--json",
                    env_extra={"JFREMOTE_PROJECTS_FOLDER": str(project / "jfremote")})
    assert shown.returncode == 0, shown.stderr
    study = json.loads(shown.stdout)
    assert {"products", "diffusion", "profiles", "thermo"} <= {k for k, v in study["analyses"].items() if v}
    assert study["md"]["steps_done"] == 40
    assert Path(study["md"]["trajectory_path"]).is_relative_to(project / "cluster" / "interfaceflow-runs")


def test_walltime_kill_continues_from_the_checkpoint(project):
    """Slurm's time limit sends SIGTERM: the MD checkpoints and a continuation job takes over.

    A job killed before its MD even started (start-up longer than the walltime on a loaded
    machine) is FAILED as killed; ``resume`` reruns it, as a user would.
    """
    steps = 1500
    submission = submit(md_flow(steps), md_walltime_s=60)
    drive(submission.flow_id)
    for _ in range(5):
        if status(submission.flow_id)["state"] == "COMPLETED":
            break
        assert "rerun" in cli("resume", submission.flow_id, "--project", PROJECT)
        drive(submission.flow_id)
    final = status(submission.flow_id)
    assert final["state"] == "COMPLETED", json.dumps(final["jobs"], indent=1)
    chunks = md_jobs(final)
    assert len(chunks) >= 2, "the MD finished inside one 60 s walltime: raise its steps"
    first = min(chunks, key=lambda job: job["index"])
    queue_err = Path(first["run_dir"]) / "queue.err"
    assert "DUE TO TIME LIMIT" in queue_err.read_text()
    workdir = md_workdir(project, first["uuid"])
    assert trajectory_steps(workdir) == list(range(0, steps + 1, 10))  # every frame exactly once


def test_killed_md_is_resumed_from_its_checkpoint(project):
    steps = 600
    submission = submit(md_flow(steps))
    md = submission.jobs[0]
    checkpoint = md_workdir(project, md.uuid) / "checkpoint.npz"
    killed: dict[str, int] = {}

    def kill_after_two_checkpoints() -> None:
        if killed:
            return
        job = md_jobs(status(submission.flow_id))[0]
        if job["md"] and job["md"]["steps_done"] >= 100:
            killed["queue_id"] = int(job["queue_id"])
            killed["processes"] = kill_job_processes(job["run_dir"])

    drive(submission.flow_id, on_poll=kill_after_two_checkpoints)
    assert killed, "the MD finished before it could be killed"
    assert killed["processes"] >= 1
    failed = md_jobs(status(submission.flow_id))[0]
    assert failed["state"] == "FAILED" and failed["retryable"] is True
    assert "killed" in failed["reason"]
    from interfaceflow.md.checkpoint import read_checkpoint

    resumed_from = read_checkpoint(checkpoint).step
    assert 100 <= resumed_from < steps

    output = cli("resume", submission.flow_id, "--project", PROJECT)
    assert "rerun" in output
    drive(submission.flow_id)
    final = status(submission.flow_id)
    assert final["state"] == "COMPLETED", json.dumps(final["jobs"], indent=1)
    assert int(md_jobs(final)[0]["queue_id"]) != killed["queue_id"]  # a new Slurm job
    assert trajectory_steps(md_workdir(project, md.uuid)) == list(range(0, steps + 1, 10))
    from interfaceflow.hpc.queue import job_controller

    output_doc = job_controller(PROJECT).jobstore.query_one({"uuid": md.uuid}, load=True)["output"]
    assert output_doc["start_step"] == resumed_from  # nothing recomputed before the checkpoint


def test_cancel_stops_the_flow_and_resume_continues_it(project):
    steps = 400
    submission = submit(md_flow(steps, with_analysis=True))
    cancelled: dict[str, str] = {}

    def cancel_when_running() -> None:
        if cancelled:
            return
        job = md_jobs(status(submission.flow_id))[0]
        if job["state"] == "RUNNING" and job["md"]:
            cancelled["output"] = cli("cancel", submission.flow_id, "--project", PROJECT)
            cancelled["queue_id"] = job["queue_id"]

    drive(submission.flow_id, on_poll=cancel_when_running)
    assert cancelled, "the MD finished before it could be cancelled"
    stopped = status(submission.flow_id)
    assert stopped["state"] == "STOPPED"
    states = {job["name"]: job["state"] for job in stopped["jobs"]}
    assert states == {"interface md": "USER_STOPPED", "diffusion": "STOPPED"}  # no continuation
    deadline = time.monotonic() + 60
    while squeue_state(cancelled["queue_id"]) and time.monotonic() < deadline:
        time.sleep(1)
    assert squeue_state(cancelled["queue_id"]) == ""  # gone from the Slurm queue

    assert "resumed" in cli("resume", submission.flow_id, "--project", PROJECT)
    drive(submission.flow_id)
    assert status(submission.flow_id)["state"] == "COMPLETED"
    md_uuid = submission.jobs[0].uuid
    assert trajectory_steps(md_workdir(project, md_uuid)) == list(range(0, steps + 1, 10))


def test_failure_that_a_rerun_cannot_fix_is_reported_not_retried(project):
    flow = md_flow(200, guards={"max_force_eV_per_A": 1e-3, "interval": 1})
    submission = submit(flow)
    drive(submission.flow_id)
    failed = md_jobs(status(submission.flow_id))[0]
    assert failed["state"] == "FAILED" and failed["retryable"] is False
    assert failed["reason"].startswith("MDError:") and "\n" not in failed["reason"]
    human = cli("status", submission.flow_id, "--project", PROJECT)
    assert "reason: MDError:" in human
    assert "left failed" in cli("resume", submission.flow_id, "--project", PROJECT)
    assert md_jobs(status(submission.flow_id))[0]["state"] == "FAILED"
