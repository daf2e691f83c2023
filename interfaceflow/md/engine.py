"""The MD engine: ASE dynamics with a streamed H5MD trajectory, checkpoints, guards and progress.

:func:`run_md` is a plain function (no jobflow): give it atoms, a calculator, :class:`MDSettings`
and a work directory. Everything it needs to continue lives in that directory:

* ``trajectory.h5``: H5MD frames every ``traj_interval`` steps, streamed to disk while it runs;
* ``checkpoint.npz``: every ``checkpoint_interval`` steps, at the end of a chunk, and when the
  process receives a stop signal (SIGTERM; the caller may add SIGINT, as a local run does).

Calling :func:`run_md` again on the same directory continues from the checkpoint: the trajectory is
cut back to the frames written up to the checkpoint's step, so no frame is missing or duplicated,
and the run is bit-for-bit the one that was never interrupted (same seed, CPU).

The hot path adds no force calls: observers read what the calculator has already computed
(``atoms.calc.results``).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from ase import Atoms, units
from ase.calculators.calculator import Calculator
from ase.md.md import MolecularDynamics
from ase.md.velocitydistribution import thermalize_momenta, Stationary

from interfaceflow.errors import MDError
from interfaceflow.io.h5md import H5MDWriter
from interfaceflow.md.checkpoint import Checkpoint, read_checkpoint, settings_fingerprint, write_checkpoint
from interfaceflow.md.dynamics import (
    dynamics_state,
    make_dynamics,
    restore_dynamics_state,
    set_target_temperature,
)
from interfaceflow.md.guards import CloseContactGuard, check_frame, non_finite_state
from interfaceflow.md.progress import MDProgress, ns_per_day
from interfaceflow.md.settings import MDSettings
from interfaceflow.provenance import package_version

logger = logging.getLogger("interfaceflow.md")

TRAJECTORY_NAME = "trajectory.h5"
CHECKPOINT_NAME = "checkpoint.npz"
MDStatus = Literal["completed", "chunk_done", "interrupted"]


@dataclass
class MDResult:
    """What one :func:`run_md` call did. ``steps_done`` counts every chunk so far."""

    atoms: Atoms
    status: MDStatus
    trajectory_path: Path
    checkpoint_path: Path
    n_frames: int
    start_step: int
    steps_done: int
    total_steps: int
    wall_s: float
    total_wall_s: float
    per_atom_energies: bool
    observables: list[str] = field(default_factory=list)
    stop_signal: int | None = field(
        default=None, metadata={"doc": "The signal that stopped the run (status 'interrupted')."}
    )

    @property
    def steps_this_call(self) -> int:
        """Steps run by this call (one chunk)."""
        return self.steps_done - self.start_step

    @property
    def s_per_step(self) -> float:
        """Wall seconds per MD step in this call."""
        return self.wall_s / self.steps_this_call if self.steps_this_call else float("nan")


class _StopRun(Exception):
    """Raised by the observer to leave ASE's loop cleanly (end of chunk, SIGTERM)."""

    def __init__(self, status: MDStatus):
        super().__init__(status)
        self.status = status


def _voigt(stress: np.ndarray | None) -> np.ndarray | None:
    if stress is None:
        return None
    stress = np.asarray(stress)
    if stress.shape == (3, 3):
        return stress[[0, 1, 2, 1, 0, 0], [0, 1, 2, 2, 2, 1]]
    return stress


class MDInterrupted(MDError):
    """An MD stopped on a signal after writing its checkpoint at ``step``; run it again in
    ``workdir`` to continue. The exit code is the shell's for that signal (130 SIGINT, 143 SIGTERM)."""

    def __init__(self, step: int, total_steps: int, workdir: str | Path, signum: int):
        self.step, self.total_steps, self.workdir, self.signum = step, total_steps, Path(workdir), signum
        self.exit_code = 128 + signum
        super().__init__(f"interrupted at MD step {step} of {total_steps}; checkpoint in {workdir}")


class _StopFlag:
    """Turns stop signals (SIGTERM, optionally SIGINT) into a flag checked once per step.

    Installed only in the main thread, and not for a SIGINT the process ignores (a background job
    of a shell script); the previous handlers come back on exit.
    """

    def __init__(self, signals: tuple[int, ...] = (signal.SIGTERM,)):
        self.signals = tuple(signals)
        self.signum: int | None = None
        self._previous: dict[int, object] = {}

    @property
    def raised(self) -> bool:
        """True once a stop signal arrived."""
        return self.signum is not None

    def __enter__(self) -> _StopFlag:
        if threading.current_thread() is threading.main_thread():
            for signum in self.signals:
                if signum == signal.SIGINT and signal.getsignal(signum) == signal.SIG_IGN:
                    continue  # a background job of a script: Ctrl-C is meant for the foreground
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self.signum is None:
            self.signum = signum

    def __exit__(self, *exc) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()


class _MDRun:
    """State of one :func:`run_md` call; :meth:`observe` runs after every MD step."""

    def __init__(
        self,
        atoms: Atoms,
        dyn: MolecularDynamics,
        settings: MDSettings,
        writer: H5MDWriter,
        checkpoint_path: Path,
        start_step: int,
        stop_step: int,
        elapsed_before_s: float,
        progress: MDProgress,
        stop: _StopFlag,
    ):
        self.atoms = atoms
        self.dyn = dyn
        self.settings = settings
        self.writer = writer
        self.checkpoint_path = checkpoint_path
        self.start_step = start_step
        self.stop_step = stop_step
        self.elapsed_before_s = elapsed_before_s
        self.progress = progress
        self.stop = stop
        self.fingerprint = settings_fingerprint(settings)
        self.last_checkpoint_step = start_step
        self.last_frame_step: int | None = None
        self.temperature_limit_K = settings.temperature_limit_K
        self.heating = settings.heat_from_K is not None and settings.heat_steps > 0
        min_distance_A = settings.guards.min_distance_A
        self.close_contact = CloseContactGuard(min_distance_A) if min_distance_A is not None else None

    # ------------------------------------------------------------------ per step
    def observe(self) -> None:
        step = self.dyn.nsteps
        s = self.settings
        if self.heating and step <= s.heat_steps:
            set_target_temperature(self.dyn, s.target_temperature_K(step))
        results = self.atoms.calc.results
        forces = results.get("forces") if s.guards.check_nan else None
        if problem := non_finite_state(self.atoms, forces):  # every step: next would feed the calculator
            self.fail(step, problem)
        if step % s.guards.interval == 0:
            self._guard(step, results)
        if step % s.traj_interval == 0:
            self._write_frame(step, results)
        if step % s.log_interval == 0 or step % 10 == 0:
            energy = results.get("energy")
            self.progress.update(
                step, self.atoms.get_temperature(), energy, log=step % s.log_interval == 0
            )
        if step % s.checkpoint_interval == 0 and step != self.start_step:
            self.checkpoint(step)
            if self._walltime_spent(step):
                raise _StopRun("chunk_done")
        if self.stop.raised:
            self.checkpoint(step)
            raise _StopRun("interrupted")

    def _guard(self, step: int, results: dict) -> None:
        forces = results.get("forces")
        if forces is None:
            return
        problem = check_frame(
            self.atoms,
            results.get("energy"),
            np.asarray(forces),
            self.atoms.get_temperature(),
            self.settings.guards,
            self.temperature_limit_K,
            self.close_contact,
        )
        if problem:
            self.fail(step, problem)

    def _write_frame(self, step: int, results: dict) -> None:
        atoms = self.atoms
        s = self.settings
        self.writer.append(
            step,
            step * s.timestep_fs,
            position=atoms.positions,
            box=atoms.cell.array,
            per_atom={
                "velocity": atoms.get_velocities() * units.fs if s.write_velocities else None,
                "force": results.get("forces") if s.write_forces else None,
                "potential_energy": results.get("energies"),
            },
            observables={
                "potential_energy": results.get("energy"),
                "kinetic_energy": atoms.get_kinetic_energy(),
                "temperature": atoms.get_temperature(),
                "stress": _voigt(results.get("stress")),
            },
        )
        self.last_frame_step = step

    def _walltime_spent(self, step: int) -> bool:
        budget = self.settings.chunk_walltime_s
        if budget is None or step >= self.stop_step:
            return False
        elapsed = self.progress.elapsed_s()
        per_interval = elapsed / (step - self.start_step) * self.settings.checkpoint_interval
        return elapsed + per_interval > budget

    # ------------------------------------------------------------------ state
    def checkpoint(self, step: int) -> None:
        """Flush frames, then write the checkpoint for ``step`` atomically."""
        if step == self.last_checkpoint_step and self.checkpoint_path.exists():
            return
        self.writer.flush()
        write_checkpoint(
            self.checkpoint_path,
            Checkpoint(
                step=step,
                n_frames=self.writer.n_frames,
                positions=self.atoms.get_positions(),
                momenta=self.atoms.get_momenta(),
                cell=self.atoms.cell.array.copy(),
                numbers=self.atoms.numbers.copy(),
                fingerprint=self.fingerprint,
                dynamics=dynamics_state(self.dyn),
                elapsed_s=self.elapsed_before_s + self.progress.elapsed_s(),
            ),
        )
        self.last_checkpoint_step = step
        if self.settings.exact_restart and step < self.settings.steps:
            # A restarted run starts from a fresh calculator (e.g. a freshly built neighbour list);
            # dropping the cached state here makes the uninterrupted run do the same arithmetic.
            self.atoms.calc.reset()

    def fail(self, step: int, problem: str) -> None:
        """Keep the frames so far, mark the trajectory failed, raise :class:`MDError`."""
        n_frames = self.writer.n_frames
        kept = (
            f"{n_frames} frame(s) up to step {self.last_frame_step} kept in {self.writer.path}"
            if n_frames
            else f"no frame written to {self.writer.path}"
        )
        message = (
            f"MD stopped at step {step}: {problem}; {kept}; lower the timestep, check the structure "
            "for overlapping atoms, or relax it first"
        )
        self.writer.set_status("failed", message)
        self.writer.close()
        raise MDError(message)


_WARMED: weakref.WeakSet = weakref.WeakSet()


def warm_up(calculator: Calculator, atoms: Atoms) -> None:
    """One throwaway force call on a calculator this process has not used yet (once per process).

    The first call of a TorchScript model (SevenNet) runs an unoptimised graph whose float32
    results differ in the last bits from every later call; without this, a run restarted in a
    new process would not repeat the uninterrupted run bit for bit. :func:`run_md` calls it;
    call it yourself to keep the one-off cost out of a timing.
    """
    if calculator in _WARMED:
        return
    if getattr(calculator, "atoms", None) is None:
        probe = atoms.copy()
        probe.calc = calculator
        probe.get_forces()
    _WARMED.add(calculator)


def _initial_state(atoms: Atoms, settings: MDSettings, velocity_seed: np.random.SeedSequence) -> None:
    if settings.initial_velocities == "keep" and atoms.has("momenta"):
        return
    thermalize_momenta(
        atoms, settings.target_temperature_K(0), rng=np.random.default_rng(velocity_seed)
    )
    if not atoms.constraints:
        Stationary(atoms)


def _restore(atoms: Atoms, checkpoint: Checkpoint, settings: MDSettings, path: Path) -> None:
    if not np.array_equal(checkpoint.numbers, atoms.numbers):
        raise MDError(
            f"checkpoint {path} belongs to a different structure ({len(checkpoint.numbers)} atoms); "
            "use another work directory or delete it to start over"
        )
    if checkpoint.fingerprint != settings_fingerprint(settings):
        raise MDError(
            f"checkpoint {path} was written with other MD settings (ensemble, temperature, timestep, "
            "seed or intervals changed); use another work directory or delete it to start over"
        )
    atoms.set_cell(checkpoint.cell)
    atoms.set_positions(checkpoint.positions, apply_constraint=False)
    atoms.set_momenta(checkpoint.momenta, apply_constraint=False)


def run_md(
    atoms: Atoms,
    calculator: Calculator,
    settings: MDSettings,
    workdir: str | Path,
    *,
    regions: list[str] | None = None,
    interface_z_A: list[float] | None = None,
    progress: bool = True,
    stop_signals: tuple[int, ...] = (signal.SIGTERM,),
) -> MDResult:
    """Run (or continue) MD of ``atoms`` in ``workdir``; return after the run or one chunk.

    Args:
        atoms: the starting structure; its constraints (``FixAtoms``) are kept fixed. Not modified.
        calculator: any ASE calculator; per-atom ``energies`` and ``stress`` are written when it
            provides them.
        settings: ensemble, schedule, intervals, chunking and guards.
        workdir: directory of ``trajectory.h5`` and ``checkpoint.npz``. If it holds a checkpoint,
            the run continues from it.
        regions: one label per atom (e.g. 'electrode'), stored in the trajectory.
        interface_z_A: interface plane positions, stored in the trajectory.
        progress: show a progress bar (log lines are always emitted on ``interfaceflow.md``).
        stop_signals: signals that make the run write a checkpoint at the current step and return
            ``interrupted`` (SIGTERM by default, what batch schedulers send before a kill; a local
            ``interfaceflow run`` adds SIGINT). Handled from the call's start, in the main thread.

    Returns:
        :class:`MDResult` with status ``completed``, ``chunk_done`` (``chunk_steps`` or
        ``chunk_walltime_s`` reached; call again to continue) or ``interrupted`` (a stop signal;
        ``stop_signal`` says which, and is also set when the signal came during the last step).

    Raises:
        MDError: a stability guard tripped (the message names step, atoms and quantity; the frames
            so far stay in the trajectory), the starting positions are not finite, or the
            checkpoint does not match the inputs.
    """
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    with _StopFlag(stop_signals) as stop:  # a signal during set-up stops the run at its first step
        return _run_md(atoms, calculator, settings, workdir, regions, interface_z_A, progress, stop)


def _run_md(
    atoms: Atoms,
    calculator: Calculator,
    settings: MDSettings,
    workdir: Path,
    regions: list[str] | None,
    interface_z_A: list[float] | None,
    progress: bool,
    stop: _StopFlag,
) -> MDResult:
    traj_path = workdir / TRAJECTORY_NAME
    ckpt_path = workdir / CHECKPOINT_NAME
    atoms = atoms.copy()
    if problem := non_finite_state(atoms):  # before any force call: neighbour lists hang on NaN
        raise MDError(f"MD cannot start: {problem}; fix the structure (check the input file, relax it first)")
    warm_up(calculator, atoms)
    calculator.reset()  # no cached state (neighbour lists) from an earlier run in this process
    atoms.calc = calculator
    velocity_seed, dynamics_seed = np.random.SeedSequence(settings.seed).spawn(2)

    checkpoint = read_checkpoint(ckpt_path) if ckpt_path.exists() else None
    if checkpoint is not None and traj_path.exists():
        _restore(atoms, checkpoint, settings, ckpt_path)
        start_step, elapsed_before_s = checkpoint.step, checkpoint.elapsed_s
        writer = H5MDWriter.resume(traj_path, checkpoint.n_frames)
        logger.info("continuing MD from step %d (%d frames kept) in %s", start_step, checkpoint.n_frames, workdir)
    else:
        checkpoint, start_step, elapsed_before_s = None, 0, 0.0
        _initial_state(atoms, settings, velocity_seed)
        atoms.get_forces()  # the step-0 evaluation ASE does anyway; tells which properties exist
        if settings.ensemble == "npt_mtk":
            atoms.get_stress()  # MTK needs it at step 0 too: cached, and the stress gets written
        writer = _create_writer(traj_path, atoms, settings, regions, interface_z_A)

    dyn = make_dynamics(atoms, settings, np.random.default_rng(dynamics_seed))
    dyn.nsteps = start_step
    if checkpoint is not None:
        restore_dynamics_state(dyn, checkpoint.dynamics)
    set_target_temperature(dyn, settings.target_temperature_K(start_step))

    stop_step = settings.steps
    if settings.chunk_steps is not None:
        stop_step = min(stop_step, start_step + settings.chunk_steps)
    reporter = MDProgress(settings.steps, start_step, stop_step, settings.timestep_fs, enabled=progress)
    status: MDStatus = "completed" if stop_step >= settings.steps else "chunk_done"
    run = _MDRun(
        atoms, dyn, settings, writer, ckpt_path, start_step, stop_step, elapsed_before_s, reporter, stop
    )
    dyn.attach(run.observe, interval=1)
    try:
        if stop_step > start_step:
            dyn.run(steps=stop_step - start_step)
        elif start_step == 0:
            run.observe()  # steps=0: still record the starting frame
        run.checkpoint(dyn.nsteps)
    except _StopRun as stopped:
        status = stopped.status
    except BaseException:
        writer.close()  # keeps the frames so far; the last checkpoint still rules a restart
        raise
    finally:
        reporter.close()
        writer.flush()
    wall_s = reporter.elapsed_s()
    if dyn.nsteps >= settings.steps:
        status = "completed"
    writer.set_status("completed" if status == "completed" else "running")
    n_frames = writer.n_frames
    per_atom = "potential_energy" in writer.per_atom
    observables = writer.observables
    writer.close()
    steps_done = dyn.nsteps
    logger.info(
        "MD %s at step %d/%d: %d frames, %.3f ns/day",
        status, steps_done, settings.steps, n_frames,
        ns_per_day(steps_done - start_step, settings.timestep_fs, wall_s),
    )
    final = atoms.copy()
    final.calc = None
    return MDResult(
        atoms=final,
        status=status,
        trajectory_path=traj_path,
        checkpoint_path=ckpt_path,
        n_frames=n_frames,
        start_step=start_step,
        steps_done=steps_done,
        total_steps=settings.steps,
        wall_s=wall_s,
        total_wall_s=elapsed_before_s + wall_s,
        per_atom_energies=per_atom,
        observables=observables,
        stop_signal=stop.signum,
    )


def _create_writer(
    path: Path,
    atoms: Atoms,
    settings: MDSettings,
    regions: list[str] | None,
    interface_z_A: list[float] | None,
) -> H5MDWriter:
    results = atoms.calc.results
    per_atom = [
        name
        for name, wanted in (
            ("velocity", settings.write_velocities),
            ("force", settings.write_forces),
            ("potential_energy", "energies" in results),
        )
        if wanted
    ]
    observables = ["potential_energy", "kinetic_energy", "temperature"]
    if "stress" in results:
        observables.append("stress")
    return H5MDWriter.create(
        path,
        numbers=atoms.numbers,
        pbc=atoms.pbc,
        per_atom=per_atom,
        observables=observables,
        regions=regions,
        parameters={
            "interface_z_A": np.asarray(interface_z_A or [], dtype=float),
            "timestep_fs": settings.timestep_fs,
            "temperature_K": settings.temperature_K,
            "ensemble": settings.ensemble,
            "seed": settings.seed,
            "traj_interval": settings.traj_interval,
            "settings_json": settings.model_dump_json(),
        },
        creator_version=package_version("interfaceflow") or "unknown",
    )
