"""Command ``interfaceflow plot``: PNG figures of one or several studies, overlaid for comparison."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from interfaceflow.cli.app import app
from interfaceflow.cli.options import ProjectStore, StoreConfig, StoreDir


@app.command("plot")
def plot_command(
    study_ids: Annotated[list[str], typer.Argument(help="Study ids (or unique prefixes); several overlay.")],
    what: Annotated[str, typer.Option(help="products, profiles, msd, arrhenius or all.")] = "all",
    output: Annotated[Path, typer.Option("--output", "-o", help="Directory for the PNG files.")] = Path("."),
    store: StoreDir = None,
    store_config: StoreConfig = None,
    project: ProjectStore = None,
) -> None:
    """Plot products (phase fractions, thickness vs time), Li profiles, MSD or Arrhenius of studies."""
    from interfaceflow.plots_compare import plot_studies
    from interfaceflow.results import Results

    results = Results(store_dir=store, config=store_config, project=project)
    for plot in plot_studies(results, study_ids, what, output):
        typer.echo(str(plot.path))
