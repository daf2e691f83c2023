"""Figures of one or several stored studies, overlaid for comparison (PNG, matplotlib Agg).

>>> from interfaceflow import Results
>>> from interfaceflow.plots_compare import plot_studies
>>> for plot in plot_studies(Results(), ["3f2a9c", "8b41d0"], what="profiles", out_dir="figs"):
...     print(plot.path, plot.labels)

``products``: phase fractions (fragment counts when no phase was assigned) and interphase
thickness against time; ``profiles``: Li concentration relative to bulk and electrostatic
potential against z; ``msd``: Li MSD against time per region; ``arrhenius``: log10 D against
1000/T (the Arrhenius fits of a study, and the diffusion coefficient at each study's temperature).
Every curve's legend label starts with the study's label (calculator/model, T, id prefix).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from interfaceflow.errors import AnalysisError

if TYPE_CHECKING:
    from interfaceflow.results import Results, StoredStudy

PlotWhat = Literal["products", "profiles", "msd", "arrhenius", "all"]
PLOT_WHAT: tuple[str, ...] = ("products", "profiles", "msd", "arrhenius")
#: Boltzmann constant, eV/K.
_KB_EV_PER_K = 8.617333262e-5


@dataclass(frozen=True)
class ComparisonPlot:
    """One written figure: what it shows, where it is, and the legend labels of its curves."""

    what: str
    path: Path
    labels: list[str]


def available_plots(study: StoredStudy) -> list[str]:
    """The ``--what`` choices study ``study`` has data for."""
    analyses = study.analyses
    has_d = analyses.diffusion is not None and any(
        r.D_cm2_per_s is not None for r in analyses.diffusion.regions
    )
    present = {
        "products": analyses.products is not None,
        "profiles": analyses.profiles is not None,
        "msd": analyses.diffusion is not None and bool(analyses.diffusion.regions),
        "arrhenius": analyses.arrhenius is not None or has_d,
    }
    return [what for what in PLOT_WHAT if present[what]]


def study_label(study: StoredStudy) -> str:
    """Legend label of a study: calculator/model, temperature and id prefix (unique in a store)."""
    return f"{study.calculator}/{study.model} {study.temperature_K:g} K [{study.study_id[:8]}]"


def plot_studies(
    results: Results, study_ids: list[str], what: PlotWhat = "all", out_dir: str | Path = "."
) -> list[ComparisonPlot]:
    """Write one PNG per quantity in ``out_dir`` (``<what>.png``), the studies overlaid.

    ``what="all"`` plots every quantity all the studies have; a named quantity that one study
    lacks is an :class:`AnalysisError` naming what that study has.
    """
    if not study_ids:
        raise AnalysisError("no study ids given; pass one or more ids (list them with 'interfaceflow results')")
    if what != "all" and what not in PLOT_WHAT:
        raise AnalysisError(f"unknown plot '{what}'; use one of {', '.join(PLOT_WHAT)} or all")
    studies = [results.get(i) for i in study_ids]
    have = {s.study_id: available_plots(s) for s in studies}
    if what == "all":
        kinds = [k for k in PLOT_WHAT if all(k in h for h in have.values())]
        if not kinds:
            listing = "; ".join(f"{sid[:8]}: {', '.join(h) or 'nothing'}" for sid, h in have.items())
            raise AnalysisError(f"the studies have no plot in common ({listing}); plot them one by one")
    else:
        for study in studies:
            if what not in have[study.study_id]:
                raise AnalysisError(f"study {study.study_id[:8]} has no {what} data; it has: "
                                    f"{', '.join(have[study.study_id]) or 'no analysis to plot'}")
        kinds = [what]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    draw = {"products": _products, "profiles": _profiles, "msd": _msd, "arrhenius": _arrhenius}
    return [draw[kind](results, studies, out / f"{kind}.png") for kind in kinds]


# ------------------------------------------------------------------------------------ figures
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, axes, what: str, path: Path) -> ComparisonPlot:
    labels: list[str] = []
    for ax in np.ravel(axes):
        if ax.get_legend_handles_labels()[1]:
            ax.legend(fontsize=7)
            labels += ax.get_legend_handles_labels()[1]
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    _pyplot().close(fig)
    return ComparisonPlot(what=what, path=path, labels=list(dict.fromkeys(labels)))


def _series(values: Any) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _products_arrays(results: Results, study: StoredStudy) -> dict[str, Any]:
    doc = results.store.query_one(
        {"hosts": study.study_id, "output.doc_type": "products_analysis"}, properties=["output"], load=True
    )
    if doc is None:
        raise AnalysisError(f"study {study.study_id[:8]} has no products analysis document in the store")
    return doc["output"].get("arrays") or {}


def _top(series: dict[str, Any], n: int = 6) -> dict[str, np.ndarray]:
    """The ``n`` series with the largest maximum, those that never exceed zero left out."""
    peaks = {k: np.nanmax(v) if np.isfinite(v := _series(values)).any() else 0.0 for k, values in series.items()}
    keep = sorted((k for k, peak in peaks.items() if peak > 0), key=lambda k: -peaks[k])[:n]
    return {k: series[k] for k in keep}


def _products(results: Results, studies: list[StoredStudy], path: Path) -> ComparisonPlot:
    plt = _pyplot()
    fig, axes = plt.subplots(2, 1, figsize=(7, 7), sharex=True)
    styles = ["-", "--", ":", "-."]
    for i, study in enumerate(studies):
        arrays, label = _products_arrays(results, study), study_label(study)
        t_ps = _series(arrays.get("times_fs", [])) / 1000.0
        series, ylabel = _top(arrays.get("phase_fractions") or {}), "phase fraction"
        if not series:  # no phase assigned: the most common fragments instead
            series, ylabel = _top(arrays.get("fragment_counts") or {}, 4), "phase fraction / fragments"
        for k, (phase, values) in enumerate(series.items()):
            axes[0].plot(t_ps, _series(values), styles[i % len(styles)], color=f"C{k % 10}",
                         label=f"{label}: {phase}")
        thickness = arrays.get("interphase_thickness_A")
        if thickness is not None:
            axes[1].plot(t_ps, _series(thickness), styles[i % len(styles)], color=f"C{i % 10}", label=label)
    axes[0].set_ylabel(ylabel)
    axes[1].set_ylabel("interphase thickness (Å)")
    axes[1].set_xlabel("time (ps)")
    return _save(fig, axes, "products", path)


def _profiles(results: Results, studies: list[StoredStudy], path: Path) -> ComparisonPlot:
    plt = _pyplot()
    fig, axes = plt.subplots(2, 1, figsize=(7, 6.5), sharex=True)
    for i, study in enumerate(studies):
        arrays, label = study.profiles().get("arrays") or {}, study_label(study)
        z = _series(arrays.get("z_A", []))
        for ax, key in zip(axes, ("li_concentration_rel", "potential_V")):
            if arrays.get(key) is not None:
                ax.plot(z, _series(arrays[key]), color=f"C{i % 10}", label=label)
    axes[0].axhline(1.0, color="0.5", lw=0.6)
    axes[0].set_ylabel("Li c / c_bulk")
    axes[1].set_ylabel("potential (V)")
    axes[1].set_xlabel("z (Å)")
    return _save(fig, axes, "profiles", path)


def _msd(results: Results, studies: list[StoredStudy], path: Path) -> ComparisonPlot:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    styles = ["-", "--", ":", "-."]
    for i, study in enumerate(studies):
        rows = [r for r in study.analyses.diffusion.regions if r.direction == "xyz"]
        rows = rows or study.analyses.diffusion.regions
        for k, row in enumerate(rows):
            arrays = study.msd(row.region, row.direction)
            t_ps = _series(arrays["time_fs"]) / 1000.0
            msd = _series(arrays["msd_A2"])
            line, = ax.plot(t_ps, msd, styles[k % len(styles)], color=f"C{i % 10}",
                            label=f"{study_label(study)}: {row.species} in {row.region or 'all'} ({row.direction})")
            err = arrays.get("msd_err_A2")
            if err is not None:
                err = _series(err)
                ax.fill_between(t_ps, msd - err, msd + err, color=line.get_color(), alpha=0.15, lw=0)
    ax.set_xlabel("time (ps)")
    ax.set_ylabel("MSD (Å²)")
    return _save(fig, ax, "msd", path)


def _arrhenius(results: Results, studies: list[StoredStudy], path: Path) -> ComparisonPlot:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for i, study in enumerate(studies):
        label, colour = study_label(study), f"C{i % 10}"
        arrhenius = study.analyses.arrhenius
        if arrhenius is not None:
            temps = np.asarray(arrhenius.temperatures_K + [300.0], dtype=float)
            inv = np.linspace(1000.0 / temps.max(), 1000.0 / temps.min(), 50)
            for fit in arrhenius.fits:
                log_d = np.log10(fit.D_300K_cm2_per_s) - fit.Ea_eV / (_KB_EV_PER_K * np.log(10)) * (
                    inv / 1000.0 - 1.0 / 300.0)
                ax.plot(inv, log_d, "--", color=colour,
                        label=f"{label}: {fit.region or 'all'} Ea = {fit.Ea_eV:.2f} eV")
        if study.analyses.diffusion is not None:
            for row in study.analyses.diffusion.regions:
                if row.D_cm2_per_s is None:
                    continue
                ax.errorbar(1000.0 / study.temperature_K, np.log10(row.D_cm2_per_s),
                            yerr=(row.D_err_cm2_per_s or 0.0) / (row.D_cm2_per_s * np.log(10)),
                            fmt="o", color=colour, label=f"{label}: {row.region or 'all'} ({row.direction})")
    ax.set_xlabel("1000 / T (1/K)")
    ax.set_ylabel("log10 D (cm²/s)")
    return _save(fig, ax, "arrhenius", path)
