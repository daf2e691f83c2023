"""Comparing two profile results (e.g. with and without a LiNbO3 buffer)."""

from __future__ import annotations

import numpy as np

from interfaceflow.analysis.profile_results import ProfileComparison, ProfileResult


def compare_profiles(doc_a: ProfileResult | dict, doc_b: ProfileResult | dict) -> ProfileComparison:
    """Compare two :class:`ProfileResult` documents (or their dicts, as stored).

    Typical use: ``a`` = LiCoO2 | β-Li3PS4, ``b`` = LiCoO2 | LiNbO3 | β-Li3PS4. Sides are matched
    by name; the verdict uses the electrolyte side (or the last common side without region
    labels).
    """
    a, b = _as_result(doc_a), _as_result(doc_b)

    def diff(x, y):
        return None if x is None or y is None else y - x

    common = [side for side in a.sides if side in b.sides]
    excess = {
        side: {
            "a": a.li_excess_per_nm2.get(side), "b": b.li_excess_per_nm2.get(side),
            "b_minus_a": diff(a.li_excess_per_nm2.get(side), b.li_excess_per_nm2.get(side)),
            "a_err": a.li_excess_err_per_nm2.get(side), "b_err": b.li_excess_err_per_nm2.get(side),
        }
        for side in common
    }
    widths = {
        side: {
            "a": a.depletion_width_A.get(side), "b": b.depletion_width_A.get(side),
            "b_minus_a": diff(a.depletion_width_A.get(side), b.depletion_width_A.get(side)),
        }
        for side in common
    }
    target = "electrolyte" if "electrolyte" in common else (common[-1] if common else None)
    reduction = suppressed = None
    if target is not None:
        ea, eb = excess[target]["a"], excess[target]["b"]
        if ea is not None and eb is not None and ea != 0:
            reduction = 1.0 - abs(eb) / abs(ea)
            err = np.hypot(excess[target]["a_err"] or 0.0, excess[target]["b_err"] or 0.0)
            suppressed = bool(abs(ea) - abs(eb) > err)
    steps = {
        "a": a.potential_step_V,
        "b": b.potential_step_V,
        "b_minus_a": diff(a.potential_step_V, b.potential_step_V),
    }
    summary = _comparison_summary(
        a.label or "a", b.label or "b", steps, target, excess, widths, reduction, suppressed
    )
    return ProfileComparison(
        label_a=a.label, label_b=b.label, potential_step_V=steps, common_sides=common,
        li_excess_per_nm2=excess, depletion_width_A=widths,
        electrolyte_deficit_reduction=reduction, layer_suppressed=suppressed, summary=summary,
    )


def _as_result(doc: ProfileResult | dict) -> ProfileResult:
    """A result from a document or a stored dict (monty's ``@module``/``@class`` keys dropped)."""
    if isinstance(doc, ProfileResult):
        return doc

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if not str(k).startswith("@")}
        return [strip(v) for v in value] if isinstance(value, list) else value

    return ProfileResult.model_validate(strip(doc))


def _fmt(x: float | None, unit: str) -> str:
    return "n/a" if x is None else f"{x:+.3g} {unit}"


def _comparison_summary(la, lb, steps, target, excess, widths, reduction, suppressed) -> str:
    parts = [f"potential step: {la} {_fmt(steps['a'], 'V')}, {lb} {_fmt(steps['b'], 'V')}"]
    if target is not None:
        parts.append(
            f"{target} Li excess: {la} {_fmt(excess[target]['a'], 'Li/nm2')}, "
            f"{lb} {_fmt(excess[target]['b'], 'Li/nm2')}"
        )
        wa, wb = widths[target]["a"], widths[target]["b"]
        parts.append(f"{target} layer width: {la} {_fmt(wa, 'A')}, {lb} {_fmt(wb, 'A')}")
    if reduction is not None:
        verdict = "suppressed" if suppressed else "not significantly reduced"
        parts.append(f"deficit reduced by {100 * reduction:.0f}% ({verdict})")
    return "; ".join(parts)
