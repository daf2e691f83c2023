"""Documents of the diffusion analysis: a :class:`DiffusionResult` per species, region, direction.

Ionic conductivity (Nernst-Einstein, :func:`nernst_einstein_conductivity`):
``sigma = n (z e)^2 D / (H_R k_B T)``, with n the number density of the mobile species (cell volume,
or region volume for region results), z the charge number (1 for Li+) and H_R the Haven ratio
(default 1: tracer and charge diffusion taken as equal; measured values in solid electrolytes are
often 0.3-0.7, which raises sigma by 1/H_R).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field
from scipy import constants

from interfaceflow.analysis.diffusion_fit import DiffusionFit
from interfaceflow.analysis.diffusion_settings import DiffusionSettings, RegionMode
from interfaceflow.provenance import package_versions


class DiffusionResult(BaseModel):
    """Tracer diffusion coefficient of one species in one region and direction.

    Units: D in cm^2/s, times in fs, MSD in Å^2, conductivity in S/cm, number density in Å^-3.
    ``arrays`` (routed to the data store) holds ``time_fs``, ``msd_A2``, ``msd_err_A2`` (standard
    error over blocks), ``n_pairs`` (atom-origin pairs per lag), ``slope_time_fs``/``local_slope``.
    """

    doc_type: Literal["diffusion"] = "diffusion"
    species: str
    region: str | None = None
    region_mode: RegionMode | None = None
    region_bounds_z_A: tuple[float, float] | None = None
    direction: str
    n_dims: int
    D_cm2_per_s: float
    D_err_cm2_per_s: float
    fit_window_fs: tuple[float, float]
    fit_intercept_A2: float
    diffusive_regime_found: bool
    msd_at_window_end_A2: float
    n_atoms: int = Field(description="Distinct atoms that contribute.")
    mean_occupancy: float = Field(description="Mean number of contributing atoms per frame.")
    n_independent_samples: float
    n_frames: int
    frame_interval_fs: float
    block_by: str
    block_D_cm2_per_s: list[float]
    temperature_K: float | None = None
    number_density_per_A3: float | None = None
    number_density_estimated: bool = False
    charge_number: float = 1.0
    haven_ratio: float = 1.0
    conductivity_S_per_cm: float | None = None
    conductivity_err_S_per_cm: float | None = None
    metallic_elements: list[str] | None = Field(
        None, description="Set when the region is a metal: no ionic conductivity is reported."
    )
    drift_removed: bool = True
    framework_species: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    trajectory_path: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    package_versions: dict[str, str] = Field(default_factory=dict)
    arrays: dict[str, list[float]] = Field(default_factory=dict)

    @classmethod
    def from_fit(
        cls,
        fit: DiffusionFit,
        *,
        species: str,
        direction: str,
        settings: DiffusionSettings,
        region: str | None = None,
        region_mode: RegionMode | None = None,
        region_bounds_z_A: tuple[float, float] | None = None,
        temperature_K: float | None = None,
        number_density_per_A3: float | None = None,
        number_density_estimated: bool = False,
        framework_species: list[str] | None = None,
        drift_removed: bool = True,
        trajectory_path: str | None = None,
        metallic_elements: list[str] | None = None,
        no_conductivity_reason: str | None = None,
    ) -> DiffusionResult:
        """Build the document from a raw :class:`DiffusionFit`, with the Nernst-Einstein sigma.

        A metallic region (``metallic_elements``) gets D but no sigma, and so does a result with a
        ``no_conductivity_reason``; a warning says why.
        """
        sigma = sigma_err = None
        notes = list(fit.warnings)
        if metallic_elements:
            no_conductivity_reason = (
                f"the region is a metal ({'-'.join(metallic_elements)}): Nernst-Einstein gives no ionic "
                "conductivity for an electronic conductor, so none is reported"
            )
        if no_conductivity_reason:
            notes.append(no_conductivity_reason)
        elif temperature_K is not None and number_density_per_A3 is not None:
            sigma = nernst_einstein_conductivity(
                fit.D_cm2_per_s,
                number_density_per_A3,
                temperature_K,
                charge_number=settings.charge_number,
                haven_ratio=settings.haven_ratio,
            )
            sigma_err = (
                abs(sigma) * fit.D_err_cm2_per_s / abs(fit.D_cm2_per_s)
                if fit.D_cm2_per_s
                else np.nan
            )
        return cls(
            species=species,
            region=region,
            region_mode=region_mode,
            region_bounds_z_A=region_bounds_z_A,
            direction=direction,
            n_dims=fit.n_dims,
            D_cm2_per_s=fit.D_cm2_per_s,
            D_err_cm2_per_s=fit.D_err_cm2_per_s,
            fit_window_fs=(fit.window.start_fs, fit.window.end_fs),
            fit_intercept_A2=fit.intercept_A2,
            diffusive_regime_found=fit.window.found,
            msd_at_window_end_A2=fit.msd_at_window_end_A2,
            n_atoms=fit.n_atoms,
            mean_occupancy=fit.mean_occupancy,
            n_independent_samples=fit.n_independent_samples,
            n_frames=fit.n_frames,
            frame_interval_fs=fit.frame_interval_fs,
            block_by=fit.block_by,
            block_D_cm2_per_s=list(map(float, fit.block_D_cm2_per_s)),
            temperature_K=temperature_K,
            number_density_per_A3=number_density_per_A3,
            number_density_estimated=number_density_estimated,
            charge_number=settings.charge_number,
            haven_ratio=settings.haven_ratio,
            conductivity_S_per_cm=sigma,
            conductivity_err_S_per_cm=sigma_err,
            metallic_elements=metallic_elements,
            drift_removed=drift_removed,
            framework_species=framework_species or [],
            warnings=notes,
            trajectory_path=trajectory_path,
            settings=settings.model_dump(),
            package_versions=package_versions(),
            arrays=fit.arrays(),
        )

    def summary(self) -> dict[str, Any]:
        """The small JSON summary printed by the CLI (no arrays)."""
        out = {
            "species": self.species,
            "region": self.region,
            "region_mode": self.region_mode,
            "direction": self.direction,
            "D_cm2_per_s": self.D_cm2_per_s,
            "D_err_cm2_per_s": self.D_err_cm2_per_s,
            "fit_window_fs": list(self.fit_window_fs),
            "n_atoms": self.n_atoms,
            "temperature_K": self.temperature_K,
            "number_density_per_A3": self.number_density_per_A3,
            "haven_ratio": self.haven_ratio,
            "conductivity_S_per_cm": self.conductivity_S_per_cm,
            "conductivity_err_S_per_cm": self.conductivity_err_S_per_cm,
            "warnings": self.warnings,
        }
        # strict JSON has no NaN: an undefined error bar (e.g. one block) is printed as null
        return {
            k: None if isinstance(v, float) and not np.isfinite(v) else v for k, v in out.items()
        }


def nernst_einstein_conductivity(
    D_cm2_per_s: float | np.ndarray,
    number_density_per_A3: float,
    temperature_K: float | np.ndarray,
    *,
    charge_number: float = 1.0,
    haven_ratio: float = 1.0,
) -> float | np.ndarray:
    """Ionic conductivity in S/cm: ``sigma = n (z e)^2 D / (H_R k_B T)``.

    Args:
        D_cm2_per_s: tracer diffusion coefficient(s).
        number_density_per_A3: number density of the mobile ions in Å^-3.
        temperature_K: temperature(s).
        charge_number: z (1 for Li+).
        haven_ratio: H_R = D_tracer / D_sigma (1: no ion-ion correlation).
    """
    n_per_cm3 = number_density_per_A3 * 1e24
    q = charge_number * constants.e
    return (
        n_per_cm3
        * q**2
        * np.asarray(D_cm2_per_s)
        / (haven_ratio * constants.k * np.asarray(temperature_K))
    )
