"""Tracer diffusion coefficients from the MSD, with an uncertainty and thin-statistics warnings.

How D is obtained (see :func:`analyze_diffusion`):

1. Unwrap, remove the framework drift and compute the MSD over all time origins by FFT
   (:mod:`interfaceflow.analysis.msd`), per region and direction.
2. **Fit window** (:func:`choose_fit_window`). The end is the largest lag that keeps at least
   ``1 - end_fraction`` (default 0.5) of the (atom, origin) pairs of lag 0: ``end_fraction`` of the
   run for whole trajectories, so every lag in the window averages over at least half of the time
   origins (for residence segments and time blocks, the same rule on their pairs). The start is
   the first lag ``t`` (>= ``min_start_fs``) from which the local slope
   ``alpha = d ln MSD / d ln t``, sampled on log-spaced lags, stays within ``slope_tolerance``
   (default 0.1) of 1 for every sampled lag up to ``sustain_factor * t`` (default 2): this excludes
   the ballistic (alpha = 2) and caged (alpha < 1) parts. When no lag qualifies, the window starts
   at the lag whose slope is closest to 1 (in the first half of the window range), with a warning.
3. **Fit**: ordinary least squares ``MSD = 2 d D t + c`` over every lag in the window (d = number of
   axes in the direction; the free intercept ``c`` absorbs the ballistic/vibrational offset).
4. **Uncertainty** by block averaging: the atoms are dealt into ``B = min(n_blocks, N)`` groups
   (default 50; atom ``i`` to block ``i mod B``), each group's MSD is fitted over the same window,
   and ``D_err = std(D_block) / sqrt(B)``. Separate atoms are independent samples of the same
   process, and each block keeps all time origins, so the strong correlation of the MSD between
   lags (the reason the naive least-squares error is far too small, cf. kinisi) is inside every
   block estimate. Many small blocks are preferred: the per-block D is skewed, and a standard
   deviation from ~10 blocks is itself too noisy (tested: synthetic walks give pulls of unit width
   with 40+ blocks). With fewer than ``min_atoms_for_atom_blocks`` mobile atoms the run is instead
   cut into ``n_time_blocks`` (default 5) time blocks; D then comes from the lags within one
   block, and the blocks are nearly independent because each is twice as long as the fit window.
   Correlations *between* atoms (collective motion) are not captured by atom blocks.
5. **Warnings** (python ``warnings`` and the result's ``warnings`` list) when the MSD at the window
   end is below ``min_msd_A2`` (default one 2.5 Å hop), the number of independent samples
   (residence time of all atoms / window length) is below ``min_independent_samples``, no
   diffusive regime was found, or the relative error exceeds 30 %.

Ionic conductivity (Nernst-Einstein, :func:`nernst_einstein_conductivity`):
``sigma = n (z e)^2 D / (H_R k_B T)``, with n the number density of the mobile species (cell volume,
or region volume for region results), z the charge number (1 for Li+) and H_R the Haven ratio
(default 1: tracer and charge diffusion taken as equal; measured values in solid electrolytes are
often 0.3-0.7, which raises sigma by 1/H_R).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from ase.data import atomic_masses, atomic_numbers, chemical_symbols
from pydantic import BaseModel, ConfigDict, Field
from scipy import constants

from interfaceflow.analysis.msd import (
    MSDSums,
    canonical_direction,
    direction_axes,
    remove_drift,
    residence_segments,
    segment_msd_sums,
    unwrap_positions,
    wrapped_z,
)
from interfaceflow.errors import AnalysisError
from interfaceflow.io.trajectory import TrajectoryData
from interfaceflow.provenance import package_versions

A2_PER_FS_TO_CM2_PER_S = 0.1  # 1 Å^2/fs = 1e-16 cm^2 / 1e-15 s
HOP_LENGTH_A = 2.5
MIN_FRAMES = 12

RegionMode = Literal["start", "instantaneous"]
BlockBy = Literal["auto", "atoms", "time"]


class DiffusionSettings(BaseModel):
    """Every choice of the diffusion analysis (defaults documented in the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    species: str = Field("Li", description="Mobile species (chemical symbol).")
    directions: list[str] = Field(
        default_factory=lambda: ["xyz", "xy", "z"],
        description="xyz (3D), xy (interface plane), z (interface normal), x, y.",
    )
    z_regions: dict[str, tuple[float, float]] | None = Field(
        None, description="Named z slabs {name: (z_min_A, z_max_A)} in the wrapped cell frame."
    )
    use_region_labels: bool | None = Field(
        None,
        description="Also analyse each per-atom region label (None: when the file has labels).",
    )
    region_mode: RegionMode = Field(
        "start", description="'start' or 'instantaneous' (z slabs only)."
    )
    include_all: bool = Field(True, description="Also report the whole-cell result (region None).")
    framework_species: list[str] | None = Field(
        None, description="Species whose centre of mass is the reference frame; default all others."
    )
    remove_drift: bool = True
    min_start_fs: float = Field(0.0, description="Earliest allowed window start.")
    end_fraction: float = Field(0.5, gt=0.0, le=1.0, description="Window end / run length.")
    slope_tolerance: float = Field(0.1, gt=0.0, description="|d ln MSD/d ln t - 1| allowed.")
    sustain_factor: float = Field(2.0, ge=1.0, description="Slope must hold from t to this * t.")
    n_blocks: int = Field(
        50, ge=2, description="Atom blocks for the uncertainty (at most one per atom)."
    )
    n_time_blocks: int = Field(5, ge=2, description="Time blocks when there are too few atoms.")
    block_by: BlockBy = "auto"
    min_atoms_for_atom_blocks: int = 4
    min_msd_A2: float = Field(HOP_LENGTH_A**2, description="Warn below this MSD at the window end.")
    min_independent_samples: float = Field(20.0, description="Warn below this many samples.")
    charge_number: float = Field(1.0, description="Charge number z of the mobile ion.")
    haven_ratio: float = Field(1.0, gt=0.0, description="Tracer/charge diffusion ratio H_R.")
    conductivity_in_metals: bool = Field(
        False,
        description="Also report sigma for named regions made of metals only (e.g. the Li electrode), "
        "where Nernst-Einstein describes no ionic conduction.",
    )


class DiffusionResult(BaseModel):
    """Tracer diffusion coefficient of one species in one region and direction.

    Units: D in cm^2/s, times in fs, MSD in Å^2, conductivity in S/cm, number density in Å^-3.
    ``arrays`` (routed to the data store) holds ``time_fs``, ``msd_A2``, ``msd_err_A2`` (standard
    error over blocks), ``n_pairs`` (atom-origin pairs per lag), ``slope_time_fs``/``local_slope``.
    """

    doc_type: Literal["diffusion"] = "diffusion"
    species: str
    region: str | None = None
    region_mode: RegionMode | None = None
    region_bounds_z_A: tuple[float, float] | None = None
    direction: str
    n_dims: int
    D_cm2_per_s: float
    D_err_cm2_per_s: float
    fit_window_fs: tuple[float, float]
    fit_intercept_A2: float
    diffusive_regime_found: bool
    msd_at_window_end_A2: float
    n_atoms: int = Field(description="Distinct atoms that contribute.")
    mean_occupancy: float = Field(description="Mean number of contributing atoms per frame.")
    n_independent_samples: float
    n_frames: int
    frame_interval_fs: float
    block_by: str
    block_D_cm2_per_s: list[float]
    temperature_K: float | None = None
    number_density_per_A3: float | None = None
    number_density_estimated: bool = False
    charge_number: float = 1.0
    haven_ratio: float = 1.0
    conductivity_S_per_cm: float | None = None
    conductivity_err_S_per_cm: float | None = None
    metallic_elements: list[str] | None = Field(
        None, description="Set when the region is a metal: no ionic conductivity is reported."
    )
    drift_removed: bool = True
    framework_species: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    trajectory_path: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    package_versions: dict[str, str] = Field(default_factory=dict)
    arrays: dict[str, list[float]] = Field(default_factory=dict)

    @classmethod
    def from_fit(
        cls,
        fit: DiffusionFit,
        *,
        species: str,
        direction: str,
        settings: DiffusionSettings,
        region: str | None = None,
        region_mode: RegionMode | None = None,
        region_bounds_z_A: tuple[float, float] | None = None,
        temperature_K: float | None = None,
        number_density_per_A3: float | None = None,
        number_density_estimated: bool = False,
        framework_species: list[str] | None = None,
        drift_removed: bool = True,
        trajectory_path: str | None = None,
        metallic_elements: list[str] | None = None,
        no_conductivity_reason: str | None = None,
    ) -> DiffusionResult:
        """Build the document from a raw :class:`DiffusionFit`, with the Nernst-Einstein sigma.

        A metallic region (``metallic_elements``) gets D but no sigma, and so does a result with a
        ``no_conductivity_reason``; a warning says why.
        """
        sigma = sigma_err = None
        notes = list(fit.warnings)
        if metallic_elements:
            no_conductivity_reason = (
                f"the region is a metal ({'-'.join(metallic_elements)}): Nernst-Einstein gives no ionic "
                "conductivity for an electronic conductor, so none is reported"
            )
        if no_conductivity_reason:
            notes.append(no_conductivity_reason)
        elif temperature_K is not None and number_density_per_A3 is not None:
            sigma = nernst_einstein_conductivity(
                fit.D_cm2_per_s,
                number_density_per_A3,
                temperature_K,
                charge_number=settings.charge_number,
                haven_ratio=settings.haven_ratio,
            )
            sigma_err = (
                abs(sigma) * fit.D_err_cm2_per_s / abs(fit.D_cm2_per_s)
                if fit.D_cm2_per_s
                else np.nan
            )
        return cls(
            species=species,
            region=region,
            region_mode=region_mode,
            region_bounds_z_A=region_bounds_z_A,
            direction=direction,
            n_dims=fit.n_dims,
            D_cm2_per_s=fit.D_cm2_per_s,
            D_err_cm2_per_s=fit.D_err_cm2_per_s,
            fit_window_fs=(fit.window.start_fs, fit.window.end_fs),
            fit_intercept_A2=fit.intercept_A2,
            diffusive_regime_found=fit.window.found,
            msd_at_window_end_A2=fit.msd_at_window_end_A2,
            n_atoms=fit.n_atoms,
            mean_occupancy=fit.mean_occupancy,
            n_independent_samples=fit.n_independent_samples,
            n_frames=fit.n_frames,
            frame_interval_fs=fit.frame_interval_fs,
            block_by=fit.block_by,
            block_D_cm2_per_s=list(map(float, fit.block_D_cm2_per_s)),
            temperature_K=temperature_K,
            number_density_per_A3=number_density_per_A3,
            number_density_estimated=number_density_estimated,
            charge_number=settings.charge_number,
            haven_ratio=settings.haven_ratio,
            conductivity_S_per_cm=sigma,
            conductivity_err_S_per_cm=sigma_err,
            metallic_elements=metallic_elements,
            drift_removed=drift_removed,
            framework_species=framework_species or [],
            warnings=notes,
            trajectory_path=trajectory_path,
            settings=settings.model_dump(),
            package_versions=package_versions(),
            arrays=fit.arrays(),
        )

    def summary(self) -> dict[str, Any]:
        """The small JSON summary printed by the CLI (no arrays)."""
        out = {
            "species": self.species,
            "region": self.region,
            "region_mode": self.region_mode,
            "direction": self.direction,
            "D_cm2_per_s": self.D_cm2_per_s,
            "D_err_cm2_per_s": self.D_err_cm2_per_s,
            "fit_window_fs": list(self.fit_window_fs),
            "n_atoms": self.n_atoms,
            "temperature_K": self.temperature_K,
            "number_density_per_A3": self.number_density_per_A3,
            "haven_ratio": self.haven_ratio,
            "conductivity_S_per_cm": self.conductivity_S_per_cm,
            "conductivity_err_S_per_cm": self.conductivity_err_S_per_cm,
            "warnings": self.warnings,
        }
        # strict JSON has no NaN: an undefined error bar (e.g. one block) is printed as null
        return {
            k: None if isinstance(v, float) and not np.isfinite(v) else v for k, v in out.items()
        }


# ------------------------------------------------------------------------------ pure functions
def nernst_einstein_conductivity(
    D_cm2_per_s: float | np.ndarray,
    number_density_per_A3: float,
    temperature_K: float | np.ndarray,
    *,
    charge_number: float = 1.0,
    haven_ratio: float = 1.0,
) -> float | np.ndarray:
    """Ionic conductivity in S/cm: ``sigma = n (z e)^2 D / (H_R k_B T)``.

    Args:
        D_cm2_per_s: tracer diffusion coefficient(s).
        number_density_per_A3: number density of the mobile ions in Å^-3.
        temperature_K: temperature(s).
        charge_number: z (1 for Li+).
        haven_ratio: H_R = D_tracer / D_sigma (1: no ion-ion correlation).
    """
    n_per_cm3 = number_density_per_A3 * 1e24
    q = charge_number * constants.e
    return (
        n_per_cm3
        * q**2
        * np.asarray(D_cm2_per_s)
        / (haven_ratio * constants.k * np.asarray(temperature_K))
    )


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
    """Choose the diffusive fit window by the rule of the module docstring (step 2).

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


# ------------------------------------------------------------------------------ trajectories
@dataclass
class _Selection:
    """Residence segments of the atoms that count for one region."""

    name: str | None
    mode: RegionMode | None
    atoms: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    bounds: tuple[float, float] | None = None
    number_density_per_A3: float | None = None
    density_estimated: bool = False
    metallic_elements: list[str] | None = None
    no_conductivity_reason: str | None = None


def metallic_elements(numbers: np.ndarray) -> list[str] | None:
    """The elements of a region made of metals only (Li metal, Li-In...), else None.

    A metal conducts electrons: Nernst-Einstein gives no ionic conductivity for it. Only named
    regions (labels, z slabs) are checked; the whole-cell result always gets its sigma.
    """
    from pymatgen.core import Element

    symbols = sorted({chemical_symbols[int(z)] for z in np.asarray(numbers)})
    return symbols if symbols and all(Element(s).is_metal for s in symbols) else None


def _cell_volumes(cells_A: np.ndarray) -> np.ndarray:
    return np.abs(np.linalg.det(cells_A))


def _xy_area(cells_A: np.ndarray) -> float:
    return float(np.mean(np.linalg.norm(np.cross(cells_A[:, 0], cells_A[:, 1]), axis=-1)))


def _region_selections(
    traj: TrajectoryData, mobile: np.ndarray, settings: DiffusionSettings
) -> list[_Selection]:
    n_frames = traj.n_frames
    full = np.full(len(mobile), n_frames)
    zeros = np.zeros(len(mobile), dtype=int)
    selections = []
    if settings.include_all:
        density = len(mobile) / float(np.mean(_cell_volumes(traj.cells_A)))
        selections.append(_Selection(None, None, mobile, zeros, full, None, density))
    use_labels = settings.use_region_labels
    if use_labels is None:
        use_labels = traj.regions is not None and len(set(traj.regions.tolist())) > 1
    if use_labels:
        if traj.regions is None:
            raise AnalysisError(
                "the trajectory has no per-atom region labels; use z regions instead"
            )
        for label in dict.fromkeys(traj.regions.tolist()):
            members = mobile[traj.regions[mobile] == label]
            if len(members):
                everyone = np.flatnonzero(traj.regions == label)
                z0 = traj.positions_A[0, everyone, 2]
                thickness = max(float(z0.max() - z0.min()), 1e-6)
                density = len(members) / (_xy_area(traj.cells_A) * thickness)
                selections.append(
                    _Selection(
                        label,
                        "start",
                        members,
                        np.zeros(len(members), int),
                        np.full(len(members), n_frames),
                        None,
                        density,
                        True,
                        metallic_elements(traj.numbers[everyone]),
                    )
                )
    if settings.z_regions:
        z = wrapped_z(traj.positions_A[:, mobile], traj.cells_A, traj.pbc)
        z_everyone_start = wrapped_z(traj.positions_A[:1], traj.cells_A[:1], traj.pbc)[0]
        area = _xy_area(traj.cells_A)
        for name, (z_lo, z_hi) in settings.z_regions.items():
            if not z_hi > z_lo:
                raise AnalysisError(
                    f"z region {name!r} has z_max <= z_min ({z_lo}, {z_hi}); swap them"
                )
            inside = (z >= z_lo) & (z < z_hi)
            volume = area * (z_hi - z_lo)
            if settings.region_mode == "start":
                members = np.flatnonzero(inside[0])
                sel = _Selection(
                    name,
                    "start",
                    mobile[members],
                    np.zeros(len(members), int),
                    np.full(len(members), n_frames),
                    (z_lo, z_hi),
                    len(members) / volume,
                )
            else:
                atoms, starts, lengths = residence_segments(inside)
                sel = _Selection(
                    name,
                    "instantaneous",
                    mobile[atoms],
                    starts,
                    lengths,
                    (z_lo, z_hi),
                    float(inside.sum(axis=1).mean()) / volume,
                )
            in_slab = (z_everyone_start >= z_lo) & (z_everyone_start < z_hi)
            sel.metallic_elements = metallic_elements(traj.numbers[in_slab]) if in_slab.any() else None
            selections.append(sel)
    _withhold_whole_cell_sigma_next_to_metal(selections)
    return selections


def _withhold_whole_cell_sigma_next_to_metal(selections: list[_Selection]) -> None:
    """A cell that holds a metal region mixes metallic and ionic Li: no whole-cell sigma."""
    metal = next((sel for sel in selections if sel.name is not None and sel.metallic_elements), None)
    if metal is None:
        return
    for sel in selections:
        if sel.name is None:
            sel.no_conductivity_reason = (
                f"the cell holds a metal region ({metal.name}: {'-'.join(metal.metallic_elements)}); "
                "a whole-cell conductivity would mix metallic and ionic Li, so none is reported: "
                "read sigma per region"
            )


def _grouped_sums(positions: np.ndarray, sel: _Selection, settings: DiffusionSettings):
    """MSD sums of one selection, grouped into atom or time blocks."""
    distinct = np.unique(sel.atoms)
    n_frames = positions.shape[0]
    block_by = settings.block_by
    if block_by == "auto":
        block_by = "atoms" if len(distinct) >= settings.min_atoms_for_atom_blocks else "time"
    atoms, starts, lengths = sel.atoms, sel.starts, sel.lengths
    if block_by == "atoms":
        n_blocks = min(settings.n_blocks, len(distinct))
        rank = np.searchsorted(distinct, atoms)
        groups = rank % n_blocks
    else:
        n_blocks = max(2, min(settings.n_time_blocks, n_frames // MIN_FRAMES))
        block_len = n_frames // n_blocks
        pieces = []
        for b in range(n_blocks):
            lo = np.maximum(starts, b * block_len)
            hi = np.minimum(starts + lengths, (b + 1) * block_len)
            keep = hi - lo >= 2
            pieces.append((atoms[keep], lo[keep], (hi - lo)[keep], np.full(keep.sum(), b)))
        atoms, starts, lengths, groups = (np.concatenate(p) for p in zip(*pieces))
    sums = segment_msd_sums(positions, atoms, starts, lengths, groups)
    return sums, block_by, float(sel.lengths.sum()), len(distinct)


def analyze_diffusion(
    traj: TrajectoryData,
    settings: DiffusionSettings | None = None,
    *,
    frame_interval_fs: float | None = None,
    temperature_K: float | None = None,
) -> list[DiffusionResult]:
    """Tracer D (and sigma when T is known) of one species, per region and direction.

    Args:
        traj: the trajectory (wrapped or unwrapped positions).
        settings: analysis choices (:class:`DiffusionSettings`).
        frame_interval_fs: time between consecutive frames of ``traj``; from its times when None.
        temperature_K: temperature for the Nernst-Einstein conductivity (default: the file's).

    Returns:
        One :class:`DiffusionResult` per (region, direction): the whole cell first (region None),
        then per-atom labels, then z regions.
    """
    settings = settings or DiffusionSettings()
    dt = frame_interval_fs or traj.frame_interval_fs()
    if not dt or dt <= 0:
        raise AnalysisError(
            "the time between frames is unknown; pass --timestep-fs (after --stride)"
        )
    if traj.n_frames < MIN_FRAMES:
        raise AnalysisError(f"only {traj.n_frames} frames; diffusion needs at least {MIN_FRAMES}")
    z_mobile = atomic_numbers.get(settings.species)
    if z_mobile is None:
        raise AnalysisError(f"unknown species {settings.species!r}; use a chemical symbol like Li")
    mobile = np.flatnonzero(traj.numbers == z_mobile)
    if len(mobile) == 0:
        present = sorted({chemical_symbols[z] for z in traj.numbers})
        raise AnalysisError(
            f"no {settings.species} atoms in the trajectory (has {', '.join(present)})"
        )
    temperature_K = temperature_K if temperature_K is not None else traj.temperature_K

    positions = unwrap_positions(traj.positions_A, traj.cells_A, traj.pbc)
    framework_species: list[str] = []
    if settings.remove_drift:
        if settings.framework_species:
            zs = [atomic_numbers[s] for s in settings.framework_species]
            framework = np.isin(traj.numbers, zs)
        else:
            framework = traj.numbers != z_mobile
            if not framework.any():  # e.g. Li metal: the whole cell is the reference
                framework = np.ones(traj.n_atoms, dtype=bool)
        framework_species = sorted({chemical_symbols[z] for z in traj.numbers[framework]})
        positions = remove_drift(positions, framework, atomic_masses[traj.numbers])

    results = []
    for sel in _region_selections(traj, mobile, settings):
        if len(sel.atoms) == 0:
            warnings.warn(
                f"region {sel.name!r} holds no {settings.species} atoms; skipped", stacklevel=2
            )
            continue
        sums, block_by, residence, n_distinct = _grouped_sums(positions, sel, settings)
        for direction in settings.directions:
            axes = direction_axes(direction)
            fit = fit_diffusion(
                sums,
                dt,
                axes,
                settings,
                n_frames=traj.n_frames,
                n_atoms=n_distinct,
                residence_frames=residence,
                block_by=block_by,
            )
            where = f"{settings.species}" + (f" in {sel.name}" if sel.name else "")
            for message in fit.warnings:
                warnings.warn(
                    f"{where} ({canonical_direction(direction)}): {message}", stacklevel=2
                )
            results.append(
                DiffusionResult.from_fit(
                    fit,
                    species=settings.species,
                    direction=canonical_direction(direction),
                    settings=settings,
                    region=sel.name,
                    region_mode=sel.mode,
                    region_bounds_z_A=sel.bounds,
                    temperature_K=temperature_K,
                    number_density_per_A3=sel.number_density_per_A3,
                    number_density_estimated=sel.density_estimated,
                    framework_species=framework_species,
                    drift_removed=settings.remove_drift,
                    trajectory_path=traj.source or None,
                    metallic_elements=None if settings.conductivity_in_metals else sel.metallic_elements,
                    no_conductivity_reason=None if settings.conductivity_in_metals else sel.no_conductivity_reason,
                )
            )
    return results
