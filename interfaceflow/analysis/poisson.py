"""Poisson's equation in one dimension: field and potential of a binned charge density."""

from __future__ import annotations

from typing import Literal

import numpy as np

from interfaceflow.errors import AnalysisError

#: Vacuum permittivity in e / (V Å).
EPSILON0_E_PER_V_A = 0.0055263494


def solve_poisson_1d(
    rho_e_per_A3: np.ndarray,
    bin_width_A: float,
    *,
    boundary: Literal["periodic", "slab"] = "periodic",
    vacuum_bin: int | None = None,
    method: Literal["integral", "fft"] = "integral",
) -> tuple[np.ndarray, np.ndarray]:
    """Field (V/Å) and potential (V) at the bin centres from a binned charge density (e/Å³).

    ``dE/dz = rho/eps0`` and ``E = -dphi/dz`` with ``eps0`` = :data:`EPSILON0_E_PER_V_A`.

    * ``periodic``: the net charge is removed as a uniform background (the k = 0 term of the
      Fourier solution) and the mean field is zero, so the potential is periodic. ``integral``
      (default) integrates the piecewise-constant density of the bins exactly; ``fft`` solves in
      Fourier space on the bin centres (same result for smooth densities).
    * ``slab``: dipole correction: the field is zero in the middle of the vacuum, i.e. at the
      lower edge of ``vacuum_bin``; integration starts there with E = 0 and phi = 0 and runs once
      around the cell, so the potential jumps across that plane by the slab's dipole and the field
      at the far end equals the net charge per area / eps0 (zero for a neutral slab).

    The potential is shifted to zero mean (periodic) or zero at the vacuum middle (slab).
    """
    rho = np.asarray(rho_e_per_A3, dtype=float)
    h = float(bin_width_A)
    n = rho.size
    if boundary == "periodic":
        rho = rho - rho.mean()
        if method == "fft":
            return _poisson_fft(rho, h)
        field, potential = _integrate_from_edge(rho, h)
        shift = field.mean()
        field = field - shift
        # removing a constant field E0 adds E0*z to the potential (centre of bin i at (i+1/2)h)
        potential = potential + shift * (np.arange(n) + 0.5) * h
        return field, potential - potential.mean()
    if boundary != "slab":
        raise AnalysisError(f"unknown boundary {boundary!r}; use periodic or slab")
    if vacuum_bin is None:
        raise AnalysisError(
            "a slab needs the vacuum position; give vacuum_bin or use boundary=periodic"
        )
    rolled = np.roll(rho, -int(vacuum_bin))
    field, potential = _integrate_from_edge(rolled, h)
    return np.roll(field, int(vacuum_bin)), np.roll(potential, int(vacuum_bin))


def _integrate_from_edge(rho: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact E and phi at the bin centres of a piecewise-constant rho, with E = phi = 0 at z = 0."""
    e_edges = np.concatenate([[0.0], np.cumsum(rho) * h / EPSILON0_E_PER_V_A])
    phi_edges = np.concatenate([[0.0], -np.cumsum(0.5 * (e_edges[:-1] + e_edges[1:])) * h])
    field = 0.5 * (e_edges[:-1] + e_edges[1:])
    potential = phi_edges[:-1] - 0.5 * h * e_edges[:-1] - rho * h * h / (8 * EPSILON0_E_PER_V_A)
    return field, potential


def _poisson_fft(rho: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    k = 2 * np.pi * np.fft.fftfreq(rho.size, d=h)
    rho_k = np.fft.fft(rho)
    phi_k = np.zeros_like(rho_k)
    nonzero = k != 0
    phi_k[nonzero] = rho_k[nonzero] / (EPSILON0_E_PER_V_A * k[nonzero] ** 2)
    potential = np.fft.ifft(phi_k).real
    field = np.fft.ifft(-1j * k * phi_k).real
    return field, potential - potential.mean()
