"""Settings of the tracer diffusion analysis (:mod:`interfaceflow.analysis.diffusion`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

HOP_LENGTH_A = 2.5

RegionMode = Literal["start", "instantaneous"]
BlockBy = Literal["auto", "atoms", "time"]


class DiffusionSettings(BaseModel):
    """Every choice of the diffusion analysis (defaults: :mod:`interfaceflow.analysis.diffusion`)."""

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
    kinisi_cross_check: bool = Field(
        False,
        description="Also estimate D and its uncertainty with kinisi (pip install kinisi) for every diffusive "
        "result whose atoms are followed over the whole run; stored as the result's 'kinisi'.",
    )
    conductivity_in_metals: bool = Field(
        False,
        description="Also report sigma for named regions made of metals only (e.g. the Li electrode), "
        "where Nernst-Einstein describes no ionic conduction.",
    )
