"""Settings of the relaxation and MD engines (pydantic; unknown keys are errors).

Units are in the field names: ``timestep_fs``, ``temperature_K``, ``friction_per_fs``,
``pressure_bar``, ``max_force_eV_per_A``. Recipes embed these models as their ``relax`` and ``md``
sections, so a typo in a recipe key is a validation error, never a silently ignored setting.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

Ensemble = Literal["nvt_langevin", "nvt_bussi", "nvt_nose_hoover", "npt_mtk", "nve"]

# Settings that change the arithmetic of a run: a checkpoint written under other values of these
# cannot continue this run (``steps``, chunking, logging and guards may change between restarts).
TRAJECTORY_DEFINING_FIELDS = (
    "ensemble",
    "temperature_K",
    "timestep_fs",
    "friction_per_fs",
    "tdamp_fs",
    "tchain",
    "pressure_bar",
    "pdamp_fs",
    "npt_cell_dof",
    "heat_from_K",
    "heat_steps",
    "seed",
    "initial_velocities",
    "traj_interval",
    "checkpoint_interval",
    "exact_restart",
)


#: Highest thermostat target (``temperature_K``, ``heat_from_K``), K. Every electrode and solid
#: electrolyte studied here melts or decomposes well below it (Li metal at 454 K, oxides and
#: sulfides below ~2500 K), and universal-MLIP training sets sample structures up to ~3000 K
#: (OMat24's hottest AIMD): a higher target is a typo (a missing decimal point, another unit), not
#: a study.
MAX_TARGET_TEMPERATURE_K = 5000.0
#: Absolute ceiling of the MD temperature guard, K: the default runaway limit (3 x the target) at the
#: highest allowed target. The guard never lets a run go above it, whatever the target or factor,
#: so an absurd target that bypassed validation still trips the guard at step 0.
TEMPERATURE_CEILING_K = 3 * MAX_TARGET_TEMPERATURE_K
_TARGET_RANGE = (
    f"must be in 0 < T ≤ {MAX_TARGET_TEMPERATURE_K:g} K (hotter is beyond any battery material's "
    "melting point and any MLIP's training data)"
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GuardSettings(_Strict):
    """Stability guards: the run stops with a diagnostic as soon as one of them trips."""

    interval: int = Field(default=10, ge=1, description="Check every this many MD steps.")
    max_force_eV_per_A: float | None = Field(
        default=50.0, gt=0, description="Stop when any atom feels a larger force (None: off)."
    )
    min_distance_A: float | None = Field(
        default=0.5, gt=0, description="Stop when two atoms come closer than this (None: off)."
    )
    max_temperature_K: float | None = Field(
        default=None,
        gt=0,
        description=(
            "Absolute temperature limit, K; None uses the runaway factor. Either is capped at "
            f"TEMPERATURE_CEILING_K={TEMPERATURE_CEILING_K:g} K."
        ),
    )
    runaway_factor: float = Field(
        default=3.0,
        gt=1,
        description="Stop when T exceeds this factor times the highest target temperature.",
    )
    check_nan: bool = Field(default=True, description="Stop on a NaN/inf energy or force.")


class MDSettings(_Strict):
    """One MD run: ensemble, temperature schedule, output cadence, chunking and guards.

    The temperature rises linearly from ``heat_from_K`` to ``temperature_K`` over ``heat_steps``
    steps, then holds (no ramp when ``heat_from_K`` is None). ``npt_mtk`` fluctuates only the cell
    vector along the interface normal (``npt_cell_dof='normal'``, the c axis of sandwich cells).
    """

    ensemble: Ensemble = "nvt_langevin"
    temperature_K: float = Field(
        default=300.0,
        gt=0,
        description=f"Thermostat target after the ramp, K; {_TARGET_RANGE.removeprefix('must be in ')}.",
    )
    timestep_fs: float = Field(default=1.0, gt=0, le=10)
    steps: int = Field(default=1000, ge=0, description="Total MD steps over all chunks.")
    friction_per_fs: float = Field(default=0.01, gt=0, description="Langevin friction.")
    tdamp_fs: float = Field(
        default=100.0, gt=0, description="Thermostat time constant (Bussi, Nosé–Hoover, MTK)."
    )
    tchain: int = Field(default=3, ge=1, description="Nosé–Hoover chain length.")
    pressure_bar: float = Field(default=1.0, description="External pressure for npt_mtk.")
    pdamp_fs: float = Field(default=1000.0, gt=0, description="Barostat time constant.")
    npt_cell_dof: Literal["normal", "isotropic", "full"] = "normal"
    heat_from_K: float | None = Field(
        default=None,
        gt=0,
        description=f"Start of the heating ramp, K (None: no ramp); {_TARGET_RANGE.removeprefix('must be in ')}.",
    )
    heat_steps: int = Field(default=0, ge=0)
    seed: int = Field(default=42, ge=0, description="Seeds velocities and the thermostat noise.")
    initial_velocities: Literal["maxwell_boltzmann", "keep"] = "maxwell_boltzmann"
    traj_interval: int = Field(default=10, ge=1, description="Write a frame every N steps.")
    checkpoint_interval: int = Field(default=100, ge=1)
    log_interval: int = Field(default=100, ge=1)
    chunk_steps: int | None = Field(
        default=None, ge=1, description="Steps per job chunk (a multiple of checkpoint_interval)."
    )
    chunk_walltime_s: float | None = Field(
        default=None, gt=0, description="Stop a chunk at the last checkpoint that fits this walltime."
    )
    exact_restart: bool = Field(
        default=False,
        description=(
            "Drop the calculator's cached state at every checkpoint, so that a restarted run "
            "repeats the same arithmetic bit for bit even with calculators that keep state between "
            "calls (neighbour lists with a skin: ASE's EMT, LennardJones). Costs one force call per "
            "checkpoint. MLIP plugins (SevenNet, CHGNet, MACE) rebuild their graph every call and "
            "restart bit for bit without it."
        ),
    )
    write_velocities: bool = True
    write_forces: bool = True
    guards: GuardSettings = Field(default_factory=GuardSettings)

    @field_validator("temperature_K", "heat_from_K")
    @classmethod
    def _target_in_range(cls, value: float | None) -> float | None:
        if value is not None and not 0 < value <= MAX_TARGET_TEMPERATURE_K:  # NaN fails too
            raise PydanticCustomError("temperature_range", _TARGET_RANGE)
        return value

    @model_validator(mode="after")
    def _check(self) -> MDSettings:
        if self.chunk_steps is not None and self.chunk_steps % self.checkpoint_interval:
            raise ValueError(
                f"chunk_steps={self.chunk_steps} must be a multiple of "
                f"checkpoint_interval={self.checkpoint_interval}, so chunks end on checkpoints"
            )
        if self.heat_steps and self.heat_from_K is None:
            raise ValueError("heat_steps is set but heat_from_K is not; give the start temperature")
        return self

    def target_temperature_K(self, step: int) -> float:
        """Thermostat target for the step that starts at ``step`` (linear ramp, then hold)."""
        if self.heat_from_K is None or step >= self.heat_steps:
            return self.temperature_K
        return self.heat_from_K + (self.temperature_K - self.heat_from_K) * step / self.heat_steps

    @property
    def max_target_temperature_K(self) -> float:
        """Highest temperature the schedule asks for."""
        return max(self.temperature_K, self.heat_from_K or 0.0)

    @property
    def temperature_limit_K(self) -> float:
        """Where the temperature guard stops the run: ``guards.max_temperature_K``, else
        ``runaway_factor`` x the highest target; never above :data:`TEMPERATURE_CEILING_K`."""
        guards = self.guards
        limit = guards.max_temperature_K or guards.runaway_factor * self.max_target_temperature_K
        return min(limit, TEMPERATURE_CEILING_K) if limit == limit else TEMPERATURE_CEILING_K


class RelaxSettings(_Strict):
    """Relaxation: optimizer, force criterion, step limit, optional cell relaxation.

    Fixed atoms come from the structure's constraints (``FixAtoms``; pymatgen
    ``selective_dynamics``). ``relax_cell='normal'`` lets only the cell vector along the interface
    normal (c) change, the right degree of freedom for periodic sandwich cells; ``'full'`` relaxes
    all six cell degrees of freedom (bulk reference phases). ``relax_cell_normal=True`` is the
    older spelling of ``relax_cell='normal'``; the two fields are kept in step.
    """

    optimizer: Literal["FIRE", "BFGS"] = "FIRE"
    fmax_eV_per_A: float = Field(default=0.05, gt=0)
    steps: int = Field(default=500, ge=0)
    relax_cell_normal: bool = False
    pressure_bar: float = Field(default=0.0, description="Target pressure for the cell relaxation.")
    relax_cell: Literal["none", "normal", "full"] = Field(
        default="none", description="Cell degrees of freedom relaxed: none, the normal (c) only, or all."
    )

    @model_validator(mode="after")
    def _cell_dof(self) -> RelaxSettings:
        if self.relax_cell_normal and self.relax_cell == "full":
            raise ValueError("relax_cell_normal=True contradicts relax_cell='full'; give only relax_cell")
        if self.relax_cell_normal and self.relax_cell == "none":
            self.relax_cell = "normal"
        elif self.relax_cell == "normal" and not self.relax_cell_normal:
            self.relax_cell_normal = True
        return self
