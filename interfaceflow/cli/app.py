"""The typer application objects that every CLI command module registers on.

Command modules (``interfaceflow/cli/<topic>.py``) import :data:`app` or :data:`analyze_app` and
decorate their functions; :mod:`interfaceflow.cli` imports every command module.
"""

from __future__ import annotations

import os

import click
import typer
from typer.core import TyperGroup

from interfaceflow.errors import InterfaceflowError


#: Set (to any value) by ``interfaceflow --debug``: errors raise with their traceback.
DEBUG_VARIABLE = "INTERFACEFLOW_DEBUG"


class _OneLineErrorGroup(TyperGroup):
    """Turn any :class:`InterfaceflowError` into ``error: <message>`` and a non-zero exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InterfaceflowError as exc:
            if os.environ.get(DEBUG_VARIABLE):
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)


app = typer.Typer(
    cls=_OneLineErrorGroup,
    help="interfaceflow: MLIP workflows for electrode|electrolyte interfaces in solid-state Li batteries.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
analyze_app = typer.Typer(
    help="Analyse any trajectory: interphase products, Li diffusion, space-charge profiles.",
    no_args_is_help=True,
)
app.add_typer(analyze_app, name="analyze")
