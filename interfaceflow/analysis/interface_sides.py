"""Interfaces, sides and bulk regions of the bins along the interface normal.

Interface planes (given, or where the majority region label changes), vacuum gaps, the split
of the bins into named sides with their bulk and near-interface bins
(:class:`ProfileGeometry`), and per-side bulk means. See :mod:`interfaceflow.analysis.profiles`
for the conventions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.ndimage import gaussian_filter1d

from interfaceflow.errors import AnalysisError

#: Preferred order of region-named sides (others follow alphabetically).
SIDE_ORDER = ("electrode", "coating", "electrolyte")
Boundary = Literal["auto", "periodic", "slab"]


def find_vacuum_runs(
    atom_counts: np.ndarray, bin_width_A: float, min_gap_A: float
) -> list[np.ndarray]:
    """Runs of (almost) empty bins at least ``min_gap_A`` long, longest first (periodic wrap).

    A bin is empty when its time-averaged atom count is below 2 % of the mean count per bin.
    """
    counts = np.asarray(atom_counts, dtype=float)
    n = counts.size
    empty = counts < 0.02 * counts.mean() if counts.mean() > 0 else np.ones(n, dtype=bool)
    if empty.all():
        raise AnalysisError("no atoms in any bin; check the trajectory and the axis")
    start = int(np.flatnonzero(~empty)[0])
    rolled = np.roll(empty, -start)
    runs, current = [], []
    for i, is_empty in enumerate(rolled):
        if is_empty:
            current.append((i + start) % n)
        elif current:
            runs.append(np.array(current))
            current = []
    if current:
        runs.append(np.array(current))
    runs = [r for r in runs if len(r) * bin_width_A >= min_gap_A]
    return sorted(runs, key=len, reverse=True)


def interface_planes_from_regions(
    region_counts: np.ndarray,
    bin_width_A: float,
    *,
    periodic: bool = True,
    smooth_A: float = 1.0,
    vacuum_min_gap_A: float = 5.0,
) -> list[float]:
    """Interface planes (Å on the bin grid) where the majority region label changes.

    Args:
        region_counts: (R, n_bins) time-averaged atom counts of each region label per bin.
        smooth_A: Gaussian smoothing of the counts before the majority vote (suppresses single
            atoms that crossed over); changes across vacuum gaps are not interfaces.
    """
    counts = np.asarray(region_counts, dtype=float)
    n = counts.shape[1]
    sigma = max(smooth_A / bin_width_A, 1e-9)
    smooth = gaussian_filter1d(counts, sigma, axis=1, mode="wrap" if periodic else "nearest")
    total = smooth.sum(axis=0)
    occupied = np.flatnonzero(total > 0.05 * total.mean())
    labels = np.argmax(smooth, axis=0)
    planes = []
    pairs = list(zip(occupied[:-1], occupied[1:]))
    if periodic and len(occupied) > 1:
        pairs.append((occupied[-1], occupied[0] + n))
    for i, j in pairs:
        gap_A = (j - i - 1) * bin_width_A
        if labels[i % n] != labels[j % n] and gap_A < vacuum_min_gap_A:
            edge = _best_separating_edge(counts[labels[i % n]], counts[labels[j % n]], i, j, sigma)
            planes.append((edge * bin_width_A) % (n * bin_width_A))
    return sorted(planes)


def _best_separating_edge(
    left: np.ndarray, right: np.ndarray, i: int, j: int, sigma: float
) -> float:
    """Bin edge near the i|j transition that leaves the fewest atoms on the wrong side.

    ``left``/``right`` are the raw counts of the region on the left/right; ties give the middle of
    the tied edges (the middle of an empty gap between the two regions).
    """
    n = left.size
    w = int(np.ceil(3 * sigma)) + 1
    window = np.arange(i - w, j + w + 1)
    l_w, r_w = left[window % n], right[window % n]
    # edge k (before window[k]): right-region atoms left of it + left-region atoms right of it
    wrong_left = np.concatenate([[0.0], np.cumsum(r_w)])
    wrong_right = np.concatenate([np.cumsum(l_w[::-1])[::-1], [0.0]])
    cost = wrong_left + wrong_right
    best = np.flatnonzero(np.isclose(cost, cost.min()))
    return float(window[0] + best.mean())


@dataclass
class ProfileGeometry:
    """How the bins of the grid are split into sides, interface regions and bulk regions."""

    z_A: np.ndarray
    bin_width_A: float
    height_A: float
    area_A2: float
    boundary: Literal["periodic", "slab"]
    planes_A: list[float]
    labels: np.ndarray  # (n,) side name per bin, '' for vacuum
    sides: list[str]
    contacts: dict[str, int]  # interface contacts per side
    distance_A: np.ndarray  # (n,) distance to the nearest interface plane
    surface_distance_A: np.ndarray  # (n,) distance to the nearest vacuum bin (inf without vacuum)
    bulk: np.ndarray  # (n,) bool
    near: np.ndarray  # (n,) bool: side bins closer to an interface than to a surface, not bulk
    vacuum_bin: int | None
    warnings: list[str]

    @property
    def periodic(self) -> bool:
        """True for the periodic-sandwich boundary condition."""
        return self.boundary == "periodic"


def build_geometry(
    atom_counts: np.ndarray,
    bin_width_A: float,
    area_A2: float,
    *,
    planes_A: list[float] | None,
    boundary: Boundary = "auto",
    axis_periodic: bool = True,
    region_counts: np.ndarray | None = None,
    region_names: list[str] | None = None,
    bulk_margin_A: float = 5.0,
    vacuum_min_gap_A: float = 5.0,
) -> ProfileGeometry:
    """Split the bins into sides, bulk and near-interface regions.

    The conventions are those of the docstring of :mod:`interfaceflow.analysis.profiles`.
    """
    n = len(atom_counts)
    h = float(bin_width_A)
    height = n * h
    z = (np.arange(n) + 0.5) * h
    runs = find_vacuum_runs(atom_counts, h, vacuum_min_gap_A)
    if boundary == "auto":
        boundary = "slab" if (runs or not axis_periodic) else "periodic"
    if boundary == "slab" and not runs:
        raise AnalysisError(
            f"boundary=slab needs a vacuum gap of at least {vacuum_min_gap_A:g} Å along the axis "
            "and none was found; use boundary=periodic or lower vacuum_min_gap_A"
        )
    vacuum = np.zeros(n, dtype=bool)
    vacuum_bin = None
    if boundary == "slab":
        for run in runs:
            vacuum[run] = True
        vacuum_bin = int(runs[0][len(runs[0]) // 2])
    notes: list[str] = []

    planes = sorted(float(p) % height for p in (planes_A or []))
    # measure along u, a coordinate that starts in the middle of the vacuum for a slab
    origin = vacuum_bin * h if vacuum_bin is not None else 0.0
    u = (z - origin) % height
    planes_u = np.sort((np.asarray(planes) - origin) % height)
    segment = np.searchsorted(planes_u, u)
    if boundary == "periodic" and len(planes_u):
        segment[segment == len(planes_u)] = 0
    if len(planes_u):
        diff = np.abs(u[:, None] - planes_u[None, :])
        if boundary == "periodic":
            diff = np.minimum(diff, height - diff)
        distance = diff.min(axis=1)
    else:
        distance = np.full(n, np.inf)
    if vacuum.any():
        vac_u = u[vacuum]
        # distance to the vacuum edge, i.e. to the nearest vacuum bin centre minus half a bin
        surface_distance = np.abs(u[:, None] - vac_u[None, :]).min(axis=1) - 0.5 * h
    else:
        surface_distance = np.full(n, np.inf)

    names = _segment_names(segment, vacuum, len(planes_u), boundary, region_counts, region_names)
    labels = np.array([names[int(seg)] for seg in segment], dtype=object)
    labels[vacuum] = ""
    sides = _ordered_sides({str(x) for x in labels if x})
    contacts = {side: 0 for side in sides}
    n_planes = len(planes_u)
    for seg, name in names.items():
        if name and np.any((segment == seg) & ~vacuum):
            if n_planes == 0:
                c = 0
            elif boundary == "periodic":
                c = 2
            else:
                c = 1 if seg in (0, n_planes) else 2
            contacts[name] += c

    side_mask = labels != ""
    bulk = side_mask & (distance >= bulk_margin_A) & (surface_distance >= bulk_margin_A)
    for side in sides:
        in_side = labels == side
        if not np.any(bulk & in_side):
            d_side = np.minimum(distance, surface_distance)[in_side]
            far = in_side & (np.minimum(distance, surface_distance) >= 0.5 * d_side.max())
            bulk |= far
            notes.append(
                f"side '{side}' has no bin farther than bulk_margin_A={bulk_margin_A:g} Å from "
                "interfaces/surfaces; its bulk is the farther half of its bins"
            )
    near = side_mask & ~bulk & (distance < surface_distance)
    return ProfileGeometry(
        z_A=z, bin_width_A=h, height_A=height, area_A2=float(area_A2), boundary=boundary,
        planes_A=[float(p) for p in planes], labels=labels, sides=sides, contacts=contacts,
        distance_A=distance, surface_distance_A=surface_distance, bulk=bulk, near=near,
        vacuum_bin=vacuum_bin, warnings=notes,
    )


def _segment_names(
    segment, vacuum, n_planes, boundary, region_counts, region_names
) -> dict[int, str]:
    """Name of every segment: majority region label, ``side_<k>``, ``bulk``, or '' (empty)."""
    seg_ids = sorted(set(int(s) for s in segment))
    names = {}
    for seg in seg_ids:
        in_seg = (segment == seg) & ~vacuum
        if region_counts is not None and region_names:
            totals = np.asarray(region_counts)[:, in_seg].sum(axis=1)
            names[seg] = str(region_names[int(np.argmax(totals))]) if totals.sum() > 0 else ""
        elif n_planes == 0:
            names[seg] = "bulk"
        else:
            names[seg] = f"side_{seg}" if in_seg.any() else ""
    return names


def _ordered_sides(names: set[str]) -> list[str]:
    known = [s for s in SIDE_ORDER if s in names]
    return known + sorted(names - set(known))


def side_bulk_means(
    values: np.ndarray, geometry: ProfileGeometry, weights: np.ndarray | None = None
) -> dict[str, float]:
    """Mean of ``values`` over the bulk bins of every side (weighted by ``weights`` if given)."""
    values = np.asarray(values, dtype=float)
    out = {}
    for side in geometry.sides:
        mask = geometry.bulk & (geometry.labels == side) & np.isfinite(values)
        if weights is None:
            out[side] = float(values[mask].mean()) if mask.any() else float("nan")
        else:
            w = np.asarray(weights, dtype=float)[mask]
            out[side] = float(np.sum(values[mask] * w) / w.sum()) if w.sum() > 0 else float("nan")
    return out


def per_bin(side_values: dict[str, float], geometry: ProfileGeometry) -> np.ndarray:
    """Spread one value per side onto the bins of that side (NaN on vacuum bins)."""
    out = np.full(len(geometry.labels), np.nan)
    for side, value in side_values.items():
        out[geometry.labels == side] = value
    return out


def step_pair(sides: list[str]) -> tuple[str, str] | None:
    """The two sides whose bulk potentials define the potential step (first -> second)."""
    if "electrode" in sides and "electrolyte" in sides:
        return "electrode", "electrolyte"
    return (sides[0], sides[1]) if len(sides) >= 2 else None
