"""Binning along the interface normal and block statistics of the profile analysis.

Frames are binned on the fractional coordinate along one cell axis (so cells that change
under NPT are handled), per species, with charges and Li per-atom energies; the window and its
blocks are averaged from the per-frame bins (:class:`FrameBins`). See
:mod:`interfaceflow.analysis.profiles` for the conventions.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from ase.data import chemical_symbols
from scipy.ndimage import uniform_filter1d

from interfaceflow.errors import AnalysisError

AXES = {"x": 0, "y": 1, "z": 2}


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


@dataclass
class BinnedProfiles:
    """Time-averaged binned quantities of one set of frames (the window, or one block)."""

    density_per_A3: np.ndarray  # (S, n)
    charge_density_e_per_A3: np.ndarray  # (n,)
    li_energy_sum_eV: np.ndarray | None  # (n,) summed over frames
    li_count: np.ndarray | None  # (n,) summed over frames


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
