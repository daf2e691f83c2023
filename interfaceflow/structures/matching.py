"""In-plane lattice matching (Zur & McGill), vectorised, and the strain it implies.

This is the algorithm of pymatgen's :class:`~pymatgen.analysis.interfaces.zsl.ZSLGenerator`:
enumerate the superlattices of each 2D lattice (Hermite normal forms up to a maximum area),
reduce them, and accept pairs whose reduced vector lengths and angle agree within a tolerance.
On top of ZSL's length/angle test every match must have a largest principal strain (polar
decomposition of the 2D deformation) within ``max_strain_pct``.

Why two implementations: ZSLGenerator loops over every pair of film and substrate superlattices
in Python. Searching a Li|Li6PS5Cl interface over all low-index planes with it takes ~0.5 s for
a 160-atom cell but ~190 s for a 1000-atom cell; this NumPy version takes ~3 s for the latter.
The builder therefore uses :func:`match_lattices` only as a screen that ranks Miller
combinations, and takes the supercells of the interfaces it builds from pymatgen
(:func:`zsl_match_lattices`) for the few best-ranked combinations.
``tests/test_builder_matching.py`` checks that both find the same superlattices.

One side is the *reference* (kept unstrained); every other side is strained onto the reference
superlattice.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from pymatgen.analysis.interfaces.zsl import ZSLGenerator, ZSLMatch, vec_area

#: At most this many matches are returned per call (smallest areas first).
MAX_MATCHES = 24
#: Length/angle/area pre-filter tolerances relative to the strain tolerance ``tol``, wide enough to
#: keep every match whose principal strain is within ``tol``: lengths change by at most ``tol``,
#: the angle of a reduced cell (60-90 degrees) by at most ``2 tol`` relative, areas by ``(1 +- tol)^2``.
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


def _hnf_matrices(max_multiple: int) -> np.ndarray:
    """All 2x2 Hermite normal forms [[i, j], [0, n / i]] with determinant n <= max_multiple."""
    mats = []
    for n in range(1, max_multiple + 1):
        for i in range(1, n + 1):
            if n % i:
                continue
            for j in range(n // i):
                mats.append(((i, j), (0, n // i)))
    return np.array(mats, dtype=int).reshape(-1, 2, 2)


def _reduce(m: np.ndarray, basis2d: np.ndarray) -> np.ndarray:
    """Lagrange-Gauss reduce the superlattices ``m @ basis`` (vectorised); returns reduced integer matrices."""
    m = m.astype(np.int64).copy()
    for _ in range(64):
        v = m @ basis2d  # (K, 2, 2)
        a, b = v[:, 0], v[:, 1]
        na, nb = np.einsum("ij,ij->i", a, a), np.einsum("ij,ij->i", b, b)
        swap = nb < na - 1e-9
        m[swap] = m[swap][:, ::-1]
        v = m @ basis2d
        a, b = v[:, 0], v[:, 1]
        mu = np.round(np.einsum("ij,ij->i", a, b) / np.einsum("ij,ij->i", a, a)).astype(np.int64)
        if not np.any(mu) and not np.any(swap):
            break
        m[:, 1] -= mu[:, None] * m[:, 0]
    v = m @ basis2d
    obtuse = np.einsum("ij,ij->i", v[:, 0], v[:, 1]) < 0
    m[obtuse, 1] *= -1
    return m


def _sublattices(vectors: np.ndarray, max_area_A2: float) -> tuple[np.ndarray, np.ndarray]:
    """Reduced superlattices up to ``max_area_A2``: integer matrices (K,2,2) and (|a|, |b|, angle, area)."""
    basis2d = _frame(vectors)
    unit_area = abs(np.linalg.det(basis2d))
    max_multiple = max(1, int(np.floor(max_area_A2 / unit_area + 1e-9)))
    m = _reduce(_hnf_matrices(max_multiple), basis2d)
    v = m @ basis2d
    la, lb = np.linalg.norm(v[:, 0], axis=1), np.linalg.norm(v[:, 1], axis=1)
    cos = np.einsum("ij,ij->i", v[:, 0], v[:, 1]) / (la * lb)
    area = np.abs(np.linalg.det(v))
    params = np.stack([la, lb, np.arccos(np.clip(cos, -1, 1)), area], axis=1)
    # smallest area first; within one area the most compact cell (longest shortest vector) first
    order = np.lexsort((params[:, 1], -np.round(params[:, 0], 6), np.round(params[:, 3], 6)))
    return m[order], params[order]


def _compatible(p_other: np.ndarray, p_ref: np.ndarray, tol: float) -> np.ndarray:
    """Boolean (K_other, K_ref): ZSL's length/angle test (either vector order)."""
    la_o, lb_o, an_o = (p_other[:, k][:, None] for k in range(3))
    la_r, lb_r, an_r = (p_ref[:, k][None, :] for k in range(3))
    # relative changes of the other side strained onto the reference (ZSL's film -> substrate)
    angle_ok = np.abs(an_r / an_o - 1) <= ANGLE_TOL_FACTOR * tol
    direct = (np.abs(la_r / la_o - 1) <= tol) & (np.abs(lb_r / lb_o - 1) <= tol)
    swapped = (np.abs(la_r / lb_o - 1) <= tol) & (np.abs(lb_r / la_o - 1) <= tol)
    return angle_ok & (direct | swapped)


_VARIANTS = (
    np.array([[1, 0], [0, 1]]), np.array([[0, 1], [1, 0]]), np.array([[1, 0], [0, -1]]), np.array([[0, 1], [-1, 0]]),
)


def _strains_pct(frames: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Vectorised :func:`principal_strain_pct` for 2D bases ``frames`` (K,2,2) onto ``target`` (2,2)."""
    frames = frames.astype(float).copy()
    flip = np.linalg.det(frames) * np.linalg.det(target) < 0
    frames[flip, :, 1] *= -1
    deformation = np.linalg.solve(frames, np.broadcast_to(target, frames.shape))
    stretches = np.linalg.svd(deformation, compute_uv=False)
    return np.max(np.abs(stretches - 1.0), axis=1) * 100.0


def _pair(m_candidates: np.ndarray, other: np.ndarray, ref_sl: np.ndarray, max_strain_pct: float):
    """Best correspondence (vector order, sign) of candidate superlattices to ``ref_sl``: (M, strain) or None."""
    ms = np.concatenate([v @ m_candidates for v in _VARIANTS])
    frames = ms @ _frame(other)
    strains = _strains_pct(frames, _frame(ref_sl))
    best = int(np.argmin(strains))
    if strains[best] > max_strain_pct + 1e-6:
        return None
    return ms[best].copy(), float(strains[best])


def match_lattices(
    reference: np.ndarray,
    others: list[np.ndarray],
    *,
    max_strain_pct: float,
    max_area_A2: float,
    max_matches: int = MAX_MATCHES,
) -> list[LatticeMatch]:
    """Coincident superlattices of ``reference`` (2x3 vectors) and every lattice in ``others``.

    Sorted by area then strain; at most ``max_matches``.
    """
    tol = max_strain_pct / 100.0
    ref_basis = reference
    m_ref_all, p_ref = _sublattices(ref_basis, max_area_A2)
    other_subs = [_sublattices(o, max_area_A2 * (1 + AREA_TOL_FACTOR * tol)) for o in others]
    matches: list[LatticeMatch] = []
    seen: set[tuple] = set()
    for k in range(len(m_ref_all)):
        area = p_ref[k, 3]
        candidates = []
        for m_o_all, p_o in other_subs:  # only superlattices of nearly the same area can match
            lo, hi = np.searchsorted(p_o[:, 3], [area * (1 - AREA_TOL_FACTOR * tol), area * (1 + AREA_TOL_FACTOR * tol)])
            ok = lo + np.nonzero(_compatible(p_o[lo:hi], p_ref[k:k + 1], tol)[:, 0])[0]
            candidates.append(m_o_all[ok])
        if any(len(c) == 0 for c in candidates):
            continue
        m_ref = m_ref_all[k]
        if np.linalg.det(m_ref) < 0:
            m_ref = m_ref * np.array([[1], [-1]])
        ref_sl = m_ref @ ref_basis
        supercells, strains = [m_ref], [0.0]
        for cand, other in zip(candidates, others):
            best = _pair(cand, other, ref_sl, max_strain_pct)
            if best is None:
                break
            supercells.append(best[0])
            strains.append(best[1])
        else:
            key = (round(p_ref[k, 3], 3), round(p_ref[k, 0], 3), round(p_ref[k, 1], 3), round(p_ref[k, 2], 3),
                   tuple(round(s, 3) for s in strains))
            if key in seen:
                continue
            seen.add(key)
            matches.append(LatticeMatch(tuple(supercells), tuple(strains), float(p_ref[k, 3])))
            if len(matches) >= max_matches:
                break
    return sorted(matches, key=lambda m: (round(m.area_A2, 3), round(m.max_strain_pct, 4)))


def best_strain_pct(reference: np.ndarray, other: np.ndarray, max_area_A2: float) -> float | None:
    """Smallest strain of any coincidence up to ``max_area_A2`` with loose (25 %) tolerances."""
    matches = match_lattices(reference, [other], max_strain_pct=25.0, max_area_A2=max_area_A2)
    return min((m.max_strain_pct for m in matches), default=None)


# ------------------------------------------------ pymatgen reference (slow; used to validate the above)


def _integer_matrix(superlattice: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """The 2x2 integer matrix ``m`` with ``m @ basis == superlattice`` (both (2, 3) vectors)."""
    m = np.linalg.lstsq(np.asarray(basis, float).T, np.asarray(superlattice, float).T, rcond=None)[0].T
    return np.rint(m).astype(int)


def _hermite_key(m: np.ndarray) -> tuple[int, int, int]:
    """Hermite normal form ``[[a, b], [0, d]]`` of the row lattice of ``m``: one key per sublattice."""
    (p, q), (r, s) = (int(x) for x in m[0]), (int(x) for x in m[1])
    g, x, y = _extended_gcd(p, r)  # x p + y r = g > 0: first row x m[0] + y m[1] = (g, x q + y s)
    d = abs((r // g) * q - (p // g) * s)
    return g, (x * q + y * s) % d, d


def _extended_gcd(a: int, b: int) -> tuple[int, int, int]:
    if b == 0:
        return (abs(a), 1 if a >= 0 else -1, 0)
    g, x, y = _extended_gcd(b, a % b)
    return g, y, x - (a // b) * y


def zsl_generator(*, max_strain_pct: float, max_area_A2: float) -> ZSLGenerator:
    """The :class:`ZSLGenerator` behind :func:`zsl_supercells`: ZSL's tolerances for ``max_strain_pct``."""
    tol = max_strain_pct / 100.0
    return ZSLGenerator(
        max_area_ratio_tol=AREA_TOL_FACTOR * tol,
        # the film superlattice may be slightly larger than the reference one it is strained onto;
        # ZSL's range excludes an exact multiple of the unit area, hence the tiny excess
        max_area=max_area_A2 * (1 + AREA_TOL_FACTOR * tol) * (1 + 1e-9),
        max_length_tol=tol,
        max_angle_tol=ANGLE_TOL_FACTOR * tol,
        bidirectional=False,
    )


def _zsl_matches(zsl: ZSLGenerator, film: np.ndarray, substrate: np.ndarray, deadline: float | None):
    """``zsl(film, substrate)``, one area multiple at a time; stops (yields None) after ``deadline``.

    ZSLGenerator's own iterator spends minutes between two matches for large areas, so the clock
    is read before each of its transformation sets (same sets, same order, same matches).
    """
    for transformation_set in zsl.generate_sl_transformation_sets(vec_area(*film), vec_area(*substrate)):
        if deadline is not None and time.perf_counter() > deadline:
            yield None
            return
        for f, s, f_trans, s_trans in zsl.get_equiv_transformations([transformation_set], film, substrate):
            yield ZSLMatch(film_sl_vectors=f, substrate_sl_vectors=s, film_vectors=film, substrate_vectors=substrate,
                           film_transformation=f_trans, substrate_transformation=s_trans)


def zsl_supercells(
    reference: np.ndarray, other: np.ndarray, *, max_strain_pct: float, max_area_A2: float,
    deadline: float | None = None,
) -> dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray, float]] | None:
    """pymatgen ZSL matches of ``other`` (film) onto ``reference`` (substrate), filtered by principal strain.

    Returns ``{hermite key of the reference supercell: (m_ref, m_other, strain_pct)}``, the least
    strained ``other`` supercell for every reference superlattice up to ``max_area_A2``. The
    matrices are those of ZSL's superlattice vectors (``m_ref @ reference`` is a match's
    ``substrate_sl_vectors``), with the second vector of both sides negated when that makes
    ``det(m_ref)`` positive. None when ``time.perf_counter()`` passed ``deadline`` before ZSL was done.
    """
    reference, other = np.asarray(reference, float), np.asarray(other, float)
    ref_area = float(np.linalg.norm(np.cross(*reference)))
    zsl = zsl_generator(max_strain_pct=max_strain_pct, max_area_A2=max_area_A2)
    best: dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray, float]] = {}
    for match in _zsl_matches(zsl, other, reference, deadline):
        if match is None:
            return None
        m_ref = _integer_matrix(match.substrate_sl_vectors, reference)
        if abs(round(np.linalg.det(m_ref))) * ref_area > max_area_A2 * (1 + 1e-9):
            continue
        m_other = _integer_matrix(match.film_sl_vectors, other)
        if np.linalg.det(m_ref) < 0:  # keep the reference right-handed; the pairing of vectors is unchanged
            m_ref, m_other = m_ref * np.array([[1], [-1]]), m_other * np.array([[1], [-1]])
        strain = principal_strain_pct(m_other @ other, m_ref @ reference)
        if strain > max_strain_pct + 1e-6:
            continue
        key = _hermite_key(m_ref)
        if key not in best or strain < best[key][2] - 1e-9:
            best[key] = (m_ref, m_other, strain)
    return best


def zsl_match_lattices(
    reference: np.ndarray,
    others: list[np.ndarray],
    *,
    max_strain_pct: float,
    max_area_A2: float,
    max_matches: int = MAX_MATCHES,
    deadline: float | None = None,
) -> list[LatticeMatch] | None:
    """:func:`match_lattices` computed with pymatgen's ZSLGenerator (one ZSL search per other side).

    Same filter, de-duplication and order: a reference superlattice is kept when every side has a
    ZSL match onto it within ``max_strain_pct``; the matrices are ZSL's (see :func:`zsl_supercells`),
    rewritten in the basis of the first side's reference supercell when there are several sides.
    None when ``time.perf_counter()`` passed ``deadline`` (a value of it) before ZSL was done.
    """
    reference = np.asarray(reference, float)
    per_side = []
    for o in others:
        side = zsl_supercells(reference, o, max_strain_pct=max_strain_pct, max_area_A2=max_area_A2, deadline=deadline)
        if side is None:
            return None
        per_side.append(side)
    common = set(per_side[0]).intersection(*per_side[1:]) if per_side else set()
    ref2d = _frame(reference)
    rows = []
    for key in common:
        m_ref = per_side[0][key][0]
        v = m_ref @ ref2d
        la, lb = sorted(np.linalg.norm(v, axis=1))
        angle = float(np.arccos(np.clip(abs(v[0] @ v[1]) / (la * lb), -1, 1)))
        area = float(abs(np.linalg.det(v)))
        rows.append((round(area, 6), -round(la, 6), round(lb, 6), key, la, lb, angle, area))
    matches: list[LatticeMatch] = []
    seen: set[tuple] = set()
    for *_, key, la, lb, angle, area in sorted(rows):
        m_ref = per_side[0][key][0]
        supercells, strains = [m_ref], [0.0]
        for side in per_side:
            m_ref_k, m_other_k, strain = side[key]
            change = np.rint(m_ref @ np.linalg.inv(m_ref_k)).astype(int)  # same lattice: unimodular
            supercells.append(change @ m_other_k)
            strains.append(strain)
        dedupe = (round(area, 3), round(la, 3), round(lb, 3), round(angle, 3), tuple(round(s, 3) for s in strains))
        if dedupe in seen:
            continue
        seen.add(dedupe)
        matches.append(LatticeMatch(tuple(supercells), tuple(strains), area))
        if len(matches) >= max_matches:
            break
    return sorted(matches, key=lambda m: (round(m.area_A2, 3), round(m.max_strain_pct, 4)))
