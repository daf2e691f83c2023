"""In-plane lattice matching with pymatgen's Zur & McGill search, and the strain it implies.

The coincidence search is pymatgen's :class:`~pymatgen.analysis.interfaces.zsl.ZSLGenerator`
(superlattices up to a maximum area, reduced, compared by vector lengths and angle). This module
only turns its matches into integer supercell matrices and filters them: every match must have a
largest principal strain (polar decomposition of the 2D deformation) within ``max_strain_pct``,
which is stricter than ZSL's separate length and angle tests. With more than two sides (a coating)
a match is a reference superlattice that every other side matches.

One side is the *reference* (kept unstrained, ZSL's substrate); every other side (ZSL's film) is
strained onto the reference superlattice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pymatgen.analysis.interfaces.zsl import ZSLGenerator

#: At most this many matches are returned per call (smallest areas first).
MAX_MATCHES = 24
#: ZSL tolerances relative to the strain tolerance ``tol``, chosen so that ZSL's length, angle and
#: area tests keep every match whose principal strain is within ``tol``: lengths change by at most
#: ``tol``, the angle of a reduced cell (60-90 degrees) by at most ``2 tol`` relative, areas by
#: ``(1 +- tol)^2``.
ANGLE_TOL_FACTOR = 2.0
AREA_TOL_FACTOR = 2.5


@dataclass(frozen=True)
class LatticeMatch:
    """Integer in-plane supercells that make all sides coincide with the reference superlattice."""

    supercells: tuple[np.ndarray, ...]  # 2x2 integer matrices, one per side (reference first)
    strain_pct: tuple[float, ...]  # largest principal in-plane strain per side (reference: 0)
    area_A2: float  # area of the reference superlattice

    @property
    def max_strain_pct(self) -> float:
        return max(self.strain_pct)


def _frame(vectors: np.ndarray) -> np.ndarray:
    """2D coordinates (2x2, rows) of two 3D vectors in their own plane, first along x."""
    a, b = vectors
    e1 = a / np.linalg.norm(a)
    normal = np.cross(a, b)
    e2 = np.cross(normal / np.linalg.norm(normal), e1)
    return np.array([[a @ e1, a @ e2], [b @ e1, b @ e2]])


def principal_strain_pct(strained: np.ndarray, target: np.ndarray) -> float:
    """Largest |principal stretch - 1| (%) that maps in-plane vectors ``strained`` onto ``target``.

    Both are (2, 3) Cartesian vector pairs; rotations and a handedness flip (slab turned upside
    down) are free.
    """
    fs, ft = _frame(strained), _frame(target)
    if np.linalg.det(fs) * np.linalg.det(ft) < 0:
        fs = fs * np.array([1.0, -1.0])
    deformation = np.linalg.solve(fs, ft).T  # ft.T = F @ fs.T
    stretches = np.linalg.svd(deformation, compute_uv=False)
    return float(np.max(np.abs(stretches - 1.0)) * 100.0)


def _integer_matrix(superlattice: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """The 2x2 integer matrix ``m`` with ``m @ basis == superlattice`` (both (2, 3) vectors)."""
    m = np.linalg.lstsq(np.asarray(basis, float).T, np.asarray(superlattice, float).T, rcond=None)[0].T
    return np.rint(m).astype(int)


def _hermite_key(m: np.ndarray) -> tuple[int, int, int]:
    """Hermite normal form ``[[a, b], [0, d]]`` of the row lattice of ``m``: one key per sublattice."""
    (p, q), (r, s) = (int(x) for x in m[0]), (int(x) for x in m[1])
    g, x, y = _extended_gcd(p, r)
    top = (g, x * q + y * s)  # x p + y r = g
    d = abs((r // g) * q - (p // g) * s)
    a = abs(top[0])
    b = (top[1] if top[0] > 0 else -top[1]) % d
    return a, b, d


def _extended_gcd(a: int, b: int) -> tuple[int, int, int]:
    if b == 0:
        return (abs(a), 1 if a >= 0 else -1, 0)
    g, x, y = _extended_gcd(b, a % b)
    return g, y, x - (a // b) * y


def zsl_supercells(
    reference: np.ndarray, other: np.ndarray, *, max_strain_pct: float, max_area_A2: float
) -> dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray, float]]:
    """pymatgen ZSL matches of ``other`` (film) onto ``reference`` (substrate), filtered by principal strain.

    Returns ``{hermite key of the reference supercell: (m_ref, m_other, strain_pct)}``, the least
    strained ``other`` supercell for every reference superlattice up to ``max_area_A2``.
    """
    tol = max_strain_pct / 100.0
    reference, other = np.asarray(reference, float), np.asarray(other, float)
    ref_area = float(np.linalg.norm(np.cross(*reference)))
    zsl = ZSLGenerator(
        max_area_ratio_tol=AREA_TOL_FACTOR * tol,
        # the film superlattice may be slightly larger than the reference one it is strained onto;
        # ZSL's range excludes an exact multiple of the unit area, hence the tiny excess
        max_area=max_area_A2 * (1 + AREA_TOL_FACTOR * tol) * (1 + 1e-9),
        max_length_tol=tol,
        max_angle_tol=ANGLE_TOL_FACTOR * tol,
        bidirectional=False,
    )
    best: dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray, float]] = {}
    for match in zsl(other, reference):
        m_ref = _integer_matrix(match.substrate_sl_vectors, reference)
        if abs(round(np.linalg.det(m_ref))) * ref_area > max_area_A2 * (1 + 1e-9):
            continue
        m_other = _integer_matrix(match.film_sl_vectors, other)
        strain = principal_strain_pct(m_other @ other, m_ref @ reference)
        if strain > max_strain_pct + 1e-6:
            continue
        key = _hermite_key(m_ref)
        if key not in best or strain < best[key][2] - 1e-9:
            best[key] = (m_ref, m_other, strain)
    return best


def match_lattices(
    reference: np.ndarray,
    others: list[np.ndarray],
    *,
    max_strain_pct: float,
    max_area_A2: float,
    max_matches: int = MAX_MATCHES,
) -> list[LatticeMatch]:
    """Coincident superlattices of ``reference`` (2x3 vectors) and every lattice in ``others``.

    Sorted by area then strain; at most ``max_matches``. The reference supercell is right-handed;
    another side's supercell may be left-handed (the builder turns that slab upside down).
    """
    reference = np.asarray(reference, float)
    per_other = [zsl_supercells(reference, o, max_strain_pct=max_strain_pct, max_area_A2=max_area_A2)
                 for o in others]
    common = set(per_other[0]).intersection(*per_other[1:]) if per_other else set()
    ref_area = float(np.linalg.norm(np.cross(*reference)))
    matches: list[LatticeMatch] = []
    seen: set[tuple] = set()
    for key in sorted(common, key=lambda k: (k[0] * k[2], k)):
        base = per_other[0][key][0]
        if np.linalg.det(base) < 0:
            base = base * np.array([[1], [-1]])
        supercells, strains = [base], [0.0]
        for other, found in zip(others, per_other):
            m_ref, m_other, _ = found[key]
            # express this side's supercell in the common reference basis (same correspondence)
            change = np.rint(base @ np.linalg.inv(m_ref)).astype(int)
            m_other = change @ m_other
            supercells.append(m_other)
            strains.append(principal_strain_pct(m_other @ np.asarray(other, float), base @ reference))
        sl = base @ reference
        lengths = np.linalg.norm(sl, axis=1)
        shape = (round(key[0] * key[2] * ref_area, 3), *np.round(np.sort(lengths), 3),
                 round(abs(float(np.dot(*sl))) / float(np.prod(lengths)), 4), tuple(round(s, 3) for s in strains))
        if shape in seen:  # the same superlattice shape in another orientation (symmetry equivalent)
            continue
        seen.add(shape)
        matches.append(LatticeMatch(tuple(supercells), tuple(strains), key[0] * key[2] * ref_area))
    matches.sort(key=lambda m: (round(m.area_A2, 3), round(m.max_strain_pct, 4)))
    return matches[:max_matches]


def best_strain_pct(reference: np.ndarray, other: np.ndarray, max_area_A2: float) -> float | None:
    """Smallest strain of any coincidence up to ``max_area_A2`` with loose (25 %) tolerances."""
    found = zsl_supercells(reference, other, max_strain_pct=25.0, max_area_A2=max_area_A2)
    return min((s for *_, s in found.values()), default=None)
