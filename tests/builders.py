"""Synthetic structures and trajectories with known answers, shared by the test modules.

Crystal phases from Wyckoff positions, speciation trajectories built from structures, a mixed
slab of known units, a disulfide-to-sulfide reaction front, and small Li-P-S-Cl phases.
"""

from __future__ import annotations

import numpy as np
from pymatgen.core import Lattice, Structure

from interfaceflow.io.trajectory import TrajectoryData

_WYCKOFF = {
    "Li2S": ("Fm-3m", Lattice.cubic(5.71), ["S", "Li"], [[0, 0, 0], [0.25, 0.25, 0.25]]),
    "Li3P": (
        "P6_3/mmc",
        Lattice.hexagonal(4.27, 7.59),
        ["P", "Li", "Li"],
        [[1 / 3, 2 / 3, 0.25], [0, 0, 0.25], [1 / 3, 2 / 3, 0.5827]],
    ),
    "LiCl": ("Fm-3m", Lattice.cubic(5.13), ["Li", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]]),
    "Li2O": ("Fm-3m", Lattice.cubic(4.61), ["O", "Li"], [[0, 0, 0], [0.25, 0.25, 0.25]]),
    "Li": ("Im-3m", Lattice.cubic(3.51), ["Li"], [[0, 0, 0]]),
    # gamma-Li3PO4-type positions in the Homma et al. (2011) cell, as in the phase library
    "beta-Li3PS4": (
        "Pnma",
        Lattice.orthorhombic(12.819, 8.2195, 6.1236),
        ["Li", "Li", "P", "S", "S", "S"],
        [
            [0.1627, 0.5016, 0.3008],
            [0.4246, 0.75, 0.2045],
            [0.4115, 0.25, 0.3079],
            [0.3418, 0.0441, 0.2054],
            [0.0503, 0.25, 0.2928],
            [0.0896, 0.75, 0.1223],
        ],
    ),
    "Li6PS5Cl": (
        "F-43m",
        Lattice.cubic(9.856),
        ["P", "S", "S", "Cl", "Li"],
        [
            [0.5, 0.5, 0.5],
            [0.6199, 0.6199, 0.6199],
            [0.25, 0.25, 0.25],
            [0, 0, 0],
            [0.019, 0.25, 0.25],
        ],
    ),
}


def phase(name: str) -> Structure:
    """A bulk phase from the library, or built from the Wyckoff positions above."""
    try:
        from interfaceflow.structures.library import get_phase

        return get_phase(name).structure.copy()
    except Exception:
        sg, lattice, species, coords = _WYCKOFF[name]
        return Structure.from_spacegroup(sg, lattice, species, coords)


def trajectory(
    frames_positions, numbers, cell, times_fs=None, pbc=(True, True, True), interface_z=()
) -> TrajectoryData:
    """A :class:`TrajectoryData` from (F, N, 3) positions and one cell."""
    pos = np.asarray(frames_positions, dtype=float)
    n_frames = len(pos)
    cells = np.repeat(np.asarray(cell, dtype=float)[None], n_frames, axis=0)
    return TrajectoryData(
        positions_A=pos,
        cells_A=cells,
        numbers=np.asarray(numbers),
        pbc=np.asarray(pbc, dtype=bool),
        times_fs=np.arange(n_frames, dtype=float) * 100.0
        if times_fs is None
        else np.asarray(times_fs, float),
        interface_z_A=list(interface_z),
    )


def structure_trajectory(
    structure: Structure, n_frames: int = 3, noise_A: float = 0.0, seed: int = 0
) -> TrajectoryData:
    """Frames of one structure with Gaussian position noise (a cheap thermal trajectory)."""
    rng = np.random.default_rng(seed)
    pos = structure.cart_coords[None] + rng.normal(0.0, noise_A, (n_frames, len(structure), 3))
    return trajectory(pos, structure.atomic_numbers, structure.lattice.matrix)


def _tetrahedron(center, bond_A=2.05):
    d = bond_A / np.sqrt(3.0)
    return np.asarray(center) + d * np.array([[1, 1, 1], [-1, -1, 1], [-1, 1, -1], [1, -1, -1]])


def mixed_slab():
    """Hand-made slab (16 × 16 × 40 Å, periodic) with one kind of unit per 8 Å layer along z.

    Layers (z ranges, Å) and units, four per layer on an 8 Å square grid:
      [0, 8): isolated S2- with 2 Li each; [8, 16): PS4 with 3 Li each; [16, 24): S2 dimers;
      [24, 32): isolated P; [32, 40): Li metal (no anions).
    Returns (numbers, positions, cell, expected): expected[label] is the count per layer.
    """
    numbers, positions = [], []
    grid = [(4.0, 4.0), (12.0, 4.0), (4.0, 12.0), (12.0, 12.0)]
    for x, y in grid:
        numbers += [16, 3, 3]
        positions += [[x, y, 4.0], [x, y, 1.6], [x, y, 6.4]]
    for x, y in grid:
        z = 12.0
        numbers += [15, 16, 16, 16, 16, 3, 3, 3]
        positions += [[x, y, z], *_tetrahedron([x, y, z])]
        positions += [[x, y, z + 3.0], [x, y, z - 3.0], [x, y + 3.0, z]]
    for x, y in grid:
        numbers += [16, 16]
        positions += [[x, y, 20.0 - 1.03], [x, y, 20.0 + 1.03]]
    for x, y in grid:
        numbers += [15]
        positions += [[x, y, 28.0]]
    for x, y in grid:
        numbers += [3, 3]
        positions += [[x, y, 34.5], [x + 1.5, y + 1.5, 36.0]]
    expected = {
        "S": [4, 0, 0, 0, 0],
        "PS4": [0, 4, 0, 0, 0],
        "S2": [0, 0, 4, 0, 0],
        "P": [0, 0, 0, 4, 0],
    }
    return (
        np.array(numbers),
        np.array(positions, dtype=float),
        np.diag([16.0, 16.0, 40.0]),
        expected,
    )


# ----------------------------------------------------------------------------- builder checks


def disulfide_to_sulfide_trajectory(n_frames: int = 10, law: str = "linear", repeats=(2, 2, 6)):
    """Frames interpolated between a pristine polysulfide and decomposed Li2S.

    The pristine frame is a Li2S supercell whose S atoms are paired into S2 dimers (2.1 Å);
    the decomposed frame is Li2S itself. A reaction front moves up from z = 0 (``linear``:
    z_front ∝ t, ``parabolic``: z_front ∝ √t); an atom's progress λ goes from 0 to 1 as the front
    passes it, and its position is (1 − λ)·pristine + λ·decomposed.
    Returns (TrajectoryData, Li2S structure).
    """
    li2s = phase("Li2S")
    a = li2s.lattice.a
    sc = li2s * repeats
    decomposed = sc.cart_coords.copy()
    pristine = decomposed.copy()
    s_idx = [i for i, site in enumerate(sc) if site.specie.symbol == "S"]
    # conventional-cell units, origin on an S atom (the library may put the S sublattice elsewhere)
    frac = (sc.frac_coords - sc.frac_coords[s_idx[0]]) * np.array(repeats)
    cell_of = np.floor(frac + 1e-6).astype(int) % np.array(repeats)
    local = np.round(frac - np.floor(frac + 1e-6), 3) % 1.0
    partner_shift = {(0.0, 0.0, 0.0): (0.5, 0.5, 0.0), (0.5, 0.0, 0.5): (-0.5, 0.5, 0.0)}
    by_key = {(tuple(cell_of[i]), tuple(local[i])): i for i in s_idx}
    for i in s_idx:
        shift = partner_shift.get(tuple(local[i]))
        if shift is None:
            continue
        j = by_key[(tuple(cell_of[i]), tuple(np.round((local[i] + shift) % 1.0, 3)))]
        # the partner's periodic image next to i: pymatgen may wrap a site at frac ~1 to ~0
        frac_d = np.linalg.solve(sc.lattice.matrix.T, decomposed[j] - decomposed[i])
        decomposed[j] = decomposed[i] + (frac_d - np.round(frac_d)) @ sc.lattice.matrix
        mid = 0.5 * (decomposed[i] + decomposed[j])
        u = (decomposed[j] - decomposed[i]) / np.linalg.norm(decomposed[j] - decomposed[i])
        pristine[i], pristine[j] = mid - 1.05 * u, mid + 1.05 * u
    height = sc.lattice.c
    times = np.linspace(0.0, 1000.0, n_frames)
    progress = times / times[-1] if law == "linear" else np.sqrt(times / times[-1])
    z_front = 1.1 * height * progress
    width = 0.5 * a
    frames = []
    for zf in z_front:
        lam = np.clip((zf - decomposed[:, 2]) / width, 0.0, 1.0)[:, None]
        frames.append((1 - lam) * pristine + lam * decomposed)
    traj = trajectory(np.array(frames), sc.atomic_numbers, sc.lattice.matrix, times_fs=times)
    return traj, li2s


def small_li_p_s_cl_phases() -> dict[str, Structure]:
    """Li-P-S-Cl phases in cells of at most 13 atoms (primitive cells; S and Cl as small models)."""
    half = np.radians(53.0)
    s_chain = Structure(
        Lattice.orthorhombic(3.6, 4.0, 4.1 * np.sin(half)),
        ["S", "S"],
        [[0, 0, 0], [0, 2.05 * np.cos(half) / 4.0, 0.5]],
    )
    cl2 = Structure(
        Lattice.orthorhombic(4.0, 4.0, 5.0), ["Cl", "Cl"], [[0, 0, 0], [0, 0, 1.99 / 5.0]]
    )
    black_p = Structure.from_spacegroup(
        "Cmce", Lattice.orthorhombic(3.3136, 10.478, 4.3763), ["P"], [[0, 0.10168, 0.08056]]
    ).get_primitive_structure()
    return {
        "Li": phase("Li"),
        "P": black_p,
        "S": s_chain,
        "Cl2": cl2,
        "Li2S": phase("Li2S").get_primitive_structure(),
        "Li3P": phase("Li3P"),
        "LiCl": phase("LiCl").get_primitive_structure(),
        "Li6PS5Cl": phase("Li6PS5Cl").get_primitive_structure(),
    }


# ------------------------------------------------------------------ space-charge test cells
def sample_depth_profile(rng, n, lo, hi, planes, amplitude, lam):
    """n positions in [lo, hi) with density ∝ 1 - amplitude*exp(-d/lam), d = distance to planes.

    Stratified (quantiles of the exact distribution with one random offset per call), so the
    binned density is nearly free of sampling noise and the test checks the analysis itself.
    """
    grid = np.linspace(lo, hi, 60001)
    d = np.min(np.abs(grid[:, None] - np.asarray(planes)[None, :]), axis=1)
    pdf = 1.0 - amplitude * np.exp(-d / lam)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (pdf[1:] + pdf[:-1]) * np.diff(grid))])
    quantiles = (np.arange(n) + rng.uniform()) / n
    return np.interp(quantiles * cdf[-1], cdf, grid)


def depleted_sandwich(
    *, n_frames=120, amplitude=0.7, lam=3.0, formed_after=0, seed=0, area_side=12.0,
    with_energies=True,
):
    """Periodic electrode | electrolyte | electrode cell, L = 100 Å, planes at 20 and 80 Å.

    Electrode (|z - 50| > 30): uniform Li (0.03/Å³) and S (random). Electrolyte (20..80): S
    uniform, Li ``0.02 (1 - A exp(-d/lam))`` with d the distance to the nearest plane. Frames before
    ``formed_after`` hold the same electrolyte Li uniformly (no layer yet). Li energies: -2 eV
    (electrode), -1 eV (electrolyte), +0.5 eV more for electrolyte Li closer than 2 Å to a plane.
    Returns the arrays for :func:`compute_profiles` and the exact answers.
    """
    rng = np.random.default_rng(seed)
    length, planes = 100.0, [20.0, 80.0]
    area = area_side**2
    n_b, n_a, n_s = 0.02, 0.03, 0.02
    cell = np.diag([area_side, area_side, length])
    n_li_b = int(round(n_b * area * (60.0 - 2 * amplitude * lam * (1 - np.exp(-30.0 / lam)))))
    n_li_a = int(round(n_a * area * 40.0))
    n_s_a, n_s_b = int(round(n_s * area * 40)), int(round(n_s * area * 60))
    numbers = np.array([3] * (n_li_a + n_li_b) + [16] * (n_s_a + n_s_b))
    regions = np.array(
        ["electrode"] * n_li_a + ["electrolyte"] * n_li_b
        + ["electrode"] * n_s_a + ["electrolyte"] * n_s_b
    )
    positions = np.empty((n_frames, len(numbers), 3))
    energies = np.zeros((n_frames, len(numbers)))
    li = numbers == 3
    for f in range(n_frames):
        a = amplitude if f >= formed_after else 0.0
        z = np.concatenate([
            sample_depth_profile(rng, n_li_a, -20.0, 20.0, [-20.0, 20.0], 0.0, lam) % length,
            sample_depth_profile(rng, n_li_b, 20.0, 80.0, planes, a, lam),
            rng.uniform(-20, 20, n_s_a) % length,
            rng.uniform(20, 80, n_s_b),
        ])
        positions[f] = np.column_stack([rng.uniform(0, area_side, size=(len(z), 2)), z])
        d = np.min(np.abs(z[:, None] - np.array(planes)[None, :]), axis=1)
        in_b = (z > 20) & (z < 80)
        energies[f] = np.where(li, np.where(in_b, -1.0 + 0.5 * (d < 2.0), -2.0), 0.0)
    return {
        "positions_A": positions,
        "cells_A": cell,
        "numbers": numbers,
        "regions": regions,
        "times_fs": np.arange(n_frames) * 10.0,
        "energies_eV": energies if with_energies else None,
        "planes": planes,
        "deficit_per_nm2": -n_b * amplitude * lam * (1 - np.exp(-30.0 / lam)) * 100.0,
        "lam": lam,
        "n_b": n_b,
        "n_a": n_a,
    }


def hpc_project_spec(tmp_path, **changes):
    """An :class:`~interfaceflow.hpc.project.HPCProjectSpec` named ``testproj`` with its folders in ``tmp_path``."""
    from interfaceflow.hpc.project import HPCProjectSpec

    values = dict(name="testproj", work_dir=tmp_path / "work", python_env=tmp_path / "venv",
                  job_store_dir=tmp_path / "store")
    return HPCProjectSpec(**{**values, **changes})
