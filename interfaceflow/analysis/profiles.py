"""Space-charge and Li-redistribution profiles along the interface normal.

At an oxide-cathode | sulfide interface Li⁺ moves across the interface and leaves a Li-depleted
layer on the sulfide side. This module measures it from any trajectory:

* profiles along one cell axis, averaged over a time window with block-averaged error bars: number
  density of each species, the Li concentration relative to the bulk of each side, the charge
  density of a charge model (:mod:`interfaceflow.analysis.charges`), the electric field and the
  electrostatic potential (:func:`solve_poisson_1d`), and a Li site-energy profile when the
  trajectory carries per-atom energies;
* derived quantities: the width of the Li depletion/accumulation layer of each side
  (:func:`fit_layer_width`), the potential step between the bulks of the two sides, and the Li
  excess per interface area (Li/nm²), each also per time block to show the layer forming.

Conventions
-----------
* Binning uses the fractional coordinate along the axis, so cells that change under NPT are
  handled; the grid is ``z = s * h`` with ``h`` the cell height along the normal averaged over the
  window (``h = V / |a x b|``, the in-plane vectors being the two other cell vectors). Interface
  planes are given on that grid (Å). Densities are per Å³ with the bin volume ``V / n_bins`` of
  each frame.
* Sides: the interface planes cut the cell into segments. A segment is named after the majority
  region label of its atoms (``electrode``, ``coating``, ``electrolyte``) when the trajectory has
  region labels, otherwise ``side_0``, ``side_1``... in order along the axis (``side_0`` contains
  the cell origin in a periodic cell, and starts at the middle of the vacuum in a slab), or
  ``bulk`` without interface planes. Segments with the same name form one side. Vacuum bins
  (empty runs of at least ``vacuum_min_gap_A``) belong to no side.
* Interface planes: ``settings.interface_z_A``, else the trajectory's ``interface_z_A`` (H5MD
  ``/parameters``), else where the majority region label changes (the bin edge that leaves the
  fewest atoms on the wrong side).
* Layer width (``depletion_width_A``, also for an accumulation layer; ``layer_kind`` tells which):
  see :func:`fit_layer_width` (exponential fit, threshold fallback, ``depletion_method`` says
  which was used).
* Bulk of a side: its bins farther than ``bulk_margin_A`` from every interface plane (and, in a
  slab, from the free surfaces). When a side has none (a thin coating), the farther half of its
  bins is used and a warning is recorded.
* Potential step: mean bulk potential of the second side minus that of the first, for the pair
  (electrode, electrolyte) when both exist, else the first two sides in the order listed in
  ``sides``: positive when the electrolyte sits at the higher potential.
* Li excess per area: ``sum over near-interface bins of (n_Li - n_Li,bulk) * dz``, divided by the
  number of interface contacts of the side (2 per segment in a periodic sandwich), in Li/nm²:
  negative for a depletion layer. In a periodic cell this equals the integral over the whole side.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

import numpy as np
from ase.data import chemical_symbols
from pydantic import BaseModel, ConfigDict, Field
from scipy.ndimage import gaussian_filter1d, uniform_filter1d
from scipy.optimize import curve_fit

from interfaceflow.errors import AnalysisError

#: Vacuum permittivity in e / (V Å).
EPSILON0_E_PER_V_A = 0.0055263494
AXES = {"x": 0, "y": 1, "z": 2}
#: Preferred order of region-named sides (others follow alphabetically).
SIDE_ORDER = ("electrode", "coating", "electrolyte")
Boundary = Literal["auto", "periodic", "slab"]


class ProfileSettings(BaseModel):
    """Settings of the profile analysis (all have defaults; every field is JSON-serialisable)."""

    model_config = ConfigDict(extra="forbid")

    axis: Literal["x", "y", "z"] = Field(default="z", description="Interface normal (cell axis).")
    bin_width_A: float = Field(
        default=0.5, gt=0, description="Bin width, Å (ignored when n_bins is set)."
    )
    n_bins: int | None = Field(default=None, ge=1, description="Fixed number of bins.")
    t_start_fs: float | None = Field(default=None, description="Start of the averaging window, fs.")
    t_stop_fs: float | None = Field(default=None, description="End of the averaging window, fs.")
    n_blocks: int = Field(default=5, ge=1, description="Blocks of the window for error bars.")
    n_time_blocks: int = Field(
        default=10, ge=1, description="Blocks of the whole trajectory for the time series."
    )
    boundary: Boundary = Field(
        default="auto",
        description=(
            "Poisson boundary condition: periodic sandwich, or slab with vacuum and a dipole "
            "correction; auto picks slab when the axis is not periodic or a vacuum gap exists."
        ),
    )
    vacuum_min_gap_A: float = Field(
        default=5.0, gt=0, description="Shortest run of empty bins that is vacuum, Å."
    )
    bulk_margin_A: float = Field(
        default=5.0,
        ge=0,
        description="Bulk bins are farther than this from interfaces, Å (use about 4x the width).",
    )
    width_threshold: float = Field(
        default=0.1,
        gt=0,
        description="|c_rel - 1| below which Li is back to bulk (threshold width).",
    )
    macro_average_A: float | None = Field(
        default=None,
        gt=0,
        description=(
            "Boxcar window (Å, e.g. the layer spacing) applied to the Li density and potential "
            "before the derived quantities; the reported profiles stay unsmoothed."
        ),
    )
    interface_z_A: list[float] | None = Field(
        default=None, description="Interface planes on the z grid, Å (overrides the trajectory's)."
    )
    neutrality_tolerance_e: float = Field(
        default=0.05, ge=0, description="Largest accepted |total charge| per frame, e."
    )
    neutralize: bool = Field(
        default=False,
        description="Continue on a charged cell with a uniform compensating background (warns).",
    )
    poisson_method: Literal["integral", "fft"] = Field(
        default="integral", description="Periodic solver: exact real-space integral or FFT."
    )
    relative_permittivity: float = Field(
        default=1.0,
        ge=1.0,
        description=(
            "Background (electronic) permittivity eps_inf that screens the point charges. Formal "
            "or calculator charges carry no electronic polarisation, so eps_r = 1 (vacuum) "
            "overestimates fields and potential steps by about eps_inf (5-10 for sulfides and "
            "oxides); give the electrolyte's eps_inf to compare with experiment."
        ),
    )
    compensating_region: str | None = Field(
        default=None,
        description=(
            "Region label (e.g. 'electrode' for Li metal) whose atoms carry the compensating "
            "charge of a charged formal-charge model: a metal's conduction electrons screen the "
            "interfacial ions, which formal oxidation states cannot describe. Implies neutralize."
        ),
    )


# --------------------------------------------------------------------------------------------
# Geometry and binning
# --------------------------------------------------------------------------------------------


def axis_index(axis: str | int) -> int:
    """Map ``x``/``y``/``z`` (or 0/1/2) to a cell-vector index."""
    if isinstance(axis, (int, np.integer)) and int(axis) in (0, 1, 2):
        return int(axis)
    if isinstance(axis, str) and axis.lower() in AXES:
        return AXES[axis.lower()]
    raise AnalysisError(f"unknown axis {axis!r}; use x, y or z")


def cell_heights_and_areas(cells_A: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Cell height along the normal (V / |a x b|, Å) and in-plane area (|a x b|, Å²) per frame.

    ``a`` and ``b`` are the two cell vectors other than ``axis``.
    """
    cells = np.asarray(cells_A, dtype=float).reshape(-1, 3, 3)
    i, j = [k for k in range(3) if k != axis]
    areas = np.linalg.norm(np.cross(cells[:, i], cells[:, j]), axis=1)
    volumes = np.abs(np.linalg.det(cells))
    if np.any(areas <= 0) or np.any(volumes <= 0):
        raise AnalysisError(
            "a frame has a degenerate cell (zero area or volume); check the cell data"
        )
    return volumes / areas, areas


def fractional_along_axis(positions_A: np.ndarray, cells_A: np.ndarray, axis: int) -> np.ndarray:
    """Fractional coordinate along cell vector ``axis``, wrapped to [0, 1), shape (F, N)."""
    inverse = np.linalg.inv(np.asarray(cells_A, dtype=float))  # (F, 3, 3)
    s = np.einsum("fnk,fk->fn", np.asarray(positions_A, dtype=float), inverse[:, :, axis])
    return s - np.floor(s)


def bin_indices(frac: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin index of each fractional coordinate (F, N) on ``n_bins`` equal bins."""
    return np.minimum((frac * n_bins).astype(np.int64), n_bins - 1)


def binned_sums(
    bins: np.ndarray,
    n_bins: int,
    weights: np.ndarray | None = None,
    atom_mask: np.ndarray | None = None,
) -> np.ndarray:
    """Per-frame sum of ``weights`` (or counts) of the selected atoms in every bin: (F, n_bins)."""
    n_frames = bins.shape[0]
    flat = bins + (np.arange(n_frames)[:, None] * n_bins)
    w = None if weights is None else np.broadcast_to(np.asarray(weights, dtype=float), bins.shape)
    if atom_mask is not None:
        flat = flat[:, atom_mask]
        w = None if w is None else w[:, atom_mask]
    out = np.bincount(
        flat.ravel(), weights=None if w is None else w.ravel(), minlength=n_frames * n_bins
    )
    return out.reshape(n_frames, n_bins).astype(float)


def frame_window(
    n_frames: int, times_fs: np.ndarray | None, t_start_fs: float | None, t_stop_fs: float | None
) -> np.ndarray:
    """Indices of the frames with ``t_start_fs <= t <= t_stop_fs`` (all frames without limits)."""
    if t_start_fs is None and t_stop_fs is None:
        return np.arange(n_frames)
    if times_fs is None:
        raise AnalysisError(
            "the trajectory has no frame times, so a time window cannot be chosen; drop "
            "t_start_fs/t_stop_fs and slice frames with --start/--stop instead"
        )
    t = np.asarray(times_fs, dtype=float)
    keep = np.ones(n_frames, dtype=bool)
    if t_start_fs is not None:
        keep &= t >= t_start_fs
    if t_stop_fs is not None:
        keep &= t <= t_stop_fs
    if not keep.any():
        raise AnalysisError(
            f"no frame lies in the window [{t_start_fs}, {t_stop_fs}] fs (frames span "
            f"{t[0]:g}-{t[-1]:g} fs); choose a window inside the trajectory"
        )
    return np.flatnonzero(keep)


def split_blocks(indices: np.ndarray, n_blocks: int) -> list[np.ndarray]:
    """Split frame indices into at most ``n_blocks`` contiguous, non-empty blocks."""
    n = min(n_blocks, len(indices))
    return [b for b in np.array_split(np.asarray(indices), n) if len(b)]


def mean_and_sem(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over axis 0 and its standard error (NaN with fewer than two blocks; NaNs ignored)."""
    blocks = np.asarray(blocks, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(blocks, axis=0)
        count = np.sum(np.isfinite(blocks), axis=0)
        if blocks.shape[0] < 2:
            return mean, np.full_like(mean, np.nan)
        sem = np.nanstd(blocks, axis=0, ddof=1) / np.sqrt(count)
    return mean, np.where(count >= 2, sem, np.nan)


def macro_average(values: np.ndarray, window_bins: int, periodic: bool = True) -> np.ndarray:
    """Boxcar (macroscopic) average over ``window_bins`` bins; NaNs are left in place."""
    if window_bins <= 1:
        return np.asarray(values, dtype=float)
    return uniform_filter1d(
        np.asarray(values, dtype=float), size=window_bins, mode="wrap" if periodic else "nearest"
    )


# --------------------------------------------------------------------------------------------
# Poisson's equation
# --------------------------------------------------------------------------------------------


def solve_poisson_1d(
    rho_e_per_A3: np.ndarray,
    bin_width_A: float,
    *,
    boundary: Literal["periodic", "slab"] = "periodic",
    vacuum_bin: int | None = None,
    method: Literal["integral", "fft"] = "integral",
) -> tuple[np.ndarray, np.ndarray]:
    """Field (V/Å) and potential (V) at the bin centres from a binned charge density (e/Å³).

    ``dE/dz = rho/eps0`` and ``E = -dphi/dz`` with ``eps0`` = :data:`EPSILON0_E_PER_V_A`.

    * ``periodic``: the net charge is removed as a uniform background (the k = 0 term of the
      Fourier solution) and the mean field is zero, so the potential is periodic. ``integral``
      (default) integrates the piecewise-constant density of the bins exactly; ``fft`` solves in
      Fourier space on the bin centres (same result for smooth densities).
    * ``slab``: dipole correction: the field is zero in the middle of the vacuum, i.e. at the
      lower edge of ``vacuum_bin``; integration starts there with E = 0 and phi = 0 and runs once
      around the cell, so the potential jumps across that plane by the slab's dipole and the field
      at the far end equals the net charge per area / eps0 (zero for a neutral slab).

    The potential is shifted to zero mean (periodic) or zero at the vacuum middle (slab).
    """
    rho = np.asarray(rho_e_per_A3, dtype=float)
    h = float(bin_width_A)
    n = rho.size
    if boundary == "periodic":
        rho = rho - rho.mean()
        if method == "fft":
            return _poisson_fft(rho, h)
        field, potential = _integrate_from_edge(rho, h)
        shift = field.mean()
        field = field - shift
        # removing a constant field E0 adds E0*z to the potential (centre of bin i at (i+1/2)h)
        potential = potential + shift * (np.arange(n) + 0.5) * h
        return field, potential - potential.mean()
    if boundary != "slab":
        raise AnalysisError(f"unknown boundary {boundary!r}; use periodic or slab")
    if vacuum_bin is None:
        raise AnalysisError(
            "a slab needs the vacuum position; give vacuum_bin or use boundary=periodic"
        )
    rolled = np.roll(rho, -int(vacuum_bin))
    field, potential = _integrate_from_edge(rolled, h)
    return np.roll(field, int(vacuum_bin)), np.roll(potential, int(vacuum_bin))


def _integrate_from_edge(rho: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact E and phi at the bin centres of a piecewise-constant rho, with E = phi = 0 at z = 0."""
    e_edges = np.concatenate([[0.0], np.cumsum(rho) * h / EPSILON0_E_PER_V_A])
    phi_edges = np.concatenate([[0.0], -np.cumsum(0.5 * (e_edges[:-1] + e_edges[1:])) * h])
    field = 0.5 * (e_edges[:-1] + e_edges[1:])
    potential = phi_edges[:-1] - 0.5 * h * e_edges[:-1] - rho * h * h / (8 * EPSILON0_E_PER_V_A)
    return field, potential


def _poisson_fft(rho: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    k = 2 * np.pi * np.fft.fftfreq(rho.size, d=h)
    rho_k = np.fft.fft(rho)
    phi_k = np.zeros_like(rho_k)
    nonzero = k != 0
    phi_k[nonzero] = rho_k[nonzero] / (EPSILON0_E_PER_V_A * k[nonzero] ** 2)
    potential = np.fft.ifft(phi_k).real
    field = np.fft.ifft(-1j * k * phi_k).real
    return field, potential - potential.mean()


# --------------------------------------------------------------------------------------------
# Interfaces, sides, bulk regions
# --------------------------------------------------------------------------------------------


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
    """Split the bins into sides, bulk and near-interface regions (see the module docstring)."""
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


# --------------------------------------------------------------------------------------------
# Derived quantities
# --------------------------------------------------------------------------------------------


class LayerFit(BaseModel):
    """Width of the Li depletion/accumulation layer of one side.

    ``method`` is ``fit`` (``c_rel = 1 - A exp(-d/lambda)``, width = lambda), ``threshold`` (the
    distance from the interface at which |c_rel - 1| first drops below the threshold; for an
    exponential that is ``lambda ln(|A|/threshold)``), or ``none`` (no deviation reaches the
    threshold: width 0).
    """

    width_A: float | None
    method: Literal["fit", "threshold", "none", "undefined"]
    kind: Literal["depletion", "accumulation", "none"]
    amplitude: float | None = Field(
        default=None, description="A of the fit, or 1 - c_rel at the interface."
    )
    width_err_A: float | None = Field(default=None, description="Fit standard error of lambda.")


def fit_layer_width(
    distance_A: np.ndarray, c_rel: np.ndarray, *, threshold: float = 0.1, bin_width_A: float = 0.5
) -> LayerFit:
    """Fit ``c_rel(d) = 1 - A exp(-d/lambda)`` to points at distance ``d`` from an interface.

    Points from several interfaces of one side are pooled. The fit is accepted when it converges,
    lambda stays inside the sampled distance range and its standard error is below lambda;
    otherwise the threshold width is used. A layer whose |A| (or deviation at the interface) is
    below ``threshold`` is reported as ``none`` with width 0.
    """
    d = np.asarray(distance_A, dtype=float)
    c = np.asarray(c_rel, dtype=float)
    ok = np.isfinite(d) & np.isfinite(c)
    d, c = d[ok], c[ok]
    if d.size < 3:
        return LayerFit(width_A=None, method="undefined", kind="none")
    d_max = float(d.max())
    dev_near = _grouped_deviation(d, c, bin_width_A)
    a0 = -dev_near[0][1]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            popt, pcov = curve_fit(
                lambda x, a, lam: 1.0 - a * np.exp(-x / lam),
                d, c,
                p0=(float(np.clip(a0, -49.0, 1.0)) or 0.1, max(2 * bin_width_A, d_max / 10)),
                bounds=([-50.0, 0.1 * bin_width_A], [1.0 + 1e-9, 2.0 * max(d_max, bin_width_A)]),
                maxfev=5000,
            )
        amp, lam = (float(x) for x in popt)
        lam_err = float(np.sqrt(pcov[1, 1])) if np.all(np.isfinite(pcov)) else float("inf")
        if abs(amp) < threshold:
            return LayerFit(width_A=0.0, method="none", kind="none", amplitude=amp)
        if lam < 0.95 * d_max and lam > 0.1 * bin_width_A * 1.01 and lam_err < lam:
            return LayerFit(
                width_A=lam, method="fit", kind="depletion" if amp > 0 else "accumulation",
                amplitude=amp, width_err_A=lam_err,
            )
    except (RuntimeError, ValueError):
        pass
    return _threshold_width(dev_near, threshold)


def _grouped_deviation(
    d: np.ndarray, c: np.ndarray, bin_width_A: float
) -> list[tuple[float, float]]:
    """Mean (d, c_rel - 1) of the points grouped by distance (one group per bin width)."""
    keys = np.floor(d / bin_width_A + 1e-9).astype(int)
    return [(float(d[keys == k].mean()), float((c[keys == k] - 1).mean())) for k in np.unique(keys)]


def _threshold_width(groups: list[tuple[float, float]], threshold: float) -> LayerFit:
    first = groups[0][1]
    if abs(first) < threshold:
        return LayerFit(width_A=0.0, method="none", kind="none", amplitude=-first)
    kind = "depletion" if first < 0 else "accumulation"
    for dist, dev in groups:
        if abs(dev) < threshold or np.sign(dev) != np.sign(first):
            return LayerFit(width_A=dist, method="threshold", kind=kind, amplitude=-first)
    return LayerFit(width_A=groups[-1][0], method="threshold", kind=kind, amplitude=-first)


@dataclass
class BinnedProfiles:
    """Time-averaged binned quantities of one set of frames (the window, or one block)."""

    density_per_A3: np.ndarray  # (S, n)
    charge_density_e_per_A3: np.ndarray  # (n,)
    li_energy_sum_eV: np.ndarray | None  # (n,) summed over frames
    li_count: np.ndarray | None  # (n,) summed over frames


@dataclass
class DerivedProfiles:
    """Profiles and scalars derived from :class:`BinnedProfiles` on a :class:`ProfileGeometry`."""

    li_concentration_rel: np.ndarray
    field_V_per_A: np.ndarray
    potential_V: np.ndarray
    li_site_energy_rel_eV: np.ndarray | None
    li_bulk_density_per_A3: dict[str, float]
    potential_bulk_V: dict[str, float]
    potential_step_V: float | None
    li_excess_per_nm2: dict[str, float]
    layers: dict[str, LayerFit]
    li_site_energy_bulk_eV: dict[str, float] | None


def step_pair(sides: list[str]) -> tuple[str, str] | None:
    """The two sides whose bulk potentials define the potential step (first -> second)."""
    if "electrode" in sides and "electrolyte" in sides:
        return "electrode", "electrolyte"
    return (sides[0], sides[1]) if len(sides) >= 2 else None


def derive_profiles(
    binned: BinnedProfiles,
    geometry: ProfileGeometry,
    li_index: int | None,
    *,
    threshold: float = 0.1,
    macro_average_A: float | None = None,
    poisson_method: Literal["integral", "fft"] = "integral",
    relative_permittivity: float = 1.0,
) -> DerivedProfiles:
    """Poisson solution, Li concentration, site energies, layer widths, excess, potential step.

    ``relative_permittivity`` screens the field and potential uniformly (eps = eps0 * eps_r).
    """
    h = geometry.bin_width_A
    field, potential = solve_poisson_1d(
        binned.charge_density_e_per_A3, h, boundary=geometry.boundary,
        vacuum_bin=geometry.vacuum_bin, method=poisson_method,
    )
    field, potential = field / relative_permittivity, potential / relative_permittivity
    window = int(round(macro_average_A / h)) if macro_average_A else 1
    window += (window + 1) % 2  # odd, so the boxcar is centred
    phi_for_step = macro_average(potential, window, geometry.periodic)
    potential_bulk = side_bulk_means(phi_for_step, geometry)
    pair = step_pair(geometry.sides)
    step = potential_bulk[pair[1]] - potential_bulk[pair[0]] if pair else None

    n = len(geometry.labels)
    c_rel = np.full(n, np.nan)
    li_bulk: dict[str, float] = {}
    excess: dict[str, float] = {}
    layers: dict[str, LayerFit] = {}
    site_rel, site_bulk = None, None
    if li_index is not None:
        n_li = binned.density_per_A3[li_index]
        n_li_smooth = macro_average(n_li, window, geometry.periodic)
        li_bulk = side_bulk_means(n_li, geometry)
        bulk_bins = per_bin(li_bulk, geometry)
        with np.errstate(invalid="ignore", divide="ignore"):
            c_rel = np.where(bulk_bins > 0, n_li / bulk_bins, np.nan)
            c_rel_smooth = np.where(bulk_bins > 0, n_li_smooth / bulk_bins, np.nan)
        for side in geometry.sides:
            in_side = geometry.labels == side
            near = geometry.near & in_side
            contacts = max(geometry.contacts.get(side, 0), 1)
            deficit = np.sum(n_li[near] - li_bulk[side]) * h if near.any() else 0.0
            excess[side] = float(deficit / contacts * 100.0)  # Å⁻² -> nm⁻²
            fit_bins = in_side & (geometry.distance_A < geometry.surface_distance_A)
            if not geometry.planes_A or not np.isfinite(li_bulk[side]) or li_bulk[side] <= 0:
                layers[side] = LayerFit(width_A=None, method="undefined", kind="none")
            else:
                layers[side] = fit_layer_width(
                    geometry.distance_A[fit_bins], c_rel_smooth[fit_bins],
                    threshold=threshold, bin_width_A=h,
                )
        if binned.li_energy_sum_eV is not None and binned.li_count is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                e_li = np.where(
                    binned.li_count > 0, binned.li_energy_sum_eV / binned.li_count, np.nan
                )
            site_bulk = side_bulk_means(e_li, geometry, weights=binned.li_count)
            site_rel = e_li - per_bin(site_bulk, geometry)
    return DerivedProfiles(
        li_concentration_rel=c_rel, field_V_per_A=field, potential_V=potential,
        li_site_energy_rel_eV=site_rel, li_bulk_density_per_A3=li_bulk,
        potential_bulk_V=potential_bulk, potential_step_V=step, li_excess_per_nm2=excess,
        layers=layers, li_site_energy_bulk_eV=site_bulk,
    )


# --------------------------------------------------------------------------------------------
# Result documents
# --------------------------------------------------------------------------------------------


class ProfileTimeSeries(BaseModel):
    """Derived quantities per time block of the whole trajectory (the layer forming)."""

    time_fs: list[float | None] = Field(description="Mean time of each block (None without times).")
    frame_index: list[float] = Field(description="Mean frame index of each block.")
    potential_step_V: list[float | None]
    li_excess_per_nm2: dict[str, list[float | None]]
    depletion_width_A: dict[str, list[float | None]]


class ProfileResult(BaseModel):
    """Space-charge and Li-redistribution profiles of one trajectory.

    Small summaries are top-level fields; the profiles (one value per bin, with ``*_err``
    standard errors from block averaging) are in ``arrays`` (routed to the ``data`` store).
    """

    trajectory_path: str | None = None
    trajectory_sha256: str | None = None
    label: str | None = Field(default=None, description="Free label, e.g. the recipe name.")
    settings: ProfileSettings
    axis: str
    boundary: Literal["periodic", "slab"]
    n_frames_total: int
    n_frames_window: int
    n_blocks: int
    time_window_fs: list[float] | None = None
    n_bins: int
    bin_width_A: float
    cell_height_A: float
    area_A2: float
    species: list[str]
    interface_z_A: list[float]
    interface_source: Literal["settings", "trajectory", "regions", "none"]
    sides: list[str]
    potential_step_pair: list[str] | None
    charge_model: str
    neutral: bool
    neutralized: bool
    max_abs_total_charge_e: float
    potential_step_V: float | None
    potential_step_err_V: float | None
    potential_bulk_V: dict[str, float | None]
    li_bulk_density_per_A3: dict[str, float | None]
    li_excess_per_nm2: dict[str, float | None]
    li_excess_err_per_nm2: dict[str, float | None]
    depletion_width_A: dict[str, float | None]
    depletion_width_err_A: dict[str, float | None]
    depletion_method: dict[str, str]
    layer_kind: dict[str, str]
    layer_amplitude: dict[str, float | None]
    li_site_energy_bulk_eV: dict[str, float | None] | None = None
    time_series: ProfileTimeSeries
    warnings: list[str] = Field(default_factory=list)
    plot_path: str | None = None
    package_versions: dict[str, str] = Field(default_factory=dict)
    created_at: str = Field(default_factory=lambda: datetime.now(timezone.utc).isoformat())
    arrays: dict[str, Any] = Field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """Small scalar summary (no arrays, no time series) for study documents and tables."""
        keep = (
            "label", "boundary", "sides", "interface_z_A", "charge_model", "neutral",
            "potential_step_V", "potential_step_err_V", "potential_step_pair", "li_excess_per_nm2",
            "li_excess_err_per_nm2", "depletion_width_A", "depletion_width_err_A",
            "depletion_method", "layer_kind", "plot_path",
        )
        return _json_safe(self.model_dump(include=set(keep)))

    def to_cli_json(self) -> dict[str, Any]:
        """One JSON-ready object with the keys of ``interfaceflow analyze profiles --json``."""
        a = self.arrays
        out = {
            "z_A": a["z_A"],
            "density_per_A3": a["density_per_A3"],
            "density_err_per_A3": a["density_err_per_A3"],
            "li_concentration_rel": a["li_concentration_rel"],
            "li_concentration_rel_err": a["li_concentration_rel_err"],
            "charge_density_e_per_A3": a["charge_density_e_per_A3"],
            "charge_density_err_e_per_A3": a["charge_density_err_e_per_A3"],
            "field_V_per_A": a["field_V_per_A"],
            "field_err_V_per_A": a["field_err_V_per_A"],
            "potential_V": a["potential_V"],
            "potential_err_V": a["potential_err_V"],
            "li_site_energy_rel_eV": a.get("li_site_energy_rel_eV"),
            "side": a["side"],
            "potential_step_V": self.potential_step_V,
            "potential_step_err_V": self.potential_step_err_V,
            "li_excess_per_nm2": self.li_excess_per_nm2,
            "li_excess_err_per_nm2": self.li_excess_err_per_nm2,
            "depletion_width_A": self.depletion_width_A,
            "depletion_width_err_A": self.depletion_width_err_A,
            "depletion_method": self.depletion_method,
            "layer_kind": self.layer_kind,
            "interface_z_A": self.interface_z_A,
            "sides": self.sides,
            "boundary": self.boundary,
            "charge_model": self.charge_model,
            "neutral": self.neutral,
            "max_abs_total_charge_e": self.max_abs_total_charge_e,
            "time_series": self.time_series.model_dump(),
            "warnings": self.warnings,
        }
        return _json_safe(out)


def _json_safe(value: Any) -> Any:
    """Replace NaN/inf by None and numpy scalars/arrays by Python objects, recursively."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return _json_safe(value.tolist())
    if isinstance(value, (np.floating, float)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def _opt(x: float | None) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


# --------------------------------------------------------------------------------------------
# The analysis on arrays
# --------------------------------------------------------------------------------------------


@dataclass
class FrameBins:
    """Per-frame binned data of a trajectory (F frames, S species, n bins)."""

    n_bins: int
    bin_width_A: float
    height_A: float
    area_A2: float
    bins: np.ndarray  # (F, N) bin of every atom
    species: list[str]
    density_per_A3: np.ndarray  # (F, S, n)
    charge_density_e_per_A3: np.ndarray  # (F, n)
    li_energy_sum_eV: np.ndarray | None  # (F, n)
    li_count: np.ndarray | None  # (F, n)

    @property
    def li_index(self) -> int | None:
        """Index of Li in ``species`` (None without Li)."""
        return self.species.index("Li") if "Li" in self.species else None

    def over(self, frames: np.ndarray) -> BinnedProfiles:
        """Time average over ``frames`` (energies are summed with their counts)."""
        return BinnedProfiles(
            density_per_A3=self.density_per_A3[frames].mean(axis=0),
            charge_density_e_per_A3=self.charge_density_e_per_A3[frames].mean(axis=0),
            li_energy_sum_eV=None if self.li_energy_sum_eV is None
            else self.li_energy_sum_eV[frames].sum(axis=0),
            li_count=None if self.li_count is None else self.li_count[frames].sum(axis=0),
        )


def bin_frames(
    positions_A: np.ndarray,
    cells_A: np.ndarray,
    numbers: np.ndarray,
    charges_e: np.ndarray,
    *,
    axis: int,
    window: np.ndarray,
    n_bins: int | None,
    bin_width_A: float,
    energies_eV: np.ndarray | None = None,
) -> FrameBins:
    """Bin every frame on a grid of the window-averaged cell height (fractional coordinates).

    ``charges_e`` is (F, N) and already neutral; the bin volume of each frame is V / n_bins.
    """
    n_frames, n_atoms = positions_A.shape[:2]
    heights, areas = cell_heights_and_areas(cells_A, axis)
    height = float(heights[window].mean())
    n_bins = n_bins or max(1, int(round(height / bin_width_A)))
    bins = bin_indices(fractional_along_axis(positions_A, cells_A, axis), n_bins)
    bin_volume = heights * areas / n_bins
    species_z = sorted(set(numbers.tolist()))
    counts = np.stack(
        [binned_sums(bins, n_bins, atom_mask=numbers == z) for z in species_z], axis=1
    )
    species = [chemical_symbols[z] for z in species_z]
    li_e_sum = li_count = None
    if energies_eV is not None and "Li" in species:
        energies = np.asarray(energies_eV, dtype=float)
        if energies.shape != (n_frames, n_atoms):
            raise AnalysisError(
                f"per-atom energies have shape {energies.shape}, expected ({n_frames}, "
                f"{n_atoms}); rewrite the trajectory with one energy per atom and frame"
            )
        li_e_sum = binned_sums(bins, n_bins, weights=energies, atom_mask=numbers == 3)
        li_count = counts[:, species.index("Li")]
    return FrameBins(
        n_bins=n_bins,
        bin_width_A=height / n_bins,
        height_A=height,
        area_A2=float(areas[window].mean()),
        bins=bins,
        species=species,
        density_per_A3=counts / bin_volume[:, None, None],
        charge_density_e_per_A3=binned_sums(bins, n_bins, weights=charges_e) / bin_volume[:, None],
        li_energy_sum_eV=li_e_sum,
        li_count=li_count,
    )


def neutral_charges(
    charges_e: np.ndarray | None,
    n_frames: int,
    n_atoms: int,
    window: np.ndarray,
    settings: ProfileSettings,
    model_name: str,
    regions: np.ndarray | None = None,
):
    """Check neutrality on the window and return (F, N) charges with any net charge removed.

    The residual net charge (below the tolerance, or any with ``settings.neutralize``) is spread
    evenly over the atoms, which also keeps the vacuum of a slab empty. With
    ``settings.compensating_region`` it is spread over that region's atoms only (the screening
    electrons of a metal electrode).
    """
    from interfaceflow.analysis.charges import check_neutrality

    if charges_e is None:
        q = np.zeros((1, n_atoms))
    else:
        q = np.asarray(charges_e, dtype=float)
        q = q[None] if q.ndim == 1 else q
        if q.shape[1:] != (n_atoms,) or q.shape[0] not in (1, n_frames):
            raise AnalysisError(
                f"charges have shape {q.shape}, expected ({n_frames}, {n_atoms}) or ({n_atoms},); "
                "give one charge per atom (and frame)"
            )
    q = np.broadcast_to(q, (n_frames, n_atoms))
    report = check_neutrality(
        q[window],
        tolerance_e=settings.neutrality_tolerance_e,
        on_fail="ignore" if settings.compensating_region else "warn" if settings.neutralize else "raise",
        model_name=model_name,
    )
    total = q.sum(axis=1)
    carriers = np.ones(n_atoms, dtype=bool)
    if settings.compensating_region is not None:
        if regions is None or not np.any(np.asarray(regions) == settings.compensating_region):
            raise AnalysisError(
                f"compensating_region '{settings.compensating_region}' matches no atom; use a region "
                "label present in the trajectory (electrode, electrolyte, coating)"
            )
        carriers = np.asarray(regions) == settings.compensating_region
    return q - (total / carriers.sum())[:, None] * carriers[None, :], total, report


def compute_profiles(
    positions_A: np.ndarray,
    cells_A: np.ndarray,
    numbers: np.ndarray,
    *,
    charges_e: np.ndarray | None = None,
    energies_eV: np.ndarray | None = None,
    times_fs: np.ndarray | None = None,
    regions: np.ndarray | None = None,
    interface_z_A: list[float] | None = None,
    pbc: np.ndarray | None = None,
    settings: ProfileSettings | None = None,
    charge_model: str = "given",
) -> ProfileResult:
    """Profiles along the interface normal from stacked frame arrays.

    Args:
        positions_A: (F, N, 3) positions (wrapped or not), Å.
        cells_A: (F, 3, 3) or (3, 3) cell vectors (rows), Å.
        numbers: (N,) atomic numbers.
        charges_e: (F, N) or (N,) per-atom charges, e (None: charge, field and potential are 0).
        energies_eV: (F, N) per-atom energies, eV, for the Li site-energy profile (optional).
        times_fs: (F,) frame times, fs (needed for a time window).
        regions: (N,) region labels ('electrode', 'electrolyte', 'coating') naming the sides.
        interface_z_A: interface planes on the z grid, Å; ``settings.interface_z_A`` overrides it;
            derived from ``regions`` when neither is given.
        pbc: (3,) periodic flags (a non-periodic axis means a slab).
        settings: :class:`ProfileSettings`.
        charge_model: name recorded in the result.

    Returns:
        A :class:`ProfileResult` (no provenance of a file; see :func:`run_profiles`).
    """
    s = settings or ProfileSettings()
    ax = axis_index(s.axis)
    pos = np.asarray(positions_A, dtype=float)
    pos = pos[None] if pos.ndim == 2 else pos
    n_frames, n_atoms = pos.shape[:2]
    cells = np.broadcast_to(np.asarray(cells_A, dtype=float), (n_frames, 3, 3))
    numbers = np.asarray(numbers, dtype=int)
    if numbers.shape != (n_atoms,):
        raise AnalysisError(
            f"numbers has shape {numbers.shape}, expected ({n_atoms},); give one atomic "
            "number per atom"
        )
    window = frame_window(n_frames, times_fs, s.t_start_fs, s.t_stop_fs)
    if charges_e is None:
        charge_model = "none"
    q, total_charge, report = neutral_charges(charges_e, n_frames, n_atoms, window, s, charge_model, regions)
    fb = bin_frames(
        pos, cells, numbers, q, axis=ax, window=window, n_bins=s.n_bins,
        bin_width_A=s.bin_width_A, energies_eV=energies_eV,
    )
    geometry, source = _geometry(fb, window, regions, interface_z_A, pbc, ax, s)
    notes = list(geometry.warnings)
    if charges_e is None:
        notes.append("no charges given: charge density, field and potential are zero")
    if not report.neutral:
        notes.append(
            f"charged cell (up to {report.max_abs_total_charge_e:+.3g} e) neutralized by spreading "
            "the opposite charge evenly over all atoms"
        )
    kwargs = dict(
        threshold=s.width_threshold, macro_average_A=s.macro_average_A,
        poisson_method=s.poisson_method,
        relative_permittivity=s.relative_permittivity,
    )
    window_profiles = fb.over(window)
    main = derive_profiles(window_profiles, geometry, fb.li_index, **kwargs)
    for side, layer in main.layers.items():
        if layer.method == "fit" and layer.width_A and 3 * layer.width_A > s.bulk_margin_A:
            notes.append(
                f"bulk_margin_A={s.bulk_margin_A:g} Å is under 3x the {side} layer width "
                f"({layer.width_A:.2g} Å): its bulk density and Li excess are biased low in "
                "magnitude; raise bulk_margin_A if the side is thick enough"
            )
    blocks = [fb.over(b) for b in split_blocks(window, s.n_blocks)]
    block_derived = [derive_profiles(b, geometry, fb.li_index, **kwargs) for b in blocks]
    series_blocks = split_blocks(np.arange(n_frames), s.n_time_blocks)
    series = _time_series(series_blocks, fb, geometry, times_fs, kwargs)
    arrays = _profile_arrays(fb, geometry, window_profiles, main, blocks, block_derived)
    arrays["total_charge_e"] = total_charge
    t = None if times_fs is None else np.asarray(times_fs, dtype=float)[window]
    return ProfileResult(
        settings=s,
        axis=s.axis,
        boundary=geometry.boundary,
        n_frames_total=n_frames,
        n_frames_window=len(window),
        n_blocks=len(blocks),
        time_window_fs=None if t is None else [float(t[0]), float(t[-1])],
        n_bins=fb.n_bins,
        bin_width_A=fb.bin_width_A,
        cell_height_A=fb.height_A,
        area_A2=fb.area_A2,
        species=fb.species,
        interface_z_A=geometry.planes_A,
        interface_source=source,
        sides=geometry.sides,
        potential_step_pair=list(pair) if (pair := step_pair(geometry.sides)) else None,
        charge_model=charge_model,
        neutral=report.neutral,
        neutralized=not report.neutral,
        max_abs_total_charge_e=report.max_abs_total_charge_e,
        time_series=series,
        warnings=notes,
        arrays=_json_safe(arrays),
        **_scalar_summaries(main, block_derived),
    )


def _geometry(fb: FrameBins, window, regions, interface_z_A, pbc, ax, s: ProfileSettings):
    """Sides and bulk regions from the window-averaged atom (and region) counts."""
    counts = fb.density_per_A3[window].sum(axis=1).mean(axis=0)  # all atoms, per Å³
    region_counts = region_names = None
    if regions is not None:
        regions = np.asarray(regions).astype(str)
        region_names = sorted(set(regions.tolist()) - {""}) or None
        if region_names:
            region_counts = np.stack([
                binned_sums(fb.bins[window], fb.n_bins, atom_mask=regions == r).mean(axis=0)
                for r in region_names
            ])
    axis_periodic = True if pbc is None else bool(np.asarray(pbc)[ax])
    planes, source = _choose_planes(
        s, interface_z_A, region_counts, fb.bin_width_A, axis_periodic, counts
    )
    geometry = build_geometry(
        counts, fb.bin_width_A, fb.area_A2, planes_A=planes, boundary=s.boundary,
        axis_periodic=axis_periodic, region_counts=region_counts, region_names=region_names,
        bulk_margin_A=s.bulk_margin_A, vacuum_min_gap_A=s.vacuum_min_gap_A,
    )
    return geometry, source


def _profile_arrays(fb, geometry, window_profiles, main, blocks, block_derived) -> dict[str, Any]:
    """The per-bin profiles of the window with their block standard errors."""

    def sem_of(values: list[np.ndarray]) -> np.ndarray:
        return mean_and_sem(np.stack(values))[1]

    arrays: dict[str, Any] = {
        "z_A": geometry.z_A,
        "side": [str(x) for x in geometry.labels],
        "density_per_A3": {
            sp: window_profiles.density_per_A3[i] for i, sp in enumerate(fb.species)
        },
        "density_err_per_A3": {
            sp: sem_of([b.density_per_A3[i] for b in blocks]) for i, sp in enumerate(fb.species)
        },
        "li_concentration_rel": main.li_concentration_rel,
        "li_concentration_rel_err": sem_of([d.li_concentration_rel for d in block_derived]),
        "charge_density_e_per_A3": window_profiles.charge_density_e_per_A3,
        "charge_density_err_e_per_A3": sem_of([b.charge_density_e_per_A3 for b in blocks]),
        "field_V_per_A": main.field_V_per_A,
        "field_err_V_per_A": sem_of([d.field_V_per_A for d in block_derived]),
        "potential_V": main.potential_V,
        "potential_err_V": sem_of([d.potential_V for d in block_derived]),
    }
    if main.li_site_energy_rel_eV is not None:
        arrays["li_site_energy_rel_eV"] = main.li_site_energy_rel_eV
        arrays["li_site_energy_rel_err_eV"] = sem_of(
            [d.li_site_energy_rel_eV for d in block_derived]
        )
    return arrays


def _scalar_sem(values: list[float | None]) -> float | None:
    arr = np.array([np.nan if v is None else v for v in values], dtype=float)
    return _opt(float(mean_and_sem(arr[:, None])[1][0])) if len(arr) > 1 else None


def _scalar_summaries(
    main: DerivedProfiles, block_derived: list[DerivedProfiles]
) -> dict[str, Any]:
    """Top-level scalar fields of :class:`ProfileResult`: window values and block errors."""
    sides = list(main.layers)
    site = main.li_site_energy_bulk_eV
    return {
        "potential_step_V": _opt(main.potential_step_V),
        "potential_step_err_V": _scalar_sem([d.potential_step_V for d in block_derived]),
        "potential_bulk_V": {k: _opt(v) for k, v in main.potential_bulk_V.items()},
        "li_bulk_density_per_A3": {k: _opt(v) for k, v in main.li_bulk_density_per_A3.items()},
        "li_excess_per_nm2": {k: _opt(v) for k, v in main.li_excess_per_nm2.items()},
        "li_excess_err_per_nm2": {
            k: _scalar_sem([d.li_excess_per_nm2.get(k) for d in block_derived]) for k in sides
        },
        "depletion_width_A": {k: _opt(v.width_A) for k, v in main.layers.items()},
        "depletion_width_err_A": {
            k: _scalar_sem([d.layers[k].width_A for d in block_derived]) for k in sides
        },
        "depletion_method": {k: v.method for k, v in main.layers.items()},
        "layer_kind": {k: v.kind for k, v in main.layers.items()},
        "layer_amplitude": {k: _opt(v.amplitude) for k, v in main.layers.items()},
        "li_site_energy_bulk_eV": None if site is None else {k: _opt(v) for k, v in site.items()},
    }


def _choose_planes(s, interface_z_A, region_counts, h, axis_periodic, counts):
    """Interface planes and where they came from: settings > trajectory > region labels."""
    if s.interface_z_A is not None:
        return list(s.interface_z_A), "settings"
    if interface_z_A:
        return list(interface_z_A), "trajectory"
    if region_counts is not None and len(region_counts) > 1:
        periodic = axis_periodic and not find_vacuum_runs(counts, h, s.vacuum_min_gap_A)
        planes = interface_planes_from_regions(
            region_counts, h, periodic=periodic, vacuum_min_gap_A=s.vacuum_min_gap_A
        )
        return planes, "regions" if planes else "none"
    return [], "none"


def _time_series(blocks, fb: FrameBins, geometry, times_fs, kwargs) -> ProfileTimeSeries:
    """Derived quantities of consecutive blocks of the whole trajectory."""
    derived = [derive_profiles(fb.over(b), geometry, fb.li_index, **kwargs) for b in blocks]
    sides = list(derived[0].layers) if derived else []
    times = None if times_fs is None else np.asarray(times_fs, dtype=float)
    return ProfileTimeSeries(
        time_fs=[None if times is None else float(times[b].mean()) for b in blocks],
        frame_index=[float(np.mean(b)) for b in blocks],
        potential_step_V=[_opt(d.potential_step_V) for d in derived],
        li_excess_per_nm2={k: [_opt(d.li_excess_per_nm2.get(k)) for d in derived] for k in sides},
        depletion_width_A={k: [_opt(d.layers[k].width_A) for d in derived] for k in sides},
    )


# --------------------------------------------------------------------------------------------
# From trajectories
# --------------------------------------------------------------------------------------------


def profiles_from_trajectory(
    trajectory,
    *,
    settings: ProfileSettings | None = None,
    charges: Any = "formal",
) -> ProfileResult:
    """Run :func:`compute_profiles` on a :class:`~interfaceflow.io.trajectory.TrajectoryData`.

    Args:
        trajectory: the frames (already sliced with start/stop/stride when read).
        settings: :class:`ProfileSettings`.
        charges: a charge-model spelling for
            :func:`~interfaceflow.analysis.charges.get_charge_model`
            (``formal``, ``calculator``, a JSON map file, a dict) or a model object.
    """
    from interfaceflow.analysis.charges import (
        CalculatorChargeModel, MapChargeModel, charges_for_frames, get_charge_model, iter_frames,
    )

    s = settings or ProfileSettings()
    model = get_charge_model(charges)
    per_atom = trajectory.per_atom or {}
    if isinstance(model, MapChargeModel):
        first = iter_frames(trajectory.numbers, trajectory.positions_A[:1], trajectory.cells_A[:1])
        q = model.charges(next(first))  # the same for every frame
    elif isinstance(model, CalculatorChargeModel) and model.key in per_atom:
        q = np.asarray(per_atom[model.key], dtype=float)
    else:
        frames = iter_frames(
            trajectory.numbers, trajectory.positions_A, trajectory.cells_A, pbc=trajectory.pbc,
            per_atom={k: v for k, v in per_atom.items() if np.ndim(v) == 2},
        )
        q = charges_for_frames(model, frames)
    energies = per_atom.get("energies")
    return compute_profiles(
        trajectory.positions_A, trajectory.cells_A, trajectory.numbers,
        charges_e=q, energies_eV=energies, times_fs=trajectory.times_fs,
        regions=trajectory.regions, interface_z_A=list(trajectory.interface_z_A or []),
        pbc=trajectory.pbc, settings=s, charge_model=getattr(model, "name", type(model).__name__),
    )


def run_profiles(
    trajectory_path: str,
    *,
    settings: ProfileSettings | None = None,
    charges: Any = "formal",
    start: int = 0,
    stop: int | None = None,
    stride: int = 1,
    fmt: str | None = None,
    type_map: dict[int, str] | None = None,
    label: str | None = None,
) -> ProfileResult:
    """Read a trajectory file and compute its profiles (the pure function behind the maker/CLI)."""
    from interfaceflow.io.trajectory import read_trajectory
    from interfaceflow.provenance import package_versions, sha256_file

    traj = read_trajectory(
        trajectory_path, start=start, stop=stop, stride=stride, fmt=fmt, type_map=type_map
    )
    result = profiles_from_trajectory(traj, settings=settings, charges=charges)
    result.trajectory_path = str(trajectory_path)
    result.trajectory_sha256 = sha256_file(trajectory_path)
    result.label = label
    result.package_versions = package_versions()
    return result


# --------------------------------------------------------------------------------------------
# Comparing two results (e.g. with and without a LiNbO3 buffer)
# --------------------------------------------------------------------------------------------


class ProfileComparison(BaseModel):
    """Side-by-side summary of two profile results (``a`` = reference, ``b`` = e.g. coated)."""

    label_a: str | None
    label_b: str | None
    potential_step_V: dict[str, float | None] = Field(description="a, b, and b_minus_a.")
    common_sides: list[str]
    li_excess_per_nm2: dict[str, dict[str, float | None]] = Field(
        description="side -> {a, b, b_minus_a, a_err, b_err}."
    )
    depletion_width_A: dict[str, dict[str, float | None]] = Field(
        description="side -> {a, b, b_minus_a}."
    )
    electrolyte_deficit_reduction: float | None = Field(
        default=None,
        description="1 - |excess_b| / |excess_a| of the electrolyte side (1 = layer removed).",
    )
    layer_suppressed: bool | None = Field(
        default=None,
        description=(
            "True when the electrolyte-side Li deficit of b is smaller in magnitude than that of a "
            "by more than the combined standard error (None when not computable)."
        ),
    )
    summary: str


def compare_profiles(doc_a: ProfileResult | dict, doc_b: ProfileResult | dict) -> ProfileComparison:
    """Compare two :class:`ProfileResult` documents (or their dicts, as stored).

    Typical use: ``a`` = LiCoO2 | β-Li3PS4, ``b`` = LiCoO2 | LiNbO3 | β-Li3PS4. Sides are matched
    by name; the verdict uses the electrolyte side (or the last common side without region
    labels).
    """
    a, b = _as_result(doc_a), _as_result(doc_b)

    def diff(x, y):
        return None if x is None or y is None else y - x

    common = [side for side in a.sides if side in b.sides]
    excess = {
        side: {
            "a": a.li_excess_per_nm2.get(side), "b": b.li_excess_per_nm2.get(side),
            "b_minus_a": diff(a.li_excess_per_nm2.get(side), b.li_excess_per_nm2.get(side)),
            "a_err": a.li_excess_err_per_nm2.get(side), "b_err": b.li_excess_err_per_nm2.get(side),
        }
        for side in common
    }
    widths = {
        side: {
            "a": a.depletion_width_A.get(side), "b": b.depletion_width_A.get(side),
            "b_minus_a": diff(a.depletion_width_A.get(side), b.depletion_width_A.get(side)),
        }
        for side in common
    }
    target = "electrolyte" if "electrolyte" in common else (common[-1] if common else None)
    reduction = suppressed = None
    if target is not None:
        ea, eb = excess[target]["a"], excess[target]["b"]
        if ea is not None and eb is not None and ea != 0:
            reduction = 1.0 - abs(eb) / abs(ea)
            err = np.hypot(excess[target]["a_err"] or 0.0, excess[target]["b_err"] or 0.0)
            suppressed = bool(abs(ea) - abs(eb) > err)
    steps = {
        "a": a.potential_step_V,
        "b": b.potential_step_V,
        "b_minus_a": diff(a.potential_step_V, b.potential_step_V),
    }
    summary = _comparison_summary(
        a.label or "a", b.label or "b", steps, target, excess, widths, reduction, suppressed
    )
    return ProfileComparison(
        label_a=a.label, label_b=b.label, potential_step_V=steps, common_sides=common,
        li_excess_per_nm2=excess, depletion_width_A=widths,
        electrolyte_deficit_reduction=reduction, layer_suppressed=suppressed, summary=summary,
    )


def _as_result(doc: ProfileResult | dict) -> ProfileResult:
    """A result from a document or a stored dict (monty's ``@module``/``@class`` keys dropped)."""
    if isinstance(doc, ProfileResult):
        return doc

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if not str(k).startswith("@")}
        return [strip(v) for v in value] if isinstance(value, list) else value

    return ProfileResult.model_validate(strip(doc))


def _fmt(x: float | None, unit: str) -> str:
    return "n/a" if x is None else f"{x:+.3g} {unit}"


def _comparison_summary(la, lb, steps, target, excess, widths, reduction, suppressed) -> str:
    parts = [f"potential step: {la} {_fmt(steps['a'], 'V')}, {lb} {_fmt(steps['b'], 'V')}"]
    if target is not None:
        parts.append(
            f"{target} Li excess: {la} {_fmt(excess[target]['a'], 'Li/nm2')}, "
            f"{lb} {_fmt(excess[target]['b'], 'Li/nm2')}"
        )
        wa, wb = widths[target]["a"], widths[target]["b"]
        parts.append(f"{target} layer width: {la} {_fmt(wa, 'A')}, {lb} {_fmt(wb, 'A')}")
    if reduction is not None:
        verdict = "suppressed" if suppressed else "not significantly reduced"
        parts.append(f"deficit reduced by {100 * reduction:.0f}% ({verdict})")
    return "; ".join(parts)
