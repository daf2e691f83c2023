"""A maggma ``Store`` in one SQLite file with real indexes: the embedded default of interfaceflow.

montydb (the previous embedded backend) has no indexes: every query decodes every document, and
every upsert scans the collection, so a store of 10,000 studies took seconds per query and minutes
per write. Here documents are BSON blobs (datetimes survive) in one table, and every indexed path
(jobflow's ``uuid``/``index``/``hosts``, the study-document query fields, any ``ensure_index``) has
its values in an ``(path, value)`` index table. A query narrows the candidates with SQL on the
indexed conditions it contains, then applies the full MongoDB criteria, sort, skip, limit and
projection with mongomock, so the semantics are MongoDB's whatever the query. WAL mode and a busy
timeout let several processes read and write the same file.

A file (or directory) that cannot be written is opened read-only: queries work, writes raise a
one-line :class:`~interfaceflow.errors.StoreError`. Every SQLite or OS failure (full disk, locked,
corrupt, unreadable) becomes such an error, naming the file and the fix.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import bson
import mongomock
from maggma.core import Sort, Store
from monty.json import jsanitize

from interfaceflow.errors import StoreError

#: Paths indexed in every store (jobflow's job keys and the data store's blob keys).
BASE_INDEXES = ("uuid", "index", "hosts", "job_uuid", "blob_uuid", "output.doc_type")
#: Seconds a writer waits for another process's transaction before failing.
BUSY_TIMEOUT_S = 60.0
#: Most values one ``$in``/``$nin`` condition sends to SQLite (its limit is 32766 variables).
MAX_SQL_VALUES = 30000
_RANGE_OPS = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}


class _Rows(list):
    """The fetched rows of one statement, with the cursor methods the store uses."""

    def __init__(self, rows: list, lastrowid: int | None):
        super().__init__(rows)
        self.lastrowid = lastrowid

    def fetchall(self) -> list:
        return list(self)

    def fetchone(self):
        return self[0] if self else None


class SQLiteStore(Store):
    """Documents of one collection in a SQLite file, queried with MongoDB criteria."""

    def __init__(self, path: str | Path, collection_name: str, key: str = "task_id",
                 read_only: bool | None = None, **kwargs: Any):
        """``path``: the SQLite file (created on connect); ``collection_name``: table prefix;
        ``read_only``: True opens the file read-only, None (default) does so when the file or its
        directory cannot be written."""
        self.path = str(path)
        self.collection_name = collection_name
        self.read_only = read_only
        self.kwargs = kwargs
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._indexed_paths: set[str] | None = None
        #: Why the open connection is read-only (None: it can write).
        self.read_only_reason: str | None = None
        self._write_refusal: str | None = None
        super().__init__(key=key, **kwargs)

    # ------------------------------------------------------------------ maggma Store API
    @property
    def name(self) -> str:
        return f"sqlite://{self.path}#{self.collection_name}"

    @property
    def _collection(self):
        return self  # maggma's MongoStore helpers are not used; the store is its own collection

    def connect(self, force_reset: bool = False) -> None:
        if self._conn is not None and not force_reset:
            return
        self.close()
        refusal = None  # why writes are refused, as the one-line message they raise
        with self._errors():
            reason = "opened read-only" if self.read_only else None
            if self.read_only is None:
                reason = _read_only_reason(Path(self.path))
            if reason is None:
                try:
                    self._conn = self._open_writable()
                except sqlite3.Error as exc:
                    if self.read_only is not None or not _cannot_write(exc) or not Path(self.path).is_file():
                        raise
                    reason = f"cannot write it: {' '.join(str(exc).split())}"
                    if not getattr(exc, "sqlite_errorname", "").startswith("SQLITE_READONLY"):
                        refusal = sqlite_error_message(exc, self.path)  # full disk, I/O error
            if reason is not None:
                self._conn = self._open_read_only()
            self.read_only_reason = reason
            self._write_refusal = refusal
            self._indexed_paths = None
        if reason is None:
            for path in (*BASE_INDEXES, self.key):
                self.ensure_index(path)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def check_writable(self) -> None:
        """Raise a one-line :class:`StoreError` unless this store can be written."""
        self.connect()
        if self._write_refusal is not None:
            raise StoreError(self._write_refusal)
        if self.read_only_reason is not None:
            raise StoreError(
                f"store {self.path} is read-only ({self.read_only_reason}); 'results' and 'show' can "
                "read it, but a run writes: choose a writable store with --store DIR or INTERFACEFLOW_STORE"
            )

    def count(self, criteria: dict | None = None, hint: dict | None = None) -> int:
        where, params, exact = self._prefilter(criteria or {})
        if exact:  # no document needs decoding
            return self._sql(f"SELECT COUNT(*) FROM {self._table}_docs {where}", params).fetchone()[0]
        return sum(1 for _ in self._matching(criteria))

    def query(self, criteria: dict | None = None, properties: dict | list | None = None,
              sort: dict[str, Sort | int] | None = None, hint: dict | None = None, skip: int = 0,
              limit: int = 0, **kwargs: Any) -> Iterator[dict]:
        criteria = criteria or {}
        order = [(k, Sort(v).value if isinstance(v, int) else v.value) for k, v in (sort or {}).items()]
        where, params, exact = self._prefilter(criteria)
        if exact and all(path in self._indexed() for path, _ in order):
            # the SQL is the whole query: order, skip and limit there, decode only what is returned
            joins = "".join(
                f" LEFT JOIN (SELECT doc_id, MIN(value) AS v FROM {self._table}_fields WHERE path = ? "
                f"GROUP BY doc_id) AS s{k} ON s{k}.doc_id = id" for k in range(len(order)))
            order_sql = "".join(f"s{k}.v {'ASC' if d > 0 else 'DESC'}, " for k, (_, d) in enumerate(order))
            sql = (f"SELECT doc FROM {self._table}_docs{joins} {where} ORDER BY {order_sql}id "
                   f"LIMIT {int(limit) if limit else -1} OFFSET {int(skip)}")
            rows = self._sql(sql, (*(path for path, _ in order), *params)).fetchall()
            docs = [bson.decode(blob) for (blob,) in rows]
        else:
            docs = [doc for _, doc in self._matching(criteria)]
            for path, direction in reversed(order):
                docs.sort(key=lambda d, p=path: _sort_key(_lookup(d, p)), reverse=direction < 0)
            docs = docs[skip:skip + limit] if limit else docs[skip:]
        return iter([_project(doc, properties) for doc in docs])

    def distinct(self, field: str, criteria: dict | None = None, all_exist: bool = False) -> list:
        values: list = []
        for _, doc in self._matching(criteria or {}):
            found = _lookup(doc, field)
            for value in found if isinstance(found, list) else [found]:
                if value is not None and value not in values:
                    values.append(value)
        return values

    def update(self, docs: list[dict] | dict, key: list | str | None = None) -> None:
        docs = docs if isinstance(docs, list) else [docs]
        key = key or self.key
        keys = key if isinstance(key, list) else [key]
        with self._transaction():
            for raw in docs:
                doc = jsanitize(raw, allow_bson=True, recursive_msonable=True)
                doc.pop("_id", None)
                for doc_id, _ in list(self._matching({k: doc.get(k) for k in keys})):
                    self._delete(doc_id)
                self._insert(doc)

    def remove_docs(self, criteria: dict) -> None:
        with self._transaction():
            for doc_id, _ in list(self._matching(criteria)):
                self._delete(doc_id)

    def ensure_index(self, key: str, unique: bool | None = False) -> bool:
        with self._lock:
            if key in self._indexed():
                return True
            if self.read_only_reason is not None:
                return False  # a read-only file keeps the indexes it has
            with self._transaction():
                self._sql(f"INSERT OR IGNORE INTO {self._table}_indexes (path) VALUES (?)", (key,))
                for doc_id, blob in self._sql(f"SELECT id, doc FROM {self._table}_docs").fetchall():
                    self._index_values(doc_id, key, bson.decode(blob))
            self._indexed_paths = None
            return True

    def groupby(self, keys: list[str] | str, criteria: dict | None = None, properties: dict | list | None = None,
                sort: dict | None = None, skip: int = 0, limit: int = 0) -> Iterator[tuple[dict, list[dict]]]:
        keys = [keys] if isinstance(keys, str) else keys
        groups: dict[str, tuple[dict, list[dict]]] = {}
        for doc in self.query(criteria, properties=None, sort=sort):
            group = {k: _lookup(doc, k) for k in keys}
            groups.setdefault(repr(sorted(group.items())), (group, []))[1].append(doc)
        items = list(groups.values())[skip:]
        return iter(items[:limit] if limit else items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SQLiteStore) and (self.path, self.collection_name) == (
            other.path, other.collection_name)

    def __hash__(self) -> int:
        return hash((self.path, self.collection_name))

    # ------------------------------------------------------------------ internals
    @property
    def _table(self) -> str:
        return "".join(c if c.isalnum() else "_" for c in self.collection_name)

    def _sql(self, statement: str, params: tuple = ()) -> _Rows:
        """Run one statement and fetch its rows (SQLite failures become :class:`StoreError`)."""
        if self._conn is None:
            self.connect()
        with self._lock, self._errors():
            cursor = self._conn.execute(statement, params)
            return _Rows(cursor.fetchall(), cursor.lastrowid)

    def _open_writable(self) -> sqlite3.Connection:
        """A read-write connection in WAL mode, with the tables created if needed.

        Processes that create the same new file at once can deadlock while it is still in rollback
        mode, where SQLite answers SQLITE_BUSY at once instead of waiting; the setup is then retried
        until ``BUSY_TIMEOUT_S`` has passed."""
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False,
                                   isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(_schema(self._table))
                return conn
            except sqlite3.OperationalError as exc:
                conn.close()
                busy = getattr(exc, "sqlite_errorname", "").startswith("SQLITE_BUSY")
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0.01, 0.1))
            except BaseException:
                conn.close()
                raise

    def _open_read_only(self) -> sqlite3.Connection:
        """A read-only connection. Where SQLite cannot set up the WAL index (read-only directory,
        full disk) and no committed data waits in the WAL file, the file is opened ``immutable``.
        Missing tables are created empty in the TEMP schema."""
        uri = Path(self.path).resolve().as_uri()
        for options in ("mode=ro", "immutable=1"):
            conn = sqlite3.connect(f"{uri}?{options}", uri=True, timeout=BUSY_TIMEOUT_S,
                                   check_same_thread=False, isolation_level=None)
            try:
                tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
                break
            except sqlite3.OperationalError as exc:
                conn.close()
                name = getattr(exc, "sqlite_errorname", "")
                if options != "mode=ro" or not name.startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR")) \
                        or _wal_has_data(Path(self.path)):
                    raise
        if f"{self._table}_docs" not in tables:
            conn.executescript(_schema(self._table, "TEMP "))
        return conn

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction (``BEGIN IMMEDIATE``), rolled back on any failure."""
        with self._lock:
            self.check_writable()
            self._sql("BEGIN IMMEDIATE")
            try:
                yield
                self._sql("COMMIT")
            except BaseException:
                if self._conn is not None and self._conn.in_transaction:
                    try:
                        self._conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # SQLite already rolled back (full disk, I/O error)
                raise

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn SQLite and OS failures into one-line :class:`StoreError` naming the file."""
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(sqlite_error_message(exc, self.path)) from exc
        except OSError as exc:
            raise StoreError(f"cannot use the store file {self.path} ({exc.strerror or exc}); "
                             "choose another store with --store DIR or INTERFACEFLOW_STORE") from exc

    def _indexed(self) -> set[str]:
        if self._indexed_paths is None:
            self._indexed_paths = {row[0] for row in self._sql(f"SELECT path FROM {self._table}_indexes")}
        return self._indexed_paths

    def _insert(self, doc: dict) -> None:
        doc_id = self._sql(f"INSERT INTO {self._table}_docs (doc) VALUES (?)", (bson.encode(doc),)).lastrowid
        for path in self._indexed():
            self._index_values(doc_id, path, doc)

    def _index_values(self, doc_id: int, path: str, doc: dict) -> None:
        value = _lookup(doc, path)
        for item in value if isinstance(value, list) else [value]:
            if item is not None and not isinstance(item, dict):
                self._sql(f"INSERT INTO {self._table}_fields (doc_id, path, value) VALUES (?, ?, ?)",
                          (doc_id, path, _sql_value(item)))

    def _delete(self, doc_id: int) -> None:
        self._sql(f"DELETE FROM {self._table}_docs WHERE id = ?", (doc_id,))
        self._sql(f"DELETE FROM {self._table}_fields WHERE doc_id = ?", (doc_id,))

    def _matching(self, criteria: dict) -> Iterator[tuple[int, dict]]:
        """(id, document) of every document that satisfies ``criteria`` (SQL prefilter + mongomock)."""
        where, params, exact = self._prefilter(criteria)
        rows = self._sql(f"SELECT id, doc FROM {self._table}_docs {where}", params).fetchall()
        for doc_id, blob in rows:
            doc = bson.decode(blob)
            if exact or mongomock.filtering.filter_applies(criteria, doc):
                yield doc_id, doc

    def _prefilter(self, criteria: dict) -> tuple[str, tuple, bool]:
        """SQL over the index table for the indexed top-level conditions of ``criteria``, and
        whether that SQL is the whole of ``criteria`` (no document needs testing afterwards)."""
        clauses, params, exact = [], [], True
        indexed = self._indexed()
        for path, condition in criteria.items():
            sql = None if path.startswith("$") or path not in indexed else _condition_sql(condition)
            if sql is None:
                exact = False
                continue
            test, values = sql
            negate = "NOT " if test.startswith("NOT ") else ""
            test = test.removeprefix("NOT ")
            clauses.append(f"id {negate}IN (SELECT doc_id FROM {self._table}_fields WHERE path = ? "
                           f"AND value {test})")
            params.extend([path, *values])
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params), exact


def _schema(table: str, temp: str = "") -> str:
    """The tables of one collection (``temp="TEMP "``: in the connection's temporary schema)."""
    return f"""
        CREATE {temp}TABLE IF NOT EXISTS {table}_docs (id INTEGER PRIMARY KEY, doc BLOB NOT NULL);
        CREATE {temp}TABLE IF NOT EXISTS {table}_fields (doc_id INTEGER NOT NULL, path TEXT NOT NULL, value);
        CREATE INDEX IF NOT EXISTS {'temp.' if temp else ''}{table}_fields_pv ON {table}_fields (path, value);
        CREATE INDEX IF NOT EXISTS {'temp.' if temp else ''}{table}_fields_doc ON {table}_fields (doc_id);
        CREATE {temp}TABLE IF NOT EXISTS {table}_indexes (path TEXT PRIMARY KEY);
    """


def _read_only_reason(path: Path) -> str | None:
    """Why ``path`` (an existing SQLite file) must be opened read-only, or None."""
    if not path.is_file():
        return None
    if os.statvfs(path).f_flag & os.ST_RDONLY:
        return f"its file system ({path.parent}) is mounted read-only"
    if not os.access(path, os.W_OK):
        return "the file is not writable"
    if not os.access(path.parent, os.W_OK):
        return f"its directory {path.parent} is not writable"
    return None


def _wal_has_data(path: Path) -> bool:
    """True when the WAL file next to ``path`` holds frames (commits not yet in the database)."""
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def _cannot_write(exc: sqlite3.Error) -> bool:
    """True for the errors of opening an existing file for writing where reading may still work
    (read-only file or directory, full disk, no room for the WAL index)."""
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_FULL", "SQLITE_IOERR"))


#: One-line explanation and fix of SQLite failures, by error-name prefix ({path}: the file).
_SQLITE_FIXES = (
    ("SQLITE_FULL", "store {path} is full ({msg}): its disk or quota has no room left; free space "
                    "there or choose another store with --store DIR"),
    ("SQLITE_READONLY", "store {path} cannot be written ({msg}); 'results' and 'show' can read it, but "
                        "a run writes: choose a writable store with --store DIR or INTERFACEFLOW_STORE"),
    ("SQLITE_BUSY", "store {path} stayed locked by another process for over {busy:g} s; let that "
                    "process finish (or stop it) and retry"),
    ("SQLITE_LOCKED", "store {path} stayed locked by another process for over {busy:g} s; let that "
                      "process finish (or stop it) and retry"),
    ("SQLITE_CANTOPEN", "cannot open or create the store file {path} ({msg}); check that its "
                        "directory exists and is writable, or choose another store with --store DIR"),
    ("SQLITE_NOTADB", "store file {path} is not an interfaceflow store ({msg}); move it away or "
                      "choose another store with --store DIR"),
    ("SQLITE_CORRUPT", "store file {path} is damaged ({msg}); restore it from a backup or choose "
                       "another store with --store DIR"),
    ("SQLITE_IOERR", "store {path} hit a disk I/O error ({msg}); check that its disk is not full or "
                     "failing, or choose another store with --store DIR"),
)


def _disk_full(path: str) -> bool:
    """True when the file system of ``path`` has less than 1 MiB free."""
    try:
        return shutil.disk_usage(Path(path).parent).free < 2**20
    except OSError:
        return False


def sqlite_error_message(exc: sqlite3.Error, path: str) -> str:
    """One line naming the problem of store file ``path`` and its fix."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    msg = " ".join(str(exc).split())
    if name.startswith("SQLITE_IOERR") and _disk_full(path):
        name, msg = "SQLITE_FULL", f"no space left on its disk; {msg}"
    for prefix, template in _SQLITE_FIXES:
        if name.startswith(prefix):
            return template.format(path=path, msg=msg, busy=BUSY_TIMEOUT_S)
    return (f"store {path} failed ({name or type(exc).__name__}: {msg}); choose another store with "
            "--store DIR, or report this with the file")


def _condition_sql(condition: Any) -> tuple[str, list] | None:
    """The SQL test of one condition on an indexed path, or None when only mongomock can test it.
    A test starting with ``NOT`` selects the documents *without* a value that passes the rest."""
    if isinstance(condition, dict):
        if "$nin" in condition and len(condition) == 1 and all(_plain(v) for v in condition["$nin"]):
            values = [_sql_value(v) for v in condition["$nin"]]
            if len(values) > MAX_SQL_VALUES:
                return None
            return (f"NOT IN ({', '.join('?' * len(values))})", values) if values else ("NOT IN (NULL)", [])
        if "$in" in condition and len(condition) == 1 and all(_plain(v) for v in condition["$in"]):
            values = [_sql_value(v) for v in condition["$in"]]
            if len(values) > MAX_SQL_VALUES:
                return None
            return (f"IN ({', '.join('?' * len(values))})", values) if values else ("IN (NULL)", [])
        if condition and set(condition) <= set(_RANGE_OPS) and all(_plain(v) for v in condition.values()):
            tests = [f"{_RANGE_OPS[op]} ?" for op in condition]
            return " AND value ".join(tests), [_sql_value(v) for v in condition.values()]
        return None
    return ("= ?", [_sql_value(condition)]) if _plain(condition) and condition is not None else None


def _sort_key(value: Any) -> tuple:
    """MongoDB-like order across types: missing first, then numbers, strings, dates, the rest."""
    if value is None:
        return (0, 0)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    if isinstance(value, datetime):
        return (3, value.replace(tzinfo=None))
    return (4, repr(value))


def _project(doc: dict, properties: dict | list | None) -> dict:
    """The included dotted paths of ``doc`` (MongoDB projection by inclusion; None keeps all)."""
    if not properties:
        return doc
    paths = properties if isinstance(properties, list) else [p for p, keep in properties.items() if keep]
    if isinstance(properties, dict) and not paths:  # exclusion projection: let mongomock do it
        view = mongomock.MongoClient().db.view
        view.insert_one(doc)
        return view.find_one({}, properties)
    out: dict = {}
    for path in paths:
        _copy_path(doc, out, path.split("."))
    return out


def _copy_path(src: Any, dst: dict, parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if not isinstance(src, dict) or head not in src:
        return
    if not rest:
        dst[head] = src[head]
    elif isinstance(src[head], dict):
        _copy_path(src[head], dst.setdefault(head, {}), rest)
    elif isinstance(src[head], list):
        items = dst.setdefault(head, [{} for _ in src[head]])
        for item, target in zip(src[head], items):
            _copy_path(item, target, rest)


def _plain(value: Any) -> bool:
    return isinstance(value, (str, int, float, datetime)) and not isinstance(value, bool)


def _sql_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (str, int, float)):
        return value
    return str(value)


def _lookup(doc: Any, path: str) -> Any:
    """The value at a dotted ``path`` (a list when the path crosses a list of documents)."""
    value = doc
    for part in path.split("."):
        if isinstance(value, list):
            value = [v.get(part) for v in value if isinstance(v, dict)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value
