"""A recipe as a user first writes it (name, electrode, electrolyte, MD temperature and steps)
runs end to end with every default analysis, for a metal and for an oxide electrode."""

from __future__ import annotations

import json
import math

import pytest

from cli_helpers import run_cli
from interfaceflow.workflows.recipe import validate_recipe

#: Only what keeps the test small: the cell, the relaxation and the MD are the recipe's own.
SMALL = ["--set", "max_atoms=180", "--set", "relax.steps=3", "--set", "calculator.device=cpu",
         "--set", "thermo.steps=3"]


def minimal_recipe(tmp_path, name, electrode, electrolyte):
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"name: {name}\nelectrode: {electrode}\nelectrolyte: {electrolyte}\n"
                    "md:\n  temperature_K: 600\n  steps: 20\n  traj_interval: 1\n")
    return path


def test_an_electrode_takes_the_compensating_charge_unless_the_recipe_says_otherwise():
    minimal = validate_recipe({"name": "x", "electrode": "Li", "electrolyte": "Li6PS5Cl"})
    assert minimal.analyses.profiles.compensating_region == "electrode"
    explicit = validate_recipe({"name": "x", "electrode": "Li", "electrolyte": "Li6PS5Cl",
                                "analyses": {"profiles": {"compensating_region": None}}})
    assert explicit.analyses.profiles.compensating_region is None
    bulk = validate_recipe({"name": "x", "electrode": None, "electrolyte": "Li6PS5Cl"})
    assert bulk.analyses.profiles.compensating_region is None


@pytest.mark.slow
# Li | Li6PS5Cl: the second recipe of tests/test_compare_studies.py is a minimal one
@pytest.mark.parametrize("electrode, electrolyte", [("LiCoO2", "beta-Li3PS4")])
def test_a_minimal_recipe_runs_every_default_analysis(tmp_path, electrode, electrolyte):
    recipe = minimal_recipe(tmp_path, f"minimal_{electrode}", electrode, electrolyte)
    proc = run_cli("run", str(recipe), "--store", str(tmp_path / "store"), *SMALL, "--json",
                   env_extra={"INTERFACEFLOW_RUN_DIR": str(tmp_path / "runs")})
    assert proc.returncode == 0, proc.stderr[-3000:]
    study = json.loads(proc.stdout)
    analyses = study["analyses"]
    assert {name for name, value in analyses.items() if value} == {"products", "diffusion", "profiles", "thermo"}
    assert study["md"]["steps_done"] == 20 and study["md"]["temperature_K"] == 600
    assert math.isfinite(analyses["profiles"]["potential_step_V"])
    assert analyses["thermo"]["window_lower_V"] is not None
    assert analyses["products"]["classification"] in ("passivating", "MIEC", "none")
