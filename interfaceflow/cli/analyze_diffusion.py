"""``interfaceflow analyze diffusion``: tracer D, its uncertainty and sigma of any trajectory."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from interfaceflow.cli.app import analyze_app
from interfaceflow.cli.options import parse_type_map
from interfaceflow.errors import AnalysisError


def _z_regions(items: list[str] | None) -> dict[str, tuple[float, float]] | None:
    """Parse ``NAME:ZMIN:ZMAX`` items into ``{NAME: (ZMIN, ZMAX)}``."""
    if not items:
        return None
    regions = {}
    for item in items:
        try:
            name, z_lo, z_hi = item.split(":")
            regions[name] = (float(z_lo), float(z_hi))
        except ValueError:
            raise AnalysisError(
                f"cannot parse --z-region {item!r}; write it like bulk:10.0:25.5"
            ) from None
    return regions


@analyze_app.command("diffusion")
def diffusion(
    trajectory: Annotated[
        Path, typer.Argument(help="Trajectory: H5MD, extxyz, ASE .traj or LAMMPS dump.")
    ],
    species: Annotated[str, typer.Option(help="Mobile species.")] = "Li",
    timestep_fs: Annotated[
        float | None,
        typer.Option(
            "--timestep-fs",
            help="Time between consecutive frames of the file after --stride, fs "
            "(default: from the file's times).",
        ),
    ] = None,
    stride: Annotated[int, typer.Option(help="Read every N-th frame.")] = 1,
    start: Annotated[int, typer.Option(help="First frame.")] = 0,
    stop: Annotated[int | None, typer.Option(help="Stop frame (exclusive).")] = None,
    temperature_K: Annotated[
        float | None,
        typer.Option("--temperature-K", help="Temperature for the Nernst-Einstein sigma, K."),
    ] = None,
    direction: Annotated[
        list[str] | None,
        typer.Option(help="xyz, xy (interface plane), z (normal); repeat (default: all three)."),
    ] = None,
    z_region: Annotated[
        list[str] | None, typer.Option("--z-region", help="Slab NAME:ZMIN:ZMAX in Å; repeat.")
    ] = None,
    region_mode: Annotated[
        str, typer.Option(help="start (region at t0) or instantaneous.")
    ] = "start",
    region_labels: Annotated[
        bool | None,
        typer.Option(
            "--region-labels/--no-region-labels",
            help="Also analyse each per-atom region label (default: when the file has labels).",
        ),
    ] = None,
    haven_ratio: Annotated[
        float, typer.Option(help="Haven ratio H_R in sigma = n q^2 D / (H_R kT).")
    ] = 1.0,
    charge_number: Annotated[float, typer.Option(help="Charge number of the mobile ion.")] = 1.0,
    end_fraction: Annotated[
        float, typer.Option(help="Fit window end as a fraction of the run.")
    ] = 0.5,
    min_start_fs: Annotated[float, typer.Option(help="Earliest fit window start, fs.")] = 0.0,
    blocks: Annotated[int, typer.Option(help="Atom blocks for the uncertainty.")] = 50,
    no_drift: Annotated[
        bool, typer.Option("--no-drift-correction", help="Keep the framework drift.")
    ] = False,
    fmt: Annotated[
        str | None, typer.Option("--format", help="Trajectory format (default: from suffix).")
    ] = None,
    type_map: Annotated[str | None, typer.Option(help="LAMMPS types, e.g. 1=Li,2=P,3=S.")] = None,
    plot: Annotated[
        Path | None, typer.Option(help="Write the MSD plot (first result) to this PNG.")
    ] = None,
    kinisi: Annotated[bool, typer.Option(
        "--kinisi", help="Cross-check D and its uncertainty with kinisi (pip install kinisi).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Tracer diffusion coefficient (FFT MSD, block error); with --temperature-K, conductivity."""
    from interfaceflow.analysis.diffusion import DiffusionSettings
    from interfaceflow.workflows.transport import run_diffusion

    if not trajectory.is_file():
        raise AnalysisError(f"trajectory '{trajectory}' does not exist; give an existing file")
    if timestep_fs is not None and timestep_fs <= 0:
        raise AnalysisError(f"--timestep-fs must be > 0 (got {timestep_fs})")
    if region_mode not in ("start", "instantaneous"):
        raise AnalysisError(f"unknown --region-mode {region_mode!r}; use start or instantaneous")
    try:
        settings = DiffusionSettings(
            species=species,
            directions=list(direction or ["xyz", "xy", "z"]),
            z_regions=_z_regions(z_region),
            use_region_labels=region_labels,
            region_mode=region_mode,
            haven_ratio=haven_ratio,
            charge_number=charge_number,
            end_fraction=end_fraction,
            min_start_fs=min_start_fs,
            n_blocks=blocks,
            remove_drift=not no_drift,
            kinisi_cross_check=kinisi,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise AnalysisError(
            f"invalid option {err['loc'][0]}: {err['msg']}; "
            "see interfaceflow analyze diffusion --help"
        ) from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the warnings are printed from the results below
        doc = run_diffusion(
            str(trajectory),
            settings,
            stride=stride,
            start=start,
            stop=stop,
            frame_interval_fs=timestep_fs,
            temperature_K=temperature_K,
            type_map=parse_type_map(type_map),
            fmt=fmt,
        )
    if plot is not None:
        from interfaceflow.analysis.plots_transport import plot_msd

        doc.plot_paths.append(str(plot_msd(doc.results[0], plot)))
    if as_json:
        out = doc.results[0].summary().model_dump()
        out["frame_interval_fs"] = doc.results[0].frame_interval_fs
        out["n_frames"] = doc.results[0].n_frames
        out["trajectory"] = str(trajectory)
        out["results"] = [res.summary().model_dump() for res in doc.results]
        out["plot_paths"] = doc.plot_paths
        typer.echo(json.dumps(out))
        return
    _print_summary(doc)


def _print_summary(doc) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    first = doc.results[0]
    console.print(
        f"{first.n_frames} frames every {first.frame_interval_fs:g} fs, species {first.species}"
        + (f", T = {first.temperature_K:g} K" if first.temperature_K else "")
    )
    table = Table("region", "direction", "atoms", "status", "D (cm²/s)", "fit window (ps)", "σ (S/cm)")
    for res in doc.results:
        row = res.summary()
        if row.status == "diffusive":
            D = f"{row.D_cm2_per_s:.3g} ± {_g(row.D_err_cm2_per_s)}"
            sigma = "-" if row.conductivity_S_per_cm is None else (
                f"{row.conductivity_S_per_cm:.3g} ± {_g(row.conductivity_err_S_per_cm)}")
        else:  # no bare number for a non-diffusive MSD: only the upper bound
            D = f"< {_g(row.D_upper_bound_cm2_per_s)}"
            sigma = "-" if row.conductivity_upper_bound_S_per_cm is None else (
                f"< {row.conductivity_upper_bound_S_per_cm:.3g}")
        start, end = res.fit_window_fs
        table.add_row(res.region or "all", res.direction, str(res.n_atoms), row.status, D,
                      f"{start / 1000:.3g}-{end / 1000:.3g}", sigma)
    console.print(table)
    for res in doc.results:
        if res.kinisi is not None:
            k = res.kinisi
            console.print(f"kinisi ({res.region or 'all'}, {res.direction}): D = {k.D_median_cm2_per_s:.3g} cm²/s "
                          f"(95 % {k.D_ci95_cm2_per_s[0]:.3g}-{k.D_ci95_cm2_per_s[1]:.3g}); "
                          + ("agrees" if k.agrees else "[red]disagrees[/]") + " with the block-averaged fit")
    for res in doc.results:
        for note in res.warnings:
            console.print(f"[yellow]note ({res.region or 'all'}, {res.direction}):[/] {note}")
    for path in doc.plot_paths:
        console.print(f"plot: {path}")


def _g(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2g}"
