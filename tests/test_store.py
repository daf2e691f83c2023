"""Job stores: the embedded on-disk store persists across processes; Mongo specs use the same path."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import mongomock
import mongomock.gridfs
import pytest
from jobflow import Flow, job, run_locally

from interfaceflow.errors import StoreError
from interfaceflow.store import embedded_job_store, get_job_store, job_store_from_config


@job(data=["arrays"])
def make_profile(n: int):
    return {"n": n, "arrays": {"z_A": [0.1 * i for i in range(n)]}}


def test_embedded_store_is_read_back_by_a_second_process(tmp_path):
    store = embedded_job_store(tmp_path / "ifstore")
    producer = make_profile(5000)
    run_locally(Flow([producer]), store=store, create_folders=True, root_dir=tmp_path)
    reader = textwrap.dedent(f"""
        from interfaceflow.store import embedded_job_store
        store = embedded_job_store({str(tmp_path / 'ifstore')!r})
        store.connect()
        doc = store.query_one({{"uuid": {producer.uuid!r}}}, load=True)
        print(doc["output"]["n"], len(doc["output"]["arrays"]["z_A"]), doc["output"]["arrays"]["z_A"][10])
        raw = store.query_one({{"uuid": {producer.uuid!r}}}, load=False)
        print(raw["output"]["arrays"]["store"])
    """)
    out = subprocess.run([sys.executable, "-c", reader], capture_output=True, text=True, check=True)
    first, second = out.stdout.strip().splitlines()[-2:]
    assert first == "5000 5000 1.0"
    assert second == "data"  # the big array lives in the additional data store, not the document


def test_store_directory_comes_from_the_environment(tmp_path, monkeypatch):
    from interfaceflow.settings import get_settings

    monkeypatch.setenv("INTERFACEFLOW_STORE", str(tmp_path / "from-env"))
    get_settings.cache_clear()
    store = get_job_store()
    store.connect()
    assert (tmp_path / "from-env").is_dir()


def test_mongostore_spec_file_runs_a_flow_on_mongomock(tmp_path, monkeypatch):
    """The production path (MongoStore + GridFSStore from a spec file) against mongomock."""
    import maggma.stores.gridfs as maggma_gridfs
    import maggma.stores.mongolike as maggma_mongolike

    mongomock.gridfs.enable_gridfs_integration()
    client = mongomock.MongoClient()
    monkeypatch.setattr(maggma_mongolike, "MongoClient", lambda *a, **k: client)
    monkeypatch.setattr(maggma_gridfs, "MongoClient", lambda *a, **k: client)
    spec = tmp_path / "jobstore.yaml"
    spec.write_text(textwrap.dedent("""
        docs_store:
          type: MongoStore
          database: interfaceflow
          collection_name: outputs
          host: localhost
          port: 27017
        additional_stores:
          data:
            type: GridFSStore
            database: interfaceflow
            collection_name: outputs_blobs
            host: localhost
            port: 27017
    """))
    store = job_store_from_config(spec)
    producer = make_profile(100)
    run_locally(Flow([producer]), store=store, create_folders=True, root_dir=tmp_path)
    store.connect()
    doc = store.query_one({"uuid": producer.uuid}, load=True)
    assert doc["output"]["arrays"]["z_A"][99] == pytest.approx(9.9)
    assert client["interfaceflow"]["outputs"].count_documents({"uuid": producer.uuid}) == 1
    assert client["interfaceflow"]["outputs_blobs.files"].count_documents({}) == 1


def test_store_spec_without_data_store_is_rejected(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("docs_store:\n  type: MemoryStore\n  collection_name: outputs\n")
    with pytest.raises(StoreError, match="no additional 'data' store"):
        job_store_from_config(spec)


def test_missing_store_spec_file_is_a_one_line_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        job_store_from_config(tmp_path / "absent.yaml")


def test_rollback_removes_every_document_of_a_flow(tmp_path):
    from interfaceflow.store import remove_flow_outputs

    store = embedded_job_store(tmp_path / "ifstore")
    kept, first, second = make_profile(3), make_profile(4), make_profile(5)
    run_locally(Flow([kept]), store=store, create_folders=True, root_dir=tmp_path)
    flow = Flow([first, second])
    run_locally(flow, store=store, create_folders=True, root_dir=tmp_path)
    store.connect()
    assert store.count() == 3 and store.additional_stores["data"].count() == 3
    assert remove_flow_outputs(store, flow.uuid) == 2
    assert store.count() == 1 and store.additional_stores["data"].count() == 1
    assert store.query_one({"uuid": kept.uuid}) is not None


def test_rollback_on_a_store_without_data_documents(tmp_path):
    from interfaceflow.store import remove_flow_outputs

    @job
    def small():
        return 1

    store = embedded_job_store(tmp_path / "ifstore")
    flow = Flow([small()])
    run_locally(flow, store=store, create_folders=True, root_dir=tmp_path)
    assert remove_flow_outputs(store, flow.uuid) == 1
