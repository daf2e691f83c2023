"""Wall-time estimate of a local run, and the guard that stops one too long for a workstation.

Before a local ``interfaceflow run`` starts its Flow, :func:`check_local_cost` estimates its wall
time: it times a few force calls of the study's calculator (the one preflight created) on two cells
of the recipe's electrolyte (at least 50 atoms, and 8 times that), draws the line through the two
times (a GPU's fixed cost per call and a CPU's cost per atom both show up in it), reads it at the
cell's atom budget (``max_atoms``), multiplies by the force calls on that cell (relaxation steps,
plus the MD steps of the study and of each Arrhenius temperature), and compares the result with the
``max_local_hours`` setting (env ``INTERFACEFLOW_MAX_LOCAL_HOURS``). Over the limit the run needs
a confirmation (a terminal) or ``--yes``; otherwise it stops with one line that says what to change.

The timing is skipped when even the slowest calculator could not reach the limit
(:data:`WORST_S_PER_ATOM_STEP`), so small and toy runs cost nothing extra. The estimate is an upper
bound of sorts: the atom budget is the most the builder may use, and the thermodynamic reference
and the analyses are left out (small bulk cells, cached; seconds to minutes).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from ase import Atoms

from interfaceflow.errors import CostLimitError
from interfaceflow.settings import get_settings

if TYPE_CHECKING:
    from ase.calculators.calculator import Calculator

    from interfaceflow.plugins.registry import CalculatorHandle
    from interfaceflow.workflows.recipe import Recipe

#: Seconds per atom and force call that no calculator of this project exceeds on a CPU (a large
#: MACE model in float64 on one core is about 0.01 s): a run whose atoms x force calls times this
#: bound stay under the limit is not timed.
WORST_S_PER_ATOM_STEP = 0.05
#: The small timing cell: the electrolyte's bulk cell repeated to at least this many atoms; the
#: large one is the small one repeated 2 x 2 x 2.
PROBE_MIN_ATOMS = 50
#: Timed force calls (after one untimed warm-up call); the median counts.
PROBE_CALLS = 3
#: The command that runs a study on a cluster instead (interfaceflow/cli/hpc.py).
SUBMIT_COMMAND = "interfaceflow submit"
LIMIT_ENV = "INTERFACEFLOW_MAX_LOCAL_HOURS"


@dataclass(frozen=True)
class CostEstimate:
    """Estimated wall time of a local study: force calls x seconds per call at ``n_atoms``."""

    n_atoms: int
    force_calls: int
    s_per_call: float
    device: str
    plugin: str
    probe_atoms: tuple[int, ...]

    @property
    def hours(self) -> float:
        """Estimated wall time, h."""
        return self.force_calls * self.s_per_call / 3600.0

    def describe(self) -> str:
        """``estimated 9.3 h on cpu (500 atoms × 20500 force calls at 1.6 s per call, ...)``."""
        return (
            f"estimated {_hours(self.hours)} h on {self.device} ({self.n_atoms} atoms × "
            f"{self.force_calls} force calls at {_seconds(self.s_per_call)} per call, timed with "
            f"{self.plugin} on {' and '.join(map(str, self.probe_atoms))} atoms)"
        )


def force_calls(recipe: Recipe) -> int:
    """Force calls on the study's cell: relaxation steps, plus the MD steps (heating included) of
    the study's MD and of one more MD per Arrhenius temperature."""
    md_runs = 1 + len(recipe.temperatures_K or [])
    return recipe.relax.steps + md_runs * recipe.md.steps


def worst_case_hours(recipe: Recipe) -> float:
    """The wall time at :data:`WORST_S_PER_ATOM_STEP`, h: the most any calculator could take."""
    return recipe.max_atoms * force_calls(recipe) * WORST_S_PER_ATOM_STEP / 3600.0


def probe_cell(recipe: Recipe) -> Atoms:
    """The recipe's electrolyte bulk cell, repeated to at least :data:`PROBE_MIN_ATOMS` atoms."""
    from pymatgen.io.ase import AseAtomsAdaptor

    from interfaceflow.structures import load_structure

    atoms = AseAtomsAdaptor.get_atoms(load_structure(recipe.electrolyte))
    atoms.set_constraint()
    repeat = max(1, math.ceil((PROBE_MIN_ATOMS / len(atoms)) ** (1 / 3)))
    return atoms.repeat((repeat, repeat, repeat))


def time_force_call(calculator: Calculator, atoms: Atoms, calls: int = PROBE_CALLS) -> float:
    """Median wall seconds of one force call of ``calculator`` on ``atoms``.

    One untimed call first (a model's first call compiles or loads lazily); every timed call sees
    slightly displaced positions, so none is answered from the calculator's cache. The calculator
    is reset afterwards.
    """
    probe = atoms.copy()
    probe.calc = calculator
    base = probe.get_positions()
    rng = np.random.default_rng(0)
    times = []
    for k in range(calls + 1):
        probe.set_positions(base + rng.normal(scale=0.01, size=base.shape), apply_constraint=False)
        start = time.perf_counter()
        probe.get_forces()
        if k:
            times.append(time.perf_counter() - start)
    probe.calc = None
    calculator.reset()
    return float(np.median(times))


def seconds_per_call(n_atoms: int, small: tuple[int, float], large: tuple[int, float]) -> float:
    """Seconds per force call at ``n_atoms`` on the line through two timings (atoms, seconds),
    never below the small cell's time (a smaller cell still pays the fixed cost per call)."""
    (n_small, t_small), (n_large, t_large) = small, large
    slope = max(0.0, (t_large - t_small) / (n_large - n_small))
    return t_small + slope * max(0, n_atoms - n_small)


def estimate_local_cost(recipe: Recipe, handle: CalculatorHandle) -> CostEstimate:
    """Time ``handle``'s calculator on two :func:`probe_cell` sizes and scale it to the study."""
    small = probe_cell(recipe)
    large = small.repeat((2, 2, 2))
    timings = [(len(atoms), time_force_call(handle.calculator, atoms)) for atoms in (small, large)]
    return CostEstimate(
        n_atoms=recipe.max_atoms,
        force_calls=force_calls(recipe),
        s_per_call=seconds_per_call(recipe.max_atoms, *timings),
        device=handle.provenance.device,
        plugin=handle.provenance.plugin,
        probe_atoms=tuple(n for n, _ in timings),
    )


def check_local_cost(
    recipe: Recipe,
    handle: CalculatorHandle,
    *,
    yes: bool = False,
    confirm: Callable[[str], bool] | None = None,
    limit_h: float | None = None,
) -> CostEstimate | None:
    """Refuse a local run estimated to take longer than ``limit_h`` (default: the
    ``max_local_hours`` setting) unless ``yes`` or ``confirm(description)`` returns True.

    Returns the estimate, or None when nothing was timed (``yes``, or a run too small to reach the
    limit with any calculator).

    Raises:
        CostLimitError: one line with the estimate, the limit and the ways out.
    """
    limit_h = get_settings().max_local_hours if limit_h is None else limit_h
    if yes or worst_case_hours(recipe) <= limit_h:
        return None
    estimate = estimate_local_cost(recipe, handle)
    if estimate.hours <= limit_h:
        return estimate
    over = f"{estimate.describe()} exceeds {LIMIT_ENV}={limit_h:g}"
    if confirm is not None and confirm(over):
        return estimate
    raise CostLimitError(
        f"{over}; pass --yes to run anyway, lower md.steps/max_atoms, or submit it to a cluster "
        f"with {SUBMIT_COMMAND}"
    )


def _seconds(seconds: float) -> str:
    return f"{seconds * 1e3:.2g} ms" if seconds < 1 else f"{seconds:.2g} s"


def _hours(hours: float) -> str:
    if hours >= 10:
        return f"{hours:.0f}"
    if hours >= 0.1:
        return f"{hours:.1f}"
    return f"{hours:.2g}"
