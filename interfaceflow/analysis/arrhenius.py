"""Arrhenius fit of diffusion coefficients and extrapolation of D and sigma to room temperature.

Model: ``D(T) = D0 exp(-Ea / (k_B T))``, fitted as the straight line ``ln D = ln D0 - Ea / (k_B T)``
by weighted least squares with ``sigma(ln D_i) = D_err_i / D_i``. The parameter covariance
is ``(A^T W A)^-1``; with more than two temperatures it is multiplied by the reduced chi-square
when that exceeds 1 (the scatter is then larger than the error bars admit, so the error bars are
inflated rather than trusted). Without usable error bars the fit is unweighted and the covariance
comes from the residuals. Extrapolated values carry the propagated error
``var(ln D(T)) = J C J^T`` with ``J = [1, -1/(k_B T)]``; ``D_err = D * sd(ln D)`` (first order;
``ln_D_300K_err`` is the exact width on the log scale, which is what to quote when it exceeds
~0.5).

The conductivity at the target temperature follows from Nernst-Einstein
(:func:`interfaceflow.analysis.diffusion.nernst_einstein_conductivity`) with the mean number density
of the mobile species over the input results and the Haven ratio (default 1).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field
from scipy import constants

from interfaceflow.analysis.diffusion import DiffusionResult, nernst_einstein_conductivity
from interfaceflow.errors import AnalysisError
from interfaceflow.provenance import package_versions

KB_EV_PER_K = constants.k / constants.e
ROOM_TEMPERATURE_K = 300.0


@dataclass
class ArrheniusFit:
    """Raw Arrhenius fit: parameters ``[ln D0, Ea]``, their covariance, and the goodness of fit."""

    Ea_eV: float
    ln_D0: float
    covariance: np.ndarray  # (2, 2) for (ln D0 [ln cm^2/s], Ea [eV])
    chi2_reduced: float
    weighted: bool
    temperatures_K: np.ndarray
    D_cm2_per_s: np.ndarray
    D_err_cm2_per_s: np.ndarray

    @property
    def Ea_err_eV(self) -> float:
        """Standard error of Ea."""
        return float(np.sqrt(self.covariance[1, 1]))

    @property
    def D0_cm2_per_s(self) -> float:
        """Prefactor D0."""
        return float(np.exp(self.ln_D0))

    @property
    def D0_err_cm2_per_s(self) -> float:
        """First-order standard error of D0."""
        return self.D0_cm2_per_s * float(np.sqrt(self.covariance[0, 0]))

    def ln_D(self, temperature_K: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """ln D and its standard error at the given temperature(s)."""
        temperature_K = np.asarray(temperature_K, dtype=float)
        jac = np.stack([np.ones_like(temperature_K), -1.0 / (KB_EV_PER_K * temperature_K)], axis=-1)
        value = self.ln_D0 - self.Ea_eV / (KB_EV_PER_K * temperature_K)
        var = np.einsum("...i,ij,...j->...", jac, self.covariance, jac)
        return value, np.sqrt(np.maximum(var, 0.0))

    def predict(self, temperature_K: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """D (cm^2/s) and its first-order standard error at the given temperature(s)."""
        ln_d, ln_err = self.ln_D(temperature_K)
        value = np.exp(ln_d)
        return value, value * ln_err


def fit_arrhenius(
    temperatures_K,
    D_cm2_per_s,
    D_err_cm2_per_s=None,
    *,
    inflate_by_chi2: bool = True,
) -> ArrheniusFit:
    """Fit ``ln D = ln D0 - Ea/(k_B T)`` (see the module docstring for the error model).

    Args:
        temperatures_K: (n,) temperatures.
        D_cm2_per_s: (n,) diffusion coefficients (> 0).
        D_err_cm2_per_s: (n,) standard errors; unweighted fit when None or not all finite and > 0.
        inflate_by_chi2: scale the covariance by the reduced chi-square when it is > 1.

    Raises:
        AnalysisError: fewer than two temperatures, or a non-positive D.
    """
    temps = np.asarray(temperatures_K, dtype=float)
    D = np.asarray(D_cm2_per_s, dtype=float)
    if temps.shape != D.shape or len(temps) < 2 or len(np.unique(temps)) < 2:
        raise AnalysisError(
            f"an Arrhenius fit needs D at two or more temperatures (got {temps.tolist()})"
        )
    if not (np.all(np.isfinite(D)) and np.all(D > 0)):
        raise AnalysisError(
            f"an Arrhenius fit needs positive finite D (got {D.tolist()}); run longer or hotter"
        )
    errs = None if D_err_cm2_per_s is None else np.asarray(D_err_cm2_per_s, dtype=float)
    weighted = errs is not None and bool(np.all(np.isfinite(errs)) and np.all(errs > 0))
    sigma = errs / D if weighted else np.ones_like(D)
    design = np.stack([np.ones_like(temps), -1.0 / (KB_EV_PER_K * temps)], axis=1)
    y = np.log(D)
    w = 1.0 / sigma**2
    normal = design.T @ (design * w[:, None])
    params = np.linalg.solve(normal, design.T @ (w * y))
    covariance = np.linalg.inv(normal)
    dof = len(temps) - 2
    resid = (y - design @ params) / sigma
    chi2_red = float(resid @ resid / dof) if dof > 0 else np.nan
    if not weighted:
        covariance = covariance * (chi2_red if dof > 0 else np.inf)
    elif inflate_by_chi2 and dof > 0 and chi2_red > 1.0:
        covariance = covariance * chi2_red
    return ArrheniusFit(
        Ea_eV=float(params[1]),
        ln_D0=float(params[0]),
        covariance=covariance,
        chi2_reduced=chi2_red,
        weighted=weighted,
        temperatures_K=temps,
        D_cm2_per_s=D,
        D_err_cm2_per_s=errs if errs is not None else np.full_like(D, np.nan),
    )


def first_key(results: list[DiffusionResult]) -> str:
    """``Li in electrolyte (xyz)``: what a set of diffusion results describes."""
    r = results[0]
    return f"{r.species} in {r.region or 'the whole cell'} ({r.direction})"


class ArrheniusResult(BaseModel):
    """Activation energy, prefactor, and D and sigma extrapolated to ``target_temperature_K``.

    Units: Ea in eV, D in cm^2/s, sigma in S/cm, temperatures in K, number density in Å^-3.
    """

    doc_type: Literal["arrhenius"] = "arrhenius"
    species: str
    region: str | None = None
    direction: str = "xyz"
    Ea_eV: float
    Ea_err_eV: float
    D0_cm2_per_s: float
    D0_err_cm2_per_s: float
    target_temperature_K: float = ROOM_TEMPERATURE_K
    D_300K_cm2_per_s: float
    D_300K_err_cm2_per_s: float
    ln_D_300K_err: float = Field(description="Standard error of ln D at the target temperature.")
    conductivity_300K_S_per_cm: float | None = None
    conductivity_300K_err_S_per_cm: float | None = None
    number_density_per_A3: float | None = None
    charge_number: float = 1.0
    haven_ratio: float = 1.0
    chi2_reduced: float | None = None
    weighted_fit: bool = True
    temperatures_K: list[float]
    D_cm2_per_s: list[float]
    D_err_cm2_per_s: list[float]
    warnings: list[str] = Field(default_factory=list)
    package_versions: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def from_fit(
        cls,
        fit: ArrheniusFit,
        *,
        species: str,
        region: str | None = None,
        direction: str = "xyz",
        number_density_per_A3: float | None = None,
        charge_number: float = 1.0,
        haven_ratio: float = 1.0,
        target_temperature_K: float = ROOM_TEMPERATURE_K,
        warnings_: list[str] | None = None,
    ) -> ArrheniusResult:
        """Build the document from a raw fit; sigma(target) via Nernst-Einstein when n is known."""
        d_t, d_err = fit.predict(target_temperature_K)
        _, ln_err = fit.ln_D(target_temperature_K)
        sigma = sigma_err = None
        if number_density_per_A3 is not None:
            sigma = float(
                nernst_einstein_conductivity(
                    d_t,
                    number_density_per_A3,
                    target_temperature_K,
                    charge_number=charge_number,
                    haven_ratio=haven_ratio,
                )
            )
            sigma_err = sigma * float(ln_err)
        notes = list(warnings_ or [])
        if len(fit.temperatures_K) < 3:
            notes.append(
                f"only {len(fit.temperatures_K)} temperatures: the Arrhenius errors come from "
                "the D error bars alone, with no check of the fit's quality"
            )
        return cls(
            species=species,
            region=region,
            direction=direction,
            Ea_eV=fit.Ea_eV,
            Ea_err_eV=fit.Ea_err_eV,
            D0_cm2_per_s=fit.D0_cm2_per_s,
            D0_err_cm2_per_s=fit.D0_err_cm2_per_s,
            target_temperature_K=target_temperature_K,
            D_300K_cm2_per_s=float(d_t),
            D_300K_err_cm2_per_s=float(d_err),
            ln_D_300K_err=float(ln_err),
            conductivity_300K_S_per_cm=sigma,
            conductivity_300K_err_S_per_cm=sigma_err,
            number_density_per_A3=number_density_per_A3,
            charge_number=charge_number,
            haven_ratio=haven_ratio,
            chi2_reduced=None if not np.isfinite(fit.chi2_reduced) else fit.chi2_reduced,
            weighted_fit=fit.weighted,
            temperatures_K=fit.temperatures_K.tolist(),
            D_cm2_per_s=fit.D_cm2_per_s.tolist(),
            D_err_cm2_per_s=np.nan_to_num(fit.D_err_cm2_per_s, nan=0.0).tolist(),
            warnings=notes,
            package_versions=package_versions(),
        )

    @classmethod
    def from_diffusion_results(
        cls,
        results: list[DiffusionResult],
        *,
        target_temperature_K: float = ROOM_TEMPERATURE_K,
        haven_ratio: float | None = None,
        charge_number: float | None = None,
    ) -> ArrheniusResult:
        """Fit D(T) of one species/region/direction measured at several temperatures.

        Results with a non-positive D are left out (with a warning); the number density is the mean
        over the results; the Haven ratio and charge number default to those of the results.
        """
        if not results:
            raise AnalysisError(
                "no diffusion results to fit; run the MD at two or more temperatures"
            )
        keys = {(r.species, r.region, r.direction) for r in results}
        if len(keys) != 1:
            raise AnalysisError(
                f"mixed species/region/direction in one Arrhenius fit: {sorted(map(str, keys))}"
            )
        if any(r.temperature_K is None for r in results):
            raise AnalysisError("a diffusion result has no temperature_K; pass it to the analysis")
        notes = []
        usable = [r for r in results
                  if r.status == "diffusive" and r.D_cm2_per_s > 0 and np.isfinite(r.D_cm2_per_s)]
        for r in results:
            if r.status != "diffusive":
                notes.append(f"D at {r.temperature_K:g} K is not a diffusion coefficient ({r.status}); left out")
            elif r not in usable:
                notes.append(
                    f"D at {r.temperature_K:g} K is {r.D_cm2_per_s:.3g} cm^2/s (not > 0); left out"
                )
            elif r.warnings:
                notes.append(f"D at {r.temperature_K:g} K: {r.warnings[0]}")
        if len(usable) < 2:
            raise AnalysisError(
                f"{first_key(results)}: D reached the diffusive regime at {len(usable)} of {len(results)} "
                "temperatures; an Arrhenius fit needs two: run longer or hotter"
            )
        usable.sort(key=lambda r: r.temperature_K)
        fit = fit_arrhenius(
            [r.temperature_K for r in usable],
            [r.D_cm2_per_s for r in usable],
            [r.D_err_cm2_per_s for r in usable],
        )
        densities = [r.number_density_per_A3 for r in usable if r.number_density_per_A3]
        first = usable[0]
        metal = next((r.metallic_elements for r in usable if r.metallic_elements), None)
        if metal:
            notes.append(
                f"the region is a metal ({'-'.join(metal)}): no ionic conductivity is reported"
            )
        doc = cls.from_fit(
            fit,
            species=first.species,
            region=first.region,
            direction=first.direction,
            number_density_per_A3=float(np.mean(densities)) if densities and not metal else None,
            charge_number=first.charge_number if charge_number is None else charge_number,
            haven_ratio=first.haven_ratio if haven_ratio is None else haven_ratio,
            target_temperature_K=target_temperature_K,
            warnings_=notes,
        )
        for note in doc.warnings:
            warnings.warn(
                f"Arrhenius ({first.species}, {first.region or 'all'}): {note}", stacklevel=2
            )
        return doc

    def summary(self) -> dict[str, Any]:
        """Small JSON summary (no per-temperature lists)."""
        return self.model_dump(exclude={"package_versions", "D_cm2_per_s", "D_err_cm2_per_s"})
