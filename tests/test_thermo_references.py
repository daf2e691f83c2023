"""Elemental references for diatomic elements missing from the library (e.g. Cl2)."""

from __future__ import annotations

import numpy as np
from pymatgen.core import Lattice, Structure

from interfaceflow.analysis.thermo import is_isolated_molecule
from interfaceflow.structures import get_phase
from interfaceflow.workflows.products import missing_molecular_references


def test_missing_diatomic_elements_get_a_molecule_in_a_box():
    refs = missing_molecular_references({"Li": get_phase("Li").structure}, "Li6PS5Cl", "Li")
    assert set(refs) == {"Cl2"}  # P and S are not diatomic; Li has its phase
    cl2 = refs["Cl2"]
    assert cl2.composition.reduced_formula == "Cl2"
    assert np.isclose(cl2.get_distance(0, 1), 1.99)
    assert is_isolated_molecule(cl2)


def test_present_elements_are_not_duplicated_and_solids_are_not_molecules():
    licl = get_phase("LiCl").structure
    chlorine = Structure(Lattice.orthorhombic(6.24, 4.48, 8.26), ["Cl"] * 2, [[0, 0.1, 0.4], [0, 0.4, 0.1]])
    assert missing_molecular_references({"Cl": chlorine}, "LiCl") == {}
    assert not is_isolated_molecule(licl)


def test_products_use_the_structures_relaxed_by_the_thermo_job():
    from interfaceflow.workflows.products import ThermoReferenceDocument, mlip_relaxed_references

    li2s = get_phase("Li2S").structure
    cl2 = missing_molecular_references({}, "Cl2")["Cl2"]
    doc = ThermoReferenceDocument(
        chemsys="Cl-Li-S", electrolyte="Li2S", electrode="Li", predicted_products={}, reaction="",
        mixing_ratio=0.0, reaction_energy_eV_per_atom=0.0, e_above_hull_eV_per_atom=0.0,
        window_stabilised=False, relaxed_structures={"Li2S": li2s, "Cl2": cl2},
    )
    for thermo in (doc, doc.model_dump()):  # as a document, or as stored (a dict)
        refs = mlip_relaxed_references(thermo)
        assert set(refs) == {"Li2S"}  # the isolated Cl2 molecule is no solid environment
        assert refs["Li2S"].composition == li2s.composition
