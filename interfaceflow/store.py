"""Job stores: the embedded on-disk default and MongoDB (or any maggma store) from a spec file.

The embedded store is a jobflow :class:`~jobflow.JobStore` made of two indexed collections in one
SQLite file, ``<dir>/interfaceflow.sqlite`` (:class:`~interfaceflow.sqlite_store.SQLiteStore`):
``outputs`` (documents) and ``outputs_data`` (the additional ``data`` store for big arrays). It
needs no server, persists across processes and takes concurrent writers. Choose the directory with
``--store DIR``, the ``INTERFACEFLOW_STORE`` environment variable, or the settings object. A
directory written by earlier versions (montydb) is copied into the SQLite file the first time it is
opened; the montydb files stay as they were.

For production, point ``INTERFACEFLOW_STORE_CONFIG`` (or ``--store-config``) at a jobflow JobStore
spec file, e.g. a ``MongoStore`` docs store plus a ``GridFSStore`` (or ``S3Store``) ``data`` store.
"""

from __future__ import annotations

from pathlib import Path

from jobflow import JobStore
from maggma.stores import MontyStore

from interfaceflow.sqlite_store import SQLiteStore

from interfaceflow.errors import StoreError
from interfaceflow.settings import get_settings

DOCS_COLLECTION = "outputs"
DATA_COLLECTION = "outputs_data"
SQLITE_FILE = "interfaceflow.sqlite"
#: Marker of a directory written by the montydb backend of earlier versions.
MONTY_MARKER = "monty.storage.cfg"


def embedded_job_store(directory: str | Path) -> JobStore:
    """An on-disk JobStore (docs + ``data``) in ``directory``, created if needed."""
    directory = Path(directory).expanduser().resolve()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the store directory {directory} ({exc.strerror}); "
            "choose a writable one with --store or INTERFACEFLOW_STORE"
        ) from None

    database = directory / SQLITE_FILE
    legacy = (directory / MONTY_MARKER).is_file() and not database.exists()
    store = JobStore(SQLiteStore(database, DOCS_COLLECTION, key="uuid"),
                     additional_stores={"data": SQLiteStore(database, DATA_COLLECTION, key="blob_uuid")})
    if legacy:
        _copy_montydb(directory, store)
    return store


def _copy_montydb(directory: Path, store: JobStore) -> None:
    """Copy the collections of a montydb store directory (earlier versions) into ``store``."""
    store.connect()
    targets = {DOCS_COLLECTION: (store.docs_store, ["uuid", "index"]),
               DATA_COLLECTION: (store.additional_stores["data"], ["blob_uuid"])}
    for name, (target, key) in targets.items():
        source = MontyStore(name, database_path=str(directory), database_name="interfaceflow", storage="sqlite")
        source.connect()
        docs = [{k: v for k, v in doc.items() if k != "_id"} for doc in source.query()]
        if docs:
            target.update(docs, key=key)
        source.close()


def job_store_from_config(path: str | Path) -> JobStore:
    """A JobStore from a jobflow spec file (YAML or JSON), e.g. MongoStore + GridFSStore."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise StoreError(f"store config file {path} does not exist; give the path of a JobStore spec YAML")
    try:
        store = JobStore.from_file(path)
    except Exception as exc:
        raise StoreError(
            f"store config {path} is not a valid JobStore spec ({type(exc).__name__}: {exc}); "
            "see README 'Pointing the store at MongoDB'"
        ) from None
    if "data" not in store.additional_stores:
        raise StoreError(
            f"store config {path} has no additional 'data' store; add additional_stores.data "
            "(e.g. type: GridFSStore) for trajectories and profiles"
        )
    return store


def get_job_store(store_dir: str | Path | None = None, config: str | Path | None = None) -> JobStore:
    """The JobStore to use: an explicit config, else an explicit directory, else the settings."""
    if config is not None:
        return job_store_from_config(config)
    if store_dir is not None:
        return embedded_job_store(store_dir)
    settings = get_settings()
    if settings.store_config is not None:
        return job_store_from_config(settings.store_config)
    return embedded_job_store(settings.store)


def remove_flow_outputs(store: JobStore, flow_uuid: str) -> int:
    """Delete every document written by the jobs of a Flow (docs and additional stores).

    Jobs added at run time (MD chunks, fan-outs) carry the Flow's uuid in ``hosts`` too, so they
    are removed as well. Returns the number of job documents removed. Used as a rollback.
    """
    store.connect()
    uuids = list(store.docs_store.distinct("uuid", {"hosts": flow_uuid}))
    if not uuids:
        return 0
    store.docs_store.remove_docs({"uuid": {"$in": uuids}})
    for additional in store.additional_stores.values():
        written = {"job_uuid": {"$in": uuids}}
        if additional.count(written):  # montydb has no table until the first write
            additional.remove_docs(written)
    return len(uuids)
