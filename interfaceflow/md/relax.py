"""Relaxation engine: FIRE or BFGS, fixed layers, optional cell relaxation (along the normal, or full)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
from ase import Atoms, units
from ase.calculators.calculator import Calculator
from ase.filters import FrechetCellFilter
from ase.optimize import BFGS, FIRE

from interfaceflow.errors import MDError
from interfaceflow.md.guards import non_finite_state
from interfaceflow.md.settings import RelaxSettings

logger = logging.getLogger("interfaceflow.md")

_OPTIMIZERS = {"FIRE": FIRE, "BFGS": BFGS}
# Voigt mask: only the zz strain, i.e. the length of the cell vector along the interface normal.
NORMAL_STRAIN_MASK = [False, False, True, False, False, False]


@dataclass
class RelaxResult:
    """Outcome of :func:`run_relax`: final atoms and convergence record."""

    atoms: Atoms
    converged: bool
    steps: int
    fmax_eV_per_A: float
    energy_eV: float
    initial_energy_eV: float
    cell_c_change_A: float
    wall_s: float
    energies_eV: list[float] = field(default_factory=list)
    fmax_history_eV_per_A: list[float] = field(default_factory=list)


def _max_force(atoms: Atoms) -> float:
    """Largest force norm on the movable atoms (constraints applied)."""
    forces = atoms.get_forces()
    return float(np.linalg.norm(forces, axis=1).max()) if len(forces) else 0.0


def run_relax(atoms: Atoms, calculator: Calculator, settings: RelaxSettings) -> RelaxResult:
    """Relax ``atoms`` (not modified) with ``calculator``; fixed atoms come from its constraints.

    With ``settings.relax_cell == 'normal'`` (or ``relax_cell_normal``) the c vector's length
    relaxes too (FrechetCellFilter with only the zz strain free); with ``'full'`` all six cell
    degrees of freedom do; both at ``settings.pressure_bar``. Convergence is ASE's: every force on
    a movable atom (and the cell's generalized force) below ``fmax_eV_per_A``.
    """
    atoms = atoms.copy()
    if problem := non_finite_state(atoms):  # before any force call: neighbour lists hang on NaN
        raise MDError(f"relaxation cannot start: {problem}; fix the structure (check the input file)")
    calculator.reset()
    atoms.calc = calculator
    c0 = float(np.linalg.norm(atoms.cell[2]))
    energies: list[float] = []
    fmaxes: list[float] = []
    initial_energy = float(atoms.get_potential_energy())
    if not np.isfinite(initial_energy):
        raise MDError("the starting structure has a non-finite energy; check it for overlapping atoms")

    target = atoms
    cell_dof = "normal" if settings.relax_cell_normal else settings.relax_cell
    if cell_dof != "none":
        target = FrechetCellFilter(
            atoms,
            mask=NORMAL_STRAIN_MASK if cell_dof == "normal" else None,
            scalar_pressure=settings.pressure_bar * units.bar,
        )
    optimizer = _OPTIMIZERS[settings.optimizer](target, logfile=None)

    def record() -> None:
        if problem := non_finite_state(atoms, atoms.get_forces(apply_constraint=False)):
            raise MDError(
                f"relaxation stopped at step {optimizer.nsteps}: {problem}; check the structure for "
                "overlapping atoms or choose another calculator"
            )
        energies.append(float(atoms.get_potential_energy()))
        fmaxes.append(_max_force(atoms))

    optimizer.attach(record, interval=1)
    start = time.perf_counter()
    converged = bool(optimizer.run(fmax=settings.fmax_eV_per_A, steps=settings.steps))
    wall_s = time.perf_counter() - start
    final = atoms.copy()
    final.calc = None
    result = RelaxResult(
        atoms=final,
        converged=converged,
        steps=int(optimizer.nsteps),
        fmax_eV_per_A=_max_force(atoms),
        energy_eV=float(atoms.get_potential_energy()),
        initial_energy_eV=initial_energy,
        cell_c_change_A=float(np.linalg.norm(atoms.cell[2])) - c0,
        wall_s=wall_s,
        energies_eV=energies,
        fmax_history_eV_per_A=fmaxes,
    )
    logger.info(
        "relaxation %s after %d steps: fmax %.4f eV/Å (target %.4f), E %.6f eV",
        "converged" if converged else "NOT converged",
        result.steps, result.fmax_eV_per_A, settings.fmax_eV_per_A, result.energy_eV,
    )
    return result
