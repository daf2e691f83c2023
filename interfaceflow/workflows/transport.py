"""Li transport as jobflow jobs: diffusion analysis of one trajectory, and the Arrhenius flow.

:class:`ArrheniusMaker` fans out one MD job per temperature of its recipe, analyses every
trajectory with :class:`DiffusionAnalysisMaker` (whole cell, plus each region when asked), and fits
``Ea``, ``D0``, ``D(300 K)`` and ``sigma(300 K)`` with uncertainties for every (region, direction)
in :func:`fit_arrhenius_job`. The temperatures are known when the flow is built, so the fan-out is a
static Flow (no run-time ``Response`` needed).

The MD maker is a nested field (jobflow ``Maker.update_kwargs`` reaches it). Any maker whose
``make(structure, ...)`` returns an output with ``trajectory_path`` works; the temperature is set
on a copy of it per temperature (a ``temperature_K`` field, or the ``temperature_K`` key of an
``md``/``settings``/``md_settings`` field). The default is
:class:`interfaceflow.workflows.md.InterfaceMDMaker` with :data:`TRANSPORT_MD_SETTINGS` (NVT
Langevin, 2 fs steps, 25,000 steps = 50 ps, a frame every 10 steps); for an interface, the region
labels of the structure (site property ``region``) go into the H5MD file, and
``DiffusionAnalysisMaker(settings={"use_region_labels": True})`` or ``z_regions`` give one fit per
region.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jobflow import Flow, Maker, job
from pydantic import BaseModel, ConfigDict, Field

from interfaceflow.analysis.arrhenius import ArrheniusResult
from interfaceflow.analysis.diffusion import DiffusionResult, DiffusionSettings, analyze_diffusion
from interfaceflow.analysis.diffusion_results import DiffusionSummaryRow
from interfaceflow.errors import AnalysisError, RecipeError
from interfaceflow.io.trajectory import read_trajectory
from interfaceflow.validation import validated_settings
from interfaceflow.workflows.base import interfaceflow_job
from interfaceflow.workflows.md import InterfaceMDMaker

class DiffusionAnalysisSettings(DiffusionSettings):
    """The diffusion stage of a study: the analysis settings plus what the job reads and writes."""

    stride: int = Field(default=1, ge=1, description="Read every stride-th frame.")
    plot: bool = Field(default=True, description="Write msd_<region>_<direction>.png.")

    def analysis(self) -> DiffusionSettings:
        """The settings of :func:`~interfaceflow.analysis.diffusion.analyze_diffusion` alone."""
        return DiffusionSettings(**self.model_dump(include=set(DiffusionSettings.model_fields)))


TRANSPORT_MD_SETTINGS: dict[str, Any] = {
    "ensemble": "nvt_langevin",
    "timestep_fs": 2.0,
    "steps": 25000,
    "traj_interval": 10,
}


# ------------------------------------------------------------------------------ documents
class DiffusionAnalysisDocument(BaseModel):
    """All diffusion results of one trajectory (one per region and direction)."""

    doc_type: Literal["diffusion_analysis"] = "diffusion_analysis"
    trajectory_path: str
    temperature_K: float | None = None
    frame_interval_fs: float | None = None
    stride: int = 1
    results: list[DiffusionResult]
    plot_paths: list[str] = Field(default_factory=list)

    def result(self, region: str | None = None, direction: str = "xyz") -> DiffusionResult:
        """The result for one region (None: whole cell) and direction."""
        for res in self.results:
            if res.region == region and res.direction == direction:
                return res
        raise AnalysisError(f"no diffusion result for region={region!r}, direction={direction!r}")

    def summary(self) -> DiffusionSummary:
        """One row per region and direction (D and sigma only where diffusive)."""
        return DiffusionSummary(temperature_K=self.temperature_K, frame_interval_fs=self.frame_interval_fs,
                                regions=[res.summary() for res in self.results])


class DiffusionSummary(BaseModel):
    """Li diffusion headline of one trajectory at ``temperature_K`` (K): one row per region."""

    model_config = ConfigDict(extra="ignore")

    temperature_K: float | None = None
    frame_interval_fs: float | None = None
    regions: list[DiffusionSummaryRow] = Field(default_factory=list)

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> DiffusionSummary:
        """From a diffusion document's fields (or a schema-1 study's ``diffusion`` dict)."""
        rows = fields.get("regions")
        if rows is None:
            rows = [DiffusionSummaryRow.from_fields(r) for r in fields.get("results") or []]
        return cls(temperature_K=fields.get("temperature_K"), frame_interval_fs=fields.get("frame_interval_fs"),
                   regions=rows)

    def region(self, name: str | None = None, direction: str = "xyz") -> DiffusionSummaryRow:
        """The row of one region (None: whole cell) and direction."""
        for row in self.regions:
            if row.region == name and row.direction == direction:
                return row
        raise AnalysisError(f"no diffusion result for region={name!r}, direction={direction!r}")


class ArrheniusDocument(BaseModel):
    """Arrhenius fits of one flow: one per (species, region, direction) seen at every T."""

    doc_type: Literal["arrhenius_analysis"] = "arrhenius_analysis"
    temperatures_K: list[float]
    fits: list[ArrheniusResult]
    notes: list[str] = Field(default_factory=list, description="Why a (species, region, direction) has no fit.")
    plot_paths: list[str] = Field(default_factory=list)
    label: str | None = None

    def fit(self, region: str | None = None, direction: str = "xyz") -> ArrheniusResult:
        """The fit for one region (None: whole cell) and direction."""
        for res in self.fits:
            if res.region == region and res.direction == direction:
                return res
        raise AnalysisError(f"no Arrhenius fit for region={region!r}, direction={direction!r}")

    def summary(self) -> ArrheniusSummary:
        """Ea (eV), D and sigma at the target temperature per region, without the per-T lists."""
        return ArrheniusSummary.model_validate(self.model_dump())


class ArrheniusFitSummary(BaseModel):
    """One Arrhenius fit: Ea (eV), D (cm²/s) and sigma (S/cm) at ``target_temperature_K`` (K)."""

    model_config = ConfigDict(extra="ignore")

    species: str
    region: str | None = None
    direction: str = "xyz"
    Ea_eV: float
    Ea_err_eV: float
    target_temperature_K: float
    D_300K_cm2_per_s: float
    D_300K_err_cm2_per_s: float
    conductivity_300K_S_per_cm: float | None = None
    conductivity_300K_err_S_per_cm: float | None = None
    warnings: list[str] = Field(default_factory=list)


class ArrheniusSummary(BaseModel):
    """Arrhenius headline of a flow: the temperatures (K) and one fit per region and direction."""

    model_config = ConfigDict(extra="ignore")

    temperatures_K: list[float]
    fits: list[ArrheniusFitSummary]
    notes: list[str] = Field(default_factory=list, description="Why a region has no fit (not diffusive).")


# ------------------------------------------------------------------------------ pure functions
def run_diffusion(
    trajectory_path: str | Path,
    settings: DiffusionSettings | dict[str, Any] | None = None,
    *,
    stride: int = 1,
    start: int = 0,
    stop: int | None = None,
    frame_interval_fs: float | None = None,
    temperature_K: float | None = None,
    type_map: dict[int, str] | None = None,
    fmt: str | None = None,
) -> DiffusionAnalysisDocument:
    """Read a trajectory and analyse diffusion (no jobflow needed).

    Args:
        trajectory_path: any format :func:`~interfaceflow.io.trajectory.read_trajectory` reads.
        settings: :class:`DiffusionSettings` or its fields.
        stride, start, stop: frame selection; type_map, fmt: see ``read_trajectory``.
        frame_interval_fs: time between the selected frames; from the file's times when None.
        temperature_K: for sigma; from the file's parameters when None.
    """
    if not isinstance(settings, DiffusionSettings):
        settings = DiffusionSettings(**(settings or {}))
    traj = read_trajectory(
        trajectory_path,
        start=start,
        stop=stop,
        stride=stride,
        type_map=type_map,
        fmt=fmt,
        include_per_atom=False,
    )
    results = analyze_diffusion(
        traj, settings, frame_interval_fs=frame_interval_fs, temperature_K=temperature_K
    )
    return DiffusionAnalysisDocument(
        trajectory_path=str(trajectory_path),
        temperature_K=temperature_K if temperature_K is not None else traj.temperature_K,
        frame_interval_fs=results[0].frame_interval_fs if results else frame_interval_fs,
        stride=stride,
        results=results,
    )


def fit_arrhenius_results(
    documents: list[DiffusionAnalysisDocument | dict],
    *,
    target_temperature_K: float = 300.0,
    haven_ratio: float | None = None,
) -> ArrheniusDocument:
    """One Arrhenius fit per (species, region, direction) present in every document."""
    docs = [
        d
        if isinstance(d, DiffusionAnalysisDocument)
        else DiffusionAnalysisDocument.model_validate(d)
        for d in documents
    ]
    by_key: dict[tuple, list[DiffusionResult]] = {}
    for doc in docs:
        for res in doc.results:
            by_key.setdefault((res.species, res.region, res.direction), []).append(res)
    fits, notes = [], []
    for results in by_key.values():
        if len(results) != len(docs):
            continue  # a region missing at some temperature (e.g. empty slab) cannot be fitted
        try:
            fits.append(ArrheniusResult.from_diffusion_results(
                results, target_temperature_K=target_temperature_K, haven_ratio=haven_ratio))
        except AnalysisError as exc:  # not diffusive at enough temperatures: no Ea, say why
            notes.append(str(exc))
    if not fits and not notes:
        raise AnalysisError(
            "no species/region/direction was analysed at every temperature; check regions"
        )
    temperatures = sorted({float(d.temperature_K) for d in docs if d.temperature_K is not None})
    return ArrheniusDocument(temperatures_K=temperatures, fits=fits, notes=notes)


# ------------------------------------------------------------------------------ makers
@dataclass
class DiffusionAnalysisMaker(Maker):
    """Diffusion analysis of one trajectory (H5MD from an MD job, or any readable file).

    Args:
        name: job name.
        settings: :class:`DiffusionAnalysisSettings` (or a dict of its fields), e.g.
            ``{"species": "Li", "directions": ["xyz", "xy", "z"], "stride": 2, "plot": False}``.
    """

    name: str = "diffusion"
    settings: DiffusionAnalysisSettings = field(default_factory=DiffusionAnalysisSettings)

    def __post_init__(self) -> None:
        self.settings = validated_settings(self.settings, DiffusionAnalysisSettings, "diffusion")

    @interfaceflow_job
    def make(
        self, trajectory_path: str, temperature_K: float | None = None
    ) -> DiffusionAnalysisDocument:
        """Analyse ``trajectory_path``; ``temperature_K`` overrides the file's (for sigma)."""
        doc = run_diffusion(trajectory_path, self.settings.analysis(), stride=self.settings.stride,
                            temperature_K=temperature_K)
        if self.settings.plot:
            from interfaceflow.analysis.plots_transport import plot_msd

            for res in doc.results:
                png = Path.cwd() / f"msd_{res.region or 'all'}_{res.direction}.png"
                doc.plot_paths.append(str(plot_msd(res, png).resolve()))
        return doc


@job
def fit_arrhenius_job(
    documents: list,
    target_temperature_K: float = 300.0,
    haven_ratio: float | None = None,
    plot: bool = True,
    label: str | None = None,
) -> ArrheniusDocument:
    """Fit every (species, region, direction) over the temperatures; plot ``arrhenius_*.png``."""
    doc = fit_arrhenius_results(
        documents, target_temperature_K=target_temperature_K, haven_ratio=haven_ratio
    )
    doc.label = label
    if plot:
        from interfaceflow.analysis.plots_transport import plot_arrhenius

        for fit in doc.fits:
            png = Path.cwd() / f"arrhenius_{fit.region or 'all'}_{fit.direction}.png"
            doc.plot_paths.append(str(plot_arrhenius(fit, png).resolve()))
    return doc


def _maker_at_temperature(maker: Maker, temperature_K: float) -> Maker:
    """A copy of ``maker`` that runs at ``temperature_K`` (see the module docstring)."""
    names = (
        {f.name for f in dataclasses.fields(maker)} if dataclasses.is_dataclass(maker) else set()
    )
    changes: dict[str, Any] = {}
    if "temperature_K" in names:
        changes["temperature_K"] = temperature_K
    else:
        for key in ("md", "settings", "md_settings"):
            value = getattr(maker, key, None)
            if isinstance(value, dict):
                changes[key] = {**value, "temperature_K": temperature_K}
                break
            if isinstance(value, BaseModel) and "temperature_K" in type(value).model_fields:
                changes[key] = value.model_copy(update={"temperature_K": temperature_K})
                break
    if not changes:
        raise RecipeError(
            f"cannot set the temperature of MD maker {type(maker).__name__}; give it a "
            "temperature_K field or an md/settings dict with temperature_K"
        )
    if "name" in names:
        changes["name"] = f"{maker.name} {temperature_K:g}K"
    return dataclasses.replace(maker, **changes)


@dataclass
class ArrheniusMaker(Maker):
    """Arrhenius flow: MD at each temperature, diffusion analysis of each, one Arrhenius fit.

    Args:
        name: flow name.
        temperatures_K: MD temperatures (at least two).
        md_maker: nested MD maker (default ``InterfaceMDMaker(settings=TRANSPORT_MD_SETTINGS)``);
            its output must have ``trajectory_path``.
        analysis_maker: nested :class:`DiffusionAnalysisMaker` (regions, directions, Haven ratio).
        target_temperature_K: extrapolation temperature (default 300 K).
        haven_ratio: overrides the analysis settings' Haven ratio in sigma(T) when set.
        plot: write the Arrhenius plots.
    """

    name: str = "arrhenius"
    temperatures_K: list[float] = field(default_factory=lambda: [600.0, 800.0, 1000.0])
    md_maker: Maker = field(
        default_factory=lambda: InterfaceMDMaker(
            name="transport md", settings=dict(TRANSPORT_MD_SETTINGS)
        )
    )
    analysis_maker: DiffusionAnalysisMaker = field(default_factory=DiffusionAnalysisMaker)
    target_temperature_K: float = 300.0
    haven_ratio: float | None = None
    plot: bool = True

    @classmethod
    def from_recipe(cls, recipe: Any, temperatures_K: list[float], **kwargs: Any) -> ArrheniusMaker:
        """An Arrhenius maker reusing a study recipe's calculator, MD and diffusion settings.

        ``recipe`` needs ``calculator`` and ``md`` (models or dicts of their fields) and optionally
        ``analyses.diffusion`` (:class:`DiffusionAnalysisSettings`; the shape of
        :class:`interfaceflow.workflows.recipe.Recipe`); ``kwargs`` set other fields of the maker.
        """

        analysis = getattr(getattr(recipe, "analyses", None), "diffusion", None)
        name = getattr(recipe, "name", "arrhenius")
        md_maker = InterfaceMDMaker(name=f"{name} md", calculator=recipe.calculator, settings=recipe.md)
        return cls(
            name=f"{name} arrhenius",
            temperatures_K=list(temperatures_K),
            md_maker=md_maker,
            analysis_maker=DiffusionAnalysisMaker(settings=analysis or DiffusionAnalysisSettings()),
            **kwargs,
        )

    def make(
        self,
        structure,
        interface_z_A: list[float] | None = None,
        regions: list[str] | None = None,
    ) -> Flow:
        """Build the flow for ``structure`` (bulk cell or interface).

        ``interface_z_A`` and ``regions`` (per-atom labels) are passed on to the MD maker when
        given; the default MD maker also takes region labels from a ``region`` site property.
        """
        temps = [float(t) for t in self.temperatures_K]
        if len(set(temps)) < 2:
            raise RecipeError(
                f"an Arrhenius flow needs two or more distinct temperatures (got {temps})"
            )
        jobs, analyses = [], []
        for temp in temps:
            extra = {"interface_z_A": interface_z_A, "regions": regions}
            extra = {k: v for k, v in extra.items() if v is not None}
            md_job = _maker_at_temperature(self.md_maker, temp).make(structure, **extra)
            analysis = dataclasses.replace(
                self.analysis_maker, name=f"{self.analysis_maker.name} {temp:g}K"
            )
            analysis_job = analysis.make(md_job.output.trajectory_path, temperature_K=temp)
            jobs += [md_job, analysis_job]
            analyses.append(analysis_job.output)
        fit = fit_arrhenius_job(
            analyses,
            target_temperature_K=self.target_temperature_K,
            haven_ratio=self.haven_ratio,
            plot=self.plot,
            label=self.name,
        )
        fit.name = f"{self.name} fit"
        return Flow([*jobs, fit], output=fit.output, name=self.name)
