"""Core commands: run, plugins, results, show."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from interfaceflow.cli.app import app
from interfaceflow.cli.options import ProjectStore, StoreConfig, StoreDir

console = Console()

@app.command()
def run(
    recipes: Annotated[Optional[list[str]], typer.Argument(
        help="Recipe YAML paths or shipped recipe names; with several, every study runs the MD "
             "schedule of the first and a side-by-side comparison follows.")] = None,
    store: StoreDir = None,
    store_config: StoreConfig = None,
    set_: Annotated[
        Optional[list[str]],
        typer.Option("--set", help="Override a recipe value: --set md.steps=500 (repeatable, every recipe)."),
    ] = None,
    resume: Annotated[Optional[str], typer.Option(
        "--resume", metavar="FLOW_UUID",
        help="Continue an interrupted (Ctrl-C, SIGTERM) or killed run; its MD goes on from the checkpoint.")] = None,
    yes: Annotated[bool, typer.Option(
        "--yes", "-y", help="Run even when the estimated wall time exceeds INTERFACEFLOW_MAX_LOCAL_HOURS.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Build the interface Flow of each RECIPE, run it locally into the store, print the summary.

    Checked first: store, plugin and model, structures, then the estimated wall time (see --yes).

    Over INTERFACEFLOW_MAX_LOCAL_HOURS (default 4) a terminal asks; elsewhere the run stops.

    Ctrl-C or SIGTERM stops it with the MD checkpointed (exit 130/143); --resume continues it.

    A recipe already finished in the store (same content) runs again as a new study, with a note.
    """
    import sys

    from interfaceflow.errors import RecipeError, ResumeError
    from interfaceflow.workflows.interface import resume_study, run_study
    from interfaceflow.workflows.recipe import load_recipe, with_schedule_of

    if resume is not None:
        if recipes or set_:
            raise ResumeError("--resume continues a recorded run with its own recipe; give no RECIPE or --set")
        study = resume_study(resume, store_dir=store, store_config=store_config, progress=not json_output)
        if json_output:
            typer.echo(study.model_dump_json(indent=2))
        else:
            _print_study(study)
            console.print(f"[bold green]result id:[/] {study.study_id}")
        return
    if not recipes:
        raise RecipeError("give a RECIPE (a YAML path or a shipped recipe name), or --resume FLOW_UUID")

    def confirm(estimate: str) -> bool:
        return typer.confirm(f"{estimate}. Run it anyway?", default=False, err=True)

    def note(line: str) -> None:
        typer.echo(f"note: {line}", err=True)

    parsed = [load_recipe(recipe, overrides=set_ or []) for recipe in recipes]
    for k, other in enumerate(parsed[1:], start=1):
        parsed[k] = with_schedule_of(parsed[0], other)
        if parsed[k].md != other.md and not json_output:
            console.print(f"[yellow]{other.name}: runs the MD schedule of {parsed[0].name}[/]")
    studies = []
    for recipe in parsed:
        study = run_study(recipe, store_dir=store, store_config=store_config, progress=not json_output,
                          yes=yes, confirm=confirm if sys.stdin.isatty() else None, notify=note)
        studies.append(study)
        if not json_output:
            _print_study(study)
            console.print(f"[bold green]result id:[/] {study.study_id}")
    if json_output:
        payload = [json.loads(s.model_dump_json()) for s in studies]
        typer.echo(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2))
    elif len(studies) > 1:
        from interfaceflow.compare import StudyComparison, StudyRow, schedule_differences

        _print_comparison(StudyComparison(rows=[StudyRow.from_study(s) for s in studies],
                                          schedule_differences=schedule_differences(studies)))


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
    electrode: Annotated[Optional[str], typer.Option(help="Electrode phase.")] = None,
    electrolyte: Annotated[Optional[str], typer.Option(help="Electrolyte phase.")] = None,
    coating: Annotated[Optional[str], typer.Option(help="Coating phase.")] = None,
    calculator: Annotated[Optional[str], typer.Option(help="Calculator plugin.")] = None,
    model: Annotated[Optional[str], typer.Option(help="Calculator model.")] = None,
    name: Annotated[Optional[str], typer.Option(help="Recipe name.")] = None,
    min_temperature_k: Annotated[Optional[float], typer.Option("--min-temperature-K", help="Lowest T, K.")] = None,
    max_temperature_k: Annotated[Optional[float], typer.Option("--max-temperature-K", help="Highest T, K.")] = None,
    after: Annotated[Optional[str], typer.Option(help="Created on or after this ISO date.")] = None,
    before: Annotated[Optional[str], typer.Option(help="Created on or before this ISO date.")] = None,
    product: Annotated[Optional[str], typer.Option(help="An observed product phase, e.g. Li3P.")] = None,
    classification: Annotated[Optional[str], typer.Option(help="passivating, MIEC or none.")] = None,
    fields: Annotated[Optional[str], typer.Option(
        help="Comma-separated columns (any of 'results --format csv'), e.g. name,temperature_K,growth_law.")] = None,
    format_: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    limit: Annotated[Optional[int], typer.Option(help="At most this many studies (newest first).")] = None,
    store: StoreDir = None,
    store_config: StoreConfig = None,
    project: ProjectStore = None,
    json_output: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    incomplete: Annotated[bool, typer.Option(
        "--incomplete", help="List unfinished studies instead (killed, interrupted, running elsewhere); "
                             "remove the killed ones with 'interfaceflow clean'.")] = False,
) -> None:
    """List finished interface studies in the store, newest first, filtered on headline fields."""
    from interfaceflow.errors import StoreError

    format_ = "json" if json_output else format_
    if format_ not in ("table", "json", "csv"):
        raise StoreError(f"unknown --format {format_!r}; use table, json or csv")
    if incomplete:
        from interfaceflow.cli.maintenance import print_incomplete

        print_incomplete(store, store_config, project, format_)
        return
    from interfaceflow.results import Results
    from interfaceflow.tables import to_dataframe

    studies = Results(store_dir=store, config=store_config, project=project).find(
        limit=limit, electrode=electrode, electrolyte=electrolyte, coating=coating, calculator=calculator,
        model=model, name=name, min_temperature_K=min_temperature_k, max_temperature_K=max_temperature_k,
        created_after=after, created_before=before, product=product, classification=classification,
    )
    if fields is None and format_ != "csv":
        rows = [s.cli_row() for s in studies]
    else:
        columns = [f.strip() for f in fields.split(",")] if fields else None
        frame = to_dataframe(studies, columns)
        if format_ == "csv":
            typer.echo(frame.to_csv(index=False), nl=False)
            return
        rows = json.loads(frame.to_json(orient="records", date_format="iso"))
    if format_ == "json":
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    columns = list(rows[0]) if rows else ["id", "electrode", "electrolyte", "calculator", "model",
                                          "temperature_K", "created"]
    table = Table(title=f"{len(rows)} interface studies")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
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
    study_ids: Annotated[list[str], typer.Argument(
        help="Two or more study ids (or unique prefixes); the first is the reference.")],
    what: Annotated[Optional[str], typer.Option(
        help="One analysis across the studies as a tidy table: products, diffusion, profiles or thermo.")] = None,
    store: StoreDir = None,
    store_config: StoreConfig = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """Studies side by side (reaction extent, interphase thickness, growth law, window); for two
    studies with profiles, also their space-charge comparison, which is stored too."""
    from interfaceflow.compare import compare_studies, compare_table
    from interfaceflow.store import get_job_store

    job_store = get_job_store(store, store_config)
    if what is not None:
        _print_tidy(study_ids, what, job_store, json_output)
        return
    table = compare_table(study_ids, store=job_store)
    with_profiles = [row for row in table.rows if row.potential_step_V is not None]
    profiles = (compare_studies(study_ids[0], study_ids[1], store=job_store)
                if len(study_ids) == 2 and len(with_profiles) == 2 else None)
    if json_output:
        typer.echo(json.dumps({**table.model_dump(mode="json"), "profiles": profiles}, indent=2, default=str))
        return
    _print_comparison(table)
    if profiles is not None:
        console.print(f"[bold]profiles[/] {profiles['name_a']} ({profiles['study_a'][:8]}) vs "
                      f"{profiles['name_b']} ({profiles['study_b'][:8]})")
        for key, value in profiles.items():
            if key not in ("study_a", "study_b", "name_a", "name_b"):
                console.print(f"  {key}: {_short(value)}")


def _print_tidy(study_ids: list[str], what: str, job_store, json_output: bool) -> None:
    from interfaceflow.results import Results

    frame = Results(store=job_store).compare(study_ids, what=what)
    if json_output:
        typer.echo(frame.to_json(orient="records", indent=2))
        return
    table = Table(title=f"{what} of {len(study_ids)} studies")
    for column in frame.columns:
        table.add_column(column)
    for record in frame.to_dict(orient="records"):
        table.add_row(*(_cell(value) for value in record.values()))
    console.print(table)


#: Rows of the side-by-side table: label and StudyRow field.
COMPARISON_ROWS = (
    ("interface", "interface"), ("calculator", "calculator"), ("T (K)", "temperature_K"),
    ("MD (ps)", "simulated_time_ps"), ("atoms", "n_atoms"), ("area (Å²)", "area_A2"),
    ("window (V vs Li)", "window_V"), ("predicted products", "predicted_products"),
    ("observed products", "observed_products"), ("consumed (f.u./nm²)", "consumed_fu_per_nm2"),
    ("consumed fraction", "consumed_fraction"), ("consumption (f.u./nm²/ps)", "consumption_fu_per_nm2_per_ps"),
    ("interphase (Å)", "interphase_thickness_A"), ("growth law", "growth_law"), ("growth rate", "growth_rate"),
    ("classification", "classification"), ("potential step (V)", "potential_step_V"),
)


def _print_comparison(comparison) -> None:
    table = Table(title="studies side by side")
    table.add_column("")
    for row in comparison.rows:
        table.add_column(f"{row.name}\n{row.study_id[:8]}")
    for label, key in COMPARISON_ROWS:
        table.add_row(label, *(_cell(getattr(row, key)) for row in comparison.rows))
    console.print(table)
    if comparison.same_schedule:
        console.print("same MD schedule (ensemble, temperature, timestep, steps, heating, frames)")
    else:
        console.print("[yellow]MD schedules differ:[/] " + ", ".join(
            f"{key} {values}" for key, values in comparison.schedule_differences.items()))


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value) if value else "none"
    return _short(value)


#: Fields of each study-document summary that ``interfaceflow run`` and ``results show`` print.
HEADLINES: dict[str, tuple[str, ...]] = {
    "build": ("n_atoms", "interface_z_A", "strain_pct", "area_A2", "min_cross_distance_A",
              "electrolyte_formula"),
    "relax": ("converged", "steps", "fmax_eV_per_A", "energy_eV"),
    "md": ("steps_done", "simulated_time_ps", "n_frames", "temperature_K", "timestep_fs", "ns_per_day",
           "trajectory_path"),
    "thermo": ("reaction", "reaction_energy_eV_per_atom", "predicted_products", "window_lower_V",
               "window_upper_V", "unconverged_phases"),
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
    for note in summary.notes:
        console.print(f"  [bold]arrhenius[/] no fit: {note}")
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
