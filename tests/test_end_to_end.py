"""The shipped Li|Li6PS5Cl recipe end to end through the real CLI, read back by new processes.

Runs build → relax → MD → analyses with the offline default MLIP (SevenNet-0) at toy size, then
lists the stored study with ``interfaceflow results`` and reads it with the Python API, each in a
process of its own. Also checks that bad input stops before anything is stored.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from cli_helpers import TOY, run_cli

def store_count(store_dir) -> int:
    code = (
        "from interfaceflow.store import embedded_job_store as e; s=e(%r); s.connect(); print(s.count())"
        % str(store_dir)
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def finished_study(toy_study):
    """The session's toy study in a store of its own (tests here count what the store holds)."""
    return toy_study


def test_run_prints_a_summary_with_provenance(finished_study):
    _, summary = finished_study
    assert summary["electrode"] == "Li" and summary["electrolyte"] == "Li6PS5Cl"
    prov = summary["provenance"]
    assert prov["plugin"] == "sevennet" and prov["model"] == "7net-0"
    assert (
        len(prov["weights_sha256"]) == 64 and prov["device"] == "cpu" and prov["dtype"] == "float32"
    )
    assert {"torch", "ase", "pymatgen", "jobflow"} <= set(prov["package_versions"])
    assert summary["build"]["n_atoms"] <= 110
    assert summary["md"]["steps_done"] == 20 and summary["md"]["n_frames"] == 21
    ran = {name for name, value in summary["analyses"].items() if value is not None}
    assert ran == {"thermo", "products", "diffusion", "profiles"}
    assert summary["analyses"]["thermo"]["predicted_products"]
    assert summary["schema_version"] == 2
    for row in summary["analyses"]["diffusion"]["regions"]:  # 40 fs: no D or sigma without a diffusive regime
        assert row["status"] != "diffusive" and row["D_cm2_per_s"] is None
        assert row["conductivity_S_per_cm"] is None and row["D_upper_bound_cm2_per_s"] > 0


def test_show_prints_no_bare_diffusion_coefficient_for_a_40_fs_run(finished_study):
    """40 fs of MD is vibration, not diffusion: every region is printed as an upper bound."""
    store, summary = finished_study
    shown = run_cli("show", summary["study_id"], "--store", str(store), env_extra={"COLUMNS": "200"})
    assert shown.returncode == 0, shown.stderr
    lines = [line for line in shown.stdout.splitlines() if "diffusion" in line]
    assert len(lines) == len(summary["analyses"]["diffusion"]["regions"]) > 0
    for line in lines:
        assert "D < " in line and "D = " not in line and "σ = " not in line, line


def test_results_are_listed_by_a_new_process(finished_study):
    store, summary = finished_study
    listing = run_cli("results", "--store", str(store), "--json")
    assert listing.returncode == 0, listing.stderr
    rows = json.loads(listing.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert {
        "id",
        "electrode",
        "electrolyte",
        "calculator",
        "model",
        "temperature_K",
        "created",
    } <= set(row)
    assert row["id"] == summary["study_id"] and row["calculator"] == "sevennet"
    assert row["temperature_K"] == 400
    filtered = run_cli("results", "--store", str(store), "--json", "--electrolyte", "LLZO")
    assert json.loads(filtered.stdout) == []
    shown = run_cli("show", row["id"][:8], "--store", str(store), "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["study_id"] == row["id"]


def test_python_api_reads_typed_documents_in_a_new_process(finished_study):
    store, summary = finished_study
    script = textwrap.dedent(f"""
        from interfaceflow.results import Results
        from interfaceflow.workflows.summary import InterfaceStudyDocument
        studies = Results(store_dir={str(store)!r}).find(electrode="Li", calculator="sevennet")
        assert all(isinstance(s, InterfaceStudyDocument) for s in studies)
        print(len(studies), studies[0].study_id, studies[0].provenance.weights_sha256)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    count, study_id, sha = out.stdout.split()
    assert (int(count), study_id, sha) == (
        1,
        summary["study_id"],
        summary["provenance"]["weights_sha256"],
    )


def assert_error_ends_the_log(proc, *fragments):
    """A failure after jobs started: progress lines may precede it; the error is the last line."""
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ")
    for fragment in fragments:
        assert fragment in last


def assert_one_line_error(proc, *fragments):
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr[-2000:]
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("overrides", "fragments"),
    [
        (
            ["calculator.plugin=nosuchplugin"],
            ["unknown calculator plugin 'nosuchplugin'", "entry-point group"],
        ),
        (
            ["calculator.plugin=mace", "calculator.model=/nonexistent/model.model"],
            ["/nonexistent/model.model", "does not exist"],
        ),
        (["electrolyte=Li6PS5Br"], ["Li6PS5Br"]),
    ],
)
def test_bad_input_gives_one_line_and_stores_nothing(tmp_path, overrides, fragments):
    store = tmp_path / "store"
    sets = [arg for o in overrides for arg in ("--set", o)]
    proc = run_cli("run", "li_li6ps5cl", "--store", str(store), *sets)
    assert_one_line_error(proc, *fragments)
    assert store_count(store) == 0


def test_element_not_covered_by_model_is_refused(tmp_path, tiny_mace_model):
    store = tmp_path / "store"
    proc = run_cli(
        "run",
        "li_li6ps5cl",
        "--store",
        str(store),
        "--set",
        "calculator.plugin=mace",
        "--set",
        f"calculator.model={tiny_mace_model}",
        "--set",
        "calculator.dtype=float64",
    )
    assert_one_line_error(proc, "does not cover element(s) Cl")
    assert store_count(store) == 0


def test_missing_plugin_package_is_refused(tmp_path, external_plugin_site):
    store = tmp_path / "store"
    env = {"PYTHONPATH": f"{external_plugin_site}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = run_cli(
        "run",
        "li_li6ps5cl",
        "--store",
        str(store),
        "--set",
        "calculator.plugin=toy-needs-missing",
        env_extra=env,
    )
    assert_one_line_error(proc, "interfaceflow-nonexistent-dependency", "pip install")
    assert store_count(store) == 0


def test_failure_during_md_rolls_back_the_store(tmp_path):
    store = tmp_path / "store"
    proc = run_cli(
        "run",
        "li_li6ps5cl",
        "--store",
        str(store),
        *TOY,
        "--set",
        "md.guards.min_distance_A=3.5",
        "--set",
        "md.guards.interval=1",
        env_extra={"INTERFACEFLOW_RUN_DIR": str(tmp_path / "runs")},
    )
    assert_error_ends_the_log(proc, "MD stopped at step")
    assert store_count(store) == 0  # build and relax outputs were removed too


def test_external_plugin_runs_a_study(tmp_path, external_plugin_site):
    store = tmp_path / "store"
    env = {
        "PYTHONPATH": f"{external_plugin_site}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "INTERFACEFLOW_RUN_DIR": str(tmp_path / "runs"),
    }
    proc = run_cli(
        "run",
        "li_li6ps5cl",
        "--store",
        str(store),
        *TOY,
        "--set",
        "calculator.plugin=toy-lj",
        "--set",
        "calculator.model=null",
        "--set",
        "analyses=[diffusion]",
        "--json",
        env_extra=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout)
    assert summary["provenance"]["plugin"] == "toy-lj"
    assert summary["provenance"]["package_version"] == "0.2.0"
    assert summary["md"]["steps_done"] == 20
