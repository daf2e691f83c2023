"""Options and option-value parsers shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from interfaceflow.errors import AnalysisError

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


def parse_type_map(text: str | None) -> dict[int, str] | None:
    """LAMMPS atom type -> element symbol from ``--type-map 1=Li,2=P`` (``1:Li,2:P`` also works).

    Returns None for an empty option, so the reader falls back to the dump's own elements.

    Raises:
        AnalysisError: the text is not a comma-separated list of ``type=Element`` pairs, or names
            an element that does not exist.
    """
    if not text:
        return None
    from ase.data import atomic_numbers

    try:
        pairs = (item.replace(":", "=").split("=") for item in text.split(","))
        type_map = {int(k): v.strip() for k, v in pairs}
    except ValueError:
        raise AnalysisError(
            f"cannot parse --type-map {text!r}; write it like 1=Li,2=P,3=S"
        ) from None
    unknown = sorted({v for v in type_map.values() if v not in atomic_numbers or v == "X"})
    if unknown:
        raise AnalysisError(
            f"--type-map {text!r} names no element {', '.join(map(repr, unknown))}; "
            "write element symbols like 1=Li,2=P,3=S"
        )
    return type_map
