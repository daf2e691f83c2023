"""Competing phases of a chemical system from the Materials Project (optional, needs a key).

With ``MP_API_KEY`` set and ``mp-api`` installed (``pip install interfaceflow[mp]``), the
thermodynamic reference takes the on-hull and near-hull structures of every subsystem of the
chemical system from the Materials Project; they are relaxed with the same MLIP (and cached) like
the bundled library, whose phases stay in the set. Only the structures are used: the MP (DFT)
energies never enter the MLIP phase diagram. Without a key the bundled library serves.
"""

from __future__ import annotations

import itertools
import os
from typing import TYPE_CHECKING

from interfaceflow.errors import AnalysisError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pymatgen.core import Structure

MP_KEY_ENV = "MP_API_KEY"
#: Near-hull cut (eV/atom, MP's DFT hull) and cell size cut (sites of the primitive cell).
MAX_E_ABOVE_HULL_EV = 0.025
MAX_SITES = 60
_FIELDS = ["material_id", "formula_pretty", "energy_above_hull", "structure"]


def mp_api_key() -> str | None:
    """The Materials Project API key from the environment (``MP_API_KEY``), or None."""
    return os.environ.get(MP_KEY_ENV) or None


def mp_available() -> bool:
    """True when a key is set and mp-api is importable."""
    if not mp_api_key():
        return False
    try:
        import mp_api.client  # noqa: F401
    except ImportError:
        return False
    return True


def use_materials_project(source: str) -> bool:
    """Whether ``source`` ("auto", "library", "mp") selects the Materials Project path."""
    if source == "library":
        return False
    if source == "mp":
        if not mp_api_key():
            raise AnalysisError(f"source 'mp' needs a Materials Project key: set {MP_KEY_ENV}, or use source 'library'")
        if not mp_available():
            raise AnalysisError("source 'mp' needs mp-api: pip install 'interfaceflow[mp]'")
        return True
    if source == "auto":
        return mp_available()
    raise AnalysisError(f"unknown thermo source {source!r}; use auto, library or mp")


def subsystems(elements: Iterable[str]) -> list[str]:
    """Every chemical subsystem (``"Li"``, ``"La-Li"``, ..., ``"La-Li-O-Zr"``), as mp-api's chemsys."""
    els = sorted(set(elements))
    return ["-".join(c) for n in range(1, len(els) + 1) for c in itertools.combinations(els, n)]


def _search(chemsys: list[str], max_e_above_hull: float, api_key: str):
    from mp_api.client import MPRester

    with MPRester(api_key) as mpr:
        return mpr.materials.summary.search(
            chemsys=chemsys, energy_above_hull=(0, max_e_above_hull), fields=_FIELDS
        )


def _get(doc, key):
    return doc.get(key) if isinstance(doc, dict) else getattr(doc, key)


def mp_competing_phases(
    elements: Iterable[str],
    *,
    max_e_above_hull: float = MAX_E_ABOVE_HULL_EV,
    max_sites: int = MAX_SITES,
    api_key: str | None = None,
) -> dict[str, Structure]:
    """Name (``"LiO2 (mp-1234)"``) → primitive structure of each MP phase on or near the hull.

    Phases above ``max_sites`` sites in their primitive cell are skipped (MLIP cost), except that
    the lowest-lying phase of each composition is always kept when it is the only one.
    """
    from pymatgen.core import Structure

    key = api_key or mp_api_key()
    if not key:
        raise AnalysisError(f"no Materials Project key; set {MP_KEY_ENV}")
    try:
        docs = _search(subsystems(elements), max_e_above_hull, key)
    except ImportError:
        raise AnalysisError("the Materials Project path needs mp-api: pip install 'interfaceflow[mp]'") from None
    except Exception as exc:  # noqa: BLE001 - network, key or API errors become one line
        raise AnalysisError(
            f"Materials Project query failed ({type(exc).__name__}: {exc}); check MP_API_KEY and the "
            "network, or use the bundled library (source 'library')"
        ) from None
    by_formula: dict[str, list] = {}
    for doc in docs:
        structure = _get(doc, "structure")
        if isinstance(structure, dict):
            structure = Structure.from_dict(structure)
        structure = structure.get_primitive_structure()
        structure.properties = {"reference_source": f"Materials Project {_get(doc, 'material_id')}"}
        e_hull = float(_get(doc, "energy_above_hull") or 0.0)
        by_formula.setdefault(structure.composition.reduced_formula, []).append(
            (e_hull, str(_get(doc, "material_id")), structure)
        )
    out = {}
    for formula, rows in sorted(by_formula.items()):
        rows.sort(key=lambda r: (r[0], len(r[2])))
        kept = [r for r in rows if len(r[2]) <= max_sites] or rows[:1]
        for _, mp_id, structure in kept:
            out[f"{formula} ({mp_id})"] = structure
    return out
