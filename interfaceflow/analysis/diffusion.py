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

This module is the per-region driver (step 1 and the regions). The settings live in
:mod:`interfaceflow.analysis.diffusion_settings`, steps 2-5 in
:mod:`interfaceflow.analysis.diffusion_fit`, the result documents and the Nernst-Einstein
conductivity in :mod:`interfaceflow.analysis.diffusion_results`; their public names are
importable from here.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from ase.data import atomic_masses, atomic_numbers, chemical_symbols

from interfaceflow.analysis.diffusion_fit import (
    A2_PER_FS_TO_CM2_PER_S,
    MIN_FRAMES,
    DiffusionFit,
    FitWindow,
    choose_fit_window,
    fit_diffusion,
    fit_line,
    local_loglog_slope,
)
from interfaceflow.analysis.diffusion_kinisi import KinisiCheck, kinisi_cross_check
from interfaceflow.analysis.diffusion_results import DiffusionResult, nernst_einstein_conductivity
from interfaceflow.analysis.diffusion_settings import (
    HOP_LENGTH_A,
    BlockBy,
    DiffusionSettings,
    RegionMode,
)
from interfaceflow.analysis.msd import (
    canonical_direction,
    direction_axes,
    remove_drift,
    residence_segments,
    segment_msd_sums,
    unwrap_positions,
    wrapped_z,
)
from interfaceflow.errors import AnalysisError
from interfaceflow.io.trajectory import TrajectoryData, check_periodic_cell, trajectory_name

__all__ = [
    "A2_PER_FS_TO_CM2_PER_S",
    "HOP_LENGTH_A",
    "MIN_FRAMES",
    "BlockBy",
    "DiffusionFit",
    "DiffusionResult",
    "DiffusionSettings",
    "FitWindow",
    "RegionMode",
    "analyze_diffusion",
    "choose_fit_window",
    "fit_diffusion",
    "fit_line",
    "local_loglog_slope",
    "metallic_elements",
    "nernst_einstein_conductivity",
]


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
    if traj.n_frames < MIN_FRAMES:
        raise AnalysisError(
            f"{trajectory_name(traj)} has only {traj.n_frames} frame(s) selected; diffusion needs "
            f"at least {MIN_FRAMES}: use a longer trajectory or a smaller --stride"
        )
    check_periodic_cell(traj.cells_A, trajectory_name(traj))
    dt = frame_interval_fs or traj.frame_interval_fs()
    if not dt or dt <= 0:
        raise AnalysisError(
            "the time between frames is unknown; pass --timestep-fs (after --stride)"
        )
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
            result = DiffusionResult.from_fit(
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
            if settings.kinisi_cross_check:
                result.kinisi = _kinisi_check(traj, sel, result, dt, canonical_direction(direction))
            results.append(result)
    return results


def _kinisi_check(traj: TrajectoryData, sel: _Selection, result: DiffusionResult, dt_fs: float,
                  direction: str) -> KinisiCheck | None:
    """kinisi's D for a diffusive result whose atoms are followed over the whole run, else None."""
    if result.status != "diffusive":
        return None
    if not np.all(sel.lengths == traj.n_frames):
        result.warnings.append("no kinisi cross-check: it needs atoms followed over the whole run "
                               "(region_mode 'start')")
        return None
    return kinisi_cross_check(
        traj.positions_A, traj.cells_A, traj.numbers, np.unique(sel.atoms), direction=direction,
        frame_interval_fs=dt_fs, start_fs=result.fit_window_fs[0], D_cm2_per_s=result.D_cm2_per_s,
        D_err_cm2_per_s=result.D_err_cm2_per_s,
    )
