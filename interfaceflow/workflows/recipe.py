"""Recipes: one YAML file describes one interface study, validated with pydantic.

A recipe names the two sides (library phase names or structure files), the calculator, the build,
relaxation and MD settings, and the analyses to run. Every section forbids unknown keys, so a typo
is an error, not a silently ignored setting. :func:`load_recipe` turns any validation problem into a
one-line :class:`~interfaceflow.errors.RecipeError` that names the key path and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from interfaceflow.analysis.diffusion_fit import MIN_FRAMES
from interfaceflow.analysis.profile_results import default_compensating_region
from interfaceflow.analysis.thermo import ThermoSettings
from interfaceflow.errors import RecipeError
from interfaceflow.hpc.settings import QueueSettings
from interfaceflow.safe_yaml import YAMLProblem, safe_yaml
from interfaceflow.plugins.base import CalculatorSpec
from interfaceflow.structures.settings import BuildSettings
from interfaceflow.md.settings import MAX_TARGET_TEMPERATURE_K, MDSettings, RelaxSettings
from interfaceflow.settings import Device, DType, get_settings
from interfaceflow.workflows.products import ProductsAnalysisSettings
from interfaceflow.workflows.profiles import ProfileAnalysisSettings
from interfaceflow.workflows.transport import DiffusionAnalysisSettings

RECIPES_DIR = Path(__file__).parent / "recipes"
AnalysisName = Literal["products", "diffusion", "profiles"]
ANALYSIS_NAMES: tuple[str, ...] = ("products", "diffusion", "profiles")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ThermoSpec(ThermoSettings):
    """The thermodynamic reference of the products analysis (MLIP-relaxed bulk phases only)."""

    enabled: bool = Field(default=True, description="Run it when products are analysed vs an electrode.")

    def settings(self) -> ThermoSettings:
        """The relaxation settings, without the recipe's on/off switch."""
        return ThermoSettings(**self.model_dump(exclude={"enabled"}))


class AnalysesSettings(_Section):
    """The analyses of the study's MD with their settings; a section set to null is not run."""

    products: ProductsAnalysisSettings | None = Field(default_factory=ProductsAnalysisSettings)
    diffusion: DiffusionAnalysisSettings | None = Field(default_factory=DiffusionAnalysisSettings)
    profiles: ProfileAnalysisSettings | None = Field(default_factory=ProfileAnalysisSettings)

    def enabled(self) -> list[str]:
        """Names of the analyses that run."""
        return [name for name in ANALYSIS_NAMES if getattr(self, name) is not None]

    def __contains__(self, name: object) -> bool:
        return name in self.enabled()

    def __iter__(self):
        return iter(self.enabled())


def analyses_from_legacy(data: dict[str, Any]) -> dict[str, Any]:
    """Map the older recipe form ``analyses: [names]`` + ``analysis_settings: {name: {...}}``
    onto the ``analyses: {name: settings | null}`` section (recipes written before it still load)."""
    analyses = data.get("analyses")
    legacy = data.get("analysis_settings")
    if not isinstance(analyses, list) and legacy is None:
        return data
    data = {k: v for k, v in data.items() if k != "analysis_settings"}
    legacy = legacy or {}
    if not isinstance(legacy, dict):
        raise ValueError("analysis_settings must map analysis names to settings")
    unknown = sorted(set(legacy) - set(ANALYSIS_NAMES))
    if unknown:
        raise ValueError(f"analysis_settings names unknown analyses {unknown}; use {list(ANALYSIS_NAMES)}")
    if isinstance(analyses, list):
        wrong = sorted(set(analyses) - set(ANALYSIS_NAMES))
        if wrong:
            raise ValueError(f"unknown analyses {wrong}; use {list(ANALYSIS_NAMES)}")
        data["analyses"] = {name: dict(legacy.get(name) or {}) if name in analyses else None
                            for name in ANALYSIS_NAMES}
    else:
        section = dict(analyses or {})
        for name, settings in legacy.items():
            section[name] = {**(section.get(name) or {}), **(settings or {})}
        data["analyses"] = section
    return data


def max_atoms_into_build(data: dict[str, Any]) -> dict[str, Any]:
    """Move a top-level ``max_atoms`` (the usual spelling in recipes) into ``build``."""
    if "max_atoms" not in data:
        return data
    data = dict(data)
    budget = data.pop("max_atoms")
    build = dict(data.get("build") or {})
    if "max_atoms" in build and build["max_atoms"] != budget:
        raise ValueError(f"max_atoms is given twice ({budget} and build.max_atoms={build['max_atoms']}); keep one")
    data["build"] = {**build, "max_atoms": budget}
    return data


class Recipe(_Section):
    """One study: electrode | [coating |] electrolyte (or a bulk electrolyte when ``electrode`` is
    null), calculator, relax, MD, analyses, and optionally an Arrhenius temperature series."""

    name: str = Field(min_length=1)
    electrode: str | None = Field(
        min_length=1,
        description="Library phase name or structure file; null for a bulk-electrolyte study.",
    )
    electrolyte: str = Field(min_length=1, description="Library phase name or structure file.")
    coating: str | None = None
    calculator: CalculatorSpec = Field(default_factory=CalculatorSpec)
    build: BuildSettings = Field(
        default_factory=BuildSettings,
        description="Interface construction; the top-level max_atoms of older recipes lands here.",
    )
    relax: RelaxSettings = Field(default_factory=RelaxSettings)
    md: MDSettings = Field(default_factory=MDSettings)
    analyses: AnalysesSettings = Field(
        default_factory=AnalysesSettings,
        description="Analyses to run and their settings, e.g. {profiles: {bin_width_A: 0.5}, "
        "diffusion: null}; the older list form with analysis_settings still loads.",
    )
    temperatures_K: list[Annotated[float, Field(gt=0, le=MAX_TARGET_TEMPERATURE_K)]] | None = Field(
        default=None,
        min_length=2,
        description=(
            "Two or more temperatures: the study also fans out one MD per temperature, analyses "
            "Li diffusion in each, and fits the Arrhenius activation energy and sigma(300 K)."
        ),
    )
    thermo: ThermoSpec = Field(default_factory=ThermoSpec)
    hpc: QueueSettings = Field(
        default_factory=QueueSettings,
        description="Workers and walltimes when the study is submitted with 'interfaceflow submit'.",
    )

    @model_validator(mode="before")
    @classmethod
    def _legacy_forms(cls, data: Any) -> Any:
        return max_atoms_into_build(analyses_from_legacy(data)) if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _charge_compensation_follows_the_electrode(self) -> Recipe:
        """An electrode conducts electrons (Li metal, LiCoO2, NCM): its conduction electrons or
        redox centres screen the interfacial ions, which formal charges cannot describe, so the
        net formal charge of the cell goes into the electrode unless the recipe says otherwise."""
        profiles = self.analyses.profiles
        if profiles is not None and "compensating_region" not in profiles.model_fields_set:
            profiles.compensating_region = default_compensating_region(self.electrode is not None)
        return self

    @model_validator(mode="after")
    def _enough_frames_for_diffusion(self) -> Recipe:
        diffusion = self.analyses.diffusion
        if diffusion is None:
            return self
        frames = (self.md.steps // self.md.traj_interval + 1 + diffusion.stride - 1) // diffusion.stride
        if frames < MIN_FRAMES:
            raise ValueError(
                f"md.steps={self.md.steps} with md.traj_interval={self.md.traj_interval} (diffusion stride "
                f"{diffusion.stride}) gives {frames} frames; diffusion needs at least {MIN_FRAMES}: raise "
                "md.steps, lower md.traj_interval, or set analyses.diffusion: null")
        return self

    @property
    def max_atoms(self) -> int:
        """Atom budget of the cell (``build.max_atoms``)."""
        return self.build.max_atoms


def with_schedule_of(reference: Recipe, recipe: Recipe) -> Recipe:
    """``recipe`` running the MD schedule (the whole ``md`` section and any Arrhenius
    temperatures) of ``reference``, so that their studies compare like with like."""
    return recipe.model_copy(update={"md": reference.md.model_copy(),
                                     "temperatures_K": reference.temperatures_K})


def find_recipe(name_or_path: str | Path) -> Path:
    """A recipe file: an existing path, or the name of a shipped recipe (``li_li6ps5cl``)."""
    path = Path(name_or_path).expanduser()
    if path.is_file():
        return path
    shipped = RECIPES_DIR / f"{Path(str(name_or_path)).stem}.yaml"
    if shipped.is_file():
        return shipped
    names = ", ".join(sorted(p.stem for p in RECIPES_DIR.glob("*.yaml")))
    raise RecipeError(f"recipe '{name_or_path}' not found; give a YAML path or a shipped recipe: {names}")


def load_recipe(name_or_path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Recipe:
    """Read, override (``key.path=value``, values parsed as YAML) and validate a recipe; its
    ``name`` defaults to the file name without the suffix."""
    path = find_recipe(name_or_path)
    try:
        data = safe_yaml(path.read_text(), f"recipe {path}") or {}
    except YAMLProblem as exc:
        raise RecipeError(str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecipeError(f"cannot read recipe {path} ({type(exc).__name__}); give a readable UTF-8 YAML file") from None
    if not isinstance(data, dict):
        raise RecipeError(f"recipe {path} must be a YAML mapping of keys (name, electrode, ...)")
    data.setdefault("name", path.stem)
    _absolute_structure_paths(data, path.parent)
    for override in overrides:
        apply_override(data, override)
    _absolute_structure_paths(data, Path.cwd())
    return validate_recipe(data, source=str(path))


def _absolute_structure_paths(data: dict[str, Any], base: Path) -> None:
    """Structure files given relative to ``base`` (the recipe's folder, or the working directory for
    ``--set``) become absolute, so jobs running in their own folders find them."""
    for side in ("electrode", "electrolyte", "coating"):
        value = data.get(side)
        if isinstance(value, str) and not Path(value).is_absolute() and (base / value).expanduser().is_file():
            data[side] = str((base / value).expanduser().resolve())


def apply_override(data: dict[str, Any], override: str) -> None:
    """Set ``key.path=value`` in a nested recipe dict (the value is parsed as YAML)."""
    key_path, sep, raw = override.partition("=")
    if not sep or not key_path.strip():
        raise RecipeError(f"--set '{override}' is not of the form key.path=value (e.g. md.steps=200)")
    keys = key_path.strip().split(".")
    node = data
    for key in keys[:-1]:
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise RecipeError(f"--set {key_path}: '{key}' is not a section; use a section key path")
        node = child
    try:
        value = safe_yaml(raw, f"--set {key_path}") if raw.strip() else None
    except YAMLProblem as exc:
        raise RecipeError(str(exc).replace("fix the syntax", "quote the value or fix its syntax")) from None
    if keys == ["analyses"] and isinstance(value, list) and isinstance(node.get("analyses"), dict):
        # --set analyses=[a, b] selects analyses and keeps the recipe's settings for them
        value = {name: node["analyses"].get(name) or {} if name in value else None
                 for name in {*node["analyses"], *value}}
    node[keys[-1]] = value


def validate_recipe(data: dict[str, Any], source: str = "recipe") -> Recipe:
    """Validate a recipe mapping, raising a one-line :class:`RecipeError` on the first problem."""
    try:
        return Recipe.model_validate(data)
    except ValidationError as exc:
        raise RecipeError(f"{source}: {describe_validation_error(exc)}") from None


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming the key path, the problem and the allowed values of the first error."""
    error = exc.errors()[0]
    loc = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        parent = _section_model(error["loc"][:-1])
        allowed = ", ".join(parent.model_fields) if parent else "see the README"
        return f"unknown key '{loc}'; allowed keys here: {allowed}"
    if error["type"] == "missing":
        return f"missing required key '{loc}'"
    given = error.get("input")
    given_text = f" (got {given!r})" if not isinstance(given, dict) else ""
    if not loc:  # a whole-recipe check (e.g. the legacy analyses mapping)
        return error["msg"].removeprefix("Value error, ")
    return f"invalid value for '{loc}': {error['msg']}{given_text}"


def _section_model(loc: tuple) -> type[BaseModel] | None:
    model: type[BaseModel] = Recipe
    for part in loc:
        field = model.model_fields.get(str(part))
        candidates = (field.annotation, *get_args(field.annotation)) if field else ()
        models = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
        if not models:
            return None
        model = models[0]
    return model
