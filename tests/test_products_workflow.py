"""The products and thermodynamic-reference makers as jobflow jobs."""

from __future__ import annotations

import pytest
from ase import Atoms
from ase.io import write
from jobflow import Flow, run_locally
from builders import disulfide_to_sulfide_trajectory
from builders import small_li_p_s_cl_phases

from interfaceflow.errors import AnalysisError
from interfaceflow.workflows.products import (
    ProductsAnalysisDocument,
    ProductsAnalysisMaker,
    ThermoReferenceDocument,
    ThermoReferenceMaker,
    compare_products,
)


@pytest.fixture
def extxyz_trajectory(tmp_path):
    traj, _ = disulfide_to_sulfide_trajectory(n_frames=5)
    images = []
    for f in range(traj.n_frames):
        atoms = Atoms(numbers=traj.numbers, positions=traj.positions_A[f], cell=traj.cells_A[f], pbc=True)
        atoms.info["time_fs"] = float(traj.times_fs[f])
        images.append(atoms)
    path = tmp_path / "reaction.extxyz"
    write(path, images, format="extxyz")
    return str(path)


def test_products_maker_routes_arrays_to_data_store(extxyz_trajectory, memory_job_store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    maker = ProductsAnalysisMaker(settings={"references": ["Li2S"], "bin_width_A": 2.0, "plot": False})
    job = maker.make(extxyz_trajectory, interface_z_A=[0.0])
    responses = run_locally(job, store=memory_job_store, create_folders=False, ensure_success=True)
    doc = responses[job.uuid][1].output
    assert isinstance(doc, ProductsAnalysisDocument)
    assert doc.n_frames == 5 and doc.classification == "passivating"
    assert "Li2S" in doc.growing_products
    assert doc.final_fragment_counts == {"S": 96}
    assert len(doc.arrays["interphase_thickness_A"]) == 5
    stored = memory_job_store.query_one({"uuid": job.uuid}, load=False)
    # the docs store holds a reference to the data store instead of the per-frame arrays
    assert "@class" in stored["output"]["arrays"] or "blob_uuid" in stored["output"]["arrays"]
    loaded = memory_job_store.query_one({"uuid": job.uuid}, load=True)
    assert loaded["output"]["arrays"]["fragment_counts"]["S"][-1] == 96


def test_products_maker_rejects_unknown_settings_when_the_flow_is_built():
    with pytest.raises(AnalysisError, match="unknown products setting bin_widht_A; use .*bin_width_A"):
        ProductsAnalysisMaker(settings={"bin_widht_A": 2.0, "plot": False})


def test_compare_products_rows():
    rows = compare_products({"Li2S": 0.7, "Li3P": 0.15, "LiCl": 0.15}, {"Li2S": 0.4, "Li15Ge4": 0.1})
    by_phase = {r.phase: r for r in rows}
    assert [r.phase for r in rows] == ["Li15Ge4", "Li2S", "Li3P", "LiCl"]
    assert by_phase["Li2S"].predicted and by_phase["Li2S"].observed
    assert not by_phase["Li15Ge4"].predicted and by_phase["Li15Ge4"].observed
    assert by_phase["Li3P"].observed_gain is None


@pytest.mark.slow
def test_thermo_maker_feeds_predicted_products(extxyz_trajectory, memory_job_store, pytestconfig, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    extra = {name: s.as_dict() for name, s in small_li_p_s_cl_phases().items()}
    cache = pytestconfig.cache.mkdir("interfaceflow-thermo") if pytestconfig.cache else tmp_path / "cache"
    thermo = ThermoReferenceMaker(
        phases=[], extra_structures=extra, settings={"steps": 3}, cache_dir=str(cache),
        calculator={"plugin": "sevennet", "model": "7net-0", "device": "cpu", "dtype": "float32"},
    ).make("Li6PS5Cl", "Li")
    products = ProductsAnalysisMaker(settings={"references": ["Li2S", "Li3P", "LiCl"]}).make(
        extxyz_trajectory, interface_z_A=0.0, thermo=thermo.output
    )
    responses = run_locally(Flow([thermo, products]), store=memory_job_store, create_folders=False, ensure_success=True)
    tdoc = responses[thermo.uuid][1].output
    pdoc = responses[products.uuid][1].output
    assert isinstance(tdoc, ThermoReferenceDocument)
    assert set(tdoc.predicted_products) <= {"Li2S", "Li3P", "LiCl", "P", "S", "Cl2", "Li"}
    assert tdoc.window_lower_V < tdoc.window_upper_V
    rows = {r.phase: r for r in pdoc.predicted_vs_observed}
    assert rows["Li2S"].predicted and rows["Li2S"].observed
    assert any(p.endswith("predicted_vs_observed.png") for p in pdoc.plot_paths)
