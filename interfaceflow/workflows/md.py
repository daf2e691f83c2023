"""jobflow makers for interface relaxation and MD (atomate2 style: the maker prepares, a function works).

* :class:`InterfaceRelaxMaker` runs :func:`interfaceflow.md.relax.run_relax` and returns a
  :class:`RelaxDocument`.
* :class:`InterfaceMDMaker` runs :func:`interfaceflow.md.engine.run_md` and returns an
  :class:`MDDocument`. With ``chunk_steps`` or ``chunk_walltime_s`` in the settings, each job runs
  one chunk and returns ``Response(output=doc, replace=<the same maker, next chunk>)``; the chunks
  share one work directory, so each continues from the previous one's checkpoint and appends to
  the same H5MD trajectory. Downstream references resolve to the last chunk's document.

A stop signal (SIGTERM from a batch scheduler) makes the MD checkpoint and return ``interrupted``;
on a cluster the job then chains a continuation chunk, as for a walltime chunk. Inside
:func:`local_run` (a local ``interfaceflow run``), SIGINT stops the MD the same way, and an
interrupted MD raises :class:`~interfaceflow.md.engine.MDInterrupted` instead of chaining: the
process is about to exit, and the run continues with ``interfaceflow run --resume``.

Why not atomate2's ``ForceFieldRelaxMaker``/``ForceFieldMDMaker``: their calculators come from a
closed enum or an import path, their trajectories are kept in memory and stored as JSON, and they
have neither fixed-layer-aware cell relaxation along the normal nor checkpoints. The makers here keep
their shape (dataclass fields as settings, one job decorator, pydantic ``from_*`` documents).
"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Literal

from ase import Atoms
from jobflow import CURRENT_JOB, Maker, Response
from pydantic import BaseModel, ConfigDict, Field
from pymatgen.core import Structure
from pymatgen.io.ase import AseAtomsAdaptor

from interfaceflow.md.engine import MDInterrupted, MDResult, run_md
from interfaceflow.md.progress import ns_per_day
from interfaceflow.md.relax import RelaxResult, run_relax
from interfaceflow.md.settings import MDSettings, RelaxSettings
from interfaceflow.provenance import package_versions
from interfaceflow.errors import MDError, PluginError
from interfaceflow.plugins.base import CalculatorSpec
from interfaceflow.settings import get_settings
from interfaceflow.validation import validated_settings
from interfaceflow.workflows.base import interfaceflow_job


#: Signals that stop an MD at its next step with a checkpoint: on a cluster SIGTERM (the
#: scheduler's warning before a kill), in a local run SIGINT (Ctrl-C) too.
CLUSTER_STOP_SIGNALS: tuple[int, ...] = (signal.SIGTERM,)
LOCAL_STOP_SIGNALS: tuple[int, ...] = (signal.SIGTERM, signal.SIGINT)
_LOCAL_RUN: ContextVar[bool] = ContextVar("interfaceflow_local_run", default=False)


@contextmanager
def local_run() -> Iterator[None]:
    """Run the MD jobs started inside as a local run's: SIGINT or SIGTERM checkpoints the MD and
    raises :class:`MDInterrupted` instead of chaining a continuation job (see the module docstring)."""
    token = _LOCAL_RUN.set(True)
    try:
        yield
    finally:
        _LOCAL_RUN.reset(token)


def _calculator(spec: CalculatorSpec):
    from interfaceflow.plugins.registry import get_calculator

    return get_calculator(**spec.model_dump())


def _to_atoms(structure: Structure | Atoms) -> Atoms:
    """Atoms with FixAtoms from ``selective_dynamics`` (pymatgen's adaptor does the mapping)."""
    if isinstance(structure, Atoms):
        return structure.copy()
    return AseAtomsAdaptor.get_atoms(structure)


def _to_structure(atoms: Atoms, regions: list[str] | None = None) -> Structure:
    structure = AseAtomsAdaptor.get_structure(atoms)
    if regions is not None:
        structure.add_site_property("region", list(regions))
    return structure


def _regions_of(structure: Structure | Atoms, regions: list[str] | None) -> list[str] | None:
    if regions is not None:
        return [str(r) for r in regions]
    if isinstance(structure, Structure) and "region" in structure.site_properties:
        return [str(r) for r in structure.site_properties["region"]]
    if isinstance(structure, Atoms) and "region" in structure.arrays:
        return [str(r) for r in structure.arrays["region"]]
    return None


# ------------------------------------------------------------------------------------ documents
class RelaxDocument(BaseModel):
    """Result of an interface relaxation, with its convergence record."""

    doc_type: Literal["interface_relax"] = "interface_relax"
    structure: Structure
    converged: bool
    steps: int = Field(description="Optimizer steps taken.")
    fmax_eV_per_A: float = Field(description="Largest force on a movable atom at the end.")
    fmax_target_eV_per_A: float
    energy_eV: float
    initial_energy_eV: float
    cell_c_change_A: float = Field(description="Change of |c| (cell relaxation along the normal).")
    wall_s: float
    settings: dict[str, Any]
    calculator: dict[str, Any] = Field(description="Calculator provenance.")
    package_versions: dict[str, str] = Field(default_factory=dict)
    arrays: dict[str, list[float]] = Field(
        default_factory=dict, description="Per-step energies_eV and fmax_eV_per_A (data store)."
    )

    @classmethod
    def from_result(
        cls, result: RelaxResult, settings: RelaxSettings, provenance: dict[str, Any], regions=None
    ) -> RelaxDocument:
        """Build the document from :func:`run_relax`'s result."""
        return cls(
            structure=_to_structure(result.atoms, regions),
            converged=result.converged,
            steps=result.steps,
            fmax_eV_per_A=result.fmax_eV_per_A,
            fmax_target_eV_per_A=settings.fmax_eV_per_A,
            energy_eV=result.energy_eV,
            initial_energy_eV=result.initial_energy_eV,
            cell_c_change_A=result.cell_c_change_A,
            wall_s=result.wall_s,
            settings=settings.model_dump(),
            calculator=provenance,
            package_versions=package_versions(),
            arrays={
                "energies_eV": result.energies_eV,
                "fmax_eV_per_A": result.fmax_history_eV_per_A,
            },
        )


    def summary(self) -> RelaxSummary:
        """Convergence of the relaxation, as the study document stores it."""
        return RelaxSummary.model_validate(self.model_dump(include=set(RelaxSummary.model_fields)))


class RelaxSummary(BaseModel):
    """Did the relaxation converge: steps, final largest force (eV/Å), energy (eV), wall time (s)."""

    model_config = ConfigDict(extra="ignore")

    converged: bool
    steps: int
    fmax_eV_per_A: float
    fmax_target_eV_per_A: float | None = None
    energy_eV: float
    initial_energy_eV: float | None = None
    cell_c_change_A: float | None = None
    wall_s: float | None = None


class MDTimings(BaseModel):
    """Speed of the MD (this chunk and all chunks so far)."""

    wall_s: float
    total_wall_s: float
    s_per_step: float
    ns_per_day: float


class MDDocument(BaseModel):
    """One MD run (or its latest chunk); the trajectory itself stays in the H5MD file."""

    doc_type: Literal["interface_md"] = "interface_md"
    status: Literal["completed", "chunk_done", "interrupted"]
    trajectory_path: str = Field(description="Absolute path of the H5MD trajectory.")
    checkpoint_path: str
    workdir: str
    trajectory_size_bytes: int
    n_frames: int
    start_step: int = Field(description="Step this chunk started from.")
    steps_done: int = Field(description="Steps done over all chunks.")
    total_steps: int
    chunk_index: int
    ensemble: str
    timestep_fs: float
    temperature_K: float
    traj_interval: int
    interface_z_A: list[float] = Field(default_factory=list)
    regions: list[str] | None = None
    structure: Structure = Field(description="Final structure of this chunk.")
    per_atom_energies: bool
    observables: list[str]
    timings: MDTimings
    settings: dict[str, Any]
    calculator: dict[str, Any] = Field(description="Calculator provenance.")
    package_versions: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def from_result(
        cls,
        result: MDResult,
        settings: MDSettings,
        provenance: dict[str, Any],
        *,
        regions: list[str] | None,
        interface_z_A: list[float] | None,
        chunk_index: int,
    ) -> MDDocument:
        """Build the document from :func:`run_md`'s result."""
        return cls(
            status=result.status,
            trajectory_path=str(result.trajectory_path),
            checkpoint_path=str(result.checkpoint_path),
            workdir=str(result.trajectory_path.parent),
            trajectory_size_bytes=result.trajectory_path.stat().st_size,
            n_frames=result.n_frames,
            start_step=result.start_step,
            steps_done=result.steps_done,
            total_steps=result.total_steps,
            chunk_index=chunk_index,
            ensemble=settings.ensemble,
            timestep_fs=settings.timestep_fs,
            temperature_K=settings.temperature_K,
            traj_interval=settings.traj_interval,
            interface_z_A=list(interface_z_A or []),
            regions=regions,
            structure=_to_structure(result.atoms, regions),
            per_atom_energies=result.per_atom_energies,
            observables=result.observables,
            timings=MDTimings(
                wall_s=result.wall_s,
                total_wall_s=result.total_wall_s,
                s_per_step=result.s_per_step,
                ns_per_day=ns_per_day(result.steps_this_call, settings.timestep_fs, result.wall_s),
            ),
            settings=settings.model_dump(),
            calculator=provenance,
            package_versions=package_versions(),
        )


    def summary(self) -> MDSummary:
        """What was simulated and how fast, as the study document stores it."""
        return MDSummary.from_fields(self.model_dump(exclude={"structure", "settings", "calculator"}))


class MDSummary(BaseModel):
    """The MD as run: ensemble, temperature (K), steps, simulated time (ps), speed, trajectory."""

    model_config = ConfigDict(extra="ignore")

    status: str
    ensemble: str
    temperature_K: float
    timestep_fs: float
    steps_done: int
    total_steps: int
    simulated_time_ps: float
    n_frames: int
    traj_interval: int
    chunk_index: int = 0
    trajectory_path: str
    trajectory_size_bytes: int | None = None
    wall_s: float | None = Field(None, description="Wall time of all chunks, s.")
    ns_per_day: float | None = None

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> MDSummary:
        """From an MD document's fields (or a schema-1 study's ``md`` dict)."""
        timings = fields.get("timings") or {}
        return cls.model_validate({
            **fields,
            "simulated_time_ps": fields["steps_done"] * fields["timestep_fs"] / 1000.0,
            "wall_s": timings.get("total_wall_s"),
            "ns_per_day": timings.get("ns_per_day"),
        })


# ---------------------------------------------------------------------------------------- makers
@dataclass
class InterfaceRelaxMaker(Maker):
    """Relax an interface with an MLIP from the plugin registry.

    Args:
        name: job name.
        calculator: :class:`~interfaceflow.plugins.CalculatorSpec` (or a dict of its fields).
        settings: :class:`RelaxSettings` (or a dict of its fields).
    """

    name: str = "interface relax"
    calculator: CalculatorSpec = field(default_factory=CalculatorSpec)
    settings: RelaxSettings = field(default_factory=RelaxSettings)

    def __post_init__(self) -> None:
        self.calculator = validated_settings(self.calculator, CalculatorSpec, "calculator", PluginError)
        self.settings = validated_settings(self.settings, RelaxSettings, "relax", MDError)

    @interfaceflow_job
    def make(self, structure: Structure | Atoms, regions: list[str] | None = None) -> RelaxDocument:
        """Relax ``structure``; fixed atoms come from its ``selective_dynamics``/FixAtoms."""
        settings = self.settings
        handle = _calculator(self.calculator)
        atoms = _to_atoms(structure)
        handle.check_elements(set(atoms.get_chemical_symbols()))
        result = run_relax(atoms, handle.calculator, settings)
        return RelaxDocument.from_result(
            result, settings, handle.provenance.model_dump(), _regions_of(structure, regions)
        )


@dataclass
class InterfaceMDMaker(Maker):
    """MD of an interface with streamed H5MD output, checkpoints, guards and chunking.

    Args:
        name: job name.
        calculator: :class:`~interfaceflow.plugins.CalculatorSpec` (or a dict of its fields).
        settings: :class:`MDSettings` (or a dict of its fields). ``chunk_steps`` /
            ``chunk_walltime_s`` split the run into chained jobs.
        run_name: work directory name under the ``run_dir`` setting; by default ``md-<job uuid>``,
            which is stable across chunks and reruns of the same job, so they find the checkpoint.
        progress: show a progress bar.
    """

    name: str = "interface md"
    calculator: CalculatorSpec = field(default_factory=CalculatorSpec)
    settings: MDSettings = field(default_factory=MDSettings)
    run_name: str | None = None
    progress: bool = True

    def __post_init__(self) -> None:
        self.calculator = validated_settings(self.calculator, CalculatorSpec, "calculator", PluginError)
        self.settings = validated_settings(self.settings, MDSettings, "md", MDError)

    def workdir(self) -> Path:
        """The run's work directory (call inside a running job when ``run_name`` is None)."""
        run_name = self.run_name
        if run_name is None:
            job = CURRENT_JOB.job
            run_name = f"md-{job.uuid}" if job is not None else "md"
        return get_settings().run_dir.resolve() / run_name

    @interfaceflow_job
    def make(
        self,
        structure: Structure | Atoms,
        interface_z_A: list[float] | None = None,
        regions: list[str] | None = None,
        workdir: str | None = None,
        chunk_index: int = 0,
    ) -> MDDocument | Response:
        """Run (or continue) the MD; return the document, or a replacement job for the next chunk.

        Inside :func:`local_run`, a stop signal raises :class:`MDInterrupted` (checkpoint written)
        instead of returning a continuation.
        """
        settings = self.settings
        handle = _calculator(self.calculator)
        atoms = _to_atoms(structure)
        handle.check_elements(set(atoms.get_chemical_symbols()))
        regions = _regions_of(structure, regions)
        run_dir = Path(workdir) if workdir else self.workdir()
        local = _LOCAL_RUN.get()
        result = run_md(
            atoms,
            handle.calculator,
            settings,
            run_dir,
            regions=regions,
            interface_z_A=interface_z_A,
            progress=self.progress,
            stop_signals=LOCAL_STOP_SIGNALS if local else CLUSTER_STOP_SIGNALS,
        )
        if local and result.stop_signal is not None:
            raise MDInterrupted(result.steps_done, result.total_steps, run_dir, result.stop_signal)
        doc = MDDocument.from_result(
            result,
            settings,
            handle.provenance.model_dump(),
            regions=regions,
            interface_z_A=interface_z_A,
            chunk_index=chunk_index,
        )
        if result.status == "completed":
            return doc
        next_chunk = self.make(
            structure,
            interface_z_A=interface_z_A,
            regions=regions,
            workdir=str(run_dir),
            chunk_index=chunk_index + 1,
        )
        next_chunk.name = f"{self.name.split(' (chunk ')[0]} (chunk {chunk_index + 2})"
        return Response(output=doc, replace=next_chunk)
