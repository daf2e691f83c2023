"""Calculator plugins: discovery, the cached factory, provenance, built-in MLIPs and clear errors."""

from __future__ import annotations

import os

import numpy as np
import pytest
from ase.build import bulk

from cli_helpers import run_cli
from interfaceflow.errors import PluginError
from interfaceflow.plugins import available_plugins, get_calculator, get_plugin
from interfaceflow.provenance import sha256_file


def li2s_cell():
    return bulk("Li2S", "fluorite", a=5.71)  # 3 atoms: Li, Li, S (antifluorite)


def test_builtin_plugins_are_registered_through_entry_points():
    plugins = available_plugins()
    assert {"sevennet", "chgnet", "mace"} <= set(plugins)
    assert all(plugins[name].is_available() for name in ("sevennet", "chgnet", "mace"))


def test_unknown_plugin_error_names_it_and_suggests_the_close_match():
    with pytest.raises(PluginError, match=r"unknown calculator plugin 'sevenet'.*did you mean 'sevennet'"):
        get_plugin("sevenet")


def test_sevennet_default_is_cached_and_records_weight_hash():
    handle = get_calculator(device="cpu")  # the offline default from settings
    assert handle.provenance.plugin == "sevennet" and handle.provenance.model == "7net-0"
    assert get_calculator("sevennet", "7net-0", device="cpu") is handle
    assert handle.provenance.weights_sha256 == sha256_file(handle.provenance.weights_path)
    assert handle.provenance.device == "cpu" and handle.provenance.dtype == "float32"
    assert "torch" in handle.provenance.package_versions
    atoms = li2s_cell()
    atoms.calc = handle.calculator
    energy = atoms.get_potential_energy()
    per_atom = atoms.calc.results["energies"]
    assert np.isfinite(energy) and energy < 0
    assert per_atom.sum() == pytest.approx(energy, abs=1e-3)


def test_chgnet_plugin_runs_and_gives_site_energies():
    handle = get_calculator("chgnet", device="cpu")
    atoms = li2s_cell()
    atoms.calc = handle.calculator
    energy = atoms.get_potential_energy()
    assert np.isfinite(energy)
    assert handle.calculator.results["energies"].shape == (3,)
    assert handle.provenance.weights_sha256 == sha256_file(handle.provenance.weights_path)


def test_tiny_mace_model_loads_through_the_foundation_model_path(tiny_mace_model):
    handle = get_calculator("mace", str(tiny_mace_model), device="cpu", dtype="float64")
    assert handle.provenance.weights_sha256 == sha256_file(tiny_mace_model)
    assert handle.plugin.supported_elements(handle.calculator) == {"Li", "P", "S"}
    atoms = li2s_cell()
    atoms.calc = handle.calculator
    forces = atoms.get_forces()
    assert forces.shape == (3, 3) and np.isfinite(atoms.get_potential_energy())
    # The same file in float32 is a different cached calculator with nearly the same energy.
    atoms32 = li2s_cell()
    atoms32.calc = get_calculator("mace", str(tiny_mace_model), device="cpu", dtype="float32").calculator
    assert atoms32.get_potential_energy() == pytest.approx(atoms.get_potential_energy(), rel=1e-5)


def test_element_not_covered_by_the_model_is_a_one_line_error(tiny_mace_model):
    handle = get_calculator("mace", str(tiny_mace_model), device="cpu", dtype="float64")
    with pytest.raises(PluginError, match="does not cover element\\(s\\) Cl") as info:
        handle.check_elements({"Li", "P", "S", "Cl"})
    assert "\n" not in str(info.value)


def test_missing_model_file_is_a_one_line_error(tmp_path):
    with pytest.raises(PluginError, match="does not exist"):
        get_calculator("mace", str(tmp_path / "nope.model"), device="cpu")


def test_refusing_pickled_models_when_not_trusted(tiny_mace_model_file, monkeypatch):
    from interfaceflow.settings import get_settings

    monkeypatch.delenv("INTERFACEFLOW_TRUSTED_MODEL_DIRS", raising=False)
    monkeypatch.setenv("INTERFACEFLOW_TRUST_PICKLED_MODELS", "false")
    get_settings.cache_clear()
    with pytest.raises(PluginError, match="refusing to unpickle .*TRUSTED_MODEL_DIRS="):
        get_plugin("mace").create(str(tiny_mace_model_file), "cpu", "float64")


def test_unsupported_dtype_is_rejected():
    with pytest.raises(PluginError, match="does not support dtype=float64"):
        get_calculator("sevennet", device="cpu", dtype="float64")


def test_external_plugin_is_listed_by_the_cli(external_plugin_site):
    env = {"PYTHONPATH": f"{external_plugin_site}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "COLUMNS": "200"}
    listing = run_cli("plugins", env_extra=env)
    assert listing.returncode == 0, listing.stderr
    assert "toy-lj" in listing.stdout and "0.2.0" in listing.stdout
    assert "toy-needs-missing" in listing.stdout and "pip install" in listing.stdout


def test_importing_mace_does_not_switch_off_safe_loading(tiny_mace_model):
    """mace-torch sets TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 on import; the plugin must undo it."""
    import subprocess
    import sys

    code = ("import os; from interfaceflow.plugins import get_calculator; "
            f"get_calculator('mace', {str(tiny_mace_model)!r}, device='cpu', dtype='float64'); "
            "print(os.environ.get('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', 'unset'))")
    env = {k: v for k, v in os.environ.items() if k != "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip().splitlines()[-1] == "unset"
