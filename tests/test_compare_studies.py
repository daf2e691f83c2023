"""`interfaceflow run A B` runs several studies on one MD schedule; `interfaceflow compare`
puts their reaction extent, interphase thickness and growth law side by side."""

from __future__ import annotations

import json

import pytest

from cli_helpers import TOY, run_cli
from interfaceflow.workflows.recipe import load_recipe, validate_recipe, with_schedule_of

def test_with_schedule_of_copies_the_whole_md_section():
    reference = load_recipe("li_li6ps5cl")
    other = validate_recipe({"name": "b", "electrode": "Li", "electrolyte": "Li6PS5Cl",
                             "md": {"temperature_K": 700, "steps": 500}})
    aligned = with_schedule_of(reference, other)
    assert aligned.md == reference.md and aligned.md is not reference.md
    assert aligned.name == "b" and other.md.temperature_K == 700  # the original is untouched


@pytest.mark.slow
def test_run_several_recipes_then_compare_them(tmp_path):
    second = tmp_path / "li_lpscl_hot.yaml"
    second.write_text("name: li_lpscl_hot\nelectrode: Li\nelectrolyte: Li6PS5Cl\n"
                      "md: {temperature_K: 700, steps: 300}\n")
    env = {"INTERFACEFLOW_RUN_DIR": str(tmp_path / "runs")}
    store = str(tmp_path / "store")
    proc = run_cli("run", "li_li6ps5cl", str(second), "--store", store, *TOY, "--json", env_extra=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    first, other = json.loads(proc.stdout)
    assert other["name"] == "li_lpscl_hot"
    # the second recipe is minimal (name, electrode, electrolyte, md): every default analysis ran,
    # the profiles with the net formal charge in the Li electrode by default
    assert {k for k, v in other["analyses"].items() if v} == {"products", "diffusion", "profiles", "thermo"}
    assert other["recipe"]["analyses"]["profiles"]["compensating_region"] == "electrode"
    # the second recipe ran the first one's schedule, not its own 700 K
    assert other["md"]["temperature_K"] == first["md"]["temperature_K"] == 400
    assert other["md"]["steps_done"] == first["md"]["steps_done"] == 20

    compared = run_cli("compare", first["study_id"], other["study_id"][:8], "--store", store, "--json",
                       env_extra=env)
    assert compared.returncode == 0, compared.stderr
    table = json.loads(compared.stdout)
    assert [row["study_id"] for row in table["rows"]] == [first["study_id"], other["study_id"]]
    assert table["schedule_differences"] == {}
    for row, study in zip(table["rows"], (first, other)):
        products = study["analyses"]["products"]
        assert row["interphase_thickness_A"] == products["interphase_thickness_A"]
        assert row["consumed_fraction"] == products["consumed_fraction"]
        assert row["growth_law"] == products["growth_law"]
        assert row["window_V"][0] == study["analyses"]["thermo"]["window_lower_V"]
    assert table["profiles"]["study_a"] == first["study_id"]  # both have profiles: compared and stored

    text = run_cli("compare", first["study_id"], other["study_id"], "--store", store,
                   env_extra={**env, "COLUMNS": "200"})
    assert text.returncode == 0, text.stderr
    assert "interphase (Å)" in text.stdout and "same MD schedule" in text.stdout

    alone = run_cli("compare", first["study_id"], "--store", store, env_extra=env)
    assert alone.returncode != 0 and "two or more study ids" in alone.stderr
