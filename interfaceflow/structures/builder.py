"""Build electrode | (coating |) electrolyte interface cells.

The recipe: orient each bulk phase on its (hkl) plane (:class:`.slabs.OrientedBulk`); find
coincident in-plane superlattices, keeping the stiffest phase unstrained by default (a fast NumPy
ZSL, :func:`.matching.match_lattices`, ranks every Miller combination; the best-ranked
combinations are then matched again with pymatgen's ZSLGenerator, :func:`.matching.zsl_match_lattices`,
whose supercells are the ones built); stack an integer number of oriented-cell periods per
phase so that the atom budget is met (each slab keeps bulk composition and whole polyanions);
enumerate terminations (:mod:`.assembly`); and record everything in an :class:`.report.InterfaceBuildReport`.

:func:`matched_candidates` does the matching once and returns a :class:`MatchedCandidates`;
:func:`build_matched_interface` builds any of its candidates without matching again, and
:func:`build_interface` does both. Ranking by MLIP energy sits above this module
(:mod:`.ranking`, :mod:`.candidates`).

Geometry: ``vacuum_A == 0`` gives a periodic sandwich (no vacuum; every slab touches its
neighbours on both sides, so an electrode|electrolyte cell holds two interfaces and a coated one
is electrode|coating|electrolyte|coating). ``vacuum_A > 0`` gives one stack with free surfaces.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
from pymatgen.core import Composition, Structure

from interfaceflow.errors import StructureError
from interfaceflow.provenance import package_versions
from interfaceflow.structures.assembly import (
    Stacking,
    broken_polyanion_count,
    built_terminations,
    dipole_density_eA_per_A2,
    fixed_atoms_mask,
    min_pair_distance,
)
from interfaceflow.structures.library import load_structure, phase_metadata
from interfaceflow.structures.matching import LatticeMatch, match_lattices, zsl_match_lattices
from interfaceflow.structures.report import (
    CandidateInterface, InterfaceBuild, InterfaceBuildReport, SearchRecord, build_fingerprint,
)
from interfaceflow.structures.settings import BuildSettings, StrainSide, build_settings
from interfaceflow.structures.slabs import Miller, OrientedBulk, miller_options, parse_miller

logger = logging.getLogger("interfaceflow.structures")
#: Receives one line per search stage (and per few Miller combinations): ``progress("screened 3/9 ...")``.
Progress = Callable[[str], None]

#: Score penalty per unit of |ln(area / target area)| (a factor 2 off the target costs 1.4 % strain).
AREA_WEIGHT = 2.0
#: Closest two atoms may come before the build is refused as overlapping (Å).
OVERLAP_A = 0.9
#: Largest interface area searched when ``max_area_A2`` is not given: this many times the target (Å²).
MAX_AREA_OVER_TARGET = 2.5
#: Number of best-scored matches compared for a non-polar termination when no candidate is chosen.
AUTO_CANDIDATES = 4
#: How lattice matches were found (``CandidateInterface.matcher``, ``InterfaceBuildReport.matcher``).
MATCHER_ZSL = "pymatgen ZSLGenerator"
MATCHER_SCREEN = "numpy ZSL screen"
MATCHER_FALLBACK = "numpy ZSL screen (pymatgen ZSLGenerator found no such match)"
SCREENING = "numpy ZSL (interfaceflow.structures.matching.match_lattices)"
#: Shortest interval between two progress messages about screened Miller combinations (s).
PROGRESS_INTERVAL_S = 1.0
#: The no-match error looks for the smallest feasible atom budget up to this many times ``max_atoms`` ...
FEASIBLE_ATOMS_FACTOR = 3
#: ... but at least this many atoms,
FEASIBLE_MIN_ATOMS = 1000
#: ... for the least strain (%) that fits ``max_atoms`` up to the largest ``max_strain_pct`` allowed,
FEASIBLE_STRAIN_PCT = 20.0
#: ... among this many matches (smallest areas first) per Miller combination,
FEASIBLE_MATCHES = 400
#: ... and stops when the search has taken this many times ``time_budget_s``.
FEASIBLE_TIME_FACTOR = 1.5


@dataclass
class _Side:
    region: str
    name: str
    structure: Structure
    oxidation_states: dict[str, float] | None
    bulk_modulus_GPa: float | None


# ----------------------------------------------------------------------------------- inputs


def _side(spec: Any, region: str) -> _Side:
    structure = load_structure(spec)
    phase = phase_metadata(spec)
    if phase is not None:
        return _Side(region, phase.name, structure, phase.oxidation_states, phase.bulk_modulus_GPa)
    oxi = None
    try:
        guesses = structure.composition.oxi_state_guesses(max_sites=-20)
        oxi = dict(guesses[0]) if guesses else None
    except Exception:  # noqa: BLE001 - oxidation states are optional
        oxi = None
    if oxi is None and len(structure.composition.elements) == 1:
        oxi = {structure.composition.elements[0].symbol: 0.0}
    name = spec if isinstance(spec, str) else structure.composition.reduced_formula
    return _Side(region, Path(str(name)).name, structure, oxi, None)


def _reference_region(sides: dict[str, _Side], strain_side: StrainSide) -> str:
    if strain_side == "electrode":
        return "electrolyte"
    if strain_side == "electrolyte":
        return "electrode"
    if strain_side != "softer":
        raise StructureError(f"strain_side {strain_side!r} is not one of softer, electrode, electrolyte")
    # the stiffest phase stays unstrained; unknown moduli count as 50 GPa
    return max(sides, key=lambda r: (sides[r].bulk_modulus_GPa or 50.0, r == "electrolyte"))


# ----------------------------------------------------------------------------------- planning


@dataclass
class _Search:
    """Limits, clock and progress messages of one candidate search; orients each bulk once."""

    sides: dict[str, _Side]
    order: list[str]  # reference (unstrained) region first
    options: dict[str, list[Miller]]
    stacking: Stacking
    max_atoms: int
    max_strain_pct: float
    max_area_A2: float | None
    min_inplane_A: float
    max_miller_index: int
    time_budget_s: float
    progress: Progress | None = None
    cache: dict[tuple[str, Miller], OrientedBulk] = field(default_factory=dict)
    t0: float = field(default_factory=time.perf_counter)
    screened: int = 0
    zsl_combinations: int = 0
    complete: bool = True
    said_at: float = -np.inf

    def combos(self) -> list[tuple[Miller, ...]]:
        """Every Miller combination (in ``order``), lowest indices first."""
        return sorted(product(*(self.options[r] for r in self.order)),
                      key=lambda c: sum(abs(x) for m in c for x in m))

    def orient(self, region: str, miller: Miller) -> OrientedBulk:
        key = (region, miller)
        if key not in self.cache:
            s = self.sides[region]
            self.cache[key] = OrientedBulk.from_structure(
                s.structure, miller, region=region, name=s.name,
                oxidation_states=s.oxidation_states, bulk_modulus_GPa=s.bulk_modulus_GPa,
            )
        return self.cache[key]

    def area_limits(self, oriented: dict[str, OrientedBulk], max_atoms: int | None = None) -> tuple[float, float]:
        """Largest area searched and the target area the score prefers (Å²), for ``max_atoms`` atoms.

        The thinnest allowed slabs bound the search area; slabs of the target thickness give the target area.
        """
        thinnest, target = self.stacking.atoms_per_A2(oriented, self.order)
        max_atoms = self.max_atoms if max_atoms is None else max_atoms
        return min(self.max_area_A2 or MAX_AREA_OVER_TARGET * max_atoms / target, max_atoms / thinnest), \
            max_atoms / target

    def atoms_for_area(self, oriented: dict[str, OrientedBulk], area_A2: float) -> int:
        """Smallest atom budget whose search area reaches ``area_A2`` (``max_area_A2`` aside)."""
        thinnest, target = self.stacking.atoms_per_A2(oriented, self.order)
        return int(np.ceil(area_A2 * max(thinnest, target / MAX_AREA_OVER_TARGET) - 1e-6))

    def wide_enough(self, oriented: dict[str, OrientedBulk], match: LatticeMatch) -> bool:
        ref_sl = match.supercells[0] @ oriented[self.order[0]].inplane_vectors
        return bool(np.linalg.norm(ref_sl, axis=1).min() >= self.min_inplane_A - 1e-6)

    def elapsed_s(self) -> float:
        return time.perf_counter() - self.t0

    def expired(self, factor: float = 1.0) -> bool:
        return self.elapsed_s() > self.time_budget_s * factor

    def say(self, message: str, *, throttle: bool = False) -> None:
        """Log ``message`` and pass it to the progress callback (``throttle``: at most one per interval)."""
        now = time.perf_counter()
        if throttle and now - self.said_at < PROGRESS_INTERVAL_S:
            logger.debug(message)
            return
        self.said_at = now
        logger.info(message)
        if self.progress is not None:
            self.progress(message)

    def record(self, total: int) -> SearchRecord:
        return SearchRecord(combinations_total=total, combinations_screened=self.screened,
                            zsl_combinations=self.zsl_combinations, max_miller_index=self.max_miller_index,
                            time_budget_s=self.time_budget_s, time_s=round(self.elapsed_s(), 3),
                            complete=self.complete)


def _describe(miller: dict[str, Miller]) -> str:
    return " | ".join(f"{r} ({','.join(map(str, m))})" for r, m in miller.items())


def _enumerate_candidates(
    search: _Search, *, matcher: str = MATCHER_SCREEN, combos: list[tuple[Miller, ...]] | None = None,
    max_area_A2: float | None = None,
) -> tuple[list[tuple[CandidateInterface, dict[str, OrientedBulk], LatticeMatch, list[str]]], list[dict]]:
    """Lattice matches over every Miller combination (or ``combos``, in ``search.order``), scored.

    Returns the matches, best first, and the oriented bulks of each combination without one (for
    the no-match error). ``matcher`` is :data:`MATCHER_SCREEN` (NumPy) or :data:`MATCHER_ZSL`
    (pymatgen; raises :class:`_OutOfTime` past the time budget). The screen (``combos`` None) stops
    when the time budget runs out. ``max_area_A2`` lowers the area searched below the budget's.
    """
    order, reference = search.order, search.order[0]
    find_matches = match_lattices if matcher == MATCHER_SCREEN else zsl_match_lattices
    screening = combos is None
    combos = search.combos() if screening else combos
    found, unfit = [], []
    for k, combo in enumerate(combos):
        if screening and search.expired():
            search.complete = False
            search.say(f"time_budget_s={search.time_budget_s:g} ran out after {k}/{len(combos)} Miller "
                       "combinations; the rest are not screened")
            break
        oriented = {r: search.orient(r, m) for r, m in zip(order, combo)}
        area_cap, target_area = search.area_limits(oriented)
        if max_area_A2 is not None:
            area_cap = min(area_cap, max_area_A2)
        matches = []
        if area_cap >= oriented[reference].area_A2 * 0.999:
            limits = dict(max_strain_pct=search.max_strain_pct, max_area_A2=area_cap)
            if not screening:
                limits["deadline"] = search.t0 + search.time_budget_s
            matches = find_matches(oriented[reference].inplane_vectors, [oriented[r].inplane_vectors for r in order[1:]],
                                   **limits)
            if matches is None:
                raise _OutOfTime
        n_before = len(found)
        for match in matches:
            plan = search.stacking.plan(oriented, match, order, search.max_atoms)
            if plan is None or not search.wide_enough(oriented, match):
                continue
            layers, n_atoms = plan
            candidate = CandidateInterface(
                miller={r: oriented[r].miller for r in order},
                supercells={r: m.tolist() for r, m in zip(order, match.supercells)},
                strain_pct={r: round(s, 4) for r, s in zip(order, match.strain_pct)},
                area_A2=round(match.area_A2, 4),
                layers=layers,
                thickness_A={r: round(layers[r] * oriented[r].period_A, 3) for r in order},
                n_atoms=n_atoms,
                score=round(match.max_strain_pct + AREA_WEIGHT * abs(np.log(match.area_A2 / target_area)), 6),
                matcher=matcher,
            )
            found.append((candidate, oriented, match, order))
        if len(found) == n_before:
            unfit.append(oriented)
        if screening:
            search.screened = k + 1
            search.say(f"screened {k + 1}/{len(combos)} Miller combinations in {search.elapsed_s():.1f} s: "
                       f"{len(found)} matches", throttle=k + 1 < len(combos))
    found.sort(key=_rank)
    unique, seen = [], set()
    for item in found:  # equivalent supercells of one match differ only in their basis
        key = _match_key(item[0])
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique, unfit


class _OutOfTime(Exception):
    """pymatgen's ZSLGenerator ran past the search's time budget (caught in :func:`_matched_with_zsl`)."""


def _order(sides: dict[str, _Side], reference: str) -> list[str]:
    return [reference] + [r for r in ("electrode", "coating", "electrolyte") if r in sides and r != reference]


def _rank(item: tuple) -> tuple:
    c = item[0]
    return c.score, c.n_atoms, json.dumps(c.miller, sort_keys=True), json.dumps(c.supercells, sort_keys=True)


def _match_key(c: CandidateInterface) -> tuple:
    miller, strain = json.dumps(c.miller, sort_keys=True), json.dumps(c.strain_pct, sort_keys=True)
    return miller, round(c.area_A2, 2), strain, c.n_atoms


def _combo(item: tuple) -> tuple[Miller, ...]:
    return tuple(item[0].miller[r] for r in item[3])


def _matched_with_zsl(found: list[tuple], n_top: int, search: _Search) -> list[tuple]:
    """Redo the Miller combinations of the best ``n_top`` screened candidates with pymatgen's ZSL.

    ZSL searches a combination up to the largest area among its best ``n_top`` candidates (its
    cost grows steeply with area); its candidates up to that area become pymatgen's matches,
    scored the same way; a screened match up to that area that ZSL does not reproduce is kept,
    marked :data:`MATCHER_FALLBACK`; larger ones keep :data:`MATCHER_SCREEN`. Repeats until the
    best ``n_top`` all come from ZSL, or the time budget runs out (the rest keep the screen's
    supercells, :data:`MATCHER_SCREEN`).
    """
    done: dict[tuple, float] = {}  # combination -> area searched with ZSL
    while True:
        pending = [item for item in found[:n_top] if item[0].matcher == MATCHER_SCREEN]
        if not pending:
            return found
        if search.expired():
            search.complete = False
            search.say(f"time_budget_s={search.time_budget_s:g} ran out before pymatgen's ZSLGenerator checked "
                       f"{len(pending)} of the best {n_top} matches; they keep the screen's supercells")
            return found
        candidate, combo = pending[0][0], _combo(pending[0])
        area = max(item[0].area_A2 for item in pending if _combo(item) == combo) * (1 + 1e-6) + 1e-6
        if done.get(combo, -1.0) >= area:  # cannot happen: ZSL relabelled every candidate up to that area
            return found
        done[combo] = area
        t0 = time.perf_counter()
        same = [item for item in found if _combo(item) == combo and item[0].area_A2 <= area]
        try:
            zsl, _ = _enumerate_candidates(search, matcher=MATCHER_ZSL, combos=[combo], max_area_A2=area)
        except _OutOfTime:
            search.complete = False
            search.say(f"time_budget_s={search.time_budget_s:g} ran out while pymatgen's ZSLGenerator matched "
                       f"{_describe(candidate.miller)}; {len(pending)} of the best {n_top} matches keep the "
                       "screen's supercells")
            return found
        search.zsl_combinations += 1
        search.say(f"pymatgen ZSLGenerator matched {_describe(candidate.miller)} up to {area:.0f} A^2 "
                   f"in {time.perf_counter() - t0:.1f} s")
        reproduced = {_match_key(item[0]) for item in zsl}
        missed = [item for item in same if _match_key(item[0]) not in reproduced]
        for item in missed:
            item[0].matcher = MATCHER_FALLBACK
        same_ids = {id(item) for item in same}
        found = sorted([item for item in found if id(item) not in same_ids] + zsl + missed, key=_rank)


def _nearest_feasible(search: _Search, unfit: list[dict]) -> tuple[tuple[int, float] | None, tuple[float, int] | None]:
    """What would give a match, from the combinations without one.

    Returns ``(atoms, area_A2)`` of the match within ``max_strain_pct`` that needs the smallest
    atom budget (searched up to :func:`_feasible_atoms`), and ``(strain_pct, atoms)`` of the least
    strained match (up to :data:`FEASIBLE_STRAIN_PCT`) that fits ``max_atoms``.
    """
    order, by_atoms, by_strain = search.order, None, None
    for oriented in unfit:
        if search.expired(FEASIBLE_TIME_FACTOR):
            break
        ref = oriented[order[0]].inplane_vectors
        others = [oriented[r].inplane_vectors for r in order[1:]]
        area_cap, _ = search.area_limits(oriented, _feasible_atoms(search.max_atoms))
        for match in match_lattices(ref, others, max_strain_pct=search.max_strain_pct, max_area_A2=area_cap,
                                    max_matches=FEASIBLE_MATCHES):
            if search.wide_enough(oriented, match):
                needed = max(search.stacking.min_atoms(oriented, match, order),
                             search.atoms_for_area(oriented, match.area_A2))
                if by_atoms is None or needed < by_atoms[0]:
                    by_atoms = (needed, match.area_A2)
        area_cap, _ = search.area_limits(oriented)
        if area_cap < oriented[order[0]].area_A2 * 0.999:
            continue
        for match in match_lattices(ref, others, max_strain_pct=FEASIBLE_STRAIN_PCT, max_area_A2=area_cap,
                                    max_matches=FEASIBLE_MATCHES):
            plan = search.stacking.plan(oriented, match, order, search.max_atoms)
            if plan is not None and search.wide_enough(oriented, match) and (
                    by_strain is None or match.max_strain_pct < by_strain[0]):
                by_strain = (match.max_strain_pct, plan[1])
    return by_atoms, by_strain


def _feasible_atoms(max_atoms: int) -> int:
    """Largest atom budget the no-match error searches for a match."""
    return max(FEASIBLE_ATOMS_FACTOR * max_atoms, FEASIBLE_MIN_ATOMS)


def _no_match_error(search: _Search, unfit: list[dict], total: int) -> StructureError:
    """One line: the limits that found nothing, and the nearest budget or strain that gives a match."""
    by_atoms, by_strain = _nearest_feasible(search, unfit)
    limits = f"max_atoms={search.max_atoms} and max_strain_pct={search.max_strain_pct:g}"
    if search.max_area_A2:
        limits += f" and max_area_A2={search.max_area_A2:g}"
    if search.screened < total:
        limits += (f" in the {search.screened} of {total} Miller combinations screened before "
                   f"time_budget_s={search.time_budget_s:g} ran out")
    fixes = []
    if by_atoms is not None:
        atoms, area = by_atoms
        area_fix = f" and max_area_A2={np.ceil(area):g}" if search.max_area_A2 and search.max_area_A2 < area else ""
        fixes.append(f"the smallest match needs max_atoms={atoms}{area_fix} (raise --max-atoms to {atoms})")
    if by_strain is not None and by_strain[0] > search.max_strain_pct:
        strain = np.ceil(by_strain[0] * 10 - 1e-6) / 10
        fixes.append(f"max_strain_pct={strain:g} gives {by_strain[1]} atoms (loosen --max-strain to {strain:g}; "
                     f"best strain found {by_strain[0]:.2f}%)")
    if not fixes:
        fixes.append(f"none either up to max_atoms={_feasible_atoms(search.max_atoms)} or "
                     f"{FEASIBLE_STRAIN_PCT:g}% strain; give other Miller indices or raise --set max_miller_index")
    if search.screened < total:
        fixes.append(f"raise --set time_budget_s to {2 * search.time_budget_s:g}")
    return StructureError(f"no lattice match within {limits}: " + ", or ".join(fixes))


# ----------------------------------------------------------------------------------- public API


@dataclass
class MatchedCandidates:
    """Lattice matches of one electrode | (coating |) electrolyte pair, best first, ready to build.

    Made by :func:`matched_candidates`. :func:`build_matched_interface` builds any of them without
    matching again; :func:`interfaceflow.structures.ranking.rank_by_interface_energy` ranks them.
    ``found`` holds ``(candidate, oriented bulks, lattice match, region order)`` per match;
    ``settings`` the matching keywords (``max_atoms``, ``max_strain_pct``, ``vacuum_A``, ...).
    """

    sides: dict[str, _Side]
    millers: dict[str, Miller | None]
    settings: dict[str, Any]
    found: list[tuple[CandidateInterface, dict[str, OrientedBulk], LatticeMatch, list[str]]]
    search: SearchRecord | None = None

    @property
    def candidates(self) -> list[CandidateInterface]:
        """The candidates, best first (``CandidateInterface.score``)."""
        return [c for c, *_ in self.found]

    @property
    def bulk_structures(self) -> dict[str, Structure]:
        """Bulk structure of each region, as loaded."""
        return {r: s.structure for r, s in self.sides.items()}

    def best(self, n: int) -> MatchedCandidates:
        """The same pair with only its best ``n`` matches."""
        return replace(self, found=self.found[:n])


def matched_candidates(
    electrode: Any,
    electrolyte: Any,
    *,
    coating: Any = None,
    settings: BuildSettings | None = None,
    zsl_top: int = AUTO_CANDIDATES,
    progress: Progress | None = None,
    **overrides: Any,
) -> MatchedCandidates:
    """Lattice matches (all Miller options when indices are not given), scored and sorted best first.

    The NumPy screen ranks every Miller combination up to ``max_miller_index``; the combinations of
    the best ``zsl_top`` (at least :data:`AUTO_CANDIDATES`) are matched again with pymatgen's
    ZSLGenerator (``CandidateInterface.matcher``); the best ``max_candidates`` are kept. The search
    stops screening when ``time_budget_s`` runs out (``MatchedCandidates.search`` says how far it
    got). ``progress`` receives one line per stage (also logged to ``interfaceflow.structures``).
    Arguments as in :func:`build_interface`.

    Raises:
        StructureError: unknown phase, unreadable file, or no lattice match (naming the smallest
            atom budget and the least strain that would give one).
    """
    b = build_settings(settings, **overrides)
    sides = {"electrode": _side(electrode, "electrode"), "electrolyte": _side(electrolyte, "electrolyte")}
    if coating is not None:
        sides["coating"] = _side(coating, "coating")
    millers = {"electrode": parse_miller(b.electrode_miller), "electrolyte": parse_miller(b.electrolyte_miller),
               "coating": parse_miller(b.coating_miller)}
    order = _order(sides, _reference_region(sides, b.strain_side))
    search = _Search(
        sides=sides, order=order,
        options={r: miller_options(sides[r].structure, millers[r], b.max_miller_index) for r in order},
        stacking=Stacking(sandwich=b.vacuum_A <= 0, coating_thickness_A=b.coating_thickness_A,
                          min_slab_thickness_A=b.min_slab_thickness_A, target_thickness_A=b.target_thickness_A),
        max_atoms=b.max_atoms, max_strain_pct=b.max_strain_pct, max_area_A2=b.max_area_A2,
        min_inplane_A=b.min_inplane_A, max_miller_index=b.max_miller_index, time_budget_s=b.time_budget_s,
        progress=progress,
    )
    total = len(search.combos())
    search.say(f"{' | '.join(sides[r].name for r in sides)}: screening {total} Miller combinations "
               f"(max index {b.max_miller_index}) for matches within {b.max_strain_pct:g}% strain and "
               f"{b.max_atoms} atoms, {order[0]} unstrained, time budget {b.time_budget_s:g} s")
    found, unfit = _enumerate_candidates(search)
    if not found:
        error = _no_match_error(search, unfit, total)
        error.search = search.record(total)  # how far the search got, for callers and tests
        search.say(f"no lattice match after {error.search.time_s:.1f} s")
        raise error
    best = found[0][0]
    search.say(f"best of {len(found)} matches: {_describe(best.miller)}, "
               f"{max(best.strain_pct.values()):.2f}% strain, {best.n_atoms} atoms")
    found = _matched_with_zsl(found, max(AUTO_CANDIDATES, zsl_top), search)
    search.say(f"search done in {search.elapsed_s():.1f} s"
               + ("" if search.complete else f" (stopped by time_budget_s={search.time_budget_s:g})"))
    settings = {
        "max_atoms": b.max_atoms, "max_strain_pct": b.max_strain_pct, "max_area_A2": b.max_area_A2,
        "vacuum_A": b.vacuum_A, "strain_side": b.strain_side, "coating_thickness_A": b.coating_thickness_A,
        "min_inplane_A": b.min_inplane_A, "min_slab_thickness_A": b.min_slab_thickness_A,
        "target_thickness_A": b.target_thickness_A, "max_miller_index": b.max_miller_index,
        "max_candidates": b.max_candidates,
    }
    return MatchedCandidates(sides=sides, millers=millers, settings=settings,
                             found=found[:max(b.max_candidates, zsl_top)], search=search.record(total))


def _tell(progress: Progress | None, message: str) -> None:
    """Log ``message`` and pass it to ``progress`` (outside a search; :meth:`_Search.say` inside one)."""
    logger.info(message)
    if progress is not None:
        progress(message)


def _check_gap(gap_A: float) -> None:
    if gap_A <= 0:
        raise StructureError(f"gap_A={gap_A} must be positive (2 A is a sensible default)")


def _chosen_candidate(matched: MatchedCandidates, candidate_index: int | None, max_terminations: int,
                      gap_A: float) -> tuple[int, list[tuple]]:
    """Index of the match to build and its built terminations (default: the least polar of the best few)."""
    found, vacuum_A = matched.found, matched.settings["vacuum_A"]
    oxidation_states = {r: s.oxidation_states for r, s in matched.sides.items()}
    if candidate_index is not None:
        if not 0 <= candidate_index < len(found):
            raise StructureError(f"candidate_index {candidate_index} out of range; there are {len(found)} candidates")
        return candidate_index, built_terminations(found[candidate_index], oxidation_states, max_terminations,
                                                   gap_A, vacuum_A)
    # among the best-scored matches prefer one with a non-polar electrolyte termination
    pool = [(k, built_terminations(found[k], oxidation_states, max_terminations, gap_A, vacuum_A))
            for k in range(min(AUTO_CANDIDATES, len(found)))]
    return min(pool, key=lambda item: (
        round(min(dipole_density_eA_per_A2(b[0], found[item[0]][0]) for b in item[1]), 2), item[0]))


def _chosen_termination(built: list[tuple], termination_index: int | None) -> int:
    """Index of the termination to keep (default: smallest electrolyte dipole, then the cleanest cuts)."""
    if termination_index is None:
        return min(range(len(built)), key=lambda k: (
            round(abs(built[k][0].electrolyte_dipole_eA or 0.0), 2), -round(sum(built[k][0].cleavage_gap_A.values()), 2), k))
    if 0 <= termination_index < len(built):
        return termination_index
    raise StructureError(
        f"termination_index {termination_index} out of range; this match has {len(built)} terminations (0-{len(built) - 1})"
    )


def build_matched_interface(
    matched: MatchedCandidates,
    candidate_index: int | None = None,
    *,
    gap_A: float = 2.0,
    fix_outer_A: float = 0.0,
    termination_index: int | None = None,
    max_terminations: int = 6,
    seed: int = 0,
) -> InterfaceBuild:
    """Build one of ``matched``'s candidates (see :func:`build_interface` for the arguments).

    Raises:
        StructureError: ``candidate_index`` or ``termination_index`` out of range, or overlapping atoms.
    """
    from ase import Atoms
    from ase.constraints import FixAtoms

    t0 = time.perf_counter()
    _check_gap(gap_A)
    candidate_index, built = _chosen_candidate(matched, candidate_index, max_terminations, gap_A)
    candidate, oriented, match, order = matched.found[candidate_index]
    chosen = _chosen_termination(built, termination_index)
    record, structure, species, positions, regions, cell, interfaces, charges = built[chosen]
    record.selected = True
    region_arr = np.array(regions)

    min_distance = min_pair_distance(structure, start_A=1.0)
    if min_distance < OVERLAP_A:
        raise StructureError(
            f"overlapping atoms: two atoms are {min_distance:.2f} A apart; increase gap_A or check the input structures"
        )
    sides, vacuum_A = matched.sides, matched.settings["vacuum_A"]
    sandwich = vacuum_A <= 0
    electrolyte_comp = Composition(" ".join(sp for sp, r in zip(species, regions) if r == "electrolyte"))
    bulk_comp = sides["electrolyte"].structure.composition
    fixed = fixed_atoms_mask(positions, regions, cell, fix_outer_A, sandwich)

    atoms = Atoms(symbols=species, positions=positions, cell=cell, pbc=True)
    atoms.arrays["region"] = region_arr.astype("<U11")
    if fixed.any():
        atoms.set_constraint(FixAtoms(mask=fixed))
    atoms.info["interface_z_A"] = list(map(float, interfaces))

    m = matched.settings
    settings = {
        "electrode_miller": matched.millers["electrode"], "electrolyte_miller": matched.millers["electrolyte"],
        "coating_miller": matched.millers["coating"], "max_atoms": m["max_atoms"],
        "max_strain_pct": m["max_strain_pct"], "max_area_A2": m["max_area_A2"], "vacuum_A": vacuum_A,
        "gap_A": gap_A, "fix_outer_A": fix_outer_A, "strain_side": m["strain_side"],
        "termination_index": termination_index, "max_terminations": max_terminations,
        "coating_thickness_A": m["coating_thickness_A"], "min_inplane_A": m["min_inplane_A"],
        "min_slab_thickness_A": m["min_slab_thickness_A"], "target_thickness_A": m["target_thickness_A"],
        "candidate_index": candidate_index, "seed": seed,
    }
    counts = {r: int(np.sum(region_arr == r)) for r in order}
    report = InterfaceBuildReport(
        electrode=sides["electrode"].name,
        electrolyte=sides["electrolyte"].name,
        coating=sides["coating"].name if "coating" in sides else None,
        geometry="sandwich" if sandwich else "slab",
        miller=candidate.miller,
        supercells=candidate.supercells,
        matcher=candidate.matcher,
        screening=SCREENING,
        strain_pct=candidate.strain_pct,
        strained_regions=[r for r in order[1:]],
        area_A2=candidate.area_A2,
        cell_lengths_A=tuple(round(float(x), 4) for x in np.linalg.norm(cell, axis=1)),
        n_atoms=len(species),
        n_atoms_by_region=counts,
        layers=candidate.layers,
        thickness_A=candidate.thickness_A,
        gap_A=gap_A,
        vacuum_A=vacuum_A,
        interface_z_A=[round(float(z), 4) for z in interfaces],
        termination_index=chosen,
        terminations=[b[0] for b in built],
        candidate_index=candidate_index,
        candidates=matched.candidates[:max(10, candidate_index + 1)],
        min_distance_A=round(min_distance, 4),
        min_cross_distance_A=record.min_cross_distance_A,
        net_charge_e=None if charges is None else round(float(charges.sum()), 6),
        electrolyte_net_charge_e=None if charges is None else round(float(charges[region_arr == "electrolyte"].sum()), 6),
        electrolyte_dipole_eA=record.electrolyte_dipole_eA,
        electrolyte_formula=electrolyte_comp.formula,
        electrolyte_bulk_formula=bulk_comp.reduced_formula,
        electrolyte_stoichiometric=electrolyte_comp.reduced_composition == bulk_comp.reduced_composition,
        broken_polyanions=broken_polyanion_count(structure),
        fixed_atoms=int(fixed.sum()),
        fingerprint_sha256=build_fingerprint({r: side.structure for r, side in sides.items()}, settings),
        settings=settings,
        build_time_s=round(time.perf_counter() - t0, 3),
        versions={k: v for k, v in package_versions().items() if k in ("interfaceflow", "pymatgen", "ase", "python")},
        search=matched.search,
    )
    return InterfaceBuild(atoms=atoms, structure=structure, interface_z_A=report.interface_z_A, report=report)


def build_interface(
    electrode: Any,
    electrolyte: Any,
    *,
    coating: Any = None,
    settings: BuildSettings | None = None,
    progress: Progress | None = None,
    **overrides: Any,
) -> InterfaceBuild:
    """Build an electrode | (coating |) electrolyte cell within an atom budget.

    Args:
        electrode, electrolyte, coating: library names ('Li', 'Li6PS5Cl', 'LLZO', ...), structure
            files, or pymatgen/ASE objects.
        settings: :class:`~interfaceflow.structures.settings.BuildSettings` (Miller indices, atom
            budget, strain and area limits, vacuum, gap, fixed layers, terminations, ...; every
            field documents its unit and default).
        progress: receives one line per search stage (they are also logged to the
            ``interfaceflow.structures`` logger); ``report.search`` records how far the search got.
        overrides: fields of ``BuildSettings`` given as keywords (``max_atoms=200``); they win
            over ``settings``.

    Raises:
        StructureError: unknown phase, unreadable file, no lattice match (naming the smallest
            atom budget and the least strain that would give one; its ``search`` attribute is
            the :class:`~.report.SearchRecord`), atom budget too small, or overlapping atoms.
    """
    t0 = time.perf_counter()
    b = build_settings(settings, **overrides)
    max_atoms, max_strain_pct, gap_A, candidate_index = b.max_atoms, b.max_strain_pct, b.gap_A, b.candidate_index
    if max_atoms < 2:
        raise StructureError(f"max_atoms={max_atoms} is too small; give at least a few dozen atoms")
    _check_gap(gap_A)
    if max_strain_pct <= 0:
        raise StructureError(f"max_strain_pct={max_strain_pct} must be positive (e.g. 5)")
    matched = matched_candidates(electrode, electrolyte, coating=coating, settings=b,
                                 zsl_top=(candidate_index or 0) + 1, progress=progress)
    _tell(progress, f"building up to {b.max_terminations} terminations of the "
                    f"{'best' if candidate_index is None else f'#{candidate_index}'} match")
    build = build_matched_interface(matched, candidate_index, gap_A=gap_A, fix_outer_A=b.fix_outer_A,
                                    termination_index=b.termination_index,
                                    max_terminations=b.max_terminations, seed=b.seed)
    build.report.build_time_s = round(time.perf_counter() - t0, 3)
    _tell(progress, f"built {build.report.n_atoms} atoms in {build.report.build_time_s:.1f} s "
                    f"(termination {build.report.termination_index} of {len(build.report.terminations)})")
    return build
