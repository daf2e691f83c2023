"""Space-charge profile analysis as jobflow jobs (wired after an MD job by the interface Flow).

The maker only prepares; :func:`interfaceflow.analysis.profiles.run_profiles` does the work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jobflow import Maker, job
from pydantic import Field

from interfaceflow.analysis.profiles import (
    ProfileComparison,
    ProfileResult,
    ProfileSettings,
    compare_profiles,
    run_profiles,
)
from interfaceflow.validation import validated_settings
from interfaceflow.workflows.base import interfaceflow_job


class ProfileAnalysisSettings(ProfileSettings):
    """The profiles stage of a study: the analysis settings plus charges, frames and plots."""

    charges: str | dict[str, float] = Field(
        default="formal",
        description="Charge model: 'formal', 'calculator', a JSON map file, or {element: charge}.",
    )
    stride: int = Field(default=1, ge=1, description="Read every stride-th frame.")
    plot: bool = Field(default=True, description="Write profiles.png in the job folder.")

    def analysis(self) -> ProfileSettings:
        """The settings of :func:`~interfaceflow.analysis.profiles.run_profiles` alone."""
        return ProfileSettings(**self.model_dump(include=set(ProfileSettings.model_fields)))


@dataclass
class ProfileAnalysisMaker(Maker):
    """Profiles of Li concentration, charge density, field and potential across the interfaces.

    Args:
        name: job name.
        settings: :class:`ProfileAnalysisSettings` (or a dict of its fields), e.g.
            ``{"bin_width_A": 0.5, "t_start_fs": 2000, "n_blocks": 5, "charges": "formal"}``.
        label: free label stored on the result (e.g. the recipe name), used by comparisons.
    """

    name: str = "space-charge profiles"
    settings: ProfileAnalysisSettings = field(default_factory=ProfileAnalysisSettings)
    label: str | None = None

    def __post_init__(self) -> None:
        self.settings = validated_settings(self.settings, ProfileAnalysisSettings, "profiles")

    @interfaceflow_job
    def make(self, trajectory_path: str, interface_z_A: list[float] | None = None) -> ProfileResult:
        """Analyse ``trajectory_path`` (H5MD); ``interface_z_A`` overrides the file's planes."""
        settings = self.settings.analysis()
        if interface_z_A and settings.interface_z_A is None:
            settings = settings.model_copy(update={"interface_z_A": list(interface_z_A)})
        result = run_profiles(
            trajectory_path, settings=settings, charges=self.settings.charges,
            stride=self.settings.stride, label=self.label,
        )
        if self.settings.plot:
            from interfaceflow.analysis.plots_profiles import plot_profiles

            result.plot_path = str(plot_profiles(result, Path.cwd() / "profiles.png").resolve())
        return result


@job
def compare_profiles_job(
    doc_a: dict | ProfileResult, doc_b: dict | ProfileResult
) -> ProfileComparison:
    """Compare two profile results (e.g. uncoated vs LiNbO3-coated); see compare_profiles."""
    return compare_profiles(doc_a, doc_b)
