"""Cluster setup without a scheduler: project files, job placement, PBS scripts, failure reasons.

The project files are validated by jobflow-remote's own ``Project`` model and the PBS job script
is rendered by jobflow-remote's queue manager with qtoolkit's PBS template (no PBS server here).
The Slurm tests in ``test_hpc_slurm.py`` submit to a real scheduler.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from builders import hpc_project_spec
from cli_helpers import run_cli
from interfaceflow.errors import HPCError
from interfaceflow.hpc.project import (
    ResourceProfile,
    load_project,
    mask_credentials,
    project_document,
    project_spec,
    write_project,
)
from interfaceflow.hpc.settings import QueueSettings

HPC_SOURCES = Path(__file__).parents[1] / "interfaceflow" / "hpc"


spec = hpc_project_spec


def toy_flow():
    from interfaceflow.workflows.interface import study_flow
    from interfaceflow.workflows.recipe import load_recipe

    recipe = load_recipe("li_li6ps5cl", overrides=["md.steps=100"])
    return study_flow(recipe), recipe


def test_project_file_is_a_valid_jobflow_remote_project(tmp_path, jf_projects):
    path = write_project(spec(tmp_path, modules=["cuda/12.4", "python/3.11"]))
    assert path == jf_projects / "testproj.yaml"
    project = load_project("testproj")
    assert set(project.workers) == {"gpu", "cpu"}
    gpu, cpu = project.workers["gpu"], project.workers["cpu"]
    assert gpu.scheduler_type == "slurm" and gpu.type == "local"
    assert gpu.resources["gres"] == "gpu:1" and "gres" not in cpu.resources
    assert gpu.execution_cmd == f"{tmp_path}/venv/bin/jf -fe execution run {{}}"
    exec_config = project.exec_config["interfaceflow"]
    assert exec_config.modules == ["cuda/12.4", "python/3.11"]
    assert exec_config.export["INTERFACEFLOW_RUN_DIR"] == str(tmp_path / "work" / "interfaceflow-runs")
    # Results land in the same embedded store layout as a local run.
    store = project.get_jobstore()
    assert store.docs_store.collection_name == "outputs"
    assert set(store.additional_stores) == {"data"}
    assert project_spec(project).work_dir == tmp_path / "work"


def test_cpu_only_project_puts_every_job_on_the_cpu_worker(tmp_path, jf_projects):
    from interfaceflow.hpc.placement import place_jobs

    cpu_only = spec(tmp_path, gpu=None)
    assert set(project_document(cpu_only)["workers"]) == {"cpu"}
    flow, recipe = toy_flow()
    placements = place_jobs(flow, cpu_only, recipe.hpc, workers=("cpu",))
    assert {p.worker for p in placements.values()} == {"cpu"}


def test_existing_project_is_not_overwritten_without_force(tmp_path, jf_projects):
    write_project(spec(tmp_path))
    with pytest.raises(HPCError, match="exists; pass --force"):
        write_project(spec(tmp_path))
    write_project(spec(tmp_path, scheduler="pbs"), overwrite=True)
    assert load_project("testproj").workers["gpu"].scheduler_type == "pbs"


@pytest.mark.parametrize(
    "field, value",
    [("work_dir", Path("/scratch/me; rm -rf ~")), ("python_env", Path("/opt/$(whoami)/venv")),
     ("modules", ["cuda && curl evil"]), ("work_dir", Path("relative/dir"))],
)
def test_values_that_reach_the_job_script_must_be_plain_tokens(tmp_path, field, value):
    with pytest.raises(ValueError):
        spec(tmp_path, **{field: value})


def test_no_shell_string_is_built_in_hpc():
    for source in HPC_SOURCES.glob("*.py"):
        text = source.read_text()
        assert "shell=True" not in text and "os.system" not in text, source
        assert "subprocess" not in text, source


def test_credentials_are_masked(tmp_path, jf_projects):
    uri = "mongodb://alice:s3cret@mongo.cluster.org:27017/ifqueue"
    assert "s3cret" not in mask_credentials(f"queue store {uri} unreachable")
    assert "alice:***@mongo.cluster.org" in mask_credentials(uri)
    document = project_document(spec(tmp_path, queue_store=uri))
    assert document["queue"]["store"]["type"] == "MongoURIStore"
    assert document["queue"]["store"]["database"] == "ifqueue"


def test_hpc_init_cli_writes_the_project_and_hides_the_password(tmp_path, jf_projects):
    proc = run_cli(
        "hpc", "init", "--work-dir", str(tmp_path / "work"), "--name", "clus",
        "--python-env", str(tmp_path / "venv"), "--module", "cuda/12.4",
        "--queue-store", "mongodb://bob:hunter2@db.example.org/q", "--gpu-partition", "gpu",
        "--account", "mat123", env_extra={"JFREMOTE_PROJECTS_FOLDER": str(jf_projects)},
    )
    assert proc.returncode == 0, proc.stderr
    assert "hunter2" not in proc.stdout + proc.stderr and "bob:***@" in proc.stdout
    document = yaml.safe_load((jf_projects / "clus.yaml").read_text())
    assert document["workers"]["gpu"]["resources"]["partition"] == "gpu"
    assert document["workers"]["gpu"]["resources"]["account"] == "mat123"


def test_hpc_init_bad_input_is_one_line(tmp_path, jf_projects):
    proc = run_cli("hpc", "init", "--work-dir", "relative/dir",
                   env_extra={"JFREMOTE_PROJECTS_FOLDER": str(jf_projects)})
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "work_dir" in proc.stderr
    assert not list(jf_projects.iterdir())


def test_md_and_relax_jobs_go_to_the_gpu_worker_with_sized_walltimes(tmp_path):
    from interfaceflow.hpc.placement import job_kind, place_jobs

    flow, recipe = toy_flow()
    gpu = ResourceProfile(gpus_per_job=2, cpus_per_job=8, walltime_s=12 * 3600)
    placements = place_jobs(flow, spec(tmp_path, gpu=gpu), recipe.hpc, workers=("gpu", "cpu"))
    by_name = {job.name: (job, placements[job.uuid]) for job, _ in flow.iterflow()}
    for name in ("interface relax", "interface md"):
        assert by_name[name][1].worker == "gpu" and by_name[name][1].resources.gpus_per_job == 2
    for name in ("build interface", "thermodynamic reference", "interphase products",
                 "diffusion", "space-charge profiles", "summarize study"):
        assert by_name[name][1].worker == "cpu" and job_kind(by_name[name][0]) == "cpu"
    md_job, md_place = by_name["interface md"]
    assert md_place.walltime_s == 12 * 3600
    # An unchunked MD is told to stop at a checkpoint before the scheduler would kill it.
    assert md_job.maker.settings.chunk_walltime_s == 12 * 3600 - recipe.hpc.startup_margin_s


def test_chunked_md_walltime_is_the_chunk_plus_the_startup_margin(tmp_path):
    from interfaceflow.hpc.placement import place_jobs
    from interfaceflow.workflows.interface import study_flow
    from interfaceflow.workflows.recipe import load_recipe

    recipe = load_recipe("li_li6ps5cl", overrides=["md.chunk_walltime_s=7200",
                                                   "hpc.startup_margin_s=900"])
    flow = study_flow(recipe)
    placements = place_jobs(flow, spec(tmp_path), recipe.hpc)
    md = next(job for job, _ in flow.iterflow() if job.name == "interface md")
    assert placements[md.uuid].walltime_s == 7200 + 900
    assert md.maker.settings.chunk_walltime_s == 7200


def test_worker_choice_order_and_unknown_worker(tmp_path):
    from interfaceflow.hpc.placement import place_jobs

    flow, _ = toy_flow()
    queue = QueueSettings(gpu_worker="a100", cpu_worker="login")
    placements = place_jobs(flow, spec(tmp_path), queue)
    assert {p.worker for p in placements.values()} == {"a100", "login"}
    placements = place_jobs(flow, spec(tmp_path), queue, worker="big")
    assert {p.worker for p in placements.values()} == {"big"}
    with pytest.raises(HPCError, match="worker 'h100' is not in project"):
        place_jobs(flow, spec(tmp_path), workers=("gpu", "cpu"), gpu_worker="h100")


def test_arrhenius_temperatures_each_get_a_gpu_md_job(tmp_path):
    from interfaceflow.hpc.placement import place_jobs
    from interfaceflow.workflows.interface import study_flow
    from interfaceflow.workflows.recipe import load_recipe

    recipe = load_recipe("li_li6ps5cl", overrides=["temperatures_K=[600, 800, 1000]"])
    flow = study_flow(recipe)
    placements = place_jobs(flow, spec(tmp_path), recipe.hpc)
    md_jobs = [job for job, _ in flow.iterflow() if type(job.maker).__name__ == "InterfaceMDMaker"]
    assert len(md_jobs) == 4  # the study MD and one per temperature
    assert all(placements[job.uuid].worker == "gpu" for job in md_jobs)


def test_pbs_job_script_asks_for_gpus_in_the_select_chunk(tmp_path):
    from jobflow_remote.remote.host.local import LocalHost
    from jobflow_remote.remote.queue import QueueManager
    from qtoolkit.io import PBSIO

    from interfaceflow.hpc.project import qresources

    pbs = spec(tmp_path, scheduler="pbs", modules=["cuda/12.4"],
               gpu=ResourceProfile(partition="gpuq", account="mat123", gpus_per_job=1,
                                   cpus_per_job=8, memory_per_cpu_MB=4000, walltime_s=7200))
    script = QueueManager(scheduler_io=PBSIO(), host=LocalHost()).get_submission_script(
        commands=[f"{pbs.python_env}/bin/jf -fe execution run /scratch/job"],
        options=qresources(pbs, pbs.gpu),
        work_dir="/scratch/job",
        pre_run=f"source {pbs.python_env}/bin/activate",
        export={"INTERFACEFLOW_RUN_DIR": str(pbs.md_run_dir)},
        modules=pbs.modules,
    )
    assert "#PBS -q gpuq" in script and "#PBS -A mat123" in script
    assert "#PBS -l select=1:ncpus=8:ngpus=1:mem=32000mb" in script
    assert re.search(r"#PBS -l walltime=2:0?0:0?0", script)
    assert "module load cuda/12.4" in script
    assert "--gres" not in script and "#SBATCH" not in script
    # The same profile on Slurm asks for a generic resource instead.
    slurm = qresources(spec(tmp_path), pbs.gpu)
    assert slurm.gpus_per_job == 1 and not slurm.scheduler_kwargs


@pytest.mark.parametrize(
    "error, retryable, expected",
    [
        ("The output file jfremote_out.json was downloaded, but it does not contain the response. "
         "The job was likely killed before completing", True, "killed before it finished"),
        ("Traceback (most recent call last):\n  File \"x.py\", line 1\n"
         "interfaceflow.errors.MDError: stability guard tripped at step 10: force 80 eV/A on atom 3",
         False, "MDError: stability guard tripped at step 10"),
        ("Traceback (most recent call last):\nPluginError: model file /x.model not found on this node",
         False, "PluginError: model file"),
    ],
)
def test_failure_reasons_are_one_line(error, retryable, expected):
    from interfaceflow.hpc.status import failure_reason

    reason, can_retry = failure_reason(error)
    assert expected in reason and "\n" not in reason and can_retry is retryable


def _queued_flows(project: str) -> int:
    from interfaceflow.hpc.queue import job_controller

    return job_controller(project).count_flows()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--set", "calculator.plugin=sevenet"], "unknown calculator plugin 'sevenet'"),
        (["--set", "md.tempreature_K=500"], "unknown key 'md.tempreature_K'"),
        (["--set", "electrolyte=Li6PS5Br"], "Li6PS5Br"),
        (["--gpu-worker", "h100"], "worker 'h100' is not in project"),
    ],
)
def test_bad_submission_is_one_line_and_nothing_is_queued(tmp_path, jf_projects, args, message):
    from typer.testing import CliRunner

    from interfaceflow.cli import app

    write_project(spec(tmp_path))
    result = CliRunner().invoke(app, ["submit", "li_li6ps5cl", "-p", "testproj", "--wait", *args])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert _queued_flows("testproj") == 0


def test_submit_to_an_in_process_queue_needs_wait(tmp_path, jf_projects):
    write_project(spec(tmp_path))
    proc = run_cli("submit", "li_li6ps5cl", "-p", "testproj",
                   env_extra={"JFREMOTE_PROJECTS_FOLDER": str(jf_projects)})
    assert proc.returncode == 2
    assert "add --wait" in proc.stderr and proc.stderr.strip().count("\n") == 0


def test_unknown_project_is_one_line(jf_projects):
    proc = run_cli("status", "-p", "nosuch", env_extra={"JFREMOTE_PROJECTS_FOLDER": str(jf_projects)})
    assert proc.returncode == 2
    assert "interfaceflow hpc init" in proc.stderr and proc.stderr.strip().count("\n") == 0
