"""LiCoO2 | β-Li3PS4 recipe end to end at toy size with SevenNet-0, then a stored comparison."""

from __future__ import annotations

import math

import pytest

from interfaceflow.compare import compare_studies
from interfaceflow.workflows.interface import run_study
from interfaceflow.workflows.recipe import load_recipe

TOY = [
    "max_atoms=200", "build.max_strain_pct=6", "relax.steps=2", "md.steps=12", "md.heat_steps=0",
    "md.heat_from_K=null", "md.traj_interval=1", "md.checkpoint_interval=12", "calculator.device=cpu",
    "analysis_settings.profiles.n_blocks=2", "analyses=[profiles]",
]


@pytest.mark.slow
def test_lco_li3ps4_recipe_gives_profiles_and_a_stored_comparison(memory_job_store):
    recipe = load_recipe("lco_li3ps4", TOY)
    study = run_study(recipe, store=memory_job_store, progress=False)
    profiles = study.analyses.profiles
    assert study.electrode == "LiCoO2" and study.build.n_atoms <= 200
    assert math.isfinite(profiles.potential_step_V)
    assert {"electrode", "electrolyte"} <= set(profiles.li_excess_per_nm2)
    comparison = compare_studies(study.study_id, study.study_id, store=memory_job_store)
    assert comparison["study_a"] == comparison["study_b"] == study.study_id
    assert comparison["potential_step_V"]["b_minus_a"] == pytest.approx(0.0, abs=1e-12)
    assert comparison["layer_suppressed"] in (False, None)
    stored = memory_job_store.query_one({"metadata.study_a": study.study_id})
    assert stored is not None  # the comparison document lives in the store
