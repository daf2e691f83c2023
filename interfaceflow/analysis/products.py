"""Products pipeline: speciation, product phases and interphase growth of one trajectory.

:func:`analyze_products` chains the three analyses and collects them in a
:class:`ProductsAnalysis`: the fragments and atom states of every frame
(:mod:`interfaceflow.analysis.speciation`), the reference-phase environment of every atom
(:mod:`interfaceflow.analysis.phases`: fingerprints, Tanimoto similarity, assignment) and the
interphase thickness, growth law, consumption rate and classification
(:mod:`interfaceflow.analysis.growth`).

The phase-fingerprinting names used by callers of this module (:data:`ANTIFLUORITE_MIXED`,
:class:`PhaseAssignment`, :func:`assign_phases`, :func:`environment_fingerprints`,
:func:`reference_fingerprints`, :func:`tanimoto`, :func:`phase_library`,
:func:`library_reference_structures`) live in :mod:`interfaceflow.analysis.phases` and are
re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from ase.data import chemical_symbols
from pydantic import BaseModel, ConfigDict, Field

from interfaceflow.analysis.growth import (
    best_growth_law,
    classify_interphase,
    conducting_states,
    consumed_extent,
    consumption_rate,
    fit_growth_laws,
    growing_isolated_anions,
    growing_phases,
    interphase_thickness,
    products_with_new_fragments,
)
from interfaceflow.analysis.phases import (
    ANTIFLUORITE_MIXED,
    MIN_SIMILARITY,
    PhaseAssignment,
    assign_phases,
    environment_fingerprints,
    library_reference_structures,
    phase_library,
    reference_fingerprints,
    tanimoto,
)
from interfaceflow.analysis.speciation import speciate_trajectory
from interfaceflow.errors import AnalysisError
from interfaceflow.validation import validated_settings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pymatgen.core import Structure

    from interfaceflow.analysis.speciation import TrajectorySpeciation
    from interfaceflow.io.trajectory import TrajectoryData

__all__ = [
    "ANTIFLUORITE_MIXED",
    "MIN_SIMILARITY",
    "PhaseAssignment",
    "ProductsAnalysis",
    "analyze_products",
    "assign_phases",
    "environment_fingerprints",
    "library_reference_structures",
    "phase_library",
    "reference_fingerprints",
    "tanimoto",
]


# ----------------------------------------------------------------------------- whole analysis
@dataclass
class ProductsAnalysis:
    """Speciation, product phases and interphase growth of one trajectory."""

    speciation: TrajectorySpeciation
    assignment: PhaseAssignment | None
    thickness_A: np.ndarray
    changed_bins: np.ndarray
    growth_fits: dict
    growth_law: str | None
    growth_rate: float | None
    growth_rate_unit: str | None
    consumption_fu_per_nm2_per_ps: float | None
    characteristic_fragment: str | None
    consumed_fu_per_nm2: float | None
    consumed_fraction: float | None
    growing_products: dict[str, float]
    amorphous_products: dict[str, float]
    conducting_states: dict[str, float]
    classification: object

    @property
    def reaction_observed(self) -> bool:
        """True when a product phase, an amorphous product or a conducting state grows."""
        return _reaction_observed(self.growing_products, self.amorphous_products, self.conducting_states)

    @property
    def interphase_thickness_A(self) -> float | None:
        """Thickness of the changed layer at the last frame (Å) when a reaction is observed, else None:
        without a product the changed layer is the disorder of the contact, not an interphase."""
        return float(self.thickness_A[-1]) if self.reaction_observed else None

    def phase_fractions_per_frame(self) -> dict[str, list[float | None]]:
        """Phase → fraction for every speciation frame (None where phases were not analysed)."""
        if self.assignment is None:
            return {}
        n = self.speciation.n_frames
        out: dict[str, list[float | None]] = {}
        for k, phase in enumerate(self.assignment.phases):
            values: list[float | None] = [None] * n
            for row, f in enumerate(self.assignment.frames):
                values[int(f)] = float(self.assignment.phase_fractions[row, k])
            out[phase] = values
        return out

    def to_json_dict(self) -> dict:
        """The machine-readable summary printed by ``interfaceflow analyze products --json``."""
        sp = self.speciation
        li_mean = {
            lab: [None if np.isnan(v) else float(v) for v in sp.fragment_li_mean[:, k]]
            for k, lab in enumerate(sp.fragment_labels)
        }
        fits = {
            law: {"k": f.k, "rate": f.rate_nm_per_ns, "unit": f.unit, "rss_A2": f.rss_A2, "aic": f.aic, "r2": f.r2}
            for law, f in self.growth_fits.items()
        }
        cls = self.classification
        return {
            "times_fs": [float(t) for t in sp.times_fs],
            "times_are_frame_indices": not sp.times_from_file,
            "n_atoms": int(len(sp.numbers)),
            "fragment_counts": {k: [int(x) for x in v] for k, v in sp.fragment_counts_dict().items()},
            "li_per_fragment": li_mean,
            "state_counts": {k: [int(x) for x in v] for k, v in sp.state_counts_dict().items()},
            "phase_fractions": self.phase_fractions_per_frame(),
            "phase_confidence": self.assignment.confidence_dict() if self.assignment else {},
            "reaction_observed": self.reaction_observed,
            "interphase_thickness_A": [float(x) for x in self.thickness_A],
            "interface_z_A": float(sp.interface_z_A),
            "z_centers_A": [float(x) for x in sp.z_centers_A],
            "fragment_depth_last_frame": sp.fragment_depth_dict(-1),
            "growth_law": self.growth_law,
            "growth_rate": self.growth_rate,
            "growth_rate_unit": self.growth_rate_unit,
            "growth_fits": fits,
            "characteristic_fragment": self.characteristic_fragment,
            "consumption_fu_per_nm2_per_ps": self.consumption_fu_per_nm2_per_ps,
            "consumed_fu_per_nm2": self.consumed_fu_per_nm2,
            "consumed_fraction": self.consumed_fraction,
            "growing_products": self.growing_products,
            "amorphous_products": self.amorphous_products,
            "conducting_states": self.conducting_states,
            "classification": {"kind": cls.kind, "reason": cls.reason},
            "cutoffs_A": sp.cutoffs,
        }


def _reaction_observed(products: dict, amorphous: dict, conducting: dict) -> bool:
    return bool(products or amorphous or conducting)


class ProductsSettings(BaseModel):
    """Settings of the interphase-chemistry analysis (lengths in Å); every default lives here."""

    model_config = ConfigDict(extra="forbid")

    cutoffs: dict[str, float] | None = Field(
        default=None, description="Bond cutoffs (Å) by element pair, e.g. {'P-S': 2.4}."
    )
    bin_width_A: float = Field(default=2.0, gt=0, description="Depth bins from the interface plane.")
    phase_stride: int = Field(default=1, ge=1, description="Assign phases on every N-th frame.")
    min_similarity: float = Field(default=MIN_SIMILARITY, gt=0, le=1,
                                  description="Tanimoto similarity needed to match a phase.")
    n_interfaces: int | None = Field(default=None, ge=1,
                                     description="Interfaces in the cell (default: from the file).")
    fragments_per_formula_unit: float = Field(default=1.0, gt=0)
    characteristic: str | None = Field(
        default=None, description="Fragment whose loss rate is reported (default: most abundant)."
    )
    mixed_antifluorite: bool = Field(
        default=True,
        description="Recognise the Li2S-like mixed-anion (S,P,Cl) antifluorite as its own phase "
                    "('antifluorite_mixed') when Li and two of S, Se, Te, P, As, Sb, Cl, Br, I "
                    "occur.",
    )


def products_settings(settings: ProductsSettings | None = None, **overrides) -> ProductsSettings:
    """``settings`` with ``overrides`` applied; a bad key or value is a one-line AnalysisError."""
    data = {**(settings.model_dump() if settings else {}), **overrides}
    return validated_settings(data, ProductsSettings, "products")


def analyze_products(
    traj: TrajectoryData,
    *,
    references: Mapping[str, Structure] | None = None,
    interface_z_A: float | None = None,
    settings: ProductsSettings | None = None,
    **overrides,
) -> ProductsAnalysis:
    """Run the whole interphase-chemistry analysis on a trajectory.

    ``references`` maps phase names to structures; None takes the library phases whose elements
    all occur in the trajectory (:func:`library_reference_structures`), or skips the phase
    assignment when the library is unavailable. ``settings`` (:class:`ProductsSettings`) and
    keyword ``overrides`` of its fields (``bin_width_A=2.0``, ``phase_stride=5``, ...) set the rest.
    """
    from interfaceflow.io.trajectory import check_periodic_cell, trajectory_name

    check_periodic_cell(traj.cells_A, trajectory_name(traj))
    settings = products_settings(settings, **overrides)
    cutoffs, bin_width_A, phase_stride = settings.cutoffs, settings.bin_width_A, settings.phase_stride
    min_similarity, n_interfaces = settings.min_similarity, settings.n_interfaces
    fragments_per_formula_unit, characteristic = (settings.fragments_per_formula_unit,
                                                  settings.characteristic)
    spec = speciate_trajectory(traj, cutoffs, interface_z_A=interface_z_A, bin_width_A=bin_width_A)
    symbols = {chemical_symbols[z] for z in np.unique(traj.numbers)}
    if references is None:
        try:
            references = library_reference_structures(symbols)
        except AnalysisError:
            references = {}
    assignment = None
    if references:
        refs = reference_fingerprints(references, cutoffs=cutoffs)
        frames = np.arange(0, spec.n_frames, phase_stride)
        if frames[-1] != spec.n_frames - 1:
            frames = np.append(frames, spec.n_frames - 1)
        assignment = assign_phases(traj, spec, refs, frames=frames, min_similarity=min_similarity,
                                   mixed_antifluorite=settings.mixed_antifluorite)

    thickness, changed = interphase_thickness(spec, periodic=bool(np.asarray(traj.pbc)[2]))
    t_ps = (spec.times_fs - spec.times_fs[0]) / 1000.0
    products = {}
    if assignment is not None:
        products = products_with_new_fragments(
            growing_phases(assignment), refs.fragment_labels_by_phase(), spec
        )
    conducting = conducting_states(spec, changed)
    amorphous = growing_isolated_anions(spec)
    observed = _reaction_observed(products, amorphous, conducting)
    # a growth law is fitted only to an observed reaction: a changed layer without a product is
    # the relaxing contact, and its "growth" would be read as a rate
    fits = fit_growth_laws(t_ps, thickness) if spec.n_frames >= 2 and observed else {}
    tail = max(1, spec.n_frames // 10)
    best = best_growth_law(fits) if fits and thickness[-tail:].mean() > 0 else None
    n_if = n_interfaces if n_interfaces is not None else max(1, len(traj.interface_z_A or []))
    rate, fragment = consumption_rate(
        spec, characteristic, fragments_per_formula_unit=fragments_per_formula_unit, n_interfaces=n_if
    )
    consumed, consumed_fraction = consumed_extent(
        spec, fragment, fragments_per_formula_unit=fragments_per_formula_unit, n_interfaces=n_if
    )
    if not observed:
        rate = None  # a slope through a fluctuating count, not a consumption
    return ProductsAnalysis(
        speciation=spec,
        assignment=assignment,
        thickness_A=thickness,
        changed_bins=changed,
        growth_fits=fits,
        growth_law=best.law if best else None,
        growth_rate=best.rate_nm_per_ns if best else None,
        growth_rate_unit=best.unit if best else None,
        consumption_fu_per_nm2_per_ps=rate,
        characteristic_fragment=fragment,
        consumed_fu_per_nm2=consumed,
        consumed_fraction=consumed_fraction,
        growing_products=products,
        amorphous_products=amorphous,
        conducting_states=conducting,
        classification=classify_interphase(products, conducting, amorphous=amorphous),
    )
