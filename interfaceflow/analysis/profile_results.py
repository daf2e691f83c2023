"""Documents of the profile analysis: its settings, its result (with the time series) and the
comparison of two results."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from interfaceflow.analysis.interface_sides import Boundary


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


def default_compensating_region(has_electrode: bool) -> str | None:
    """Where the net formal charge of a cell goes unless the user says otherwise: into the
    electrode when there is one (its conduction electrons or redox centres screen the interfacial
    ions, which formal charges cannot describe), else nowhere (the charges must be neutral)."""
    return "electrode" if has_electrode else None


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

    def summary(self) -> ProfileSummary:
        """The headline (no arrays, no time series), as the study document stores it."""
        return ProfileSummary.model_validate(json_safe(self.model_dump(include=set(ProfileSummary.model_fields))))


class ProfileSummary(BaseModel):
    """Space-charge headline: potential step (V), Li excess per side (nm⁻²), depletion widths (Å)."""

    model_config = ConfigDict(extra="ignore")

    label: str | None = None
    boundary: Literal["periodic", "slab"]
    sides: list[str] = Field(default_factory=list)
    interface_z_A: list[float] = Field(default_factory=list)
    charge_model: str
    neutral: bool
    potential_step_V: float | None = None
    potential_step_err_V: float | None = None
    potential_step_pair: list[str] | None = None
    li_excess_per_nm2: dict[str, float | None] = Field(default_factory=dict)
    li_excess_err_per_nm2: dict[str, float | None] = Field(default_factory=dict)
    depletion_width_A: dict[str, float | None] = Field(default_factory=dict)
    depletion_width_err_A: dict[str, float | None] = Field(default_factory=dict)
    depletion_method: dict[str, str] = Field(default_factory=dict)
    layer_kind: dict[str, str] = Field(default_factory=dict)
    plot_path: str | None = None


def json_safe(value: Any) -> Any:
    """Replace NaN/inf by None and numpy scalars/arrays by Python objects, recursively."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, (np.floating, float)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


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
