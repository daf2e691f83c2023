"""``python -m interfaceflow`` runs the CLI."""

from interfaceflow.cli import main

main()
