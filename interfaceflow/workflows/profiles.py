"""Space-charge profile analysis as jobflow jobs (wired after an MD job by the interface Flow).

The maker only prepares; :func:`interfaceflow.analysis.profiles.run_profiles` does the work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jobflow import Maker, job
from pydantic import ValidationError

from interfaceflow.analysis.profiles import (
    ProfileComparison,
    ProfileResult,
    ProfileSettings,
    compare_profiles,
    run_profiles,
)
from interfaceflow.errors import AnalysisError
from interfaceflow.workflows.base import interfaceflow_job


@dataclass
class ProfileAnalysisMaker(Maker):
    """Profiles of Li concentration, charge density, field and potential across the interfaces.

    Args:
        name: job name.
        charges: charge model: ``formal`` (default), ``calculator``, a JSON map file, or a dict
            ``{element: charge}``.
        settings: fields of :class:`~interfaceflow.analysis.profiles.ProfileSettings`, e.g.
            ``{"bin_width_A": 0.5, "t_start_fs": 2000, "n_blocks": 5}``.
        stride: read every ``stride``-th frame (formal charges cost one speciation per frame).
        plot: write ``profiles.png`` (stacked concentration/charge/potential) in the job folder.
        label: free label stored on the result (e.g. the recipe name), used by comparisons.
    """

    name: str = "space-charge profiles"
    charges: str | dict[str, float] = "formal"
    settings: dict[str, Any] = field(default_factory=dict)
    stride: int = 1
    plot: bool = True
    label: str | None = None

    @classmethod
    def from_overrides(cls, overrides: dict[str, Any] | None = None) -> ProfileAnalysisMaker:
        """A maker from one flat dict (a recipe's ``analysis_settings.profiles``).

        Keys that are fields of the maker (``charges``, ``stride``, ``plot``, ``label``, ``name``)
        set them; every other key is a :class:`ProfileSettings` field (``bin_width_A``,
        ``t_start_fs``, ...). Unknown keys raise a one-line :class:`AnalysisError`.
        """
        overrides = dict(overrides or {})
        own = {k: overrides.pop(k) for k in list(overrides) if k in cls.__dataclass_fields__}
        settings = {**own.pop("settings", {}), **overrides}
        unknown = sorted(set(settings) - set(ProfileSettings.model_fields))
        if unknown:
            allowed = sorted(set(ProfileSettings.model_fields) | set(cls.__dataclass_fields__))
            raise AnalysisError(
                f"unknown profiles setting(s) {', '.join(unknown)}; use {', '.join(allowed)}"
            )
        try:
            ProfileSettings(**settings)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise AnalysisError(
                f"invalid profiles setting {'.'.join(map(str, err['loc']))}: {err['msg']}"
            ) from None
        return cls(settings=settings, **own)

    @interfaceflow_job
    def make(self, trajectory_path: str, interface_z_A: list[float] | None = None) -> ProfileResult:
        """Analyse ``trajectory_path`` (H5MD); ``interface_z_A`` overrides the file's planes."""
        settings = ProfileSettings(**self.settings)
        if interface_z_A and settings.interface_z_A is None:
            settings = settings.model_copy(update={"interface_z_A": list(interface_z_A)})
        result = run_profiles(
            trajectory_path, settings=settings, charges=self.charges, stride=self.stride,
            label=self.label,
        )
        if self.plot:
            from interfaceflow.analysis.plots_profiles import plot_profiles

            result.plot_path = str(plot_profiles(result, Path.cwd() / "profiles.png").resolve())
        return result


@job
def compare_profiles_job(
    doc_a: dict | ProfileResult, doc_b: dict | ProfileResult
) -> ProfileComparison:
    """Compare two profile results (e.g. uncoated vs LiNbO3-coated); see compare_profiles."""
    return compare_profiles(doc_a, doc_b)
