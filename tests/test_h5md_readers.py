"""Our MD trajectories open in the H5MD readers people use: znh5md (ASE) and MDAnalysis.

A few MD steps with ASE's EMT through the real engine write ``trajectory.h5``; each reader then
checks species, frame count, box and positions against our own reader, plus forces, velocities
and energies where the reader exposes them.
"""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.geometry import cell_to_cellpar

from interfaceflow.io.h5md import EV_PER_A_IN_KJ_PER_MOL_A, H5MDReader
from interfaceflow.md.engine import run_md
from interfaceflow.md.settings import MDSettings

znh5md = pytest.importorskip("znh5md")
mda = pytest.importorskip("MDAnalysis")


@pytest.fixture(scope="module")
def trajectory(tmp_path_factory):
    atoms = bulk("Cu", cubic=True).repeat((2, 2, 2))
    atoms.numbers[::4] = 79  # some Au, so species are not all alike
    atoms.rattle(0.05, seed=3)
    settings = MDSettings(temperature_K=600, timestep_fs=2.0, steps=20, traj_interval=4,
                          checkpoint_interval=10, log_interval=1000, ensemble="nvt_langevin")
    regions = ["electrode"] * 16 + ["electrolyte"] * 16
    result = run_md(atoms, EMT(), settings, tmp_path_factory.mktemp("md"), regions=regions,
                    progress=False)
    with H5MDReader(result.trajectory_path) as ours:
        expected = dict(
            numbers=ours.numbers, positions=ours.positions(), cells=ours.cells(),
            forces=ours.forces(), velocities=ours.velocities(), energies=ours.atomic_energies(),
            energy=ours.observable("potential_energy"), times=ours.times_fs(), pbc=ours.pbc,
            regions=ours.regions,
        )
    return result.trajectory_path, expected


def test_our_reader_sees_the_run(trajectory):
    _, ours = trajectory
    assert len(ours["positions"]) == 6  # steps 0, 4, ..., 20
    assert sorted(set(ours["numbers"])) == [29, 79]
    assert list(ours["regions"][[0, 31]]) == ["electrode", "electrolyte"]
    assert np.isfinite(ours["forces"]).all() and np.isfinite(ours["energies"]).all()
    # per-atom energies add up to the potential energy observable
    np.testing.assert_allclose(ours["energies"].sum(axis=1), ours["energy"], rtol=1e-10)


def test_znh5md_reads_species_frames_box_positions_forces_energies(trajectory):
    path, ours = trajectory
    io = znh5md.IO(path)
    frames = io[:]
    assert len(io) == len(frames) == len(ours["positions"])
    for i, atoms in enumerate(frames):
        assert list(atoms.numbers) == list(ours["numbers"])
        np.testing.assert_array_equal(atoms.positions, ours["positions"][i])
        np.testing.assert_array_equal(atoms.cell.array, ours["cells"][i])
        assert list(atoms.pbc) == list(ours["pbc"])
        np.testing.assert_array_equal(atoms.get_forces(), ours["forces"][i])  # eV/Å, as ASE wants
        assert atoms.get_potential_energy() == pytest.approx(ours["energy"][i], rel=1e-12)
        np.testing.assert_array_equal(atoms.calc.results["energies"], ours["energies"][i])


def test_mdanalysis_reads_frames_box_positions_velocities_forces(trajectory):
    path, ours = trajectory
    n_atoms = len(ours["numbers"])
    u = mda.Universe.empty(n_atoms, trajectory=False)
    u.load_new(str(path), format="H5MD")  # default convert_units=True: every unit must be known
    assert u.trajectory.n_frames == len(ours["positions"])
    assert u.trajectory.n_atoms == n_atoms
    assert u.trajectory.units == {"time": "fs", "length": "Angstrom", "velocity": "Angstrom/fs",
                                  "force": "kJ/(mol*Angstrom)"}
    for i, ts in enumerate(u.trajectory):
        np.testing.assert_allclose(ts.positions, ours["positions"][i], atol=1e-4)
        np.testing.assert_allclose(ts.dimensions, cell_to_cellpar(ours["cells"][i]), atol=1e-4)
        assert ts.time == pytest.approx(ours["times"][i] / 1000.0)  # MDAnalysis time is ps
        np.testing.assert_allclose(ts.velocities, ours["velocities"][i] * 1000.0, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(ts.forces, ours["forces"][i] * EV_PER_A_IN_KJ_PER_MOL_A,
                                   rtol=1e-5, atol=1e-4)
        assert ts.data["all/potential_energy"] == pytest.approx(ours["energy"][i])
    # MDAnalysis reads no species from H5MD; they come with the file for a topology of its own
    u.add_TopologyAttr("elements", [{29: "Cu", 79: "Au"}[z] for z in ours["numbers"]])
    assert len(u.select_atoms("element Au")) == int((ours["numbers"] == 79).sum())


def test_our_reader_gives_ev_forces_from_the_mdanalysis_copy_alone(trajectory, tmp_path):
    """A file holding only the kJ/mol/Å ``force`` element (as another writer may) reads in eV/Å."""
    import shutil

    import h5py

    path, ours = trajectory
    copy = tmp_path / "only_force.h5"
    shutil.copy(path, copy)
    with h5py.File(copy, "r+") as h5:
        del h5["particles/all/forces"]
    with H5MDReader(copy) as reader:
        assert "force" in reader.per_atom_names
        np.testing.assert_allclose(reader.forces(), ours["forces"], rtol=1e-6, atol=1e-7)


def _legacy_file(path, n_frames: int = 5) -> dict:
    """A trajectory in the layout written before the znh5md/MDAnalysis fix (species and region as
    (N,) datasets, eV/Å ``force``, per-atom ``potential_energy``, observables under /observables)."""
    import h5py

    rng = np.random.default_rng(0)
    data = {"position": rng.random((n_frames, 3, 3)), "force": rng.random((n_frames, 3, 3)),
            "potential_energy": rng.random((n_frames, 3))}
    with h5py.File(path, "w") as h5:
        h5.create_group("h5md").attrs["version"] = [1, 1]
        part = h5.create_group("particles/all")
        part["species"] = np.array([3, 15, 16], dtype=np.int32)
        part.create_dataset("region", data=["electrode", "electrolyte", "electrolyte"],
                            dtype=h5py.string_dtype("utf-8"))
        elements = {f"particles/all/{k}": v for k, v in data.items()}
        elements["particles/all/box/edges"] = np.broadcast_to(np.eye(3) * 9.0, (n_frames, 3, 3))
        elements["observables/potential_energy"] = data["potential_energy"].sum(axis=1)
        first = None
        for where, value in elements.items():
            group = h5.require_group(where)
            group.create_dataset("value", data=value, maxshape=(None, *value.shape[1:]), chunks=True)
            if first is None:
                first = group
                group.create_dataset("step", data=np.arange(n_frames), maxshape=(None,), chunks=True)
                group.create_dataset("time", data=np.arange(n_frames) * 2.0, maxshape=(None,), chunks=True)
            else:
                group["step"], group["time"] = first["step"], first["time"]
        h5["particles/all/box"].attrs["boundary"] = ["periodic"] * 3
        h5["particles/all/force/value"].attrs["unit"] = "eV Angstrom-1"
        h5.create_group("parameters").attrs["timestep_fs"] = 2.0
    return data


def test_files_of_the_earlier_layout_still_read_and_resume(tmp_path):
    from interfaceflow.io.h5md import H5MDWriter

    path = tmp_path / "legacy.h5"
    data = _legacy_file(path)
    with H5MDWriter.resume(path, 3) as writer:  # continues in the file's own layout
        writer.append(99, 198.0, position=np.zeros((3, 3)), box=np.eye(3) * 9.0,
                      per_atom={"force": np.ones((3, 3)), "potential_energy": np.ones(3)},
                      observables={"potential_energy": 3.0})
    with H5MDReader(path) as reader:
        assert list(reader.numbers) == [3, 15, 16] and list(reader.regions)[0] == "electrode"
        assert list(reader.steps()) == [0, 1, 2, 99]
        assert sorted(reader.per_atom_names) == ["force", "potential_energy"]
        np.testing.assert_array_equal(reader.forces(slice(0, 3)), data["force"][:3])
        np.testing.assert_array_equal(reader.forces(3), np.ones((3, 3)))
        np.testing.assert_array_equal(reader.atomic_energies(3), np.ones(3))
        assert reader.observable("potential_energy")[-1] == 3.0
