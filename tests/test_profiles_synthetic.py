"""Space-charge profiles on synthetic data with known answers (also provides generators for
tests/test_profiles_cli.py)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import erf

from interfaceflow.analysis.profiles import (
    EPSILON0_E_PER_V_A,
    ProfileSettings,
    build_geometry,
    compute_profiles,
    fit_layer_width,
    interface_planes_from_regions,
    solve_poisson_1d,
)
from builders import depleted_sandwich, sample_depth_profile  # noqa: F401
from interfaceflow.errors import AnalysisError

# --------------------------------------------------------------------------------------------
# generators
# --------------------------------------------------------------------------------------------


def uniform_bulk(n_frames=40, seed=1):
    """Li3PS4-stoichiometry ideal gas in a 14 x 14 x 40 Å periodic box, formal charges."""
    rng = np.random.default_rng(seed)
    numbers = np.array([3] * 300 + [15] * 100 + [16] * 400)
    cell = np.diag([14.0, 14.0, 40.0])
    positions = rng.uniform(size=(n_frames, len(numbers), 3)) * np.diag(cell)
    charges = np.select([numbers == 3, numbers == 15], [1.0, 5.0], -2.0)
    return positions, cell, numbers, charges


def charge_sheets(
    *, slab: bool, sigma_atoms=40, area_side=20.0, z_plus=30.25, z_minus=40.25, seed=2
):
    """Two opposite sheets of ±1 e atoms in a neutral filler (slab: filler only in 25..45 Å)."""
    rng = np.random.default_rng(seed)
    length = 80.0
    filler_lo, filler_hi = (25.0, 45.0) if slab else (0.0, length)
    n_filler = int(10 * (filler_hi - filler_lo))
    frames = []
    for _ in range(2):
        z = np.concatenate([
            np.full(sigma_atoms, z_plus), np.full(sigma_atoms, z_minus),
            rng.uniform(filler_lo, filler_hi, n_filler),
        ])
        xy = rng.uniform(0, area_side, size=(len(z), 2))
        frames.append(np.column_stack([xy, z]))
    numbers = np.array([3] * sigma_atoms + [9] * sigma_atoms + [18] * n_filler)
    charges = np.select([numbers == 3, numbers == 9], [1.0, -1.0], 0.0)
    sigma = sigma_atoms / area_side**2
    return np.array(frames), np.diag([area_side, area_side, length]), numbers, charges, sigma


# --------------------------------------------------------------------------------------------
# Poisson: analytic sheet capacitor within 1 %
# --------------------------------------------------------------------------------------------


def _smeared_sheet(n, h, z0, sigma, width):
    edges = np.arange(n + 1) * h
    cdf = erf((edges - z0) / (np.sqrt(2) * width))
    frac = 0.5 * (cdf[1:] - cdf[:-1])
    return sigma * frac / h


@pytest.mark.parametrize("method", ["integral", "fft"])
def test_poisson_periodic_two_sheets(method):
    length, n, sigma = 60.0, 1200, 0.01
    h = length / n
    z = (np.arange(n) + 0.5) * h
    rho = _smeared_sheet(n, h, 20.0, sigma, 0.3) + _smeared_sheet(n, h, 30.0, -sigma, 0.3)
    field, potential = solve_poisson_1d(rho, h, boundary="periodic", method=method)
    e0 = sigma / EPSILON0_E_PER_V_A
    inside = (z > 22) & (z < 28)
    outside = (z > 35) & (z < 55)
    np.testing.assert_allclose(field[inside], e0 * (length - 10) / length, rtol=0.01)
    np.testing.assert_allclose(field[outside], -e0 * 10 / length, rtol=0.01)
    # potential: linear with slope -E; periodic
    i, j = np.searchsorted(z, 22), np.searchsorted(z, 28)
    expected = -e0 * (length - 10) / length * (z[j] - z[i])
    np.testing.assert_allclose(potential[j] - potential[i], expected, rtol=0.01)
    assert abs(potential.mean()) < 1e-9 * e0


def test_poisson_slab_dipole_correction_matches_capacitor():
    length, n, sigma = 60.0, 1200, 0.01
    h = length / n
    z = (np.arange(n) + 0.5) * h
    rho = _smeared_sheet(n, h, 20.0, sigma, 0.3) + _smeared_sheet(n, h, 30.0, -sigma, 0.3)
    field, potential = solve_poisson_1d(rho, h, boundary="slab", vacuum_bin=int(45 / h))
    e0 = sigma / EPSILON0_E_PER_V_A
    np.testing.assert_allclose(field[(z > 22) & (z < 28)], e0, rtol=0.01)
    assert np.all(np.abs(field[(z > 32) & (z < 58)]) < 0.01 * e0)
    assert np.all(np.abs(field[(z > 1) & (z < 18)]) < 0.01 * e0)
    step = potential[np.searchsorted(z, 35)] - potential[np.searchsorted(z, 15)]
    np.testing.assert_allclose(step, -e0 * 10.0, rtol=0.01)


@pytest.mark.parametrize("slab", [True, False])
def test_charge_sheets_from_atoms(slab):
    positions, cell, numbers, charges, sigma = charge_sheets(slab=slab)
    settings = ProfileSettings(bin_width_A=0.5, n_blocks=2, boundary="auto")
    result = compute_profiles(positions, cell, numbers, charges_e=charges, settings=settings)
    assert result.boundary == ("slab" if slab else "periodic")
    z = np.array(result.arrays["z_A"])
    field = np.array(result.arrays["field_V_per_A"])
    potential = np.array(result.arrays["potential_V"])
    e0 = sigma / EPSILON0_E_PER_V_A
    inside = (z > 32) & (z < 38)
    if slab:
        np.testing.assert_allclose(field[inside], e0, rtol=0.01)
        outside = ((z > 26) & (z < 29)) | ((z > 42) & (z < 44))
        assert np.all(np.abs(field[outside]) < 0.01 * e0)
        drop = potential[np.searchsorted(z, 43)] - potential[np.searchsorted(z, 27)]
        np.testing.assert_allclose(drop, -e0 * 10.0, rtol=0.01)
    else:
        np.testing.assert_allclose(field[inside], e0 * 70 / 80, rtol=0.01)
        outside = (z > 45) & (z < 75)
        np.testing.assert_allclose(field[outside], -e0 * 10 / 80, rtol=0.01)
    # total charge per unit area in the charge-density profile is exact
    rho = np.array(result.arrays["charge_density_e_per_A3"])
    np.testing.assert_allclose(rho[z < 35].sum() * result.bin_width_A, sigma, rtol=1e-9)


# --------------------------------------------------------------------------------------------
# Uniform bulk: flat profiles within noise
# --------------------------------------------------------------------------------------------


def test_uniform_bulk_is_flat_within_noise():
    positions, cell, numbers, charges = uniform_bulk()
    n_frames = len(positions)
    settings = ProfileSettings(
        bin_width_A=1.0, n_blocks=10, interface_z_A=[10.0, 30.0], bulk_margin_A=4.0
    )
    result = compute_profiles(positions, cell, numbers, charges_e=charges, settings=settings)
    assert result.boundary == "periodic" and result.sides == ["side_0", "side_1"]
    volume = float(np.prod(np.diag(cell)))
    bin_volume = volume / result.n_bins
    for symbol, count in (("Li", 300), ("P", 100), ("S", 400)):
        density = np.array(result.arrays["density_per_A3"][symbol])
        expected = count / volume
        counts = density * bin_volume * n_frames
        expected_counts = expected * bin_volume * n_frames
        chi2_per_bin = np.mean((counts - expected_counts) ** 2 / expected_counts)
        assert 0.4 < chi2_per_bin < 1.8, (symbol, chi2_per_bin)
    c_rel = np.array(result.arrays["li_concentration_rel"])
    noise = 1 / np.sqrt(300 / result.n_bins * n_frames)
    assert np.all(np.abs(c_rel - 1) < 5 * noise)
    errors = {
        "charge_density_e_per_A3": "charge_density_err_e_per_A3",
        "potential_V": "potential_err_V",
        "field_V_per_A": "field_err_V_per_A",
    }
    for key, err_key in errors.items():
        values, err = np.array(result.arrays[key]), np.array(result.arrays[err_key])
        assert np.all(err > 0)
        # deviations from flat are block noise: mean squared t-ratio ~ 9/7 for 10 blocks
        assert np.mean((values - values.mean()) ** 2 / err**2) < 2.5, key
    # no layer is invented, and the potential step is zero within its error
    assert set(result.layer_kind.values()) == {"none"}
    assert all(w == 0.0 for w in result.depletion_width_A.values())
    assert abs(result.potential_step_V) < 4 * result.potential_step_err_V
    assert result.neutral and result.max_abs_total_charge_e < 1e-9


# --------------------------------------------------------------------------------------------
# Hand-made Li-depleted layer: width and deficit recovered
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def depleted():
    data = depleted_sandwich(formed_after=40)
    settings = ProfileSettings(
        bin_width_A=0.5, bulk_margin_A=12.0, t_start_fs=400.0, n_blocks=5, n_time_blocks=6
    )
    result = compute_profiles(
        data["positions_A"], data["cells_A"], data["numbers"], energies_eV=data["energies_eV"],
        times_fs=data["times_fs"], regions=data["regions"], settings=settings,
        charges_e=np.zeros(len(data["numbers"])),
    )
    return data, result


def test_depleted_layer_width_and_deficit_recovered(depleted):
    data, result = depleted
    assert result.sides == ["electrode", "electrolyte"]
    assert result.interface_source == "regions"
    np.testing.assert_allclose(sorted(result.interface_z_A), data["planes"], atol=0.26)
    assert result.layer_kind["electrolyte"] == "depletion"
    assert result.depletion_method["electrolyte"] == "fit"
    np.testing.assert_allclose(result.depletion_width_A["electrolyte"], data["lam"], rtol=0.05)
    # bulk_margin_A = 12 Å = 4 lambda: the bulk estimate is 0.2 % low, the deficit ~3 % small
    np.testing.assert_allclose(
        result.li_excess_per_nm2["electrolyte"], data["deficit_per_nm2"], rtol=0.06
    )
    np.testing.assert_allclose(result.li_bulk_density_per_A3["electrolyte"], data["n_b"], rtol=0.05)
    np.testing.assert_allclose(result.li_bulk_density_per_A3["electrode"], data["n_a"], rtol=0.05)
    # the electrode has no layer
    assert result.layer_kind["electrode"] == "none"
    assert abs(result.li_excess_per_nm2["electrode"]) < 0.05 * abs(data["deficit_per_nm2"])
    # concentration at the interface is 1 - A
    z = np.array(result.arrays["z_A"])
    c_rel = np.array(result.arrays["li_concentration_rel"])
    near = (np.abs(z - 20.0) < 0.5) & (z > 20)
    assert abs(c_rel[near].mean() - (1 - 0.7 * np.exp(-0.25 / 3))) < 0.12
    assert result.li_excess_err_per_nm2["electrolyte"] > 0


def test_layer_forming_in_time_series(depleted):
    _, result = depleted
    series = result.time_series
    assert len(series.li_excess_per_nm2["electrolyte"]) == 6
    excess = series.li_excess_per_nm2["electrolyte"]
    first, last = excess[0], excess[-1]
    assert abs(first) < 0.3 * abs(last) and last < 0
    assert series.time_fs[0] < series.time_fs[-1]
    assert result.n_frames_window == 80 and result.time_window_fs[0] >= 400.0


def test_li_site_energy_profile(depleted):
    _, result = depleted
    np.testing.assert_allclose(result.li_site_energy_bulk_eV["electrode"], -2.0, atol=1e-9)
    np.testing.assert_allclose(result.li_site_energy_bulk_eV["electrolyte"], -1.0, atol=1e-9)
    z = np.array(result.arrays["z_A"])
    rel = np.array(result.arrays["li_site_energy_rel_eV"])
    close = (z > 20.3) & (z < 21.7)
    np.testing.assert_allclose(rel[close], 0.5, atol=1e-9)
    np.testing.assert_allclose(rel[(z > 40) & (z < 60)], 0.0, atol=1e-9)


def test_threshold_width_and_fallback():
    d = np.linspace(0.25, 15, 60)
    lam, amp, t = 2.0, 0.6, 0.1
    c = 1 - amp * np.exp(-d / lam)
    fit = fit_layer_width(d, c, threshold=t, bin_width_A=0.25)
    assert fit.method == "fit" and abs(fit.width_A - lam) < 0.01 and fit.kind == "depletion"
    # a layer that never recovers inside the sampled range cannot be fitted: threshold fallback
    flat = np.where(d < 12.0, 0.5, 0.5 + (d - 12.0) / 3 * 0.5)
    fallback = fit_layer_width(d, flat, threshold=t, bin_width_A=0.25)
    assert fallback.method == "threshold" and fallback.kind == "depletion"
    assert 12.0 < fallback.width_A <= 15.0
    # accumulation has negative amplitude
    acc = fit_layer_width(d, 1 + 0.8 * np.exp(-d / 1.5), threshold=t, bin_width_A=0.25)
    assert acc.kind == "accumulation" and abs(acc.width_A - 1.5) < 0.01
    # nothing above the threshold: no layer
    none = fit_layer_width(d, 1 + 0.02 * np.sin(d), threshold=t, bin_width_A=0.25)
    assert none.method == "none" and none.width_A == 0.0


def test_geometry_slab_and_errors():
    counts = np.zeros(100)
    counts[20:60] = 5.0
    geometry = build_geometry(counts, 1.0, 100.0, planes_A=[40.0], boundary="auto")
    assert geometry.boundary == "slab"
    assert geometry.vacuum_bin >= 60 or geometry.vacuum_bin < 20
    assert geometry.sides == ["side_0", "side_1"]
    assert geometry.contacts == {"side_0": 1, "side_1": 1}
    assert np.all(geometry.labels[60:] == "") and np.all(geometry.labels[:20] == "")
    # bulk bins of a slab stay away from the free surfaces as well as the interface
    assert not geometry.bulk[20:25].any() and not geometry.bulk[36:45].any()
    with pytest.raises(AnalysisError, match="boundary=periodic"):
        build_geometry(np.ones(50), 1.0, 10.0, planes_A=[], boundary="slab")
    planes = interface_planes_from_regions(
        np.stack([np.r_[np.ones(30), np.zeros(70)], np.r_[np.zeros(30), np.ones(70)]]), 1.0
    )
    np.testing.assert_allclose(planes, [0.0, 30.0], atol=1e-9)


def test_time_window_errors():
    positions, cell, numbers, charges = uniform_bulk(n_frames=3)
    with pytest.raises(AnalysisError, match="no frame times"):
        compute_profiles(positions, cell, numbers, settings=ProfileSettings(t_start_fs=10.0))
    with pytest.raises(AnalysisError, match="no frame lies"):
        compute_profiles(
            positions, cell, numbers, times_fs=np.arange(3.0),
            settings=ProfileSettings(t_start_fs=10.0),
        )


def test_npt_cell_change_uses_fractional_coordinates():
    """Frames with the same fractional coordinates in cells stretched along z bin identically."""
    positions, cell, numbers, _ = uniform_bulk(n_frames=1)
    frac = positions[0] / np.diag(cell)
    cells = np.array([np.diag([14.0, 14.0, 40.0 * (1 + 0.05 * i)]) for i in range(4)])
    stretched = np.einsum("nk,fkl->fnl", frac, cells)
    settings = ProfileSettings(n_bins=40, n_blocks=1)
    single = compute_profiles(positions, cell, numbers, settings=settings)
    moving = compute_profiles(stretched, cells, numbers, settings=settings)
    bin_volumes = np.linalg.det(cells) / 40
    counts = np.array(single.arrays["density_per_A3"]["S"]) * 14 * 14 * 40 / 40
    np.testing.assert_allclose(
        moving.arrays["density_per_A3"]["S"], counts * np.mean(1 / bin_volumes), rtol=1e-12
    )
    assert moving.cell_height_A == pytest.approx(np.mean(cells[:, 2, 2]))
