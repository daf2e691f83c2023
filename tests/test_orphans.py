"""Incomplete studies: found by state (killed, interrupted, running elsewhere), listed by
``results --incomplete``, removed by ``clean``; a real SIGKILLed ``interfaceflow run`` end to end."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone

import pytest

from cli_helpers import run_cli
from interfaceflow import run_registry
from interfaceflow.orphans import clean_incomplete_flows, find_incomplete_flows, removable
from interfaceflow.store import embedded_job_store, store_label
from test_store_faults import LJ, STORED, STUDY_ID, assert_one_line_error, lj_env, snapshot, stored_study_store


def job_doc(flow_uuid: str, name: str, doc_type: str | None, hosts: list[str] | None = None) -> dict:
    output = {"doc_type": doc_type, "x": 1} if doc_type else {"x": 1}
    return {"uuid": str(uuid.uuid4()), "index": 1, "hosts": hosts or [flow_uuid], "name": name,
            "output": output, "completed_at": datetime.now(timezone.utc).isoformat(), "metadata": {}}


def add_flow(store, flow_uuid: str, n_jobs: int = 2, data: int = 1) -> list[str]:
    """Job documents of an unfinished study Flow (build, relax, ...) and ``data`` blobs of its first job."""
    names = [("build interface", "interface_build"), ("interface relax", "interface_relax"),
             ("interface md", "interface_md")]
    docs = [job_doc(flow_uuid, *names[k]) for k in range(n_jobs)]
    store.docs_store.update(docs, key=["uuid", "index"])
    for k in range(data):
        store.additional_stores["data"].update({"job_uuid": docs[0]["uuid"], "blob_uuid": str(uuid.uuid4()),
                                                "data": list(range(10))})
    return [doc["uuid"] for doc in docs]


def record(flow_uuid: str, status: str = "running", pid: int | None = None, host: str | None = None,
           store: str = "") -> None:
    run_registry.write_record(run_registry.RunRecord(
        flow_uuid=flow_uuid, name=f"recipe-{flow_uuid[:4]}", pid=pid or os.getpid(),
        hostname=host or socket.gethostname(), started=datetime.now(timezone.utc).isoformat(),
        status=status, store=store))


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def mixed_store(tmp_path):
    """A store with one finished study and one Flow in each state; returns (store, {state: uuid})."""
    directory = tmp_path / "store"
    store = stored_study_store(directory)
    store.connect()
    store.docs_store.update(job_doc(STUDY_ID, "build interface", "interface_build"), key=["uuid", "index"])
    label = store_label(directory)
    flows = {name: str(uuid.uuid4()) for name in
             ("no-record", "killed", "interrupted", "running", "other-host", "comparison", "empty-interrupted",
              "other-store")}
    add_flow(store, flows["no-record"], n_jobs=1)
    add_flow(store, flows["killed"], n_jobs=3, data=2)
    record(flows["killed"], pid=dead_pid(), store=label)
    add_flow(store, flows["interrupted"])
    record(flows["interrupted"], status="interrupted", pid=dead_pid(), store=label)
    add_flow(store, flows["running"])
    record(flows["running"], store=label)  # this process: alive
    add_flow(store, flows["other-host"])
    record(flows["other-host"], pid=1, host="another-host.example", store=label)
    store.docs_store.update(job_doc(flows["comparison"], "compare profiles a vs b", None), key=["uuid", "index"])
    record(flows["empty-interrupted"], status="interrupted", pid=dead_pid(), store=label)
    record(flows["other-store"], status="interrupted", pid=dead_pid(), store=str(tmp_path / "elsewhere"))
    return store, flows


def test_study_doc_type_matches_the_summary():
    from interfaceflow import orphans
    from interfaceflow.workflows import summary

    assert orphans.STUDY_DOC_TYPE == summary.STUDY_DOC_TYPE


def test_incomplete_flows_by_state(mixed_store, tmp_path):
    store, flows = mixed_store
    found = {flow.flow_uuid: flow for flow in find_incomplete_flows(store, store_label(tmp_path / "store"))}
    states = {name: found[uuid].state for name, uuid in flows.items() if uuid in found}
    assert states == {"no-record": "unrecorded", "killed": "killed", "interrupted": "interrupted",
                      "running": "running-elsewhere", "other-host": "running-elsewhere",
                      "empty-interrupted": "interrupted"}
    killed = found[flows["killed"]]
    assert (killed.n_job_docs, killed.n_data_docs, killed.name) == (3, 2, f"recipe-{flows['killed'][:4]}")
    assert killed.jobs == ["build interface", "interface relax", "interface md"] and killed.last_write
    assert found[flows["no-record"]].name is None and found[flows["empty-interrupted"]].n_job_docs == 0
    assert STUDY_ID not in found  # finished
    # without a store label, only flows with documents are found
    assert flows["empty-interrupted"] not in {f.flow_uuid for f in find_incomplete_flows(store)}


def test_clean_removes_dead_flows_only(mixed_store, tmp_path):
    store, flows = mixed_store
    label = store_label(tmp_path / "store")
    total, data_total = store.docs_store.count(), store.additional_stores["data"].count()
    found = find_incomplete_flows(store, label)
    removed = clean_incomplete_flows(store, removable(found))
    assert {f.flow_uuid for f in removed} == {flows["killed"]}  # not the unrecorded (maybe a cluster run)
    assert store.docs_store.count() == total - 3 and store.additional_stores["data"].count() == data_total - 2
    removed = clean_incomplete_flows(store, removable(find_incomplete_flows(store, label), include_unrecorded=True))
    assert {f.flow_uuid for f in removed} == {flows["no-record"]}
    assert store.docs_store.count() == total - 4 and store.additional_stores["data"].count() == data_total - 3
    assert run_registry.read_record(flows["killed"]) is None
    for kept in ("interrupted", "running", "other-host", "empty-interrupted", "other-store"):
        assert run_registry.read_record(flows[kept]) is not None
    assert store.docs_store.count({"hosts": flows["running"]}) == 2
    assert store.docs_store.count({"hosts": STUDY_ID}) == 2  # the finished study: summary + build
    # --include-interrupted: the interrupted ones go too, a live run still stays
    removed = clean_incomplete_flows(store, removable(find_incomplete_flows(store, label), include_interrupted=True))
    assert {f.flow_uuid for f in removed} == {flows["interrupted"], flows["empty-interrupted"]}
    assert run_registry.read_record(flows["empty-interrupted"]) is None
    assert {f.flow_uuid for f in find_incomplete_flows(store, label)} == {flows["running"], flows["other-host"]}


def test_clean_skips_a_flow_that_came_alive(mixed_store):
    store, flows = mixed_store
    targets = [f for f in find_incomplete_flows(store) if f.flow_uuid == flows["killed"]]
    record(flows["killed"])  # a resume started meanwhile: this process runs it now
    assert clean_incomplete_flows(store, targets) == []
    assert store.docs_store.count({"hosts": flows["killed"]}) == 3


def test_clean_cli_asks_lists_and_removes(mixed_store, tmp_path):
    store, flows = mixed_store
    directory = str(tmp_path / "store")
    before = store.docs_store.count()
    refused = run_cli("clean", "--store", directory)  # no terminal, no --yes
    assert_one_line_error(refused, "--yes", "1 incomplete studies")
    dry = run_cli("clean", "--store", directory, "--dry-run", "--include-unrecorded")
    assert dry.returncode == 0 and dry.stdout.count("would remove flow") == 2
    assert store.docs_store.count() == before
    cleaned = run_cli("clean", "--store", directory, "--yes")
    assert cleaned.returncode == 0, cleaned.stderr
    assert f"removed flow {flows['killed']}" in cleaned.stdout and flows["no-record"] not in cleaned.stdout
    assert "kept 2 interrupted, 2 running-elsewhere, 1 unrecorded" in cleaned.stdout
    assert store.docs_store.count() == before - 3


def test_sigkilled_run_is_listed_and_cleaned(tmp_path, external_plugin_site):
    """A real ``interfaceflow run`` killed after its first job documents; a finished study stays."""
    directory = tmp_path / "store"
    stored_study_store(directory)
    finished = snapshot(directory)
    env = lj_env(external_plugin_site, tmp_path / "runs")
    long_md = ["--set", "md.steps=200000", "--set", "md.traj_interval=1000", "--set", "md.checkpoint_interval=1000",
               "--set", "md.log_interval=1000"]
    proc = subprocess.Popen([sys.executable, "-m", "interfaceflow", "run", "li_li6ps5cl", "--store", str(directory),
                             *LJ, *long_md, "--json"], env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    store = embedded_job_store(directory)
    store.connect()
    deadline = time.monotonic() + 240
    while store.docs_store.count() < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, proc.stderr.read()[-3000:]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    store.docs_store.close()
    store.additional_stores["data"].close()

    listing = run_cli("results", "--incomplete", "--store", str(directory), "--json", env_extra=env)
    assert listing.returncode == 0, listing.stderr
    rows = json.loads(listing.stdout)
    assert len(rows) == 1 and rows[0]["state"] == "killed" and rows[0]["job_docs"] >= 1
    assert rows[0]["name"] == "li_li6ps5cl"  # from its run record
    flow = rows[0]["flow"]

    cleaned = run_cli("clean", "--store", str(directory), "--yes", env_extra=env)
    assert cleaned.returncode == 0, cleaned.stderr
    assert f"removed flow {flow}" in cleaned.stdout
    after = run_cli("results", "--incomplete", "--store", str(directory), "--json", env_extra=env)
    assert json.loads(after.stdout) == []
    assert snapshot(directory) == finished  # the finished study, byte for byte; nothing else left
    assert not (tmp_path / "runs" / "active" / f"{flow}.json").exists()
    studies = run_cli("results", "--store", str(directory), "--json", env_extra=env)
    assert [row["id"] for row in json.loads(studies.stdout)] == [STUDY_ID]


def test_a_reused_pid_does_not_keep_a_dead_run_alive():
    """After a crash the system may give the run's pid to another process: the start time tells."""
    import psutil

    mine = psutil.Process().create_time()
    base = dict(flow_uuid="f", name="n", pid=os.getpid(), hostname=socket.gethostname(), started="2026")
    assert run_registry.RunRecord(**base, pid_started=mine).alive
    assert not run_registry.RunRecord(**base, pid_started=mine - 3600.0).alive  # pid reused
    assert run_registry.RunRecord(**base).alive  # a record from before start times were kept
    assert not run_registry.RunRecord(**{**base, "pid": dead_pid()}, pid_started=mine).alive
