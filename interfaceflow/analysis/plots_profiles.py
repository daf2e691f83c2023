"""Stacked space-charge plots: Li concentration, charge density, potential (matplotlib Agg, PNG)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from interfaceflow.analysis.profiles import ProfileResult

_SIDE_COLOURS = {"electrode": "#4c72b0", "coating": "#55a868", "electrolyte": "#dd8452"}


def _arr(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _band(ax, z, y, err, colour, label=None):
    ax.plot(z, y, color=colour, lw=1.2, label=label)
    if err is not None:
        e = _arr(err)
        if np.isfinite(e).any():
            ax.fill_between(z, y - e, y + e, color=colour, alpha=0.25, lw=0)


def _mark_sides(ax, result: ProfileResult, z: np.ndarray) -> None:
    for plane in result.interface_z_A:
        ax.axvline(plane, color="k", ls="--", lw=0.8)
    sides = list(result.arrays.get("side", [""] * len(z)))
    h = result.bin_width_A
    start = 0
    for i in range(1, len(sides) + 1):
        if i == len(sides) or sides[i] != sides[start]:
            if sides[start]:
                colour = _SIDE_COLOURS.get(sides[start], "0.6")
                ax.axvspan(z[start] - h / 2, z[i - 1] + h / 2, color=colour, alpha=0.08, lw=0)
            start = i


def plot_profiles(result: ProfileResult, path: str | Path, *, title: str | None = None) -> Path:
    """Write a PNG with three stacked panels sharing the axis coordinate.

    Panels: Li concentration relative to the bulk of each side (with the site-energy profile on a
    twin axis when available), charge density, and electrostatic potential. Interface planes are
    dashed lines; sides are shaded (electrode blue, coating green, electrolyte orange). Error
    bands are the block-averaging standard errors.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    a = result.arrays
    z = _arr(a["z_A"])
    fig, axes = plt.subplots(3, 1, sharex=True, figsize=(7, 8), constrained_layout=True)

    ax = axes[0]
    c_rel = _arr(a["li_concentration_rel"])
    _band(ax, z, c_rel, a.get("li_concentration_rel_err"), "C0", "Li c/c_bulk")
    ax.axhline(1.0, color="0.5", lw=0.6)
    ax.set_ylabel("Li c / c_bulk")
    if a.get("li_site_energy_rel_eV") is not None:
        twin = ax.twinx()
        twin.plot(z, _arr(a["li_site_energy_rel_eV"]), color="C3", lw=0.8, alpha=0.8)
        twin.set_ylabel("Li site energy - bulk (eV)", color="C3")
    widths = ", ".join(
        f"{side}: {w:.2g} Å ({result.depletion_method.get(side)})"
        for side, w in result.depletion_width_A.items() if w is not None
    )
    if widths:
        ax.set_title(f"layer width {widths}", fontsize=8)

    ax = axes[1]
    _band(ax, z, _arr(a["charge_density_e_per_A3"]), a.get("charge_density_err_e_per_A3"), "C2")
    ax.axhline(0.0, color="0.5", lw=0.6)
    ax.set_ylabel("charge density (e/Å³)")

    ax = axes[2]
    _band(ax, z, _arr(a["potential_V"]), a.get("potential_err_V"), "C1")
    ax.set_ylabel("potential (V)")
    ax.set_xlabel(f"{result.axis} (Å)")
    if result.potential_step_V is not None and result.potential_step_pair:
        lo, hi = result.potential_step_pair
        ax.set_title(f"step {lo} → {hi}: {result.potential_step_V:+.3g} V", fontsize=8)

    for ax in axes:
        _mark_sides(ax, result, z)
    fig.suptitle(title or result.label or "space-charge profiles", fontsize=10)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
