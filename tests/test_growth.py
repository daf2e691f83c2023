"""Interphase thickness, growth laws, consumption rate and classification."""

from __future__ import annotations

import numpy as np
import pytest
from builders import (
    disulfide_to_sulfide_trajectory,
    phase,
    structure_trajectory,
    trajectory,
)

from interfaceflow.analysis.growth import (
    PRODUCT_ELECTRONIC_CHARACTER,
    bin_deviation,
    classify_interphase,
    conducting_states,
    consumed_extent,
    consumption_rate,
    fit_growth_laws,
    growing_isolated_anions,
    growing_phases,
    interphase_thickness,
)
from interfaceflow.analysis.products import PhaseAssignment
from interfaceflow.analysis.speciation import speciate_trajectory


@pytest.mark.parametrize(("law", "exponent"), [("linear", 1.0), ("parabolic", 0.5)])
def test_growth_law_fits_recover_law_and_rate(law, exponent):
    t_ps = np.linspace(0, 4.0, 30)
    rng = np.random.default_rng(0)
    d = 6.0 * t_ps**exponent + rng.normal(0, 0.05, t_ps.size)
    fits = fit_growth_laws(t_ps, d)
    best = min(fits.values(), key=lambda f: f.aic)
    assert best.law == law
    assert best.k == pytest.approx(6.0, rel=0.02)
    # 6 Å/ps = 600 nm/ns; 6 Å/ps^0.5 = 0.6 nm · (1000/ns)^0.5
    assert best.rate_nm_per_ns == pytest.approx(6.0 * 0.1 * 1000**exponent, rel=0.02)


@pytest.mark.parametrize("law", ["linear", "parabolic"])
def test_interpolated_front_gives_monotone_thickness_and_right_law(law):
    traj, _ = disulfide_to_sulfide_trajectory(n_frames=9, law=law, repeats=(2, 2, 8))
    spec = speciate_trajectory(traj, interface_z_A=0.0)
    thickness, changed = interphase_thickness(spec)
    assert thickness[0] == 0.0
    assert np.all(np.diff(thickness) >= 0)
    # fit only the frames before the front reaches the end of the cell
    growing = thickness < thickness.max()
    t_ps = (spec.times_fs - spec.times_fs[0]) / 1000.0
    fits = fit_growth_laws(t_ps[growing], thickness[growing])
    assert min(fits.values(), key=lambda f: f.aic).law == law


def test_thermal_noise_alone_is_not_an_interphase():
    traj = structure_trajectory(phase("Li6PS5Cl") * (1, 1, 2), n_frames=6, noise_A=0.06, seed=5)
    spec = speciate_trajectory(traj)
    thickness, _ = interphase_thickness(spec)
    assert np.all(thickness == 0.0)
    tvd, changed = bin_deviation(spec.state_depth_counts)
    assert not changed.any()
    # sparse bins fluctuate (atoms crossing bin edges) but stay under the counting-noise threshold
    assert tvd.max() < 1.0


def test_consumption_rate_per_area_and_time():
    traj, _ = disulfide_to_sulfide_trajectory(n_frames=11)
    spec = speciate_trajectory(traj, interface_z_A=0.0)
    rate, fragment = consumption_rate(spec)
    assert fragment == "S2"
    counts = spec.fragment_counts[:, spec.fragment_labels.index("S2")]
    t_ps = spec.times_fs / 1000.0
    area_nm2 = spec.area_A2[0] / 100.0
    slope = np.polyfit(t_ps, counts, 1)[0]
    assert rate == pytest.approx(-slope / area_nm2)
    # two interfaces share the consumption; two S2 per formula unit halve it again
    rate2, _ = consumption_rate(spec, "S2", n_interfaces=2, fragments_per_formula_unit=2.0)
    assert rate2 == pytest.approx(rate / 4)


def test_reaction_extent_counts_the_fragments_gone_by_the_end():
    traj, _ = disulfide_to_sulfide_trajectory(n_frames=11)
    spec = speciate_trajectory(traj, interface_z_A=0.0)
    counts = spec.fragment_counts[:, spec.fragment_labels.index("S2")].astype(float)
    assert counts[-1] < counts[0]  # the constructed trajectory converts S2 into S
    per_nm2, fraction = consumed_extent(spec, "S2")
    lost = counts[0] - counts[-1:].mean()  # 11 frames: the last tenth is the last frame
    assert fraction == pytest.approx(lost / counts[0]) and 0 < fraction <= 1
    assert per_nm2 == pytest.approx(lost / (spec.area_A2[0] / 100.0))
    assert consumed_extent(spec, "PS4") == (None, None)  # not present


def _ge_to_alloy_trajectory():
    """Frame 0: diamond Ge + a Li-metal block; frame 1: the same atoms as an isolated-Ge Li alloy."""
    a = 5.66
    cell = np.diag([a, a, 30.0])
    diamond = a * np.array(
        [
            [0, 0, 0],
            [0.5, 0.5, 0],
            [0.5, 0, 0.5],
            [0, 0.5, 0.5],
            [0.25, 0.25, 0.25],
            [0.75, 0.75, 0.25],
            [0.75, 0.25, 0.75],
            [0.25, 0.75, 0.75],
        ]
    )
    li_metal = np.array(
        [[x, y, 15.0 + 1.42 * k] for k in range(4) for x, y in ((0, 0), (2.83, 2.83))]
        + [[x, y, 15.71 + 1.42 * k] for k in range(4) for x, y in ((2.83, 0), (0, 2.83))]
    )
    ge_alloy = np.array([[x, y, 3.5 * k] for k in range(4) for x, y in ((0, 0), (2.83, 2.83))])
    li_alloy = np.array(
        [[x, y, 3.5 * k] for k in range(4) for x, y in ((2.83, 0), (0, 2.83))]
        + [[x, y, 1.75 + 3.5 * k] for k in range(4) for x, y in ((1.415, 1.415), (4.245, 4.245))]
    )
    numbers = [32] * 8 + [3] * 16
    frames = [np.vstack([diamond, li_metal]), np.vstack([ge_alloy, li_alloy])]
    return trajectory(frames, numbers, cell)


def test_li_ge_alloy_formation_is_classified_mixed_conducting():
    spec = speciate_trajectory(_ge_to_alloy_trajectory())
    assert spec.fragment_counts[0, spec.fragment_labels.index("Ge_net")] == 1
    assert spec.fragment_counts[1, spec.fragment_labels.index("Ge")] == 8
    conducting = conducting_states(spec)
    assert conducting == {"Ge-4@Ge": pytest.approx(1.0)}
    verdict = classify_interphase({}, conducting)
    assert verdict.kind == "MIEC" and "Ge-4@Ge" in verdict.reason


def test_classification_from_product_table():
    assert PRODUCT_ELECTRONIC_CHARACTER["Li2S"] == "insulator"
    passivating = classify_interphase({"Li2S": 0.4, "Li3P": 0.2, "LiCl": 0.1})
    assert passivating.kind == "passivating"
    assert passivating.insulating_products == ["Li2S", "Li3P", "LiCl"]
    assert "Li2S" in passivating.reason
    miec = classify_interphase({"Li2S": 0.3, "Li15Ge4": 0.2})
    assert miec.kind == "MIEC" and miec.conducting_products == ["Li15Ge4"]
    assert classify_interphase({}).kind == "none"
    unknown = classify_interphase({"Xy2Q": 0.3})
    assert unknown.kind == "none" and "Xy2Q" in unknown.reason


def test_amorphous_isolated_sulfide_counts_as_passivating_product():
    traj, _ = disulfide_to_sulfide_trajectory(n_frames=6)
    spec = speciate_trajectory(traj, interface_z_A=0.0)
    amorphous = growing_isolated_anions(spec)
    assert amorphous == {"Li2S": pytest.approx(1.0)}
    verdict = classify_interphase({}, {}, amorphous=amorphous)
    assert verdict.kind == "passivating" and verdict.insulating_products == ["Li2S (amorphous)"]
    # isolated Ge is an alloy environment, never an amorphous "Li4Ge" insulator
    assert growing_isolated_anions(speciate_trajectory(_ge_to_alloy_trajectory())) == {}


def _assignment(fractions: np.ndarray, phases: list[str]) -> PhaseAssignment:
    n_frames, n_phases = fractions.shape
    return PhaseAssignment(
        phases=phases,
        frames=np.arange(n_frames),
        times_fs=10.0 * np.arange(n_frames),
        atom_phase=np.full((n_frames, 1), -1),
        atom_similarity=np.full((n_frames, 1), np.nan),
        phase_counts=np.zeros((n_frames, n_phases)),
        phase_fractions=fractions,
        phase_confidence=np.full((n_frames, n_phases), np.nan),
        phase_depth_counts=np.zeros((n_frames, n_phases, 1)),
        min_similarity=0.9,
    )


def test_growing_phases_need_a_gain_above_the_assignment_flicker():
    """Li2S grows 0 -> 0.3; Li3PS4 only flickers (sd 0.05) around a mean that drifts by 0.06."""
    rng = np.random.default_rng(4)
    n = 200
    li2s = np.clip(np.linspace(0.0, 0.3, n) + rng.normal(0, 0.01, n), 0, 1)
    flicker = np.clip(0.2 + np.linspace(0.0, 0.06, n) + rng.normal(0, 0.05, n), 0, 1)
    flicker[0] = 0.05  # a low first frame: against frame 0 alone the drift would read as +0.2
    grown = growing_phases(_assignment(np.column_stack([li2s, flicker]), ["Li2S", "Li3PS4"]))
    assert list(grown) == ["Li2S"]
    assert grown["Li2S"] == pytest.approx(0.27, abs=0.02)  # last tenth minus first tenth
    # the same drift with no flicker is real growth
    steady = 0.2 + np.linspace(0.0, 0.06, n)
    assert "Li3PS4" in growing_phases(_assignment(np.column_stack([li2s, steady]), ["Li2S", "Li3PS4"]))


def test_a_polyanion_phase_counts_only_when_its_polyanions_form():
    """Li7P3S11 read on the PS4 of a Li3PS4 electrolyte (an environment swap) is no product; it is
    one when its P2S7 forms. Isolated-anion and network phases are judged by environment alone."""
    from types import SimpleNamespace

    from interfaceflow.analysis.growth import products_with_new_fragments

    n = 20
    steady = np.full(n, 12.0)
    forming = np.linspace(0.0, 4.0, n)
    labels = {"Li7P3S11": {"PS4", "P2S7"}, "Li2S": {"S"}, "Co3O4": {"Co3O4_net"}}
    products = {"Li7P3S11": 0.3, "Li2S": 0.2, "Co3O4": 0.1}
    swap = SimpleNamespace(fragment_labels=["PS4", "P2S7"], fragment_counts=np.stack([steady, 0 * steady], 1))
    assert set(products_with_new_fragments(products, labels, swap)) == {"Li2S", "Co3O4"}
    reaction = SimpleNamespace(fragment_labels=["PS4", "P2S7"], fragment_counts=np.stack([steady, forming], 1))
    assert set(products_with_new_fragments(products, labels, reaction)) == set(products)
    noisy = np.tile([0.0, 3.0], n // 2)  # P2S7 flickering between 0 and 3 without growing
    flicker = SimpleNamespace(fragment_labels=["PS4", "P2S7"], fragment_counts=np.stack([steady, noisy], 1))
    assert "Li7P3S11" not in products_with_new_fragments(products, labels, flicker)


def test_cations_reduced_below_their_starting_state_conduct_electrons():
    """Ti4+ of a NASICON turning Ti3+ against Li (mixed valence: electron polarons hop) is an
    electronically conducting interphase; Ti that started as Ti3+ and stays so is not."""
    from types import SimpleNamespace

    n = 20
    reduced = np.linspace(0, 11, n).round()
    numbers = np.array([22] * 16 + [8] * 96)
    labels = ["Ti+3@Ti2P3O12_net", "Ti+4@Ti2P3O12_net", "O-2@Ti2P3O12_net"]
    latp = SimpleNamespace(state_labels=labels, numbers=numbers,
                           state_counts=np.stack([reduced, 16 - reduced, np.full(n, 96.0)], 1))
    states = conducting_states(latp)
    assert set(states) == {"Ti+3@Ti2P3O12_net"} and states["Ti+3@Ti2P3O12_net"] > 0.5
    assert classify_interphase({}, states).kind == "MIEC"
    steady = SimpleNamespace(state_labels=labels, numbers=numbers,
                             state_counts=np.stack([np.full(n, 16.0), np.zeros(n), np.full(n, 96.0)], 1))
    assert conducting_states(steady) == {}
