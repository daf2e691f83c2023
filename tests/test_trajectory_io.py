"""interfaceflow.io.trajectory: each format returns the positions, cells, numbers, times written."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator
from ase.io import write

from interfaceflow.errors import AnalysisError
from interfaceflow.io.trajectory import detect_format, read_trajectory

N_FRAMES, N_ATOMS = 7, 5


@pytest.fixture
def frames():
    """Random triclinic frames with per-atom energies, a known time axis and species."""
    rng = np.random.default_rng(0)
    cell = np.array([[6.0, 0.0, 0.0], [1.0, 7.0, 0.0], [0.5, 0.3, 8.0]])
    numbers = np.array([3, 3, 15, 16, 16])
    positions = rng.uniform(0, 6, size=(N_FRAMES, N_ATOMS, 3))
    energies = rng.normal(size=(N_FRAMES, N_ATOMS))
    times = 2.0 * np.arange(N_FRAMES) + 10.0
    return cell, numbers, positions, energies, times


def write_h5md(path, cell, numbers, positions, energies, times, fixed_box=False):
    """Write the interfaceflow H5MD layout of common.md."""
    n_frames = len(positions)
    steps = np.arange(n_frames, dtype=np.int64) * 4
    with h5py.File(path, "w") as h5:
        h5.create_group("h5md").attrs["version"] = [1, 1]
        creator = h5["h5md"].create_group("creator")
        creator.attrs["name"] = "test"
        creator.attrs["version"] = "0"
        part = h5.create_group("particles/all")
        part["species"] = numbers.astype(np.int32)
        part.create_dataset(
            "region",
            data=["electrode", "electrode", "electrolyte", "electrolyte", "coating"],
            dtype=h5py.string_dtype("utf-8"),
        )
        for name, value in (("position", positions), ("potential_energy", energies)):
            grp = part.create_group(name)
            grp["step"] = steps
            grp["time"] = times
            grp.create_dataset("value", data=value, chunks=True, maxshape=(None,) + value.shape[1:])
        box = part.create_group("box")
        box.attrs["dimension"] = 3
        box.attrs["boundary"] = ["periodic", "periodic", "none"]
        if fixed_box:
            box["edges"] = cell
        else:
            edges = box.create_group("edges")
            edges["step"] = steps
            edges["time"] = times
            edges["value"] = np.broadcast_to(cell, (n_frames, 3, 3))
        params = h5.create_group("parameters")
        params.attrs["interface_z_A"] = [3.0, 9.5]
        params.attrs["timestep_fs"] = 0.5
        params.attrs["temperature_K"] = 600.0


@pytest.mark.parametrize("fixed_box", [False, True])
def test_h5md_slice_and_metadata(tmp_path, frames, fixed_box):
    cell, numbers, positions, energies, times = frames
    path = tmp_path / "md.h5"
    write_h5md(path, cell, numbers, positions, energies, times, fixed_box=fixed_box)
    data = read_trajectory(path, start=1, stop=6, stride=2)
    np.testing.assert_allclose(data.positions_A, positions[1:6:2])
    np.testing.assert_allclose(data.cells_A, np.broadcast_to(cell, (3, 3, 3)))
    np.testing.assert_allclose(data.times_fs, times[1:6:2])
    np.testing.assert_array_equal(data.steps, np.arange(N_FRAMES)[1:6:2] * 4)
    np.testing.assert_array_equal(data.numbers, numbers)
    np.testing.assert_array_equal(data.pbc, [True, True, False])
    np.testing.assert_allclose(data.per_atom["energies"], energies[1:6:2])
    assert list(data.regions) == ["electrode", "electrode", "electrolyte", "electrolyte", "coating"]
    assert data.interface_z_A == [3.0, 9.5]
    assert data.timestep_fs == 0.5 and data.temperature_K == 600.0
    assert data.frame_interval_fs() == pytest.approx(4.0)
    assert data.fmt == "h5md" and data.symbols[:3] == ["Li", "Li", "P"]


def _images(cell, numbers, positions, energies, times):
    images = []
    for pos, en, t in zip(positions, energies, times):
        atoms = Atoms(numbers=numbers, positions=pos, cell=cell, pbc=True)
        atoms.calc = SinglePointCalculator(
            atoms, energy=float(en.sum()), energies=en, forces=np.zeros((len(numbers), 3))
        )
        atoms.info["time_fs"] = float(t)
        images.append(atoms)
    return images


@pytest.mark.parametrize("suffix", [".extxyz", ".traj"])
def test_ase_formats(tmp_path, frames, suffix):
    cell, numbers, positions, energies, times = frames
    path = tmp_path / f"md{suffix}"
    write(path, _images(cell, numbers, positions, energies, times))
    data = read_trajectory(path, start=2, stride=3)
    np.testing.assert_allclose(data.positions_A, positions[2::3], atol=1e-6)
    np.testing.assert_allclose(data.cells_A[0], cell, atol=1e-6)
    np.testing.assert_array_equal(data.numbers, numbers)
    np.testing.assert_allclose(data.per_atom["energies"], energies[2::3], atol=1e-6)
    if suffix == ".extxyz":  # .traj does not keep atoms.info
        np.testing.assert_allclose(data.times_fs, times[2::3])


def _lammps_dump(path, cell_diag, positions, types, with_element=False):
    lines = []
    for i, pos in enumerate(positions):
        lines += [
            "ITEM: TIMESTEP",
            str(i * 10),
            "ITEM: NUMBER OF ATOMS",
            str(len(types)),
            "ITEM: BOX BOUNDS pp pp pp",
        ]
        lines += [f"0.0 {length}" for length in cell_diag]
        cols = "id type element x y z" if with_element else "id type x y z"
        lines.append(f"ITEM: ATOMS {cols}")
        order = np.arange(len(types))[::-1]  # written out of order on purpose: ids must sort them
        for j in order:
            el = {1: "Li", 2: "S"}[types[j]] + " " if with_element else ""
            lines.append(f"{j + 1} {types[j]} {el}{pos[j, 0]} {pos[j, 1]} {pos[j, 2]}")
    path.write_text("\n".join(lines) + "\n")


def test_lammps_dump_type_map(tmp_path):
    rng = np.random.default_rng(1)
    positions = rng.uniform(0, 5, size=(4, 3, 3))
    types = np.array([1, 2, 1])
    path = tmp_path / "run.lammpstrj"
    _lammps_dump(path, [5.0, 6.0, 7.0], positions, types)
    data = read_trajectory(path, type_map={1: "Li", 2: "S"}, stride=2)
    np.testing.assert_array_equal(data.numbers, [3, 16, 3])
    np.testing.assert_allclose(data.positions_A, positions[::2])
    np.testing.assert_allclose(data.cells_A[0], np.diag([5.0, 6.0, 7.0]))
    with pytest.raises(AnalysisError, match="type_map"):
        read_trajectory(path)
    with pytest.raises(AnalysisError, match="no element for LAMMPS types"):
        read_trajectory(path, type_map={1: "Li"})


def test_lammps_dump_element_column(tmp_path):
    positions = np.random.default_rng(2).uniform(0, 5, size=(2, 3, 3))
    path = tmp_path / "dump.custom"
    _lammps_dump(path, [5.0, 5.0, 5.0], positions, np.array([1, 2, 1]), with_element=True)
    assert detect_format(path) == "lammps-dump-text"
    np.testing.assert_array_equal(read_trajectory(path).numbers, [3, 16, 3])


def test_errors(tmp_path):
    with pytest.raises(AnalysisError, match="does not exist; give an existing file"):
        read_trajectory(tmp_path / "missing.h5")
    unknown = tmp_path / "md.weird"
    unknown.write_text("x")
    with pytest.raises(AnalysisError, match="cannot tell the format"):
        read_trajectory(unknown)
    not_h5 = tmp_path / "bad.h5"
    not_h5.write_text("not hdf5")
    with pytest.raises(AnalysisError, match="HDF5"):
        read_trajectory(not_h5)
