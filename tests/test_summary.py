"""The study document holds typed summaries built by each job document's own summary method."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pymatgen.core import Lattice, Structure

from interfaceflow.workflows.build import BuildSummary, InterfaceBuildDocument
from interfaceflow.workflows.summary import STUDY_SCHEMA_VERSION, InterfaceStudyDocument, summarise

DATA = Path(__file__).parent / "data"


def test_build_summary_flattens_the_report_and_drops_the_structure():
    structure = Structure(Lattice.cubic(3.0), ["Li"], [[0, 0, 0]])
    doc = InterfaceBuildDocument(structure=structure, regions=["electrode"], interface_z_A=[1.5],
                                 n_atoms=1, report={"strain_pct": {"electrode": 0.7}, "area_A2": 97.1})
    summary = doc.summary()
    assert isinstance(summary, BuildSummary)
    assert summary.n_atoms == 1 and summary.interface_z_A == [1.5]
    assert summary.strain_pct == {"electrode": 0.7} and summary.area_A2 == 97.1
    assert "structure" not in summary.model_dump()
    # a resolved job output arrives as a dict: the same summary comes out of it
    assert summarise("build", doc.model_dump()) == summary


def test_schema_1_documents_are_read_into_the_typed_summaries():
    stored = json.loads((DATA / "study_document_2026-12.json").read_text())["output"]
    study = InterfaceStudyDocument.model_validate(stored)
    assert study.schema_version == STUDY_SCHEMA_VERSION
    assert study.build.strain_pct["electrode"] == pytest.approx(0.723)
    assert study.md.simulated_time_ps == pytest.approx(0.4)
    products = study.analyses.products
    assert products.observed_products == stored["analyses"]["products"]["growing_products"]
    assert products.interphase_thickness_A == stored["analyses"]["products"]["final_thickness_A"]
    assert study.analyses.thermo.window_lower_V == pytest.approx(1.668, abs=1e-3)
    # schema 1 predates the diffusion status: the 200 fs run never reached the diffusive regime,
    # so the summary gives no D or sigma, only an upper bound
    row = study.analyses.diffusion.region(None, "xyz")
    assert row.status != "diffusive" and row.D_cm2_per_s is None and row.D_upper_bound_cm2_per_s > 0
    assert study.analyses.profiles.potential_step_V == pytest.approx(2.9425, abs=1e-3)
    assert study.analyses.arrhenius is None and sorted(study.analyses.ran()) == [
        "diffusion", "products", "profiles", "thermo"]
    # and it round-trips through JSON as a schema-2 document
    again = InterfaceStudyDocument.model_validate_json(study.model_dump_json())
    assert again == study


def test_a_stored_document_of_the_current_schema_still_loads(memory_job_store):
    """A study document as the store held it (Slurm run, 2026-12) reads back as a typed document."""
    from interfaceflow.results import Results
    from interfaceflow.workflows.summary import InterfaceStudyDocument

    stored = json.loads((DATA / "study_document_2026-12.json").read_text())
    memory_job_store.update(stored, key=["uuid", "index"])
    (study,) = Results(store=memory_job_store).find(electrolyte="Li6PS5Cl")
    assert isinstance(study, InterfaceStudyDocument)
    assert study.study_id == stored["output"]["study_id"]
    assert study.provenance.plugin == "sevennet" and len(study.provenance.weights_sha256) == 64
    assert {"products", "diffusion", "profiles", "thermo"} <= set(study.analyses.ran())
    assert study.md.steps_done == 200


def test_a_stored_document_of_schema_2_loads_with_its_headline_paths(memory_job_store):
    """A schema-2 study as ``interfaceflow run`` stored it (toy Li | Li6PS5Cl, 2026-12)."""
    from interfaceflow.results import Results

    stored = json.loads((DATA / "study_document_v2_2026-12.json").read_text())
    memory_job_store.update(stored, key=["uuid", "index"])
    (study,) = Results(store=memory_job_store).find(electrode="Li")
    assert study.schema_version == 2 and study.study_id == stored["output"]["study_id"]
    out = stored["output"]
    assert study.analyses.products.observed_products == out["analyses"]["products"]["observed_products"]
    assert study.analyses.profiles.potential_step_V == out["analyses"]["profiles"]["potential_step_V"]
    assert [r.status for r in study.analyses.diffusion.regions] == [
        r["status"] for r in out["analyses"]["diffusion"]["regions"]]
    assert study.md.steps_done == 20 and study.build.n_atoms == out["build"]["n_atoms"]
