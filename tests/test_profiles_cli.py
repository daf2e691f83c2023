"""`interfaceflow analyze profiles`, the plot, the maker and the comparison of two results."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest
from typer.testing import CliRunner

from interfaceflow.analysis.profiles import (
    ProfileComparison,
    ProfileResult,
    ProfileSettings,
    compare_profiles,
    compute_profiles,
)
from interfaceflow.cli import app
from builders import depleted_sandwich

CLI_KEYS = (
    "z_A", "density_per_A3", "li_concentration_rel", "charge_density_e_per_A3", "field_V_per_A",
    "potential_V", "potential_step_V", "li_excess_per_nm2", "depletion_width_A",
)


def write_h5md(path, data, *, charges=None, interface_z_A=None):
    """Write the interfaceflow H5MD layout (common.md) for a synthetic trajectory."""
    positions = data["positions_A"]
    n_frames, n_atoms = positions.shape[:2]
    steps = np.arange(n_frames, dtype=np.int64) * 10
    times = np.asarray(data["times_fs"], dtype=float)
    with h5py.File(path, "w") as h5:
        h5.create_group("h5md").attrs["version"] = [1, 1]
        creator = h5["h5md"].create_group("creator")
        creator.attrs["name"] = "test"
        creator.attrs["version"] = "0"
        part = h5.create_group("particles/all")
        part["species"] = data["numbers"].astype(np.int32)
        part.create_dataset("region", data=list(data["regions"]), dtype=h5py.string_dtype("utf-8"))
        series = {"position": positions}
        if data.get("energies_eV") is not None:
            series["potential_energy"] = data["energies_eV"]
        if charges is not None:
            series["charge"] = np.broadcast_to(charges, (n_frames, n_atoms))
        for name, value in series.items():
            grp = part.create_group(name)
            grp["step"], grp["time"] = steps, times
            grp.create_dataset("value", data=value, chunks=True, maxshape=(None,) + value.shape[1:])
        box = part.create_group("box")
        box.attrs["dimension"] = 3
        box.attrs["boundary"] = ["periodic"] * 3
        edges = box.create_group("edges")
        edges["step"], edges["time"] = steps, times
        edges["value"] = np.broadcast_to(data["cells_A"], (n_frames, 3, 3))
        params = h5.create_group("parameters")
        planes = interface_z_A if interface_z_A is not None else data["planes"]
        params.attrs["interface_z_A"] = planes
        params.attrs["timestep_fs"] = 1.0
        params.attrs["temperature_K"] = 600.0


@pytest.fixture(scope="module")
def sandwich_file(tmp_path_factory):
    data = depleted_sandwich(n_frames=30, area_side=10.0)
    path = tmp_path_factory.mktemp("profiles") / "sandwich.h5"
    write_h5md(path, data)
    return path, data


def test_cli_json_keys_and_values(sandwich_file, tmp_path):
    path, data = sandwich_file
    charge_map = tmp_path / "map.json"
    # S carries exactly the charge the Li give, so the cell is neutral
    n_li = int(np.sum(data["numbers"] == 3))
    n_s = int(np.sum(data["numbers"] == 16))
    charge_map.write_text(json.dumps({"Li": 1, "S": -n_li / n_s}))
    result = CliRunner().invoke(
        app, ["analyze", "profiles", str(path), "--axis", "z", "--charges", str(charge_map),
              "--bulk-margin", "12", "--json"],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    for key in CLI_KEYS:
        assert key in out, key
    n = len(out["z_A"])
    assert n == 200
    for key in ("li_concentration_rel", "charge_density_e_per_A3", "field_V_per_A", "potential_V"):
        assert len(out[key]) == n
    assert set(out["density_per_A3"]) == {"Li", "S"} and len(out["density_per_A3"]["Li"]) == n
    assert set(out["depletion_width_A"]) == {"electrode", "electrolyte"}
    assert out["interface_z_A"] == data["planes"]  # from the H5MD /parameters
    assert out["depletion_width_A"]["electrolyte"] == pytest.approx(3.0, rel=0.1)
    assert out["li_excess_per_nm2"]["electrolyte"] < 0
    assert isinstance(out["potential_step_V"], float) and out["neutral"] is True
    assert out["li_site_energy_rel_eV"] is not None  # the file has per-atom energies
    assert not any("bulk_margin_A" in w for w in out["warnings"])
    args = ["analyze", "profiles", str(path), "--charges", str(charge_map), "--json"]
    narrow = json.loads(CliRunner().invoke(app, args).stdout)  # default 5 Å margin < 3 lambda
    assert any("bulk_margin_A=5" in w for w in narrow["warnings"])


def test_cli_plot_and_table(sandwich_file, tmp_path):
    path, data = sandwich_file
    png = tmp_path / "plots" / "profiles.png"
    result = CliRunner().invoke(
        app,
        ["analyze", "profiles", str(path), "--charges", '{"Li": 0, "S": 0}', "--plot", str(png)],
    )
    assert result.exit_code == 0, result.output
    assert "electrolyte" in result.stdout and "potential step" in result.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_cli_errors_are_one_line(sandwich_file, tmp_path):
    path, _ = sandwich_file
    result = CliRunner().invoke(app, ["analyze", "profiles", str(path), "--charges", "calculator"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: the trajectory has no per-atom 'charges'")
    assert len(result.output.strip().splitlines()) == 1
    args = ["analyze", "profiles", str(path), "--charges", '{"Li": 1, "S": 0}']
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "not neutral" in result.output
    result = CliRunner().invoke(app, ["analyze", "profiles", str(path), "--axis", "w"])
    assert result.exit_code == 2 and "unknown --axis" in result.output
    result = CliRunner().invoke(app, ["analyze", "profiles", str(tmp_path / "none.h5")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_cli_calculator_charges_and_interface_override(tmp_path):
    data = depleted_sandwich(n_frames=6, area_side=8.0, with_energies=False)
    charges = np.where(data["numbers"] == 3, 0.8, 0.0)
    n_li, n_s = np.sum(data["numbers"] == 3), np.sum(data["numbers"] == 16)
    charges[data["numbers"] == 16] = -0.8 * n_li / n_s
    path = tmp_path / "calc.h5"
    write_h5md(path, data, charges=charges)
    result = CliRunner().invoke(
        app, ["analyze", "profiles", str(path), "--charges", "calculator", "--interface-z", "21",
              "--interface-z", "79", "--json", "--blocks", "2"],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["charge_model"] == "calculator" and out["interface_z_A"] == [21.0, 79.0]
    assert out["li_site_energy_rel_eV"] is None


def _result(data, label) -> ProfileResult:
    result = compute_profiles(
        data["positions_A"], data["cells_A"], data["numbers"], times_fs=data["times_fs"],
        regions=data["regions"], interface_z_A=data["planes"],
        settings=ProfileSettings(bulk_margin_A=12.0, n_blocks=4),
    )
    result.label = label
    return result


def test_compare_profiles_detects_suppressed_layer():
    uncoated = _result(depleted_sandwich(n_frames=24, seed=3), "LiCoO2|Li3PS4")
    coated = _result(depleted_sandwich(n_frames=24, amplitude=0.1, seed=4), "LiCoO2|LiNbO3|Li3PS4")
    comparison = compare_profiles(uncoated, coated.model_dump())
    assert isinstance(comparison, ProfileComparison)
    assert comparison.common_sides == ["electrode", "electrolyte"]
    assert comparison.layer_suppressed is True
    assert comparison.electrolyte_deficit_reduction == pytest.approx(1 - 0.1 / 0.7, abs=0.1)
    assert comparison.depletion_width_A["electrolyte"]["a"] == pytest.approx(3.0, rel=0.1)
    assert "LiNbO3" in comparison.summary and "suppressed" in comparison.summary
    same = compare_profiles(uncoated, uncoated)
    assert same.layer_suppressed is False and same.electrolyte_deficit_reduction == 0.0


def test_maker_routes_arrays_to_data_store(sandwich_file, memory_job_store, tmp_path, monkeypatch):
    from jobflow import Flow, run_locally

    from interfaceflow.workflows.profiles import ProfileAnalysisMaker, compare_profiles_job

    path, data = sandwich_file
    monkeypatch.chdir(tmp_path)
    maker = ProfileAnalysisMaker(
        settings={"charges": {"Li": 0, "S": 0}, "bulk_margin_A": 12.0, "n_blocks": 3}, label="uncoated"
    )
    job_a = maker.make(str(path))
    job_b = maker.make(str(path), interface_z_A=[20.5, 79.5])
    cmp = compare_profiles_job(job_a.output, job_b.output)
    responses = run_locally(
        Flow([job_a, job_b, cmp]), store=memory_job_store, create_folders=True,
        ensure_success=True,
    )
    doc = ProfileResult.model_validate(responses[job_a.uuid][1].output.model_dump())
    assert doc.label == "uncoated"
    assert doc.depletion_width_A["electrolyte"] == pytest.approx(3.0, rel=0.1)
    assert doc.plot_path and doc.plot_path.endswith("profiles.png")
    stored = memory_job_store.query_one({"uuid": job_a.uuid}, load=False)
    assert "blob_uuid" in stored["output"]["arrays"]  # arrays went to the data store
    assert memory_job_store.additional_stores["data"].count() >= 2
    comparison = responses[cmp.uuid][1].output
    assert comparison.common_sides == ["electrode", "electrolyte"]
    # the raw stored documents (with monty's @module/@class keys) compare as well
    raw_a = memory_job_store.query_one({"uuid": job_a.uuid}, load=True)["output"]
    raw_b = memory_job_store.query_one({"uuid": job_b.uuid}, load=True)["output"]
    assert "@class" in raw_a
    assert compare_profiles(raw_a, raw_b).common_sides == ["electrode", "electrolyte"]
    b_doc = responses[job_b.uuid][1].output
    assert b_doc.interface_z_A == [20.5, 79.5] and b_doc.interface_source == "settings"


def test_maker_settings_are_typed_and_checked_when_built():
    from interfaceflow.errors import AnalysisError
    from interfaceflow.workflows.profiles import ProfileAnalysisMaker, ProfileAnalysisSettings

    maker = ProfileAnalysisMaker(
        settings={"charges": "formal", "stride": 2, "bin_width_A": 0.25, "t_start_fs": 1000.0}
    )
    assert isinstance(maker.settings, ProfileAnalysisSettings)
    assert maker.settings.stride == 2 and maker.settings.charges == "formal"
    assert maker.settings.analysis().bin_width_A == 0.25 and maker.settings.analysis().t_start_fs == 1000.0
    with pytest.raises(AnalysisError, match="unknown profiles setting bin_widht_A"):
        ProfileAnalysisMaker(settings={"bin_widht_A": 0.25})
    with pytest.raises(AnalysisError, match="invalid profiles setting bin_width_A"):
        ProfileAnalysisMaker(settings={"bin_width_A": -1})

def test_formal_charges_at_a_metal_contact_go_into_the_electrode_by_default(tmp_path):
    """As in a recipe: with an 'electrode' region the net formal charge of a Li | LLZO contact is
    the metal's; --compensating-region none asks for a neutral cell and fails on this one."""
    from ase.io import write

    from interfaceflow.structures.builder import build_interface

    atoms = build_interface("Li", "LLZO", max_atoms=400, electrode_miller=(1, 0, 0),
                            electrolyte_miller=(1, 0, 0), vacuum_A=0.0, gap_A=2.0).atoms
    frames = []
    for shift in (0.0, 0.02, 0.04):
        frame = atoms.copy()
        frame.positions[:, 0] += shift
        frames.append(frame)
    path = tmp_path / "li_llzo.extxyz"
    write(path, frames, format="extxyz")
    result = CliRunner().invoke(app, ["analyze", "profiles", str(path), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["neutral"] is False and out["max_abs_total_charge_e"] > 1
    assert any("region 'electrode'" in w for w in out["warnings"])
    strict = CliRunner().invoke(app, ["analyze", "profiles", str(path), "--compensating-region", "none"])
    assert strict.exit_code == 2 and "not neutral" in strict.output
