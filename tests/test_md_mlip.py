"""A short real-MLIP MD (SevenNet-0, shipped in the sevenn wheel): per-atom energies reach H5MD."""

from __future__ import annotations

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure
from pymatgen.io.ase import AseAtomsAdaptor

from interfaceflow.io.h5md import H5MDReader
from interfaceflow.md.engine import run_md
from interfaceflow.md.settings import MDSettings


def test_sevennet_md_writes_per_atom_energies_and_stress(tmp_path):
    pytest.importorskip("sevenn")
    from interfaceflow.plugins.registry import get_calculator

    handle = get_calculator(plugin="sevennet", model="7net-0", device="cpu", dtype="float32")
    li2s = Structure.from_spacegroup("Fm-3m", Lattice.cubic(5.71), ["Li", "S"], [[0.25] * 3, [0, 0, 0]])
    atoms = AseAtomsAdaptor.get_atoms(li2s)  # 12 atoms
    settings = MDSettings(ensemble="nvt_bussi", temperature_K=500, steps=5, traj_interval=1, checkpoint_interval=5, timestep_fs=1.0)
    result = run_md(atoms, handle.calculator, settings, tmp_path, progress=False)
    assert result.status == "completed" and result.per_atom_energies
    with H5MDReader(result.trajectory_path) as traj:
        energies = traj.atomic_energies()
        assert energies.shape == (6, 12)
        assert np.allclose(energies.sum(axis=1), traj.observable("potential_energy"), atol=1e-3)
        assert np.ptp(energies[0][traj.numbers == 3]) < 1e-3  # symmetric Li sites, same energy
        assert energies[0][traj.numbers == 3][0] != energies[0][traj.numbers == 16][0]
        assert traj.observable("stress").shape == (6, 6)
        assert np.isfinite(traj.forces()).all()


@pytest.fixture
def one_torch_thread():
    """torch's multi-threaded float32 reductions differ in the last bits from call to call."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_sevennet_chunks_restart_bit_for_bit_without_exact_restart(tmp_path, one_torch_thread):
    """MLIPs rebuild their graph every call: a restart repeats the arithmetic with no reset."""
    pytest.importorskip("sevenn")
    from interfaceflow.plugins.registry import get_calculator

    calculator = get_calculator(plugin="sevennet", model="7net-0", device="cpu", dtype="float32").calculator
    li2s = Structure.from_spacegroup("Fm-3m", Lattice.cubic(5.71), ["Li", "S"], [[0.25] * 3, [0, 0, 0]])
    atoms = AseAtomsAdaptor.get_atoms(li2s)
    atoms.rattle(0.05, seed=2)
    common = dict(ensemble="nvt_langevin", temperature_K=600, steps=8, traj_interval=1, checkpoint_interval=4)
    assert MDSettings(**common).exact_restart is False  # the default
    long = run_md(atoms, calculator, MDSettings(**common), tmp_path / "long", progress=False)
    for _ in range(2):
        chunk = run_md(atoms, calculator, MDSettings(chunk_steps=4, **common), tmp_path / "chunks", progress=False)
    assert chunk.status == "completed" and chunk.start_step == 4
    with H5MDReader(long.trajectory_path) as a, H5MDReader(chunk.trajectory_path) as b:
        assert np.array_equal(a.steps(), b.steps())
        assert np.array_equal(a.positions(), b.positions())
        assert np.array_equal(a.forces(), b.forces())
        assert np.array_equal(a.atomic_energies(), b.atomic_energies())
