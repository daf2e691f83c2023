"""Job stores: the embedded on-disk default and MongoDB (or any maggma store) from a spec file.

The embedded store is a jobflow :class:`~jobflow.JobStore` made of two indexed collections in one
SQLite file, ``<dir>/interfaceflow.sqlite`` (:class:`~interfaceflow.sqlite_store.SQLiteStore`):
``outputs`` (documents) and ``outputs_data`` (the additional ``data`` store for big arrays). It
needs no server, persists across processes and takes concurrent writers. Choose the directory with
``--store DIR``, the ``INTERFACEFLOW_STORE`` environment variable, or the settings object. A
directory written by earlier versions (montydb) is copied into the SQLite file the first time it is
opened; the montydb files stay as they were. A store that cannot be written (read-only file,
directory or file system) opens read-only: it can be queried, and a run refuses it in one line.

For production, point ``INTERFACEFLOW_STORE_CONFIG`` (or ``--store-config``) at a jobflow JobStore
spec file, e.g. a ``MongoStore`` docs store plus a ``GridFSStore`` (or ``S3Store``) ``data`` store.
The file is read with ``yaml.safe_load`` (no YAML tags); every MongoDB client gets the
``store_timeout_s`` setting as its server-selection and connect timeout, so an unreachable server
fails in seconds. :func:`check_store` connects and runs one cheap query; every error message built
from a spec or a server error has its passwords replaced by ``***``.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from jobflow import JobStore
from maggma.core import Store
from maggma.stores import MontyStore

from interfaceflow.errors import InterfaceflowError, StoreError
from interfaceflow.settings import get_settings
from interfaceflow.sqlite_store import SQLiteStore, sqlite_error_message

logger = logging.getLogger(__name__)

DOCS_COLLECTION = "outputs"
DATA_COLLECTION = "outputs_data"
SQLITE_FILE = "interfaceflow.sqlite"
#: Marker of a directory written by the montydb backend of earlier versions.
MONTY_MARKER = "monty.storage.cfg"
#: Store types whose MongoDB client gets the ``store_timeout_s`` timeouts.
MONGO_STORE_TYPES = ("MongoStore", "MongoURIStore", "GridFSStore", "GridFSURIStore")
#: ``scheme://user:password@`` in any text (URIs in specs and in server error messages).
_URI_CREDENTIALS = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:@/\s]*):(?P<secret>[^@\s/]*)@")
_SEE_README = "see README section 'The job store'"


# ---------------------------------------------------------------------------- embedded store
def embedded_job_store(directory: str | Path, read_only: bool | None = None) -> JobStore:
    """An on-disk JobStore (docs + ``data``) in ``directory``, created if needed.

    ``read_only``: True opens the file read-only; None (default) does so when the file or the
    directory cannot be written (writes then raise a one-line :class:`StoreError`).
    """
    directory = Path(directory).expanduser().resolve()
    _make_store_directory(directory)
    database = directory / SQLITE_FILE
    if database.is_dir():
        raise StoreError(f"store file {database} is a directory; move it away or choose another store "
                         "with --store DIR")
    legacy = (directory / MONTY_MARKER).is_file() and not database.exists()
    store = JobStore(
        SQLiteStore(database, DOCS_COLLECTION, key="uuid", read_only=read_only),
        additional_stores={"data": SQLiteStore(database, DATA_COLLECTION, key="blob_uuid",
                                               read_only=read_only)},
    )
    if legacy and not read_only:
        _copy_montydb(directory, store)
    return store


def _make_store_directory(directory: Path) -> None:
    """Create the store directory, or explain in one line why it cannot be one."""
    if directory.exists() and not directory.is_dir():
        hint = f"; give its directory {directory.parent}" if directory.name == SQLITE_FILE else ""
        raise StoreError(f"store path {directory} is a file, not a directory; give --store (or "
                         f"INTERFACEFLOW_STORE) a directory{hint}")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the store directory {directory} ({exc.strerror or exc}); "
            "choose a writable one with --store or INTERFACEFLOW_STORE"
        ) from None


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


# ---------------------------------------------------------------------------- spec files
def job_store_from_config(path: str | Path, timeout_s: float | None = None) -> JobStore:
    """A JobStore from a jobflow spec file (YAML or JSON), e.g. MongoStore + GridFSStore.

    Every MongoDB client waits at most ``timeout_s`` (default: the ``store_timeout_s`` setting)
    for its server. Errors are one line, with passwords redacted.
    """
    path = Path(path).expanduser()
    spec = load_store_spec(path)
    secrets = spec_secrets(spec)
    _check_spec(spec, path, secrets)
    timeout_s = get_settings().store_timeout_s if timeout_s is None else timeout_s
    try:
        store = JobStore.from_dict_spec(with_mongo_timeouts(spec, timeout_s))
    except Exception as exc:  # noqa: BLE001 - any constructor failure is a bad spec
        raise StoreError(redact(
            f"store config {path} is not a valid JobStore spec ({type(exc).__name__}: "
            f"{_one_line(exc)}); {_SEE_README}", secrets)) from None
    return store


def load_store_spec(path: str | Path) -> dict[str, Any]:
    """The mapping in a store spec file: JSON, or YAML read with ``yaml.safe_load`` (no tags).

    A monty-serialised JobStore (``@module``/``@class`` keys) is turned into the same mapping.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "does not exist"
        raise StoreError(f"store config file {path} {what}; give the path of a JobStore spec YAML")
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"cannot read store config {path} ({_one_line(exc)}); check the file") from None
    spec = _parse_spec_text(text, path)
    if spec is None:
        raise StoreError(f"store config {path} is empty; write a docs_store and additional_stores.data "
                         f"in it ({_SEE_README})")
    if not isinstance(spec, dict):
        raise StoreError(f"store config {path} holds a {type(spec).__name__}, not a mapping; write "
                         f"docs_store: and additional_stores: keys ({_SEE_README})")
    return _from_monty(spec)


def _parse_spec_text(text: str, path: Path) -> Any:
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise StoreError(f"store config {path} is not valid JSON (line {exc.lineno}, column "
                             f"{exc.colno}: {exc.msg}); fix the syntax") from None
    try:
        return yaml.safe_load(text)
    except yaml.constructor.ConstructorError as exc:
        tag = re.search(r"tag '([^']*)'", str(exc.problem or ""))
        found = tag.group(1).replace("tag:yaml.org,2002:", "!!") if tag else "a tag"
        raise StoreError(f"YAML tags are not allowed in store config {path} (found {found}{_at(exc)}); "
                         "write plain mappings with a 'type:' key instead") from None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or _one_line(exc)
        raise StoreError(f"store config {path} is not valid YAML ({problem}{_at(exc)}); fix the "
                         "syntax") from None


def _at(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def _from_monty(spec: Any) -> Any:
    """Turn monty ``{"@class": "MongoStore", ...}`` mappings into ``{"type": "MongoStore", ...}``."""
    if isinstance(spec, list):
        return [_from_monty(item) for item in spec]
    if not isinstance(spec, dict):
        return spec
    converted = {k: _from_monty(v) for k, v in spec.items() if not k.startswith("@")}
    if spec.get("@class") and spec.get("@class") != "JobStore":
        converted = {"type": spec["@class"], **converted}
    return converted


def _store_types() -> dict[str, type]:
    """Every maggma Store class by name (what a spec's ``type:`` may name)."""
    import maggma.stores  # noqa: F401 - registers the subclasses

    def subclasses(cls: type) -> set[type]:
        return set(cls.__subclasses__()).union(*(subclasses(c) for c in cls.__subclasses__()))

    types = {cls.__name__: cls for cls in subclasses(Store)}
    types["SSHTunnel"] = maggma.stores.ssh_tunnel.SSHTunnel
    return types


def _check_spec(spec: dict, path: Path, secrets: list[str]) -> None:
    """Raise one line for a spec without docs store, without ``data`` store, or with unknown types."""
    docs = spec.get("docs_store")
    if not isinstance(docs, dict):
        raise StoreError(f"store config {path} has no docs_store mapping; add docs_store: with a type "
                         f"(e.g. type: MongoStore) ({_SEE_README})")
    additional = spec.get("additional_stores") or {}
    if not isinstance(additional, dict) or not isinstance(additional.get("data"), dict):
        raise StoreError(f"store config {path} has no additional 'data' store; add additional_stores.data "
                         "(e.g. type: GridFSStore) for trajectories and profiles")
    known = _store_types()
    for where, entry in _typed_entries({"docs_store": docs, **{f"additional_stores.{k}": v
                                                               for k, v in additional.items()}}):
        kind = entry.get("type")
        if kind is None:
            raise StoreError(f"store config {path}: {where} has no 'type'; add one, e.g. type: MongoStore "
                             f"({_SEE_README})")
        if not isinstance(kind, str) or kind not in known:
            raise StoreError(redact(
                f"store config {path}: {where} has unknown store type {kind!r}; use a maggma store "
                "such as MongoStore, MongoURIStore, GridFSStore or S3Store", secrets))


def _typed_entries(entries: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict]]:
    """(dotted name, mapping) of every store mapping in ``entries`` (those at the top must be typed)."""
    for name, entry in entries.items():
        if isinstance(entry, dict) and (not prefix or "type" in entry):
            yield prefix + name, entry
            yield from _typed_entries({k: v for k, v in entry.items() if isinstance(v, dict)},
                                      prefix=f"{prefix}{name}.")


def with_mongo_timeouts(spec: Any, timeout_s: float) -> Any:
    """A copy of ``spec`` whose MongoDB stores wait at most ``timeout_s`` for their server
    (``serverSelectionTimeoutMS`` and ``connectTimeoutMS``; values in the spec win)."""
    if isinstance(spec, list):
        return [with_mongo_timeouts(item, timeout_s) for item in spec]
    if not isinstance(spec, dict):
        return spec
    copy = {k: with_mongo_timeouts(v, timeout_s) for k, v in spec.items()}
    if copy.get("type") in MONGO_STORE_TYPES:
        milliseconds = int(timeout_s * 1000)
        kwargs = dict(copy.get("mongoclient_kwargs") or {})
        kwargs.setdefault("serverSelectionTimeoutMS", milliseconds)
        kwargs.setdefault("connectTimeoutMS", milliseconds)
        copy["mongoclient_kwargs"] = kwargs
    return copy


# ---------------------------------------------------------------------------- credentials
def spec_secrets(spec: Any) -> list[str]:
    """Every password in a spec: ``password`` values and the passwords of URIs."""
    found: list[str] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if isinstance(value, str) and value and key.lower() in ("password", "secret", "token",
                                                                   "aws_secret_access_key"):
                found.append(value)
            found.extend(spec_secrets(value))
    elif isinstance(spec, list):
        for item in spec:
            found.extend(spec_secrets(item))
    elif isinstance(spec, str):
        found.extend(match.group("secret") for match in _URI_CREDENTIALS.finditer(spec) if match.group("secret"))
    return found


def redact(text: str, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """``text`` with URI passwords (``scheme://user:***@host``) and every given secret replaced."""
    text = _URI_CREDENTIALS.sub(lambda m: f"{m.group('head')}:***@", text)
    for secret in sorted({s for raw in secrets if raw for s in (raw, unquote(raw))}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _member_stores(store: Any) -> Iterator[Store]:
    """The maggma stores inside ``store`` (a JobStore's docs and additional stores, S3 indexes)."""
    if isinstance(store, JobStore):
        for member in (store.docs_store, *store.additional_stores.values()):
            yield from _member_stores(member)
        return
    yield store
    index = getattr(store, "index", None)
    if isinstance(index, Store):
        yield from _member_stores(index)


def store_secrets(store: Any) -> list[str]:
    """The passwords that ``store``'s members were built with (to keep them out of messages)."""
    found: list[str] = []
    for member in _member_stores(store):
        for attribute in ("password", "uri", "host"):
            value = getattr(member, attribute, None)
            if isinstance(value, str) and value:
                found.extend([value] if attribute == "password" else spec_secrets(value))
    return found


def store_location(store: Any) -> str:
    """Where ``store`` lives, without credentials: ``host:port`` of MongoDB, the SQLite file, ..."""
    places: list[str] = []
    for member in _member_stores(store):
        place = _member_location(member)
        if place and place not in places:
            places.append(place)
    return ", ".join(places) or type(store).__name__


def _member_location(member: Store) -> str:
    if isinstance(member, SQLiteStore):
        return member.path
    uri = getattr(member, "uri", None)
    host = getattr(member, "host", None)
    text = uri if isinstance(uri, str) and uri else host if isinstance(host, str) else None
    if text is None:
        return ""
    if "://" in text:  # mongodb://user:pw@h1:27017,h2/db?opts -> h1:27017,h2
        return text.split("://", 1)[1].rsplit("@", 1)[-1].split("/", 1)[0].split("?", 1)[0]
    port = getattr(member, "port", None)
    return f"{text}:{port}" if port else text


# ---------------------------------------------------------------------------- checks and errors
def check_store(store: JobStore, write: bool = False) -> None:
    """Connect to ``store`` and run one cheap query on each of its stores; ``write=True`` also
    refuses an embedded store that cannot be written. Any failure is a one-line :class:`StoreError`
    naming the store (never its password); a MongoDB server that does not answer fails within the
    ``store_timeout_s`` setting (for stores from :func:`get_job_store`).

    Call it before the expensive part of a command (``interfaceflow run``: before the model loads).
    """
    with store_errors(store, everything=True):
        store.connect()
        for member in _member_stores(store):
            next(iter(member.query(criteria={}, properties=["_id"], limit=1)), None)  # no blob read
            if write and isinstance(member, SQLiteStore):
                member.check_writable()


@contextmanager
def store_errors(store: Any, everything: bool = False) -> Iterator[None]:
    """Turn server, SQLite and OS failures inside the block into one-line :class:`StoreError`
    (``everything``: any exception), with passwords redacted."""
    try:
        yield
    except InterfaceflowError:
        raise
    except Exception as exc:  # noqa: BLE001 - filtered below
        if not everything and not _is_store_failure(exc):
            raise
        raise StoreError(store_error_message(store, exc)) from exc


def _is_store_failure(exc: BaseException) -> bool:
    import pymongo.errors

    return isinstance(exc, (pymongo.errors.PyMongoError, sqlite3.Error, OSError))


def store_error_message(store: Any, exc: BaseException) -> str:
    """One line naming the store, what went wrong, and the fix (passwords redacted)."""
    import pymongo.errors

    where = store_location(store)
    detail = _one_line(exc)
    if isinstance(exc, pymongo.errors.ServerSelectionTimeoutError):
        reason = detail.split(" (configured timeouts", 1)[0].split(", Timeout:", 1)[0]
        message = (f"cannot reach the MongoDB store at {where} within {_timeout_s(store):g} s ({reason}); "
                   "start the server or fix the host in the store config, or raise INTERFACEFLOW_STORE_TIMEOUT_S")
    elif isinstance(exc, pymongo.errors.OperationFailure) and exc.code in (13, 18):
        message = (f"the MongoDB store at {where} refused access ({_short(exc.details, detail)}); check "
                   "the username, password and database in the store config")
    elif isinstance(exc, pymongo.errors.PyMongoError):
        message = (f"the MongoDB store at {where} failed ({type(exc).__name__}: {detail}); check the "
                   "server and the store config")
    elif isinstance(exc, sqlite3.Error):
        message = sqlite_error_message(exc, where)
    else:
        message = (f"the store at {where} failed ({type(exc).__name__}: {detail}); check the store "
                   "(--store / --store-config)")
    return redact(message, store_secrets(store))


def _timeout_s(store: Any) -> float:
    """The server-selection timeout of the first MongoDB member of ``store``, s."""
    for member in _member_stores(store):
        kwargs = getattr(member, "mongoclient_kwargs", None) or {}
        if "serverSelectionTimeoutMS" in kwargs:
            return float(kwargs["serverSelectionTimeoutMS"]) / 1000
    return 30.0  # pymongo's default


def _short(details: Any, fallback: str) -> str:
    if isinstance(details, dict) and details.get("errmsg"):
        return str(details["errmsg"])
    return fallback


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) < 240 else text[:237] + "..."


# ---------------------------------------------------------------------------- choosing and cleaning
def get_job_store(store_dir: str | Path | None = None, config: str | Path | None = None) -> JobStore:
    """The JobStore to use: an explicit config, else an explicit directory, else the settings.

    Nothing is contacted yet; call :func:`check_store` to fail early on an unreachable or
    read-only store.
    """
    if config is not None:
        return job_store_from_config(config)
    if store_dir is not None:
        return embedded_job_store(store_dir)
    settings = get_settings()
    if settings.store_config is not None:
        return job_store_from_config(settings.store_config)
    return embedded_job_store(settings.store)


def store_label(store_dir: str | Path | None = None, config: str | Path | None = None) -> str:
    """The absolute spec file or store directory that :func:`get_job_store` would open with these
    arguments (what a run records as its store)."""
    if config is None and store_dir is None:
        settings = get_settings()
        config = settings.store_config
        store_dir = settings.store if config is None else None
    return str(Path(config if config is not None else store_dir).expanduser().resolve())


def remove_flow_outputs(store: JobStore, flow_uuid: str, strict: bool = False) -> int:
    """Delete every document written by the jobs of a Flow (docs and additional stores).

    Jobs added at run time (MD chunks, fan-outs) carry the Flow's uuid in ``hosts`` too, so they
    are removed as well. Returns the number of job documents removed. Used as a rollback: a store
    that fails meanwhile (unreachable, read-only, full) is logged as one warning line and 0 is
    returned, so the error that caused the rollback stays the one reported; ``strict=True`` raises
    a one-line :class:`StoreError` instead.
    """
    try:
        with store_errors(store, everything=True):
            store.connect()
            uuids = list(store.docs_store.distinct("uuid", {"hosts": flow_uuid}))
            if not uuids:
                return 0
            for additional in store.additional_stores.values():  # blobs first: a job document
                written = {"job_uuid": {"$in": uuids}}            # left behind is still found
                if additional.count(written):  # montydb has no table until the first write
                    additional.remove_docs(written)
            store.docs_store.remove_docs({"uuid": {"$in": uuids}})
            return len(uuids)
    except StoreError as exc:
        if strict:
            raise
        logger.warning("could not remove the documents of flow %s (%s); remove them later with "
                       "'interfaceflow clean'", flow_uuid, exc)
        return 0
