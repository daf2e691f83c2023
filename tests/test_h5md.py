"""H5MD streamed writer and lazy reader: layout, buffering, truncation on resume, selections."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from interfaceflow.errors import MDError
from interfaceflow.io.h5md import H5MDReader, H5MDWriter

N_ATOMS = 5


def _frame(i: int) -> dict:
    rng = np.random.default_rng(i)
    return dict(
        position=rng.random((N_ATOMS, 3)) * 10,
        box=np.diag([10.0, 11.0, 12.0 + i]),
        per_atom={
            "velocity": rng.random((N_ATOMS, 3)),
            "force": rng.random((N_ATOMS, 3)),
            "potential_energy": rng.random(N_ATOMS),
        },
        observables={
            "potential_energy": -float(i),
            "kinetic_energy": 0.1 * i,
            "temperature": 300.0 + i,
            "stress": np.arange(6) * i,
        },
    )


def _write(path, n_frames: int, buffer_frames: int = 4, **kwargs) -> list[dict]:
    frames = [_frame(i) for i in range(n_frames)]
    writer = H5MDWriter.create(
        path,
        numbers=[3, 3, 15, 16, 16],
        pbc=[True, True, False],
        per_atom=("velocity", "force", "potential_energy"),
        observables=("potential_energy", "kinetic_energy", "temperature", "stress"),
        regions=["electrode", "electrode", "electrolyte", "electrolyte", "coating"],
        parameters={
            "interface_z_A": np.array([3.5, 9.0]),
            "timestep_fs": 2.0,
            "temperature_K": 600.0,
        },
        buffer_frames=buffer_frames,
        **kwargs,
    )
    with writer:
        for i, frame in enumerate(frames):
            writer.append(10 * i, 20.0 * i, **frame)
    return frames


def test_layout_follows_the_shared_h5md_contract(tmp_path):
    path = tmp_path / "t.h5"
    frames = _write(path, 7)
    with h5py.File(path, "r") as h5:
        assert list(h5["h5md"].attrs["version"]) == [1, 1]
        assert h5["h5md/creator"].attrs["name"] == "interfaceflow"
        assert h5["particles/all/species/value"].dtype == np.int32  # time-dependent, for znh5md
        assert (h5["particles/all/species/value"][()] == [3, 3, 15, 16, 16]).all()
        assert list(h5["parameters/region"].asstr()[()]) == [
            "electrode",
            "electrode",
            "electrolyte",
            "electrolyte",
            "coating",
        ]
        box = h5["particles/all/box"]
        assert box.attrs["dimension"] == 3
        assert [b.decode() if isinstance(b, bytes) else b for b in box.attrs["boundary"]] == [
            "periodic",
            "periodic",
            "none",
        ]
        for element, shape in {
            "particles/all/position": (7, N_ATOMS, 3),
            "particles/all/velocity": (7, N_ATOMS, 3),
            "particles/all/species": (7, N_ATOMS),
            "particles/all/forces": (7, N_ATOMS, 3),  # eV/Å (ASE, znh5md)
            "particles/all/force": (7, N_ATOMS, 3),  # kJ/mol/Å (MDAnalysis)
            "particles/all/energies": (7, N_ATOMS),
            "particles/all/box/edges": (7, 3, 3),
            "observables/all/potential_energy": (7,),
            "observables/all/temperature": (7,),
            "observables/all/stress": (7, 6),
        }.items():
            value = h5[f"{element}/value"]
            assert value.shape == shape
            assert value.maxshape[0] is None and value.chunks is not None
            assert list(h5[f"{element}/step"][()]) == [10 * i for i in range(7)]
            assert np.allclose(h5[f"{element}/time"][()], [20.0 * i for i in range(7)])
        assert list(h5["parameters"].attrs["interface_z_A"]) == [3.5, 9.0]
        assert h5["parameters"].attrs["timestep_fs"] == 2.0
        assert h5["parameters"].attrs["run_status"] == "running"
        assert np.array_equal(h5["particles/all/position/value"][3], frames[3]["position"])
        assert np.array_equal(h5["observables/all/stress/value"][2], frames[2]["observables"]["stress"])
        assert np.array_equal(h5["particles/all/forces/value"][4], frames[4]["per_atom"]["force"])
        assert h5["particles/all/force/value"].attrs["unit"] == "kJ mol-1 Angstrom-1"


def test_buffer_reaches_disk_on_flush_and_not_before(tmp_path):
    path = tmp_path / "t.h5"
    writer = H5MDWriter.create(path, numbers=[1, 1, 1, 1, 1], pbc=[True] * 3, buffer_frames=8)
    for i in range(3):
        writer.append(
            i, float(i), **{k: v for k, v in _frame(i).items() if k in ("position", "box")}
        )
    assert writer.n_frames == 3
    with h5py.File(path, "r") as h5:
        assert h5["particles/all/position/value"].shape[0] == 0  # still buffered
    writer.flush()
    with h5py.File(path, "r") as h5:
        assert h5["particles/all/position/value"].shape[0] == 3
    writer.close()


def test_missing_optional_values_are_nan(tmp_path):
    path = tmp_path / "t.h5"
    with H5MDWriter.create(
        path, numbers=[1] * N_ATOMS, pbc=[True] * 3, per_atom=("force",)
    ) as writer:
        frame = _frame(0)
        writer.append(
            0, 0.0, position=frame["position"], box=frame["box"], per_atom={"force": None}
        )
    with H5MDReader(path) as traj:
        assert np.isnan(traj.forces(0)).all()
        assert np.isnan(traj.observable("potential_energy")).all()


def test_resume_truncates_to_checkpoint_frames_and_appends(tmp_path):
    path = tmp_path / "t.h5"
    frames = _write(path, 9)
    with H5MDWriter.resume(path, 5) as writer:
        assert writer.n_frames == 5
        writer.append(999, 1.0, **_frame(42))
    with H5MDReader(path) as traj:
        assert len(traj) == 6
        assert list(traj.steps()) == [0, 10, 20, 30, 40, 999]
        assert np.array_equal(
            traj.positions(slice(0, 5)), np.stack([f["position"] for f in frames[:5]])
        )
        assert np.array_equal(traj.positions(5), _frame(42)["position"])
        assert traj.observable("stress").shape == (6, 6)


def test_resume_refuses_a_shorter_file(tmp_path):
    path = tmp_path / "t.h5"
    _write(path, 3)
    with pytest.raises(MDError, match="checkpoint expects 10"):
        H5MDWriter.resume(path, 10)


def test_reader_selects_slices_strides_indices_and_atoms(tmp_path):
    path = tmp_path / "t.h5"
    frames = _write(path, 12)
    positions = np.stack([f["position"] for f in frames])
    energies = np.stack([f["per_atom"]["potential_energy"] for f in frames])
    with H5MDReader(path) as traj:
        assert traj.n_frames == 12
        assert np.array_equal(traj.positions(), positions)
        assert np.array_equal(traj.positions(slice(2, 11, 3)), positions[2:11:3])
        assert np.array_equal(traj.positions(slice(None, None, -4)), positions[::-4])
        assert np.array_equal(traj.positions([7, 1, 7]), positions[[7, 1, 7]])
        assert np.array_equal(traj.positions(-1), positions[-1])
        assert np.array_equal(
            traj.positions(slice(0, 12, 5), atoms=[4, 0]), positions[0:12:5][:, [4, 0]]
        )
        assert np.array_equal(traj.atomic_energies(atoms=[2]), energies[:, [2]])
        assert np.array_equal(traj.cells(3), frames[3]["box"])
        assert list(traj.numbers) == [3, 3, 15, 16, 16]
        assert list(traj.pbc) == [True, True, False]
        assert list(traj.regions)[2] == "electrolyte"
        blocks = list(traj.iter_chunks(chunk_frames=5, stride=2))
        assert np.array_equal(np.concatenate([b for _, b in blocks]), positions[::2])
        atoms = traj.atoms(4)
        assert np.allclose(atoms.positions, positions[4]) and np.allclose(
            atoms.cell.array, frames[4]["box"]
        )


def test_transport_reader_reads_our_files(tmp_path):
    """The shared reader (interfaceflow.io.trajectory) understands what the engine writes."""
    trajectory = pytest.importorskip("interfaceflow.io.trajectory")
    path = tmp_path / "t.h5"
    frames = _write(path, 6)
    data = trajectory.read_trajectory(path, start=1, stride=2)
    assert np.array_equal(data.positions_A, np.stack([f["position"] for f in frames])[1::2])
    assert np.allclose(data.times_fs, [20.0, 60.0, 100.0])
    assert data.interface_z_A == [3.5, 9.0]
    assert np.array_equal(
        data.per_atom["energies"],
        np.stack([f["per_atom"]["potential_energy"] for f in frames])[1::2],
    )


def test_reader_rejects_files_that_are_not_h5md(tmp_path):
    path = tmp_path / "x.h5"
    with h5py.File(path, "w") as h5:
        h5["a"] = 1
    with pytest.raises(MDError, match="not an H5MD trajectory"):
        H5MDReader(path)
