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
