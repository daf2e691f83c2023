"""The study summary keeps small fields and drops arrays, structures and repeated provenance."""

from __future__ import annotations

from pymatgen.core import Lattice, Structure

from interfaceflow.workflows.build import InterfaceBuildDocument
from interfaceflow.workflows.summary import small_summary


def test_small_summary_drops_structures_and_arrays_but_keeps_scalars():
    structure = Structure(Lattice.cubic(3.0), ["Li"], [[0, 0, 0]])
    doc = InterfaceBuildDocument(structure=structure, regions=["electrode"], interface_z_A=[1.5],
                                 n_atoms=1, report={"strain_pct": {"electrode": 0.7}, "area_A2": 97.1})
    summary = small_summary(doc)
    assert summary["n_atoms"] == 1 and summary["interface_z_A"] == [1.5]
    assert summary["report"] == {"strain_pct": {"electrode": 0.7}, "area_A2": 97.1}
    assert "structure" not in summary
    assert small_summary({"arrays": {"z_A": [0.0] * 5}, "x": 2.0}) == {"x": 2.0}
    assert small_summary({"long": list(range(100))}) == {}


def test_a_stored_document_of_the_current_schema_still_loads(memory_job_store):
    """A study document as the store held it (Slurm run, 2026-12) reads back as a typed document."""
    import json
    from pathlib import Path

    from interfaceflow.results import Results
    from interfaceflow.workflows.summary import InterfaceStudyDocument

    stored = json.loads((Path(__file__).parent / "data" / "study_document_2026-12.json").read_text())
    memory_job_store.update(stored, key=["uuid", "index"])
    (study,) = Results(store=memory_job_store).find(electrolyte="Li6PS5Cl")
    assert isinstance(study, InterfaceStudyDocument)
    assert study.study_id == stored["output"]["study_id"] and study.schema_version == 1
    assert study.provenance.plugin == "sevennet" and len(study.provenance.weights_sha256) == 64
    assert {"products", "diffusion", "profiles", "thermo"} <= set(study.analyses)
    assert study.md["steps_done"] == 200
