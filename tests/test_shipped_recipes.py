"""Every shipped recipe runs end to end at a few steps: its own build, relax, MD, thermodynamic
reference and analyses, into a store (li_li6ps5cl and lco_li3ps4 have their own tests)."""

from __future__ import annotations

import math

import pytest

from interfaceflow.workflows.interface import run_study
from interfaceflow.workflows.recipe import RECIPES_DIR, load_recipe

COVERED_ELSEWHERE = {"li_li6ps5cl", "lco_li3ps4"}  # test_end_to_end, test_lco_profiles_recipe
RECIPES = sorted(p.stem for p in RECIPES_DIR.glob("*.yaml") if p.stem not in COVERED_ELSEWHERE)
#: A few steps of everything; the cell is the recipe's own (its interface, Miller indices, budget).
FEW_STEPS = ["relax.steps=1", "md.steps=11", "md.heat_steps=0", "md.heat_from_K=null", "md.traj_interval=1",
             "md.checkpoint_interval=11", "md.log_interval=11", "thermo.steps=2", "calculator.device=cpu"]


@pytest.fixture(scope="module", autouse=True)
def shared_thermo_cache(tmp_path_factory):
    """One relaxation cache for all recipes of this module (as users share theirs)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("INTERFACEFLOW_THERMO_CACHE_DIR", str(tmp_path_factory.mktemp("thermo-cache")))
    mp.setenv("INTERFACEFLOW_RUN_DIR", str(tmp_path_factory.mktemp("runs")))
    from interfaceflow.settings import get_settings

    get_settings.cache_clear()
    yield
    mp.undo()
    get_settings.cache_clear()


@pytest.mark.slow
@pytest.mark.parametrize("name", RECIPES)
def test_shipped_recipe_runs_at_a_few_steps(name, memory_job_store):
    recipe = load_recipe(name, FEW_STEPS)
    study = run_study(recipe, store=memory_job_store, progress=False)
    assert study.name == name and study.build.n_atoms <= recipe.max_atoms
    assert study.build.broken_polyanions in (0, None) and study.md.steps_done == 11  # None: bulk
    ran = set(study.analyses.ran())
    expected = set(recipe.analyses.enabled())
    if "products" in expected and recipe.electrode and recipe.thermo.enabled:
        expected.add("thermo")
    if recipe.temperatures_K:
        expected.add("arrhenius")
    assert ran == expected
    if study.analyses.thermo is not None:  # a window, no "missing terminal entries"
        thermo = study.analyses.thermo
        assert thermo.window_lower_V is not None and thermo.predicted_products
    if study.analyses.profiles is not None:
        assert math.isfinite(study.analyses.profiles.potential_step_V)
    if study.analyses.diffusion is not None:  # 22 fs: never a bare D
        for row in study.analyses.diffusion.regions:
            assert row.status != "diffusive" and row.D_cm2_per_s is None
