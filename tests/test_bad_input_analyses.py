"""``interfaceflow analyze diffusion|products|profiles`` on bad trajectories: one ``error:`` line each.

Synthetic Li2S frames (12 atoms) written as extxyz, ASE .traj and LAMMPS dumps; the commands run
in-process (typer's CliRunner, stderr apart), plus one real process per analysis.
"""

from __future__ import annotations

from pathlib import Path

import ase.io
import numpy as np
import pytest
from ase import Atoms
from typer.testing import CliRunner

from cli_helpers import run_cli
from interfaceflow.cli import app
from interfaceflow.structures import get_phase
from test_products_lammps import write_lammps_dump

ANALYSES = ("diffusion", "products", "profiles")


def li2s_frames(n_frames: int, *, cell: bool = True, seed: int = 0) -> list[Atoms]:
    """``n_frames`` noisy copies of conventional Li2S, 10 fs apart (optionally without a cell)."""
    structure = get_phase("Li2S").structure
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n_frames):
        positions = structure.cart_coords + rng.normal(0, 0.05, structure.cart_coords.shape)
        atoms = Atoms([site.specie.symbol for site in structure], positions=positions,
                      cell=structure.lattice.matrix if cell else None, pbc=cell)
        atoms.info["time_fs"] = 10.0 * i
        frames.append(atoms)
    return frames


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    """A folder of good and bad trajectories, written once for the module."""
    folder = tmp_path_factory.mktemp("bad-trajectories")
    ase.io.write(folder / "good.xyz", li2s_frames(30), format="extxyz")
    ase.io.write(folder / "nocell.xyz", li2s_frames(30, cell=False), format="extxyz")
    ase.io.write(folder / "nocell.traj", li2s_frames(30, cell=False))
    ase.io.write(folder / "one.xyz", li2s_frames(1), format="extxyz")
    ase.io.write(folder / "few.xyz", li2s_frames(5), format="extxyz")
    write_lammps_dump(folder / "types.lammpstrj", get_phase("Li2S").structure, n_frames=20)
    (folder / "garbage.xyz").write_text("this is not\nan xyz file\n")
    (folder / "garbage.h5").write_bytes(b"not hdf5 " * 20)
    (folder / "empty.xyz").write_text("")
    (folder / "md.unknownsuffix").write_text("1\n\nLi 0 0 0\n")
    return folder


def assert_one_error_line(result, *fragments: str) -> str:
    """Non-zero exit, no traceback, one non-empty stderr line ``error: ...`` with the fragments."""
    assert result.exit_code != 0, result.output
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), repr(exc)
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def analyze(analysis: str, *args: str):
    return CliRunner().invoke(app, ["analyze", analysis, *args, "--json"])


# (file, extra args, fragments of the one line) that every analysis refuses the same way
COMMON = {
    "no cell (extxyz without Lattice)": ("nocell.xyz", [], ["'nocell.xyz' has no periodic cell"]),
    "no cell (ASE .traj, zero cell)": ("nocell.traj", [], ["'nocell.traj' has no periodic cell"]),
    "LAMMPS dump without type map": ("types.lammpstrj", [], ["LAMMPS types but no elements",
                                                             "--type-map 1=Li"]),
    "LAMMPS type map missing a type": ("types.lammpstrj", ["--type-map", "1=Li"],
                                       ["no element for LAMMPS types [2]", "--type-map"]),
    "missing file": ("nothere.xyz", [], ["nothere.xyz", "does not exist"]),
    "unparsable extxyz": ("garbage.xyz", [], ["cannot read 'garbage.xyz' as extxyz", "--format"]),
    "unparsable H5MD": ("garbage.h5", [], ["garbage.h5", "HDF5"]),
    "empty file": ("empty.xyz", [], ["'empty.xyz' holds no frames"]),
    "empty selection": ("good.xyz", ["--start", "100"], ["no frames selected", "start=100"]),
    "unknown suffix": ("md.unknownsuffix", [], ["cannot tell the format", "fmt="]),
}

SPECIFIC = {
    ("diffusion", "one frame"): ("one.xyz", [], ["'one.xyz' has only 1 frame(s)", "at least 12"]),
    ("diffusion", "too few frames"): ("few.xyz", [], ["has only 5 frame(s)", "at least 12"]),
    ("diffusion", "unknown species"): ("good.xyz", ["--species", "Xx"], ["unknown species 'Xx'"]),
    ("diffusion", "species absent"): ("good.xyz", ["--species", "Na"],
                                      ["no Na atoms", "has Li, S"]),
    ("diffusion", "zero timestep"): ("good.xyz", ["--timestep-fs", "0"],
                                     ["--timestep-fs must be > 0"]),
    ("diffusion", "negative timestep"): ("good.xyz", ["--timestep-fs", "-2"],
                                         ["--timestep-fs must be > 0"]),
    ("products", "one frame"): ("one.xyz", [], ["'one.xyz' has only 1 frame(s)", "at least 2"]),
    ("profiles", "one frame"): ("one.xyz", [], ["'one.xyz' has only 1 frame(s)", "at least 2"]),
}

CASES = [
    pytest.param(analysis, *spec, id=f"{analysis}: {name}")
    for name, spec in COMMON.items() for analysis in ANALYSES
] + [
    pytest.param(analysis, *spec, id=f"{analysis}: {name}")
    for (analysis, name), spec in SPECIFIC.items()
]


@pytest.mark.parametrize(("analysis", "filename", "extra", "fragments"), CASES)
def test_bad_trajectory_is_one_error_line(files, analysis, filename, extra, fragments):
    assert_one_error_line(analyze(analysis, str(files / filename), *extra), *fragments)


@pytest.mark.parametrize("analysis", ANALYSES)
def test_the_good_file_is_analysed(files, analysis):
    result = analyze(analysis, str(files / "good.xyz"))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("analysis", ANALYSES)
def test_no_cell_in_a_real_process(files, analysis):
    proc = run_cli("analyze", analysis, str(files / "nocell.xyz"))
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and lines[0].startswith("error: 'nocell.xyz' has no periodic cell")


def test_analysis_api_refuses_a_cell_free_trajectory():
    """The functions behind the CLI refuse too (no ZeroDivisionError, no meaningless output)."""
    from interfaceflow.analysis.diffusion import analyze_diffusion
    from interfaceflow.analysis.products import analyze_products
    from interfaceflow.analysis.profiles import compute_profiles
    from interfaceflow.errors import AnalysisError
    from interfaceflow.io.trajectory import TrajectoryData

    frames = li2s_frames(20, cell=False)
    traj = TrajectoryData(
        positions_A=np.stack([a.positions for a in frames]), cells_A=np.zeros((20, 3, 3)),
        numbers=frames[0].numbers, pbc=np.zeros(3, bool), times_fs=np.arange(20) * 10.0,
    )
    with pytest.raises(AnalysisError, match="has no periodic cell"):
        analyze_diffusion(traj)
    with pytest.raises(AnalysisError, match="has no periodic cell"):
        analyze_products(traj, references={})
    with pytest.raises(AnalysisError, match="has no periodic cell"):
        compute_profiles(traj.positions_A, traj.cells_A, traj.numbers)
