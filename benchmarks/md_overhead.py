"""Overhead of the interfaceflow MD job against a bare ASE loop and atomate2's ForceFieldMDMaker.

Part 1 (speed): the same NVT-Langevin MD (same SevenNet-0 calculator object, same 96-atom Li2S
cell, same steps, timestep, friction, temperature and seed) run three ways, interleaved,
``--repeats`` times; the fastest repeat of each counts (the machine is shared, noise only adds).
Every run starts from a reset calculator, so each pays for its step-0 force evaluation as a real MD
does (a calculator still caching the same positions would hand one method a free step), and every
module is imported before the clock starts. The force evaluations of each run are counted and
printed, and so is the wall time spent outside the calculator (the framework's own cost per step,
which the calculator's noise on a shared machine does not blur):

* ``bare ASE``: ``MaxwellBoltzmannDistribution`` + ``ase.md.langevin.Langevin(...).run(steps)``,
  no observer at all, drawing from the same random streams (it ends on the same positions);
* ``interfaceflow``: the body of ``InterfaceMDMaker.make`` (the job without a JobStore): registry
  lookup, ``run_md`` with its default output (H5MD frame every ``traj_interval`` steps, checkpoint,
  guards every 10 steps, progress/log observer), then the ``MDDocument``;
* ``atomate2``: the body of ``ForceFieldMDMaker.make`` (``run_ase`` + ``ForceFieldTaskDocument``)
  on the very same calculator object, the same ``traj_interval``: its calculator is
  :func:`interfaceflow.plugins.atomate2.interfaceflow_calculator`, which hands out the calculator of
  interfaceflow's cached factory.

Every calculator reaches both frameworks through interfaceflow's plugin registry: SevenNet-0 is an
installed plugin; the zero-cost and EMT calculators below are registered in-process with
:func:`interfaceflow.plugins.register_plugin` (:func:`register_calculator`).

Part 1b (framework cost, noise-free): the same three ways on a zero-cost calculator (an Einstein
crystal: harmonic springs to the starting positions), ``--free-steps`` steps, so every millisecond
measured is the framework's own (dynamics loop, observers, output, documents), per step.

Part 2 (memory): a fresh process per run runs ``--mem-short`` or ``--mem-long`` frames (one frame
per step) with ASE's EMT on a 32-atom Cu cell, for interfaceflow and for atomate2 (whose observer
keeps frames in memory); a thread samples the resident memory (psutil) every 10 ms. Printed: the
peak during the run minus the RSS just before it, and its growth from the short to the long run.

Why the headline is calculator-matched: the bare ASE and interfaceflow runs integrate the very same
trajectory (bit-identical positions), so their calculator does the very same arithmetic; yet on the
shared machine the calculator's own speed drifts by 5-10 % from one run to the next, more than the
3 % under test. The headline therefore keeps each way's force-call count and its time outside the
calculator, and charges every force call the median seconds per call over all runs
(:func:`calculator_matched_s_per_step`). The raw wall-time ratios of every repeat are printed too.

Last line: ``md_overhead_vs_raw_ase=<interfaceflow / bare ASE, calculator-matched s/step>``.
Run: ``python benchmarks/md_overhead.py`` (about 17 minutes on 2 shared cores).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ase.calculators.calculator import Calculator, all_changes

warnings.filterwarnings("ignore")

TEMPERATURE_K = 600.0
TIMESTEP_FS = 2.0
FRICTION_PER_FS = 0.01
SEED = 7


def li2s_structure(repeat: int = 2):
    """Antifluorite Li2S, conventional cell repeated: 12 * repeat**3 atoms, slightly rattled."""
    from pymatgen.core import Lattice, Structure

    structure = Structure.from_spacegroup("Fm-3m", Lattice.cubic(5.71), ["Li", "S"], [[0.25] * 3, [0, 0, 0]])
    structure.make_supercell([repeat] * 3)
    structure.perturb(0.05, min_distance=0.0)
    return structure


def register_calculator(name: str, calculator) -> dict:
    """Register a plugin ``name`` in this process that hands out ``calculator`` (this very object).

    Returns the ``get_calculator`` arguments that select it, for interfaceflow's makers and, through
    ``interfaceflow_calculator``, for atomate2's. Undo with ``unregister_plugin(name)``.
    """
    from interfaceflow.plugins import CalculatorPlugin, register_plugin

    class FixedCalculatorPlugin(CalculatorPlugin):
        default_model = name

        def create(self, model, device, dtype, **kwargs):
            return calculator

    register_plugin(name, FixedCalculatorPlugin)  # it has no name of its own: it gets ``name``
    return {"plugin": name, "model": name, "device": "cpu", "dtype": "float64"}


# ----------------------------------------------------------------------------------- the three ways
def run_bare_ase(structure, calculator, steps: int):
    """The baseline: ASE's Langevin loop and nothing else; returns the final atoms.

    It draws velocities and Langevin noise from the same random streams as interfaceflow (the
    seed's two ``SeedSequence`` children), so both integrate the very same trajectory.
    """
    from ase import units
    from ase.md.langevin import Langevin
    from ase.md.velocitydistribution import MaxwellBoltzmannDistribution, Stationary

    velocity_seed, dynamics_seed = np.random.SeedSequence(SEED).spawn(2)
    atoms = structure.to_ase_atoms()
    MaxwellBoltzmannDistribution(atoms, temperature_K=TEMPERATURE_K, rng=np.random.default_rng(velocity_seed))
    Stationary(atoms)
    atoms.calc = calculator
    dyn = Langevin(
        atoms, TIMESTEP_FS * units.fs, temperature_K=TEMPERATURE_K,
        friction=FRICTION_PER_FS / units.fs, fixcm=False, rng=np.random.default_rng(dynamics_seed),
    )
    dyn.run(steps)
    return atoms


class ObserverClock:
    """Wall time spent in interfaceflow's per-step observer (frames, guards, checkpoints, progress).

    Measured directly, it is immune to the calculator's noise on a shared machine.
    """

    seconds = 0.0
    calls = 0

    @classmethod
    def install(cls) -> None:
        from interfaceflow.md.engine import _MDRun

        original = _MDRun.observe

        def timed(self) -> None:
            start = time.perf_counter()
            try:
                original(self)
            finally:
                cls.seconds += time.perf_counter() - start
                cls.calls += 1

        _MDRun.observe = timed


def run_interfaceflow(structure, calculator_spec: dict, steps: int, traj_interval: int, workdir: Path) -> None:
    """The interfaceflow MD job's body (``make`` without jobflow's store)."""
    from interfaceflow.workflows.md import InterfaceMDMaker

    maker = InterfaceMDMaker(
        calculator=calculator_spec,
        settings=dict(
            ensemble="nvt_langevin", temperature_K=TEMPERATURE_K, timestep_fs=TIMESTEP_FS,
            friction_per_fs=FRICTION_PER_FS, steps=steps, seed=SEED, traj_interval=traj_interval,
        ),
        progress=False,
    )
    doc = InterfaceMDMaker.make.original(maker, structure, workdir=str(workdir))
    assert doc.status == "completed" and doc.steps_done == steps
    return doc


def atomate2_maker(calculator_spec: dict, steps: int, traj_interval: int):
    """atomate2's ForceFieldMDMaker on ``get_calculator(**calculator_spec).calculator``.

    That is the same ASE calculator object interfaceflow's maker gets for the same spec.
    """
    from atomate2.forcefields.md import ForceFieldMDMaker

    from interfaceflow.plugins.atomate2 import interfaceflow_calculator

    return ForceFieldMDMaker(
        force_field_name=interfaceflow_calculator, calculator_kwargs=dict(calculator_spec),
        ensemble="nvt", dynamics="langevin",
        temperature=TEMPERATURE_K, time_step=TIMESTEP_FS, n_steps=steps,
        traj_interval=traj_interval, mb_velocity_seed=SEED,
        ase_md_kwargs={"friction": FRICTION_PER_FS / __import__("ase").units.fs},
    )


def run_atomate2(structure, calculator_spec: dict, steps: int, traj_interval: int) -> None:
    """The body of atomate2's ForceFieldMDMaker.make (``run_ase`` + task document)."""
    from atomate2.forcefields.md import ForceFieldMDMaker

    maker = atomate2_maker(calculator_spec, steps, traj_interval)
    doc = ForceFieldMDMaker.make.original(maker, structure)
    assert doc is not None


class CalculatorClock:
    """Counts the calculator's ``calculate`` calls and the wall time spent inside them."""

    def __init__(self, calculator):
        self.calls = 0
        self.seconds = 0.0
        original = calculator.calculate

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1

        calculator.calculate = timed

    def reset(self) -> None:
        self.calls, self.seconds = 0, 0.0


def preimport() -> None:
    """Import everything the three ways use, so no import time lands inside a timed run."""
    import ase.md.langevin  # noqa: F401
    import atomate2.forcefields.md  # noqa: F401
    import torch  # noqa: F401  (atomate2 imports it lazily inside its MD run)

    import interfaceflow.io.h5md  # noqa: F401
    import interfaceflow.workflows.md  # noqa: F401


# --------------------------------------------------------------------------------------- speed part
@dataclass
class Timing:
    name: str
    best_s_per_step: float
    all_s_per_step: list[float]
    force_calls: list[int]
    outside_calculator_s_per_step: list[float]
    calculator_s_per_call: list[float]


def speed(args) -> dict[str, Timing]:
    import torch

    torch.set_num_threads(args.threads)
    from interfaceflow.plugins.registry import get_calculator

    spec = {"plugin": "sevennet", "model": "7net-0", "device": "cpu", "dtype": "float32"}
    calculator = get_calculator(**spec).calculator
    structure = li2s_structure(args.repeat)
    print(f"system: Li2S, {len(structure)} atoms; calculator: SevenNet-0 (cpu, float32, "
          f"{args.threads} torch thread(s)); {args.steps} NVT-Langevin steps of {TIMESTEP_FS} fs; "
          f"frame every {args.traj_interval} steps", flush=True)
    atoms = structure.to_ase_atoms()
    atoms.calc = calculator
    from interfaceflow.md.engine import warm_up

    warm_up(calculator, atoms)  # the engine's once-per-process first call, kept out of the timings
    preimport()
    ObserverClock.install()
    clock = CalculatorClock(calculator)
    times: dict[str, list[float]] = {"bare ASE": [], "interfaceflow": [], "atomate2": []}
    calls: dict[str, list[int]] = {name: [] for name in times}
    outside: dict[str, list[float]] = {name: [] for name in times}
    per_call: dict[str, list[float]] = {name: [] for name in times}
    finals = {}
    with tempfile.TemporaryDirectory() as tmp:
        for repeat in range(args.repeats):
            runs = {
                "bare ASE": lambda: run_bare_ase(structure, calculator, args.steps),
                "interfaceflow": lambda: run_interfaceflow(
                    structure, spec, args.steps, args.traj_interval, Path(tmp) / f"if-{repeat}"
                ),
                "atomate2": lambda: run_atomate2(structure, spec, args.steps, args.traj_interval),
            }
            order = list(runs)[repeat % 3:] + list(runs)[: repeat % 3]  # rotate to spread drift
            for name in order:
                calculator.reset()  # no cached step-0 forces from the previous run
                clock.reset()
                start = time.perf_counter()
                finals[name] = runs[name]()
                wall = time.perf_counter() - start
                times[name].append(wall / args.steps)
                calls[name].append(clock.calls)
                outside[name].append((wall - clock.seconds) / args.steps)
                per_call[name].append(clock.seconds / clock.calls)
            print(f"  repeat {repeat + 1}: " + ", ".join(
                f"{n} {times[n][-1]:.4f} s/step ({calls[n][-1]} force calls, "
                f"{per_call[n][-1]:.4f} s each)" for n in times
            ), flush=True)
        if args.steps % args.traj_interval == 0:
            from interfaceflow.io.h5md import H5MDReader

            with H5MDReader(finals["interfaceflow"].trajectory_path) as traj:
                diff = np.abs(traj.positions(-1) - finals["bare ASE"].positions).max()
                same = diff == 0.0
            print(f"  interfaceflow and bare ASE end on bit-identical positions: {same} (max |dx| {diff:.2e} Å)")
    return {
        name: Timing(name, min(values), values, calls[name], outside[name], per_call[name])
        for name, values in times.items()
    }


def calculator_matched_s_per_step(timings: dict[str, Timing], steps: int) -> dict[str, float]:
    """Per-step time of each way with the calculator's speed drift taken out.

    Each way keeps its own force-call count and its own time outside the calculator (best of the
    repeats); every force call is charged the median seconds per call over all runs of all ways.
    """
    median_call_s = float(np.median([t for timing in timings.values() for t in timing.calculator_s_per_call]))
    return {
        name: min(
            outside + calls * median_call_s / steps
            for outside, calls in zip(timing.outside_calculator_s_per_step, timing.force_calls)
        )
        for name, timing in timings.items()
    }


# ------------------------------------------------------------------------------ framework cost part
class EinsteinCrystal(Calculator):
    """Zero-cost ASE calculator: every atom on a spring (eV/Å²) to where it first stood."""

    implemented_properties = ["energy", "energies", "forces", "stress"]

    def __init__(self, spring_eV_per_A2: float = 5.0):
        super().__init__()
        self.spring_eV_per_A2 = spring_eV_per_A2
        self.origin: np.ndarray | None = None

    def calculate(self, atoms=None, properties=None, system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        if self.origin is None or len(self.origin) != len(self.atoms):
            self.origin = self.atoms.positions.copy()
        shift = self.atoms.positions - self.origin
        energies = 0.5 * self.spring_eV_per_A2 * (shift * shift).sum(axis=1)
        self.results = {
            "energy": float(energies.sum()), "energies": energies,
            "forces": -self.spring_eV_per_A2 * shift, "stress": np.zeros(6),
        }


def framework_cost(args) -> dict[str, float]:
    """ms/step of each way on the zero-cost calculator (best of ``--repeats``)."""
    from interfaceflow.plugins import get_calculator, unregister_plugin

    calculator = EinsteinCrystal()
    spec = register_calculator("einstein", calculator)
    get_calculator(**spec)  # create and cache it (and its provenance) before any clock runs
    structure = li2s_structure(args.repeat)
    best: dict[str, float] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for repeat in range(args.repeats):
                runs = {
                    "bare ASE": lambda: run_bare_ase(structure, calculator, args.free_steps),
                    "interfaceflow": lambda: run_interfaceflow(
                        structure, spec, args.free_steps, args.traj_interval, Path(tmp) / f"free-{repeat}"
                    ),
                    "atomate2": lambda: run_atomate2(structure, spec, args.free_steps, args.traj_interval),
                }
                for name, run in runs.items():
                    calculator.reset()
                    calculator.origin = None
                    start = time.perf_counter()
                    run()
                    ms = 1e3 * (time.perf_counter() - start) / args.free_steps
                    best[name] = min(best.get(name, np.inf), ms)
    finally:
        unregister_plugin("einstein")
    return best


# -------------------------------------------------------------------------------------- memory part
class _PeakRSS:
    """Samples this process's resident memory every 10 ms in a thread; keeps the peak."""

    def __init__(self):
        import threading

        import psutil

        self._process = psutil.Process()
        self.baseline = self.peak = self._process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self._process.memory_info().rss)

    def __enter__(self) -> _PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def memory_child(method: str, frames: int) -> None:
    """Run ``frames`` EMT steps writing a frame per step; print RSS before and peak during (bytes)."""
    from ase.build import bulk
    from ase.calculators.emt import EMT
    from atomate2.forcefields.md import ForceFieldMDMaker
    from pymatgen.io.ase import AseAtomsAdaptor

    from interfaceflow.md.engine import run_md
    from interfaceflow.md.settings import MDSettings
    from interfaceflow.plugins import get_calculator

    atoms = bulk("Cu", cubic=True).repeat((2, 2, 2))
    atoms.rattle(0.05, seed=1)
    if method == "atomate2":
        spec = register_calculator("emt", EMT())
        get_calculator(**spec)  # created and cached before the memory baseline is taken
    with tempfile.TemporaryDirectory() as tmp, _PeakRSS() as rss:
        if method == "interfaceflow":
            settings = MDSettings(
                ensemble="nvt_langevin", temperature_K=TEMPERATURE_K, timestep_fs=TIMESTEP_FS,
                steps=frames, traj_interval=1, checkpoint_interval=1000, seed=SEED,
            )
            result = run_md(atoms, EMT(), settings, tmp, progress=False)
        else:
            maker = atomate2_maker(spec, frames, 1)
            result = ForceFieldMDMaker.make.original(maker, AseAtomsAdaptor.get_structure(atoms))
        assert result is not None
    print(json.dumps({"baseline": rss.baseline, "peak": rss.peak}))


def memory(args) -> dict[str, dict[int, float]]:
    peaks: dict[str, dict[int, float]] = {}
    methods = ["interfaceflow"] + ([] if args.skip_atomate2_memory else ["atomate2"])
    for method in methods:
        peaks[method] = {}
        for frames in (args.mem_short, args.mem_long):
            out = subprocess.run(
                [sys.executable, __file__, "--memory-child", method, str(frames)],
                capture_output=True, text=True, check=True,
                env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
            )
            rss = json.loads(out.stdout.strip().splitlines()[-1])
            peaks[method][frames] = (rss["peak"] - rss["baseline"]) / 2**20
            print(f"  {method}: {frames} frames -> peak RSS {rss['peak'] / 2**20:.1f} MiB, "
                  f"{peaks[method][frames]:+.1f} MiB over the process before the run", flush=True)
    return peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=2, help="Li2S supercell repeat (12*r^3 atoms)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--traj-interval", type=int, default=10)
    parser.add_argument("--free-steps", type=int, default=3000, help="steps on the zero-cost calculator")
    parser.add_argument("--mem-short", type=int, default=1000)
    parser.add_argument("--mem-long", type=int, default=10000)
    parser.add_argument("--skip-atomate2-memory", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--memory-child", nargs=2, metavar=("METHOD", "FRAMES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child[0], int(args.memory_child[1]))
        return

    timings = speed(args)
    bare = timings["bare ASE"].best_s_per_step
    print("\nper-step wall time (best of repeats; the calculator's speed drifts between runs, see below):")
    for timing in timings.values():
        print(f"  {timing.name:14s} {timing.best_s_per_step:.4f} s/step  ratio vs bare ASE "
              f"{timing.best_s_per_step / bare:.3f}  force calls per run {sorted(set(timing.force_calls))}  "
              f"outside the calculator {1e3 * min(timing.outside_calculator_s_per_step):.2f} ms/step")
    print(f"  wall-time ratios of every repeat: " + "; ".join(
        f"{name} {', '.join(f'{t / b:.3f}' for t, b in zip(timings[name].all_s_per_step, timings['bare ASE'].all_s_per_step))}"
        for name in ("interfaceflow", "atomate2")
    ))
    per_call = [t for timing in timings.values() for t in timing.calculator_s_per_call]
    print(f"  the calculator itself: {min(per_call):.4f}-{max(per_call):.4f} s per call over all runs "
          f"(the same arithmetic in bare ASE and interfaceflow runs)")
    matched = calculator_matched_s_per_step(timings, args.steps)
    print("\nper-step time with every force call charged the median s/call of all runs (the headline):")
    for name, seconds in matched.items():
        print(f"  {name:14s} {seconds:.4f} s/step  ratio vs bare ASE {seconds / matched['bare ASE']:.4f}")
    print(f"  interfaceflow / atomate2 = {matched['interfaceflow'] / matched['atomate2']:.4f}")
    per_step_ms = 1e3 * ObserverClock.seconds / max(ObserverClock.calls, 1)
    print(f"  interfaceflow observer (frames, guards, checkpoint, progress): {per_step_ms:.3f} ms/step "
          f"= {1e-3 * per_step_ms / bare:.4%} of a bare ASE step")

    print(f"\nframework cost on a zero-cost calculator (Einstein crystal, {args.free_steps} steps, "
          f"frame every {args.traj_interval} steps, best of {args.repeats}):")
    free = framework_cost(args)
    for name, ms in free.items():
        extra = "" if name == "bare ASE" else f"  (+{ms - free['bare ASE']:.3f} ms/step over bare ASE)"
        print(f"  {name:14s} {ms:.3f} ms/step{extra}")

    if not args.skip_memory:
        print("\nmemory: EMT, 32 Cu atoms, one frame per step, fresh process per run")
        peaks = memory(args)
        for method, by_frames in peaks.items():
            growth = by_frames[args.mem_long] - by_frames[args.mem_short]
            print(f"  {method}: RSS growth {args.mem_short} -> {args.mem_long} frames = {growth:+.1f} MiB")
    print(f"md_overhead_vs_raw_ase={matched['interfaceflow'] / matched['bare ASE']:.4f}")


if __name__ == "__main__":
    main()
