"""Exports of a stored study for other tools: the study document (JSON), its headline row (CSV)
and its MD trajectory with per-atom ``region`` and ``fragment`` labels (extended XYZ, for OVITO).

>>> from interfaceflow import Results
>>> from interfaceflow.export import export_study
>>> export_study(Results(), "3f2a9c", "extxyz", "li_lpscl.extxyz", stride=10)
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from interfaceflow.errors import StoreError
from interfaceflow.tables import study_row

if TYPE_CHECKING:
    from interfaceflow.results import Results, StoredStudy

ExportFormat = Literal["json", "csv", "extxyz"]
EXPORT_FORMATS: tuple[str, ...] = ("json", "csv", "extxyz")


def export_study(
    results: Results, study_id: str, fmt: ExportFormat, path: str | Path, *, stride: int = 1
) -> Path:
    """Write study ``study_id`` (id or unique prefix) of ``results`` to ``path`` as ``fmt``.

    ``json``: the study document; ``csv``: its headline row (:func:`interfaceflow.tables.study_row`,
    units in the column names); ``extxyz``: every ``stride``-th MD frame with per-atom ``region``
    and ``fragment`` arrays (:func:`trajectory_frames`).
    """
    if fmt not in EXPORT_FORMATS:
        raise StoreError(f"unknown export format '{fmt}'; use one of {', '.join(EXPORT_FORMATS)}")
    if stride < 1:
        raise StoreError(f"stride {stride} is not a positive integer; use --stride 1 for every frame")
    study = results.get(study_id)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        path.write_text(json.dumps(study.model_dump(mode="json"), indent=2) + "\n")
    elif fmt == "csv":
        row = {k: _csv_value(v) for k, v in study_row(study).items()}
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(row))
            writer.writeheader()
            writer.writerow(row)
    else:
        from ase.io import write

        write(path, trajectory_frames(results, study, stride=stride), format="extxyz")
    return path


def trajectory_frames(results: Results, study: StoredStudy, *, stride: int = 1) -> list:
    """Every ``stride``-th MD frame of ``study`` as ASE ``Atoms`` with ``arrays['region']`` (when the
    trajectory stores regions) and ``arrays['fragment']`` (:func:`~interfaceflow.analysis.
    fragment_labels.atom_fragment_labels`, with the cutoffs of the study's products analysis)."""
    from interfaceflow.analysis.fragment_labels import atom_fragment_labels

    cutoffs = products_cutoffs(results, study.study_id)
    frames = study.trajectory(slice(None, None, stride))
    for atoms in frames:
        atoms.arrays["fragment"] = atom_fragment_labels(
            atoms.numbers, atoms.positions, atoms.cell.array, atoms.pbc, cutoffs
        )
        if "region" in atoms.arrays:
            atoms.arrays["region"] = np.asarray(atoms.arrays["region"]).astype(str)
    return frames


def products_cutoffs(results: Results, study_id: str) -> dict[str, float] | None:
    """Pair cutoffs (Å) the study's products analysis used, or None when it has none."""
    doc = results.store.query_one(
        {"hosts": study_id, "output.doc_type": "products_analysis"}, properties=["output.cutoffs_A"]
    )
    cutoffs = ((doc or {}).get("output") or {}).get("cutoffs_A")
    return dict(cutoffs) if cutoffs else None


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return value
