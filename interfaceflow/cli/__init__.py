"""Command-line interface ``interfaceflow`` (typer). Run ``interfaceflow --help``."""

from __future__ import annotations

from interfaceflow.cli.app import DEBUG_VARIABLE, analyze_app, app

# Each command module registers its commands on ``app`` / ``analyze_app`` when imported.
# One import line per module; keep this block sorted.
from interfaceflow.cli import analyze_diffusion  # noqa: E402,F401
from interfaceflow.cli import analyze_products  # noqa: E402,F401
from interfaceflow.cli import analyze_profiles  # noqa: E402,F401
from interfaceflow.cli import build  # noqa: E402,F401
from interfaceflow.cli import core  # noqa: E402,F401
from interfaceflow.cli import export  # noqa: E402,F401
from interfaceflow.cli import hpc  # noqa: E402,F401
from interfaceflow.cli import maintenance  # noqa: E402,F401
from interfaceflow.cli import plot  # noqa: E402,F401
from interfaceflow.cli import thermo  # noqa: E402,F401


def main() -> None:
    """Console-script entry point.

    Only interfaceflow's own warnings (thin statistics, charge neutrality, ...) reach the terminal;
    those of torch, e3nn, jobflow and other dependencies are noise to a CLI user. Every failure is
    one ``error: ...`` line and a non-zero exit: usage errors, interfaceflow errors, and unexpected
    exceptions alike; ``--debug`` (anywhere on the command line) shows the traceback instead.
    """
    import os
    import sys
    import warnings

    import click
    import typer

    warnings.filterwarnings("ignore")
    warnings.filterwarnings("default", module=r"interfaceflow(\.|$)")
    debug = "--debug" in sys.argv[1:]
    if debug:
        sys.argv.remove("--debug")
        os.environ[DEBUG_VARIABLE] = "1"
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as exc:  # typer's own click: usage errors, bad parameters
        ctx = getattr(exc, "ctx", None)
        command = ctx.command_path if ctx is not None else "interfaceflow"
        message = exc.format_message().rstrip(".")
        if not message:  # no arguments: the help text was shown
            sys.exit(getattr(exc, "exit_code", 2))
        click.echo(f"error: {message}; see '{command} --help'", err=True)
        sys.exit(getattr(exc, "exit_code", 2))
    except (typer.Abort, click.exceptions.Abort, KeyboardInterrupt):
        click.echo("error: aborted; nothing more was run", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the last line of defence of a one-line CLI
        if debug:
            raise
        message = " ".join(str(exc).split())[:300]
        click.echo(f"error: unexpected {type(exc).__name__}: {message}; rerun with --debug for the "
                   "traceback and report it", err=True)
        sys.exit(1)
    sys.exit(code or 0)


__all__ = ["analyze_app", "app", "main"]
