"""Shared fixtures: an isolated store/run directory per test, in-memory job stores, tiny models."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("OMP_NUM_THREADS", "2")
TESTS_DIR = Path(__file__).parent
# One relaxation cache for the whole session (and its subprocesses), away from the user's own.
os.environ.setdefault("INTERFACEFLOW_THERMO_CACHE_DIR", tempfile.mkdtemp(prefix="interfaceflow-thermo-"))


@pytest.fixture(scope="session")
def toy_study(tmp_path_factory):
    """(store directory, study document as JSON) of one toy Li | Li6PS5Cl run through the CLI.

    Shared by the tests that only read a finished study; copy the store before changing it.
    """
    import json

    from cli_helpers import run_toy_study

    store = tmp_path_factory.mktemp("toy-study") / "store"
    proc = run_toy_study(store)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return store, json.loads(proc.stdout)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Point the embedded store and run directory of every test at its own temporary folder."""
    from interfaceflow.settings import get_settings

    monkeypatch.setenv("INTERFACEFLOW_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("INTERFACEFLOW_RUN_DIR", str(tmp_path / "runs"))
    monkeypatch.delenv("INTERFACEFLOW_STORE_CONFIG", raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def memory_job_store():
    """A jobflow JobStore on maggma MemoryStores (mongomock), with the ``data`` store."""
    from jobflow import JobStore
    from maggma.stores import MemoryStore

    store = JobStore(MemoryStore(), additional_stores={"data": MemoryStore()})
    store.connect()
    return store


@pytest.fixture(scope="session")
def external_plugin_site(tmp_path_factory) -> Path:
    """Install tests/external_plugin (a third-party plugin distribution) into a target folder.

    Processes that put this folder on PYTHONPATH see its entry points, exactly as after a
    ``pip install`` into the environment, without changing the test environment itself.
    """
    target = tmp_path_factory.mktemp("external_plugin_site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(TESTS_DIR / "external_plugin")],
        check=True,
    )
    return target


@pytest.fixture(scope="session")
def tiny_mace_model_file(tmp_path_factory) -> Path:
    """A tiny untrained MACE .model file covering Li, P, S (built with mace-torch's modules).

    Its folder is not trusted for unpickling; use ``tiny_mace_model`` to load it.
    """
    from mace_tiny import save_tiny_mace_model

    return save_tiny_mace_model(tmp_path_factory.mktemp("mace") / "tiny.model", [3, 15, 16])


@pytest.fixture
def tiny_mace_model(tiny_mace_model_file, monkeypatch) -> Path:
    """``tiny_mace_model_file`` with its folder trusted (INTERFACEFLOW_TRUSTED_MODEL_DIRS, which
    subprocesses inherit) for this test."""
    from interfaceflow.settings import get_settings

    monkeypatch.setenv("INTERFACEFLOW_TRUSTED_MODEL_DIRS", str(tiny_mace_model_file.parent))
    get_settings.cache_clear()
    return tiny_mace_model_file


@pytest.fixture(scope="session")
def local_slurm(tmp_path_factory):
    """A real one-node Slurm cluster on localhost (see tests/local_slurm.py), stopped at the end.

    Skips only where the Slurm daemons are not installed; CI installs them (slurm-wlm, munge).
    """
    from local_slurm import slurm_installed, start_local_slurm, stop_local_slurm

    if not slurm_installed():
        pytest.skip("Slurm is not installed (apt-get install slurm-wlm munge; .ci/run does this)")
    root = tmp_path_factory.mktemp("slurm")
    cluster = start_local_slurm(root)
    yield cluster
    stop_local_slurm(root, stop_munge=cluster.started_munge)


@pytest.fixture
def jf_projects(tmp_path, monkeypatch):
    """An empty jobflow-remote projects folder for this test (in-process and for subprocesses)."""
    import jobflow_remote

    from interfaceflow.hpc import queue

    folder = tmp_path / "jfremote"
    folder.mkdir()
    monkeypatch.setenv("JFREMOTE_PROJECTS_FOLDER", str(folder))
    monkeypatch.setattr(jobflow_remote.SETTINGS, "projects_folder", str(folder))
    monkeypatch.setattr(queue, "_CONTROLLERS", {})
    return folder
