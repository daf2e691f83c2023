"""The cost guard: a local run estimated longer than INTERFACEFLOW_MAX_LOCAL_HOURS stops before any
job with one line, unless --yes (or a confirmation on a terminal); small runs are not even timed."""

from __future__ import annotations

import os
import re
from types import SimpleNamespace

import pytest
from ase.calculators.lj import LennardJones

from cli_helpers import TOY, run_cli
from interfaceflow import cost
from interfaceflow.errors import CostLimitError
from interfaceflow.cost import check_local_cost, force_calls, probe_cell, seconds_per_call
from interfaceflow.workflows.recipe import load_recipe

ONE_LINE = re.compile(
    r"^error: estimated \S+ h on cpu \(110 atoms × 25 force calls at \S+ m?s per call, timed with toy-lj "
    r"on 52 and 416 atoms\) exceeds INTERFACEFLOW_MAX_LOCAL_HOURS=1e-09; pass --yes to run anyway, lower "
    r"md\.steps/max_atoms, or submit it to a cluster with interfaceflow submit$"
)


def lj_handle():
    calculator = LennardJones(sigma=1.8, epsilon=0.02, rc=4.5, smooth=True)
    return SimpleNamespace(calculator=calculator, provenance=SimpleNamespace(device="cpu", plugin="lj"))


def toy():
    return load_recipe("li_li6ps5cl", [arg for arg in TOY if arg != "--set"])


def test_force_calls_count_relaxation_md_and_every_arrhenius_temperature():
    recipe = load_recipe("li_li6ps5cl", ["relax.steps=100", "md.steps=1000", "md.heat_steps=200"])
    assert force_calls(recipe) == 100 + 1000  # the heating ramp is part of md.steps
    arrhenius = load_recipe("li_li6ps5cl", ["relax.steps=100", "md.steps=1000", "temperatures_K=[500, 600, 700]"])
    assert force_calls(arrhenius) == 100 + 4 * 1000


def test_probe_cell_is_the_electrolyte_repeated_to_at_least_50_atoms():
    assert len(probe_cell(toy())) == 52  # the Li6PS5Cl conventional cell already has 52
    small = load_recipe("li_li6ps5cl", ["electrolyte=Li3PS4"])
    atoms = probe_cell(small)
    assert len(atoms) >= cost.PROBE_MIN_ATOMS and not atoms.constraints


def test_seconds_per_call_follow_the_line_through_two_timings():
    cpu = seconds_per_call(500, (50, 0.05), (400, 0.40))  # proportional to the atoms
    assert cpu == pytest.approx(0.5)
    gpu = seconds_per_call(500, (50, 0.020), (400, 0.021))  # a fixed cost per call dominates
    assert gpu == pytest.approx(0.020 + 0.001 / 350 * 450)
    assert seconds_per_call(20, (50, 0.02), (400, 0.01)) == 0.02  # noise: never below the small cell


def test_small_runs_are_not_timed(monkeypatch):
    monkeypatch.setattr(cost, "time_force_call", lambda *a, **k: pytest.fail("timed a toy run"))
    assert cost.worst_case_hours(toy()) < 4
    assert check_local_cost(toy(), lj_handle()) is None
    assert check_local_cost(toy(), lj_handle(), yes=True, limit_h=1e-12) is None


def test_over_the_limit_refuses_with_one_line_or_asks():
    recipe, handle = toy(), lj_handle()
    with pytest.raises(CostLimitError) as refused:
        check_local_cost(recipe, handle, limit_h=1e-12)
    message = str(refused.value)
    assert message.startswith("estimated ") and "\n" not in message
    assert "(110 atoms × 25 force calls at " in message and "timed with lj on 52 and 416 atoms)" in message
    assert message.endswith("exceeds INTERFACEFLOW_MAX_LOCAL_HOURS=1e-12; pass --yes to run anyway, lower "
                            "md.steps/max_atoms, or submit it to a cluster with interfaceflow submit")
    asked = []
    estimate = check_local_cost(recipe, handle, limit_h=1e-12, confirm=lambda text: asked.append(text) or True)
    assert asked and asked[0].startswith("estimated ") and asked[0].endswith("MAX_LOCAL_HOURS=1e-12")
    assert estimate.hours == pytest.approx(25 * estimate.s_per_call / 3600)
    assert estimate.probe_atoms == (52, 416)
    with pytest.raises(CostLimitError):
        check_local_cost(recipe, handle, limit_h=1e-12, confirm=lambda text: False)
    assert check_local_cost(recipe, handle, limit_h=1e6) is None  # not even timed


def test_cli_refuses_an_over_budget_run_and_stores_nothing_then_runs_with_yes(tmp_path, external_plugin_site):
    from test_end_to_end import store_count

    store = tmp_path / "store"
    env = {"PYTHONPATH": f"{external_plugin_site}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "INTERFACEFLOW_RUN_DIR": str(tmp_path / "runs"), "INTERFACEFLOW_MAX_LOCAL_HOURS": "1e-9"}
    args = ["run", "li_li6ps5cl", "--store", str(store), *TOY, "--set", "calculator.plugin=toy-lj",
            "--set", "calculator.model=null", "--set", "thermo.enabled=false", "--set", "analyses=[diffusion]"]
    refused = run_cli(*args, env_extra=env)
    assert refused.returncode != 0
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and ONE_LINE.match(lines[0]), refused.stderr[-2000:]
    assert store_count(store) == 0

    forced = run_cli(*args, "--yes", "--json", env_extra=env)
    assert forced.returncode == 0, forced.stderr[-3000:]
    assert store_count(store) > 0
