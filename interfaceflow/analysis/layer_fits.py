"""Width of the Li depletion/accumulation layer next to an interface (exponential fit with a
threshold fallback)."""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field
from scipy.optimize import curve_fit


class LayerFit(BaseModel):
    """Width of the Li depletion/accumulation layer of one side.

    ``method`` is ``fit`` (``c_rel = 1 - A exp(-d/lambda)``, width = lambda), ``threshold`` (the
    distance from the interface at which |c_rel - 1| first drops below the threshold; for an
    exponential that is ``lambda ln(|A|/threshold)``), or ``none`` (no deviation reaches the
    threshold: width 0).
    """

    width_A: float | None
    method: Literal["fit", "threshold", "none", "undefined"]
    kind: Literal["depletion", "accumulation", "none"]
    amplitude: float | None = Field(
        default=None, description="A of the fit, or 1 - c_rel at the interface."
    )
    width_err_A: float | None = Field(default=None, description="Fit standard error of lambda.")


def fit_layer_width(
    distance_A: np.ndarray, c_rel: np.ndarray, *, threshold: float = 0.1, bin_width_A: float = 0.5
) -> LayerFit:
    """Fit ``c_rel(d) = 1 - A exp(-d/lambda)`` to points at distance ``d`` from an interface.

    Points from several interfaces of one side are pooled. The fit is accepted when it converges,
    lambda stays inside the sampled distance range and its standard error is below lambda;
    otherwise the threshold width is used. A layer whose |A| (or deviation at the interface) is
    below ``threshold`` is reported as ``none`` with width 0.
    """
    d = np.asarray(distance_A, dtype=float)
    c = np.asarray(c_rel, dtype=float)
    ok = np.isfinite(d) & np.isfinite(c)
    d, c = d[ok], c[ok]
    if d.size < 3:
        return LayerFit(width_A=None, method="undefined", kind="none")
    d_max = float(d.max())
    dev_near = _grouped_deviation(d, c, bin_width_A)
    a0 = -dev_near[0][1]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            popt, pcov = curve_fit(
                lambda x, a, lam: 1.0 - a * np.exp(-x / lam),
                d, c,
                p0=(float(np.clip(a0, -49.0, 1.0)) or 0.1, max(2 * bin_width_A, d_max / 10)),
                bounds=([-50.0, 0.1 * bin_width_A], [1.0 + 1e-9, 2.0 * max(d_max, bin_width_A)]),
                maxfev=5000,
            )
        amp, lam = (float(x) for x in popt)
        lam_err = float(np.sqrt(pcov[1, 1])) if np.all(np.isfinite(pcov)) else float("inf")
        if abs(amp) < threshold:
            return LayerFit(width_A=0.0, method="none", kind="none", amplitude=amp)
        if lam < 0.95 * d_max and lam > 0.1 * bin_width_A * 1.01 and lam_err < lam:
            return LayerFit(
                width_A=lam, method="fit", kind="depletion" if amp > 0 else "accumulation",
                amplitude=amp, width_err_A=lam_err,
            )
    except (RuntimeError, ValueError):
        pass
    return _threshold_width(dev_near, threshold)


def _grouped_deviation(
    d: np.ndarray, c: np.ndarray, bin_width_A: float
) -> list[tuple[float, float]]:
    """Mean (d, c_rel - 1) of the points grouped by distance (one group per bin width)."""
    keys = np.floor(d / bin_width_A + 1e-9).astype(int)
    return [(float(d[keys == k].mean()), float((c[keys == k] - 1).mean())) for k in np.unique(keys)]


def _threshold_width(groups: list[tuple[float, float]], threshold: float) -> LayerFit:
    first = groups[0][1]
    if abs(first) < threshold:
        return LayerFit(width_A=0.0, method="none", kind="none", amplitude=-first)
    kind = "depletion" if first < 0 else "accumulation"
    for dist, dev in groups:
        if abs(dev) < threshold or np.sign(dev) != np.sign(first):
            return LayerFit(width_A=dist, method="threshold", kind=kind, amplitude=-first)
    return LayerFit(width_A=groups[-1][0], method="threshold", kind=kind, amplitude=-first)
