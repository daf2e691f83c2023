"""Bad-input catalogue: recipes, ``--set`` values and command lines.

Every case goes through the console-script entry point (``interfaceflow.cli.main``) and must give a
non-zero exit, exactly one ``error: ...`` line naming the problem (and its fix), no traceback, and
an untouched store. They all fail before any calculator is loaded, so each takes well under a second.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import assert_one_line, invoke_cli, stored_document_count

TAGGED_RECIPE = """\
name: tagged
electrode: !!python/object/apply:pathlib.Path.touch [{marker}]
electrolyte: Li6PS5Cl
"""


def write(tmp_path: Path, text: str, name: str = "recipe.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


CASES = {
    # id: (recipe text or None for the shipped li_li6ps5cl, --set overrides, message fragments)
    "recipe_not_found": ("@missing", [], ["not found", "shipped recipe"]),
    "yaml_syntax": ("name: x\n  electrode: [Li\n", [], ["not valid YAML", "line", "fix the syntax"]),
    "recipe_is_a_list": ("- Li\n- Li6PS5Cl\n", [], ["must be a YAML mapping"]),
    "empty_recipe": ("", [], ["missing required key 'electrode'"]),
    "missing_electrolyte": ("name: x\nelectrode: Li\n", [], ["missing required key 'electrolyte'"]),
    "unknown_top_key": ("name: x\nelectrode: Li\nelectrolyte: Li6PS5Cl\nmaxatoms: 100\n", [],
                        ["unknown key 'maxatoms'", "allowed keys here"]),
    "typo_in_section": (None, ["md.tempreature_K=500"], ["unknown key 'md.tempreature_K'", "temperature_K"]),
    "wrong_type": (None, ["md.steps=many"], ["md.steps", "integer"]),
    "negative_steps": (None, ["md.steps=-5"], ["md.steps", "greater than"]),
    "zero_temperature": (None, ["md.temperature_K=0"], ["md.temperature_K"]),
    "absurd_temperature": (None, ["md.temperature_K=1e300"], ["md.temperature_K"]),
    "absurd_arrhenius_temperature": (None, ["temperatures_K=[600, 1e300]"], ["temperatures_K", "5000"]),
    "negative_timestep": (None, ["md.timestep_fs=-1"], ["md.timestep_fs"]),
    "unknown_analysis": (None, ["analyses=[products, conductivity]"], ["conductivity"]),
    "too_few_frames_for_diffusion": (None, ["md.steps=20", "md.traj_interval=10"],
                                     ["frames", "diffusion needs at least"]),
    "unknown_phase": (None, ["electrolyte=Li6PS5Br"], ["unknown phase 'Li6PS5Br'", "did you mean"]),
    "bad_device": (None, ["calculator.device=gpu"], ["calculator.device", "cuda"]),
    "bad_dtype": (None, ["calculator.dtype=float16"], ["calculator.dtype", "float32"]),
    "set_without_equals": (None, ["md.steps"], ["not of the form key.path=value"]),
    "set_into_a_value": (None, ["name.x=1"], ["'name' is not a section"]),
    "set_unbalanced": (None, ["md.steps=[1,"], ["not valid YAML", "quote the value"]),
    "set_yaml_tag": (None, ["md.steps=!!python/name:os.system"], ["YAML tag !!python/name:os.system",
                                                                  "nothing was executed"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_recipe_is_one_line_and_stores_nothing(case, tmp_path):
    text, overrides, fragments = CASES[case]
    if text is None:
        recipe = "li_li6ps5cl"
    elif text == "@missing":
        recipe = str(tmp_path / "no_such_recipe.yaml")
    else:
        recipe = write(tmp_path, text)
    store = tmp_path / "store"
    sets = [arg for value in overrides for arg in ("--set", value)]
    code, _, stderr = invoke_cli("run", recipe, "--store", str(store), *sets)
    assert_one_line(code, stderr, *fragments)
    assert stored_document_count(store) == 0



def test_yaml_tag_in_a_recipe_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "constructed"
    recipe = write(tmp_path, TAGGED_RECIPE.format(marker=marker))
    code, _, stderr = invoke_cli("run", recipe, "--store", str(tmp_path / "store"))
    assert_one_line(code, stderr, "YAML tag !!python/object/apply:pathlib.Path.touch", "line 2",
                    "nothing was executed")
    assert not marker.exists()


def test_unreadable_recipe_file_is_one_line(tmp_path):
    recipe = tmp_path / "binary.yaml"
    recipe.write_bytes(b"\xff\xfe\x00name: x")
    code, _, stderr = invoke_cli("run", str(recipe), "--store", str(tmp_path / "store"))
    assert_one_line(code, stderr, str(recipe))


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["nosuch"], ["No such command 'nosuch'", "interfaceflow --help"]),
        (["run"], ["give a RECIPE", "--resume"]),
        (["results", "--limit", "many"], ["--limit", "integer"]),
        (["results", "--format", "xml"], ["unknown --format 'xml'", "table, json or csv"]),
        (["build", "Li", "Li6PS5Cl", "--set", "gap_A=!!python/name:os.system", "-o", "x.cif"],
         ["YAML tag !!python/name:os.system"]),
        (["thermo", "Li6PS5Cl", "--set", "steps"], ["not of the form key=value"]),
    ],
    ids=["unknown_command", "missing_argument", "bad_option_type", "bad_format", "build_set_tag",
         "thermo_set_form"],
)
def test_bad_command_line_is_one_line(args, fragments, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, stderr = invoke_cli(*args)
    assert_one_line(code, stderr, *fragments)
    assert not (tmp_path / "x.cif").exists()


def test_debug_raises_with_the_traceback(tmp_path, monkeypatch):
    from interfaceflow.errors import RecipeError

    monkeypatch.setenv("INTERFACEFLOW_DEBUG", "")  # main() sets it; restored after the test
    recipe = write(tmp_path, "name: x\nelectrode: !custom 1\nelectrolyte: Li6PS5Cl\n")
    with pytest.raises(RecipeError, match="YAML tag !custom"):
        invoke_cli("--debug", "run", recipe)


def test_readme_sections_named_in_messages_exist():
    import re

    root = Path(__file__).parents[1]
    headings = {line.lstrip("#").strip() for line in (root / "README.md").read_text().splitlines()
                if line.startswith("#")}
    named = {m for path in (root / "interfaceflow").rglob("*.py")
             for m in re.findall(r"README section '([^']+)'", path.read_text())}
    assert named and named <= headings
