"""MD checkpoints: one small ``.npz`` file, replaced atomically, enough to continue a run exactly.

A checkpoint holds the step, positions, momenta (not velocities: ``p / m * m`` does not round-trip
bit for bit), cell, the integrator state (thermostat chains, RNG state), the number of trajectory
frames written up to that step, and a hash of the settings that define the trajectory.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from interfaceflow.errors import MDError
from interfaceflow.md.settings import TRAJECTORY_DEFINING_FIELDS, MDSettings

_DYN_PREFIX = "dyn__"


def settings_fingerprint(settings: MDSettings) -> str:
    """sha256 of the settings that change the arithmetic of a run (not steps, chunks, guards)."""
    defining = settings.model_dump(include=set(TRAJECTORY_DEFINING_FIELDS))
    return hashlib.sha256(json.dumps(defining, sort_keys=True).encode()).hexdigest()


@dataclass
class Checkpoint:
    """State of an MD run after ``step`` steps."""

    step: int
    n_frames: int
    positions: np.ndarray
    momenta: np.ndarray
    cell: np.ndarray
    numbers: np.ndarray
    fingerprint: str
    dynamics: dict[str, np.ndarray] = field(default_factory=dict)
    elapsed_s: float = 0.0


def write_checkpoint(path: str | Path, checkpoint: Checkpoint) -> None:
    """Write ``checkpoint`` to ``path`` atomically (temporary file, fsync, ``os.replace``)."""
    path = Path(path)
    arrays = {
        "step": np.array(checkpoint.step, dtype=np.int64),
        "n_frames": np.array(checkpoint.n_frames, dtype=np.int64),
        "positions": checkpoint.positions,
        "momenta": checkpoint.momenta,
        "cell": checkpoint.cell,
        "numbers": checkpoint.numbers,
        "fingerprint": np.array(checkpoint.fingerprint),
        "elapsed_s": np.array(checkpoint.elapsed_s),
    }
    arrays.update({_DYN_PREFIX + k: v for k, v in checkpoint.dynamics.items()})
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        np.savez(handle, **arrays)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_checkpoint(path: str | Path) -> Checkpoint:
    """Load a checkpoint written by :func:`write_checkpoint`."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError) as exc:
        raise MDError(f"cannot read checkpoint {path} ({exc}); delete it to start the run over") from exc
    return Checkpoint(
        step=int(arrays.pop("step")),
        n_frames=int(arrays.pop("n_frames")),
        positions=arrays.pop("positions"),
        momenta=arrays.pop("momenta"),
        cell=arrays.pop("cell"),
        numbers=arrays.pop("numbers"),
        fingerprint=str(arrays.pop("fingerprint")),
        elapsed_s=float(arrays.pop("elapsed_s", 0.0)),
        dynamics={k.removeprefix(_DYN_PREFIX): v for k, v in arrays.items() if k.startswith(_DYN_PREFIX)},
    )
