"""MD engine on ASE's EMT (a real, fast calculator): ensembles, reproducibility, chunks, guards."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from ase import units
from ase.build import bulk
from ase.calculators.calculator import Calculator, all_changes
from ase.calculators.emt import EMT
from ase.constraints import FixAtoms
from pydantic import ValidationError

from interfaceflow.errors import MDError
from interfaceflow.io.h5md import H5MDReader
from interfaceflow.md.engine import run_md
from interfaceflow.md.relax import run_relax
from interfaceflow.md.settings import MDSettings, RelaxSettings


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """3x3 linear algebra (cell filters, MTK) is ~300x slower with contended BLAS threads."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(1, user_api="blas"):
        yield


ENSEMBLES = ["nvt_langevin", "nvt_bussi", "nvt_nose_hoover", "npt_mtk", "nve"]


def copper(repeat=(2, 2, 2), fixed: int = 0, seed: int = 1):
    atoms = bulk("Cu", cubic=True).repeat(repeat)
    atoms.rattle(0.05, seed=seed)
    if fixed:
        atoms.set_constraint(FixAtoms(indices=range(fixed)))
    return atoms


def settings(**overrides) -> MDSettings:
    base = dict(
        temperature_K=800,
        timestep_fs=2.0,
        steps=60,
        traj_interval=4,
        checkpoint_interval=10,
        log_interval=1000,
        pdamp_fs=100.0,
        exact_restart=True,  # EMT keeps a neighbour list between calls
    )
    base.update(overrides)
    return MDSettings(**base)


def read_all(path):
    with H5MDReader(path) as traj:
        return {
            "steps": traj.steps(),
            "positions": traj.positions(),
            "velocities": traj.velocities(),
            "forces": traj.forces(),
            "cells": traj.cells(),
            "temperature": traj.observable("temperature"),
        }


def assert_same_trajectory(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert np.array_equal(a[key], b[key]), f"{key} differs"


@pytest.mark.parametrize("ensemble", ENSEMBLES)
def test_every_ensemble_streams_frames_and_observables(tmp_path, ensemble):
    atoms = copper(fixed=0 if ensemble == "npt_mtk" else 4)
    result = run_md(atoms, EMT(), settings(ensemble=ensemble), tmp_path, progress=False)
    assert result.status == "completed" and result.steps_done == 60
    assert result.n_frames == 16  # steps 0, 4, ..., 60
    with H5MDReader(result.trajectory_path) as traj:
        assert list(traj.steps()) == list(range(0, 61, 4))
        assert np.allclose(traj.times_fs(), traj.steps() * 2.0)
        energies = traj.atomic_energies()  # EMT provides per-atom energies
        assert np.allclose(energies.sum(axis=1), traj.observable("potential_energy"))
        assert traj.has("stress")  # EMT computes the stress with every call
        assert traj.parameters["run_status"] == "completed"
        positions = traj.positions()
        if ensemble != "npt_mtk":
            assert np.array_equal(positions[:, :4], np.broadcast_to(positions[0, :4], (16, 4, 3)))
        else:
            cells = traj.cells()
            assert cells[-1, 2, 2] != cells[0, 2, 2]  # the normal (c) fluctuates
            assert np.array_equal(cells[:, :2], np.broadcast_to(cells[0, :2], (16, 2, 3)))
        assert np.isfinite(traj.observable("temperature")).all()


def test_npt_refuses_fixed_atoms_with_a_fix(tmp_path):
    with pytest.raises(MDError, match="npt_mtk cannot run with fixed atoms"):
        run_md(copper(fixed=2), EMT(), settings(ensemble="npt_mtk"), tmp_path, progress=False)


@pytest.mark.parametrize("ensemble", ["nvt_langevin", "nvt_bussi"])
def test_same_seed_same_bits_other_seed_other_trajectory(tmp_path, ensemble):
    runs = [
        read_all(
            run_md(
                copper(),
                EMT(),
                settings(ensemble=ensemble, seed=seed),
                tmp_path / f"{i}",
                progress=False,
            ).trajectory_path
        )
        for i, seed in enumerate([7, 7, 8])
    ]
    assert_same_trajectory(runs[0], runs[1])
    assert not np.array_equal(runs[0]["positions"][-1], runs[2]["positions"][-1])


@pytest.mark.parametrize("ensemble", ENSEMBLES)
def test_three_chunks_equal_one_long_run(tmp_path, ensemble):
    atoms = copper(fixed=0 if ensemble == "npt_mtk" else 3)
    common = dict(ensemble=ensemble, heat_from_K=100.0, heat_steps=30, traj_interval=3)
    long = run_md(atoms, EMT(), settings(**common), tmp_path / "long", progress=False)
    statuses = []
    calculator = EMT()
    for _ in range(3):
        chunk = run_md(
            atoms,
            calculator,
            settings(chunk_steps=20, **common),
            tmp_path / "chunks",
            progress=False,
        )
        statuses.append((chunk.status, chunk.start_step, chunk.steps_done))
    assert statuses == [("chunk_done", 0, 20), ("chunk_done", 20, 40), ("completed", 40, 60)]
    assert chunk.n_frames == long.n_frames == 21
    assert_same_trajectory(read_all(long.trajectory_path), read_all(chunk.trajectory_path))
    # a further call on a finished run does nothing and keeps the trajectory
    again = run_md(
        atoms, calculator, settings(chunk_steps=20, **common), tmp_path / "chunks", progress=False
    )
    assert again.status == "completed" and again.steps_this_call == 0 and again.n_frames == 21


def test_checkpoint_from_other_settings_is_refused(tmp_path):
    run_md(copper(), EMT(), settings(chunk_steps=20), tmp_path, progress=False)
    with pytest.raises(MDError, match="other MD settings"):
        run_md(copper(), EMT(), settings(chunk_steps=20, seed=99), tmp_path, progress=False)


def test_heating_ramp_then_hold():
    s = MDSettings(temperature_K=600, heat_from_K=100, heat_steps=50)
    assert [s.target_temperature_K(k) for k in (0, 25, 50, 80)] == [100, 350, 600, 600]


def test_langevin_heats_to_the_target(tmp_path):
    result = run_md(
        copper(repeat=(2, 2, 2)),
        EMT(),
        settings(
            temperature_K=1000, heat_from_K=10.0, heat_steps=40, steps=300, friction_per_fs=0.05
        ),
        tmp_path,
        progress=False,
    )
    with H5MDReader(result.trajectory_path) as traj:
        temperature = traj.observable("temperature")
    assert temperature[0] < 100  # velocities drawn at the ramp start
    assert 600 < temperature[-30:].mean() < 1400


def test_explosion_guard_names_step_atoms_and_distance(tmp_path):
    atoms = copper()
    atoms.positions[5] = atoms.positions[0] + [0.3, 0.2, 0.0]  # 0.36 Å from atom 0
    with pytest.raises(MDError) as failure:
        run_md(atoms, EMT(), settings(), tmp_path, progress=False)
    message = str(failure.value)
    assert "MD stopped at step 0" in message
    assert "atoms 0 (Cu) and 5 (Cu) are 0.361 Å apart" in message
    assert "min_distance_A=0.5" in message
    assert "\n" not in message


class _BlowsUpAfter(Calculator):
    """EMT that returns NaN energies and huge forces from call ``n`` on (a run going bad)."""

    implemented_properties = ["energy", "forces", "stress", "energies"]

    def __init__(self, n: int, bad: str):
        super().__init__()
        self.inner, self.n, self.calls, self.bad = EMT(), n, 0, bad

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        self.calls += 1
        self.inner.calculate(self.atoms, ["energy", "forces"], all_changes)
        self.results = {k: np.array(v, copy=True) for k, v in self.inner.results.items()}
        self.results["energy"] = float(self.results["energy"])
        if self.calls > self.n:
            if self.bad == "nan":
                self.results["energy"] = float("nan")
            else:
                self.results["forces"][7] = [0.0, 300.0, 0.0]


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("nan", "the potential energy is nan"),
        ("force", "atom 7 feels a force of 300 eV/Å (> max_force_eV_per_A=50"),
    ],
)
def test_guard_keeps_frames_up_to_the_failure_and_marks_the_file(tmp_path, bad, expected):
    s = settings(steps=100, guards={"interval": 5})
    with pytest.raises(MDError) as failure:
        run_md(copper(), _BlowsUpAfter(23, bad), s, tmp_path, progress=False)
    message = str(failure.value)
    assert expected in message
    assert "MD stopped at step 25" in message  # first guard check after call 23
    with H5MDReader(tmp_path / "trajectory.h5") as traj:
        assert list(traj.steps()) == [0, 4, 8, 12, 16, 20, 24]
        assert traj.parameters["run_status"] == "failed"
        assert "MD stopped at step 25" in traj.parameters["failure_reason"]
    assert "7 frame(s) up to step 24 kept" in message


def test_temperature_runaway_guard(tmp_path):
    s = settings(temperature_K=300, guards={"max_temperature_K": 100.0, "interval": 1})
    with pytest.raises(
        MDError,
        match=r"MD stopped at step 0: the temperature is \d+ K \(> limit 100 K\); hottest atoms",
    ):
        run_md(copper(), EMT(), s, tmp_path, progress=False)


class _EinsteinCrystal(Calculator):
    """Each atom on a spring to its starting site: a vectorised calculator cheap enough for 10^3 steps."""

    implemented_properties = ["energy", "forces", "energies"]

    def __init__(self, sites, k_eV_per_A2=2.0):
        super().__init__()
        self.sites, self.k = np.array(sites), k_eV_per_A2

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        displacement = self.atoms.positions - self.sites
        energies = 0.5 * self.k * (displacement**2).sum(axis=1)
        self.results = {
            "energy": float(energies.sum()),
            "energies": energies,
            "forces": -self.k * displacement,
        }


def test_memory_does_not_grow_with_trajectory_length(tmp_path):
    """Python-side allocations peak at the same level for 100 and 1000 frames (loose bound)."""
    atoms = copper(repeat=(3, 3, 3))  # 108 atoms: a frame is ~13 kB of float64 arrays

    def peak_bytes(steps: int, name: str) -> int:
        s = settings(
            ensemble="nve", steps=steps, traj_interval=1, checkpoint_interval=500, temperature_K=300
        )
        tracemalloc.start()
        run_md(atoms, _EinsteinCrystal(atoms.positions), s, tmp_path / name, progress=False)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    short, long = peak_bytes(100, "short"), peak_bytes(1000, "long")
    assert long - short < 2_000_000  # keeping the 900 extra frames would cost ~30 MB
    with H5MDReader(tmp_path / "long" / "trajectory.h5") as traj:
        assert traj.n_frames == 1001
        assert np.isfinite(traj.atomic_energies(-1)).all()


def test_settings_forbid_unknown_keys_and_misaligned_chunks():
    with pytest.raises(ValidationError, match="extra"):
        MDSettings(temperatur_K=300)
    with pytest.raises(ValidationError, match="multiple of checkpoint_interval"):
        MDSettings(chunk_steps=150, checkpoint_interval=100)
    with pytest.raises(ValidationError, match="extra"):
        RelaxSettings(fmax=0.1)


def test_relax_with_fixed_layer_and_cell_along_normal():
    atoms = copper(repeat=(1, 1, 3), fixed=4)
    atoms.set_cell(atoms.cell.array * [1, 1, 1.03], scale_atoms=True)  # stretched along c
    fixed_before = atoms.positions[:4].copy()
    result = run_relax(
        atoms,
        EMT(),
        RelaxSettings(optimizer="FIRE", fmax_eV_per_A=0.05, steps=300, relax_cell_normal=True),
    )
    assert result.converged and 0 < result.steps < 300
    assert result.fmax_eV_per_A < 0.05
    assert result.energy_eV < result.initial_energy_eV
    assert result.cell_c_change_A < -0.05  # c shrinks back towards the EMT lattice
    assert np.allclose(result.atoms.cell.array[:2], atoms.cell.array[:2])  # in-plane cell untouched
    # fixed atoms keep their fractional position along the scaled c axis, their x, y exactly
    assert np.array_equal(result.atoms.positions[:4, :2], fixed_before[:, :2])
    assert len(result.energies_eV) == result.steps + 1


def test_relax_bfgs_reports_non_convergence():
    atoms = copper(fixed=2)
    result = run_relax(atoms, EMT(), RelaxSettings(optimizer="BFGS", fmax_eV_per_A=1e-6, steps=3))
    assert not result.converged and result.steps == 3
    assert result.fmax_eV_per_A > 1e-6


def test_velocities_are_written_in_angstrom_per_fs(tmp_path):
    result = run_md(
        copper(),
        EMT(),
        settings(ensemble="nve", steps=4, traj_interval=1),
        tmp_path,
        progress=False,
    )
    with H5MDReader(result.trajectory_path) as traj:
        v = traj.velocities(-1)
        masses = result.atoms.get_masses()[:, None]
    assert np.allclose(v, result.atoms.get_momenta() / masses * units.fs)


def test_walltime_chunks_stop_on_checkpoints_and_add_up_to_the_long_run(tmp_path):
    long = run_md(copper(), EMT(), settings(), tmp_path / "long", progress=False)
    budget = settings(chunk_walltime_s=1e-6)  # every chunk stops at its first checkpoint
    chunks = []
    while (chunk := run_md(copper(), EMT(), budget, tmp_path / "wall", progress=False)).status != "completed":
        chunks.append((chunk.start_step, chunk.steps_done))
    assert chunks == [(0, 10), (10, 20), (20, 30), (30, 40), (40, 50)]
    assert_same_trajectory(read_all(long.trajectory_path), read_all(chunk.trajectory_path))


def test_progress_bar_and_log_lines(tmp_path, caplog, capsys):
    caplog.set_level("INFO", logger="interfaceflow.md")
    run_md(copper(), EMT(), settings(log_interval=20), tmp_path, progress=True)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("step ")]
    assert [line.split()[1] for line in lines] == ["0/60", "20/60", "40/60", "60/60"]
    assert all("T=" in line and "Epot=" in line and "ns/day" in line and "ETA" in line for line in lines)
    assert "60/60" in capsys.readouterr().err  # the rich bar went to stderr
