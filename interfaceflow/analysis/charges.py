"""Pluggable per-atom charge models for space-charge analyses, and the charge-neutrality check.

A charge model turns one frame into a ``(N,)`` array of charges in units of e. Three models ship:

* :class:`FormalChargeModel` (the default, works with any calculator): formal oxidation states from
  the speciation of the interphase analysis
  (:func:`interfaceflow.analysis.speciation.speciate_frame`).
* :class:`CalculatorChargeModel`: charges predicted by the calculator and stored by the MD engine as
  the per-atom array ``charges`` of the trajectory (only plugins that predict charges write it).
* :class:`MapChargeModel`: a fixed charge per element given by the user (``{"Li": 1, "S": -2}``).

Any object with a ``name`` attribute and a ``charges(frame) -> (N,)`` method is a charge model
(:class:`ChargeModel` protocol); :func:`get_charge_model` turns the CLI/recipe spelling
(``formal``, ``calculator``, ``map.json`` or an inline JSON object) into one.

:func:`check_neutrality` reports the total charge of every frame and raises (or warns) when one
exceeds the tolerance: Poisson's equation in a periodic cell has no solution for a charged cell.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
from ase import Atoms
from ase.data import atomic_numbers, chemical_symbols
from pydantic import BaseModel, Field

from interfaceflow.errors import AnalysisError

NeutralityPolicy = Literal["raise", "warn", "ignore"]


@dataclass
class Frame:
    """One snapshot, as the charge models see it.

    Attributes:
        numbers: (N,) atomic numbers.
        positions_A: (N, 3) Cartesian positions in Å.
        cell_A: (3, 3) cell vectors (rows) in Å.
        pbc: (3,) periodicity flags.
        per_atom: per-atom arrays of this frame, e.g. ``charges`` (N,) e or ``energies`` (N,) eV.
        index: index of the frame in its trajectory (for messages).
    """

    numbers: np.ndarray
    positions_A: np.ndarray
    cell_A: np.ndarray
    pbc: np.ndarray = field(default_factory=lambda: np.ones(3, dtype=bool))
    per_atom: dict[str, np.ndarray] = field(default_factory=dict)
    index: int = 0

    def to_atoms(self) -> Atoms:
        """The frame as ASE :class:`~ase.Atoms` (no calculator attached)."""
        return Atoms(
            numbers=self.numbers, positions=self.positions_A, cell=self.cell_A, pbc=self.pbc
        )


@runtime_checkable
class ChargeModel(Protocol):
    """What a charge model provides: a name (recorded in results) and per-atom charges in e."""

    name: str

    def charges(self, frame: Frame) -> np.ndarray:
        """Return the (N,) per-atom charges of ``frame`` in units of e."""
        ...


class MapChargeModel:
    """A fixed charge per element, e.g. ``{"Li": 1, "Co": 3, "O": -2, "P": 5, "S": -2}``.

    Keys are chemical symbols (atomic numbers are accepted too). Every element present in a frame
    must have an entry.
    """

    name = "map"

    def __init__(self, charges_by_element: Mapping[str | int, float]):
        table = np.full(len(chemical_symbols), np.nan)
        for key, value in charges_by_element.items():
            z = _atomic_number(key)
            table[z] = float(value)
        known = np.flatnonzero(~np.isnan(table))
        self.charges_by_element = {chemical_symbols[z]: float(table[z]) for z in known}
        self._table = table

    @classmethod
    def from_json(cls, path: str | Path) -> MapChargeModel:
        """Read ``{element: charge}`` from a JSON file."""
        path = Path(path)
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise AnalysisError(
                f"cannot read charge map '{path}' ({exc.__class__.__name__}); give a JSON file "
                'like {"Li": 1, "P": 5, "S": -2}'
            ) from None
        return cls(_as_element_map(data, str(path)))

    def charges(self, frame: Frame) -> np.ndarray:
        """Look up every atom's element in the map."""
        numbers = np.asarray(frame.numbers, dtype=int)
        q = self._table[numbers]
        if np.isnan(q).any():
            missing = sorted({chemical_symbols[z] for z in numbers[np.isnan(q)]})
            raise AnalysisError(
                f"charge map has no entry for {', '.join(missing)}; add "
                + ", ".join(f'"{s}": <charge>' for s in missing)
                + " to the map"
            )
        return q

    def __repr__(self) -> str:
        return f"MapChargeModel({self.charges_by_element})"


class CalculatorChargeModel:
    """Charges predicted by the calculator, read from the trajectory's per-atom array ``key``."""

    name = "calculator"

    def __init__(self, key: str = "charges"):
        self.key = key

    def charges(self, frame: Frame) -> np.ndarray:
        """Return ``frame.per_atom[key]``; a one-line error when the trajectory does not have it."""
        if self.key not in frame.per_atom:
            raise AnalysisError(
                f"the trajectory has no per-atom '{self.key}' (its calculator does not predict "
                "charges); use --charges formal or --charges map.json instead"
            )
        q = np.asarray(frame.per_atom[self.key], dtype=float)
        if q.shape != (len(frame.numbers),):
            raise AnalysisError(
                f"per-atom '{self.key}' has shape {q.shape}, expected ({len(frame.numbers)},); "
                "rewrite the trajectory with one charge per atom and frame"
            )
        return q


class FormalChargeModel:
    """Formal oxidation states from the speciation of the interphase analysis (the default).

    Keyword arguments (``cutoffs={"P-S": 2.4}``, ``bond_scale``, ...) are passed on to
    :func:`interfaceflow.analysis.speciation.speciate_frame`; works with any calculator since it
    only needs positions. Octet elements get their Lewis oxidation state (P +5 and S -2 in
    PS4), Li +1 when it coordinates an anion, metal cations their bond-valence oxidation state
    (La +3 and Zr +4 in LLZO, Co +3 in LiCoO2; :mod:`interfaceflow.analysis.oxidation`), made
    neutral per frame wherever the metals' allowed states can compensate the rest.
    """

    name = "formal"

    def __init__(self, **speciation_kwargs: Any):
        self.speciation_kwargs = speciation_kwargs

    def charges(self, frame: Frame) -> np.ndarray:
        """Speciate ``frame`` and return its ``formal_charges``."""
        try:
            from interfaceflow.analysis.speciation import speciate_frame
        except ImportError:
            raise AnalysisError(
                "formal charges need interfaceflow.analysis.speciation, which is not available; "
                "use --charges map.json (e.g. {\"Li\": 1, \"P\": 5, \"S\": -2}) instead"
            ) from None
        result = speciate_frame(
            frame.numbers, frame.positions_A, frame.cell_A, frame.pbc, **self.speciation_kwargs
        )
        q = np.asarray(result.formal_charges, dtype=float)
        if q.shape != (len(frame.numbers),):
            raise AnalysisError(
                f"speciation returned {q.shape} formal charges for {len(frame.numbers)} atoms; "
                "report this as a bug in interfaceflow.analysis.speciation"
            )
        return q


def get_charge_model(
    spec: str | Mapping[str, float] | ChargeModel | None = "formal",
) -> ChargeModel:
    """Turn a charge-model spelling into a model.

    Args:
        spec: ``"formal"`` (default, also for None), ``"calculator"``, a path to a JSON file
            ``{element: charge}``, an inline JSON object string, a dict, or a ready model.
    """
    if spec is None or spec == "formal":
        return FormalChargeModel()
    if isinstance(spec, Mapping):
        return MapChargeModel(_as_element_map(spec, "charge map"))
    if not isinstance(spec, str):
        if isinstance(spec, ChargeModel):
            return spec
        raise AnalysisError(
            f"unknown charge model {spec!r}; use formal, calculator, a JSON file or a dict"
        )
    if spec == "calculator":
        return CalculatorChargeModel()
    text = spec.strip()
    if text.startswith("{"):
        try:
            return MapChargeModel(_as_element_map(json.loads(text), "inline charge map"))
        except json.JSONDecodeError:
            raise AnalysisError(
                f"inline charge map {text!r} is not valid JSON; write it like "
                '{"Li": 1, "P": 5, "S": -2}'
            ) from None
    if text.endswith(".json") or Path(text).is_file():
        if not Path(text).is_file():
            raise AnalysisError(
                f"charge map file '{text}' does not exist; give an existing JSON file"
            )
        return MapChargeModel.from_json(text)
    raise AnalysisError(
        f"unknown charge model '{spec}'; use formal, calculator, or a map.json file"
    )


def iter_frames(
    numbers: np.ndarray,
    positions_A: np.ndarray,
    cells_A: np.ndarray,
    *,
    pbc: np.ndarray | None = None,
    per_atom: Mapping[str, np.ndarray] | None = None,
    frame_indices: np.ndarray | None = None,
) -> Iterator[Frame]:
    """Yield :class:`Frame` objects from stacked (F, N, ...) arrays (optionally some frames)."""
    n_frames = len(positions_A)
    indices = np.arange(n_frames) if frame_indices is None else np.asarray(frame_indices)
    pbc_arr = np.ones(3, dtype=bool) if pbc is None else np.asarray(pbc, dtype=bool)
    per_atom = per_atom or {}
    for i in indices:
        yield Frame(
            numbers=np.asarray(numbers),
            positions_A=np.asarray(positions_A[i]),
            cell_A=np.asarray(cells_A[i]),
            pbc=pbc_arr,
            per_atom={k: np.asarray(v[i]) for k, v in per_atom.items()},
            index=int(i),
        )


def charges_for_frames(model: ChargeModel, frames: Iterator[Frame] | list[Frame]) -> np.ndarray:
    """Stack ``model.charges(frame)`` over frames into an (F, N) array in e."""
    rows = [np.asarray(model.charges(frame), dtype=float) for frame in frames]
    if not rows:
        raise AnalysisError("no frames to compute charges for; widen the time window")
    return np.stack(rows)


class NeutralityReport(BaseModel):
    """Total charge of every analysed frame and whether all are within the tolerance."""

    total_charge_e: list[float] = Field(description="Total charge of each frame, e.")
    max_abs_total_charge_e: float
    mean_total_charge_e: float
    tolerance_e: float
    neutral: bool
    n_charged_frames: int = Field(description="Frames whose |total charge| exceeds the tolerance.")


def check_neutrality(
    charges_e: np.ndarray,
    *,
    tolerance_e: float = 0.05,
    on_fail: NeutralityPolicy = "raise",
    model_name: str = "",
) -> NeutralityReport:
    """Check that every frame is neutral: |sum(q)| <= ``tolerance_e``.

    Args:
        charges_e: (F, N) or (N,) per-atom charges in e.
        tolerance_e: largest accepted |total charge| per frame, e.
        on_fail: ``raise`` an :class:`AnalysisError`, ``warn`` (RuntimeWarning), or ``ignore``.
        model_name: charge model name for the message.

    Returns:
        A :class:`NeutralityReport` (also when the check fails and ``on_fail`` is not ``raise``).
    """
    q = np.atleast_2d(np.asarray(charges_e, dtype=float))
    totals = q.sum(axis=1)
    worst = float(np.max(np.abs(totals))) if totals.size else 0.0
    charged = int(np.sum(np.abs(totals) > tolerance_e))
    report = NeutralityReport(
        total_charge_e=totals.tolist(),
        max_abs_total_charge_e=worst,
        mean_total_charge_e=float(totals.mean()) if totals.size else 0.0,
        tolerance_e=tolerance_e,
        neutral=charged == 0,
        n_charged_frames=charged,
    )
    if not report.neutral and on_fail != "ignore":
        label = f"'{model_name}' " if model_name else ""
        message = (
            f"{label}charges are not neutral: total charge up to {worst:+.3g} e in {charged} of "
            f"{len(totals)} frames (tolerance {tolerance_e:g} e); fix the charge map/model or pass "
            "--neutralize to add a uniform compensating background"
        )
        if on_fail == "raise":
            raise AnalysisError(message)
        warnings.warn(message, RuntimeWarning, stacklevel=2)
    return report


def _atomic_number(key: str | int) -> int:
    if isinstance(key, (int, np.integer)) and 0 < int(key) < len(chemical_symbols):
        return int(key)
    if isinstance(key, str) and key.strip() in atomic_numbers:
        return atomic_numbers[key.strip()]
    if isinstance(key, str) and key.strip().isdigit():
        return _atomic_number(int(key.strip()))
    raise AnalysisError(
        f"'{key}' in the charge map is not an element; use symbols such as Li, P, S"
    )


def _as_element_map(data: Any, where: str) -> dict[str, float]:
    if not isinstance(data, Mapping) or not data:
        raise AnalysisError(
            f"{where} must be a JSON object {{element: charge}}, e.g. {{\"Li\": 1, \"S\": -2}}"
        )
    out = {}
    for key, value in data.items():
        try:
            out[str(key)] = float(value)
        except (TypeError, ValueError):
            raise AnalysisError(
                f"{where}: charge of '{key}' is {value!r}, not a number; write e.g. \"{key}\": 1"
            ) from None
    return out
