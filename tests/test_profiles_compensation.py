"""Charged formal-charge models at metal interfaces: compensation in the metal region only."""

from __future__ import annotations

import numpy as np
import pytest

from interfaceflow.analysis.profiles import ProfileSettings, neutral_charges
from interfaceflow.errors import AnalysisError


def test_net_charge_is_carried_by_the_compensating_region_only():
    regions = np.array(["electrode"] * 4 + ["electrolyte"] * 4)
    q = np.array([[0, 0, 0, 1.0, 1, 1, -2, 1]])  # one interfacial Li+ in the metal: +2 e net
    window = np.array([True])
    settings = ProfileSettings(compensating_region="electrode")
    fixed, total, report = neutral_charges(q, 1, 8, window, settings, "formal", regions)
    assert not report.neutral
    assert total[0] == pytest.approx(2.0)
    assert fixed.sum() == pytest.approx(0.0)
    np.testing.assert_allclose(fixed[0, 4:], q[0, 4:])          # electrolyte untouched
    np.testing.assert_allclose(fixed[0, :4], q[0, :4] - 0.5)    # electrons in the metal


def test_unknown_compensating_region_is_an_error():
    regions = np.array(["electrolyte"] * 2)
    with pytest.raises(AnalysisError, match="matches no atom"):
        neutral_charges(np.array([[1.0, 0.0]]), 1, 2, np.array([True]),
                        ProfileSettings(compensating_region="electrode"), "formal", regions)


def test_relative_permittivity_screens_field_and_potential():
    from interfaceflow.analysis.profiles import compute_profiles

    rng = np.random.default_rng(0)
    n = 200
    positions = rng.uniform(0, 10, size=(1, n, 3))
    positions[0, :, 2] = np.where(np.arange(n) < n // 2, 2.0, 7.0)  # two opposite charge sheets
    charges = np.where(np.arange(n) < n // 2, 1.0, -1.0)[None, :]
    cells = np.diag([10.0, 10.0, 10.0])[None]
    numbers = np.full(n, 3)
    common = dict(charges_e=charges, pbc=np.array([True, True, True]))
    vacuum = compute_profiles(positions, cells, numbers, **common,
                              settings=ProfileSettings(n_blocks=1, interface_z_A=[4.5, 9.5]))
    screened = compute_profiles(positions, cells, numbers, **common,
                                settings=ProfileSettings(n_blocks=1, interface_z_A=[4.5, 9.5],
                                                         relative_permittivity=8.0))
    phi_v, phi_s = np.asarray(vacuum.arrays["potential_V"]), np.asarray(screened.arrays["potential_V"])
    assert np.ptp(phi_v) > 1.0
    np.testing.assert_allclose(phi_s, phi_v / 8.0, rtol=1e-9, atol=1e-12)
