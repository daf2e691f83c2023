"""Bulk-electrolyte studies: the build stage makes the most compact supercell within budget."""

from __future__ import annotations

from itertools import product

import pytest

from interfaceflow.errors import StructureError
from interfaceflow.structures import load_structure
from interfaceflow.structures.settings import BuildSettings
from interfaceflow.workflows.build import bulk_supercell, run_build


def test_bulk_supercell_fills_the_budget_without_exceeding_it():
    li2s = load_structure("Li2S")
    for budget in (12, 50, 100, 400):
        cell = bulk_supercell(li2s, budget)
        assert len(cell) <= budget
        sizes = [len(li2s) * a * b * c for a, b, c in product(range(1, 7), repeat=3)]
        assert len(cell) == max(n for n in sizes if n <= budget)  # no larger diagonal cell fits
        assert cell.composition.reduced_formula == "Li2S"


def test_bulk_build_document_labels_every_atom_electrolyte():
    doc = run_build(None, "Li6PS5Cl", None, BuildSettings(max_atoms=60))
    assert doc.n_atoms == 52 and set(doc.regions) == {"electrolyte"} and doc.interface_z_A == []
    assert doc.report["geometry"] == "bulk"


def test_bulk_cell_larger_than_budget_is_a_one_line_error():
    with pytest.raises(StructureError, match="raise max_atoms to 52"):
        bulk_supercell(load_structure("Li6PS5Cl"), 40)
