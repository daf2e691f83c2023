"""Every shipped recipe's interface builds at its budget, soundly and in bounded time (issue 13).

The build goes through :func:`interfaceflow.workflows.build.run_build` with the recipe's
``BuildSettings``, the code path of the study's build job. Time limits are asserted on the
:class:`~interfaceflow.structures.report.SearchRecord` the builder reports, never on the test's clock.
"""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from interfaceflow.cli import app
from interfaceflow.errors import StructureError
from interfaceflow.structures import build_interface
from interfaceflow.structures.report import SearchRecord
from interfaceflow.workflows.build import run_build
from interfaceflow.workflows.recipe import RECIPES_DIR, load_recipe

#: Closest approach of two atoms of different regions in a sound build (Å).
MIN_CROSS_DISTANCE_A = 1.6
SEED_RECIPES = ["li_llzo", "li_lgps", "li_li7p3s11", "li_latp", "li_li3ocl", "lco_llzo", "ncm_li6ps5cl",
                "ncm_li3incl6"]
INTERFACE_RECIPES = sorted(p.stem for p in RECIPES_DIR.glob("*.yaml") if load_recipe(p.stem).electrode)


def test_every_seed_interface_has_a_shipped_recipe():
    assert set(SEED_RECIPES) <= set(INTERFACE_RECIPES)


@pytest.mark.parametrize("name", INTERFACE_RECIPES)
def test_shipped_recipe_builds_soundly_within_its_budget(name):
    recipe = load_recipe(name)
    doc = run_build(recipe.electrode, recipe.electrolyte, recipe.coating, recipe.build)
    report = doc.report
    assert doc.n_atoms == report["n_atoms"] <= recipe.build.max_atoms
    assert report["electrolyte_stoichiometric"], report["electrolyte_formula"]
    assert report["broken_polyanions"] == 0
    assert report["min_cross_distance_A"] > MIN_CROSS_DISTANCE_A
    assert report["electrolyte_net_charge_e"] in (0, None)
    # the softer side takes the strain, and no more than the recipe allows
    assert max(report["strain_pct"].values()) <= recipe.build.max_strain_pct + 1e-6
    search = SearchRecord.model_validate(report["search"])
    assert search.complete and search.combinations_screened == search.combinations_total
    assert search.time_s <= recipe.build.time_budget_s


def test_infeasible_budget_names_a_feasible_budget_or_strain_in_bounded_time():
    # LiCoO2 | LLZO has no match within 5 % strain in 300 atoms (its recipe needs 400)
    messages: list[str] = []
    with pytest.raises(StructureError) as err:
        build_interface("LiCoO2", "LLZO", max_atoms=300, max_strain_pct=5.0, progress=messages.append)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("no lattice match within max_atoms=300")
    assert "raise --max-atoms to" in msg or "loosen --max-strain to" in msg
    search = err.value.search
    assert search.complete and search.time_s <= search.time_budget_s
    assert messages[-1].startswith("no lattice match after")


def test_time_budget_stops_the_search_and_the_error_names_a_larger_budget():
    with pytest.raises(StructureError) as err:
        build_interface("LiNiO2", "Li3InCl6", max_atoms=300, time_budget_s=1e-6)
    msg = str(err.value)
    assert "\n" not in msg and "raise --set time_budget_s to" in msg
    search = err.value.search
    assert not search.complete and search.combinations_screened < search.combinations_total


def test_truncated_search_builds_the_best_match_found_and_says_so(monkeypatch):
    from interfaceflow.structures import builder

    # the screen finishes; the clock runs out before pymatgen's ZSL pass
    real = builder._Search.expired

    def expired_after_screen(self, factor=1.0):
        return self.screened == len(self.combos()) or real(self, factor)

    monkeypatch.setattr(builder._Search, "expired", expired_after_screen)
    build = build_interface("Li", "Li3OCl", electrode_miller=(1, 0, 0), electrolyte_miller=(1, 0, 0), max_atoms=200)
    assert not build.report.search.complete
    assert build.report.matcher == builder.MATCHER_SCREEN
    assert build.report.electrolyte_stoichiometric


def test_progress_messages_are_emitted_and_logged(caplog):
    messages: list[str] = []
    with caplog.at_level(logging.INFO, logger="interfaceflow.structures"):
        build = build_interface("LiNiO2", "Li3InCl6", max_atoms=300, progress=messages.append)
    assert messages[0].startswith("LiNiO2 | Li3InCl6: screening")
    assert any(m.startswith("screened ") for m in messages)
    assert any(m.startswith("pymatgen ZSLGenerator matched") for m in messages)
    assert any(m.startswith("search done in") for m in messages)
    assert messages[-1].startswith(f"built {build.report.n_atoms} atoms")
    logged = [r.getMessage() for r in caplog.records if r.name == "interfaceflow.structures"]
    assert all(m in logged for m in messages)


def test_cli_build_prints_progress_to_stderr(tmp_path):
    out = tmp_path / "lno_lic.extxyz"
    result = CliRunner().invoke(app, ["build", "LiNiO2", "Li3InCl6", "--max-atoms", "300", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "build: LiNiO2 | Li3InCl6: screening" in result.stderr
    assert "build: search done in" in result.stderr
    assert "build:" not in result.stdout and "wrote" in result.stdout
    quiet = CliRunner().invoke(app, ["build", "LiNiO2", "Li3InCl6", "--max-atoms", "300", "-q", "-o", str(out)])
    assert quiet.exit_code == 0 and quiet.stderr == ""
