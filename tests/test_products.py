"""Product-phase fingerprints, the whole products analysis and its CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from builders import disulfide_to_sulfide_trajectory, phase, structure_trajectory

from interfaceflow.analysis.products import (
    analyze_products,
    assign_phases,
    environment_fingerprints,
    reference_fingerprints,
    tanimoto,
)
from interfaceflow.analysis.speciation import speciate_trajectory
from interfaceflow.errors import AnalysisError


@pytest.fixture(scope="module")
def references():
    structures = {
        "Li2S": phase("Li2S"),
        "Li3P": phase("Li3P"),
        "LiCl": phase("LiCl"),
        "Li3PS4": phase("beta-Li3PS4"),
        "Li6PS5Cl": phase("Li6PS5Cl"),
    }
    return reference_fingerprints(structures)


def _fractions(structure, references, noise_A=0.08, seed=1):
    traj = structure_trajectory(structure, n_frames=2, noise_A=noise_A, seed=seed)
    assignment = assign_phases(traj, speciate_trajectory(traj), references)
    return dict(zip(assignment.phases, assignment.phase_fractions[-1])), assignment


@pytest.mark.parametrize(
    ("name", "repeat", "expected"),
    [
        ("Li2S", (2, 2, 2), "Li2S"),
        ("Li3P", (3, 3, 2), "Li3P"),
        ("LiCl", (2, 2, 2), "LiCl"),
        ("beta-Li3PS4", (1, 1, 2), "Li3PS4"),
        ("Li6PS5Cl", (1, 1, 1), "Li6PS5Cl"),
    ],
)
def test_each_bulk_phase_is_recognised_as_itself(references, name, repeat, expected):
    fractions, assignment = _fractions(phase(name) * repeat, references)
    assert fractions[expected] > 0.95
    assert all(v == 0.0 for k, v in fractions.items() if k != expected)
    assert assignment.confidence_dict()[expected] > 0.8


def test_fingerprint_encodes_coordination_numbers():
    li2s = phase("Li2S")
    s_sites = [i for i, site in enumerate(li2s) if site.specie.symbol == "S"]
    fp = environment_fingerprints(
        li2s.atomic_numbers,
        li2s.cart_coords,
        li2s.lattice.matrix,
        [True] * 3,
        s_sites,
        [3, 16],
        sigma_A=0.2,
    )
    n_r = fp.shape[1] // 2
    first_shell = fp[0, : int(3.5 / 0.05)]  # Li block, r < 3.5 Å (grid step 0.05 Å)
    # integrated first Li shell = 8 neighbours at 2.47 Å times the cosine damping
    damping = 0.5 * (1 + np.cos(np.pi * (np.sqrt(3) / 4 * 5.71) / 5.5))
    assert first_shell.sum() == pytest.approx(8 * damping, rel=0.02)
    assert fp[0, n_r:].sum() > 0  # S neighbours (12 at 4.04 Å) are in the second block
    assert tanimoto(fp, fp).diagonal() == pytest.approx(1.0)
    assert tanimoto(fp[:1], 0.5 * fp[:1])[0, 0] == pytest.approx(0.5 / (1 + 0.25 - 0.5))


def test_polysulfide_is_not_li2s_and_li2s_fraction_grows_monotonically():
    traj, li2s = disulfide_to_sulfide_trajectory(n_frames=10)
    result = analyze_products(
        traj, references={"Li2S": li2s, "Li3P": phase("Li3P")}, interface_z_A=0.0
    )
    li2s_fraction = result.assignment.phase_fractions[:, result.assignment.phases.index("Li2S")]
    assert li2s_fraction[0] == 0.0
    assert li2s_fraction[-1] > 0.95
    assert np.all(np.diff(li2s_fraction) >= 0)
    assert np.all(result.assignment.phase_fractions[:, result.assignment.phases.index("Li3P")] == 0)
    spec = result.speciation
    sulfide = spec.fragment_counts[:, spec.fragment_labels.index("S")]
    disulfide = spec.fragment_counts[:, spec.fragment_labels.index("S2")]
    assert np.all(np.diff(sulfide) >= 0) and np.all(np.diff(disulfide) <= 0)
    assert sulfide[-1] == 2 * disulfide[0]
    assert np.all(np.diff(result.thickness_A) >= 0) and result.thickness_A[-1] > 20
    assert result.classification.kind == "passivating"
    assert "Li2S" in result.growing_products
    assert result.characteristic_fragment == "S2"
    assert result.consumption_fu_per_nm2_per_ps > 0


def test_phase_stride_leaves_unanalysed_frames_empty():
    traj, li2s = disulfide_to_sulfide_trajectory(n_frames=7)
    result = analyze_products(traj, references={"Li2S": li2s}, interface_z_A=0.0, phase_stride=3)
    values = result.phase_fractions_per_frame()["Li2S"]
    assert [v is None for v in values] == [False, True, True, False, True, True, False]
    with pytest.raises(AnalysisError, match="phase_stride"):
        analyze_products(traj, references={"Li2S": li2s}, phase_stride=0)


def test_reference_without_anions_is_rejected():
    with pytest.raises(AnalysisError, match="anion-forming"):
        reference_fingerprints({"Li": phase("Li")})
    with pytest.raises(AnalysisError, match="no reference"):
        reference_fingerprints({})


def test_cli_json_on_extxyz(tmp_path):
    from ase import Atoms
    from ase.io import write
    from typer.testing import CliRunner

    from interfaceflow.cli import app

    traj, li2s = disulfide_to_sulfide_trajectory(n_frames=6)
    images = []
    for f in range(traj.n_frames):
        atoms = Atoms(
            numbers=traj.numbers, positions=traj.positions_A[f], cell=traj.cells_A[f], pbc=True
        )
        atoms.info["time_fs"] = float(traj.times_fs[f])
        images.append(atoms)
    path = tmp_path / "traj.extxyz"
    write(path, images, format="extxyz")
    ref = tmp_path / "Li2S.cif"
    li2s.to(filename=str(ref))
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            "products",
            str(path),
            "--interface-z",
            "0",
            "--json",
            "--reference",
            str(ref),
            "--plots",
            str(tmp_path / "plots"),
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    n = len(out["times_fs"])
    assert n == 6
    assert out["times_fs"][-1] == pytest.approx(1000.0)
    assert len(out["fragment_counts"]["S"]) == n and out["fragment_counts"]["S"][0] == 0
    assert out["fragment_counts"]["S2"][0] == 48
    assert len(out["phase_fractions"]["Li2S"]) == n
    assert out["phase_fractions"]["Li2S"][-1] > 0.95
    assert len(out["interphase_thickness_A"]) == n
    assert out["classification"]["kind"] == "passivating"
    assert all(
        (tmp_path / "plots" / name).is_file()
        for name in ("products_vs_time.png", "speciation_vs_depth.png")
    )
    # human-readable output and one-line errors
    text = CliRunner().invoke(app, ["analyze", "products", str(path), "--reference", str(ref)])
    assert text.exit_code == 0 and "interphase:" in text.stdout
    bad = CliRunner().invoke(app, ["analyze", "products", str(path), "--cutoff", "PS2.4"])
    assert bad.exit_code == 2 and "error:" in bad.output and "--cutoff" in bad.output


def test_cli_reads_ase_traj_without_times(tmp_path):
    from ase import Atoms
    from ase.io import write
    from typer.testing import CliRunner

    from interfaceflow.cli import app

    traj, li2s = disulfide_to_sulfide_trajectory(n_frames=3)
    images = [Atoms(numbers=traj.numbers, positions=p, cell=traj.cells_A[0], pbc=True) for p in traj.positions_A]
    path = tmp_path / "frames.traj"
    write(path, images)
    ref = tmp_path / "Li2S.cif"
    li2s.to(filename=str(ref))
    result = CliRunner().invoke(app, ["analyze", "products", str(path), "--json", "--reference", str(ref)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["times_are_frame_indices"] is True and out["times_fs"] == [0.0, 1.0, 2.0]
    assert out["fragment_counts"]["S2"][0] == 48


def test_a_changed_contact_without_a_product_reports_no_interphase_and_no_growth_law():
    """Li metal pressed onto LLZO: contact Li change state (Li0 -> Li+1) near the interface, but
    nothing forms; the changed layer is kept as such and no thickness or growth law is claimed."""
    from interfaceflow.io.trajectory import TrajectoryData
    from interfaceflow.structures.builder import build_interface
    from interfaceflow.workflows.products import ProductsAnalysisDocument

    build = build_interface("Li", "LLZO", max_atoms=400, electrode_miller=(1, 0, 0),
                            electrolyte_miller=(1, 0, 0), vacuum_A=0.0, gap_A=2.0)
    atoms = build.atoms
    electrode = np.asarray(atoms.arrays["region"]) == "electrode"
    z_mid = atoms.positions[electrode, 2].mean()
    frames = []
    for f in range(8):  # the electrode swells by up to 12 % along z, closing both contact gaps
        p = atoms.positions.copy()
        p[electrode, 2] = z_mid + (p[electrode, 2] - z_mid) * (1 + 0.12 * f / 7)
        frames.append(p)
    traj = TrajectoryData(
        positions_A=np.array(frames), cells_A=np.repeat(atoms.cell.array[None], 8, axis=0),
        numbers=atoms.numbers, pbc=np.ones(3, dtype=bool), times_fs=np.arange(8) * 100.0,
        interface_z_A=list(build.interface_z_A),
    )
    result = analyze_products(traj, interface_z_A=build.interface_z_A[0])
    assert result.thickness_A[-1] > 0  # the contact layer did change
    assert not result.reaction_observed and result.classification.kind == "none"
    assert result.interphase_thickness_A is None
    assert result.growth_law is None and result.growth_fits == {}
    doc = ProductsAnalysisDocument.from_analysis(result, "synthetic")
    assert doc.final_thickness_A is None and doc.changed_layer_A == pytest.approx(result.thickness_A[-1])
    assert doc.summary().interphase_thickness_A is None
