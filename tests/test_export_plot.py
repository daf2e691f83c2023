"""``interfaceflow export`` and ``interfaceflow plot`` on a real finished study.

One toy Li|Li6PS5Cl study runs through the real CLI (as in test_end_to_end); a second study is
its copy in the same store under another id, model and temperature, so overlays have two studies.
Exports are re-read with ASE and the csv/json modules, PNGs are checked to be non-blank.
"""

from __future__ import annotations

import csv
import json
import shutil
import uuid

import numpy as np
import pytest

from cli_helpers import run_cli
from interfaceflow.analysis.fragment_labels import atom_fragment_labels
from interfaceflow.results import Results


def clone_study(store_dir, study_id: str, **changes) -> str:
    """Copy every job document of study ``study_id`` under a new id, changing study fields."""
    results = Results(store_dir=store_dir)
    docs_store = results.store.docs_store
    new_id = str(uuid.uuid4())
    docs = []
    for doc in docs_store.query({"hosts": study_id}):
        doc.pop("_id", None)
        doc["uuid"], doc["hosts"] = str(uuid.uuid4()), [new_id]
        output = doc.get("output")
        if isinstance(output, dict) and output.get("doc_type") == "interface_study":
            output.update(study_id=new_id, **changes)
        docs.append(doc)
    docs_store.update(docs, key=["uuid", "index"])
    return new_id


@pytest.fixture(scope="module")
def two_studies(tmp_path_factory, toy_study):
    """A copy of the session's toy study store, plus a clone of its study under another id."""
    source, summary = toy_study
    store = tmp_path_factory.mktemp("export") / "store"
    shutil.copytree(source, store)
    first = summary["study_id"]
    second = clone_study(store, first, model="7net-copy", temperature_K=500.0)
    return store, first, second


# ----------------------------------------------------------------------------------- export
def test_export_json_is_the_study_document(two_studies, tmp_path):
    store, first, _ = two_studies
    out = tmp_path / "study.json"
    proc = run_cli("export", first[:8], "--store", str(store), "--format", "json", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert doc["study_id"] == first and doc["doc_type"] == "interface_study"
    assert doc == json.loads(Results(store_dir=store).get(first).model_dump_json())


def test_export_csv_is_the_headline_row(two_studies, tmp_path):
    store, first, _ = two_studies
    out = tmp_path / "row.csv"
    proc = run_cli("export", first, "--store", str(store), "--format", "csv", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    assert rows[0]["study_id"] == first and rows[0]["electrolyte"] == "Li6PS5Cl"
    assert float(rows[0]["temperature_K"]) == Results(store_dir=store).get(first).temperature_K


def test_export_extxyz_reads_back_with_region_and_fragment_labels(two_studies, tmp_path):
    from ase.io import read

    store, first, _ = two_studies
    out = tmp_path / "traj.extxyz"
    proc = run_cli("export", first, "--store", str(store), "--format", "extxyz", "--stride", "2",
                   "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    study = Results(store_dir=store).get(first)
    expected = study.trajectory(slice(None, None, 2))
    frames = read(out, index=":")
    assert len(frames) == len(expected) == (study.md.n_frames + 1) // 2
    for got, want in zip(frames, expected):
        assert list(got.numbers) == list(want.numbers)
        np.testing.assert_allclose(got.positions, want.positions, atol=1e-6)
        np.testing.assert_allclose(got.cell.array, want.cell.array, atol=1e-6)
        assert list(got.arrays["region"]) == list(want.arrays["region"])
        assert len(got.arrays["fragment"]) == len(got)
    labels = set(frames[0].arrays["fragment"])
    assert "PS4" in labels and labels & {"Li0", "Li+1"}  # thiophosphate anions and Li states
    assert set(frames[0].arrays["region"]) == {"electrode", "electrolyte"}
    li = frames[0].numbers == 3
    assert all(label.startswith("Li") for label in frames[0].arrays["fragment"][li])


def test_export_errors_are_one_line(two_studies, tmp_path):
    store, first, _ = two_studies
    proc = run_cli("export", first, "--store", str(store), "--format", "pdb", "-o", str(tmp_path / "x"))
    assert proc.returncode != 0
    assert proc.stderr.strip().count("\n") == 0 and "unknown export format 'pdb'" in proc.stderr


def test_atom_fragment_labels_of_a_thiophosphate_and_metallic_li():
    p, s = [10.0, 10.0, 10.0], 2.05 / np.sqrt(3)
    positions = [p] + [[10 + a * s, 10 + b * s, 10 + a * b * s] for a, b in ((1, 1), (1, -1), (-1, 1), (-1, -1))]
    positions += [[2.0, 2.0, 2.0], [4.6, 2.0, 2.0]]  # two Li, far from PS4 and 2.6 Å apart
    labels = atom_fragment_labels([15, 16, 16, 16, 16, 3, 3], positions, np.eye(3) * 20.0, True)
    assert list(labels) == ["PS4"] * 5 + ["Li0", "Li0"]


# ------------------------------------------------------------------------------------- plot
def _non_blank(path) -> bool:
    from matplotlib.image import imread

    return path.is_file() and float(np.std(imread(path))) > 0


def test_plot_overlays_two_studies(two_studies, tmp_path):
    from interfaceflow.plots_compare import plot_studies, study_label

    store, first, second = two_studies
    results = Results(store_dir=store)
    plots = plot_studies(results, [first, second], "all", tmp_path)
    assert [p.what for p in plots] == ["products", "profiles", "msd"]  # no Arrhenius in a toy run
    for plot in plots:
        assert plot.path == tmp_path / f"{plot.what}.png" and _non_blank(plot.path)
        for study_id in (first, second):
            label = study_label(results.get(study_id))
            assert any(text.startswith(label) for text in plot.labels), (plot.what, plot.labels)


def test_plot_cli_writes_pngs_and_names_what_a_study_has(two_studies, tmp_path):
    store, first, second = two_studies
    proc = run_cli("plot", first, second, "--store", str(store), "--what", "profiles", "-o", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(tmp_path / "profiles.png")] and _non_blank(tmp_path / "profiles.png")
    proc = run_cli("plot", first, "--store", str(store), "--what", "arrhenius", "-o", str(tmp_path))
    assert proc.returncode != 0 and proc.stderr.strip().count("\n") == 0
    assert f"study {first[:8]} has no arrhenius data; it has: products, profiles, msd" in proc.stderr
