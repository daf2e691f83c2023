"""Study documents as tables: one flat row of headline numbers per study, and tidy per-analysis
tables across studies (pandas DataFrames; units in the column names).

Rows are built from the typed summaries of :class:`~interfaceflow.workflows.summary.InterfaceStudyDocument`
only, so a table of thousands of studies needs no data-store blob.
"""

from __future__ import annotations

from typing import Any, Literal

from interfaceflow.errors import StoreError
from interfaceflow.workflows.summary import InterfaceStudyDocument

CompareWhat = Literal["products", "diffusion", "profiles", "thermo"]
COMPARE_WHAT: tuple[str, ...] = ("products", "diffusion", "profiles", "thermo")


def study_row(study: InterfaceStudyDocument) -> dict[str, Any]:
    """The headline numbers of one study as a flat mapping (units in the keys).

    Diffusion columns are per region and direction (``D_cm2_per_s[electrolyte,xyz]``); D and sigma
    are None unless that result reached the diffusive regime (its ``status`` column says which).
    """
    row: dict[str, Any] = {
        "study_id": study.study_id, "name": study.name, "electrode": study.electrode,
        "electrolyte": study.electrolyte, "coating": study.coating, "calculator": study.calculator,
        "model": study.model, "temperature_K": study.temperature_K, "created": study.created,
        "device": study.provenance.device, "dtype": study.provenance.dtype,
    }
    if study.build is not None:
        row.update(n_atoms=study.build.n_atoms, area_A2=study.build.area_A2,
                   max_strain_pct=max(study.build.strain_pct.values(), default=None))
    if study.md is not None:
        row.update(simulated_time_ps=study.md.simulated_time_ps, ns_per_day=study.md.ns_per_day)
    analyses = study.analyses
    if analyses.products is not None:
        p = analyses.products
        row.update(observed_products=", ".join(sorted(p.observed_products)) or None,
                   interphase_thickness_A=p.interphase_thickness_A, growth_law=p.growth_law,
                   growth_rate=p.growth_rate, growth_rate_unit=p.growth_rate_unit,
                   consumption_fu_per_nm2_per_ps=p.consumption_fu_per_nm2_per_ps,
                   consumed_fu_per_nm2=p.consumed_fu_per_nm2, consumed_fraction=p.consumed_fraction,
                   classification=p.classification)
    if analyses.thermo is not None:
        t = analyses.thermo
        row.update(predicted_products=", ".join(sorted(t.predicted_products)) or None,
                   window_lower_V=t.window_lower_V, window_upper_V=t.window_upper_V,
                   reaction_energy_eV_per_atom=t.reaction_energy_eV_per_atom,
                   e_above_hull_eV_per_atom=t.e_above_hull_eV_per_atom)
    if analyses.profiles is not None:
        pr = analyses.profiles
        row.update(potential_step_V=pr.potential_step_V, potential_step_err_V=pr.potential_step_err_V)
        for side, value in pr.li_excess_per_nm2.items():
            row[f"li_excess_per_nm2[{side}]"] = value
            row[f"li_excess_err_per_nm2[{side}]"] = pr.li_excess_err_per_nm2.get(side)
    if analyses.diffusion is not None:
        for r in analyses.diffusion.regions:
            key = f"[{r.region or 'all'},{r.direction}]"
            row.update({f"diffusion_status{key}": r.status, f"D_cm2_per_s{key}": r.D_cm2_per_s,
                        f"D_err_cm2_per_s{key}": r.D_err_cm2_per_s,
                        f"sigma_S_per_cm{key}": r.conductivity_S_per_cm,
                        f"sigma_err_S_per_cm{key}": r.conductivity_err_S_per_cm,
                        f"D_upper_bound_cm2_per_s{key}": r.D_upper_bound_cm2_per_s})
    if analyses.arrhenius is not None:
        for fit in analyses.arrhenius.fits:
            key = f"[{fit.region or 'all'},{fit.direction}]"
            row.update({f"Ea_eV{key}": fit.Ea_eV, f"Ea_err_eV{key}": fit.Ea_err_eV,
                        f"sigma_300K_S_per_cm{key}": fit.conductivity_300K_S_per_cm})
    return row


def to_dataframe(studies: list[InterfaceStudyDocument], fields: list[str] | None = None):
    """One row per study (:func:`study_row`); ``fields`` keeps those columns, in that order."""
    import pandas as pd

    frame = pd.DataFrame([study_row(s) for s in studies])
    if fields is None:
        return frame
    unknown = [f for f in fields if f not in frame.columns]
    if unknown and len(frame):
        shown = ", ".join(frame.columns[:20])
        more = f" and {len(frame.columns) - 20} more ('interfaceflow results --format csv' shows all)" \
            if len(frame.columns) > 20 else ""
        raise StoreError(f"unknown fields {unknown}; choose from: {shown}{more}")
    return frame.reindex(columns=list(fields))


def compare_dataframe(studies: list[InterfaceStudyDocument], what: CompareWhat):
    """A tidy table of one analysis across studies: one row per (study, phase | region | side)."""
    import pandas as pd

    if what not in COMPARE_WHAT:
        raise StoreError(f"unknown comparison {what!r}; use one of {', '.join(COMPARE_WHAT)}")
    rows = [{"study_id": s.study_id, "name": s.name, "calculator": s.calculator, "model": s.model,
             "temperature_K": s.temperature_K, **item} for s in studies for item in _items(s, what)]
    return pd.DataFrame(rows)


def _items(study: InterfaceStudyDocument, what: str) -> list[dict[str, Any]]:
    summary = getattr(study.analyses, what)
    if summary is None:
        return []
    if what == "products":
        predicted = {r.phase: r.predicted_fraction for r in summary.predicted_vs_observed}
        phases = sorted(set(summary.observed_products) | set(predicted))
        return [{"phase": ph, "observed_gain": summary.observed_products.get(ph),
                 "predicted_fraction": predicted.get(ph), "interphase_thickness_A": summary.interphase_thickness_A,
                 "growth_law": summary.growth_law, "classification": summary.classification} for ph in phases]
    if what == "diffusion":
        return [{"region": r.region or "all", "direction": r.direction, "status": r.status,
                 "D_cm2_per_s": r.D_cm2_per_s, "D_err_cm2_per_s": r.D_err_cm2_per_s,
                 "D_upper_bound_cm2_per_s": r.D_upper_bound_cm2_per_s,
                 "sigma_S_per_cm": r.conductivity_S_per_cm, "sigma_err_S_per_cm": r.conductivity_err_S_per_cm}
                for r in summary.regions]
    if what == "profiles":
        return [{"side": side, "li_excess_per_nm2": summary.li_excess_per_nm2.get(side),
                 "li_excess_err_per_nm2": summary.li_excess_err_per_nm2.get(side),
                 "depletion_width_A": summary.depletion_width_A.get(side),
                 "potential_step_V": summary.potential_step_V} for side in summary.sides]
    return [{"window_lower_V": summary.window_lower_V, "window_upper_V": summary.window_upper_V,
             "reaction_energy_eV_per_atom": summary.reaction_energy_eV_per_atom,
             "e_above_hull_eV_per_atom": summary.e_above_hull_eV_per_atom,
             "predicted_products": ", ".join(sorted(summary.predicted_products))}]
