"""Streamed H5MD trajectories: a buffered writer for running MD and a lazy reader.

Layout (H5MD 1.1, lengths in Å, times in fs, energies in eV), chosen so that znh5md (ASE) and
MDAnalysis read the file as it is::

    /h5md                         attrs version=[1, 1]; creator/ (name, version); author/ (name, email)
    /particles/all/species        value (F, N) int32 atomic numbers (time-dependent, as znh5md wants)
    /particles/all/position       step (F,) int64, time (F,) float64, value (F, N, 3) Å
    /particles/all/velocity       value (F, N, 3) Å/fs                  (optional)
    /particles/all/forces         value (F, N, 3) eV/Å, float64          (optional; ASE's name)
    /particles/all/force          value (F, N, 3) kJ/mol/Å, float32      (with forces; H5MD's name,
                                  in a unit MDAnalysis knows: it has no eV)
    /particles/all/energies       value (F, N) eV per atom               (optional; ASE's name)
    /particles/all/box            attrs dimension=3, boundary; edges/{step, time, value (F, 3, 3)}
    /observables/all/<name>       potential_energy, kinetic_energy (eV), temperature (K) (F,),
                                  stress (F, 6) eV/Å³ (ASE Voigt order)
    /parameters                   attrs interface_z_A, timestep_fs, temperature_K, ...;
                                  dataset region (N,) utf-8 labels (optional)

Every time-dependent element shares one ``step`` and one ``time`` dataset (hard links, which H5MD
allows). Datasets are chunked and resizable along the frame axis; the writer keeps at most
``buffer_frames`` frames in memory, so memory does not grow with the length of the run. After
:meth:`H5MDWriter.flush` returns, every frame appended so far is on disk and the file is
consistent, which is what checkpoints rely on.

Files written before this layout (``species`` and ``region`` as (N,) datasets under
``/particles/all``, forces in eV/Å under ``force``, per-atom energies under ``potential_energy``,
observables directly under ``/observables``) are still read, and resumed in their own layout.
The reader and writer speak one vocabulary whatever the layout: per-atom elements ``velocity``,
``force`` (eV/Å) and ``potential_energy`` (eV), observables by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import numpy as np
from ase import units as _ase_units

from interfaceflow.errors import MDError

H5MD_VERSION = (1, 1)
PER_ATOM_ELEMENTS = ("position", "velocity", "force", "potential_energy")
OBSERVABLES = ("potential_energy", "kinetic_energy", "temperature", "stress")
#: Units in H5MD notation (what MDAnalysis translates); the forces ASE reads stay in eV/Å.
_UNITS = {
    "position": "Angstrom",
    "velocity": "Angstrom fs-1",
    "force": "eV Angstrom-1",
    "potential_energy": "eV",
    "kinetic_energy": "eV",
    "temperature": "K",
    "stress": "eV Angstrom-3",
    "box": "Angstrom",
}
#: eV/Å in kJ mol⁻¹ Å⁻¹: the copy of the forces MDAnalysis reads (its force units have no eV).
EV_PER_A_IN_KJ_PER_MOL_A = 1.0 / (_ase_units.kJ / _ase_units.mol)
_FORCE_UNIT_TO_EV = {"eV Angstrom-1": 1.0, "kJ mol-1 Angstrom-1": 1.0 / EV_PER_A_IN_KJ_PER_MOL_A}
#: Where a per-atom element lives: (current layout, layout before the znh5md/MDAnalysis fix).
_PER_ATOM_PATHS = {
    "velocity": ("velocity", "velocity"),
    "force": ("forces", "force"),
    "potential_energy": ("energies", "potential_energy"),
}
_MDA_FORCE = "force:kJ/mol/A"


@dataclass(frozen=True)
class _Element:
    """One time-dependent H5MD element: where it lives, the shape of one frame, how it is stored."""

    path: str
    frame_shape: tuple[int, ...]
    unit: str | None
    dtype: type = np.float64
    scale: float = 1.0


def _elements(
    n_atoms: int, per_atom: Sequence[str], observables: Sequence[str], legacy: bool = False
) -> dict[str, _Element]:
    """The elements of a file; ``legacy``: the layout written before the znh5md/MDAnalysis fix."""
    elements = {"position": _Element("particles/all/position", (n_atoms, 3), _UNITS["position"])}
    if not legacy:
        elements["species"] = _Element("particles/all/species", (n_atoms,), None, np.int32)
    for name in per_atom:
        if name == "position":
            continue
        if name not in PER_ATOM_ELEMENTS:
            raise MDError(f"unknown per-atom H5MD element '{name}'; use {PER_ATOM_ELEMENTS}")
        shape = (n_atoms,) if name == "potential_energy" else (n_atoms, 3)
        where = _PER_ATOM_PATHS[name][1 if legacy else 0]
        elements[name] = _Element(f"particles/all/{where}", shape, _UNITS[name])
        if name == "force" and not legacy:
            elements[_MDA_FORCE] = _Element(
                "particles/all/force", shape, "kJ mol-1 Angstrom-1", np.float32, EV_PER_A_IN_KJ_PER_MOL_A
            )
    elements["box"] = _Element("particles/all/box/edges", (3, 3), _UNITS["box"])
    for name in observables:
        if name not in OBSERVABLES:
            raise MDError(f"unknown H5MD observable '{name}'; use {OBSERVABLES}")
        shape = (6,) if name == "stress" else ()
        where = f"observables/{name}" if legacy else f"observables/all/{name}"
        elements[f"obs:{name}"] = _Element(where, shape, _UNITS[name])
    return elements


def _chunk_frames(frame_shape: tuple[int, ...], target_bytes: int = 256 * 1024) -> int:
    frame_bytes = 8 * int(np.prod(frame_shape, dtype=np.int64) or 1)
    return int(np.clip(target_bytes // frame_bytes, 1, 1024))


class H5MDWriter:
    """Append MD frames to an H5MD file, a few frames at a time.

    Create a new file with :meth:`create`, continue an existing one after a restart with
    :meth:`resume` (which truncates it to the frame count recorded in the checkpoint). Use it as a
    context manager or call :meth:`close`.
    """

    def __init__(
        self, h5: h5py.File, elements: dict[str, _Element], buffer_frames: int, numbers: np.ndarray
    ):
        self._h5 = h5
        self._elements = elements
        self._numbers = np.asarray(numbers, dtype=np.int32)
        self._buffer_frames = max(1, int(buffer_frames))
        self._buffer: dict[str, list[np.ndarray]] = {key: [] for key in elements}
        self._steps: list[int] = []
        self._times: list[float] = []
        self._n_on_disk = int(h5["particles/all/position/value"].shape[0])

    # ------------------------------------------------------------------ construction
    @classmethod
    def create(
        cls,
        path: str | Path,
        *,
        numbers: Sequence[int],
        pbc: Sequence[bool],
        per_atom: Sequence[str] = ("velocity", "force"),
        observables: Sequence[str] = ("potential_energy", "kinetic_energy", "temperature"),
        regions: Sequence[str] | None = None,
        parameters: Mapping[str, Any] | None = None,
        creator_version: str = "unknown",
        buffer_frames: int = 16,
    ) -> H5MDWriter:
        """Create (or overwrite) ``path`` with empty resizable datasets for the given elements."""
        numbers = np.asarray(numbers, dtype=np.int32)
        n_atoms = len(numbers)
        elements = _elements(n_atoms, per_atom, observables)
        h5 = h5py.File(path, "w")
        meta = h5.create_group("h5md")
        meta.attrs["version"] = np.array(H5MD_VERSION, dtype=np.int32)
        meta.create_group("creator").attrs.update({"name": "interfaceflow", "version": creator_version})
        meta.create_group("author").attrs.update({"name": "interfaceflow", "email": ""})
        particles = h5.create_group("particles/all")
        box = particles.create_group("box")
        box.attrs["dimension"] = 3
        box.attrs["boundary"] = np.array(
            ["periodic" if p else "none" for p in pbc], dtype=h5py.string_dtype("utf-8")
        )
        params = h5.create_group("parameters")
        for key, value in (parameters or {}).items():
            params.attrs[key] = value
        params.attrs["run_status"] = "running"
        if regions is not None:
            if len(regions) != n_atoms:
                h5.close()
                raise MDError(f"{len(regions)} region labels for {n_atoms} atoms; give one per atom")
            params.create_dataset(
                "region", data=np.array(list(regions), dtype=h5py.string_dtype("utf-8"))
            )

        first = None
        for element in elements.values():
            group = h5.require_group(element.path)
            value = group.create_dataset(
                "value",
                shape=(0, *element.frame_shape),
                maxshape=(None, *element.frame_shape),
                chunks=(_chunk_frames(element.frame_shape), *element.frame_shape),
                dtype=element.dtype,
            )
            if element.unit is not None:
                value.attrs["unit"] = element.unit
            if first is None:
                first = group
                group.create_dataset("step", shape=(0,), maxshape=(None,), chunks=(4096,), dtype=np.int64)
                group.create_dataset(
                    "time", shape=(0,), maxshape=(None,), chunks=(4096,), dtype=np.float64
                ).attrs["unit"] = "fs"
            else:
                group["step"] = first["step"]
                group["time"] = first["time"]
        h5.flush()
        return cls(h5, elements, buffer_frames, numbers)

    @classmethod
    def resume(cls, path: str | Path, n_frames: int, *, buffer_frames: int = 16) -> H5MDWriter:
        """Open an existing file for appending, keeping only its first ``n_frames`` frames."""
        try:
            h5 = h5py.File(path, "r+")
        except OSError as exc:
            raise MDError(
                f"cannot reopen trajectory {path} to continue the run ({exc}); delete the run "
                "directory to start over"
            ) from exc
        species = h5["particles/all/species"]
        legacy = isinstance(species, h5py.Dataset)  # written before the znh5md/MDAnalysis layout
        numbers = species[()] if legacy else species["value"][0]
        n_atoms = len(numbers)
        per_atom = [
            n for n, paths in _PER_ATOM_PATHS.items()
            if f"particles/all/{paths[1 if legacy else 0]}/value" in h5
        ]
        obs_group = "observables" if legacy else "observables/all"
        observables = [n for n in OBSERVABLES if f"{obs_group}/{n}/value" in h5]
        elements = _elements(n_atoms, per_atom, observables, legacy=legacy)
        n_on_disk = int(h5["particles/all/position/value"].shape[0])
        if n_on_disk < n_frames:
            h5.close()
            raise MDError(
                f"trajectory {path} holds {n_on_disk} frames but the checkpoint expects "
                f"{n_frames}; the files do not belong together, delete the run directory to start over"
            )
        for element in elements.values():
            h5[f"{element.path}/value"].resize(n_frames, axis=0)
        h5["particles/all/position/step"].resize(n_frames, axis=0)
        h5["particles/all/position/time"].resize(n_frames, axis=0)
        h5["parameters"].attrs["run_status"] = "running"
        h5.flush()
        return cls(h5, elements, buffer_frames, numbers)

    # ------------------------------------------------------------------ writing
    @property
    def n_frames(self) -> int:
        """Frames appended so far (on disk plus buffered)."""
        return self._n_on_disk + len(self._steps)

    @property
    def path(self) -> Path:
        """Path of the file being written."""
        return Path(self._h5.filename)

    def append(
        self,
        step: int,
        time_fs: float,
        *,
        position: np.ndarray,
        box: np.ndarray,
        per_atom: Mapping[str, np.ndarray | None] | None = None,
        observables: Mapping[str, np.ndarray | float | None] | None = None,
    ) -> None:
        """Buffer one frame (values are copied); elements given no value are written as NaN.

        ``per_atom`` maps ``velocity``/``force``/``potential_energy`` to arrays, ``observables``
        maps ``potential_energy``/``kinetic_energy``/``temperature``/``stress`` to values; names
        the file was not created with are ignored.
        """
        self._steps.append(int(step))
        self._times.append(float(time_fs))
        self._buffer["position"].append(np.array(position, dtype=np.float64))
        self._buffer["box"].append(np.array(box, dtype=np.float64))
        per_atom = per_atom or {}
        observables = observables or {}
        for key, element in self._elements.items():
            if key in ("position", "box"):
                continue
            if key == "species":
                self._buffer[key].append(self._numbers)
                continue
            if key.startswith("obs:"):
                value = observables.get(key.removeprefix("obs:"))
            else:
                value = per_atom.get("force" if key == _MDA_FORCE else key)
            if value is None:
                value = np.full(element.frame_shape, np.nan)
            value = np.array(value, dtype=np.float64)
            self._buffer[key].append(value * element.scale if element.scale != 1.0 else value)
        if len(self._steps) >= self._buffer_frames:
            self._write_buffer()

    @property
    def per_atom(self) -> list[str]:
        """Per-atom elements stored besides positions."""
        return [k for k in self._elements if k in PER_ATOM_ELEMENTS and k != "position"]

    @property
    def observables(self) -> list[str]:
        """Observables stored."""
        return [k.removeprefix("obs:") for k in self._elements if k.startswith("obs:")]

    def _write_buffer(self) -> None:
        n_new = len(self._steps)
        if not n_new:
            return
        start, stop = self._n_on_disk, self._n_on_disk + n_new
        # Datasets are looked up on each flush, not kept open: an open dataset keeps its HDF5 chunk
        # cache, and with a dozen of them resident memory grew with trajectory length.
        for key, element in self._elements.items():
            dset = self._h5[f"{element.path}/value"]
            dset.resize(stop, axis=0)
            dset[start:stop] = np.stack(self._buffer[key])
            self._buffer[key].clear()
        for name, values in (("step", self._steps), ("time", self._times)):
            dset = self._h5[f"particles/all/position/{name}"]
            dset.resize(stop, axis=0)
            dset[start:stop] = values
            values.clear()
        self._n_on_disk = stop

    def flush(self) -> None:
        """Write buffered frames and flush HDF5, so the file on disk holds every frame so far."""
        if not self._h5.id.valid:  # closed
            return
        self._write_buffer()
        self._h5.flush()

    def set_status(self, status: str, reason: str | None = None) -> None:
        """Record the run status (``running``, ``completed``, ``failed``...) in ``/parameters``."""
        self._h5["parameters"].attrs["run_status"] = status
        if reason is not None:
            self._h5["parameters"].attrs["failure_reason"] = reason

    def close(self) -> None:
        """Flush and close the file (idempotent)."""
        if self._h5.id.valid:
            self.flush()
            self._h5.close()

    def __enter__(self) -> H5MDWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ---------------------------------------------------------------------------------------- reader
FrameSelection = slice | Sequence[int] | np.ndarray | int | None


class H5MDReader:
    """Lazy reader: nothing is loaded until a slice of frames (and atoms) is asked for.

    Besides the layout :class:`H5MDWriter` writes, it reads what other H5MD writers commonly
    produce: ``step``/``time`` stored as a fixed interval (scalar dataset with an ``offset``
    attribute), a fixed box (``box/edges`` a (3,) or (3, 3) dataset), orthorhombic (F, 3) box
    edges, a box written at other steps than the positions (the latest box at or before each
    frame is used) and a box without ``boundary`` attribute (periodic).

    Example::

        with H5MDReader("trajectory.h5") as traj:
            every_10th = traj.positions(slice(0, None, 10))
            li_only = traj.positions(atoms=np.flatnonzero(traj.numbers == 3))
            first = traj.atoms(0)
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self._h5 = h5py.File(self.path, "r")
        except OSError as exc:
            raise MDError(f"cannot open {self.path} as HDF5 ({exc}); is it an H5MD file?") from exc
        if "particles/all/position/value" not in self._h5:
            self._h5.close()
            raise MDError(f"{self.path} has no /particles/all/position; it is not an H5MD trajectory")
        self._particles = self._h5["particles/all"]

    def __enter__(self) -> H5MDReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._h5.close()

    def __len__(self) -> int:
        return int(self._particles["position/value"].shape[0])

    @property
    def n_frames(self) -> int:
        """Number of frames in the file."""
        return len(self)

    @property
    def numbers(self) -> np.ndarray:
        """(N,) atomic numbers (of the first frame where species are time-dependent)."""
        species = self._particles["species"]
        if isinstance(species, h5py.Group):
            species = species["value"]
            return np.asarray(species[0] if species.shape[0] else np.empty(0), dtype=int)
        return np.asarray(species[()], dtype=int)

    @property
    def regions(self) -> np.ndarray | None:
        """(N,) region labels (str objects), or None."""
        if "parameters/region" in self._h5:
            dset = self._h5["parameters/region"]
        elif isinstance(self._particles.get("region"), h5py.Dataset):  # earlier layout
            dset = self._particles["region"]
        else:
            return None
        try:
            values = dset.asstr()[()]
        except TypeError:  # not a string dataset
            values = dset[()]
        labels = [v.decode() if isinstance(v, bytes) else str(v) for v in values]
        return np.array(labels, dtype=object)

    @property
    def pbc(self) -> np.ndarray:
        """(3,) periodic flags of the box (periodic when the box has no ``boundary``)."""
        boundary = self._box().attrs.get("boundary", np.array(["periodic"] * 3))
        names = [b.decode() if isinstance(b, bytes) else str(b) for b in boundary]
        return np.array([name == "periodic" for name in names], dtype=bool)

    @property
    def parameters(self) -> dict[str, Any]:
        """Attributes of ``/parameters`` (timestep_fs, temperature_K, interface_z_A, ...)."""
        return dict(self._h5["parameters"].attrs) if "parameters" in self._h5 else {}

    @property
    def per_atom_names(self) -> list[str]:
        """Per-atom time series stored for every position frame (``velocity``, ``force``,
        ``potential_energy``, ...), by the reader's names whatever the file's layout."""
        n = len(self)
        aliases = {new: name for name, (new, _) in _PER_ATOM_PATHS.items()}
        names: dict[str, None] = {}
        for path, item in self._particles.items():
            if (
                path not in ("position", "species", "box")
                and isinstance(item, h5py.Group)
                and isinstance(item.get("value"), h5py.Dataset)
                and item["value"].shape[0] == n
            ):
                names[aliases.get(path, path)] = None
        return list(names)

    def has(self, name: str) -> bool:
        """Whether a per-atom element (``force``) or observable (``stress``) is stored."""
        return self._per_atom_path(name) is not None or self._observable_path(name) is not None

    def _per_atom_path(self, name: str) -> str | None:
        """The group of per-atom element ``name``: current layout first, then the earlier one."""
        for path in _PER_ATOM_PATHS.get(name, (name,)):
            if isinstance(self._particles.get(path), h5py.Group):
                return path
        return None

    def _observable_path(self, name: str) -> str | None:
        for path in (f"observables/all/{name}", f"observables/{name}"):
            if isinstance(self._h5.get(path), h5py.Group):
                return path
        return None

    @staticmethod
    def _frame_index(frames: FrameSelection, n: int) -> slice | np.ndarray:
        if frames is None:
            return slice(None)
        if isinstance(frames, slice):
            return frames
        if isinstance(frames, int | np.integer):
            index = int(frames) + (n if frames < 0 else 0)
            return slice(index, index + 1)
        return np.asarray(frames, dtype=int)

    def _read(
        self, dset: h5py.Dataset | np.ndarray, frames: FrameSelection, atoms: FrameSelection = None
    ) -> np.ndarray:
        """Read frames (slice with stride, or indices) and atoms; h5py wants sorted fancy indices."""
        frame_index = self._frame_index(frames, dset.shape[0])
        if isinstance(frame_index, slice) and frame_index.step is not None and frame_index.step < 0:
            start, stop, step = frame_index.indices(dset.shape[0])
            frame_index = np.arange(start, stop, step)
        if isinstance(frame_index, np.ndarray):
            order = np.argsort(frame_index)
            unique, inverse = np.unique(frame_index[order], return_inverse=True)
            data = dset[unique] if len(unique) else np.empty((0, *dset.shape[1:]))
            data = data[inverse][np.argsort(order)]
        else:
            data = dset[frame_index]
        if atoms is not None:
            atoms = np.asarray(atoms, dtype=int).ravel()
            data = data[:, atoms]
        squeeze = isinstance(frames, int | np.integer)
        return data[0] if squeeze else data

    def _element(self, name: str, frames: FrameSelection, atoms: FrameSelection) -> np.ndarray:
        path = self._per_atom_path(name)
        if path is None:
            raise MDError(f"{self.path.name} has no per-atom '{name}'; the calculator did not provide it")
        dset = self._particles[f"{path}/value"]
        data = self._read(dset, frames, atoms)
        if name == "force":  # eV/Å whatever unit the file holds them in
            unit = dset.attrs.get("unit", _UNITS["force"])
            unit = unit.decode() if isinstance(unit, bytes) else str(unit)
            if unit not in _FORCE_UNIT_TO_EV:
                raise MDError(f"{self.path.name}: forces in unknown unit '{unit}'; "
                              f"expected one of {sorted(_FORCE_UNIT_TO_EV)}")
            if _FORCE_UNIT_TO_EV[unit] != 1.0:
                data = np.asarray(data, dtype=np.float64) * _FORCE_UNIT_TO_EV[unit]
        return data

    def _time_axis(self, name: str, frames: FrameSelection) -> np.ndarray | None:
        """``step`` or ``time`` of the positions: an explicit (F,) dataset or a fixed interval."""
        group = self._particles["position"]
        if name not in group:
            return None
        dset = group[name]
        if dset.shape == ():  # H5MD fixed interval: value_i = offset + i * interval
            dset = dset.attrs.get("offset", 0) + np.arange(len(self)) * dset[()]
        return self._read(dset, frames)

    def steps(self, frames: FrameSelection = None) -> np.ndarray | None:
        """MD step of each frame, or None when the file stores no steps."""
        return self._time_axis("step", frames)

    def times_fs(self, frames: FrameSelection = None) -> np.ndarray | None:
        """Simulation time of each frame in fs, or None when the file stores no times."""
        return self._time_axis("time", frames)

    def positions(self, frames: FrameSelection = None, atoms: FrameSelection = None) -> np.ndarray:
        """(F, n, 3) positions in Å (wrapped as the MD held them)."""
        return self._element("position", frames, atoms)

    def velocities(self, frames: FrameSelection = None, atoms: FrameSelection = None) -> np.ndarray:
        """(F, n, 3) velocities in Å/fs."""
        return self._element("velocity", frames, atoms)

    def forces(self, frames: FrameSelection = None, atoms: FrameSelection = None) -> np.ndarray:
        """(F, n, 3) forces in eV/Å."""
        return self._element("force", frames, atoms)

    def atomic_energies(self, frames: FrameSelection = None, atoms: FrameSelection = None) -> np.ndarray:
        """(F, n) per-atom potential energies in eV."""
        return self._element("potential_energy", frames, atoms)

    def per_atom(
        self, name: str, frames: FrameSelection = None, atoms: FrameSelection = None
    ) -> np.ndarray:
        """Any per-atom time series by its element name (``charge``, ``force``, ...)."""
        return self._element(name, frames, atoms)

    def _box(self) -> h5py.Group:
        if "box" not in self._particles:
            raise MDError(
                f"{self.path.name} has no /particles/all/box; write the cell with the positions"
            )
        return self._particles["box"]

    def cells(self, frames: FrameSelection = None) -> np.ndarray:
        """(F, 3, 3) cell vectors (rows) in Å, whether the box is fixed, per frame or sparser."""
        edges = self._box()["edges"]
        if isinstance(edges, h5py.Dataset):  # fixed box: (3,) diagonal or (3, 3)
            cell = np.asarray(edges[()], dtype=float)
            cell = np.diag(cell) if cell.ndim == 1 else cell
            selected = self._read(np.arange(len(self)), frames)
            return np.broadcast_to(cell, (*np.shape(selected), 3, 3)).copy()
        values = edges["value"]
        if values.shape[0] == len(self):
            cells = np.asarray(self._read(values, frames), dtype=float)
        else:  # box written at other steps: take the latest box at or before each frame
            steps = self.steps(frames)
            if steps is None:
                raise MDError(
                    f"{self.path.name}: box and positions have different lengths and no steps to "
                    "match; write the box with every position frame"
                )
            box_steps = np.asarray(edges["step"][()])
            index = np.searchsorted(box_steps, steps, side="right") - 1
            cells = np.asarray(values[()], dtype=float)[np.clip(index, 0, len(box_steps) - 1)]
        if values.ndim == 2:  # (F, 3) orthorhombic edges
            cells = cells[..., None] * np.eye(3)
        return cells

    def observable(self, name: str, frames: FrameSelection = None) -> np.ndarray:
        """An observable series: potential_energy, kinetic_energy (eV), temperature (K), stress."""
        path = self._observable_path(name)
        if path is None:
            stored = [n for n in OBSERVABLES if self._observable_path(n) is not None]
            raise MDError(f"{self.path.name} has no observable '{name}'; stored: {stored}")
        return self._read(self._h5[f"{path}/value"], frames)

    def atoms(self, frame: int):
        """One frame as an ASE :class:`~ase.Atoms` (positions, cell, velocities when stored)."""
        from ase import Atoms
        from ase.units import fs

        atoms = Atoms(
            numbers=self.numbers, positions=self.positions(frame), cell=self.cells(frame), pbc=self.pbc
        )
        if self._per_atom_path("velocity") is not None:
            atoms.set_velocities(self.velocities(frame) / fs)
        return atoms

    def iter_chunks(self, chunk_frames: int = 256, stride: int = 1):
        """Yield ``(frame_slice, positions)`` blocks so a long trajectory can be streamed."""
        n = len(self)
        for start in range(0, n, chunk_frames * stride):
            frames = slice(start, min(n, start + chunk_frames * stride), stride)
            yield frames, self.positions(frames)
