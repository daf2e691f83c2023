"""Command-line interface ``interfaceflow`` (typer). Run ``interfaceflow --help``."""

from __future__ import annotations

from interfaceflow.cli.app import analyze_app, app

# Each command module registers its commands on ``app`` / ``analyze_app`` when imported.
# One import line per module; keep this block sorted.
from interfaceflow.cli import analyze_diffusion  # noqa: E402,F401
from interfaceflow.cli import analyze_products  # noqa: E402,F401
from interfaceflow.cli import analyze_profiles  # noqa: E402,F401
from interfaceflow.cli import build  # noqa: E402,F401
from interfaceflow.cli import core  # noqa: E402,F401
from interfaceflow.cli import export  # noqa: E402,F401
from interfaceflow.cli import hpc  # noqa: E402,F401
from interfaceflow.cli import plot  # noqa: E402,F401
from interfaceflow.cli import thermo  # noqa: E402,F401


def main() -> None:
    """Console-script entry point.

    Only interfaceflow's own warnings (thin statistics, charge neutrality, ...) reach the terminal;
    those of torch, e3nn, jobflow and other dependencies are noise to a CLI user, and an error
    must stay one line.
    """
    import warnings

    warnings.filterwarnings("ignore")
    warnings.filterwarnings("default", module=r"interfaceflow(\.|$)")
    app()


__all__ = ["analyze_app", "app", "main"]
