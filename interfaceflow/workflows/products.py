"""Interphase chemistry as jobflow jobs: products analysis of a trajectory, thermodynamic reference.

:class:`ThermoReferenceMaker` relaxes the bulk phases of the chemical system with the MLIP and
predicts the interface reaction and the electrolyte's stability window
(:mod:`interfaceflow.analysis.thermo`). :class:`ProductsAnalysisMaker` speciates the trajectory,
maps environments onto reference phases, measures the interphase growth
(:func:`interfaceflow.analysis.products.analyze_products`) and, given the thermodynamic document,
puts predicted and MD-observed products side by side. Both makers only prepare; the analysis
functions do the work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jobflow import Maker
from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from pymatgen.core import Structure

from interfaceflow.analysis.element_references import DIATOMIC_BOND_A, element_reference
from interfaceflow.analysis.phases import phase_library
from interfaceflow.analysis.products import ProductsAnalysis, ProductsSettings, analyze_products
from interfaceflow.analysis.thermo import (
    ThermoReference,
    ThermoSettings,
    relax_reference_phases,
    thermo_reference,
)
from interfaceflow.errors import AnalysisError, PluginError
from interfaceflow.plugins.base import CalculatorSpec
from interfaceflow.provenance import package_versions
from interfaceflow.validation import validated_settings
from interfaceflow.workflows.base import interfaceflow_job

class ProductsAnalysisSettings(ProductsSettings):
    """The products stage of a study: the analysis settings plus what the job reads and writes."""

    references: list[str] | None = Field(
        default=None,
        description="Library phase names used as reference environments; None: the phases "
        "relaxed by the study's thermodynamic reference job, else every library phase whose "
        "elements occur in the trajectory.",
    )
    stride: int = Field(default=1, ge=1, description="Read every stride-th frame.")
    plot: bool = Field(default=True, description="Write the product plots (PNG) in the job folder.")

    def analysis(self) -> ProductsSettings:
        """The settings of :func:`~interfaceflow.analysis.products.analyze_products` alone."""
        return ProductsSettings(**self.model_dump(include=set(ProductsSettings.model_fields)))


# ------------------------------------------------------------------------------ documents
class ProductComparisonRow(BaseModel):
    """One product phase: predicted by thermodynamics and/or observed growing in the MD."""

    phase: str
    predicted_fraction: float | None = Field(None, description="Molar fraction among predicted products.")
    observed_gain: float | None = Field(None, description="Gain of the phase fraction over the MD.")
    predicted: bool
    observed: bool


def compare_products(predicted: dict[str, float], observed: dict[str, float]) -> list[ProductComparisonRow]:
    """Rows of predicted (thermodynamics) and observed (MD) products, sorted by phase."""
    return [
        ProductComparisonRow(
            phase=p,
            predicted_fraction=predicted.get(p),
            observed_gain=observed.get(p),
            predicted=p in predicted,
            observed=p in observed,
        )
        for p in sorted(set(predicted) | set(observed))
    ]


class ThermoReferenceDocument(BaseModel):
    """Thermodynamic reference of an electrolyte|electrode pair from the MLIP's own energies."""

    doc_type: Literal["thermo_reference"] = "thermo_reference"
    chemsys: str
    electrolyte: str
    electrode: str
    predicted_products: dict[str, float] = Field(description="Product formula → molar fraction.")
    reaction: str = Field(description="Balanced reaction at the most reactive mixing ratio.")
    mixing_ratio: float
    reaction_energy_eV_per_atom: float
    open_li_reaction_energy_eV_per_atom: float | None = Field(
        None, description="Grand-potential reaction energy with a Li reservoir at μ_Li⁰ (per non-Li atom)."
    )
    window_lower_V: float | None = Field(None, description="Reduction limit, V vs Li/Li⁺.")
    window_upper_V: float | None = Field(None, description="Oxidation limit, V vs Li/Li⁺.")
    e_above_hull_eV_per_atom: float
    window_stabilised: bool = Field(description="True when the electrolyte was lowered onto the hull first.")
    reduction_products: list[str] = Field(default_factory=list)
    oxidation_products: list[str] = Field(default_factory=list)
    entries: list[dict[str, Any]] = Field(
        default_factory=list,
        description="name, formula, energy_per_atom_eV, e_above_hull_eV_per_atom, relax_converged, relax_steps.",
    )
    unconverged_phases: list[str] = Field(
        default_factory=list,
        description="Phases whose relaxation stopped at the step cap above the force criterion: their "
        "energies are upper bounds, and a window or product that involves them may be off.",
    )
    relaxed_structures: dict[str, Structure] = Field(
        default_factory=dict,
        description="Phase name → structure relaxed by the MLIP: the products analysis fingerprints these.",
    )
    calculator: dict[str, Any] = Field(default_factory=dict)
    package_versions: dict[str, str] = Field(default_factory=dict)

    def summary(self) -> ThermoSummary:
        """The predicted reaction and stability window, as the study document stores it."""
        return ThermoSummary.model_validate(self.model_dump(include=set(ThermoSummary.model_fields)))

    @classmethod
    def from_reference(cls, ref: ThermoReference, electrolyte: str, electrode: str) -> ThermoReferenceDocument:
        """Build the document from :func:`interfaceflow.analysis.thermo.thermo_reference`'s result."""
        return cls(
            chemsys=ref.chemsys,
            electrolyte=electrolyte,
            electrode=electrode,
            predicted_products=ref.predicted_products(),
            reaction=ref.reaction.reaction,
            mixing_ratio=ref.reaction.mixing_ratio,
            reaction_energy_eV_per_atom=ref.reaction.reaction_energy_eV_per_atom,
            open_li_reaction_energy_eV_per_atom=ref.reaction.open_li_energy_eV_per_atom,
            window_lower_V=ref.window.lower_V,
            window_upper_V=ref.window.upper_V,
            e_above_hull_eV_per_atom=ref.window.e_above_hull_eV_per_atom,
            window_stabilised=ref.window.stabilised,
            reduction_products=ref.window.reduction_products,
            oxidation_products=ref.window.oxidation_products,
            entries=ref.entries,
            unconverged_phases=[e["name"] for e in ref.entries if e.get("relax_converged") is False],
            calculator=ref.calculator,
            package_versions=package_versions(),
        )


class ThermoSummary(BaseModel):
    """Thermodynamic prediction: products, reaction energy (eV/atom), stability window (V vs Li/Li⁺)."""

    model_config = ConfigDict(extra="ignore")

    chemsys: str
    predicted_products: dict[str, float] = Field(description="Product formula → molar fraction.")
    reaction: str
    mixing_ratio: float | None = None
    reaction_energy_eV_per_atom: float
    open_li_reaction_energy_eV_per_atom: float | None = None
    window_lower_V: float | None = None
    window_upper_V: float | None = None
    e_above_hull_eV_per_atom: float | None = None
    reduction_products: list[str] = Field(default_factory=list)
    oxidation_products: list[str] = Field(default_factory=list)
    unconverged_phases: list[str] = Field(
        default_factory=list, description="Reference phases whose relaxation stopped above the force criterion."
    )


class ProductsAnalysisDocument(BaseModel):
    """Interphase chemistry of one trajectory: summaries at top level, per-frame series in ``arrays``."""

    doc_type: Literal["products_analysis"] = "products_analysis"
    trajectory_path: str
    reference_source: str = Field(default="library", description="Where the reference environments came from.")
    n_frames: int
    n_atoms: int
    interface_z_A: float
    final_fragment_counts: dict[str, int]
    growing_products: dict[str, float] = Field(description="Phase → fraction gain over the MD.")
    amorphous_products: dict[str, float] = Field(
        default_factory=dict, description="Li binary → gain of isolated anions not in a crystal environment."
    )
    phase_confidence: dict[str, float | None] = Field(default_factory=dict)
    final_thickness_A: float | None = Field(
        description="Interphase thickness at the last frame, Å; None when no reaction is observed."
    )
    changed_layer_A: float | None = Field(
        None, description="Thickness of the layer whose speciation changed by the last frame, Å "
        "(the interphase when a product forms, the relaxed contact when none does)."
    )
    growth_law: str | None = None
    growth_rate: float | None = None
    growth_rate_unit: str | None = None
    characteristic_fragment: str | None = None
    consumption_fu_per_nm2_per_ps: float | None = None
    consumed_fu_per_nm2: float | None = Field(None, description="Electrolyte formula units consumed per nm² by the end.")
    consumed_fraction: float | None = Field(None, description="Fraction of the characteristic fragments consumed.")
    classification: Literal["passivating", "MIEC", "none"]
    classification_reason: str
    predicted_vs_observed: list[ProductComparisonRow] = Field(default_factory=list)
    cutoffs_A: dict[str, float] = Field(default_factory=dict)
    plot_paths: list[str] = Field(default_factory=list)
    package_versions: dict[str, str] = Field(default_factory=dict)
    arrays: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "times_fs, fragment_counts, li_per_fragment, state_counts, phase_fractions, "
            "interphase_thickness_A, z_centers_A, fragment_depth_last_frame (routed to the data store)"
        ),
    )

    def summary(self) -> ProductsSummary:
        """What forms, how thick and how fast, as the study document stores it."""
        return ProductsSummary.model_validate(self.model_dump(exclude={"arrays"}))

    @classmethod
    def from_analysis(
        cls, result: ProductsAnalysis, trajectory_path: str, predicted: dict[str, float] | None = None
    ) -> ProductsAnalysisDocument:
        """Build the document from :func:`analyze_products`' result (and predicted products)."""
        out = result.to_json_dict()
        array_keys = (
            "times_fs", "fragment_counts", "li_per_fragment", "state_counts", "phase_fractions",
            "interphase_thickness_A", "z_centers_A", "fragment_depth_last_frame", "growth_fits",
        )
        sp = result.speciation
        return cls(
            trajectory_path=str(trajectory_path),
            n_frames=sp.n_frames,
            n_atoms=len(sp.numbers),
            interface_z_A=sp.interface_z_A,
            final_fragment_counts={k: v[-1] for k, v in out["fragment_counts"].items() if v[-1]},
            growing_products=out["growing_products"],
            amorphous_products=out["amorphous_products"],
            phase_confidence=out["phase_confidence"],
            final_thickness_A=result.interphase_thickness_A,
            changed_layer_A=float(result.thickness_A[-1]),
            growth_law=out["growth_law"],
            growth_rate=out["growth_rate"],
            growth_rate_unit=out["growth_rate_unit"],
            characteristic_fragment=out["characteristic_fragment"],
            consumption_fu_per_nm2_per_ps=out["consumption_fu_per_nm2_per_ps"],
            consumed_fu_per_nm2=out["consumed_fu_per_nm2"],
            consumed_fraction=out["consumed_fraction"],
            classification=out["classification"]["kind"],
            classification_reason=out["classification"]["reason"],
            predicted_vs_observed=compare_products(predicted, result.growing_products) if predicted is not None else [],
            cutoffs_A=out["cutoffs_A"],
            package_versions=package_versions(),
            arrays={k: out[k] for k in array_keys},
        )


class ProductsSummary(BaseModel):
    """Interphase headline: observed products, thickness (Å), growth law and rate, classification."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    observed_products: dict[str, float] = Field(
        validation_alias=AliasChoices("observed_products", "growing_products"),
        description="Phase → fraction gain over the MD (the document's growing_products).",
    )
    amorphous_products: dict[str, float] = Field(default_factory=dict)
    final_fragment_counts: dict[str, int] = Field(default_factory=dict)
    interphase_thickness_A: float | None = Field(
        validation_alias=AliasChoices("interphase_thickness_A", "final_thickness_A"),
        description="Interphase thickness at the last frame, Å; None when no reaction is observed.",
    )
    changed_layer_A: float | None = Field(
        None, description="Layer whose speciation changed by the last frame, Å (with or without a product)."
    )
    growth_law: str | None = None
    growth_rate: float | None = None
    growth_rate_unit: str | None = None
    consumption_fu_per_nm2_per_ps: float | None = None
    characteristic_fragment: str | None = None
    consumed_fu_per_nm2: float | None = Field(None, description="Reaction extent: electrolyte formula units per nm².")
    consumed_fraction: float | None = Field(None, description="Reaction extent: fraction of the fragments consumed.")
    classification: Literal["passivating", "MIEC", "none"]
    classification_reason: str = ""
    predicted_vs_observed: list[ProductComparisonRow] = Field(default_factory=list)
    reference_source: str | None = None


# ------------------------------------------------------------------------------ makers
@dataclass
class ThermoReferenceMaker(Maker):
    """Relax the phases of the chemical system with the MLIP; predict reaction and window.

    Args:
        name: job name.
        phases: library phase names to relax; None takes every library phase inside the chemical
            system of electrolyte + electrode. Elements without a pure-element phase get one
            (:mod:`interfaceflow.analysis.element_references`) either way.
        extra_structures: name → structure (or its ``as_dict()``) added to the phases.
        calculator: :class:`~interfaceflow.plugins.CalculatorSpec` (or a dict of its fields).
        settings: :class:`~interfaceflow.analysis.thermo.ThermoSettings` (FIRE steps and force
            criterion per phase), or a dict of its fields.
        cache_dir: relaxation cache (default: the ``thermo_cache_dir`` setting, shared by all runs).
        source: where the competing phases come from: ``"library"`` (bundled), ``"mp"`` (Materials
            Project through mp-api, needs ``MP_API_KEY``), ``"auto"`` (mp when a key and mp-api
            are present, else the library).
    """

    name: str = "thermodynamic reference"
    phases: list[str] | None = None
    extra_structures: dict[str, Structure] = field(default_factory=dict)
    calculator: CalculatorSpec = field(default_factory=CalculatorSpec)
    settings: ThermoSettings = field(default_factory=ThermoSettings)
    cache_dir: str | None = None
    source: Literal["auto", "library", "mp"] = "auto"

    def __post_init__(self) -> None:
        self.calculator = validated_settings(self.calculator, CalculatorSpec, "calculator", PluginError)
        self.settings = validated_settings(self.settings, ThermoSettings, "thermo")
        self.extra_structures = {name: s if isinstance(s, Structure) else Structure.from_dict(s)
                                 for name, s in self.extra_structures.items()}

    @interfaceflow_job
    def make(self, electrolyte: str, electrode: str = "Li") -> ThermoReferenceDocument:
        """Predict the products of ``electrolyte`` against ``electrode`` (formulas or library names)."""
        return run_thermo(electrolyte, electrode, self.calculator, self.settings, phases=self.phases,
                          extra_structures=self.extra_structures, cache_dir=self.cache_dir,
                          source=self.source)


def run_thermo(
    electrolyte: str,
    electrode: str,
    calculator: CalculatorSpec,
    settings: ThermoSettings,
    phases: list[str] | None = None,
    extra_structures: dict[str, Structure] | None = None,
    cache_dir: str | None = None,
    source: Literal["auto", "library", "mp"] = "auto",
) -> ThermoReferenceDocument:
    """Relax the phases of the chemical system with the MLIP and predict reaction and window.

    Pure function (no jobflow); arguments as the fields of :class:`ThermoReferenceMaker`.
    """
    from pymatgen.core import Composition

    from interfaceflow.analysis.element_references import missing_element_references
    from interfaceflow.analysis.mp_phases import use_materials_project
    from interfaceflow.plugins.registry import get_calculator

    get_phase, _ = phase_library()
    electrolyte_formula = _formula(electrolyte, get_phase)
    electrode_formula = _formula(electrode, get_phase)
    elements = {el.symbol for f in (electrolyte_formula, electrode_formula) for el in Composition(f).elements}
    if phases is None:
        structures = _library_phases_in(elements)
        if use_materials_project(source):
            from interfaceflow.analysis.mp_phases import mp_competing_phases

            structures.update(mp_competing_phases(elements))
    else:
        structures = {name: get_phase(name).structure for name in phases}
    structures.update(extra_structures or {})
    structures.update(missing_molecular_references(structures, electrolyte_formula, electrode_formula))
    structures.update(missing_element_references(structures, elements))
    handle = get_calculator(**calculator.model_dump())
    entries = relax_reference_phases(structures, handle, settings=settings, cache_dir=cache_dir)
    ref = thermo_reference(entries, electrolyte_formula, electrode_formula)
    doc = ThermoReferenceDocument.from_reference(ref, electrolyte_formula, electrode_formula)
    doc.relaxed_structures = {entry.data.get("name", entry.entry_id): entry.structure for entry in entries}
    return doc


def missing_molecular_references(structures: dict, *formulas: str) -> dict:
    """Isolated-molecule references (X2 in a 12 Å box) for diatomic elements without a phase.

    A phase diagram needs every element's reference energy. The library has no solid Cl2, O2, ...;
    the molecule relaxed with the same MLIP stands in for them (no fitted gas corrections, as in
    every MLIP-only phase diagram), which mostly affects the oxidative limit of the window.
    Every other element without a phase gets a crystal from
    :func:`interfaceflow.analysis.element_references.missing_element_references`.
    """
    from pymatgen.core import Composition

    elements = {el.symbol for f in formulas for el in Composition(f).elements}
    present = {s.composition.elements[0].symbol for s in structures.values()
               if len(s.composition.elements) == 1}
    return {f"{el}2": element_reference(el) for el in sorted(elements - present) if el in DIATOMIC_BOND_A}


def mlip_relaxed_references(thermo: ThermoReferenceDocument | dict) -> dict | None:
    """Formula → MLIP-relaxed structure of every solid phase of a thermodynamic reference."""
    from pymatgen.core import Structure

    from interfaceflow.analysis.thermo import is_isolated_molecule

    relaxed = thermo.get("relaxed_structures") if isinstance(thermo, dict) else thermo.relaxed_structures
    structures = [s if isinstance(s, Structure) else Structure.from_dict(s) for s in (relaxed or {}).values()]
    solids = {s.composition.reduced_formula: s for s in structures if not is_isolated_molecule(s)}
    return solids or None


def _formula(name: str, get_phase) -> str:
    from pymatgen.core import Composition

    try:
        return get_phase(name).structure.composition.reduced_formula
    except Exception:
        try:
            return Composition(name).reduced_formula
        except Exception:
            raise AnalysisError(f"{name!r} is neither a library phase nor a formula; give e.g. Li6PS5Cl") from None


def _library_phases_in(elements: set[str]) -> dict:
    """Library phases whose elements all lie in ``elements``, plus the thermo-only ones (Li2O2)."""
    from interfaceflow.analysis.element_references import thermo_only_phases

    _, list_phases = phase_library()
    phases = {  # primitive cells: same energy per atom, a fraction of the MLIP cost
        b.name: b.structure.get_primitive_structure()
        for b in list_phases()
        if {el.symbol for el in b.structure.composition.elements} <= set(elements)
    }
    phases.update(thermo_only_phases(elements))
    return phases


def run_products(
    trajectory_path: str,
    settings: ProductsAnalysisSettings,
    interface_z_A: list[float] | float | None = None,
    thermo: ThermoReferenceDocument | dict | None = None,
    plot_dir: Path | None = None,
) -> ProductsAnalysisDocument:
    """Analyse ``trajectory_path`` (pure function); ``thermo`` adds predicted-versus-observed."""
    from interfaceflow.io.trajectory import read_trajectory

    traj = read_trajectory(trajectory_path, stride=settings.stride)
    if isinstance(interface_z_A, list | tuple):
        z0 = float(interface_z_A[0]) if interface_z_A else None
    else:
        z0 = interface_z_A
    references = None
    if settings.references is not None:
        get_phase, _ = phase_library()
        references = {}
        for name in settings.references:
            structure = get_phase(name).structure
            references[structure.composition.reduced_formula] = structure
    reference_source = "library" if references is None else "library (chosen)"
    if references is None and thermo is not None:
        references = mlip_relaxed_references(thermo)
        reference_source = "relaxed by the same calculator (thermodynamic reference job)"
    result = analyze_products(traj, references=references, interface_z_A=z0,
                              settings=settings.analysis())
    predicted = None
    if thermo is not None:
        predicted = dict(thermo["predicted_products"] if isinstance(thermo, dict) else thermo.predicted_products)
    doc = ProductsAnalysisDocument.from_analysis(result, trajectory_path, predicted)
    doc.reference_source = reference_source
    if settings.plot and plot_dir is not None:
        from interfaceflow.analysis.plots_products import plot_products_report

        paths = plot_products_report(result, plot_dir, predicted=predicted)
        doc.plot_paths = [str(p.resolve()) for p in paths]
    return doc


@dataclass
class ProductsAnalysisMaker(Maker):
    """Speciation, product phases, interphase growth and classification of a trajectory.

    Args:
        name: job name.
        settings: :class:`ProductsAnalysisSettings` (or a dict of its fields), e.g.
            ``{"references": ["Li2S"], "bin_width_A": 2.0, "cutoffs": {"P-S": 2.4}, "plot": False}``.
    """

    name: str = "interphase products"
    settings: ProductsAnalysisSettings = field(default_factory=ProductsAnalysisSettings)

    def __post_init__(self) -> None:
        self.settings = validated_settings(self.settings, ProductsAnalysisSettings, "products")

    @interfaceflow_job
    def make(
        self,
        trajectory_path: str,
        interface_z_A: list[float] | float | None = None,
        thermo: ThermoReferenceDocument | dict | None = None,
    ) -> ProductsAnalysisDocument:
        """Analyse ``trajectory_path``; ``thermo`` adds the predicted-versus-observed table."""
        return run_products(trajectory_path, self.settings, interface_z_A, thermo, Path.cwd())
