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

from interfaceflow.analysis.diffusion_fit import (
    DiffusionFit,
    DiffusionStatus,
    regime_status,
    upper_bound_D_cm2_per_s,
)
from interfaceflow.analysis.diffusion_kinisi import KinisiCheck
from interfaceflow.analysis.diffusion_settings import HOP_LENGTH_A, DiffusionSettings, RegionMode
from interfaceflow.provenance import package_versions


class DiffusionResult(BaseModel):
    """Tracer diffusion coefficient of one species in one region and direction.

    ``D_cm2_per_s`` is the slope of the MSD in the fit window; it is a diffusion coefficient only
    when ``status == "diffusive"``. Otherwise read ``D_upper_bound_cm2_per_s`` (and no sigma is
    reported): see :func:`~interfaceflow.analysis.diffusion_fit.regime_status`.

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
    D_cm2_per_s: float = Field(description="MSD slope / 2d in the fit window, cm^2/s (see status).")
    D_err_cm2_per_s: float
    status: DiffusionStatus = Field(
        "diffusive", description="diffusive, subdiffusive (caged) or not_reached (vibration only)."
    )
    D_upper_bound_cm2_per_s: float | None = Field(
        None, description="MSD(t)/(2 d t) at the window end: bounds D when not diffusive, cm^2/s."
    )
    conductivity_upper_bound_S_per_cm: float | None = Field(
        None, description="Nernst-Einstein sigma of D_upper_bound, S/cm (non-diffusive results)."
    )
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
    kinisi: KinisiCheck | None = Field(None, description="kinisi's D for the same atoms (kinisi_cross_check).")
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
        sigma = sigma_err = sigma_bound = None
        notes = list(fit.warnings)
        status = regime_status(fit.window.found, fit.msd_at_window_end_A2, fit.n_dims, settings.min_msd_A2)
        D_bound = None if status == "diffusive" else upper_bound_D_cm2_per_s(
            fit.msd_at_window_end_A2, fit.window.end_fs, fit.n_dims
        )
        if metallic_elements:
            no_conductivity_reason = (
                f"the region is a metal ({'-'.join(metallic_elements)}): Nernst-Einstein gives no ionic "
                "conductivity for an electronic conductor, so none is reported"
            )
        if no_conductivity_reason:
            notes.append(no_conductivity_reason)
        elif temperature_K is not None and number_density_per_A3 is not None:
            def conductivity(D: float) -> float:
                return float(nernst_einstein_conductivity(
                    D, number_density_per_A3, temperature_K,
                    charge_number=settings.charge_number, haven_ratio=settings.haven_ratio,
                ))

            if status == "diffusive":
                sigma = conductivity(fit.D_cm2_per_s)
                sigma_err = (
                    abs(sigma) * fit.D_err_cm2_per_s / abs(fit.D_cm2_per_s)
                    if fit.D_cm2_per_s
                    else np.nan
                )
            else:
                sigma_bound = conductivity(D_bound)
        if status != "diffusive":
            notes.append(
                f"{status.replace('_', ' ')}: the MSD is not diffusive, so D is given only as an upper "
                f"bound ({D_bound:.2g} cm^2/s) and no conductivity is reported: run longer or hotter"
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
            status=status,
            D_upper_bound_cm2_per_s=D_bound,
            conductivity_upper_bound_S_per_cm=sigma_bound,
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

    def summary(self) -> DiffusionSummaryRow:
        """The headline numbers: D and sigma only when diffusive, else the upper bounds."""
        return DiffusionSummaryRow.from_fields(self.model_dump(exclude={"arrays", "settings"}))


def _finite(value: float | None) -> float | None:
    return float(value) if value is not None and np.isfinite(value) else None


class DiffusionSummaryRow(BaseModel):
    """One diffusion result as studies store and CLIs print it (units: cm^2/s, S/cm, fs, K).

    ``D_cm2_per_s`` and ``conductivity_S_per_cm`` are set only when ``status == "diffusive"``;
    otherwise the ``*_upper_bound`` fields say how large they can at most be.
    """

    species: str
    region: str | None = None
    region_mode: RegionMode | None = None
    direction: str
    status: DiffusionStatus
    D_cm2_per_s: float | None = None
    D_err_cm2_per_s: float | None = None
    D_upper_bound_cm2_per_s: float | None = None
    conductivity_S_per_cm: float | None = None
    conductivity_err_S_per_cm: float | None = None
    conductivity_upper_bound_S_per_cm: float | None = None
    fit_window_fs: list[float] = Field(default_factory=list)
    n_atoms: int | None = None
    temperature_K: float | None = None
    number_density_per_A3: float | None = None
    haven_ratio: float = 1.0
    kinisi_D_cm2_per_s: float | None = Field(None, description="kinisi's posterior median (cross-check).")
    kinisi_agrees: bool | None = None
    warnings: list[str] = Field(default_factory=list)

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> DiffusionSummaryRow:
        """From a :class:`DiffusionResult`'s fields (also the dicts of schema-1 study documents,
        which predate ``status``: it is recomputed from the regime flag and the MSD)."""
        status = fields.get("status") or regime_status(
            bool(fields.get("diffusive_regime_found")),
            float(fields.get("msd_at_window_end_A2") or 0.0),
            int(fields.get("n_dims") or len(str(fields.get("direction", "xyz")))),
            HOP_LENGTH_A**2,
        )
        diffusive = status == "diffusive"
        kinisi = fields.get("kinisi") or {}
        if isinstance(kinisi, BaseModel):
            kinisi = kinisi.model_dump()
        D_bound = fields.get("D_upper_bound_cm2_per_s")
        if not diffusive and D_bound is None and fields.get("fit_window_fs"):
            D_bound = upper_bound_D_cm2_per_s(
                float(fields.get("msd_at_window_end_A2") or 0.0),
                float(fields["fit_window_fs"][1]),
                int(fields.get("n_dims") or len(str(fields.get("direction", "xyz")))),
            )
        return cls(
            species=fields["species"],
            region=fields.get("region"),
            region_mode=fields.get("region_mode"),
            direction=fields["direction"],
            status=status,
            D_cm2_per_s=_finite(fields.get("D_cm2_per_s")) if diffusive else None,
            D_err_cm2_per_s=_finite(fields.get("D_err_cm2_per_s")) if diffusive else None,
            D_upper_bound_cm2_per_s=None if diffusive else _finite(D_bound),
            conductivity_S_per_cm=_finite(fields.get("conductivity_S_per_cm")) if diffusive else None,
            conductivity_err_S_per_cm=(
                _finite(fields.get("conductivity_err_S_per_cm")) if diffusive else None
            ),
            conductivity_upper_bound_S_per_cm=(
                None if diffusive else _finite(fields.get("conductivity_upper_bound_S_per_cm"))
            ),
            fit_window_fs=list(fields.get("fit_window_fs") or []),
            n_atoms=fields.get("n_atoms"),
            temperature_K=fields.get("temperature_K"),
            number_density_per_A3=fields.get("number_density_per_A3"),
            haven_ratio=fields.get("haven_ratio", 1.0),
            kinisi_D_cm2_per_s=kinisi.get("D_median_cm2_per_s") if diffusive else None,
            kinisi_agrees=kinisi.get("agrees") if diffusive else None,
            warnings=list(fields.get("warnings") or []),
        )

    def headline(self) -> str:
        """``D = x ± y cm²/s, σ = z S/cm`` when diffusive, else ``not_reached: D < x cm²/s``."""
        if self.status == "diffusive":
            text = f"D = {_g(self.D_cm2_per_s)} ± {_g(self.D_err_cm2_per_s)} cm²/s"
            if self.conductivity_S_per_cm is not None:
                text += f", σ = {_g(self.conductivity_S_per_cm)} S/cm"
            return text
        text = f"{self.status}: D < {_g(self.D_upper_bound_cm2_per_s)} cm²/s"
        if self.conductivity_upper_bound_S_per_cm is not None:
            text += f", σ < {_g(self.conductivity_upper_bound_S_per_cm)} S/cm"
        return text + " (no diffusive regime: run longer or hotter)"


def _g(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}"


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
