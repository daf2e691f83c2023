"""Bad calculator input gives one actionable line (CLI: ``error: ...``) and stores nothing.

Covered elsewhere, not repeated here (tests/test_end_to_end.py): unknown plugin and missing model
file (``test_bad_input_gives_one_line_and_stores_nothing``), plugin package not installed
(``test_missing_plugin_package_is_refused``), element outside the model through the CLI
(``test_element_not_covered_by_model_is_refused``).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from ase.data import atomic_numbers

from cli_helpers import run_cli
from interfaceflow.errors import InterfaceflowError, PluginError
from interfaceflow.plugins import CalculatorProvenance, get_calculator, get_plugin
from interfaceflow.plugins.base import MPTRJ_ELEMENTS
from interfaceflow.plugins.registry import CalculatorHandle
from interfaceflow.settings import get_settings
from test_end_to_end import assert_one_line_error, store_count


def run_with_mace_model(tmp_path, model, *extra, env_extra=None):
    """``interfaceflow run li_li6ps5cl`` with MACE and ``model``; returns (proc, store)."""
    store = tmp_path / "store"
    proc = run_cli("run", "li_li6ps5cl", "--store", str(store), "--set", "calculator.plugin=mace",
                   "--set", f"calculator.model={model}", "--set", "calculator.device=cpu",
                   "--set", "calculator.dtype=float64", *extra, env_extra=env_extra)
    return proc, store


def trusted_env(path):
    return {"INTERFACEFLOW_TRUSTED_MODEL_DIRS": str(path.parent)}


# ------------------------------------------------------------------------ model files (CLI)
def test_corrupt_model_file_is_one_line(tmp_path):
    model = tmp_path / "models" / "corrupt.model"
    model.parent.mkdir()
    model.write_bytes(b"not a model" + np.random.default_rng(0).bytes(4096))
    proc, store = run_with_mace_model(tmp_path, model, env_extra=trusted_env(model))
    assert_one_line_error(proc, str(model), "is not a readable MACE model",
                          "re-download or re-export")
    assert "Traceback" not in proc.stderr
    assert store_count(store) == 0


def test_truncated_model_file_is_one_line(tmp_path, tiny_mace_model_file):
    model = tmp_path / "models" / "truncated.model"
    model.parent.mkdir()
    data = tiny_mace_model_file.read_bytes()
    model.write_bytes(data[: len(data) // 2])
    proc, store = run_with_mace_model(tmp_path, model, env_extra=trusted_env(model))
    assert_one_line_error(proc, str(model), "is not a readable MACE model",
                          "re-download or re-export")
    assert "Traceback" not in proc.stderr
    assert store_count(store) == 0


def test_untrusted_pickled_model_is_refused_before_anything_runs(tmp_path, tiny_mace_model_file,
                                                                  monkeypatch):
    monkeypatch.delenv("INTERFACEFLOW_TRUSTED_MODEL_DIRS", raising=False)
    monkeypatch.delenv("INTERFACEFLOW_TRUST_PICKLED_MODELS", raising=False)
    proc, store = run_with_mace_model(tmp_path, tiny_mace_model_file)
    assert_one_line_error(
        proc, f"refusing to unpickle {tiny_mace_model_file.resolve()}",
        f"INTERFACEFLOW_TRUSTED_MODEL_DIRS={tiny_mace_model_file.resolve().parent}",
        "INTERFACEFLOW_TRUST_PICKLED_MODELS=true",
    )
    assert store_count(store) == 0


def test_corrupt_model_in_process_names_the_file(tmp_path, monkeypatch):
    model = tmp_path / "junk.model"
    model.write_bytes(b"\x00" * 100)
    monkeypatch.setenv("INTERFACEFLOW_TRUSTED_MODEL_DIRS", str(tmp_path))
    get_settings.cache_clear()
    with pytest.raises(PluginError, match=r"junk.model is not a readable MACE model") as info:
        get_calculator("mace", str(model), device="cpu", dtype="float64")
    assert "\n" not in str(info.value)


# ------------------------------------------------------------------------- device and dtype
@pytest.mark.skipif(
    __import__("torch").cuda.is_available(), reason="this machine has a GPU, so device=cuda works"
)
def test_cuda_without_a_gpu_is_one_line(tmp_path):
    store = tmp_path / "store"
    proc = run_cli("run", "li_li6ps5cl", "--store", str(store), "--set", "calculator.device=cuda")
    assert_one_line_error(proc, "device=cuda", "no GPU", "device=cpu or auto")
    assert store_count(store) == 0


def test_bad_dtype_in_the_recipe_names_allowed_values(tmp_path):
    store = tmp_path / "store"
    proc = run_cli("run", "li_li6ps5cl", "--store", str(store), "--set", "calculator.dtype=float16")
    assert_one_line_error(proc, "calculator.dtype", "'float32' or 'float64'", "float16")
    assert store_count(store) == 0


def test_dtype_the_plugin_does_not_support_names_allowed_values():
    with pytest.raises(PluginError, match=r"'mace' does not support dtype=float16; use one of "
                                          r"float32, float64"):
        get_calculator("mace", "unused.model", device="cpu", dtype="float16")


# ------------------------------------------------------------------------ element coverage
def fake_sevennet_handle(model: str = "7net-0") -> CalculatorHandle:
    """A handle whose 'calculator' has SevenNet-0's type map (no model is loaded)."""
    type_map = {atomic_numbers[s]: i for i, s in enumerate(sorted(MPTRJ_ELEMENTS))}
    provenance = CalculatorProvenance(plugin="sevennet", model=model, package="sevenn",
                                      device="cpu", dtype="float32")
    return CalculatorHandle(plugin=get_plugin("sevennet"),
                            calculator=SimpleNamespace(type_map=type_map), provenance=provenance)


def test_element_outside_sevennet_does_not_suggest_sevennet():
    with pytest.raises(PluginError) as info:
        fake_sevennet_handle().check_elements({"Li", "Cl", "Rn"})
    message = str(info.value)
    assert "does not cover element(s) Rn" in message and "\n" not in message
    assert "7net-0" not in message.split(";", 1)[1]  # the refusing model is not the advice
    assert "calculator.plugin=sevennet" not in message  # nor is its sibling trained on MPtrj
    assert "calculator.plugin=chgnet with calculator.model=0.3.0" in message


def test_element_no_installed_model_covers_says_so():
    with pytest.raises(PluginError) as info:
        fake_sevennet_handle().check_elements({"Li", "Am"})
    message = str(info.value)
    assert "does not cover element(s) Am" in message
    assert "none of the installed plugins' built-in models covers them" in message
    assert "calculator.model=<file>" in message


def test_element_outside_a_mace_file_suggests_other_models(tiny_mace_model):
    handle = get_calculator("mace", str(tiny_mace_model), device="cpu", dtype="float64")
    with pytest.raises(PluginError) as info:
        handle.check_elements({"Li", "P", "S", "Cl"})
    message = str(info.value)
    advice = message.split(";", 1)[1]
    assert str(tiny_mace_model) not in advice
    assert "calculator.plugin=mace with calculator.model=medium" in advice  # same plugin first
    assert "calculator.plugin=sevennet with calculator.model=7net-0" in advice


# ------------------------------------------------------------------------- environment
def test_bad_environment_setting_names_the_variable_not_the_recipe(tmp_path):
    store = tmp_path / "store"
    proc = run_cli("run", "li_li6ps5cl", "--store", str(store),
                   env_extra={"INTERFACEFLOW_DEVICE": "gpu"})
    assert_one_line_error(proc, "invalid environment setting INTERFACEFLOW_DEVICE='gpu'",
                          "'auto', 'cpu' or 'cuda'")
    assert ".yaml" not in proc.stderr and "Traceback" not in proc.stderr
    assert store_count(store) == 0


@pytest.mark.parametrize(
    ("variable", "value", "fragments"),
    [
        ("INTERFACEFLOW_DEVICE", "gpu", ["'auto', 'cpu' or 'cuda'"]),
        ("INTERFACEFLOW_DTYPE", "float16", ["'float32' or 'float64'"]),
        ("INTERFACEFLOW_TRUST_PICKLED_MODELS", "maybe", ["use true or false"]),
        ("INTERFACEFLOW_STORE_TIMEOUT_S", "-1", ["greater than 0"]),
    ],
)
def test_bad_environment_setting_in_process(monkeypatch, variable, value, fragments):
    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    with pytest.raises(InterfaceflowError) as info:
        get_settings()
    message = str(info.value)
    assert f"{variable}={value!r}" in message and "\n" not in message
    assert "unset it" in message
    for fragment in fragments:
        assert fragment in message
