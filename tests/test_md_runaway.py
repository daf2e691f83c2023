"""Absurd temperatures and non-finite states: refused at recipe load, or stopped by the MD's guards
with one line, never a run that heats without bound or hangs in a neighbour list."""

from __future__ import annotations

import re

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.calculator import Calculator, all_changes
from ase.calculators.emt import EMT

from interfaceflow.errors import MDError, RecipeError
from interfaceflow.md.engine import run_md
from interfaceflow.md.relax import run_relax
from interfaceflow.md.settings import (
    MAX_TARGET_TEMPERATURE_K,
    TEMPERATURE_CEILING_K,
    MDSettings,
    RelaxSettings,
)
from interfaceflow.workflows.recipe import load_recipe

FAST = dict(steps=30, traj_interval=5, checkpoint_interval=10, timestep_fs=2.0)


def copper() -> "Atoms":  # noqa: F821
    atoms = bulk("Cu", cubic=True).repeat((2, 2, 2))
    atoms.rattle(0.05, seed=1)
    return atoms


class _FiniteOnlyEMT(EMT):
    """EMT that refuses non-finite positions (where a neighbour list may never return) and, from
    force call ``nan_from`` on, returns NaN forces on atom 3 (a model going bad)."""

    def __init__(self, nan_from: int | None = None):
        super().__init__()
        self.nan_from, self.calls = nan_from, 0

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        if atoms is not None and not np.isfinite(atoms.positions).all():
            raise AssertionError("the calculator was called with non-finite positions")
        super().calculate(atoms, properties, system_changes)
        self.calls += 1
        if self.nan_from is not None and self.calls >= self.nan_from:
            self.results["forces"] = self.results["forces"].copy()
            self.results["forces"][3] = np.nan


@pytest.mark.parametrize("key", ["md.temperature_K", "md.heat_from_K"])
@pytest.mark.parametrize("value", ["1.0e+300", "1e300", ".inf", "6000"])
def test_recipe_refuses_absurd_temperatures_with_the_range(key, value):
    with pytest.raises(RecipeError) as refused:
        load_recipe("li_li6ps5cl", [f"{key}={value}"])
    message = str(refused.value)
    assert f"invalid value for '{key}': must be in 0 < T ≤ 5000 K" in message
    assert "\n" not in message


def test_recipe_refuses_a_non_positive_temperature():
    with pytest.raises(RecipeError, match="invalid value for 'md.temperature_K': Input should be greater than 0"):
        load_recipe("li_li6ps5cl", ["md.temperature_K=0"])


def test_highest_allowed_target_loads_and_its_guard_limit_is_the_ceiling():
    recipe = load_recipe("li_li6ps5cl", [f"md.temperature_K={MAX_TARGET_TEMPERATURE_K}"])
    assert recipe.md.temperature_limit_K == TEMPERATURE_CEILING_K == 3 * MAX_TARGET_TEMPERATURE_K
    assert MDSettings(temperature_K=400).temperature_limit_K == 1200  # relative below the ceiling
    hot = MDSettings(temperature_K=4000, guards={"runaway_factor": 10, "max_temperature_K": None})
    assert hot.temperature_limit_K == TEMPERATURE_CEILING_K
    assert MDSettings(guards={"max_temperature_K": 1e9}).temperature_limit_K == TEMPERATURE_CEILING_K


@pytest.mark.parametrize("field", ["temperature_K", "heat_from_K"])
def test_guard_stops_an_absurd_target_that_bypassed_validation(tmp_path, field):
    update = {field: 1e300} if field == "temperature_K" else {field: 1e300, "heat_steps": 20}
    settings = MDSettings(**FAST).model_copy(update=update)  # model_copy does not validate
    with pytest.raises(MDError) as stopped:
        run_md(copper(), _FiniteOnlyEMT(), settings, tmp_path, progress=False)
    message = str(stopped.value)
    assert re.match(r"MD stopped at step 0: the temperature is \d\.\d+e\+(299|300) K \(> limit 15000 K\)", message)
    assert "\n" not in message and len(message) < 400


def test_non_finite_starting_positions_stop_before_any_force_call(tmp_path):
    atoms = copper()
    atoms.positions[3] = [np.nan, 0.0, 0.0]
    calculator = _FiniteOnlyEMT()
    with pytest.raises(MDError, match=r"^MD cannot start: non-finite positions on atoms 3; fix the structure"):
        run_md(atoms, calculator, MDSettings(**FAST), tmp_path, progress=False)
    assert calculator.calls == 0
    with pytest.raises(MDError, match=r"^relaxation cannot start: non-finite positions on atoms 3"):
        run_relax(atoms, calculator, RelaxSettings(steps=5))


@pytest.mark.parametrize("check_nan, expected", [(True, "non-finite forces on atoms 3"),
                                                 (False, "non-finite momenta on atoms 3")])
def test_nan_forces_stop_the_md_at_that_step_before_positions_go_nan(tmp_path, check_nan, expected):
    # guards every 10 steps: the per-step finiteness check must not wait for the next guard step
    settings = MDSettings(**FAST, guards={"interval": 10, "check_nan": check_nan})
    calculator = _FiniteOnlyEMT(nan_from=7)  # call 1 is the warm-up, call 2 step 0: NaN at step 5
    with pytest.raises(MDError) as stopped:
        run_md(copper(), calculator, settings, tmp_path, progress=False)
    message = str(stopped.value)
    assert message.startswith(f"MD stopped at step 5: {expected}")
    assert "frame(s) up to step 5 kept" not in message and "up to step 0 kept" in message
    assert "\n" not in message


def test_nan_forces_stop_a_relaxation(tmp_path):
    calculator = _FiniteOnlyEMT(nan_from=3)
    with pytest.raises(MDError, match=r"^relaxation stopped at step \d+: non-finite forces on atoms 3"):
        run_relax(copper(), calculator, RelaxSettings(steps=20, fmax_eV_per_A=1e-6))
