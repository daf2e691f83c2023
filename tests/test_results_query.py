"""Queries over many studies: filters on headline fields, indexed get, DataFrames, tidy comparisons,
through Python and the CLI, on mongomock and on the embedded store."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cli_helpers import run_cli
from interfaceflow import Results
from interfaceflow.errors import StoreError
from interfaceflow.store import embedded_job_store

STORED = json.loads((Path(__file__).parent / "data" / "study_document_v2_2026-12.json").read_text())

#: (electrolyte, calculator, model, temperature_K, observed products, classification, thickness_A)
GRID = [
    ("Li6PS5Cl", "sevennet", "7net-0", 400.0, {"Li2S": 0.2, "Li3P": 0.05}, "passivating", 4.0),
    ("Li6PS5Cl", "mace", "small", 600.0, {"Li2S": 0.3, "Li3P": 0.1}, "passivating", 6.0),
    ("Li6PS5Cl", "chgnet", "0.3.0", 800.0, {"Li2S": 0.4}, "passivating", 9.0),
    ("Li10GeP2S12", "mace", "small", 600.0, {"Li2S": 0.2, "Li15Ge4": 0.1}, "MIEC", 12.0),
    ("LLZO", "mace", "small", 700.0, {}, "none", 0.0),
]


def constructed_study(k: int, electrolyte, calculator, model, temperature_K, products, classification,
                      thickness_A) -> dict:
    """The stored v2 document with other headline values (a job document as the store holds it)."""
    doc = copy.deepcopy(STORED)
    study_id = f"c0ffee{k:02d}" + str(uuid.UUID(int=k + 1))[8:]  # all share the prefix c0ffee
    out = doc["output"]
    out.update(study_id=study_id, electrolyte=electrolyte, calculator=calculator, model=model,
               temperature_K=temperature_K, name=f"study_{k}",
               created=datetime(2026, 12, 1) + timedelta(days=k))
    out["provenance"]["plugin"] = calculator
    out["analyses"]["products"].update(observed_products=products, classification=classification,
                                       interphase_thickness_A=thickness_A, growth_law="parabolic")
    doc.update(uuid=str(uuid.uuid4()), hosts=[study_id])
    return doc


def populate(store) -> list[str]:
    store.connect()
    docs = [constructed_study(k, *row) for k, row in enumerate(GRID)]
    for doc in docs:
        store.docs_store.update(doc, key=["uuid", "index"])
    return [doc["output"]["study_id"] for doc in docs]


@pytest.fixture(params=["mongomock", "embedded"])
def populated(request, tmp_path, memory_job_store):
    store = memory_job_store if request.param == "mongomock" else embedded_job_store(tmp_path / "store")
    return Results(store=store), populate(store), tmp_path / "store"


def test_filters_ranges_products_and_classification(populated):
    results, ids, _ = populated
    assert [s.study_id for s in results.find()] == ids[::-1]  # newest first
    assert {s.calculator for s in results.find(electrolyte="Li6PS5Cl")} == {"sevennet", "mace", "chgnet"}
    hot = results.find(min_temperature_K=600, max_temperature_K=700)
    assert sorted(s.temperature_K for s in hot) == [600.0, 600.0, 700.0]
    assert [s.electrolyte for s in results.find(product="Li15Ge4")] == ["Li10GeP2S12"]
    assert {s.study_id for s in results.find(product="Li3P")} == {ids[0], ids[1]}
    assert [s.electrolyte for s in results.find(classification="MIEC")] == ["Li10GeP2S12"]
    assert len(results.find(created_after="2026-12-03")) == 3
    assert len(results.find(created_before="2026-12-02T12:00")) == 2
    raw = results.find(criteria={"output.analyses.products.interphase_thickness_A": {"$gte": 9.0}})
    assert sorted(s.analyses.products.interphase_thickness_A for s in raw) == [9.0, 12.0]
    mace_sulfides = results.find(calculator="mace", min_temperature_K=600, product="Li2S")
    assert {s.electrolyte for s in mace_sulfides} == {"Li6PS5Cl", "Li10GeP2S12"}
    assert len(results.find(limit=2)) == 2


def test_get_by_prefix_is_one_lookup_and_ambiguity_is_an_error(populated):
    results, ids, _ = populated
    assert results.get(ids[3]).electrolyte == "Li10GeP2S12"
    assert results.get(ids[3][:8]).study_id == ids[3]  # a unique prefix
    with pytest.raises(StoreError, match="several studies"):
        results.get("c0ffee")
    with pytest.raises(StoreError, match="at least 6 characters"):
        results.get("0000")


def test_dataframe_and_tidy_comparison(populated):
    results, ids, _ = populated
    frame = results.to_dataframe(results.find(electrolyte="Li6PS5Cl"))
    assert len(frame) == 3
    assert {"interphase_thickness_A", "growth_law", "classification", "window_lower_V",
            "potential_step_V", "D_cm2_per_s[electrolyte,xyz]", "diffusion_status[electrolyte,xyz]"} <= set(frame)
    by_calc = frame.set_index("calculator")["interphase_thickness_A"].to_dict()
    assert by_calc == {"sevennet": 4.0, "mace": 6.0, "chgnet": 9.0}
    # the stored runs never reached the diffusive regime: D is empty, the status says why
    assert frame["D_cm2_per_s[electrolyte,xyz]"].isna().all()
    assert set(frame["diffusion_status[electrolyte,xyz]"]) == {"not_reached"}
    small = results.to_dataframe(fields=["name", "temperature_K"])
    assert list(small.columns) == ["name", "temperature_K"] and len(small) == len(GRID)
    with pytest.raises(StoreError, match="unknown fields"):
        results.to_dataframe(fields=["nope"])
    tidy = results.compare(ids[:3], what="products")
    li2s = tidy[tidy.phase == "Li2S"].set_index("calculator")["observed_gain"].to_dict()
    assert li2s == {"sevennet": 0.2, "mace": 0.3, "chgnet": 0.4}
    li3p = tidy[tidy.phase == "Li3P"].set_index("calculator")["observed_gain"]
    assert li3p.isna().tolist() == [False, False, True]  # CHGNet's run formed no Li3P
    assert set(results.compare(ids[:2], what="diffusion").status) == {"not_reached"}
    with pytest.raises(StoreError, match="unknown comparison"):
        results.compare(ids[:2], what="nope")


def test_the_cli_filters_and_formats_the_same_answers(tmp_path):
    store_dir = tmp_path / "store"
    ids = populate(embedded_job_store(store_dir))
    listed = run_cli("results", "--store", str(store_dir), "--calculator", "mace", "--min-temperature-K",
                     "650", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [row["electrolyte"] for row in json.loads(listed.stdout)] == ["LLZO"]
    csv = run_cli("results", "--store", str(store_dir), "--product", "Li3P", "--format", "csv",
                  "--fields", "name,calculator,interphase_thickness_A")
    assert csv.returncode == 0, csv.stderr
    lines = csv.stdout.strip().splitlines()
    assert lines[0] == "name,calculator,interphase_thickness_A"
    assert sorted(lines[1:]) == ["study_0,sevennet,4.0", "study_1,mace,6.0"]
    tidy = run_cli("compare", *ids[:3], "--what", "products", "--store", str(store_dir), "--json")
    assert tidy.returncode == 0, tidy.stderr
    rows = json.loads(tidy.stdout)
    assert {(r["calculator"], r["phase"]) for r in rows if r["observed_gain"]} == {
        ("sevennet", "Li2S"), ("sevennet", "Li3P"), ("mace", "Li2S"), ("mace", "Li3P"), ("chgnet", "Li2S")}
    bad = run_cli("results", "--store", str(store_dir), "--format", "xml")
    assert bad.returncode != 0 and "unknown --format 'xml'" in bad.stderr and "Traceback" not in bad.stderr
