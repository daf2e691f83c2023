"""Store faults give one line, a non-zero exit, and leave the store as it was (issue #15).

Unreachable MongoDB (within ``store_timeout_s``), credentials never printed, malformed spec files,
read-only / full / misplaced embedded stores. Read-only and full file systems are real mounts
(a read-only bind mount, a 1 MiB tmpfs) where this process may mount (root in CI); where it may
not, those tests skip, and the read-only path is still tested by asking the SQLite layer for it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_helpers import TOY, run_cli
from interfaceflow.errors import StoreError
from interfaceflow.store import (
    check_store,
    embedded_job_store,
    get_job_store,
    job_store_from_config,
    redact,
    remove_flow_outputs,
)

PASSWORD = "s3cret-Pa55"
STORED = json.loads((Path(__file__).parent / "data" / "study_document_v2_2026-12.json").read_text())
STUDY_ID = STORED["output"]["study_id"]
#: A toy Lennard-Jones study: seconds, no MLIP (the toy-lj plugin of tests/external_plugin).
LJ = [*TOY, "--set", "calculator.plugin=toy-lj", "--set", "calculator.model=null",
      "--set", "analyses=[diffusion]", "--set", "thermo.enabled=false"]


def lj_env(site: Path, runs: Path, **extra: str) -> dict[str, str]:
    """Environment of a CLI process that sees the toy-lj plugin and runs under ``runs``."""
    return {"PYTHONPATH": f"{site}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
            "INTERFACEFLOW_RUN_DIR": str(runs), **extra}


def assert_one_line_error(proc, *fragments) -> str:
    """Non-zero exit, stderr exactly one ``error:`` line holding every fragment; returns the line."""
    assert proc.returncode != 0, proc.stdout[-2000:]
    lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr[-3000:]
    assert lines[0].startswith("error: ") and "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def stored_study_store(directory: Path):
    """An embedded store holding the stored v2 study document, closed (no WAL files left)."""
    store = embedded_job_store(directory)
    store.connect()
    store.docs_store.update({**STORED, "hosts": [STUDY_ID]}, key=["uuid", "index"])
    store.additional_stores["data"].update({"job_uuid": STORED["uuid"], "blob_uuid": "b1", "data": [1, 2]})
    close(store)
    return store


def close(store) -> None:
    store.docs_store.close()
    for additional in store.additional_stores.values():
        additional.close()


def snapshot(directory: Path) -> list:
    """Every document of an embedded store, read with plain sqlite3 (read-only)."""
    uri = (directory / "interfaceflow.sqlite").resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True)
    try:
        return [conn.execute(f"SELECT id, doc FROM {t}_docs ORDER BY id").fetchall()
                for t in ("outputs", "outputs_data")]
    finally:
        conn.close()


# ---------------------------------------------------------------------------- mounts
def _mount(*args: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def read_only_view(tmp_path):
    """(directory, read-only bind mount of it): the same files, a read-only file system."""
    source, view = tmp_path / "rw", tmp_path / "ro"
    source.mkdir()
    view.mkdir()
    if not _mount("--bind", str(source), str(view)):
        pytest.skip("cannot bind-mount here (needs root and mount); the read_only=True tests cover the path")
    if not _mount("-o", "remount,bind,ro", str(view)):
        subprocess.run(["umount", str(view)])
        pytest.skip("cannot remount read-only here")
    yield source, view
    subprocess.run(["umount", str(view)], check=True)


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1 MiB tmpfs: a file system that really fills up."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)):
        pytest.skip("cannot mount a tmpfs here (needs root); the max_page_count test covers SQLITE_FULL")
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


def fill(disk: Path) -> None:
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------- MongoDB
def mongo_spec(tmp_path: Path, uri: bool) -> Path:
    """A MongoDB spec (user + password) pointing at a closed port."""
    if uri:
        text = f"""
docs_store:
  type: MongoURIStore
  uri: mongodb://user:{PASSWORD}@127.0.0.1:1/db
  collection_name: outputs
additional_stores:
  data:
    type: GridFSURIStore
    uri: mongodb://user:{PASSWORD}@127.0.0.1:1/db
    collection_name: blobs
"""
    else:
        member = f"database: db, host: 127.0.0.1, port: 1, username: user, password: {PASSWORD}"
        text = (f"docs_store: {{type: MongoStore, collection_name: outputs, {member}}}\n"
                f"additional_stores:\n  data: {{type: GridFSStore, collection_name: blobs, {member}}}\n")
    path = tmp_path / ("uri.yaml" if uri else "mongo.yaml")
    path.write_text(text)
    return path


@pytest.mark.parametrize("uri", [False, True], ids=["MongoStore", "MongoURIStore"])
def test_unreachable_mongodb_fails_within_the_timeout(tmp_path, monkeypatch, uri):
    from interfaceflow.settings import get_settings

    monkeypatch.setenv("INTERFACEFLOW_STORE_TIMEOUT_S", "0.5")
    get_settings.cache_clear()
    store = job_store_from_config(mongo_spec(tmp_path, uri))
    assert store.docs_store.mongoclient_kwargs["serverSelectionTimeoutMS"] == 500
    assert store.additional_stores["data"].mongoclient_kwargs["connectTimeoutMS"] == 500
    start = time.monotonic()
    with pytest.raises(StoreError) as error:
        check_store(store)
    assert time.monotonic() - start < 4  # pymongo's default would wait 30 s
    message = str(error.value)
    assert "127.0.0.1:1" in message and "within 0.5 s" in message and "INTERFACEFLOW_STORE_TIMEOUT_S" in message
    assert PASSWORD not in message and "\n" not in message
    assert remove_flow_outputs(store, "some-flow") == 0  # the rollback path raises nothing


def test_timeouts_in_the_spec_win(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("docs_store:\n  type: MongoStore\n  database: d\n  collection_name: o\n"
                    "  mongoclient_kwargs: {serverSelectionTimeoutMS: 1234}\n"
                    "additional_stores:\n  data: {type: MemoryStore}\n")
    store = job_store_from_config(spec, timeout_s=9)
    assert store.docs_store.mongoclient_kwargs == {"serverSelectionTimeoutMS": 1234, "connectTimeoutMS": 9000}


def test_results_show_and_run_on_unreachable_mongodb(tmp_path, external_plugin_site):
    """Each command: one line naming the host and the timeout, never the password, in seconds."""
    env = lj_env(external_plugin_site, tmp_path / "runs", INTERFACEFLOW_STORE_TIMEOUT_S="1")
    commands = {
        "results": ["results", "--store-config", str(mongo_spec(tmp_path, uri=False))],
        "show": ["show", "05fa3017", "--store-config", str(mongo_spec(tmp_path, uri=True))],
        "run": ["run", "li_li6ps5cl", "--store-config", str(mongo_spec(tmp_path, uri=True)), *LJ, "--json"],
    }
    for name, args in commands.items():
        start = time.monotonic()
        proc = run_cli(*args, env_extra=env)
        elapsed = time.monotonic() - start
        assert_one_line_error(proc, "127.0.0.1:1", "within 1 s")
        assert PASSWORD not in proc.stdout + proc.stderr, name
        assert elapsed < 25, (name, elapsed)  # start-up + 1 s; pymongo's default alone is 30 s


# ---------------------------------------------------------------------------- credentials
def test_redact_hides_uri_passwords_and_known_secrets():
    text = "mongodb://user:pw%40x@h1:27017,h2/db?authSource=admin and mongodb+srv://u:p@c.net and pw@x"
    out = redact(text, ["pw%40x"])
    assert out == "mongodb://user:***@h1:27017,h2/db?authSource=admin and mongodb+srv://u:***@c.net and ***"


#: Specs whose error messages could carry the password: a constructor error next to a URI, a URI
#: that pymongo refuses (its message quotes the URI), an unknown type next to a password, a host
#: that is a URI.
LEAKY_SPECS = {
    "bad-argument": f"docs_store:\n  type: MongoURIStore\n  uri: mongodb://user:{PASSWORD}@127.0.0.1:1/db\n"
                    "  collection_name: o\n  bogus: 1\nadditional_stores:\n  data: {type: MemoryStore}\n",
    "bad-uri": f"docs_store:\n  type: MongoURIStore\n  uri: 'mongodb://user:{PASSWORD}@127.0.0.1:1:2/db'\n"
               "  collection_name: o\nadditional_stores:\n  data: {type: MemoryStore}\n",
    "unknown-type": f"docs_store:\n  type: NoSuchStore\n  password: {PASSWORD}\n"
                    "additional_stores:\n  data: {type: MemoryStore}\n",
    "uri-host": "docs_store:\n  type: MongoStore\n  database: d\n  collection_name: o\n"
                f"  host: 'mongodb://user:{PASSWORD}@127.0.0.1:1'\nadditional_stores:\n  data: {{type: MemoryStore}}\n",
}


@pytest.mark.parametrize("name", sorted(LEAKY_SPECS))
def test_store_errors_never_carry_the_password(tmp_path, name):
    path = tmp_path / "spec.yaml"
    path.write_text(LEAKY_SPECS[name])
    with pytest.raises(StoreError) as error:
        check_store(job_store_from_config(path, timeout_s=0.3))
    message = str(error.value)
    assert PASSWORD not in message and "\n" not in message


def test_server_errors_quoting_the_uri_are_redacted(tmp_path, monkeypatch):
    """pymongo errors may quote the URI: the password becomes ***, the host stays."""
    import pymongo.errors

    path = tmp_path / "spec.yaml"
    path.write_text(LEAKY_SPECS["uri-host"])
    store = job_store_from_config(path)

    def failing_query(*args, **kwargs):
        raise pymongo.errors.OperationFailure(f"bad auth for mongodb://user:{PASSWORD}@127.0.0.1:1",
                                              code=18, details={"errmsg": f"user:{PASSWORD} refused"})

    monkeypatch.setattr(type(store.docs_store), "query", failing_query)
    monkeypatch.setattr(type(store.docs_store), "connect", lambda self, force_reset=False: None)
    with pytest.raises(StoreError) as error:
        check_store(store)
    message = str(error.value)
    assert PASSWORD not in message and "127.0.0.1:1" in message and "refused access" in message


def test_cli_never_prints_the_password(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text(LEAKY_SPECS["uri-host"])
    proc = run_cli("results", "--store-config", str(path), env_extra={"INTERFACEFLOW_STORE_TIMEOUT_S": "0.5"})
    assert_one_line_error(proc, "127.0.0.1:1")
    assert PASSWORD not in proc.stdout + proc.stderr


# ---------------------------------------------------------------------------- malformed specs
@pytest.mark.parametrize(("text", "fragments"), [
    ("docs_store: [1, 2\nadditional_stores: 3\n", ["is not valid YAML", "line 2", "fix the syntax"]),
    ("docs_store: !!python/object/apply:os.system ['touch {marker}']\n",
     ["YAML tags are not allowed", "!!python/object/apply:os.system"]),
    ("docs_store: !custom 1\n", ["YAML tags are not allowed", "!custom"]),
    ("docs_store:\n  type: NoSuchStore\nadditional_stores:\n  data: {type: MemoryStore}\n",
     ["unknown store type 'NoSuchStore'"]),
    ("docs_store:\n  collection_name: o\nadditional_stores:\n  data: {type: MemoryStore}\n",
     ["docs_store has no 'type'"]),
    ("docs_store:\n  type: MemoryStore\n  collection_name: outputs\n", ["no additional 'data' store"]),
    ("additional_stores:\n  data: {type: MemoryStore}\n", ["no docs_store mapping"]),
    ("", ["is empty"]),
    ("- a\n- b\n", ["holds a list, not a mapping"]),
], ids=["syntax", "python-tag", "custom-tag", "unknown-type", "no-type", "no-data", "no-docs", "empty", "list"])
def test_malformed_spec_is_one_line(tmp_path, text, fragments):
    marker = tmp_path / "executed"
    path = tmp_path / "spec.yaml"
    path.write_text(text.replace("{marker}", str(marker)))
    with pytest.raises(StoreError) as error:
        job_store_from_config(path)
    message = str(error.value)
    assert "\n" not in message and str(path) in message
    for fragment in fragments:
        assert fragment in message
    assert not marker.exists()  # the tag was never constructed


def test_malformed_spec_through_the_cli(tmp_path):
    marker = tmp_path / "executed"
    path = tmp_path / "spec.yaml"
    path.write_text(f"docs_store: !!python/object/apply:os.system ['touch {marker}']\n")
    proc = run_cli("results", "--store-config", str(path))
    assert_one_line_error(proc, "YAML tags are not allowed", str(path))
    assert not marker.exists()


def test_json_spec_and_monty_serialised_store_load(tmp_path):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"docs_store": {"type": "MemoryStore", "collection_name": "o"},
                                "additional_stores": {"data": {"type": "MemoryStore", "collection_name": "d"}}}))
    assert job_store_from_config(spec).additional_stores["data"].collection_name == "d"
    dumped = tmp_path / "dumped.json"
    dumped.write_text(json.dumps(embedded_job_store(tmp_path / "store").as_dict()))
    store = job_store_from_config(dumped)
    check_store(store)
    assert store.docs_store.path == str((tmp_path / "store" / "interfaceflow.sqlite").resolve())
    bad = tmp_path / "bad.json"
    bad.write_text("{\"docs_store\": ")
    with pytest.raises(StoreError, match="is not valid JSON"):
        job_store_from_config(bad)


# ---------------------------------------------------------------------------- embedded store
def test_store_path_that_is_a_file_is_one_line(tmp_path):
    path = tmp_path / "not-a-dir"
    path.write_text("x")
    proc = run_cli("results", "--store", str(path))
    assert_one_line_error(proc, str(path), "is a file, not a directory")
    assert path.read_text() == "x"


@pytest.mark.parametrize(("content", "fragment"), [
    (b"this is not sqlite" * 100, "is not an interfaceflow store"),
    (None, "is a directory"),
], ids=["garbage-file", "directory"])
def test_store_file_that_is_not_a_database(tmp_path, content, fragment):
    database = tmp_path / "store" / "interfaceflow.sqlite"
    database.parent.mkdir()
    if content is None:
        database.mkdir()
    else:
        database.write_bytes(content)
    with pytest.raises(StoreError, match=fragment):
        check_store(get_job_store(tmp_path / "store"))
    if content is not None:
        assert database.read_bytes() == content


def test_read_only_store_reads_and_refuses_writes(tmp_path):
    """The read-only mode the SQLite layer chooses for unwritable files, asked for explicitly."""
    stored_study_store(tmp_path / "store")
    before = snapshot(tmp_path / "store")
    store = embedded_job_store(tmp_path / "store", read_only=True)
    check_store(store)
    from interfaceflow.results import Results

    results = Results(store=store)
    assert [s.study_id for s in results.find()] == [STUDY_ID]
    assert results.get(STUDY_ID[:8]).study_id == STUDY_ID
    with pytest.raises(StoreError, match="is read-only .*--store DIR") as error:
        check_store(store, write=True)
    assert str(tmp_path / "store" / "interfaceflow.sqlite") in str(error.value)
    with pytest.raises(StoreError, match="is read-only"):
        store.docs_store.update({"uuid": "new", "index": 1})
    with pytest.raises(StoreError, match="is read-only"):
        remove_flow_outputs(store, STUDY_ID, strict=True)
    assert remove_flow_outputs(store, STUDY_ID) == 0
    close(store)
    assert snapshot(tmp_path / "store") == before


def test_read_only_mount_results_show_and_run(read_only_view, external_plugin_site, tmp_path):
    source, view = read_only_view
    stored_study_store(source)
    before = snapshot(source)
    listing = run_cli("results", "--store", str(view), "--json")
    assert listing.returncode == 0, listing.stderr
    assert [row["id"] for row in json.loads(listing.stdout)] == [STUDY_ID]
    shown = run_cli("show", STUDY_ID[:8], "--store", str(view), "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["study_id"] == STUDY_ID
    incomplete = run_cli("results", "--incomplete", "--store", str(view), "--json")
    assert incomplete.returncode == 0 and json.loads(incomplete.stdout) == []
    env = lj_env(external_plugin_site, tmp_path / "runs")
    proc = run_cli("run", "li_li6ps5cl", "--store", str(view), *LJ, "--json", env_extra=env)
    assert_one_line_error(proc, str(view / "interfaceflow.sqlite"), "read-only", "--store DIR")
    clean = run_cli("clean", "--store", str(view), "--yes")
    assert_one_line_error(clean, "read-only")
    assert snapshot(source) == before


def test_full_store_via_max_page_count_rolls_back(tmp_path):
    """SQLITE_FULL (page limit of this connection) is one line; the store keeps what it had."""
    store = stored_study_store(tmp_path / "store")
    store.connect()
    docs = store.docs_store
    before = docs.count()
    pages = docs._conn.execute("PRAGMA page_count").fetchone()[0]
    docs._conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    big = [{"uuid": f"u{k}", "index": 1, "blob": "x" * 20000} for k in range(10)]
    with pytest.raises(StoreError) as error:
        docs.update(big)
    message = str(error.value)
    assert "is full" in message and "free space" in message and "\n" not in message
    assert docs.count() == before and docs.query_one({"uuid": "u0"}) is None
    docs._conn.execute("PRAGMA max_page_count = 1073741823")
    docs.update(big[:1])  # the connection still works once there is room
    assert docs.count() == before + 1


def test_full_disk_run_is_one_line_and_changes_nothing(tiny_disk, external_plugin_site, tmp_path):
    stored_study_store(tiny_disk / "store")
    before = snapshot(tiny_disk / "store")
    fill(tiny_disk)
    env = lj_env(external_plugin_site, tmp_path / "runs")
    proc = run_cli("run", "li_li6ps5cl", "--store", str(tiny_disk / "store"), *LJ, "--json", env_extra=env)
    assert_one_line_error(proc, str(tiny_disk / "store" / "interfaceflow.sqlite"), "is full", "free space")
    listing = run_cli("results", "--store", str(tiny_disk / "store"), "--json")  # reads still work
    assert listing.returncode == 0, listing.stderr
    assert [row["id"] for row in json.loads(listing.stdout)] == [STUDY_ID]
    (tiny_disk / "filler").unlink()
    assert snapshot(tiny_disk / "store") == before


def test_sqlite_failures_become_store_errors(tmp_path):
    store = stored_study_store(tmp_path / "store")
    store.connect()
    docs = store.docs_store
    with pytest.raises(StoreError, match=r"failed \(SQLITE_ERROR: no such table"):
        docs._sql("SELECT * FROM no_such_table")
    assert docs.count() == 1


def test_rollback_never_raises_a_second_error(tmp_path, caplog):
    store = stored_study_store(tmp_path / "store")
    store.docs_store.read_only = True
    store.additional_stores["data"].read_only = True
    close(store)
    assert remove_flow_outputs(store, STUDY_ID) == 0
    assert "interfaceflow clean" in caplog.text and len(caplog.records) == 1
    assert snapshot(tmp_path / "store")[0]


def test_unwritable_store_directory_in_a_subprocess(tmp_path):
    """``python -c`` users get the StoreError too (no sqlite3 traceback)."""
    stored_study_store(tmp_path / "store")
    code = ("from interfaceflow.store import embedded_job_store as e\n"
            f"s = e({str(tmp_path / 'store')!r}, read_only=True)\n"
            "try:\n    s.docs_store.update({'uuid': 'x'})\n"
            "except Exception as exc:\n    print(type(exc).__name__, exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("StoreError store ") and "read-only" in out.stdout
