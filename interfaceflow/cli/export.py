"""Command ``interfaceflow export``: a stored study as JSON, a CSV row, or an extended-XYZ trajectory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from interfaceflow.cli.app import app
from interfaceflow.cli.options import ProjectStore, StoreConfig, StoreDir


@app.command("export")
def export_command(
    study_id: Annotated[str, typer.Argument(help="Study id (or a unique prefix of 6+ characters).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="json (the study document), csv (its headline "
                                     "row) or extxyz (the MD trajectory with region and fragment labels).")] = "json",
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")] = Path("study.json"),
    stride: Annotated[int, typer.Option(help="extxyz: write every N-th frame.")] = 1,
    store: StoreDir = None,
    store_config: StoreConfig = None,
    project: ProjectStore = None,
) -> None:
    """Export one study for other tools: OVITO colours the extxyz by its 'region' and 'fragment' columns."""
    from interfaceflow.export import export_study
    from interfaceflow.results import Results

    results = Results(store_dir=store, config=store_config, project=project)
    path = export_study(results, study_id, fmt, output, stride=stride)
    typer.echo(str(path))
