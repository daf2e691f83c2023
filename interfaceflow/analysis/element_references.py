"""Elemental references for a phase diagram: one structure for every element, library or not.

A phase diagram needs the energy of every pure element. The bulk phase library holds some
(Li, In, Ge, P, S); for every other element of a chemical system :func:`element_reference` builds:

- diatomic gases (H, N, O, F, Cl, Br, I): the isolated X2 molecule in a 12 Å box (no fitted gas
  corrections, as in every MLIP-only phase diagram);
- elements ASE can build (``ase.build.bulk`` with ``ase.data.reference_states``: fcc, bcc, hcp,
  diamond, ...): that reference crystal, primitive cell;
- the others (e.g. Mn, B, Ga: complex reference crystals ASE has no basis for): a bcc, fcc or hcp
  guess at the element's molar volume, flagged ``reference: "model"`` in the structure's
  properties (and so in the relaxed entry's ``data``).

Each is relaxed with the same MLIP as every other phase by
:func:`interfaceflow.analysis.thermo.relax_reference_phases`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfaceflow.errors import AnalysisError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from pymatgen.core import Structure

#: Bond lengths (Å) of diatomic elements, the starting geometry of their MLIP-relaxed references.
DIATOMIC_BOND_A = {"H": 0.74, "N": 1.10, "O": 1.21, "F": 1.42, "Cl": 1.99, "Br": 2.28, "I": 2.67}
MOLECULE_BOX_A = 12.0
_AVOGADRO = 6.02214076e23


def diatomic_molecule(symbol: str, box_A: float = MOLECULE_BOX_A) -> Structure:
    """X2 at its experimental bond length in a cubic box (an isolated molecule)."""
    from pymatgen.core import Lattice, Structure

    bond = DIATOMIC_BOND_A[symbol]
    return Structure(Lattice.cubic(box_A), [symbol, symbol], [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5 + bond / box_A]])


def _guess_crystal(symbol: str) -> Structure:
    """A one-atom bcc cell (fcc for elements ASE calls fcc-like) at the element's molar volume."""
    from pymatgen.core import Element, Lattice, Structure

    molar = Element(symbol).molar_volume  # cm^3/mol
    if not molar:
        raise AnalysisError(
            f"no reference crystal or molar volume is known for {symbol}; pass its structure explicitly"
        )
    volume_A3 = float(molar) * 1e24 / _AVOGADRO
    a = (2 * volume_A3) ** (1 / 3)  # conventional bcc holds 2 atoms
    primitive = Lattice([[-a / 2, a / 2, a / 2], [a / 2, -a / 2, a / 2], [a / 2, a / 2, -a / 2]])
    return Structure(primitive, [symbol], [[0, 0, 0]])


def element_reference(symbol: str) -> Structure:
    """Starting structure of the elemental reference of ``symbol`` (see the module docstring).

    The returned structure's ``properties`` hold ``reference`` (``"molecule"``, ``"ase"`` or
    ``"model"``) and ``reference_source`` (what it was built from).
    """
    from ase.build import bulk
    from ase.data import atomic_numbers, reference_states
    from pymatgen.io.ase import AseAtomsAdaptor

    if symbol not in atomic_numbers or symbol == "X":
        raise AnalysisError(f"{symbol!r} is not an element symbol")
    if symbol in DIATOMIC_BOND_A:
        structure = diatomic_molecule(symbol)
        structure.properties = {"reference": "molecule", "reference_source": f"isolated {symbol}2 molecule"}
        return structure
    state = reference_states[atomic_numbers[symbol]] or {}
    symmetry = state.get("symmetry", "unknown")
    try:
        atoms = bulk(symbol)
    except Exception:  # noqa: BLE001 - ASE has no basis for this reference crystal
        structure = _guess_crystal(symbol)
        structure.properties = {
            "reference": "model",
            "reference_source": (
                f"bcc guess at the molar volume (the {symmetry} reference crystal of {symbol} in "
                "ase.data.reference_states has no basis ase.build.bulk can build)"
            ),
        }
        return structure
    structure = AseAtomsAdaptor.get_structure(atoms)
    structure.properties = {
        "reference": "ase",
        "reference_source": f"ase.build.bulk({symbol!r}): {symmetry} reference crystal of ase.data.reference_states",
    }
    return structure


def reference_name(symbol: str, structure: Structure) -> str:
    """Entry name of a generated elemental reference: ``O2``, ``La (ase hcp)``, ``Mn (model bcc)``."""
    kind = structure.properties.get("reference")
    if kind == "molecule":
        return f"{symbol}2"
    if kind == "model":
        return f"{symbol} (model bcc)"
    from ase.data import atomic_numbers, reference_states

    return f"{symbol} (ase {(reference_states[atomic_numbers[symbol]] or {}).get('symmetry', 'bulk')})"


def missing_element_references(structures: Mapping[str, Structure], elements: Iterable[str]) -> dict[str, Structure]:
    """Name → reference structure for each of ``elements`` without a pure-element phase in ``structures``."""
    present = {s.composition.elements[0].symbol for s in structures.values() if len(s.composition.elements) == 1}
    out = {}
    for symbol in sorted(set(elements) - present):
        structure = element_reference(symbol)
        out[reference_name(symbol, structure)] = structure
    return out


# ----------------------------------------------------------------------------- thermo-only phases
def lithium_peroxide() -> Structure:
    """Li2O2 (P6_3/mmc, a = 3.142, c = 7.650 Å; Li 2a + 2c, O 4f z = 0.649, O-O 1.55 Å; Föppl 1957,
    Cota & de la Mora, Acta Cryst. B 61, 133 (2005)).

    The oxidation product of Li2O-rich electrolytes (LLZO, Li3OCl) against which their upper window
    limit is computed. It is kept out of the bulk library because the library's distance check
    rejects the O-O peroxide bond (1.55 Å).
    """
    from pymatgen.core import Lattice, Structure

    structure = Structure.from_spacegroup(
        "P6_3/mmc", Lattice.hexagonal(3.142, 7.650), ["Li", "Li", "O"],
        [[0, 0, 0], [1 / 3, 2 / 3, 0.25], [1 / 3, 2 / 3, 0.649]],
    )
    structure.properties = {"reference_source": "Li2O2, Cota & de la Mora, Acta Cryst. B 61, 133 (2005)"}
    return structure


#: Competing phases the bulk library cannot hold, by the elements they need.
THERMO_ONLY_PHASES = {"Li2O2": (frozenset({"Li", "O"}), lithium_peroxide)}


def thermo_only_phases(elements: Iterable[str]) -> dict[str, Structure]:
    """Name → structure of each thermo-only competing phase (Li2O2) inside ``elements``."""
    els = set(elements)
    return {name: build() for name, (needs, build) in THERMO_ONLY_PHASES.items() if needs <= els}
