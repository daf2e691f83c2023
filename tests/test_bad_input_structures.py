"""Bad-input catalogue: structure files (missing, unparsable, empty, no cell, partial occupancy,
overlapping atoms). ``interfaceflow build`` reads them first, so each case takes about a second;
one ``interfaceflow run`` case checks that the preflight refuses overlapping atoms before any job.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import assert_one_line, invoke_cli

EXTXYZ_HEADER = 'Lattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3 pbc="T T T"'
PARTIAL_CIF = """\
data_partial
_cell_length_a 4.0
_cell_length_b 4.0
_cell_length_c 4.0
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'P 1'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
Li1 Li 0 0 0 0.37
S1 S 0.5 0.5 0.5 1
"""

FILES = {
    # id: (file name, contents, message fragments)
    "missing": ("absent.cif", None, ["absent.cif", "does not exist", "check the path"]),
    "unparsable": ("garbage.cif", "garbage\nnot a cif\n", ["cannot parse garbage.cif", "CIF, POSCAR or extxyz"]),
    "empty": ("empty.extxyz", f"0\n{EXTXYZ_HEADER}\n", ["empty.extxyz has no atoms"]),
    "no_cell": ("molecule.xyz", "2\nplain xyz\nLi 0 0 0\nS 2.4 0 0\n", ["molecule.xyz has no periodic cell"]),
    "partial_occupancy": ("partial.cif", PARTIAL_CIF, ["orderings", "order it yourself"]),
    "overlapping_atoms": ("overlap.extxyz", f"2\n{EXTXYZ_HEADER}\nLi 0 0 0\nS 0.1 0 0\n",
                          ["atoms 0 (Li) and 1 (S) are 0.10 Å apart", "overlapping", "fix the structure file"]),
    "duplicated_site": ("duplicate.extxyz", f"3\n{EXTXYZ_HEADER}\nLi 0 0 0\nS 2.5 2.5 2.5\nLi 0 0 0\n",
                        ["(Li) and", "0.00 Å apart"]),
}


def structure_file(tmp_path: Path, case: str) -> Path:
    name, text, _ = FILES[case]
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    return path


@pytest.mark.parametrize("case", sorted(FILES))
def test_bad_structure_file_is_one_line(case, tmp_path):
    path = structure_file(tmp_path, case)
    output = tmp_path / "interface.cif"
    code, _, stderr = invoke_cli("build", "Li", str(path), "-o", str(output))
    assert_one_line(code, stderr, *FILES[case][2])
    assert not output.exists()


def test_unknown_phase_name_suggests_close_names(tmp_path):
    code, _, stderr = invoke_cli("build", "Li", "Li6PS5Br", "-o", str(tmp_path / "x.cif"))
    assert_one_line(code, stderr, "unknown phase 'Li6PS5Br'", "did you mean", "Li6PS5Cl")


def test_overlapping_atoms_fail_in_the_preflight_of_a_run(tmp_path):
    path = structure_file(tmp_path, "overlapping_atoms")
    store = tmp_path / "store"
    code, stdout, stderr = invoke_cli("run", "li_li6ps5cl", "--store", str(store),
                                      "--set", f"electrolyte={path}", "--set", "calculator.device=cpu")
    assert_one_line(code, stderr, "overlap.extxyz", "overlapping")
    assert "Starting job" not in stdout + stderr
    from interfaceflow.store import embedded_job_store

    if store.exists():  # the preflight may open (create) the store, but writes nothing
        docs = embedded_job_store(store)
        docs.connect()
        assert docs.docs_store.count() == 0


def test_library_phases_have_no_overlapping_atoms():
    from interfaceflow.structures import list_phases
    from interfaceflow.structures.library import closest_overlap

    assert [p.name for p in list_phases() if closest_overlap(p.structure) is not None] == []
