"""A maggma ``Store`` in one SQLite file with real indexes: the embedded default of interfaceflow.

montydb (the previous embedded backend) has no indexes: every query decodes every document, and
every upsert scans the collection, so a store of 10,000 studies took seconds per query and minutes
per write. Here documents are BSON blobs (datetimes survive) in one table, and every indexed path
(jobflow's ``uuid``/``index``/``hosts``, the study-document query fields, any ``ensure_index``) has
its values in an ``(path, value)`` index table. A query narrows the candidates with SQL on the
indexed conditions it contains, then applies the full MongoDB criteria, sort, skip, limit and
projection with mongomock, so the semantics are MongoDB's whatever the query. WAL mode and a busy
timeout let several processes read and write the same file.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import bson
import mongomock
from maggma.core import Sort, Store
from monty.json import jsanitize

#: Paths indexed in every store (jobflow's job keys and the data store's blob keys).
BASE_INDEXES = ("uuid", "index", "hosts", "job_uuid", "blob_uuid", "output.doc_type")
#: Seconds a writer waits for another process's transaction before failing.
BUSY_TIMEOUT_S = 60.0
_RANGE_OPS = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}


class SQLiteStore(Store):
    """Documents of one collection in a SQLite file, queried with MongoDB criteria."""

    def __init__(self, path: str | Path, collection_name: str, key: str = "task_id", **kwargs: Any):
        """``path``: the SQLite file (created on connect); ``collection_name``: table prefix."""
        self.path = str(path)
        self.collection_name = collection_name
        self.kwargs = kwargs
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._indexed_paths: set[str] | None = None
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
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False,
                               isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        t = self._table
        conn.executescript(f"""
            CREATE TABLE IF NOT EXISTS {t}_docs (id INTEGER PRIMARY KEY, doc BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS {t}_fields (doc_id INTEGER NOT NULL, path TEXT NOT NULL, value);
            CREATE INDEX IF NOT EXISTS {t}_fields_pv ON {t}_fields (path, value);
            CREATE INDEX IF NOT EXISTS {t}_fields_doc ON {t}_fields (doc_id);
            CREATE TABLE IF NOT EXISTS {t}_indexes (path TEXT PRIMARY KEY);
        """)
        self._conn = conn
        self._indexed_paths = None
        for path in (*BASE_INDEXES, self.key):
            self.ensure_index(path)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def count(self, criteria: dict | None = None, hint: dict | None = None) -> int:
        if not criteria:
            return self._sql(f"SELECT COUNT(*) FROM {self._table}_docs").fetchone()[0]
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
        with self._lock:
            self._sql("BEGIN IMMEDIATE")
            try:
                for raw in docs:
                    doc = jsanitize(raw, allow_bson=True, recursive_msonable=True)
                    doc.pop("_id", None)
                    for doc_id, _ in list(self._matching({k: doc.get(k) for k in keys})):
                        self._delete(doc_id)
                    self._insert(doc)
                self._sql("COMMIT")
            except BaseException:
                self._sql("ROLLBACK")
                raise

    def remove_docs(self, criteria: dict) -> None:
        with self._lock:
            self._sql("BEGIN IMMEDIATE")
            try:
                for doc_id, _ in list(self._matching(criteria)):
                    self._delete(doc_id)
                self._sql("COMMIT")
            except BaseException:
                self._sql("ROLLBACK")
                raise

    def ensure_index(self, key: str, unique: bool | None = False) -> bool:
        with self._lock:
            if key in self._indexed():
                return True
            self._sql("BEGIN IMMEDIATE")
            try:
                self._sql(f"INSERT OR IGNORE INTO {self._table}_indexes (path) VALUES (?)", (key,))
                for doc_id, blob in self._sql(f"SELECT id, doc FROM {self._table}_docs").fetchall():
                    self._index_values(doc_id, key, bson.decode(blob))
                self._sql("COMMIT")
            except BaseException:
                self._sql("ROLLBACK")
                raise
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

    def _sql(self, statement: str, params: tuple = ()) -> sqlite3.Cursor:
        if self._conn is None:
            self.connect()
        with self._lock:
            return self._conn.execute(statement, params)

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
            clauses.append(f"id IN (SELECT doc_id FROM {self._table}_fields WHERE path = ? AND value {test})")
            params.extend([path, *values])
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params), exact


def _condition_sql(condition: Any) -> tuple[str, list] | None:
    """The SQL test of one condition on an indexed path, or None when only mongomock can test it."""
    if isinstance(condition, dict):
        if "$in" in condition and len(condition) == 1 and all(_plain(v) for v in condition["$in"]):
            values = [_sql_value(v) for v in condition["$in"]]
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
