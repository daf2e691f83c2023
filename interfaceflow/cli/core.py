"""Core commands: run, plugins, results, show."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from interfaceflow.cli.app import app

console = Console()

StoreDir = Annotated[
    Optional[Path],
    typer.Option("--store", help="Embedded store directory (default: INTERFACEFLOW_STORE)."),
]
StoreConfig = Annotated[
    Optional[Path],
    typer.Option("--store-config", help="JobStore spec file (MongoStore + GridFS/S3 data store)."),
]
ProjectStore = Annotated[
    Optional[str],
    typer.Option("--project", "-p", help="Read the job store of this jobflow-remote project."),
]


@app.command()
def run(
    recipe: Annotated[str, typer.Argument(help="Recipe YAML path, or the name of a shipped recipe.")],
    store: StoreDir = None,
    store_config: StoreConfig = None,
    set_: Annotated[
        Optional[list[str]],
        typer.Option("--set", help="Override a recipe value: --set md.steps=500 (repeatable)."),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Build the interface Flow from RECIPE, run it locally into the store, print the summary."""
    from interfaceflow.workflows.interface import run_study
    from interfaceflow.workflows.recipe import load_recipe

    parsed = load_recipe(recipe, overrides=set_ or [])
    study = run_study(parsed, store_dir=store, store_config=store_config, progress=not json_output)
    if json_output:
        typer.echo(study.model_dump_json(indent=2))
        return
    _print_study(study)
    console.print(f"[bold green]result id:[/] {study.study_id}")


@app.command()
def plugins() -> None:
    """List calculator plugins: the entry-point group interfaceflow.calculators and in-process ones."""
    from interfaceflow.plugins.registry import in_process_plugins, plugin_entry_points
    from interfaceflow.settings import get_settings

    default = get_settings().calculator_plugin
    table = Table(title="interfaceflow calculator plugins")
    for column in ("name", "available", "version", "requires", "default model", "entry point"):
        table.add_column(column)
    eps = plugin_entry_points()
    local = in_process_plugins()  # register_plugin(...) in this process; they win over entry points
    for name in sorted(set(eps) | set(local)):
        ep = eps.get(name)
        if name in local:
            origin = f"in-process: {type(local[name]).__module__}.{type(local[name]).__qualname__}"
            origin += f" (overrides {ep.value})" if ep is not None else ""
        else:
            origin = ep.value
        try:
            plugin = local[name] if name in local else ep.load()()
            row = (
                "yes" if plugin.is_available() else "no (pip install " + " ".join(plugin.requires) + ")",
                plugin.version() or "-",
                " ".join(plugin.requires) or "-",
                plugin.default_model or "-",
            )
        except Exception as exc:  # show broken plugins instead of hiding them
            row = (f"no ({type(exc).__name__}: {exc})", "-", "-", "-")
        label = f"{name} (default)" if name == default else name
        table.add_row(label, *row, origin)
    console.print(table)


@app.command()
def results(
    electrode: Annotated[Optional[str], typer.Option(help="Filter by electrode phase.")] = None,
    electrolyte: Annotated[Optional[str], typer.Option(help="Filter by electrolyte phase.")] = None,
    calculator: Annotated[Optional[str], typer.Option(help="Filter by calculator plugin.")] = None,
    store: StoreDir = None,
    store_config: StoreConfig = None,
    project: ProjectStore = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """List finished interface studies in the store, newest first."""
    from interfaceflow.results import Results

    studies = Results(store_dir=store, config=store_config, project=project).find(
        electrode=electrode, electrolyte=electrolyte, calculator=calculator
    )
    rows = [s.cli_row() for s in studies]
    if json_output:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{len(rows)} interface studies")
    for column in ("id", "electrode", "electrolyte", "calculator", "model", "temperature_K", "created"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(row[c.header]) for c in table.columns))
    console.print(table)


@app.command()
def show(
    study_id: Annotated[str, typer.Argument(help="Study id (or a unique prefix of 6+ characters).")],
    store: StoreDir = None,
    store_config: StoreConfig = None,
    project: ProjectStore = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the whole document as JSON.")] = False,
) -> None:
    """Show one interface study in detail."""
    from interfaceflow.results import Results

    study = Results(store_dir=store, config=store_config, project=project).get(study_id)
    if json_output:
        typer.echo(study.model_dump_json(indent=2))
        return
    _print_study(study)


@app.command()
def compare(
    study_a: Annotated[str, typer.Argument(help="Reference study id (e.g. the uncoated interface).")],
    study_b: Annotated[str, typer.Argument(help="Study to compare (e.g. the coated interface).")],
    store: StoreDir = None,
    store_config: StoreConfig = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """Compare the space-charge profiles of two studies; the comparison is stored too."""
    from interfaceflow.store import get_job_store
    from interfaceflow.compare import compare_studies

    comparison = compare_studies(study_a, study_b, store=get_job_store(store, store_config))
    if json_output:
        typer.echo(json.dumps(comparison, indent=2, default=str))
        return
    console.print(f"[bold]{comparison['name_a']}[/] ({comparison['study_a'][:8]}) vs "
                  f"[bold]{comparison['name_b']}[/] ({comparison['study_b'][:8]})")
    for key, value in comparison.items():
        if key not in ("study_a", "study_b", "name_a", "name_b"):
            console.print(f"  {key}: {_short(value)}")


#: Fields of each study-document summary that ``interfaceflow run`` and ``results show`` print.
HEADLINES: dict[str, tuple[str, ...]] = {
    "build": ("n_atoms", "interface_z_A", "strain_pct", "area_A2", "min_cross_distance_A",
              "electrolyte_formula"),
    "relax": ("converged", "steps", "fmax_eV_per_A", "energy_eV"),
    "md": ("steps_done", "simulated_time_ps", "n_frames", "temperature_K", "timestep_fs", "ns_per_day",
           "trajectory_path"),
    "thermo": ("reaction", "reaction_energy_eV_per_atom", "predicted_products", "window_lower_V",
               "window_upper_V"),
    "products": ("final_fragment_counts", "observed_products", "amorphous_products",
                 "interphase_thickness_A", "growth_law", "consumption_fu_per_nm2_per_ps",
                 "classification", "classification_reason"),
    "profiles": ("potential_step_V", "li_excess_per_nm2", "depletion_width_A", "charge_model"),
}


def _print_study(study) -> None:
    prov = study.provenance
    console.print(f"[bold]{study.name}[/]: {study.electrode or 'bulk'} | "
                  + (f"{study.coating} | " if study.coating else "") + study.electrolyte)
    console.print(f"  id {study.study_id}   created {study.created:%Y-%m-%d %H:%M:%S} UTC")
    console.print(f"  calculator {prov.plugin} model {prov.model} ({prov.package} {prov.package_version}, "
                  f"{prov.device}, {prov.dtype}, weights sha256 {(prov.weights_sha256 or '-')[:12]})")
    sections = {"build": study.build, "relax": study.relax, "md": study.md,
                **{name: getattr(study.analyses, name) for name in study.analyses.ran()}}
    for name, summary in sections.items():
        if summary is None:
            continue
        if name == "diffusion":
            _print_diffusion(summary)
        elif name == "arrhenius":
            _print_arrhenius(summary)
        else:
            parts = [f"{key}={_short(value)}" for key in HEADLINES[name]
                     if (value := getattr(summary, key)) is not None]
            console.print(f"  [bold]{name}[/]: " + ", ".join(parts))


def _print_diffusion(summary) -> None:
    for row in summary.regions:
        console.print(f"  [bold]diffusion[/] {row.species} {row.region or 'all'} {row.direction} "
                      f"at {_short(row.temperature_K)} K: {row.headline()}"
                      + (f"  ({len(row.warnings)} warnings)" if row.warnings else ""))


def _print_arrhenius(summary) -> None:
    for fit in summary.fits:
        sigma = (f", σ({fit.target_temperature_K:.0f} K) = {_short(fit.conductivity_300K_S_per_cm)} S/cm"
                 if fit.conductivity_300K_S_per_cm is not None else "")
        console.print(f"  [bold]arrhenius[/] {fit.species} {fit.region or 'all'} {fit.direction}: "
                      f"Ea = {_short(fit.Ea_eV)} ± {_short(fit.Ea_err_eV)} eV, "
                      f"D({fit.target_temperature_K:.0f} K) = {_short(fit.D_300K_cm2_per_s)} cm²/s{sigma}"
                      + (f"  ({len(fit.warnings)} warnings)" if fit.warnings else ""))


def _short(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()) + "}"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
