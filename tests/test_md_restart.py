"""Kill-and-resume: MD in a subprocess, SIGKILLed (or SIGTERMed) after a checkpoint, run again.

The continued trajectory must equal an uninterrupted run with the same seed: same frame count,
same steps (none missing, none duplicated), and bit-identical frames.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from interfaceflow.io.h5md import H5MDReader
from interfaceflow.md.checkpoint import read_checkpoint

STEPS = 240
SCRIPT = f"""
import sys, time
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.constraints import FixAtoms
from interfaceflow.md.engine import run_md
from interfaceflow.md.settings import MDSettings

workdir, ensemble, hang_after, hang_s = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])

class HangingEMT(EMT):
    # EMT that stalls for hang_s in force call number `hang_after` (like a stuck node), so the
    # parent signals the run at a known point: after a checkpoint, with frames written beyond it.
    calls = 0
    def calculate(self, *args, **kwargs):
        HangingEMT.calls += 1
        if HangingEMT.calls == hang_after:
            open(workdir + "/hanging", "w").close()
            time.sleep(hang_s)
        super().calculate(*args, **kwargs)

atoms = bulk("Cu", cubic=True).repeat((2, 2, 2))
atoms.rattle(0.05, seed=3)
atoms.set_constraint(FixAtoms(indices=[0, 1]))
settings = MDSettings(
    ensemble=ensemble, temperature_K=900, timestep_fs=2.0, steps={STEPS}, traj_interval=2,
    checkpoint_interval=60, heat_from_K=200, heat_steps=60, seed=11,
    exact_restart=True,  # EMT keeps a neighbour list between calls
)
result = run_md(atoms, HangingEMT(), settings, workdir, progress=False)
print("STATUS", result.status, result.start_step, result.steps_done, result.n_frames, flush=True)
"""


def _command(workdir: Path, ensemble: str, hang_after_calls: int, hang_s: float = 0.0) -> list[str]:
    return [sys.executable, "-c", SCRIPT, str(workdir), ensemble, str(hang_after_calls), str(hang_s)]


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def _run(workdir: Path, ensemble: str) -> list[str]:
    done = subprocess.run(
        _command(workdir, ensemble, 0), capture_output=True, text=True, env=_env(), timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split("STATUS", 1)[1].split()


def _start_and_stop(workdir: Path, ensemble: str, sig: int, hang_after_calls: int, hang_s: float):
    """Start the MD, wait until it stalls in force call ``hang_after_calls``, send ``sig``."""
    process = subprocess.Popen(
        _command(workdir, ensemble, hang_after_calls, hang_s),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if (workdir / "hanging").exists():
            process.send_signal(sig)
            break
        time.sleep(0.02)
    stdout, stderr = process.communicate(timeout=120)
    return process, stdout, stderr


def _trajectory(path: Path) -> dict[str, np.ndarray]:
    with H5MDReader(path) as traj:
        return {
            "steps": traj.steps(),
            "positions": traj.positions(),
            "velocities": traj.velocities(),
            "forces": traj.forces(),
            "atomic_energies": traj.atomic_energies(),
            "temperature": traj.observable("temperature"),
        }


@pytest.mark.parametrize("ensemble", ["nvt_langevin", "nvt_nose_hoover"])
def test_sigkill_then_rerun_matches_uninterrupted_run_bit_for_bit(tmp_path, ensemble):
    _run(tmp_path / "reference", ensemble)
    reference = _trajectory(tmp_path / "reference" / "trajectory.h5")

    victim = tmp_path / "victim"
    # hangs near step 100: past the checkpoint at step 60, with frames written after it
    process, _, stderr = _start_and_stop(victim, ensemble, signal.SIGKILL, hang_after_calls=102, hang_s=600)
    assert process.returncode == -signal.SIGKILL, stderr[-2000:]
    killed_at = read_checkpoint(victim / "checkpoint.npz")
    assert killed_at.step == 60
    with H5MDReader(victim / "trajectory.h5") as traj:  # still a readable HDF5 file
        assert len(traj) >= killed_at.n_frames == 31  # frames after it may or may not be on disk

    status, start_step, steps_done, n_frames = _run(victim, ensemble)
    assert (status, int(start_step), int(steps_done)) == ("completed", killed_at.step, STEPS)
    resumed = _trajectory(victim / "trajectory.h5")
    assert int(n_frames) == len(reference["steps"]) == STEPS // 2 + 1
    assert list(resumed["steps"]) == list(range(0, STEPS + 1, 2))  # none missing, none duplicated
    for key, values in reference.items():
        assert np.array_equal(resumed[key], values), f"{key} differs after the restart"


def test_sigterm_checkpoints_stops_cleanly_and_resumes(tmp_path):
    ensemble = "nvt_langevin"
    _run(tmp_path / "reference", ensemble)
    reference = _trajectory(tmp_path / "reference" / "trajectory.h5")

    victim = tmp_path / "victim"
    process, stdout, stderr = _start_and_stop(
        victim, ensemble, signal.SIGTERM, hang_after_calls=102, hang_s=1.0
    )
    assert process.returncode == 0, stderr[-2000:]
    status, start_step, stopped_at, _ = stdout.split("STATUS", 1)[1].split()
    assert status == "interrupted" and 60 < int(stopped_at) < 120
    assert read_checkpoint(victim / "checkpoint.npz").step == int(stopped_at)

    status, start_step, steps_done, _ = _run(victim, ensemble)
    assert (status, int(start_step), int(steps_done)) == ("completed", int(stopped_at), STEPS)
    resumed = _trajectory(victim / "trajectory.h5")
    assert list(resumed["steps"]) == list(reference["steps"])
    before = reference["steps"] <= int(stopped_at)
    assert np.array_equal(resumed["positions"][before], reference["positions"][before])
    # After an off-interval stop EMT rebuilds its neighbour list at another step than the
    # uninterrupted run did, which may change the last bits; stateless MLIPs match exactly.
    assert np.allclose(resumed["positions"], reference["positions"], rtol=0, atol=1e-8)
