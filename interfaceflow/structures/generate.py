"""Regenerate the ordered CIF files of the phase library from :mod:`.prototypes`.

Run ``python -m interfaceflow.structures.generate [NAME ...]``. It builds each phase from its space
group and Wyckoff sites, orders partially occupied sites (lowest Ewald energy), optionally relaxes
the positions at the experimental cell with SevenNet-0, checks the result
(:func:`interfaceflow.structures.validation.check_bulk`) and writes ``data/<name>.cif`` plus
``data/provenance.json``. This is a maintainer's tool; users never run it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from pymatgen.core import Lattice, Structure
from pymatgen.transformations.standard_transformations import OrderDisorderedStructureTransformation

from interfaceflow.structures.prototypes import PHASES, PhaseDefinition
from interfaceflow.structures.validation import check_bulk

DATA_DIR = Path(__file__).parent / "data"


def disordered_structure(defn: PhaseDefinition) -> Structure:
    """The structure exactly as the definition gives it (may hold partial occupancies)."""
    lattice = Lattice.from_parameters(*defn.lattice_abc_A, *defn.lattice_angles_deg)
    structure = Structure.from_spacegroup(
        defn.spacegroup, lattice, list(defn.species), [list(c) for c in defn.coords], tol=1e-3
    )
    structure.merge_sites(tol=0.05, mode="delete")
    return structure


def ordered_structure(defn: PhaseDefinition) -> Structure:
    """Order partial occupancies: lowest Ewald energy among orderings of the definition's supercell."""
    structure = disordered_structure(defn)
    if structure.is_ordered:
        return structure
    structure.make_supercell(defn.supercell)
    structure.add_oxidation_state_by_element(defn.oxidation_states)
    trans = OrderDisorderedStructureTransformation(algo=OrderDisorderedStructureTransformation.ALGO_FAST)
    ranked = trans.apply_transformation(structure, return_ranked_list=1)
    ordered = ranked[0]["structure"]
    ordered.remove_oxidation_states()
    return ordered.get_sorted_structure()


def maintainer_calculator():
    """SevenNet-0 on the CPU (float32) from the project's calculator factory: the model the
    library's relaxed and annealed models are made with."""
    from interfaceflow.plugins.registry import get_calculator

    return get_calculator("sevennet", "7net-0", "cpu", "float32").calculator


def relax_positions(structure: Structure, fmax_eV_per_A: float = 0.05, steps: int = 400) -> Structure:
    """Relax atomic positions at fixed cell with SevenNet-0 (CPU), by :func:`interfaceflow.md.relax.run_relax`."""
    from pymatgen.io.ase import AseAtomsAdaptor

    from interfaceflow.md.relax import run_relax
    from interfaceflow.md.settings import RelaxSettings

    settings = RelaxSettings(optimizer="FIRE", fmax_eV_per_A=fmax_eV_per_A, steps=steps)
    result = run_relax(AseAtomsAdaptor.get_atoms(structure), maintainer_calculator(), settings)
    return AseAtomsAdaptor.get_structure(result.atoms)


def generate(names: list[str] | None = None) -> dict:
    """Build, check and write the selected phases (all when ``names`` is empty)."""
    DATA_DIR.mkdir(exist_ok=True)
    table_path = DATA_DIR / "provenance.json"
    table = json.loads(table_path.read_text()) if table_path.exists() else {}
    for defn in PHASES:
        if names and defn.name not in names:
            continue
        structure = ordered_structure(defn)
        if defn.relax_fixed_cell:
            structure = relax_positions(structure)
        checks = check_bulk(structure, defn.formula, defn.oxidation_states)
        cif_path = DATA_DIR / f"{defn.name}.cif"
        structure.to(filename=str(cif_path), symprec=None)
        table[defn.name] = {
            "file": cif_path.name,
            "n_atoms": len(structure),
            "composition": structure.composition.formula,
            "min_distance_A": round(float(checks["min_distance_A"]), 3),
            "source": defn.source,
            "doi": defn.doi,
            "database_id": defn.database_id,
            "ordering_method": defn.ordering_method,
            "coordinates": defn.coordinates,
            "relaxed_fixed_cell": defn.relax_fixed_cell,
        }
        print(f"{defn.name:14s} {len(structure):4d} atoms  min d {checks['min_distance_A']:.2f} A")
    table_path.write_text(json.dumps(dict(sorted(table.items())), indent=1) + "\n")
    return table


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    generate(sys.argv[1:])
