"""``interfaceflow analyze products``: interphase speciation, product phases and growth of any trajectory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from interfaceflow.cli.app import analyze_app
from interfaceflow.cli.options import parse_type_map
from interfaceflow.errors import AnalysisError


def _cutoffs(items: list[str] | None) -> dict[str, float] | None:
    """Parse ``P-S=2.4`` items into ``{"P-S": 2.4}``."""
    if not items:
        return None
    out = {}
    for item in items:
        try:
            pair, value = item.split("=")
            out[pair.strip()] = float(value)
        except ValueError:
            raise AnalysisError(f"cannot parse --cutoff {item!r}; write it like P-S=2.4 (Å)") from None
    return out


def _references(items: list[str] | None):
    """Library phase names or structure files → {reduced formula: Structure}; None = defaults."""
    if not items:
        return None
    from pymatgen.core import Structure

    out = {}
    for item in items:
        if Path(item).is_file():
            try:
                structure = Structure.from_file(item)
            except Exception as exc:
                raise AnalysisError(f"cannot read reference structure {item!r} ({exc}); give a CIF/POSCAR file") from None
        else:
            from interfaceflow.analysis.phases import phase_library

            get_phase, _ = phase_library()
            structure = get_phase(item).structure
        out[structure.composition.reduced_formula] = structure
    return out


@analyze_app.command("products")
def products(
    trajectory: Annotated[Path, typer.Argument(help="Trajectory: H5MD, extxyz, ASE .traj or LAMMPS dump.")],
    interface_z: Annotated[
        float | None, typer.Option("--interface-z", help="Initial interface plane, Å (default: from the file).")
    ] = None,
    bin_width: Annotated[float, typer.Option(help="Depth bin width, Å.")] = 2.0,
    cutoff: Annotated[
        list[str] | None, typer.Option("--cutoff", help="Pair cutoff override, e.g. P-S=2.4 (Å, repeatable).")
    ] = None,
    reference: Annotated[
        list[str] | None,
        typer.Option("--reference", help="Reference phase: library name or structure file (repeatable)."),
    ] = None,
    phase_stride: Annotated[int, typer.Option(help="Fingerprint every n-th frame for the phase fractions.")] = 1,
    n_interfaces: Annotated[
        int | None, typer.Option(help="Interfaces in the cell for the consumption rate (default: from the file).")
    ] = None,
    start: Annotated[int, typer.Option(help="First frame.")] = 0,
    stop: Annotated[int | None, typer.Option(help="Stop frame (exclusive).")] = None,
    stride: Annotated[int, typer.Option(help="Frame stride.")] = 1,
    fmt: Annotated[str | None, typer.Option("--format", help="Trajectory format (default: from suffix).")] = None,
    type_map: Annotated[str | None, typer.Option(help="LAMMPS types, e.g. 1=Li,2=P,3=S.")] = None,
    plots: Annotated[Path | None, typer.Option(help="Write the product plots (PNG) into this folder.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Fragments, product phases, interphase thickness and growth law of a trajectory."""
    from interfaceflow.analysis.products import analyze_products
    from interfaceflow.io.trajectory import check_min_frames, read_trajectory

    if not trajectory.is_file():
        raise AnalysisError(f"trajectory '{trajectory}' does not exist; give an existing file")
    traj = read_trajectory(trajectory, start=start, stop=stop, stride=stride, type_map=parse_type_map(type_map), fmt=fmt)
    check_min_frames(traj, 2, "products", "it follows the interphase over time")
    result = analyze_products(
        traj,
        references=_references(reference),
        cutoffs=_cutoffs(cutoff),
        interface_z_A=interface_z,
        bin_width_A=bin_width,
        phase_stride=phase_stride,
        n_interfaces=n_interfaces,
    )
    out = result.to_json_dict()
    if plots is not None:
        from interfaceflow.analysis.plots_products import plot_products_report

        out["plots"] = [str(p) for p in plot_products_report(result, plots)]
    if as_json:
        typer.echo(json.dumps(out))
        return
    _print_summary(out)


def _print_summary(out: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    times = out["times_fs"]
    console.print(
        f"{len(times)} frames ({times[0]:.0f}–{times[-1]:.0f} fs), {out['n_atoms']} atoms, "
        f"interface at z = {out['interface_z_A']:.2f} Å"
    )
    table = Table("fragment", "first frame", "last frame", "Li per fragment (last)")
    for label, counts in sorted(out["fragment_counts"].items(), key=lambda kv: -max(kv[1])):
        li = out["li_per_fragment"][label][-1]
        table.add_row(label, str(counts[0]), str(counts[-1]), "-" if li is None else f"{li:.1f}")
    console.print(table)
    if out["phase_fractions"]:
        table = Table("phase", "fraction (first)", "fraction (last)", "confidence")
        for phase, values in out["phase_fractions"].items():
            conf = out["phase_confidence"].get(phase)
            table.add_row(phase, f"{values[0]:.2f}", f"{values[-1]:.2f}", "-" if conf is None else f"{conf:.2f}")
        console.print(table)
    changed_A = out["interphase_thickness_A"][-1]
    if out["reaction_observed"]:
        console.print(f"interphase thickness: {changed_A:.1f} Å at the last frame")
    else:
        console.print(
            f"no interphase: no product forms; the contact layer's speciation changed over {changed_A:.1f} Å "
            "(relaxation and disorder, not a reaction)"
        )
    if out["growth_law"]:
        console.print(f"growth law: {out['growth_law']}, rate {out['growth_rate']:.3g} {out['growth_rate_unit']}")
    if out["consumption_fu_per_nm2_per_ps"] is not None:
        console.print(
            f"electrolyte consumption ({out['characteristic_fragment']}): "
            f"{out['consumption_fu_per_nm2_per_ps']:.3g} formula units / nm² / ps"
        )
    console.print(f"interphase: {out['classification']['kind']} — {out['classification']['reason']}")
    for path in out.get("plots", []):
        console.print(f"plot: {path}")
