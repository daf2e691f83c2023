"""MSD machinery: FFT equals the direct loop; unwrapping, drift removal, residence segments."""

from __future__ import annotations

import numpy as np
import pytest

from interfaceflow.analysis.msd import (
    direction_axes,
    msd_direct,
    msd_sums,
    remove_drift,
    residence_segments,
    segment_msd_sums,
    unwrap_positions,
    wrapped_z,
)
from interfaceflow.errors import AnalysisError


def brownian(n_frames, n_atoms, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.normal(scale=scale, size=(n_frames, n_atoms, 3)), axis=0)


def test_fft_equals_direct_per_axis_and_group():
    x = brownian(257, 13) + 50.0  # large offsets test the precision of the FFT identity
    groups = np.arange(13) % 4
    sums = msd_sums(x, groups)
    lags = np.arange(257)
    np.testing.assert_allclose(
        sums.msd((0, 1, 2)), msd_direct(x, lags).sum(axis=1), rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(sums.msd((2,)), msd_direct(x, lags)[:, 2], rtol=1e-9, atol=1e-9)
    for g in range(4):
        members = x[:, groups == g]
        np.testing.assert_allclose(
            sums.group_msd((0, 1))[g],
            msd_direct(members, lags)[:, :2].sum(axis=1),
            rtol=1e-9,
            atol=1e-9,
        )
    np.testing.assert_array_equal(sums.counts.sum(axis=0), 13 * (257 - lags))
    # max_lag truncates without changing the values
    short = msd_sums(x, groups, max_lag=40)
    np.testing.assert_allclose(short.msd(), sums.msd()[:41], rtol=1e-12)


def test_segment_sums_match_brute_force():
    rng = np.random.default_rng(3)
    x = brownian(120, 6, seed=3)
    inside = rng.random((120, 6)) < 0.85
    atoms, starts, lengths = residence_segments(inside)
    assert np.all(lengths >= 2)
    # every kept segment is a maximal run of True
    for a, s, n in zip(atoms, starts, lengths):
        assert inside[s : s + n, a].all()
        assert (s == 0 or not inside[s - 1, a]) and (s + n == 120 or not inside[s + n, a])
    sums = segment_msd_sums(x, atoms, starts, lengths, atoms % 2)
    num = np.zeros(120)
    cnt = np.zeros(120)
    for a, s, n in zip(atoms, starts, lengths):
        seg = x[s : s + n, a]
        for m in range(n):
            num[m] += ((seg[m:] - seg[: n - m]) ** 2).sum()
            cnt[m] += n - m
    np.testing.assert_array_equal(sums.counts.sum(axis=0), cnt)
    expected = np.where(cnt > 0, num / np.maximum(cnt, 1), np.nan)
    np.testing.assert_allclose(sums.msd(), expected, rtol=1e-9, atol=1e-9)


def test_unwrap_triclinic_and_changing_cell():
    true = brownian(300, 8, seed=1, scale=0.4)
    base = np.array([[5.0, 0.0, 0.0], [2.0, 6.0, 0.0], [1.0, 1.5, 7.0]])
    scale = 1.0 + 0.02 * np.sin(np.linspace(0, 6, 300))  # breathing cell (NPT-like)
    cells = base[None] * scale[:, None, None]
    # wrap frame by frame: each frame is the previous wrapped one plus the true step, put back into
    # the current cell (the displacement-preserving convention of von Bülow et al. 2020 for NPT)
    wrapped = np.empty_like(true)
    current = true[0]
    for f in range(300):
        if f:
            current = wrapped[f - 1] + (true[f] - true[f - 1])
        frac = current @ np.linalg.inv(cells[f])
        wrapped[f] = (frac - np.floor(frac)) @ cells[f]
    unwrapped = unwrap_positions(wrapped, cells)
    np.testing.assert_allclose(unwrapped - unwrapped[0], true - true[0], atol=1e-9)
    assert np.ptp(wrapped[..., 0]) < 14 and np.ptp(unwrapped[..., 0]) > np.ptp(wrapped[..., 0])
    # non-periodic axes are left alone
    free = unwrap_positions(wrapped, cells, pbc=(False, False, False))
    np.testing.assert_array_equal(free, wrapped)


def test_remove_drift_subtracts_framework_com():
    x = brownian(50, 4, seed=2)
    drift = np.linspace(0, 10, 50)[:, None] * np.array([1.0, -2.0, 0.5])
    framework = np.array([False, False, True, True])
    frozen = np.repeat(x[:1], 50, axis=0)
    shifted = np.where(framework[None, :, None], frozen, x) + drift[:, None, :]
    corrected = remove_drift(shifted, framework, masses=np.array([7.0, 7.0, 32.0, 31.0]))
    np.testing.assert_allclose(corrected[:, :2], x[:, :2], atol=1e-9)
    np.testing.assert_allclose(corrected[:, 2:], frozen[:, 2:], atol=1e-9)
    with pytest.raises(AnalysisError, match="framework"):
        remove_drift(shifted, np.zeros(4, bool))


def test_directions_and_wrapped_z():
    assert direction_axes("xy") == (0, 1) and direction_axes("normal") == (2,)
    assert direction_axes("total") == (0, 1, 2)
    with pytest.raises(AnalysisError, match="unknown direction"):
        direction_axes("diagonal")
    pos = np.array([[[0.0, 0.0, -1.0], [0.0, 0.0, 21.0]]])
    np.testing.assert_allclose(wrapped_z(pos, np.diag([5.0, 5.0, 20.0]), [True] * 3), [[19.0, 1.0]])
    with pytest.raises(AnalysisError, match="xy plane"):
        wrapped_z(pos, np.array([[5.0, 0, 1.0], [0, 5.0, 0], [0, 0, 20.0]]), [True] * 3)
