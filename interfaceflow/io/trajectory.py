"""Read any MD trajectory into one in-memory container, :class:`TrajectoryData`.

Formats (chosen from ``fmt`` or the file suffix):

- ``"h5md"`` (``.h5``, ``.h5md``, ``.hdf5``): the layout written by the interfaceflow MD engine,
  read with :class:`interfaceflow.io.h5md.H5MDReader` and sliced on disk, so only the requested
  frames are loaded::

      /particles/all/species/{step,time,value (F,N) int32 atomic numbers}   (older files: (N,))
      /parameters/region                      (N,) utf-8 strings (optional; older files: particles/all/region)
      /particles/all/position/{step,time,value (F,N,3) Å}
      /particles/all/{velocity,forces (eV/Å),force (kJ/mol/Å),energies (eV)}/...   (optional)
      /particles/all/box/edges/{step,time,value (F,3,3) Å}, attrs boundary
      /parameters attrs interface_z_A, timestep_fs, temperature_K

  (see :mod:`interfaceflow.io.h5md` for the full layout, which znh5md and MDAnalysis also read).

- ``"extxyz"`` (``.xyz``, ``.extxyz``) and ``"traj"`` (ASE ``.traj``): read with
  :func:`ase.io.iread`.
  Times are taken from ``atoms.info["time_fs"]`` when every frame has it.
- ``"lammps-dump-text"`` (``.lammpstrj``, ``.dump``, or a name containing ``dump``): read with ASE;
  LAMMPS atom types are mapped to elements with ``type_map`` (for example ``{1: "Li", 2: "P"}``)
  unless the dump has an ``element`` column.

Positions are returned as stored (usually wrapped into the cell); unwrap them in the analysis
(:func:`interfaceflow.analysis.msd.unwrap_positions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from interfaceflow.errors import AnalysisError, MDError

H5MD_SUFFIXES = {".h5", ".h5md", ".hdf5"}
EXTXYZ_SUFFIXES = {".xyz", ".extxyz"}
LAMMPS_SUFFIXES = {".lammpstrj", ".dump"}
FORMATS = ("h5md", "extxyz", "traj", "lammps-dump-text")

# H5MD per-atom time series -> key in TrajectoryData.per_atom
_H5MD_PER_ATOM = {
    "potential_energy": "energies",
    "charge": "charges",
    "velocity": "velocities",
    "force": "forces",
}


@dataclass
class TrajectoryData:
    """Frames of one trajectory, arrays first (F frames, N atoms).

    Attributes:
        positions_A: (F, N, 3) Cartesian positions as stored (wrapped or not), Å.
        cells_A: (F, 3, 3) cell vectors (rows), Å.
        numbers: (N,) atomic numbers.
        pbc: (3,) periodic flags.
        times_fs: (F,) simulation time of each frame in fs, or None when the file has none.
        regions: (N,) region label of each atom (e.g. 'electrode'), or None.
        per_atom: per-frame per-atom arrays, e.g. 'energies' (F, N) eV, 'charges' (F, N),
            'velocities' (F, N, 3) Å/fs, 'forces' (F, N, 3) eV/Å.
        interface_z_A: z positions of the interfaces, Å (empty when unknown).
        steps: (F,) MD step of each frame, or None.
        timestep_fs: MD integration time step stored in the file, or None.
        temperature_K: thermostat temperature stored in the file, or None.
        source: path the data was read from.
        fmt: format it was read as.
    """

    positions_A: np.ndarray
    cells_A: np.ndarray
    numbers: np.ndarray
    pbc: np.ndarray
    times_fs: np.ndarray | None = None
    regions: np.ndarray | None = None
    per_atom: dict[str, np.ndarray] = field(default_factory=dict)
    interface_z_A: list[float] = field(default_factory=list)
    steps: np.ndarray | None = None
    timestep_fs: float | None = None
    temperature_K: float | None = None
    source: str = ""
    fmt: str = ""

    @property
    def n_frames(self) -> int:
        """Number of frames F."""
        return int(self.positions_A.shape[0])

    @property
    def n_atoms(self) -> int:
        """Number of atoms N."""
        return int(self.positions_A.shape[1])

    @property
    def symbols(self) -> list[str]:
        """Chemical symbols of the N atoms."""
        from ase.data import chemical_symbols

        return [chemical_symbols[int(z)] for z in self.numbers]

    def frame_interval_fs(self) -> float | None:
        """Median time between consecutive frames in fs, or None without times."""
        if self.times_fs is None or len(self.times_fs) < 2:
            return None
        return float(np.median(np.diff(self.times_fs)))

    def to_atoms(self, index: int = 0):
        """One frame as an :class:`ase.Atoms` (positions, cell, pbc, numbers)."""
        from ase import Atoms

        return Atoms(
            numbers=self.numbers,
            positions=self.positions_A[index],
            cell=self.cells_A[index],
            pbc=self.pbc,
        )


def detect_format(path: str | Path) -> str:
    """Guess the trajectory format from the file name; see the module docstring for the rules."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in H5MD_SUFFIXES:
        return "h5md"
    if suffix in EXTXYZ_SUFFIXES:
        return "extxyz"
    if suffix == ".traj":
        return "traj"
    if suffix in LAMMPS_SUFFIXES or "dump" in path.name.lower():
        return "lammps-dump-text"
    raise AnalysisError(
        f"cannot tell the format of {path.name!r}; pass fmt= one of {', '.join(FORMATS)}"
    )


def trajectory_name(traj: TrajectoryData) -> str:
    """The file name of ``traj`` quoted for messages, or "the trajectory" when it has none."""
    return repr(Path(traj.source).name) if traj.source else "the trajectory"


def check_periodic_cell(cells_A: np.ndarray, source: str = "the trajectory") -> None:
    """Raise a one-line :class:`AnalysisError` unless every frame has a 3-D cell.

    Args:
        cells_A: (F, 3, 3) or (3, 3) cell vectors (rows), Å.
        source: the file (or description) named in the message.
    """
    cells = np.asarray(cells_A, dtype=float).reshape(-1, 3, 3)
    volumes = np.abs(np.linalg.det(cells)) if len(cells) else np.zeros(1)
    bad = np.flatnonzero(~(volumes > 1e-6))
    if len(bad):
        where = "in any frame" if len(bad) == len(volumes) else f"in frame {int(bad[0])}"
        raise AnalysisError(
            f"{source} has no periodic cell (cell volume 0 {where}); the analyses need the MD "
            "box: write the trajectory with its cell (extxyz Lattice=..., ASE .traj with a cell)"
        )


def check_min_frames(traj: TrajectoryData, minimum: int, analysis: str, why: str = "") -> None:
    """Raise a one-line :class:`AnalysisError` when ``traj`` has fewer than ``minimum`` frames.

    ``analysis`` names the analysis (``"products"``) and ``why`` says why it needs them.
    """
    if traj.n_frames < minimum:
        reason = f" ({why})" if why else ""
        raise AnalysisError(
            f"{trajectory_name(traj)} has only {traj.n_frames} frame(s) selected; the {analysis} "
            f"analysis needs at least {minimum}{reason}: use a longer trajectory or a wider "
            "--start/--stop/--stride selection"
        )


def read_trajectory(
    path: str | Path,
    *,
    start: int = 0,
    stop: int | None = None,
    stride: int = 1,
    type_map: dict[int, str] | None = None,
    fmt: str | None = None,
    include_per_atom: bool = True,
) -> TrajectoryData:
    """Read frames ``start:stop:stride`` of a trajectory file.

    Args:
        path: trajectory file (H5MD, extxyz, ASE .traj, LAMMPS text dump).
        start, stop, stride: frame slice, as in Python slicing (stride >= 1).
        type_map: LAMMPS atom type -> element symbol, e.g. ``{1: "Li", 2: "P"}``.
        fmt: one of ``"h5md"``, ``"extxyz"``, ``"traj"``, ``"lammps-dump-text"``; guessed when None.
        include_per_atom: also load per-atom series (energies, charges, velocities, forces).

    Returns:
        The selected frames as :class:`TrajectoryData`.

    Raises:
        AnalysisError: missing file, unknown format, empty selection, or inconsistent frames.
    """
    path = Path(path)
    if not path.is_file():
        raise AnalysisError(f"trajectory '{path}' does not exist; give an existing file")
    if stride < 1:
        raise AnalysisError(f"stride must be >= 1 (got {stride}); pass a positive --stride")
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise AnalysisError(f"unknown trajectory format {fmt!r}; use one of {', '.join(FORMATS)}")
    frames = slice(start, stop, stride)
    if fmt == "h5md":
        data = _read_h5md(path, frames, include_per_atom)
    else:
        data = _read_with_ase(path, frames, fmt, type_map, include_per_atom)
    if data.n_frames == 0 and start == 0 and stop is None:
        raise AnalysisError(
            f"{path.name!r} holds no frames; check that it is a complete {fmt} file (or give its "
            "format with --format)"
        )
    if data.n_frames == 0:
        raise AnalysisError(
            f"no frames selected from {path.name!r} with start={start}, stop={stop}, "
            f"stride={stride}; widen the frame range"
        )
    data.source = str(path)
    data.fmt = fmt
    return data


# --------------------------------------------------------------------------------------- H5MD
def _read_h5md(path: Path, frames: slice, include_per_atom: bool) -> TrajectoryData:
    """Frames ``frames`` of an H5MD file, read by :class:`~interfaceflow.io.h5md.H5MDReader`."""
    from interfaceflow.io.h5md import H5MDReader

    try:
        with H5MDReader(path) as reader:
            positions = np.asarray(reader.positions(frames), dtype=float)
            steps = reader.steps(frames)
            times = reader.times_fs(frames)
            cells = reader.cells(frames)
            pbc = reader.pbc
            numbers = reader.numbers
            regions = reader.regions
            per_atom: dict[str, np.ndarray] = {}
            if include_per_atom:
                stored = set(reader.per_atom_names)
                for name, key in _H5MD_PER_ATOM.items():
                    if name in stored:
                        per_atom[key] = np.asarray(reader.per_atom(name, frames), dtype=float)
            params = reader.parameters
    except MDError as exc:  # the reader speaks for the MD engine; here it is an analysis input
        raise AnalysisError(str(exc)) from exc
    interface_z = [float(z) for z in np.atleast_1d(params.get("interface_z_A", []))]
    return TrajectoryData(
        positions_A=positions,
        cells_A=cells,
        numbers=numbers,
        pbc=pbc,
        times_fs=None if times is None else np.asarray(times, dtype=float),
        regions=regions,
        per_atom=per_atom,
        interface_z_A=interface_z,
        steps=None if steps is None else np.asarray(steps, dtype=np.int64),
        timestep_fs=_optional_float(params.get("timestep_fs")),
        temperature_K=_optional_float(params.get("temperature_K")),
    )


def _optional_float(value) -> float | None:
    if value is None:
        return None
    value = np.asarray(value).ravel()
    return float(value[0]) if value.size else None


# ---------------------------------------------------------------------------------------- ASE
def _read_with_ase(
    path: Path, frames: slice, fmt: str, type_map: dict[int, str] | None, include_per_atom: bool
) -> TrajectoryData:
    import ase.io

    ase_format = {"extxyz": "extxyz", "traj": "traj", "lammps-dump-text": "lammps-dump-text"}[fmt]
    try:
        images = list(ase.io.iread(str(path), index=frames, format=ase_format))
    except Exception as exc:  # ASE raises many types for unreadable files
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise AnalysisError(
            f"ASE cannot read {path.name!r} as {fmt} ({reason}); check that the file is complete "
            "or give its format with --format (fmt=)"
        ) from None
    if not images:
        return TrajectoryData(
            np.zeros((0, 0, 3)), np.zeros((0, 3, 3)), np.zeros(0, int), np.zeros(3, bool)
        )
    n_atoms = len(images[0])
    if any(len(atoms) != n_atoms for atoms in images):
        raise AnalysisError(
            f"{path.name!r} changes its number of atoms between frames; analyses need a fixed N"
        )
    numbers = _numbers_from_images(images, fmt, type_map, path)
    positions = np.stack([atoms.get_positions() for atoms in images])
    cells = np.stack([atoms.cell.array for atoms in images])
    times = None
    if all("time_fs" in atoms.info for atoms in images):
        times = np.array([float(atoms.info["time_fs"]) for atoms in images])
    first = images[0]
    regions = None
    if "region" in first.arrays:
        regions = np.array([str(r) for r in first.arrays["region"]], dtype=object)
    interface_z = first.info.get("interface_z_A", [])
    return TrajectoryData(
        positions_A=positions,
        cells_A=cells,
        numbers=numbers,
        pbc=np.array(first.pbc, dtype=bool),
        times_fs=times,
        regions=regions,
        per_atom=_per_atom_from_images(images) if include_per_atom else {},
        interface_z_A=[float(z) for z in np.atleast_1d(interface_z)],
        timestep_fs=_optional_float(first.info.get("timestep_fs")),
        temperature_K=_optional_float(first.info.get("temperature_K")),
    )


def _numbers_from_images(
    images, fmt: str, type_map: dict[int, str] | None, path: Path
) -> np.ndarray:
    from ase.data import atomic_numbers

    first = images[0]
    if fmt != "lammps-dump-text" or "type" not in first.arrays:
        return first.get_atomic_numbers().copy()
    types = np.asarray(first.arrays["type"], dtype=int)
    if type_map:
        missing = sorted(set(types.tolist()) - {int(k) for k in type_map})
        if missing:
            raise AnalysisError(
                f"type_map has no element for LAMMPS types {missing} of {path.name!r}; add them, "
                "e.g. --type-map 1=Li,2=P,3=S"
            )
        mapping = {int(k): atomic_numbers[v] for k, v in type_map.items()}
        return np.array([mapping[t] for t in types], dtype=int)
    if np.array_equal(first.get_atomic_numbers(), types):
        raise AnalysisError(
            f"{path.name!r} has LAMMPS types but no elements; map them with --type-map "
            "1=Li,2=P,3=S (type_map={1: 'Li', 2: 'P', 3: 'S'} in Python)"
        )
    return first.get_atomic_numbers().copy()


def _per_atom_from_images(images) -> dict[str, np.ndarray]:
    """Collect per-atom series that every frame has (from calculator results or arrays)."""
    out: dict[str, np.ndarray] = {}
    n_atoms = len(images[0])

    def series(getter):
        values = []
        for atoms in images:
            value = getter(atoms)
            if value is None:
                return None
            values.append(np.asarray(value, dtype=float))
        return np.stack(values)

    def from_calc(key):
        def get(atoms):
            calc = atoms.calc
            value = None if calc is None else calc.results.get(key)
            if value is None and key in atoms.arrays:
                value = atoms.arrays[key]
            return value if value is not None and np.shape(value)[:1] == (n_atoms,) else None

        return get

    for key in ("energies", "charges", "forces"):
        if (values := series(from_calc(key))) is not None:
            out[key] = values
    if "initial_charges" in images[0].arrays and "charges" not in out:
        charges = series(lambda a: a.arrays.get("initial_charges"))
        if charges is not None and np.any(charges):
            out["charges"] = charges
    if "momenta" in images[0].arrays:
        from ase import units

        velocities = series(lambda a: a.get_velocities() if "momenta" in a.arrays else None)
        if velocities is not None:
            out["velocities"] = velocities * units.fs  # ASE velocity units -> Å/fs
    return out
