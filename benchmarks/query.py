"""Benchmark: queries over 10,000 stored studies (embedded SQLite store, mongomock, old montydb path).

Every store holds the same N study documents (the stored schema-2 document of
``tests/data/study_document_v2_2026-12.json`` with varied electrolyte, calculator, temperature and
date; about 20 kB each, as real ones). Timed, best of ``--repeats``:

- filtered query: ``Results.find(calculator="mace", electrolyte="Li6PS5Cl", min_temperature_K=600)``
  (Li | argyrodite at >= 600 K with MACE: N/24 studies), parsed into typed documents;
- ``Results.get`` by an 8-character id prefix;
- ``Results.to_dataframe`` of 1,000 studies (the newest, from ``find(limit=1000)``; only the
  DataFrame construction is timed).

Baseline, measured in the same run: the same filtered query as interfaceflow did it before the
indexed store (montydb collections, ``query(..., load=True)``, every document parsed), on the same
N documents. Last line: ``query_10k_seconds=<s>``, the filtered query on the embedded store.
Run: ``python benchmarks/query.py [--studies 10000 --repeats 3]``.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from jobflow import JobStore
from maggma.stores import MemoryStore, MontyStore

from interfaceflow.results import Results
from interfaceflow.store import embedded_job_store
from interfaceflow.workflows.summary import STUDY_DOC_TYPE, InterfaceStudyDocument

STORED = Path(__file__).resolve().parents[1] / "tests" / "data" / "study_document_v2_2026-12.json"
ELECTROLYTES = ("Li6PS5Cl", "LLZO", "Li10GeP2S12", "beta-Li3PS4")
CALCULATORS = ("sevennet", "mace", "chgnet")
FILTER = {"calculator": "mace", "electrolyte": "Li6PS5Cl", "min_temperature_K": 600.0}


def documents(n: int) -> list[dict]:
    """``n`` job documents of studies with varied headline fields (deterministic)."""
    template = json.loads(STORED.read_text())
    rng = random.Random(0)
    docs = []
    for k in range(n):
        doc = copy.deepcopy(template)
        out = doc["output"]
        out.update(study_id=str(uuid.UUID(int=rng.getrandbits(128))),
                   electrolyte=ELECTROLYTES[k % 4], calculator=CALCULATORS[k % 3],
                   temperature_K=300.0 + 100.0 * (k % 8), created=datetime(2026, 1, 1) + timedelta(minutes=k))
        doc.update(uuid=str(uuid.uuid4()), hosts=[out["study_id"]])
        docs.append(doc)
    return docs


def expected_matches(docs: list[dict]) -> int:
    """How many documents the filter must return (counted in Python)."""
    return sum(1 for d in docs if d["output"]["calculator"] == FILTER["calculator"]
               and d["output"]["electrolyte"] == FILTER["electrolyte"]
               and d["output"]["temperature_K"] >= FILTER["min_temperature_K"])


def best_of(repeats: int, func):
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return min(times), result


def time_store(label: str, store: JobStore, docs: list[dict], repeats: int) -> float:
    t0 = time.perf_counter()
    store.connect()
    store.docs_store.update(docs, key=["uuid", "index"])
    print(f"{label}: stored {len(docs)} studies in {time.perf_counter() - t0:.1f} s")
    results = Results(store=store)
    t_find, found = best_of(repeats, lambda: results.find(**FILTER))
    prefix = docs[len(docs) // 2]["output"]["study_id"][:8]
    t_get, one = best_of(repeats, lambda: results.get(prefix))
    newest = results.find(limit=1000)
    t_frame, frame = best_of(repeats, lambda: results.to_dataframe(newest))
    assert len(found) == expected_matches(docs) and one.study_id.startswith(prefix)
    assert len(frame) == min(1000, len(docs))
    print(f"{label}: filtered query {t_find:.3f} s ({len(found)} studies), get by prefix {t_get * 1000:.1f} ms, "
          f"to_dataframe(1000) {t_frame:.3f} s")
    return t_find


def time_old_path(docs: list[dict], directory: Path, repeats: int) -> float:
    """The filtered query of the previous version: montydb, no index, every document loaded."""
    stores = {name: MontyStore(name, database_path=str(directory), database_name="interfaceflow",
                               storage="sqlite") for name in ("outputs", "outputs_data")}
    store = JobStore(stores["outputs"], additional_stores={"data": stores["outputs_data"]})
    store.connect()
    t0 = time.perf_counter()
    store.docs_store._collection.insert_many(copy.deepcopy(docs))  # maggma's upsert is O(N^2) here
    print(f"montydb (before): stored {len(docs)} studies in {time.perf_counter() - t0:.1f} s")
    criteria = {"output.doc_type": STUDY_DOC_TYPE, "output.calculator": "mace", "output.electrolyte": "Li6PS5Cl"}

    def old_find():
        found = [InterfaceStudyDocument(**d["output"]) for d in store.query(criteria, properties=["output"], load=True)]
        return [s for s in found if s.temperature_K >= 600.0]

    t_old, found = best_of(repeats, old_find)
    assert len(found) == expected_matches(docs)
    print(f"montydb (before): filtered query {t_old:.3f} s ({len(found)} studies)")
    return t_old


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    docs = documents(args.studies)
    size_kb = len(json.dumps(docs[0], default=str)) / 1024
    print(f"system: {args.studies} study documents of {size_kb:.0f} kB")
    with tempfile.TemporaryDirectory() as tmp:
        t_embedded = time_store("embedded (SQLite)", embedded_job_store(Path(tmp) / "store"), docs, args.repeats)
        time_store("mongomock", JobStore(MemoryStore(), additional_stores={"data": MemoryStore()}), docs,
                   args.repeats)
        t_old = time_old_path(docs, Path(tmp) / "old", args.repeats)
    print(f"speedup of the filtered query over the previous embedded store: {t_old / t_embedded:.1f}x")
    print(f"query_10k_seconds={t_embedded:.3f}")


if __name__ == "__main__":
    main()
