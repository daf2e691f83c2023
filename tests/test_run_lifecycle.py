"""The life of a local run: preflight order, SIGINT/SIGTERM with a checkpoint and one line,
``--resume`` (after an interruption or a SIGKILL), refusals, and a recipe run twice.

In-process tests use a Lennard-Jones plugin registered here that sends a signal to its own process
in a chosen job; the CLI tests run the ``toy-lj`` plugin of ``tests/external_plugin`` in real
``interfaceflow run`` processes and signal them from outside.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ase.build import bulk
from ase.calculators.lj import LennardJones
from jobflow import CURRENT_JOB, Flow, run_locally
from pymatgen.io.ase import AseAtomsAdaptor

from cli_helpers import TOY, run_cli, stored_document_count
from interfaceflow import run_registry
from interfaceflow.errors import PluginError, ResumeError, RunInterrupted, StoreError, StructureError
from interfaceflow.io.h5md import H5MDReader
from interfaceflow.md.checkpoint import read_checkpoint
from interfaceflow.md.engine import MDInterrupted
from interfaceflow.plugins import CalculatorPlugin, register_plugin, unregister_plugin
from interfaceflow.store import embedded_job_store
from interfaceflow.workflows.interface import resume_study, run_study
from interfaceflow.workflows.md import InterfaceMDMaker, local_run
from interfaceflow.workflows.recipe import load_recipe

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
INTERRUPTED_IN_MD = re.compile(
    rf"^interrupted at MD step (\d+) of (\d+); checkpoint in (\S+); continue with: "
    rf"interfaceflow run --resume ({UUID})$"
)


# ------------------------------------------------------------------------------- helpers
class SignallingLJ(LennardJones):
    """Soft Lennard-Jones that sends ``PLAN['signum']`` to its own process on its
    ``PLAN['at']``-th force call inside the job named ``PLAN['job']`` (once)."""

    PLAN: dict = {}

    def calculate(self, *args, **kwargs):
        super().calculate(*args, **kwargs)
        plan = SignallingLJ.PLAN
        job = CURRENT_JOB.job
        if plan and job is not None and job.name.startswith(plan["job"]):
            plan["calls"] = plan.get("calls", 0) + 1
            if plan["calls"] == plan["at"]:
                SignallingLJ.PLAN = {}
                os.kill(os.getpid(), plan["signum"])


class SignallingLJPlugin(CalculatorPlugin):
    name = "lj-signal"
    default_model = "soft-lj"

    def create(self, model, device, dtype, **kwargs):
        return SignallingLJ(sigma=1.8, epsilon=0.02, rc=4.5, smooth=True)


@pytest.fixture
def lj_signal():
    """Register ``lj-signal``; yield a function that plans the next signal.

    SIGINT gets Python's own handler for the test: a test session started in the background of a
    non-interactive shell (``.ci/run &``) inherits SIGINT as ignored, which interfaceflow respects.
    """
    register_plugin("lj-signal", SignallingLJPlugin())
    previous_sigint = signal.signal(signal.SIGINT, signal.default_int_handler)

    def plan(signum: int, job: str, at: int) -> None:
        SignallingLJ.PLAN = {"signum": signum, "job": job, "at": at}

    yield plan
    SignallingLJ.PLAN = {}
    unregister_plugin("lj-signal")
    signal.signal(signal.SIGINT, previous_sigint)


def default_sigint() -> None:
    """In a child process: SIGINT as in an interactive shell, even when this session ignores it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def toy_recipe(plugin: str = "lj-signal", steps: int = 60):
    overrides = [arg for arg in TOY if arg != "--set"] + [
        f"calculator.plugin={plugin}", "calculator.model=null", "thermo.enabled=false",
        "analyses=[diffusion]", f"md.steps={steps}",
    ]
    return load_recipe("li_li6ps5cl", overrides)


def stored_studies(store_dir: Path) -> list[str]:
    store = embedded_job_store(store_dir)
    store.connect()
    return [doc["output"]["study_id"]
            for doc in store.query({"output.doc_type": "interface_study"}, properties=["output.study_id"])]


def trajectory_steps(workdir: Path) -> list[int]:
    with H5MDReader(Path(workdir) / "trajectory.h5") as traj:
        return [int(step) for step in traj.steps()]


# ------------------------------------------------------------------------------- preflight
def test_a_store_path_that_is_a_file_fails_before_the_model_loads(tmp_path, monkeypatch):
    import interfaceflow.plugins.registry as registry

    def no_model(**kwargs):
        raise AssertionError("the model was loaded before the store was checked")

    monkeypatch.setattr(registry, "get_calculator", no_model)
    not_a_dir = tmp_path / "store-file"
    not_a_dir.write_text("")
    start = time.perf_counter()
    with pytest.raises(StoreError, match=str(not_a_dir)):
        run_study(load_recipe("li_li6ps5cl"), store_dir=not_a_dir)
    assert time.perf_counter() - start < 1.0


def test_preflight_checks_store_then_structures_then_plugin(tmp_path, monkeypatch):
    import interfaceflow.plugins.registry as registry
    import interfaceflow.store as store_module

    def unreachable(store, **kwargs):
        raise StoreError("store unreachable")

    monkeypatch.setattr(store_module, "check_store", unreachable)
    monkeypatch.setattr(registry, "get_calculator", lambda **kw: pytest.fail("model loaded first"))
    with pytest.raises(StoreError, match="store unreachable"):
        run_study(load_recipe("li_li6ps5cl"))
    monkeypatch.undo()
    bad_both = load_recipe("li_li6ps5cl", ["calculator.plugin=nosuchplugin", "electrolyte=Li6PS5Br"])
    with pytest.raises(StructureError, match="Li6PS5Br"):  # parsing a file is cheaper than a model
        run_study(bad_both)
    with pytest.raises(PluginError, match="nosuchplugin"):
        run_study(load_recipe("li_li6ps5cl", ["calculator.plugin=nosuchplugin"]))
    assert stored_document_count(tmp_path / "store") == 0


# ------------------------------------------------------------------------------- in-process lifecycle
def test_sigint_in_the_md_rolls_back_and_resume_continues_from_the_checkpoint(tmp_path, lj_signal):
    store = tmp_path / "store"
    recipe = toy_recipe(steps=60)
    lj_signal(signal.SIGINT, "interface md", at=25)
    with pytest.raises(RunInterrupted) as stopped:
        run_study(recipe, progress=False)
    assert stopped.value.exit_code == 130
    step, total, workdir, flow_uuid = INTERRUPTED_IN_MD.match(str(stopped.value)).groups()
    assert 20 <= int(step) <= 25 and int(total) == 60
    assert read_checkpoint(Path(workdir) / "checkpoint.npz").step == int(step)
    assert stored_document_count(store) == 0  # build and relax were rolled back
    record = run_registry.read_record(flow_uuid)
    assert record.status == "interrupted" and record.resumable
    assert record.payload["store_dir"] == str(store.resolve())
    assert record.payload["recipe"]["md"]["steps"] == 60 and record.payload["flow"]["uuid"] == flow_uuid
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers given back

    study = resume_study(flow_uuid[:8], progress=False)
    assert study.study_id == flow_uuid and study.md.steps_done == 60 and study.md.n_frames == 61
    assert Path(study.md.trajectory_path).parent == Path(workdir)
    assert trajectory_steps(workdir) == list(range(61))  # none missing, none duplicated
    assert stored_studies(store) == [flow_uuid]
    assert run_registry.read_record(flow_uuid) is None
    with pytest.raises(ResumeError, match=f"no interrupted run {flow_uuid}"):
        resume_study(flow_uuid)

    notes: list[str] = []
    again = run_study(recipe, progress=False, notify=notes.append)
    assert len(notes) == 1 and flow_uuid in notes[0] and "this run adds a new one" in notes[0]
    assert notes[0].startswith("a finished study of the same recipe (sha256 ")
    assert sorted(stored_studies(store)) == sorted([flow_uuid, again.study_id])


def test_sigterm_outside_the_md_names_the_job_and_resumes(tmp_path, lj_signal):
    lj_signal(signal.SIGTERM, "interface relax", at=1)
    with pytest.raises(RunInterrupted) as stopped:
        run_study(toy_recipe(steps=20), progress=False)
    assert stopped.value.exit_code == 143
    message = str(stopped.value)
    match = re.fullmatch(rf"interrupted during job 'interface relax'; continue with: "
                         rf"interfaceflow run --resume ({UUID})", message)
    assert match, message
    assert stored_document_count(tmp_path / "store") == 0
    study = resume_study(match.group(1), progress=False)
    assert study.md.steps_done == 20 and stored_studies(tmp_path / "store") == [match.group(1)]


def test_resume_refuses_a_live_run_another_hosts_run_and_a_record_without_a_flow(tmp_path):
    def record(uuid: str, **changes) -> None:
        fields = dict(flow_uuid=uuid, name="toy", pid=os.getpid(), hostname=socket.gethostname(),
                      started="2025-01-01T00:00:00+00:00", payload={})
        run_registry.write_record(run_registry.RunRecord(**{**fields, **changes}))

    record("11111111-aaaa-bbbb-cccc-000000000001")
    with pytest.raises(ResumeError, match=rf"is still running \(pid {os.getpid()}\); wait for it, or stop it"):
        resume_study("11111111-aaaa-bbbb-cccc-000000000001")
    record("22222222-aaaa-bbbb-cccc-000000000002", hostname="elsewhere.example")
    with pytest.raises(ResumeError, match="was started on host elsewhere.example"):
        resume_study("22222222")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    record("33333333-aaaa-bbbb-cccc-000000000003", pid=dead.pid)
    with pytest.raises(ResumeError, match="holds no recipe and Flow to resume"):
        resume_study("33333333-aaaa-bbbb-cccc-000000000003")
    with pytest.raises(ResumeError, match="no interrupted run 44444444 in .*interfaceflow results --incomplete"):
        resume_study("44444444")


# ------------------------------------------------------------------------------- cluster vs local
@pytest.fixture
def copper_md(lj_signal):
    atoms = bulk("Cu", cubic=True).repeat((2, 2, 2))
    atoms.rattle(0.05, seed=5)
    maker = InterfaceMDMaker(
        calculator={"plugin": "lj-signal", "device": "cpu"},
        settings=dict(steps=60, traj_interval=5, checkpoint_interval=10, temperature_K=300, timestep_fs=2.0),
        progress=False,
    )
    return maker.make(AseAtomsAdaptor.get_structure(atoms))


def test_sigterm_on_a_cluster_still_chains_a_continuation(copper_md, lj_signal, memory_job_store):
    lj_signal(signal.SIGTERM, "interface md", at=23)
    responses = run_locally(Flow([copper_md]), store=memory_job_store, raise_immediately=True, log=False)
    chunks = [responses[copper_md.uuid][i].output for i in sorted(responses[copper_md.uuid])]
    assert [doc.status for doc in chunks] == ["interrupted", "completed"]
    assert chunks[-1].steps_done == 60 and chunks[-1].start_step == chunks[0].steps_done
    assert trajectory_steps(chunks[-1].workdir) == list(range(0, 61, 5))


def test_sigterm_in_a_local_run_raises_instead_of_chaining(copper_md, lj_signal, memory_job_store):
    lj_signal(signal.SIGTERM, "interface md", at=23)
    with local_run(), pytest.raises(MDInterrupted) as stopped:
        run_locally(Flow([copper_md]), store=memory_job_store, raise_immediately=True, log=False)
    assert stopped.value.exit_code == 143 and stopped.value.step < 60
    assert str(stopped.value).startswith(f"interrupted at MD step {stopped.value.step} of 60; checkpoint in ")


# ------------------------------------------------------------------------------- real processes
def toy_lj_args(store: Path, steps: int) -> list[str]:
    return ["run", "li_li6ps5cl", "--store", str(store), *TOY, "--set", "calculator.plugin=toy-lj",
            "--set", "calculator.model=null", "--set", "thermo.enabled=false",
            "--set", "analyses=[diffusion]", "--set", f"md.steps={steps}", "--json"]


def toy_lj_env(tmp_path: Path, site: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
            "INTERFACEFLOW_RUN_DIR": str(tmp_path / "runs")}


def start_and_signal(args: list[str], env: dict[str, str], runs: Path, signum: int, after_step: int = 0):
    """Start ``interfaceflow ARGS``; once an MD checkpoint past ``after_step`` exists, send ``signum``."""
    process = subprocess.Popen([sys.executable, "-m", "interfaceflow", *args], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=default_sigint)
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        checkpoints = list(runs.glob("md-*/checkpoint.npz"))
        if checkpoints and _step(checkpoints[0]) > after_step:
            process.send_signal(signum)
            break
        time.sleep(0.02)
    stdout, stderr = process.communicate(timeout=300)
    return process, stdout, stderr


def _step(path: Path) -> int:
    try:
        return read_checkpoint(path).step
    except Exception:  # being replaced right now
        return -1


def last_error(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr[-3000:]
    return stderr.strip().splitlines()[-1]


def test_cli_sigterm_during_md_then_resume_finishes_the_study_once(tmp_path, external_plugin_site):
    store, runs, steps = tmp_path / "store", tmp_path / "runs", 300
    env = toy_lj_env(tmp_path, external_plugin_site)
    process, _, stderr = start_and_signal(toy_lj_args(store, steps), env, runs, signal.SIGTERM)
    assert process.returncode == 143, stderr[-3000:]
    line = last_error(stderr)
    assert line.startswith("error: interrupted at MD step "), line
    stopped_at, total, workdir, flow_uuid = INTERRUPTED_IN_MD.match(line.removeprefix("error: ")).groups()
    assert 0 < int(stopped_at) < steps and int(total) == steps
    assert stored_document_count(store) == 0

    resumed = run_cli("run", "--resume", flow_uuid, "--json", env_extra=env)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    summary = json.loads(resumed.stdout)
    assert summary["study_id"] == flow_uuid and summary["md"]["steps_done"] == steps
    assert summary["md"]["n_frames"] == steps + 1
    assert trajectory_steps(workdir) == list(range(steps + 1))  # none missing, none duplicated
    assert stored_studies(store) == [flow_uuid]

    again = run_cli("run", "--resume", flow_uuid, env_extra=env)
    assert last_error(again.stderr).startswith(f"error: no interrupted run {flow_uuid} in ")
    assert again.returncode != 0 and len(again.stderr.strip().splitlines()) == 1

    twice = run_cli(*toy_lj_args(store, steps), env_extra=env)
    assert twice.returncode == 0, twice.stderr[-3000:]
    notes = [line for line in twice.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and flow_uuid in notes[0] and "this run adds a new one" in notes[0], notes
    assert len(stored_studies(store)) == 2


def test_cli_sigint_then_sigkilled_resume_then_resume_again(tmp_path, external_plugin_site):
    store, runs, steps = tmp_path / "store", tmp_path / "runs", 300
    env = toy_lj_env(tmp_path, external_plugin_site)
    process, _, stderr = start_and_signal(toy_lj_args(store, steps), env, runs, signal.SIGINT)
    assert process.returncode == 130, stderr[-3000:]
    stopped_at, _, workdir, flow_uuid = INTERRUPTED_IN_MD.match(last_error(stderr).removeprefix("error: ")).groups()

    process, _, _ = start_and_signal(["run", "--resume", flow_uuid, "--json"], env, runs, signal.SIGKILL,
                                     after_step=int(stopped_at))
    assert process.returncode == -signal.SIGKILL
    record = json.loads((runs / "active" / f"{flow_uuid}.json").read_text())
    assert record["status"] == "running" and record["pid"] == process.pid  # its process is gone

    resumed = run_cli("run", "--resume", flow_uuid, "--json", env_extra=env)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert json.loads(resumed.stdout)["md"]["steps_done"] == steps
    assert trajectory_steps(workdir) == list(range(steps + 1))
    assert stored_studies(store) == [flow_uuid]  # what the killed run stored was replaced, not doubled
    assert not (runs / "active" / f"{flow_uuid}.json").exists()
