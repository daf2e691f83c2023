"""Plots of the interphase analysis: products against time, speciation against depth, and the
predicted-versus-observed product table (matplotlib, Agg backend, PNG files)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from interfaceflow.analysis.products import ProductsAnalysis


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_products_vs_time(result: ProductsAnalysis, path: str | Path, top: int = 8) -> Path:
    """Fragment counts, phase fractions and interphase thickness against time (three panels)."""
    plt = _pyplot()
    sp = result.speciation
    t_ps = np.asarray(sp.times_fs) / 1000.0
    fig, axes = plt.subplots(3, 1, figsize=(7, 9), sharex=True)
    order = np.argsort(-sp.fragment_counts.max(axis=0))[:top]
    for k in order:
        axes[0].plot(t_ps, sp.fragment_counts[:, k], label=sp.fragment_labels[k])
    axes[0].set_ylabel("fragments")
    axes[0].legend(fontsize=8, ncol=2)
    if result.assignment is not None:
        ta = np.asarray(result.assignment.times_fs) / 1000.0
        for k, phase in enumerate(result.assignment.phases):
            axes[1].plot(ta, result.assignment.phase_fractions[:, k], label=phase)
        axes[1].legend(fontsize=8, ncol=2)
    axes[1].set_ylabel("phase fraction")
    axes[2].plot(t_ps, result.thickness_A, "k-", label="interphase")
    best = result.growth_fits.get(result.growth_law) if result.growth_law else None
    if best is not None:
        x = np.power(np.clip(t_ps - t_ps[0], 0, None), best.exponent)
        axes[2].plot(t_ps, best.k * x, "r--", label=f"{best.law} fit")
        axes[2].legend(fontsize=8)
    axes[2].set_ylabel("thickness (Å)")
    axes[2].set_xlabel("time (ps)")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_speciation_vs_depth(result: ProductsAnalysis, path: str | Path, frame: int = -1, top: int = 8) -> Path:
    """Fragments per depth bin (first and chosen frame) relative to the initial interface plane."""
    plt = _pyplot()
    sp = result.speciation
    z = sp.z_centers_A
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    order = np.argsort(-sp.fragment_depth_counts.sum(axis=(0, 2)))[:top]
    for ax, f, title in ((axes[0], 0, "first frame"), (axes[1], frame, "last frame" if frame == -1 else f"frame {frame}")):
        for k in order:
            ax.plot(z, sp.fragment_depth_counts[f, k], label=sp.fragment_labels[k])
        ax.axvline(0.0, color="grey", lw=0.8)
        ax.set_title(title)
        ax.set_xlabel("depth from initial interface (Å)")
    axes[0].set_ylabel("fragments per bin")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_predicted_vs_observed(
    predicted: dict[str, float], observed: dict[str, float], path: str | Path, title: str = ""
) -> Path:
    """Table of predicted (thermodynamics: phase → molar fraction) and observed (MD: phase →
    fraction gain) products."""
    plt = _pyplot()
    phases = sorted(set(predicted) | set(observed))
    rows = [
        [p, f"{predicted[p]:.2f}" if p in predicted else "-", f"{observed[p]:.2f}" if p in observed else "-"]
        for p in phases
    ] or [["(none)", "-", "-"]]
    fig, ax = plt.subplots(figsize=(5, 0.4 * len(rows) + 1.0))
    ax.axis("off")
    table = ax.table(cellText=rows, colLabels=["phase", "predicted", "observed (MD)"], loc="center")
    table.scale(1, 1.3)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_products_report(
    result: ProductsAnalysis, folder: str | Path, predicted: dict[str, float] | None = None
) -> list[Path]:
    """Write every product plot into ``folder``; the table needs ``predicted`` products."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [
        plot_products_vs_time(result, folder / "products_vs_time.png"),
        plot_speciation_vs_depth(result, folder / "speciation_vs_depth.png"),
    ]
    if predicted is not None:
        paths.append(
            plot_predicted_vs_observed(predicted, result.growing_products, folder / "predicted_vs_observed.png")
        )
    return paths
