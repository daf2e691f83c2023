"""Store maintenance: ``interfaceflow clean`` removes the documents of killed runs, and
``interfaceflow results --incomplete`` lists every unfinished study (see :mod:`interfaceflow.orphans`)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from interfaceflow.cli.app import app
from interfaceflow.cli.options import StoreConfig, StoreDir

console = Console()

#: What each state means for the user, printed under the table.
STATE_HINTS = {
    "killed": "its process is gone: resume it with 'interfaceflow run --resume FLOW' or remove it "
              "with 'interfaceflow clean'",
    "interrupted": "stopped and checkpointed: resume it with 'interfaceflow run --resume FLOW' ('clean' "
                   "keeps it unless --include-interrupted)",
    "running-elsewhere": "another process is running it now: left alone",
    "unrecorded": "no local run record (a cluster run, or one recorded under another run_dir): "
                  "'clean' keeps it unless --include-unrecorded",
}


def print_incomplete(store_dir=None, store_config=None, project: str | None = None,
                     format_: str = "table") -> None:
    """Print the incomplete studies of a store (the embedded ``store_dir``, the spec file
    ``store_config``, the jobflow-remote ``project``'s, else the default) as a table, JSON or CSV."""
    from interfaceflow.orphans import find_incomplete_flows
    from interfaceflow.store import check_store, get_job_store, store_label

    if project is not None:
        from interfaceflow.hpc.project import load_project

        job_store, label = load_project(project).get_jobstore(), None
    else:
        job_store, label = get_job_store(store_dir, store_config), store_label(store_dir, store_config)
    check_store(job_store)
    flows = find_incomplete_flows(job_store, label)
    rows = [flow.row() for flow in flows]
    if format_ == "json":
        typer.echo(json.dumps(rows, indent=2))
        return
    columns = ["flow", "name", "job_docs", "data_docs", "last_write", "state"]
    if format_ == "csv":
        typer.echo(",".join(columns))
        for row in rows:
            typer.echo(",".join("" if row[c] is None else str(row[c]) for c in columns))
        return
    table = Table(title=f"{len(rows)} incomplete studies")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("-" if row[c] is None else str(row[c]) for c in columns))
    console.print(table)
    for state in sorted({flow.state for flow in flows}):
        console.print(f"  {state}: {STATE_HINTS[state]}")


@app.command()
def clean(
    store: StoreDir = None,
    store_config: StoreConfig = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Remove without asking.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be removed.")] = False,
    include_interrupted: Annotated[bool, typer.Option(
        "--include-interrupted", help="Also remove interrupted (resumable) runs.")] = False,
    include_unrecorded: Annotated[bool, typer.Option(
        "--include-unrecorded",
        help="Also remove studies without a local run record (check that no cluster run writes them).")] = False,
) -> None:
    """Remove the documents of killed runs (studies without a summary whose process is gone) and
    their run records. Runs that another process is running are never touched."""
    from interfaceflow.errors import StoreError
    from interfaceflow.orphans import clean_incomplete_flows, find_incomplete_flows, removable
    from interfaceflow.store import check_store, get_job_store, store_label, store_location

    job_store = get_job_store(store, store_config)
    check_store(job_store, write=not dry_run)
    flows = find_incomplete_flows(job_store, store_label(store, store_config))
    targets = removable(flows, include_interrupted=include_interrupted, include_unrecorded=include_unrecorded)
    where = store_location(job_store)
    kept = [flow for flow in flows if flow not in targets]
    if not targets:
        typer.echo(f"nothing to clean in {where}" + _kept_note(kept))
        return
    if dry_run:
        for flow in targets:
            typer.echo(f"would remove {_describe(flow)}")
        _echo_kept(kept)
        return
    if not yes:
        total = sum(flow.n_job_docs for flow in targets)
        question = f"remove {len(targets)} incomplete studies ({total} job documents) from {where}?"
        if not sys.stdin.isatty():
            raise StoreError(f"clean would {question[:-1]}; rerun with --yes to remove them, or "
                             "--dry-run to list them")
        if not typer.confirm(question):
            raise StoreError("clean cancelled; nothing was removed")
    for flow in clean_incomplete_flows(job_store, targets):
        typer.echo(f"removed {_describe(flow)}")
    _echo_kept(kept)


def _describe(flow) -> str:
    name = f" ({flow.name})" if flow.name else ""
    return (f"flow {flow.flow_uuid}{name}, {flow.state}: {flow.n_job_docs} job documents, "
            f"{flow.n_data_docs} data documents" + (", its run record" if flow.has_record else ""))


def _echo_kept(kept) -> None:
    if kept:
        typer.echo(_kept_note(kept).removeprefix("; "))


def _kept_note(kept) -> str:
    if not kept:
        return ""
    counts = {state: sum(1 for flow in kept if flow.state == state) for state in STATE_HINTS}
    parts = [f"{n} {state}" for state, n in counts.items() if n]
    return "; kept " + ", ".join(parts)
