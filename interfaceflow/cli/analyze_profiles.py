"""``interfaceflow analyze profiles``: space-charge and Li profiles of any trajectory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from interfaceflow.cli.app import analyze_app
from interfaceflow.cli.options import parse_type_map
from interfaceflow.errors import AnalysisError

Opt = typer.Option


@analyze_app.command("profiles")
def profiles(
    trajectory: Annotated[
        Path, typer.Argument(help="Trajectory: H5MD, extxyz, ASE .traj or LAMMPS dump.")
    ],
    axis: Annotated[str, Opt(help="Interface normal: x, y or z.")] = "z",
    charges: Annotated[
        str, Opt(help="Charge model: formal, calculator, or a map.json {element: charge}.")
    ] = "formal",
    interface_z: Annotated[
        list[float] | None,
        Opt("--interface-z", help="Interface plane, Å (repeat; overrides the file)."),
    ] = None,
    bin_width: Annotated[float, Opt(help="Bin width, Å.")] = 0.5,
    n_bins: Annotated[int | None, Opt(help="Number of bins (overrides --bin-width).")] = None,
    t_start: Annotated[float | None, Opt(help="Window start, fs.")] = None,
    t_stop: Annotated[float | None, Opt(help="Window end, fs.")] = None,
    blocks: Annotated[int, Opt(help="Blocks of the window for error bars.")] = 5,
    time_blocks: Annotated[int, Opt(help="Blocks of the whole run for the time series.")] = 10,
    boundary: Annotated[
        str, Opt(help="auto, periodic, or slab (vacuum + dipole correction).")
    ] = "auto",
    bulk_margin: Annotated[
        float, Opt(help="Bulk bins lie farther than this from interfaces, Å.")
    ] = 5.0,
    threshold: Annotated[float, Opt(help="|c/c_bulk - 1| of the threshold width.")] = 0.1,
    macro_average: Annotated[
        float | None, Opt(help="Boxcar window, Å, for the derived quantities (layer spacing).")
    ] = None,
    neutralize: Annotated[
        bool, Opt(help="Go on with a charged cell (compensating background).")
    ] = False,
    compensating_region: Annotated[
        str,
        Opt(help="Region whose atoms carry the net charge of a charged charge model (the screening "
                 "electrons of a metal electrode): auto = 'electrode' for formal charges when the "
                 "trajectory has that region, as in a recipe; none = no region (a charged cell is "
                 "an error unless --neutralize)."),
    ] = "auto",
    start: Annotated[int, Opt(help="First frame.")] = 0,
    stop: Annotated[int | None, Opt(help="Stop frame (exclusive).")] = None,
    stride: Annotated[int, Opt(help="Frame stride.")] = 1,
    fmt: Annotated[
        str | None, Opt("--format", help="Trajectory format (default: from the suffix).")
    ] = None,
    type_map: Annotated[str | None, Opt(help="LAMMPS types, e.g. 1=Li,2=P,3=S.")] = None,
    plot: Annotated[Path | None, Opt(help="Write the stacked profile plot to this PNG.")] = None,
    as_json: Annotated[bool, Opt("--json", help="Print one JSON object.")] = False,
) -> None:
    """Li concentration, charge density, field and potential along the interface normal."""
    from interfaceflow.analysis.profiles import ProfileSettings, run_profiles

    if not trajectory.is_file():
        raise AnalysisError(f"trajectory '{trajectory}' does not exist; give an existing file")
    if boundary not in ("auto", "periodic", "slab"):
        raise AnalysisError(f"unknown --boundary {boundary!r}; use auto, periodic or slab")
    if axis.lower() not in ("x", "y", "z"):
        raise AnalysisError(f"unknown --axis {axis!r}; use x, y or z")
    region = _compensating_region(
        compensating_region, charges, trajectory, fmt, parse_type_map(type_map)
    )
    try:
        settings = ProfileSettings(
            axis=axis.lower(), bin_width_A=bin_width, n_bins=n_bins, t_start_fs=t_start,
            t_stop_fs=t_stop, n_blocks=blocks, n_time_blocks=time_blocks, boundary=boundary,
            bulk_margin_A=bulk_margin, width_threshold=threshold, macro_average_A=macro_average,
            interface_z_A=list(interface_z) if interface_z else None, neutralize=neutralize,
            compensating_region=region,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise AnalysisError(
            f"invalid option {err['loc'][0]}: {err['msg']}; see "
            "interfaceflow analyze profiles --help"
        ) from None
    result = run_profiles(
        str(trajectory), settings=settings, charges=charges, start=start, stop=stop,
        stride=stride, fmt=fmt, type_map=parse_type_map(type_map), min_frames=2,
    )
    if plot is not None:
        from interfaceflow.analysis.plots_profiles import plot_profiles

        result.plot_path = str(plot_profiles(result, plot))
    if as_json:
        out = _cli_json(result)
        out["plot_path"] = result.plot_path
        typer.echo(json.dumps(out))
        return
    _print_summary(result)


def _compensating_region(
    choice: str, charges: str, trajectory: Path, fmt: str | None, type_map
) -> str | None:
    """The region named by --compensating-region; ``auto``: 'electrode' for formal charges when
    the file has that region (a charge map or calculator charges must be neutral by themselves)."""
    if choice == "none" or (choice == "auto" and charges != "formal"):
        return None
    if choice != "auto":
        return choice
    from interfaceflow.io.trajectory import read_trajectory

    try:
        first = read_trajectory(trajectory, stop=1, fmt=fmt, type_map=type_map, include_per_atom=False)
    except AnalysisError:
        return None  # the analysis reads the file again and says what is wrong with it
    from interfaceflow.analysis.profile_results import default_compensating_region

    return default_compensating_region(first.regions is not None and "electrode" in set(map(str, first.regions)))


def _cli_json(result) -> dict[str, Any]:
    """One JSON-ready object with the keys of ``interfaceflow analyze profiles --json``."""
    from interfaceflow.analysis.profile_results import json_safe

    a = result.arrays
    out = {
        "z_A": a["z_A"],
        "density_per_A3": a["density_per_A3"],
        "density_err_per_A3": a["density_err_per_A3"],
        "li_concentration_rel": a["li_concentration_rel"],
        "li_concentration_rel_err": a["li_concentration_rel_err"],
        "charge_density_e_per_A3": a["charge_density_e_per_A3"],
        "charge_density_err_e_per_A3": a["charge_density_err_e_per_A3"],
        "field_V_per_A": a["field_V_per_A"],
        "field_err_V_per_A": a["field_err_V_per_A"],
        "potential_V": a["potential_V"],
        "potential_err_V": a["potential_err_V"],
        "li_site_energy_rel_eV": a.get("li_site_energy_rel_eV"),
        "side": a["side"],
        "potential_step_V": result.potential_step_V,
        "potential_step_err_V": result.potential_step_err_V,
        "li_excess_per_nm2": result.li_excess_per_nm2,
        "li_excess_err_per_nm2": result.li_excess_err_per_nm2,
        "depletion_width_A": result.depletion_width_A,
        "depletion_width_err_A": result.depletion_width_err_A,
        "depletion_method": result.depletion_method,
        "layer_kind": result.layer_kind,
        "interface_z_A": result.interface_z_A,
        "sides": result.sides,
        "boundary": result.boundary,
        "charge_model": result.charge_model,
        "neutral": result.neutral,
        "max_abs_total_charge_e": result.max_abs_total_charge_e,
        "time_series": result.time_series.model_dump(),
        "warnings": result.warnings,
    }
    return json_safe(out)


def _print_summary(result) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(
        f"{result.n_frames_window} frames, {result.n_bins} bins of {result.bin_width_A:.3g} Å, "
        f"boundary {result.boundary}, charges {result.charge_model}, interfaces "
        f"{', '.join(f'{z:.2f}' for z in result.interface_z_A) or 'none'} Å"
    )
    table = Table(
        "side", "Li bulk (1/Å³)", "Li excess (Li/nm²)", "layer width (Å)", "method", "kind"
    )

    def fmt(value, err=None):
        if value is None:
            return "-"
        return f"{value:.3g}" + (f" ± {err:.2g}" if err is not None else "")

    for side in result.sides:
        table.add_row(
            side,
            fmt(result.li_bulk_density_per_A3.get(side)),
            fmt(result.li_excess_per_nm2.get(side), result.li_excess_err_per_nm2.get(side)),
            fmt(result.depletion_width_A.get(side), result.depletion_width_err_A.get(side)),
            result.depletion_method.get(side, "-"),
            result.layer_kind.get(side, "-"),
        )
    console.print(table)
    if result.potential_step_pair:
        lo, hi = result.potential_step_pair
        step = fmt(result.potential_step_V, result.potential_step_err_V)
        console.print(f"potential step {lo} -> {hi}: {step} V")
    for note in result.warnings:
        console.print(f"[yellow]note:[/] {note}")
    if result.plot_path:
        console.print(f"plot: {result.plot_path}")
