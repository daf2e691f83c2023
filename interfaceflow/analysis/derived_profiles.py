"""Quantities derived from time-averaged bins: field and potential, Li concentration relative
to the bulk, Li site energies, layer widths, Li excess per area and the potential step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from interfaceflow.analysis.interface_sides import (
    ProfileGeometry, per_bin, side_bulk_means, step_pair,
)
from interfaceflow.analysis.layer_fits import LayerFit, fit_layer_width
from interfaceflow.analysis.poisson import solve_poisson_1d
from interfaceflow.analysis.profile_binning import BinnedProfiles, macro_average


@dataclass
class DerivedProfiles:
    """Profiles and scalars derived from :class:`BinnedProfiles` on a :class:`ProfileGeometry`."""

    li_concentration_rel: np.ndarray
    field_V_per_A: np.ndarray
    potential_V: np.ndarray
    li_site_energy_rel_eV: np.ndarray | None
    li_bulk_density_per_A3: dict[str, float]
    potential_bulk_V: dict[str, float]
    potential_step_V: float | None
    li_excess_per_nm2: dict[str, float]
    layers: dict[str, LayerFit]
    li_site_energy_bulk_eV: dict[str, float] | None



def derive_profiles(
    binned: BinnedProfiles,
    geometry: ProfileGeometry,
    li_index: int | None,
    *,
    threshold: float = 0.1,
    macro_average_A: float | None = None,
    poisson_method: Literal["integral", "fft"] = "integral",
    relative_permittivity: float = 1.0,
) -> DerivedProfiles:
    """Poisson solution, Li concentration, site energies, layer widths, excess, potential step.

    ``relative_permittivity`` screens the field and potential uniformly (eps = eps0 * eps_r).
    """
    h = geometry.bin_width_A
    field, potential = solve_poisson_1d(
        binned.charge_density_e_per_A3, h, boundary=geometry.boundary,
        vacuum_bin=geometry.vacuum_bin, method=poisson_method,
    )
    field, potential = field / relative_permittivity, potential / relative_permittivity
    window = int(round(macro_average_A / h)) if macro_average_A else 1
    window += (window + 1) % 2  # odd, so the boxcar is centred
    phi_for_step = macro_average(potential, window, geometry.periodic)
    potential_bulk = side_bulk_means(phi_for_step, geometry)
    pair = step_pair(geometry.sides)
    step = potential_bulk[pair[1]] - potential_bulk[pair[0]] if pair else None

    n = len(geometry.labels)
    c_rel = np.full(n, np.nan)
    li_bulk: dict[str, float] = {}
    excess: dict[str, float] = {}
    layers: dict[str, LayerFit] = {}
    site_rel, site_bulk = None, None
    if li_index is not None:
        n_li = binned.density_per_A3[li_index]
        n_li_smooth = macro_average(n_li, window, geometry.periodic)
        li_bulk = side_bulk_means(n_li, geometry)
        bulk_bins = per_bin(li_bulk, geometry)
        with np.errstate(invalid="ignore", divide="ignore"):
            c_rel = np.where(bulk_bins > 0, n_li / bulk_bins, np.nan)
            c_rel_smooth = np.where(bulk_bins > 0, n_li_smooth / bulk_bins, np.nan)
        for side in geometry.sides:
            in_side = geometry.labels == side
            near = geometry.near & in_side
            contacts = max(geometry.contacts.get(side, 0), 1)
            deficit = np.sum(n_li[near] - li_bulk[side]) * h if near.any() else 0.0
            excess[side] = float(deficit / contacts * 100.0)  # Å⁻² -> nm⁻²
            fit_bins = in_side & (geometry.distance_A < geometry.surface_distance_A)
            if not geometry.planes_A or not np.isfinite(li_bulk[side]) or li_bulk[side] <= 0:
                layers[side] = LayerFit(width_A=None, method="undefined", kind="none")
            else:
                layers[side] = fit_layer_width(
                    geometry.distance_A[fit_bins], c_rel_smooth[fit_bins],
                    threshold=threshold, bin_width_A=h,
                )
        if binned.li_energy_sum_eV is not None and binned.li_count is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                e_li = np.where(
                    binned.li_count > 0, binned.li_energy_sum_eV / binned.li_count, np.nan
                )
            site_bulk = side_bulk_means(e_li, geometry, weights=binned.li_count)
            site_rel = e_li - per_bin(site_bulk, geometry)
    return DerivedProfiles(
        li_concentration_rel=c_rel, field_V_per_A=field, potential_V=potential,
        li_site_energy_rel_eV=site_rel, li_bulk_density_per_A3=li_bulk,
        potential_bulk_V=potential_bulk, potential_step_V=step, li_excess_per_nm2=excess,
        layers=layers, li_site_energy_bulk_eV=site_bulk,
    )
