"""Arrhenius fit on synthetic data with known Ea; the Arrhenius flow end to end with SevenNet."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from interfaceflow.analysis.arrhenius import KB_EV_PER_K, ArrheniusResult, fit_arrhenius
from interfaceflow.analysis.diffusion import DiffusionResult, nernst_einstein_conductivity
from interfaceflow.errors import AnalysisError, RecipeError

EA, D0 = 0.25, 1e-3  # eV, cm^2/s
TEMPS = np.array([500.0, 600.0, 700.0, 800.0, 1000.0])


def arrhenius(temps, ea=EA, d0=D0):
    return d0 * np.exp(-ea / (KB_EV_PER_K * np.asarray(temps)))


def test_exact_data_recovered():
    fit = fit_arrhenius(TEMPS, arrhenius(TEMPS), 0.05 * arrhenius(TEMPS))
    assert fit.Ea_eV == pytest.approx(EA, rel=1e-10)
    assert fit.D0_cm2_per_s == pytest.approx(D0, rel=1e-9)
    assert fit.chi2_reduced == pytest.approx(0.0, abs=1e-12)
    d300, d300_err = fit.predict(300.0)
    assert d300 == pytest.approx(arrhenius(300.0), rel=1e-9)
    # error propagation by hand: var ln D(T) = var lnD0 + var Ea / (kT)^2 - 2 cov / (kT)
    kt = KB_EV_PER_K * 300.0
    cov = fit.covariance
    by_hand = np.sqrt(cov[0, 0] + cov[1, 1] / kt**2 - 2 * cov[0, 1] / kt)
    assert d300_err == pytest.approx(d300 * by_hand, rel=1e-9)
    # with 5 % errors on every point, Ea is known to about (0.05 / spread of 1/kT) eV
    assert 0.005 < fit.Ea_err_eV < 0.05


def test_noisy_data_errors_are_calibrated():
    rng = np.random.default_rng(0)
    pulls_ea, pulls_d300 = [], []
    for _ in range(300):
        rel = 0.1
        d = arrhenius(TEMPS) * np.exp(rng.normal(scale=rel, size=len(TEMPS)))
        fit = fit_arrhenius(TEMPS, d, rel * d, inflate_by_chi2=False)
        pulls_ea.append((fit.Ea_eV - EA) / fit.Ea_err_eV)
        ln_d300, ln_err = fit.ln_D(300.0)
        pulls_d300.append((ln_d300 - np.log(arrhenius(300.0))) / ln_err)
    for pulls in (np.array(pulls_ea), np.array(pulls_d300)):
        assert abs(pulls.mean()) < 0.2
        assert 0.85 < pulls.std() < 1.15


def test_scatter_beyond_error_bars_inflates_errors():
    rng = np.random.default_rng(1)
    d = arrhenius(TEMPS) * np.exp(rng.normal(scale=0.3, size=len(TEMPS)))
    tight = fit_arrhenius(TEMPS, d, 0.01 * d, inflate_by_chi2=False)
    inflated = fit_arrhenius(TEMPS, d, 0.01 * d)
    assert inflated.chi2_reduced > 10
    assert inflated.Ea_err_eV == pytest.approx(tight.Ea_err_eV * np.sqrt(inflated.chi2_reduced))
    unweighted = fit_arrhenius(TEMPS, d)
    assert not unweighted.weighted and np.isfinite(unweighted.Ea_err_eV)


def test_fit_errors():
    with pytest.raises(AnalysisError, match="two or more temperatures"):
        fit_arrhenius([500.0], [1e-6])
    with pytest.raises(AnalysisError, match="positive finite D"):
        fit_arrhenius([500.0, 600.0], [1e-6, -1e-7])


def _result(temp, d, d_err, density=0.03, region=None):
    return DiffusionResult(
        species="Li",
        region=region,
        direction="xyz",
        n_dims=3,
        D_cm2_per_s=d,
        D_err_cm2_per_s=d_err,
        fit_window_fs=(10.0, 1000.0),
        fit_intercept_A2=0.0,
        diffusive_regime_found=True,
        msd_at_window_end_A2=20.0,
        n_atoms=10,
        mean_occupancy=10.0,
        n_independent_samples=40.0,
        n_frames=200,
        frame_interval_fs=10.0,
        block_by="atoms",
        block_D_cm2_per_s=[],
        temperature_K=temp,
        number_density_per_A3=density,
        haven_ratio=0.5,
    )


def test_result_from_diffusion_results_gives_room_temperature_sigma():
    d = arrhenius(TEMPS)
    results = [_result(t, di, 0.05 * di) for t, di in zip(TEMPS[::-1], d[::-1])]
    results.append(_result(1200.0, -1e-6, 1e-7))  # failed point: left out with a warning
    with pytest.warns(UserWarning, match="not > 0"):
        doc = ArrheniusResult.from_diffusion_results(results)
    assert doc.temperatures_K == sorted(TEMPS.tolist())
    assert doc.Ea_eV == pytest.approx(EA, rel=1e-9)
    assert doc.D_300K_cm2_per_s == pytest.approx(arrhenius(300.0), rel=1e-9)
    sigma = nernst_einstein_conductivity(arrhenius(300.0), 0.03, 300.0, haven_ratio=0.5)
    assert doc.haven_ratio == 0.5
    assert doc.conductivity_300K_S_per_cm == pytest.approx(sigma, rel=1e-9)
    assert doc.conductivity_300K_err_S_per_cm == pytest.approx(sigma * doc.ln_D_300K_err, rel=1e-9)
    assert doc.D_300K_err_cm2_per_s == pytest.approx(doc.D_300K_cm2_per_s * doc.ln_D_300K_err)
    with pytest.raises(AnalysisError, match="mixed"):
        ArrheniusResult.from_diffusion_results(
            [_result(500, 1e-6, 1e-7), _result(600, 2e-6, 1e-7, region="a")]
        )


def test_fit_per_region_from_documents():
    from interfaceflow.workflows.transport import DiffusionAnalysisDocument, fit_arrhenius_results

    docs = []
    for temp in TEMPS:
        fast, slow = arrhenius(temp, ea=0.2), arrhenius(temp, ea=0.4)
        docs.append(
            DiffusionAnalysisDocument(
                trajectory_path=f"md_{temp}.h5",
                temperature_K=temp,
                results=[
                    _result(temp, fast, 0.05 * fast, region="electrolyte"),
                    _result(temp, slow, 0.05 * slow, region="coating"),
                ],
            ).model_dump()
        )  # as jobflow hands them over: plain dicts
    out = fit_arrhenius_results(docs)
    assert out.fit("electrolyte").Ea_eV == pytest.approx(0.2, rel=1e-9)
    assert out.fit("coating").Ea_eV == pytest.approx(0.4, rel=1e-9)
    assert (
        out.fit("coating").conductivity_300K_S_per_cm
        < out.fit("electrolyte").conductivity_300K_S_per_cm
    )


def test_analysis_maker_settings_are_typed_and_checked_when_built():
    from interfaceflow.workflows.transport import DiffusionAnalysisMaker, DiffusionAnalysisSettings

    maker = DiffusionAnalysisMaker(settings={"species": "Na", "stride": 5, "directions": ["xy"]})
    assert isinstance(maker.settings, DiffusionAnalysisSettings)
    assert maker.settings.stride == 5 and maker.settings.analysis().species == "Na"
    assert not hasattr(maker.settings.analysis(), "stride")
    with pytest.raises(AnalysisError, match="unknown diffusion setting specie; use species"):
        DiffusionAnalysisMaker(settings={"specie": "Li"})
    with pytest.raises(AnalysisError, match="invalid diffusion setting end_fraction"):
        DiffusionAnalysisMaker(settings={"end_fraction": 2.0})


def test_temperature_set_on_nested_md_maker():
    from interfaceflow.workflows.md import InterfaceMDMaker
    from interfaceflow.workflows.transport import ArrheniusMaker, _maker_at_temperature

    default = ArrheniusMaker().md_maker
    assert isinstance(default, InterfaceMDMaker) and default.settings.ensemble == "nvt_langevin"
    md = _maker_at_temperature(InterfaceMDMaker(settings={"steps": 5}), 750.0)
    assert (
        md.settings.temperature_K == 750.0
        and md.settings.steps == 5
        and md.name.endswith("750K")
    )
    with pytest.raises(RecipeError, match="two or more distinct temperatures"):
        ArrheniusMaker(temperatures_K=[600.0, 600.0]).make(None)

    class NoTemperature:  # a maker the flow cannot set a temperature on
        name = "x"

    with pytest.raises(RecipeError, match="cannot set the temperature"):
        _maker_at_temperature(NoTemperature(), 500.0)


def test_arrhenius_maker_from_recipe():
    from interfaceflow.workflows.recipe import Recipe
    from interfaceflow.workflows.transport import ArrheniusMaker

    recipe = Recipe(
        name="bulk",
        electrode="Li",
        electrolyte="Li6PS5Cl",
        md={"timestep_fs": 1.0, "steps": 50, "traj_interval": 1},
        analyses={"diffusion": {"directions": ["xy"], "stride": 2}},
    )
    maker = ArrheniusMaker.from_recipe(recipe, [500.0, 700.0], haven_ratio=0.4)
    assert maker.temperatures_K == [500.0, 700.0] and maker.haven_ratio == 0.4
    assert maker.md_maker.settings.steps == 50 and maker.md_maker.settings.timestep_fs == 1.0
    assert maker.analysis_maker.settings.stride == 2
    assert maker.analysis_maker.settings.directions == ["xy"]
    flow = maker.make(None)  # jobs are only built here, nothing runs
    assert [j.name for j in flow.jobs][-1] == "bulk arrhenius fit"
    assert sum(j.name.startswith("bulk md") for j in flow.jobs) == 2


@pytest.mark.slow
def test_arrhenius_flow_end_to_end_with_sevennet(tmp_path, monkeypatch):
    """MD (SevenNet-0, Li2S conventional cell, 12 atoms) at three temperatures, analysis, fit.

    The cell is labelled as two regions (lower and upper half) to run the per-region path too.
    60 fs of MD is noise physically: the test checks that every number is stored and finite.
    """
    import torch
    from jobflow import JobStore, run_locally
    from maggma.stores import MemoryStore
    from pymatgen.core import Lattice, Structure

    from interfaceflow.workflows.md import InterfaceMDMaker
    from interfaceflow.workflows.transport import ArrheniusMaker, DiffusionAnalysisMaker

    torch.set_num_threads(1)
    monkeypatch.chdir(tmp_path)
    li2s = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(5.70), ["Li", "S"], [[0.25, 0.25, 0.25], [0, 0, 0]]
    )
    li2s.add_site_property(
        "region", ["electrolyte" if s.frac_coords[2] < 0.5 else "coating" for s in li2s]
    )
    maker = ArrheniusMaker(
        temperatures_K=[600.0, 900.0, 1200.0],
        md_maker=InterfaceMDMaker(
            calculator={"plugin": "sevennet", "device": "cpu"},
            progress=False,
            settings={
                "steps": 30,
                "timestep_fs": 2.0,
                "traj_interval": 2,
                "checkpoint_interval": 30,
                "exact_restart": False,
            },
        ),
        analysis_maker=DiffusionAnalysisMaker(settings={"plot": False}),  # region labels used: the file has them
    )
    flow = maker.make(li2s)
    store = JobStore(MemoryStore(), additional_stores={"data": MemoryStore()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 60 fs of MD: thin-statistics warnings are expected
        responses = run_locally(flow, store=store, create_folders=True, ensure_success=True)
    assert len(responses) == 7  # 3 MD + 3 analyses + 1 fit

    fit_doc = store.query_one({"name": "arrhenius fit"}, load=True)["output"]
    # 60 fs per temperature is vibration, not diffusion: no D is a diffusion coefficient, so no
    # activation energy is fitted; each of the 9 (region, direction) pairs (whole cell and both
    # region labels, xyz/xy/z) says why instead
    assert fit_doc["fits"] == [] and fit_doc["plot_paths"] == []
    assert len(fit_doc["notes"]) == 9
    assert all("diffusive regime at 0 of 3 temperatures" in note for note in fit_doc["notes"])
    assert {note.split(" (")[0] for note in fit_doc["notes"]} == {
        "Li in the whole cell", "Li in coating", "Li in electrolyte"}

    analysis = store.query_one({"name": "diffusion 900K"}, load=False)["output"]
    res = analysis["results"][0]
    assert res["temperature_K"] == 900.0 and res["frame_interval_fs"] == pytest.approx(4.0)
    assert res["n_frames"] == 16 and res["warnings"]  # thin statistics are reported
    # the per-lag arrays went to the data store, not the docs store
    assert "blob_uuid" in res["arrays"]
    loaded = store.query_one({"name": "diffusion 900K"}, load=True)["output"]["results"][0]
    assert len(loaded["arrays"]["msd_A2"]) == 16
