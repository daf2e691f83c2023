"""D from grouped MSD sums: fit window, least squares, block uncertainty, thin-statistics warnings.

Steps 2-5 of the method described in :mod:`interfaceflow.analysis.diffusion`; arrays in, a raw
:class:`DiffusionFit` out (the document is built from it in
:mod:`interfaceflow.analysis.diffusion_results`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from interfaceflow.analysis.diffusion_settings import HOP_LENGTH_A, DiffusionSettings
from interfaceflow.analysis.msd import MSDSums
from interfaceflow.errors import AnalysisError

A2_PER_FS_TO_CM2_PER_S = 0.1  # 1 Å^2/fs = 1e-16 cm^2 / 1e-15 s
MIN_FRAMES = 12

DiffusionStatus = Literal["diffusive", "subdiffusive", "not_reached"]


def regime_status(
    window_found: bool, msd_at_window_end_A2: float, n_dims: int, min_msd_A2: float
) -> DiffusionStatus:
    """Whether an MSD measures diffusion.

    ``not_reached``: the atoms moved less than ``min_msd_A2`` (3D-equivalent MSD, about one hop)
    by the window end, so the MSD is vibration and cage rattling; ``subdiffusive``: they moved
    farther but d ln MSD / d ln t never settled at 1; ``diffusive``: both criteria hold, so
    the slope is a diffusion coefficient.
    """
    msd3_A2 = msd_at_window_end_A2 * 3.0 / n_dims
    if not msd3_A2 >= min_msd_A2:
        return "not_reached"
    return "diffusive" if window_found else "subdiffusive"


def upper_bound_D_cm2_per_s(msd_at_window_end_A2: float, window_end_fs: float, n_dims: int) -> float:
    """``MSD(t)/(2 d t)`` at the window end, cm^2/s.

    For an MSD that grows sublinearly (vibration, caging, subdiffusion) MSD(t)/t falls with t, so
    its value at the longest time analysed bounds the long-time D from above.
    """
    if not window_end_fs > 0:
        return float("nan")
    return float(msd_at_window_end_A2 / (2.0 * n_dims * window_end_fs) * A2_PER_FS_TO_CM2_PER_S)


def local_loglog_slope(
    time_fs: np.ndarray, msd_A2: np.ndarray, points_per_decade: int = 20
) -> tuple[np.ndarray, np.ndarray]:
    """Local slope ``d ln MSD / d ln t`` on log-spaced lags (lag 0 excluded).

    Returns:
        indices (K,) of the sampled lags and the slope (K,) there (NaN where MSD <= 0).
    """
    n_lags = len(msd_A2)
    if n_lags < 3:
        return np.arange(1, n_lags), np.full(max(n_lags - 1, 0), np.nan)
    decades = max(np.log10(n_lags - 1), 0.1)
    idx = np.unique(
        np.round(np.geomspace(1, n_lags - 1, int(points_per_decade * decades) + 2)).astype(int)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        log_msd = np.where(msd_A2[idx] > 0, np.log(msd_A2[idx]), np.nan)
        slope = (
            np.gradient(log_msd, np.log(time_fs[idx]))
            if len(idx) > 1
            else np.full(len(idx), np.nan)
        )
    return idx, slope


@dataclass
class FitWindow:
    """Lags [start_index, end_index] (inclusive) used in the fit, and how they were chosen."""

    start_index: int
    end_index: int
    start_fs: float
    end_fs: float
    found: bool
    slope_indices: np.ndarray
    local_slope: np.ndarray
    message: str = ""


def choose_fit_window(
    time_fs: np.ndarray,
    msd_A2: np.ndarray,
    *,
    n_pairs: np.ndarray | None = None,
    min_start_fs: float = 0.0,
    end_fraction: float = 0.5,
    slope_tolerance: float = 0.1,
    sustain_factor: float = 2.0,
    min_points: int = 5,
) -> FitWindow:
    """Choose the diffusive fit window by step 2 of :mod:`interfaceflow.analysis.diffusion`.

    The window ends at the largest lag that keeps at least ``1 - end_fraction`` of the lag-0
    (atom, origin) pairs ``n_pairs``: for whole trajectories of F frames that is lag
    ``end_fraction * F``; for residence segments or time blocks it adapts to their lengths.

    Args:
        time_fs: (L,) lag times, lag 0 first.
        msd_A2: (L,) MSD at those lags.
        n_pairs: (L,) number of (atom, origin) pairs per lag; whole-run counts (L - m) when None.
    """
    n_lags = len(time_fs)
    n_pairs = np.arange(n_lags, 0, -1) if n_pairs is None else np.asarray(n_pairs)
    kept = np.flatnonzero(n_pairs >= (1.0 - end_fraction) * n_pairs[0] - 1e-9)
    end_index = int(kept.max()) if len(kept) else 0
    end_index = min(end_index, n_lags - 1)
    if end_index < min_points:
        raise AnalysisError(
            f"run too short for a fit window: {end_index + 1} lags within "
            f"end_fraction={end_fraction}; "
            f"use at least {MIN_FRAMES} frames per atom or a smaller --stride"
        )
    idx, slope = local_loglog_slope(time_fs, msd_A2)
    candidates = np.flatnonzero(
        (time_fs[idx] >= min_start_fs) & (idx <= end_index - min_points + 1)
    )
    ok = np.abs(slope - 1.0) <= slope_tolerance
    start_index, found, message = None, False, ""
    for k in candidates:
        horizon = min(sustain_factor * time_fs[idx[k]], time_fs[end_index])
        span = (time_fs[idx] >= time_fs[idx[k]]) & (time_fs[idx] <= horizon)
        if ok[span].all():
            start_index, found = int(idx[k]), True
            break
    if start_index is None:
        half = (
            candidates[idx[candidates] <= max(end_index // 2, idx[candidates[0]])]
            if len(candidates)
            else []
        )
        if len(half) and np.isfinite(slope[half]).any():
            best = half[np.nanargmin(np.abs(slope[half] - 1.0))]
            start_index = int(idx[best])
        else:
            start_index = max(1, end_index - min_points + 1)
        finite = slope[np.isfinite(slope) & (idx <= end_index)]
        slope_range = f"{finite.min():.2f} to {finite.max():.2f}" if finite.size else "undefined"
        message = (
            f"no diffusive regime: d ln MSD/d ln t never stays within {slope_tolerance} of 1 "
            f"(range {slope_range} up to {time_fs[end_index]:.4g} fs); window starts where it is "
            f"closest to 1, at {time_fs[start_index]:.4g} fs: run longer or hotter"
        )
    return FitWindow(
        start_index=start_index,
        end_index=end_index,
        start_fs=float(time_fs[start_index]),
        end_fs=float(time_fs[end_index]),
        found=found,
        slope_indices=idx,
        local_slope=slope,
        message=message,
    )


def fit_line(time_fs: np.ndarray, msd_A2: np.ndarray) -> tuple[float, float]:
    """Ordinary least-squares slope and intercept of MSD against time (finite points only)."""
    keep = np.isfinite(msd_A2)
    if keep.sum() < 3:
        return np.nan, np.nan
    slope, intercept = np.polyfit(time_fs[keep], msd_A2[keep], 1)
    return float(slope), float(intercept)


@dataclass
class DiffusionFit:
    """Raw result of :func:`fit_diffusion` (arrays and numbers; the document is built from it)."""

    D_cm2_per_s: float
    D_err_cm2_per_s: float
    intercept_A2: float
    n_dims: int
    window: FitWindow
    time_fs: np.ndarray
    msd_A2: np.ndarray
    msd_err_A2: np.ndarray
    n_pairs: np.ndarray
    block_D_cm2_per_s: np.ndarray
    block_by: str
    n_atoms: int
    mean_occupancy: float
    n_independent_samples: float
    n_frames: int
    frame_interval_fs: float
    msd_at_window_end_A2: float
    warnings: list[str] = field(default_factory=list)

    def arrays(self) -> dict[str, list[float]]:
        """The per-lag arrays for the document (NaN stored as None-free floats)."""
        return {
            "time_fs": self.time_fs.tolist(),
            "msd_A2": np.nan_to_num(self.msd_A2, nan=0.0).tolist(),
            "msd_err_A2": np.nan_to_num(self.msd_err_A2, nan=0.0).tolist(),
            "n_pairs": self.n_pairs.astype(float).tolist(),
            "slope_time_fs": self.time_fs[self.window.slope_indices].tolist(),
            "local_slope": np.nan_to_num(self.window.local_slope, nan=0.0).tolist(),
        }


def fit_diffusion(
    sums: MSDSums,
    frame_interval_fs: float,
    axes: tuple[int, ...],
    settings: DiffusionSettings,
    *,
    n_frames: int,
    n_atoms: int,
    residence_frames: float,
    block_by: str,
) -> DiffusionFit:
    """D, its block uncertainty and the warnings from grouped MSD sums (one group per block).

    Args:
        sums: squared-displacement sums, one group per block.
        frame_interval_fs: time between consecutive frames.
        axes: Cartesian axes of the direction.
        n_frames: frames of the run (sets the window end).
        n_atoms: distinct contributing atoms.
        residence_frames: total (atom x frame) count of contributing frames.
        block_by: 'atoms' or 'time' (recorded).
    """
    n_dims = len(axes)
    time_fs = np.arange(sums.n_lags) * frame_interval_fs
    msd = sums.msd(axes)
    window = choose_fit_window(
        time_fs,
        msd,
        n_pairs=sums.counts.sum(axis=0),
        min_start_fs=settings.min_start_fs,
        end_fraction=settings.end_fraction,
        slope_tolerance=settings.slope_tolerance,
        sustain_factor=settings.sustain_factor,
    )
    sel = slice(window.start_index, window.end_index + 1)
    to_D = A2_PER_FS_TO_CM2_PER_S / (2.0 * n_dims)
    slope, intercept = fit_line(time_fs[sel], msd[sel])
    block_msd = sums.group_msd(axes)
    block_D = np.array([fit_line(time_fs[sel], b[sel])[0] for b in block_msd]) * to_D
    block_D = block_D[np.isfinite(block_D)]
    D = slope * to_D
    D_err = float(np.std(block_D, ddof=1) / np.sqrt(len(block_D))) if len(block_D) >= 2 else np.nan
    with np.errstate(invalid="ignore"):
        msd_err = np.nanstd(block_msd, axis=0, ddof=1) / np.sqrt(np.isfinite(block_msd).sum(axis=0))
    window_frames = max(window.end_index, 1)
    fit = DiffusionFit(
        D_cm2_per_s=float(D),
        D_err_cm2_per_s=D_err,
        intercept_A2=intercept,
        n_dims=n_dims,
        window=window,
        time_fs=time_fs,
        msd_A2=msd,
        msd_err_A2=msd_err,
        n_pairs=sums.counts.sum(axis=0),
        block_D_cm2_per_s=block_D,
        block_by=block_by,
        n_atoms=n_atoms,
        mean_occupancy=residence_frames / n_frames,
        n_independent_samples=residence_frames / window_frames,
        n_frames=n_frames,
        frame_interval_fs=frame_interval_fs,
        msd_at_window_end_A2=float(msd[window.end_index]),
    )
    fit.warnings = _thin_statistics_warnings(fit, settings, len(block_D))
    return fit


def _thin_statistics_warnings(
    fit: DiffusionFit, settings: DiffusionSettings, n_blocks: int
) -> list[str]:
    out = []
    if fit.window.message:
        out.append(fit.window.message)
    # compare as a 3D-equivalent MSD so that one-axis directions use the same hop threshold
    msd3 = fit.msd_at_window_end_A2 * 3.0 / fit.n_dims
    if not msd3 >= settings.min_msd_A2:
        hops = msd3 / HOP_LENGTH_A**2
        out.append(
            f"thin statistics: MSD at the window end ({fit.window.end_fs:.4g} fs) is "
            f"{msd3:.3g} Å^2 (3D equivalent) < {settings.min_msd_A2:.3g} Å^2, "
            f"about {hops:.2g} hops of {HOP_LENGTH_A} Å "
            f"per atom: run longer or hotter"
        )
    if fit.n_independent_samples < settings.min_independent_samples:
        out.append(
            f"thin statistics: {fit.n_independent_samples:.3g} independent samples "
            f"({fit.n_atoms} atoms x run / window) < {settings.min_independent_samples:g}: "
            f"more atoms or a longer run"
        )
    if n_blocks < 5:
        out.append(f"uncertainty from only {n_blocks} blocks: the error bar is itself uncertain")
    if not fit.D_cm2_per_s > 0:
        out.append(f"non-positive D ({fit.D_cm2_per_s:.3g} cm^2/s): no net diffusion was measured")
    elif fit.D_err_cm2_per_s / fit.D_cm2_per_s > 0.3:
        out.append(
            f"uncertain D: relative error {fit.D_err_cm2_per_s / fit.D_cm2_per_s:.0%} (> 30 %)"
        )
    return out
