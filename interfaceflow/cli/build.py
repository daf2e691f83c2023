"""Commands ``interfaceflow build`` (interface cells) and ``interfaceflow structures`` (phase library)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from interfaceflow.cli.app import app


@app.command("build")
def build_command(
    electrode: str = typer.Argument(..., help="Electrode: library name (e.g. Li, LiCoO2) or structure file."),
    electrolyte: str = typer.Argument(..., help="Electrolyte: library name (e.g. Li6PS5Cl, LLZO) or structure file."),
    output: Path = typer.Option(..., "-o", "--output", help="Output file: .cif, .extxyz or POSCAR."),
    electrode_miller: Optional[str] = typer.Option(None, help="Electrode plane h,k,l (searched when omitted)."),
    electrolyte_miller: Optional[str] = typer.Option(None, help="Electrolyte plane h,k,l (searched when omitted)."),
    coating: Optional[str] = typer.Option(None, help="Coating between electrode and electrolyte (e.g. LiNbO3)."),
    coating_miller: Optional[str] = typer.Option(None, help="Coating plane h,k,l."),
    max_atoms: Optional[int] = typer.Option(None, help="Atom budget (about 300 on CPU, 1000-5000 on GPU)."),
    max_strain: Optional[float] = typer.Option(None, help="Largest in-plane strain allowed, in %."),
    max_area: Optional[float] = typer.Option(None, help="Largest interface area searched, in A^2."),
    vacuum: Optional[float] = typer.Option(None, help="Vacuum in A; 0 builds a periodic sandwich."),
    gap: Optional[float] = typer.Option(None, help="Gap between neighbouring slabs, in A."),
    fix_outer: Optional[float] = typer.Option(None, help="Fix atoms this far (A) from the free surfaces / electrode centre."),
    strain_side: Optional[str] = typer.Option(None, help="softer, electrode or electrolyte."),
    termination: Optional[int] = typer.Option(None, help="Termination index (see the report)."),
    set_: Optional[list[str]] = typer.Option(
        None, "--set", help="Any build setting: --set min_slab_thickness_A=8 (repeatable)."
    ),
    list_only: bool = typer.Option(False, "--list", help="Only list candidate matches; write nothing."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines on stderr."),
) -> None:
    """Build an electrode | (coating |) electrolyte cell and write it with its build report.

    Progress lines of the candidate search go to stderr; the search stops after ``--set
    time_budget_s=...`` (default 120 s) and builds the best match found, or names the atom budget
    or strain that would give one.
    """
    from interfaceflow.structures import build_interface, list_candidate_interfaces

    from interfaceflow.errors import StructureError
    from interfaceflow.safe_yaml import YAMLProblem, key_value_overrides
    from interfaceflow.structures.settings import BuildSettings
    from interfaceflow.validation import validated_settings

    console = Console()
    given = dict(
        electrode_miller=electrode_miller, electrolyte_miller=electrolyte_miller,
        coating_miller=coating_miller, max_atoms=max_atoms, max_strain_pct=max_strain,
        max_area_A2=max_area, vacuum_A=vacuum, gap_A=gap, fix_outer_A=fix_outer,
        strain_side=strain_side, termination_index=termination,
    )
    try:
        given.update(key_value_overrides(set_, "gap_A=2.5"))
    except YAMLProblem as exc:
        raise StructureError(str(exc)) from None
    settings = validated_settings({k: v for k, v in given.items() if v is not None}, BuildSettings,
                                  "build", StructureError)
    progress = None if quiet else _progress_to_stderr
    if list_only:
        table = Table(title=f"{electrode} | {electrolyte} candidate interfaces")
        for col in ("#", "miller", "strain %", "area A^2", "atoms", "score"):
            table.add_column(col)
        for k, c in enumerate(list_candidate_interfaces(electrode, electrolyte, coating=coating,
                                                        settings=settings, progress=progress)):
            table.add_row(str(k), " ".join(f"{r}{m}" for r, m in c.miller.items()),
                          " ".join(f"{r}:{s:.2f}" for r, s in c.strain_pct.items()),
                          f"{c.area_A2:.1f}", str(c.n_atoms), f"{c.score:.2f}")
        console.print(table)
        return
    build = build_interface(electrode, electrolyte, coating=coating, settings=settings, progress=progress)
    path = build.write(output)
    r = build.report
    strains = ", ".join(f"{k} {v:.2f}%" for k, v in r.strain_pct.items())
    console.print(
        f"wrote {path} ({r.n_atoms} atoms, area {r.area_A2:.1f} A^2, strain {strains}, "
        f"min distance across interface {r.min_cross_distance_A:.2f} A) and {path.name}.report.json"
    )


def _progress_to_stderr(message: str) -> None:
    """One progress line of the build on stderr (stdout keeps the result)."""
    typer.echo(f"build: {message}", err=True)


@app.command("structures")
def structures_command(
    role: Optional[str] = typer.Option(None, help="Only this role: electrode, electrolyte, coating, product."),
) -> None:
    """List the bulk phase library with its sources."""
    from interfaceflow.structures.library import list_phases

    table = Table(title="interfaceflow bulk phase library")
    for col in ("name", "formula", "role", "space group", "atoms", "B (GPa)", "source", "id", "ordering"):
        table.add_column(col, overflow="fold")
    for phase in list_phases():
        if role and phase.role != role:
            continue
        source = phase.doi or phase.source
        if phase.coordinates == "model":
            source += " (model positions)"
        table.add_row(phase.name, phase.formula, phase.role, phase.spacegroup, str(len(phase.structure)),
                      f"{phase.bulk_modulus_GPa:g}", source, phase.database_id or "-", phase.ordering_method)
    Console(width=200).print(table)
