"""`interfaceflow analyze products` on a LAMMPS dump with a type map (no element column)."""

from __future__ import annotations

import json

import numpy as np
from typer.testing import CliRunner

from interfaceflow.cli import app
from interfaceflow.structures import get_phase


def write_lammps_dump(path, structure, n_frames: int, seed: int = 0) -> None:
    """A LAMMPS text dump (types 1 = Li, 2 = S, orthogonal box) with small thermal noise."""
    rng = np.random.default_rng(seed)
    types = [1 if site.specie.symbol == "Li" else 2 for site in structure]
    a, b, c = structure.lattice.abc
    lines = []
    for frame in range(n_frames):
        coords = structure.cart_coords + rng.normal(0, 0.05, structure.cart_coords.shape)
        lines += ["ITEM: TIMESTEP", str(frame * 10), "ITEM: NUMBER OF ATOMS", str(len(structure)),
                  "ITEM: BOX BOUNDS pp pp pp", f"0 {a}", f"0 {b}", f"0 {c}", "ITEM: ATOMS id type x y z"]
        lines += [f"{i + 1} {t} {x:.6f} {y:.6f} {z:.6f}" for i, (t, (x, y, z)) in enumerate(zip(types, coords))]
    path.write_text("\n".join(lines) + "\n")


def test_products_on_a_lammps_dump_with_a_type_map(tmp_path):
    li2s = get_phase("Li2S").structure  # conventional antifluorite cell, cubic
    assert li2s.lattice.is_orthogonal
    dump = tmp_path / "li2s.lammpstrj"
    write_lammps_dump(dump, li2s, n_frames=4)
    result = CliRunner().invoke(app, ["analyze", "products", str(dump), "--type-map", "1=Li,2=S", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    n_sulfur = sum(site.specie.symbol == "S" for site in li2s)
    assert len(out["times_fs"]) == 4
    assert out["fragment_counts"]["S"] == [n_sulfur] * 4  # every S is an isolated sulfide
    assert out["phase_fractions"]["Li2S"][0] > 0.9


def test_lammps_dump_without_type_map_is_a_one_line_error(tmp_path):
    dump = tmp_path / "li2s.lammpstrj"
    write_lammps_dump(dump, get_phase("Li2S").structure, n_frames=1)
    result = CliRunner().invoke(app, ["analyze", "products", str(dump), "--json"])
    assert result.exit_code == 2
    assert "type" in result.output.lower()
