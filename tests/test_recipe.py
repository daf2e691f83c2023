"""Recipes: shipped recipes validate; bad keys, types and ranges give one-line errors."""

from __future__ import annotations

import pytest

from interfaceflow.errors import RecipeError
from interfaceflow.workflows.recipe import RECIPES_DIR, load_recipe, validate_recipe

MINIMAL = {"name": "t", "electrode": "Li", "electrolyte": "Li6PS5Cl"}


@pytest.mark.parametrize("path", sorted(RECIPES_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_recipes_validate(path):
    recipe = load_recipe(path)
    assert recipe.name == path.stem
    assert recipe.md.steps > 0 and recipe.max_atoms <= 500  # shipped recipes are CPU-demo sized
    assert recipe.calculator.plugin == "sevennet"  # the offline default: runs without downloads


def test_shipped_recipe_is_found_by_name():
    assert load_recipe("li_li6ps5cl").electrolyte == "Li6PS5Cl"


def test_defaults_come_from_settings(monkeypatch):
    from interfaceflow.settings import get_settings

    monkeypatch.setenv("INTERFACEFLOW_CALCULATOR_PLUGIN", "chgnet")
    get_settings.cache_clear()
    assert validate_recipe(dict(MINIMAL)).calculator.plugin == "chgnet"


def test_set_overrides_parse_values_as_yaml():
    recipe = load_recipe("li_li6ps5cl", ["md.steps=120", "md.ensemble=nve", "build.electrode_miller=[1,1,0]"])
    assert recipe.md.steps == 120 and recipe.md.ensemble == "nve"
    assert recipe.build.electrode_miller == (1, 1, 0)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({**MINIMAL, "md": {"tempreature_K": 300}}, r"unknown key 'md.tempreature_K'; allowed keys here: .*temperature_K"),
        ({**MINIMAL, "md": {"temperature_K": "hot"}}, r"invalid value for 'md.temperature_K'.*'hot'"),
        ({**MINIMAL, "md": {"temperature_K": -5}}, r"invalid value for 'md.temperature_K': Input should be greater than 0"),
        ({**MINIMAL, "md": {"ensemble": "nvt"}}, r"invalid value for 'md.ensemble'.*'nvt_langevin'"),
        ({**MINIMAL, "analyses": ["rdf"]}, r"unknown analyses \['rdf'\]; use \['products'"),
            ({**MINIMAL, "analyses": {"profiles": {"bin_widht_A": 0.5}}},
             r"unknown key 'analyses.profiles.bin_widht_A'; allowed keys here: .*bin_width_A"),
            ({**MINIMAL, "analysis_settings": {"rdf": {}}}, r"analysis_settings names unknown analyses"),
        ({**MINIMAL, "max_atoms": 3}, r"invalid value for 'build.max_atoms'.*greater than or equal to 10"),
        ({"name": "t", "electrode": "Li"}, r"missing required key 'electrolyte'"),
        ({**MINIMAL, "colour": "red"}, r"unknown key 'colour'; allowed keys here: name, electrode"),
    ],
)
def test_bad_recipes_give_one_line_errors_naming_the_key(data, expected):
    with pytest.raises(RecipeError, match=expected) as info:
        validate_recipe(data)
    assert "\n" not in str(info.value)


def test_bad_override_syntax_and_unknown_recipe():
    with pytest.raises(RecipeError, match="not of the form key.path=value"):
        load_recipe("li_li6ps5cl", ["md.steps"])
    with pytest.raises(RecipeError, match="not found; give a YAML path or a shipped recipe: .*li_li6ps5cl"):
        load_recipe("no_such_recipe")


def test_invalid_yaml_names_the_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nmd: {steps: [1,\n")
    with pytest.raises(RecipeError, match="not valid YAML at line"):
        load_recipe(bad)


def test_temperatures_need_two_positive_values():
    with pytest.raises(RecipeError, match="temperatures_K"):
        validate_recipe({**MINIMAL, "temperatures_K": [600]})
    with pytest.raises(RecipeError, match="temperatures_K.1"):
        validate_recipe({**MINIMAL, "temperatures_K": [600, -1]})


def test_arrhenius_recipe_fans_out_one_md_per_temperature():
    from interfaceflow.workflows.interface import study_flow
    from interfaceflow.workflows.md import InterfaceMDMaker

    recipe = load_recipe("li6ps5cl_arrhenius")
    assert recipe.electrode is None and recipe.temperatures_K == [600, 800, 1000]
    flow = study_flow(recipe)
    md_jobs = [job for job in _all_jobs(flow) if isinstance(getattr(job, "maker", None), InterfaceMDMaker)]
    assert sorted(j.maker.settings.temperature_K for j in md_jobs) == [600, 700, 800, 1000]
    assert any(job.name.endswith("fit") for job in _all_jobs(flow))


@pytest.mark.parametrize(("name", "partner"), [("lco_linbo3_li3ps4", "LiNbO3"), ("lco_li3ps4", "LiCoO2")])
def test_thermo_reference_pairs_the_electrolyte_with_what_it_touches(name, partner):
    from interfaceflow.workflows.interface import study_flow

    recipe = load_recipe(name)
    (thermo,) = [job for job in _all_jobs(study_flow(recipe)) if job.name == "thermodynamic reference"]
    assert list(thermo.function_args)[:2] == [recipe.electrolyte, partner]


def _all_jobs(flow):
    from jobflow import Flow

    for item in flow.jobs:
        if isinstance(item, Flow):
            yield from _all_jobs(item)
        else:
            yield item


def test_analyses_are_typed_and_the_older_list_form_still_loads():
    from interfaceflow.workflows.profiles import ProfileAnalysisSettings
    from interfaceflow.workflows.recipe import validate_recipe

    typed = validate_recipe({**MINIMAL, "analyses": {"profiles": {"bin_width_A": 0.25},
                                                     "diffusion": None}})
    assert typed.analyses.enabled() == ["products", "profiles"]
    assert isinstance(typed.analyses.profiles, ProfileAnalysisSettings)
    assert typed.analyses.profiles.bin_width_A == 0.25
    legacy = validate_recipe({**MINIMAL, "analyses": ["profiles", "diffusion"],
                              "analysis_settings": {"profiles": {"bin_width_A": 0.25},
                                                    "diffusion": {"stride": 2}}})
    assert legacy.analyses.enabled() == ["diffusion", "profiles"]
    assert legacy.analyses.profiles == typed.analyses.profiles
    assert legacy.analyses.diffusion.stride == 2 and legacy.analyses.products is None
    assert "analysis_settings" not in legacy.model_dump()


def test_set_analyses_list_selects_and_keeps_the_recipe_settings():
    from interfaceflow.workflows.recipe import load_recipe

    recipe = load_recipe("lco_li3ps4", overrides=["analyses=[profiles]",
                                                  "analysis_settings.profiles.n_blocks=2"])
    assert recipe.analyses.enabled() == ["profiles"]
    assert recipe.analyses.profiles.n_blocks == 2  # the override
    assert recipe.analyses.profiles.compensating_region == "electrode"  # kept from the recipe
    recipe = load_recipe("li_li6ps5cl", overrides=["analyses.profiles.n_blocks=3"])
    assert recipe.analyses.profiles.n_blocks == 3 and recipe.analyses.profiles.relative_permittivity == 4.0


def test_too_short_an_md_for_diffusion_fails_before_anything_runs():
    with pytest.raises(RecipeError, match="gives 11 frames; diffusion needs at least 12: raise md.steps"):
        load_recipe("li_li6ps5cl", overrides=["md.steps=10", "md.traj_interval=1"])
    assert load_recipe("li_li6ps5cl", overrides=["md.steps=10", "md.traj_interval=1",
                                                 "analyses.diffusion=null"]).analyses.diffusion is None


def test_a_recipe_file_without_a_name_is_named_after_the_file(tmp_path):
    path = tmp_path / "my_li_llzo.yaml"
    path.write_text("electrode: Li\nelectrolyte: LLZO\n")
    assert load_recipe(path).name == "my_li_llzo"
    assert load_recipe(path, overrides=["name=other"]).name == "other"


def test_the_run_directory_is_absolute_and_outside_the_working_directory(tmp_path, monkeypatch):
    from interfaceflow.settings import InterfaceflowSettings

    monkeypatch.delenv("INTERFACEFLOW_RUN_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    default = InterfaceflowSettings()
    assert default.run_dir.is_absolute() and not default.run_dir.is_relative_to(tmp_path)
    monkeypatch.setenv("INTERFACEFLOW_RUN_DIR", "relative/runs")
    assert InterfaceflowSettings().run_dir == tmp_path / "relative" / "runs"


@pytest.mark.parametrize("value", ["!!python/object/apply:os.system ['true']", "[1,", "{a: 1"])
def test_set_values_that_are_not_yaml_are_one_line_errors(value):
    with pytest.raises(RecipeError, match=r"^--set md.steps (at line 1 uses the YAML tag|is not valid YAML)"):
        load_recipe("li_li6ps5cl", overrides=[f"md.steps={value}"])


def test_structure_files_are_found_relative_to_the_recipe_and_made_absolute(tmp_path, monkeypatch):
    from interfaceflow.structures import load_structure

    folder = tmp_path / "study"
    folder.mkdir()
    load_structure("Li6PS5Cl").to(filename=str(folder / "my_lpscl.cif"))
    (folder / "r.yaml").write_text("electrode: Li\nelectrolyte: my_lpscl.cif\n")
    monkeypatch.chdir(tmp_path)  # not the recipe's folder
    recipe = load_recipe(folder / "r.yaml")
    assert recipe.electrolyte == str(folder / "my_lpscl.cif") and recipe.electrode == "Li"
    load_structure("Li").to(filename=str(tmp_path / "li.cif"))
    assert load_recipe(folder / "r.yaml", overrides=["electrode=li.cif"]).electrode == str(tmp_path / "li.cif")
