"""The bulk phase library: ordered structures of electrodes, electrolytes, coatings and products.

Each phase is an ordered CIF under ``structures/data/`` generated from :mod:`.prototypes` (space group,
Wyckoff sites, lattice parameters and provenance). :func:`load_structure` also accepts files and
pymatgen/ASE objects, and orders partial occupancies deterministically.
"""

from __future__ import annotations

import difflib
import re
import warnings
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer
from pymatgen.core import Structure

from interfaceflow.errors import StructureError
from interfaceflow.structures.prototypes import PHASES, PhaseDefinition

#: Largest number of orderings :func:`order_structure` will rank by Ewald energy.
MAX_ORDERINGS = 200_000
#: Largest supercell (atoms) :func:`order_structure` will build to make occupancies integral.
MAX_ORDERING_ATOMS = 240


class BulkPhase(BaseModel):
    """One phase of the library with its ordered structure and where it comes from."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    name: str
    formula: str
    role: Literal["electrode", "electrolyte", "coating", "product"]
    spacegroup: str
    lattice_abc_A: tuple[float, float, float]
    lattice_angles_deg: tuple[float, float, float]
    source: str = Field(description="Publication of the lattice (and positions unless coordinates='model').")
    doi: str | None = None
    database_id: str | None = Field(None, description="ICSD / Materials Project id of the same phase.")
    ordering_method: str
    coordinates: Literal["published", "model"]
    bulk_modulus_GPa: float = Field(description="Rough estimate; the softer side of an interface is strained.")
    oxidation_states: dict[str, float]
    aliases: tuple[str, ...] = ()
    notes: str = ""
    structure: Structure = Field(description="Ordered pymatgen Structure (conventional cell).")

    @field_serializer("structure")
    def _structure_as_dict(self, structure: Structure) -> dict:
        return structure.as_dict()

    @classmethod
    def from_definition(cls, defn: PhaseDefinition) -> BulkPhase:
        """Load the generated CIF of a definition."""
        path = files("interfaceflow.structures") / "data" / f"{defn.name}.cif"
        try:
            with warnings.catch_warnings():  # "coordinates rounded to ideal values" is expected for our CIFs
                warnings.simplefilter("ignore")
                structure = Structure.from_str(path.read_text(), fmt="cif")
        except FileNotFoundError as exc:
            raise StructureError(
                f"library file {defn.name}.cif is missing; run python -m interfaceflow.structures.generate"
            ) from exc
        return cls(
            name=defn.name,
            formula=defn.formula,
            role=defn.role,
            spacegroup=defn.spacegroup,
            lattice_abc_A=defn.lattice_abc_A,
            lattice_angles_deg=defn.lattice_angles_deg,
            source=defn.source,
            doi=defn.doi,
            database_id=defn.database_id,
            ordering_method=defn.ordering_method,
            coordinates=defn.coordinates,
            bulk_modulus_GPa=defn.bulk_modulus_GPa,
            oxidation_states=dict(defn.oxidation_states),
            aliases=defn.aliases,
            notes=defn.notes,
            structure=structure,
        )


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name).casefold()


@lru_cache(maxsize=1)
def _index() -> dict[str, PhaseDefinition]:
    index: dict[str, PhaseDefinition] = {}
    for defn in PHASES:
        for label in (defn.name, *defn.aliases):
            index.setdefault(_key(label), defn)
    for defn in PHASES:  # formulas last, so an explicit alias wins (Li3PS4 -> beta-Li3PS4)
        index.setdefault(_key(defn.formula), defn)
    return index


@lru_cache(maxsize=None)
def _load(name: str) -> BulkPhase:
    return BulkPhase.from_definition(next(d for d in PHASES if d.name == name))


def list_phases() -> list[BulkPhase]:
    """All phases of the library, in library order."""
    return [_load(defn.name) for defn in PHASES]


def find_phase_name(name: str) -> str | None:
    """Canonical library name for a name, alias or formula (case-insensitive), or None."""
    defn = _index().get(_key(name))
    return defn.name if defn else None


def get_phase(name: str) -> BulkPhase:
    """The library phase called ``name`` (case-insensitive; aliases like 'LPSCl', 'LGPS', 'LLZO')."""
    canonical = find_phase_name(name)
    if canonical is None:
        labels = {_key(label): label for d in PHASES for label in (d.name, *d.aliases)}
        close = difflib.get_close_matches(_key(name), list(labels), n=4, cutoff=0.5)
        hint = f"did you mean {', '.join(labels[c] for c in close)}?" if close else "see `interfaceflow structures`"
        raise StructureError(f"unknown phase {name!r}: {hint} (or pass a CIF/POSCAR/extxyz file)")
    phase = _load(canonical)
    return phase.model_copy(update={"structure": phase.structure.copy()})


def _looks_like_path(spec: str) -> bool:
    return any(sep in spec for sep in ("/", "\\")) or bool(Path(spec).suffix) and not find_phase_name(spec)


def read_structure_file(path: str | Path) -> Structure:
    """Parse CIF, POSCAR, extxyz or anything ASE reads; StructureError when it does not parse."""
    path = Path(path)
    if not path.is_file():
        raise StructureError(f"structure file {str(path)!r} does not exist; check the path")
    try:
        return Structure.from_file(str(path))
    except Exception:  # noqa: BLE001 - fall back to ASE for formats pymatgen does not read
        pass
    try:
        import ase.io
        from pymatgen.io.ase import AseAtomsAdaptor

        atoms = ase.io.read(str(path))
    except Exception as exc:  # noqa: BLE001
        raise StructureError(
            f"cannot parse {path.name} as a periodic crystal ({type(exc).__name__}); give a CIF, POSCAR or extxyz file"
        ) from exc
    if not all(atoms.pbc) or abs(atoms.cell.volume) < 1e-3:
        raise StructureError(
            f"{path.name} has no periodic cell; give a CIF, POSCAR or extxyz with a 3D lattice (Lattice=...)"
        )
    return AseAtomsAdaptor.get_structure(atoms)


def order_structure(structure: Structure, oxidation_states: dict[str, float] | None = None) -> Structure:
    """Order partial occupancies: lowest Ewald energy among the orderings of the smallest supercell.

    Raises StructureError when the occupancies need a supercell above :data:`MAX_ORDERING_ATOMS`
    atoms or more than :data:`MAX_ORDERINGS` orderings.
    """
    from math import comb

    from pymatgen.transformations.standard_transformations import OrderDisorderedStructureTransformation

    if structure.is_ordered:
        return structure.copy()
    fix = (
        "order it yourself (e.g. pymatgen OrderDisorderedStructureTransformation or the supercell program) "
        "and pass the ordered file"
    )
    counts: dict[str, int] = {}
    for site in structure:
        if not site.is_ordered:
            counts[str(site.species)] = counts.get(str(site.species), 0) + 1
    amounts = [float(occ) * counts[str(site.species)] for site in structure if not site.is_ordered
               for occ in [*site.species.values(), sum(site.species.values())]]
    n_cells = None
    for n in range(1, MAX_ORDERING_ATOMS // len(structure) + 1):
        if all(abs(a * n - round(a * n)) < 0.02 for a in amounts):
            n_cells = n
            break
    if n_cells is None:
        raise StructureError(
            f"partial occupancies of {structure.composition.reduced_formula} need a supercell above "
            f"{MAX_ORDERING_ATOMS} atoms; {fix}"
        )
    work = structure.copy()
    if n_cells > 1:
        scaling = _supercell_scaling(n_cells)
        work.make_supercell(scaling)
    groups: dict[str, list[float]] = {}
    for site in work:
        if not site.is_ordered:
            groups.setdefault(str(site.species), []).append(sum(site.species.values()))
    n_orderings = 1
    for occ in groups.values():
        n_orderings *= comb(len(occ), int(round(occ[0] * len(occ))))
    if n_orderings > MAX_ORDERINGS:
        raise StructureError(
            f"{structure.composition.reduced_formula} has about {n_orderings:.1e} orderings (limit "
            f"{MAX_ORDERINGS:.0e}); {fix}"
        )
    try:
        if oxidation_states:
            work.add_oxidation_state_by_element(oxidation_states)
        else:
            work.add_oxidation_state_by_guess(max_sites=-50)
        trans = OrderDisorderedStructureTransformation(algo=OrderDisorderedStructureTransformation.ALGO_FAST)
        ordered = trans.apply_transformation(work, return_ranked_list=1)[0]["structure"]
    except Exception as exc:  # noqa: BLE001
        raise StructureError(
            f"cannot order {structure.composition.reduced_formula} ({type(exc).__name__}: {exc}); {fix}"
        ) from exc
    ordered.remove_oxidation_states()
    return ordered.get_sorted_structure()


def _supercell_scaling(n: int) -> list[int]:
    """Diagonal scaling with product n, as even as possible (deterministic)."""
    best = [n, 1, 1]
    for a in range(1, n + 1):
        for b in range(1, n // a + 1):
            if n % (a * b):
                continue
            c = n // (a * b)
            if max(a, b, c) < max(best):
                best = sorted([a, b, c], reverse=True)
    return best


def load_structure(spec: Any) -> Structure:
    """Return an ordered pymatgen Structure from a library name, a file, or a pymatgen/ASE object.

    - names are case-insensitive and accept aliases (``'LPSCl'``, ``'LGPS'``, ``'LLZO'``, ``'Li'``);
    - files: CIF, POSCAR, extxyz (anything pymatgen or ASE reads);
    - ``pymatgen.core.Structure`` or ``ase.Atoms`` objects are copied.

    Partial occupancies are ordered by :func:`order_structure`. Errors are :class:`StructureError`.
    """
    from ase import Atoms
    from pymatgen.io.ase import AseAtomsAdaptor

    if isinstance(spec, BulkPhase):
        return spec.structure.copy()
    if isinstance(spec, Structure):
        structure = spec.copy()
    elif isinstance(spec, Atoms):
        structure = AseAtomsAdaptor.get_structure(spec)
    elif isinstance(spec, (str, Path)):
        text = str(spec)
        if isinstance(spec, Path) or Path(text).is_file() or _looks_like_path(text):
            structure = read_structure_file(text)
        else:
            return get_phase(text).structure
    else:
        raise StructureError(
            f"cannot make a structure from a {type(spec).__name__}; pass a phase name, a file path, "
            "a pymatgen Structure or an ase.Atoms"
        )
    label = Path(str(spec)).name if isinstance(spec, (str, Path)) else structure.composition.reduced_formula
    check_cell(structure, label)
    ordered = order_structure(structure)
    check_overlaps(ordered, label)
    return ordered


#: Two atoms closer than this fraction of the sum of their covalent radii overlap (no real bond is
#: shorter than about 0.75 of it; the slack keeps compressed and H-bonded cells valid).
OVERLAP_FRACTION = 0.5


def check_cell(structure: Structure, label: str) -> None:
    """Refuse, in one line, a structure with no atoms or no 3D cell."""
    if len(structure) == 0:
        raise StructureError(f"{label} has no atoms; give a structure file with atomic sites")
    if abs(structure.lattice.volume) < 1e-3:
        raise StructureError(f"{label} has no periodic cell (volume 0 Å³); give a CIF, POSCAR or extxyz with a 3D lattice")


def check_overlaps(structure: Structure, label: str) -> None:
    """Refuse, in one line, an (ordered) structure with overlapping or duplicated atoms."""
    overlap = closest_overlap(structure)
    if overlap is not None:
        (i, a), (j, b), d, limit = overlap
        raise StructureError(
            f"{label}: atoms {i} ({a}) and {j} ({b}) are {d:.2f} Å apart, closer than {limit:.2f} Å "
            f"(half their covalent radii): overlapping or duplicated sites; fix the structure file"
        )


def closest_overlap(structure: Structure):
    """The closest pair closer than :data:`OVERLAP_FRACTION` of its covalent-radius sum, else None.

    Returns ``((i, symbol_i), (j, symbol_j), distance_A, limit_A)``.
    """
    import numpy as np
    from ase.data import atomic_numbers, covalent_radii

    from interfaceflow.geometry import structure_neighbour_pairs

    symbols = [site.specie.symbol for site in structure]
    radii = np.array([covalent_radii[atomic_numbers[s]] for s in symbols])
    cutoff = OVERLAP_FRACTION * 2 * float(radii.max())
    i, j, d, _ = structure_neighbour_pairs(structure, cutoff)
    limits = OVERLAP_FRACTION * (radii[i] + radii[j])
    bad = np.flatnonzero((d < limits) & (i <= j))
    if len(bad) == 0:
        return None
    k = bad[np.argmin(d[bad])]
    return (int(i[k]), symbols[i[k]]), (int(j[k]), symbols[j[k]]), float(d[k]), float(limits[k])


def phase_metadata(spec: Any) -> BulkPhase | None:
    """The library phase behind a spec when it is a library name, else None."""
    if isinstance(spec, BulkPhase):
        return spec
    if isinstance(spec, str) and not Path(spec).is_file():
        name = find_phase_name(spec)
        return _load(name) if name else None
    return None
