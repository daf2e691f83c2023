"""Transport plots (matplotlib Agg, PNG): MSD with its fit window, and the Arrhenius plot."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from interfaceflow.analysis.arrhenius import KB_EV_PER_K, ArrheniusResult
from interfaceflow.analysis.diffusion import A2_PER_FS_TO_CM2_PER_S, DiffusionResult


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def plot_msd(result: DiffusionResult, path: str | Path, *, loglog: bool = False) -> Path:
    """MSD against time with its block error band, the fit window shaded and the fitted line.

    Args:
        result: a diffusion result with ``arrays`` (``time_fs``, ``msd_A2``, ``msd_err_A2``).
        path: PNG file to write.
        loglog: log-log axes (shows the ballistic and diffusive regimes).
    """
    plt = _pyplot()
    time_ps = np.asarray(result.arrays["time_fs"]) / 1000.0
    msd = np.asarray(result.arrays["msd_A2"])
    err = np.asarray(result.arrays.get("msd_err_A2", np.zeros_like(msd)))
    start_fs, end_fs = result.fit_window_fs
    slope = result.D_cm2_per_s / A2_PER_FS_TO_CM2_PER_S * 2 * result.n_dims  # Å^2/fs
    fig, ax = plt.subplots(figsize=(5.5, 4.0), dpi=120)
    ax.plot(time_ps, msd, color="C0", lw=1.2, label=f"MSD {result.species} ({result.direction})")
    ax.fill_between(time_ps, msd - err, msd + err, color="C0", alpha=0.25, lw=0)
    ax.axvspan(start_fs / 1000.0, end_fs / 1000.0, color="C2", alpha=0.12, label="fit window")
    window = np.linspace(start_fs, end_fs, 50)
    ax.plot(
        window / 1000.0,
        slope * window + result.fit_intercept_A2,
        "--",
        color="C3",
        label=f"D = {result.D_cm2_per_s:.3g} ± {result.D_err_cm2_per_s:.2g} cm²/s",
    )
    if loglog:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel("time (ps)")
    ax.set_ylabel("MSD (Å²)")
    title = result.species + (f" in {result.region}" if result.region else "")
    ax.set_title(title + (f", {result.temperature_K:g} K" if result.temperature_K else ""))
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_arrhenius(result: ArrheniusResult, path: str | Path) -> Path:
    """log10 D against 1000/T with error bars, the fit, and its extrapolation to the target T."""
    plt = _pyplot()
    temps = np.asarray(result.temperatures_K)
    d = np.asarray(result.D_cm2_per_s)
    d_err = np.asarray(result.D_err_cm2_per_s)
    fig, ax = plt.subplots(figsize=(5.5, 4.0), dpi=120)
    # error bars drawn on log10 D, first order
    ax.errorbar(
        1000.0 / temps,
        np.log10(d),
        yerr=d_err / (d * np.log(10)),
        fmt="o",
        color="C0",
        capsize=3,
        label="MD",
    )
    t_grid = np.linspace(min(temps.min(), result.target_temperature_K), temps.max(), 100)
    ln_d = np.log(result.D0_cm2_per_s) - result.Ea_eV / (KB_EV_PER_K * t_grid)
    ax.plot(
        1000.0 / t_grid,
        ln_d / np.log(10),
        "--",
        color="C3",
        label=f"Ea = {result.Ea_eV:.3f} ± {result.Ea_err_eV:.3f} eV",
    )
    ax.errorbar(
        [1000.0 / result.target_temperature_K],
        [np.log10(result.D_300K_cm2_per_s)],
        yerr=[result.ln_D_300K_err / np.log(10)],
        fmt="s",
        color="C3",
        capsize=3,
        label=f"{result.target_temperature_K:g} K extrapolation",
    )
    ax.set_xlabel("1000 / T (1/K)")
    ax.set_ylabel("log10 D (cm²/s)")
    title = result.species + (f" in {result.region}" if result.region else "")
    if result.conductivity_300K_S_per_cm is not None:
        title += (
            f", σ({result.target_temperature_K:g} K) = {result.conductivity_300K_S_per_cm:.2g} S/cm"
        )
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path
