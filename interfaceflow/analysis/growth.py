"""Interphase growth: thickness against time, growth laws, consumption rate, classification.

**Thickness.** The depth axis (z relative to the initial interface plane) is cut into bins. In
each bin the atoms' anion states (``S-2@PS4``, ``S-2@S``, ``Li+1``, ``Li0``, ...; see
:mod:`interfaceflow.analysis.speciation`) form a distribution. A bin has *changed* at frame t when
the total-variation distance ``½ Σ_s |p_s(t) − p_s(ref)|`` between its distribution and the
pristine one (the mean of the first ``reference_frames`` frames) exceeds the noise threshold
``max(min_deviation, n_noise · ε)``, with ``min_deviation`` = 0.25, ``n_noise`` = 2 and ε the
deviation expected from counting noise alone between two samples of the pristine distribution with
n atoms, ``ε = Σ_s √(p_s (1 − p_s) / (π n))`` (binomial statistics).
A bin with fewer than ``min_atoms`` (3) atoms in either frame is never changed itself (whole
atomic planes cross bin edges in layered crystals); it can still be filled as a gap. Gaps of at
most ``max_gap_bins`` (1) unchanged bins between changed ones are filled (a bin holding only Li,
whose state did not change, inside a reacted layer), periodically along a periodic z. The
thickness is the number of changed bins × bin width (Å).

**Growth laws.** ``d = k t`` (linear, reaction-limited) and ``d = k √t`` (parabolic,
diffusion-limited) are fitted through the origin by least squares (t from the first frame); the
law with the lower Akaike information criterion (equal parameter counts: lower residual) wins.

**Consumption rate** of the electrolyte: minus the slope of the count of its characteristic
fragment (the most abundant polyatomic fragment of the pristine frame, e.g. PS4) divided by the
fragments per formula unit, the interface area (cell a×b face × number of interfaces) and time,
in formula units per nm² per ps.

**Classification.** Evidence: product phases whose fraction grows by at least 5 % of their
atoms; reduced-metal (formal charge < 0.5) and Li-alloyed group-14 (negative charge) atom states
whose share of their element grows by 5 %; isolated anions (S²⁻, P³⁻, Cl⁻, O²⁻, N³⁻, F⁻) whose
share grows by 5 %, counted as the amorphous Li binary (``Li2S (amorphous)``). The interphase is
*mixed ionic-electronic conducting* (MIEC) when any electronically conducting product forms
(metallic in :data:`PRODUCT_ELECTRONIC_CHARACTER`, reduced metals, Li alloys), *passivating*
when only electronically insulating products form, *none* when nothing forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from interfaceflow.errors import AnalysisError

if TYPE_CHECKING:
    from interfaceflow.analysis.phases import PhaseAssignment
    from interfaceflow.analysis.speciation import TrajectorySpeciation

MIN_DEVIATION = 0.25
N_NOISE = 2.0
MIN_ATOMS = 3
MIN_PRODUCT_FRACTION = 0.05

#: Electronic character of bulk phases that form at Li-metal/electrolyte interfaces, from their
#: electronic structure: "insulator" (ionic, wide band gap: electronically blocking), "semiconductor"
#: (small band gap, still considered electronically blocking in interphases, e.g. Li3P) or "metallic"
#: (metals and Li alloys: electron conducting). Science metadata, not expected answers.
PRODUCT_ELECTRONIC_CHARACTER: dict[str, str] = {
    "Li2S": "insulator",
    "LiCl": "insulator",
    "LiBr": "insulator",
    "LiI": "insulator",
    "LiF": "insulator",
    "Li2O": "insulator",
    "Li2O2": "insulator",
    "Li3PO4": "insulator",
    "Li3PS4": "insulator",
    "Li6PS5Cl": "insulator",
    "Li7P3S11": "insulator",
    "antifluorite_mixed": "insulator",  # Li2S-like (S,P,Cl) antifluorite, phases.ANTIFLUORITE_MIXED
    "Li2Se": "insulator",
    "Li3P": "semiconductor",
    "Li3N": "semiconductor",
    "Li3As": "semiconductor",
    "Li3Sb": "semiconductor",
    "Li": "metallic",
    "Ge": "semiconductor",
    "Si": "semiconductor",
    "Li15Ge4": "metallic",
    "Li22Ge5": "metallic",
    "LiGe": "metallic",
    "Li15Si4": "metallic",
    "Li22Si5": "metallic",
    "Li22Sn5": "metallic",
    "LiIn": "metallic",
    "LiAl": "metallic",
    "Ti": "metallic",
    "Fe": "metallic",
    "Co": "metallic",
    "Ni": "metallic",
    "Mn": "metallic",
    "Cu": "metallic",
    "In": "metallic",
    "Al": "metallic",
    "Nb": "metallic",
    "La": "metallic",
    "Zr": "metallic",
}

#: Group-14 elements that alloy with Li (negative formal charge = Li–X alloy environment).
ALLOYING_ELEMENTS = ("Si", "Ge", "Sn", "Pb")


# ----------------------------------------------------------------------------- thickness
def bin_deviation(
    state_depth_counts: np.ndarray,
    *,
    reference_frames: int = 1,
    min_deviation: float = MIN_DEVIATION,
    n_noise: float = N_NOISE,
    min_atoms: int = MIN_ATOMS,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-bin deviation from the pristine state distribution and the changed mask, both (F, B)."""
    counts = np.asarray(state_depth_counts, dtype=float)  # (F, S, B)
    ref = counts[: max(1, reference_frames)].mean(axis=0)  # (S, B)
    n_ref = ref.sum(axis=0)  # (B,)
    n_t = counts.sum(axis=1)  # (F, B)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_ref = np.where(n_ref > 0, ref / n_ref, 0.0)  # (S, B)
        p_t = np.where(n_t[:, None, :] > 0, counts / n_t[:, None, :], 0.0)  # (F, S, B)
    tvd = 0.5 * np.abs(p_t - p_ref[None]).sum(axis=1)  # (F, B)
    n_eff = np.maximum(np.minimum(n_t, n_ref[None]), 1.0)
    noise = np.sqrt(p_ref * (1 - p_ref) / np.pi).sum(axis=0)[None] / np.sqrt(n_eff)
    threshold = np.maximum(min_deviation, n_noise * noise)
    # nearly empty bins carry no distribution: in a layered crystal whole atomic planes cross
    # bin edges with thermal motion, so occupancy alone is no evidence of reaction
    sparse = (n_ref[None] < min_atoms) | (n_t < min_atoms)
    changed = ~sparse & (tvd > threshold)
    tvd = np.where(sparse, 0.0, tvd)
    return tvd, changed


def fill_gaps(changed: np.ndarray, max_gap_bins: int = 1, periodic: bool = False) -> np.ndarray:
    """Fill runs of at most ``max_gap_bins`` False between True values along the last axis."""
    from scipy.ndimage import binary_closing

    if max_gap_bins <= 0:
        return changed
    pad = max_gap_bins + 1
    n = changed.shape[1]
    mode = "wrap" if periodic else "constant"
    padded = np.pad(changed, ((0, 0), (pad, pad)), mode=mode)
    structure = np.ones((1, max_gap_bins + 1), dtype=bool)
    closed = binary_closing(padded, structure=structure)
    # binary_closing erodes the padded borders of a non-periodic axis: keep the original there
    return (closed[:, pad : pad + n] | changed) if n else changed


def interphase_thickness(
    speciation: TrajectorySpeciation,
    *,
    reference_frames: int = 1,
    min_deviation: float = MIN_DEVIATION,
    n_noise: float = N_NOISE,
    min_atoms: int = MIN_ATOMS,
    max_gap_bins: int = 1,
    periodic: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Interphase thickness per frame (Å) and the changed-bin mask (F, B)."""
    _, changed = bin_deviation(
        speciation.state_depth_counts,
        reference_frames=reference_frames,
        min_deviation=min_deviation,
        n_noise=n_noise,
        min_atoms=min_atoms,
    )
    changed = fill_gaps(changed, max_gap_bins, periodic)
    widths = np.diff(speciation.z_edges_A)
    return (changed * widths[None]).sum(axis=1), changed


# ----------------------------------------------------------------------------- growth laws
@dataclass
class GrowthFit:
    """One growth law fitted through the origin, d = k · t**exponent."""

    law: Literal["linear", "parabolic"]
    exponent: float
    k: float  # Å / ps**exponent
    rss_A2: float
    aic: float
    r2: float

    @property
    def rate_nm_per_ns(self) -> float:
        """k in nm/ns (linear) or nm/ns**0.5 (parabolic)."""
        return self.k * 0.1 * (1000.0**self.exponent)

    @property
    def unit(self) -> str:
        return "nm/ns" if self.law == "linear" else "nm/ns^0.5"


def fit_growth_laws(times_ps: np.ndarray, thickness_A: np.ndarray) -> dict[str, GrowthFit]:
    """Least-squares fits of d = k t and d = k √t (through the origin, t from the first frame)."""
    t = np.asarray(times_ps, dtype=float)
    d = np.asarray(thickness_A, dtype=float)
    if len(t) != len(d):
        raise AnalysisError("times and thicknesses differ in length; pass one thickness per frame")
    t = t - t[0]
    n = len(t)
    out = {}
    ss_tot = float(((d - d.mean()) ** 2).sum())
    for law, exponent in (("linear", 1.0), ("parabolic", 0.5)):
        x = np.power(np.clip(t, 0, None), exponent)
        sxx = float((x * x).sum())
        k = float((x * d).sum() / sxx) if sxx > 0 else 0.0
        rss = float(((d - k * x) ** 2).sum())
        aic = n * np.log(max(rss, 1e-12) / max(n, 1)) + 2.0
        r2 = 1.0 - rss / ss_tot if ss_tot > 0 else (1.0 if rss < 1e-12 else 0.0)
        out[law] = GrowthFit(law=law, exponent=exponent, k=k, rss_A2=rss, aic=float(aic), r2=float(r2))
    return out


def best_growth_law(fits: dict[str, GrowthFit]) -> GrowthFit:
    """The fit with the lower AIC."""
    return min(fits.values(), key=lambda f: f.aic)


# ----------------------------------------------------------------------------- consumption
def characteristic_fragment(speciation: TrajectorySpeciation) -> str | None:
    """The most abundant polyatomic fragment of the first frame (e.g. ``PS4``; ties: the larger
    fragment), else None."""
    counts = speciation.fragment_counts[0]
    best, best_n = None, (0, 0)
    for k, lab in enumerate(speciation.fragment_labels):
        n_atoms = _label_atom_count(lab)
        key = (int(counts[k]), n_atoms)
        if n_atoms >= 2 and not lab.endswith("_net") and counts[k] > 0 and (best is None or key > best_n):
            best, best_n = lab, key
    return best


def _label_atom_count(label: str) -> int:
    import re

    return sum(int(n) if n else 1 for _, n in re.findall(r"([A-Z][a-z]?)(\d*)", label.replace("_net", "")))


def consumption_rate(
    speciation: TrajectorySpeciation,
    fragment: str | None = None,
    *,
    fragments_per_formula_unit: float = 1.0,
    n_interfaces: int = 1,
) -> tuple[float | None, str | None]:
    """Electrolyte consumption in formula units per nm² per ps (positive when consumed)."""
    fragment = fragment or characteristic_fragment(speciation)
    if fragment is None or fragment not in speciation.fragment_labels or speciation.n_frames < 2:
        return None, fragment
    counts = speciation.fragment_counts[:, speciation.fragment_labels.index(fragment)].astype(float)
    t_ps = (np.asarray(speciation.times_fs) - speciation.times_fs[0]) / 1000.0
    if np.ptp(t_ps) <= 0:
        return None, fragment
    slope = np.polyfit(t_ps, counts, 1)[0]
    area_nm2 = float(np.mean(speciation.area_A2)) / 100.0 * max(n_interfaces, 1)
    return float(-slope / fragments_per_formula_unit / area_nm2), fragment


def consumed_extent(
    speciation: TrajectorySpeciation,
    fragment: str | None,
    *,
    fragments_per_formula_unit: float = 1.0,
    n_interfaces: int = 1,
) -> tuple[float | None, float | None]:
    """Reaction extent at the end of the run: electrolyte consumed (formula units per nm² of
    interface) and the fraction of the first frame's ``fragment`` units gone (mean of the last
    tenth of the frames against the first frame; negative values are noise around zero)."""
    if fragment is None or fragment not in speciation.fragment_labels or speciation.n_frames < 2:
        return None, None
    counts = speciation.fragment_counts[:, speciation.fragment_labels.index(fragment)].astype(float)
    if counts[0] <= 0:
        return None, None
    lost = counts[0] - counts[-max(1, len(counts) // 10):].mean()
    area_nm2 = float(np.mean(speciation.area_A2)) / 100.0 * max(n_interfaces, 1)
    return float(lost / fragments_per_formula_unit / area_nm2), float(lost / counts[0])


# ----------------------------------------------------------------------------- classification
@dataclass
class InterphaseClassification:
    """Passivating / MIEC / none, with the evidence."""

    kind: Literal["passivating", "MIEC", "none"]
    reason: str
    insulating_products: list[str] = field(default_factory=list)
    conducting_products: list[str] = field(default_factory=list)


def growing_phases(
    assignment: PhaseAssignment,
    min_fraction: float = MIN_PRODUCT_FRACTION,
    n_noise: float = N_NOISE,
) -> dict[str, float]:
    """Phases whose fraction grows beyond the noise → their gain (fraction of their element).

    The gain is the mean fraction over the last tenth of the analysed frames minus the mean over the
    first tenth. It counts when it reaches ``min_fraction`` and ``n_noise`` times the phase's
    frame-to-frame scatter (standard deviation within those two windows, pooled): similar
    environments such as the thiophosphates Li3PS4, Li7P3S11 and Li6PS5Cl swap assignments as the
    atoms vibrate, which a single starting frame would read as growth.
    """
    f = assignment.phase_fractions
    if len(f) == 0:
        return {}
    growth, scatter = _gain_and_scatter(f)
    threshold = np.maximum(min_fraction, n_noise * scatter)
    return {p: float(g) for p, g, t in zip(assignment.phases, growth, threshold) if g >= t}


def _gain_and_scatter(series: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(F, K) series → the gain of each column (mean of the last tenth of the frames minus the
    mean of the first tenth) and its frame-to-frame scatter (pooled standard deviation within
    those two windows; 0 with one frame per window)."""
    window = max(1, len(series) // 10)
    head, tail = series[:window], series[-window:]
    gain = tail.mean(axis=0) - head.mean(axis=0)
    if window == 1:
        return gain, np.zeros_like(gain)
    return gain, np.sqrt(0.5 * (head.var(axis=0, ddof=1) + tail.var(axis=0, ddof=1)))


def is_molecular_polyanion(label: str) -> bool:
    """True for a finite fragment of several atoms (``PS4``, ``P2S7``, ``PO4``), not an isolated
    anion (``S``) or an extended network (``CoO2_net``)."""
    import re

    return not label.endswith("_net") and not re.fullmatch(r"[A-Z][a-z]?", label)


def fragments_grow(
    speciation: TrajectorySpeciation, labels: set[str], n_noise: float = N_NOISE
) -> bool:
    """True when any fragment of ``labels`` grows in count by at least one fragment and ``n_noise``
    times its frame-to-frame scatter (last tenth of the frames against the first tenth)."""
    columns = [speciation.fragment_labels.index(lab) for lab in labels & set(speciation.fragment_labels)]
    if not columns:
        return False
    gain, scatter = _gain_and_scatter(speciation.fragment_counts[:, columns].astype(float))
    return bool(np.any(gain >= np.maximum(1.0, n_noise * scatter)))


def products_with_new_fragments(
    products: dict[str, float],
    phase_labels: dict[str, set[str]],
    speciation: TrajectorySpeciation,
) -> dict[str, float]:
    """Keep the growing phases whose molecular polyanions (``P2S7`` of Li7P3S11, ``PO4`` of
    Li3PO4) actually form; a phase built on polyanions that do not grow (Li7P3S11 read on the PS4
    of a Li3PS4 electrolyte) is an environment swap between similar thiophosphates, not a product.
    Phases of isolated anions or networks only (Li2S, LiCl, Co3O4) are judged by their
    environments alone."""
    kept = {}
    for phase, gain in products.items():
        molecular = {lab for lab in phase_labels.get(phase, set()) if is_molecular_polyanion(lab)}
        if not molecular or fragments_grow(speciation, molecular):
            kept[phase] = gain
    return kept


def growing_isolated_anions(
    speciation: TrajectorySpeciation, min_fraction: float = MIN_PRODUCT_FRACTION
) -> dict[str, float]:
    """Amorphous ionic products: isolated anions (``S``, ``P``, ``Cl``, ``O``, ``N``, ``F`` fragments)
    whose share of their element grows, keyed by their Li binary (``Li2S``, ``Li3P``, ``LiCl``).

    This catches products that have not (yet) ordered into the crystal the fingerprints look for.
    Group-14 elements are left out: isolated Ge/Si/Sn are Li-alloy environments
    (:func:`conducting_states`).
    """
    import re

    from pymatgen.core import Composition, Element

    out: dict[str, float] = {}
    counts = speciation.fragment_counts.astype(float)
    tail = max(1, len(counts) // 10)
    for k, label in enumerate(speciation.fragment_labels):
        if not re.fullmatch(r"[A-Z][a-z]?", label) or label in ALLOYING_ELEMENTS:
            continue
        el = Element(label)
        if el.block != "p" or el.is_metal:
            continue
        n_el = max(int((speciation.numbers == el.Z).sum()), 1)
        gain = (counts[-tail:, k].mean() - counts[0, k]) / n_el
        if gain >= min_fraction:
            charge = 8 - (el.group - 10)
            out[Composition({"Li": charge, label: 1}).reduced_formula] = float(gain)
    return out


def conducting_states(
    speciation: TrajectorySpeciation, changed: np.ndarray | None = None, min_fraction: float = MIN_PRODUCT_FRACTION
) -> dict[str, float]:
    """Reduced-metal, reduced-cation and Li-alloy states (``Ti0@...``, ``Ti+3@...`` where Ti
    started as +4, ``Ge-4@Ge``) whose share grows: metal atoms, mixed-valence cations (electron
    polarons hop between Ti3+ and Ti4+, as in Li-inserted NASICONs) and Zintl alloys all conduct
    electrons.

    Returns state → growth of the fraction of that element's atoms in the state.
    """
    import re

    from pymatgen.core import Element

    out: dict[str, float] = {}
    counts = speciation.state_counts.astype(float)
    parsed = {k: re.match(r"([A-Z][a-z]?)([+-]?\d+)(@.*)?$", state)
              for k, state in enumerate(speciation.state_labels)}
    initial = _initial_cation_states(parsed, counts[0])
    for k, state in enumerate(speciation.state_labels):
        m = parsed[k]
        if not m:
            continue
        symbol, charge = m.group(1), int(m.group(2))
        el = Element(symbol)
        cation_metal = el.is_metal and not el.is_alkali and not el.is_alkaline and symbol != "Li"
        reduced_metal = cation_metal and abs(charge) < 0.5
        reduced_cation = cation_metal and 0 < charge < initial.get(symbol, 0)
        alloy = symbol in ALLOYING_ELEMENTS and charge < 0
        if not (reduced_metal or reduced_cation or alloy):
            continue
        z = el.Z
        n_el = max(int((speciation.numbers == z).sum()), 1)
        tail = max(1, len(counts) // 10)
        growth = (counts[-tail:, k].mean() - counts[0, k]) / n_el
        if growth >= min_fraction:
            out[state] = float(growth)
    return out


def _initial_cation_states(parsed: dict, first_counts: np.ndarray) -> dict[str, int]:
    """Element → its most common positive state in the first frame (the unreacted bulk's)."""
    tally: dict[str, dict[int, float]] = {}
    for k, m in parsed.items():
        if m and int(m.group(2)) > 0 and first_counts[k] > 0:
            by_state = tally.setdefault(m.group(1), {})
            by_state[int(m.group(2))] = by_state.get(int(m.group(2)), 0.0) + first_counts[k]
    return {symbol: max(by_state, key=by_state.get) for symbol, by_state in tally.items()}


def classify_interphase(
    products: dict[str, float],
    conducting: dict[str, float] | None = None,
    character: dict[str, str] | None = None,
    amorphous: dict[str, float] | None = None,
) -> InterphaseClassification:
    """Classify from growing product phases (phase → fraction gain), conducting states and
    amorphous ionic products (Li binary → gain, from :func:`growing_isolated_anions`)."""
    table = PRODUCT_ELECTRONIC_CHARACTER if character is None else character
    conducting = conducting or {}
    insulating = sorted(p for p in products if table.get(p) in ("insulator", "semiconductor"))
    insulating += sorted(
        f"{p} (amorphous)" for p in (amorphous or {})
        if p not in insulating and table.get(p) in ("insulator", "semiconductor")
    )
    metallic = sorted(p for p in products if table.get(p) == "metallic")
    unknown = sorted(p for p in products if p not in table)
    if metallic or conducting:
        evidence = metallic + [f"{s} atoms" for s in sorted(conducting)]
        return InterphaseClassification(
            kind="MIEC",
            reason=(
                f"electronically conducting products form ({', '.join(evidence)}): electrons can "
                "cross the interphase, so it keeps growing"
            ),
            insulating_products=insulating,
            conducting_products=metallic + sorted(conducting),
        )
    if insulating:
        return InterphaseClassification(
            kind="passivating",
            reason=(
                f"only ionically conducting, electronically insulating products form "
                f"({', '.join(insulating)}): the interphase blocks electrons and can self-limit"
            ),
            insulating_products=insulating,
        )
    if unknown:
        return InterphaseClassification(
            kind="none",
            reason=f"products {', '.join(unknown)} have no entry in the electronic-character table",
        )
    return InterphaseClassification(kind="none", reason="no product phase grows beyond the noise")
