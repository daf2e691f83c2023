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

The pieces live in their own modules and are re-exported here: binning and block statistics
(:mod:`~interfaceflow.analysis.profile_binning`), Poisson's equation
(:mod:`~interfaceflow.analysis.poisson`), interfaces and sides
(:mod:`~interfaceflow.analysis.interface_sides`), layer widths
(:mod:`~interfaceflow.analysis.layer_fits`), derived quantities
(:mod:`~interfaceflow.analysis.derived_profiles`), documents
(:mod:`~interfaceflow.analysis.profile_results`) and comparisons
(:mod:`~interfaceflow.analysis.profile_comparison`); this module runs the analysis.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interfaceflow.analysis.derived_profiles import DerivedProfiles, derive_profiles
from interfaceflow.analysis.interface_sides import (
    SIDE_ORDER, Boundary, ProfileGeometry, build_geometry, find_vacuum_runs,
    interface_planes_from_regions, per_bin, side_bulk_means, step_pair,
)
from interfaceflow.analysis.layer_fits import LayerFit, fit_layer_width
from interfaceflow.analysis.poisson import EPSILON0_E_PER_V_A, solve_poisson_1d
from interfaceflow.analysis.profile_binning import (
    AXES, BinnedProfiles, FrameBins, axis_index, bin_frames, bin_indices, binned_sums,
    cell_heights_and_areas, fractional_along_axis, frame_window, macro_average, mean_and_sem,
    split_blocks,
)
from interfaceflow.analysis.profile_comparison import compare_profiles
from interfaceflow.analysis.profile_results import (
    ProfileComparison, ProfileResult, ProfileSettings, ProfileTimeSeries, json_safe,
)
from interfaceflow.errors import AnalysisError
from interfaceflow.io.trajectory import check_periodic_cell

__all__ = [  # the names of the pieces are re-exported: importing them from here keeps working
    "AXES", "BinnedProfiles", "Boundary", "DerivedProfiles", "EPSILON0_E_PER_V_A", "FrameBins",
    "LayerFit", "ProfileComparison", "ProfileGeometry", "ProfileResult", "ProfileSettings",
    "ProfileTimeSeries", "SIDE_ORDER", "axis_index", "bin_frames", "bin_indices", "binned_sums",
    "build_geometry", "cell_heights_and_areas", "compare_profiles", "compute_profiles",
    "derive_profiles", "find_vacuum_runs", "fit_layer_width", "fractional_along_axis",
    "frame_window", "interface_planes_from_regions", "macro_average", "mean_and_sem",
    "neutral_charges", "per_bin", "profiles_from_trajectory", "run_profiles", "side_bulk_means",
    "solve_poisson_1d", "split_blocks", "step_pair",
]


def _opt(x: float | None) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


# --------------------------------------------------------------------------------------------
# The analysis on arrays
# --------------------------------------------------------------------------------------------


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
    check_periodic_cell(cells)
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
        carriers = (f"the atoms of region '{s.compensating_region}'" if s.compensating_region
                    else "all atoms")
        notes.append(
            f"charged cell (up to {report.max_abs_total_charge_e:+.3g} e) neutralized by spreading "
            f"the opposite charge evenly over {carriers}"
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
        arrays=json_safe(arrays),
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

    from interfaceflow.io.trajectory import check_periodic_cell, trajectory_name

    s = settings or ProfileSettings()
    check_periodic_cell(trajectory.cells_A, trajectory_name(trajectory))
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
    min_frames: int = 1,
) -> ProfileResult:
    """Read a trajectory file and compute its profiles (the pure function behind the maker/CLI).

    ``min_frames``: refuse (one-line :class:`AnalysisError`) a selection of fewer frames.
    """
    from interfaceflow.io.trajectory import check_min_frames, read_trajectory
    from interfaceflow.provenance import package_versions, sha256_file

    traj = read_trajectory(
        trajectory_path, start=start, stop=stop, stride=stride, fmt=fmt, type_map=type_map
    )
    check_min_frames(traj, min_frames, "profiles", "its error bars come from blocks of frames")
    result = profiles_from_trajectory(traj, settings=settings, charges=charges)
    result.trajectory_path = str(trajectory_path)
    result.trajectory_sha256 = sha256_file(trajectory_path)
    result.label = label
    result.package_versions = package_versions()
    return result
