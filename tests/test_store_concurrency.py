"""The embedded store under concurrency and sudden death (issue #15).

* a writer SIGKILLed at random moments (25 trials, fixed seed) loses no write it reported done and
  duplicates nothing;
* several processes writing and reading one new store at once never see "database is locked", nor
  do processes that create one new store file at the same moment;
* two ``interfaceflow run`` processes on one store both finish, both studies complete.

The kill and writer loops fork from a small helper interpreter (only the store imported), so a
trial costs milliseconds, not an interpreter start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections import Counter

from cli_helpers import run_cli
from interfaceflow.store import embedded_job_store
from test_store_faults import LJ, lj_env

#: Helper: fork a writer, SIGKILL it after a random delay, check the store; one JSON line per trial.
KILL_TRIALS = textwrap.dedent('''
    import json, os, random, signal, sys, time
    from collections import Counter
    from interfaceflow.store import embedded_job_store

    directory, trials, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    ARRAY = list(range(50))

    def writer(trial, log_path):
        log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        store = embedded_job_store(directory)
        store.connect()
        i = 0
        while True:
            uuid = f"t{trial}-{i}"
            doc = {"uuid": uuid, "index": 1, "hosts": [f"flow-{trial}"], "output": {"n": i, "arrays": ARRAY}}
            store.update(doc, key=["uuid", "index"], save={"data": ["arrays"]})  # as jobflow writes jobs
            os.write(log, f"{uuid}\\n".encode())
            if i % 3 == 2 and trial > 0:  # rewrite a document of an earlier trial: an upsert
                old = f"t{trial - 1}-{i // 3}"
                store.docs_store.update({"uuid": old, "index": 1, "hosts": [f"flow-{trial - 1}"],
                                         "output": {"n": -1, "rewritten_by": trial}}, key=["uuid", "index"])
                os.write(log, f"rewrite {old}\\n".encode())
            i += 1

    for trial in range(trials):
        log_path = os.path.join(directory, f"written-{trial}.log")
        pid = os.fork()
        if pid == 0:
            try:
                writer(trial, log_path)
            finally:
                os._exit(1)
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        lines = open(log_path).read().split("\\n")[:-1] if os.path.exists(log_path) else []
        written = [line for line in lines if not line.startswith("rewrite ")]
        rewritten = [line.split()[1] for line in lines if line.startswith("rewrite ")]

        store = embedded_job_store(directory)
        store.connect()
        docs = list(store.docs_store.query({}, properties=["uuid", "index", "output"]))
        keys = Counter((d["uuid"], d["index"]) for d in docs)
        blobs = Counter(b["blob_uuid"] for b in store.additional_stores["data"].query({}, properties=["blob_uuid"]))
        by_uuid = {d["uuid"]: d for d in docs}
        missing = [u for u in written if u not in by_uuid]
        lookups = [u for u in written if store.docs_store.count({"uuid": u}) != 1]
        unloaded = [u for u in written if by_uuid.get(u, {}).get("output", {}).get("n", -1) >= 0
                    and store.query_one({"uuid": u}, load=True)["output"]["arrays"] != ARRAY]
        not_rewritten = [u for u in rewritten if by_uuid.get(u, {}).get("output", {}).get("rewritten_by") is None]
        print(json.dumps({"trial": trial, "written": len(written), "rewritten": len(rewritten),
                          "docs": len(docs), "missing": missing, "lookup_mismatch": lookups,
                          "unloadable": unloaded, "lost_rewrites": not_rewritten,
                          "duplicate_docs": [k for k, n in keys.items() if n > 1],
                          "duplicate_blobs": [k for k, n in blobs.items() if n > 1]}), flush=True)
        store.docs_store.close()
        store.additional_stores["data"].close()
''')

#: Helper: fork N writers and M readers on a new store at once; report every failure.
CONCURRENT_WRITERS = textwrap.dedent('''
    import json, os, sys, traceback
    from interfaceflow.store import embedded_job_store

    directory, writers, readers, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    errors_path = os.path.join(directory + "-errors")

    def work(role, k):
        try:
            store = embedded_job_store(directory)
            store.connect()
            for i in range(n):
                if role == "writer":
                    store.update({"uuid": f"w{k}-{i}", "index": 1, "hosts": [f"flow-{k}"], "output": {"i": i}},
                                 key=["uuid", "index"])
                    if i % 10 == 9:  # and a rollback-like delete, as a failed run does
                        store.docs_store.remove_docs({"uuid": f"w{k}-{i - 9}"})
                else:
                    store.docs_store.count({"hosts": f"flow-{i % 4}"})
                    list(store.docs_store.query({"hosts": f"flow-{i % 4}"}, limit=5))
            return 0
        except BaseException:
            with open(errors_path, "a") as out:
                out.write(json.dumps({"role": role, "k": k, "error": traceback.format_exc()}) + "\\n")
            return 1

    pids = []
    for role, count in (("writer", writers), ("reader", readers)):
        for k in range(count):
            pid = os.fork()
            if pid == 0:
                os._exit(work(role, k))
            pids.append(pid)
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
    errors = open(errors_path).read().splitlines() if os.path.exists(errors_path) else []
    store = embedded_job_store(directory)
    store.connect()
    uuids = [d["uuid"] for d in store.docs_store.query({}, properties=["uuid"])]
    print(json.dumps({"codes": codes, "errors": errors, "uuids": uuids}))
''')


NEW_STORE_RACE = textwrap.dedent('''
    import json, os, sys
    from interfaceflow.sqlite_store import SQLiteStore

    directory, rounds, processes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    report = {"errors": [], "counts": []}
    for r in range(rounds):
        path = os.path.join(directory, f"new-{r}.sqlite")
        read_end, write_end = os.pipe()
        pids = []
        for k in range(processes):
            pid = os.fork()
            if pid == 0:
                os.close(write_end)
                os.read(read_end, 1)  # start together: every child opens the new file at once
                try:
                    store = SQLiteStore(path, "docs")
                    store.connect()
                    store.update([{"task_id": k}])
                    os._exit(0)
                except BaseException as exc:
                    with open(path + f".err{k}", "w") as out:
                        out.write(str(exc))
                    os._exit(1)
            pids.append(pid)
        os.close(read_end)
        os.write(write_end, b"x" * processes)
        os.close(write_end)
        for pid in pids:
            os.waitpid(pid, 0)
        report["errors"] += [open(os.path.join(directory, f)).read() for f in os.listdir(directory) if ".err" in f]
        for f in [f for f in os.listdir(directory) if ".err" in f]:
            os.remove(os.path.join(directory, f))
        store = SQLiteStore(path, "docs")
        store.connect()
        report["counts"].append(store.count())
    print(json.dumps(report))
''')


def run_helper(script: str, *args: object, timeout: int = 120) -> str:
    proc = subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_sigkilled_writer_loses_no_reported_write(tmp_path):
    directory = tmp_path / "store"
    reports = [json.loads(line) for line in run_helper(KILL_TRIALS, directory, 25, 20261207).splitlines()]
    assert len(reports) == 25
    for report in reports:
        for problem in ("missing", "lookup_mismatch", "unloadable", "lost_rewrites", "duplicate_docs",
                        "duplicate_blobs"):
            assert report[problem] == [], report
    assert sum(report["written"] for report in reports) > 25  # the writers did get work done
    assert sum(1 for report in reports if report["written"]) >= 15


def test_concurrent_writers_and_readers_on_a_new_store(tmp_path):
    writers, readers, n = 4, 2, 60
    report = json.loads(run_helper(CONCURRENT_WRITERS, tmp_path / "store", writers, readers, n))
    assert report["errors"] == [] and report["codes"] == [0] * (writers + readers)
    expected = {f"w{k}-{i}" for k in range(writers) for i in range(n) if i % 10 != 0 or i + 9 >= n}
    assert Counter(report["uuids"]) == Counter(expected)


def test_processes_creating_one_new_store_at_once_all_connect(tmp_path):
    """A new file is still in rollback mode while the first process switches it to WAL; there
    SQLite answers "database is locked" at once instead of waiting (1 round in 40 with 3 processes
    failed before the setup was retried)."""
    rounds, processes = 60, 4
    report = json.loads(run_helper(NEW_STORE_RACE, tmp_path, rounds, processes))
    assert report["errors"] == []
    assert report["counts"] == [processes] * rounds


def test_two_concurrent_runs_on_one_store(tmp_path, external_plugin_site):
    store = tmp_path / "store"
    env = {**os.environ, **lj_env(external_plugin_site, tmp_path / "runs")}
    runs = [subprocess.Popen([sys.executable, "-m", "interfaceflow", "run", "li_li6ps5cl", "--store", str(store),
                              *LJ, "--set", f"name=concurrent_{k}", "--json"], env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for k in range(2)]
    outputs = [proc.communicate(timeout=600) for proc in runs]
    for proc, (stdout, stderr) in zip(runs, outputs):
        assert proc.returncode == 0, stderr[-3000:]
        assert "locked" not in (stdout + stderr).lower()
    studies = [json.loads(stdout) for stdout, _ in outputs]
    assert {s["name"] for s in studies} == {"concurrent_0", "concurrent_1"}

    job_store = embedded_job_store(store)
    job_store.connect()
    docs = list(job_store.docs_store.query({}, properties=["uuid", "index", "hosts", "name"]))
    assert all(n == 1 for n in Counter((d["uuid"], d["index"]) for d in docs).values())
    per_flow = Counter(d["hosts"][-1] for d in docs)
    assert set(per_flow) == {s["study_id"] for s in studies}
    assert len(set(per_flow.values())) == 1  # the same jobs in both studies, none lost
    blobs = list(job_store.additional_stores["data"].query({}, properties=["blob_uuid"]))
    assert len({b["blob_uuid"] for b in blobs}) == len(blobs)
    listing = run_cli("results", "--store", str(store), "--json")
    assert sorted(row["name"] for row in json.loads(listing.stdout)) == ["concurrent_0", "concurrent_1"]
