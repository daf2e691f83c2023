"""Element classes and pair cutoffs of the speciation (:mod:`interfaceflow.analysis.speciation`).

Modifiers, octet elements and metals; default bond and coordination cutoffs from covalent radii,
user overrides, and the per-element table the frame kernel indexes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from ase.data import chemical_symbols, covalent_radii
from pymatgen.core import Element

from interfaceflow.analysis.oxidation import oxidation_state_tables, r0_table_A
from interfaceflow.errors import AnalysisError

if TYPE_CHECKING:
    from collections.abc import Mapping

MODIFIER_ELEMENTS: tuple[str, ...] = ("Li", "Na", "K", "Rb", "Cs", "Be", "Mg", "Ca", "Sr", "Ba")
BOND_SCALE = 1.2
COORDINATION_SCALE = 1.3

_CLASS_MODIFIER, _CLASS_OCTET, _CLASS_METAL = 0, 1, 2


def element_class(symbol: str, modifier_elements: tuple[str, ...] = MODIFIER_ELEMENTS) -> int:
    """0 modifier, 1 octet element (p-block non-metal/metalloid or H), 2 metal."""
    if symbol in modifier_elements:
        return _CLASS_MODIFIER
    el = Element(symbol)
    if symbol == "H" or (el.block == "p" and not el.is_metal):
        return _CLASS_OCTET
    return _CLASS_METAL


def _valence_electrons(symbol: str) -> int:
    el = Element(symbol)
    if symbol == "H":
        return 1
    return el.group - 10 if el.block == "p" else el.group


def _shell_target(symbol: str) -> int:
    return 2 if symbol == "H" else 8


def _electronegativity(symbol: str) -> float:
    x = Element(symbol).X
    return float(x) if np.isfinite(x) else 0.0


def _pair_key(key) -> tuple[str, str]:
    if isinstance(key, str):
        parts = key.replace("–", "-").split("-")
        if len(parts) != 2:
            raise AnalysisError(f"cutoff key '{key}' is not a pair; write it as 'P-S' or ('P', 'S')")
        key = parts
    a, b = (str(x).strip() for x in key)
    for s in (a, b):
        if s not in chemical_symbols[1:]:
            raise AnalysisError(f"cutoff key names unknown element '{s}'; use element symbols")
    return tuple(sorted((a, b)))


def default_cutoffs(
    symbols,
    *,
    bond_scale: float = BOND_SCALE,
    coordination_scale: float = COORDINATION_SCALE,
    modifier_elements: tuple[str, ...] = MODIFIER_ELEMENTS,
) -> dict[tuple[str, str], float]:
    """Pair cutoffs (Å) from Cordero covalent radii: bonds among non-modifiers, modifier coordination.

    Modifier–modifier pairs get no cutoff (they are never bonded).
    """
    syms = sorted(set(symbols))
    out: dict[tuple[str, str], float] = {}
    for ia, a in enumerate(syms):
        for b in syms[ia:]:
            mod_a, mod_b = a in modifier_elements, b in modifier_elements
            if mod_a and mod_b:
                continue
            scale = coordination_scale if (mod_a or mod_b) else bond_scale
            r = covalent_radii[Element(a).Z] + covalent_radii[Element(b).Z]
            out[(a, b)] = round(float(scale * r), 4)
    return out


def resolve_cutoffs(
    symbols,
    cutoffs: Mapping | None = None,
    *,
    bond_scale: float = BOND_SCALE,
    coordination_scale: float = COORDINATION_SCALE,
    modifier_elements: tuple[str, ...] = MODIFIER_ELEMENTS,
) -> dict[tuple[str, str], float]:
    """Defaults for ``symbols`` updated with user ``cutoffs`` (keys 'P-S' or ('P', 'S'), Å)."""
    out = default_cutoffs(
        symbols,
        bond_scale=bond_scale,
        coordination_scale=coordination_scale,
        modifier_elements=modifier_elements,
    )
    for key, value in (cutoffs or {}).items():
        if float(value) < 0:
            raise AnalysisError(f"cutoff for {key} is negative; give a distance in Å")
        out[_pair_key(key)] = float(value)
    return out


@dataclass
class _ElementTable:
    """Per-element constants of one system, indexed by a compact element index."""

    symbols: list[str]
    cls: np.ndarray
    valence: np.ndarray
    target: np.ndarray
    en: np.ndarray
    rank: np.ndarray  # order of elements in labels
    is_li: np.ndarray
    cutoff: np.ndarray  # (E, E), 0 where no pair interaction
    max_cutoff: float
    r0_A: np.ndarray  # (E, E) bond-valence R0, NaN without parameters
    ox_states: np.ndarray  # (E, K) allowed cation states, padded
    ox_penalty: np.ndarray  # (E, K) extra cost of each state

    @classmethod
    def build(cls, numbers, cutoffs, modifier_elements, bond_scale, coordination_scale):
        zs = np.unique(numbers)
        symbols = [chemical_symbols[z] for z in zs]
        cut = resolve_cutoffs(
            symbols,
            cutoffs,
            bond_scale=bond_scale,
            coordination_scale=coordination_scale,
            modifier_elements=modifier_elements,
        )
        n = len(symbols)
        mat = np.zeros((n, n))
        for a in range(n):
            for b in range(n):
                mat[a, b] = cut.get(tuple(sorted((symbols[a], symbols[b]))), 0.0)
        classes = np.array([element_class(s, modifier_elements) for s in symbols])
        valence = np.array([_valence_electrons(s) if c != _CLASS_METAL else 0 for s, c in zip(symbols, classes)])
        en = np.array([_electronegativity(s) for s in symbols])
        order = sorted(range(n), key=lambda k: (en[k], zs[k]))
        rank = np.empty(n, dtype=int)
        rank[order] = np.arange(n)
        ox_states, ox_penalty = oxidation_state_tables(symbols)
        return cls(
            symbols=symbols,
            cls=classes,
            valence=valence,
            target=np.array([_shell_target(s) for s in symbols]),
            en=en,
            rank=rank,
            is_li=np.array([s == "Li" for s in symbols]),
            cutoff=mat,
            max_cutoff=float(mat.max()) if n else 0.0,
            r0_A=r0_table_A(symbols),
            ox_states=ox_states,
            ox_penalty=ox_penalty,
        ), {f"{a}-{b}": v for (a, b), v in cut.items()}
