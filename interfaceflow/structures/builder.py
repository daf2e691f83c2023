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

import hashlib
import json
import time
from dataclasses import dataclass, replace
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
from pymatgen.core import Composition, Structure
from pymatgen.core.surface import get_symmetrically_distinct_miller_indices

from interfaceflow.errors import StructureError
from interfaceflow.provenance import package_versions
from interfaceflow.structures.assembly import (
    broken_polyanion_count,
    built_terminations,
    dipole_density_eA_per_A2,
    fixed_atoms_mask,
    min_pair_distance,
)
from interfaceflow.structures.library import load_structure, phase_metadata
from interfaceflow.structures.matching import LatticeMatch, best_strain_pct, match_lattices, zsl_match_lattices
from interfaceflow.structures.report import CandidateInterface, InterfaceBuildReport
from interfaceflow.structures.settings import TARGET_THICKNESS_A, BuildSettings, StrainSide, build_settings
from interfaceflow.structures.slabs import Miller, OrientedBulk

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


@dataclass
class _Side:
    region: str
    name: str
    structure: Structure
    oxidation_states: dict[str, float] | None
    bulk_modulus_GPa: float | None


@dataclass
class InterfaceBuild:
    """A built interface: ASE atoms with ``arrays['region']``, the pymatgen structure, and the report."""

    atoms: Any  # ase.Atoms
    structure: Structure
    interface_z_A: list[float]
    report: InterfaceBuildReport

    def write(self, path: str | Path, fmt: str | None = None) -> Path:
        """Write ``.cif``, ``.extxyz`` or ``POSCAR`` plus ``<path>.report.json`` (report + regions)."""
        import ase.io

        path = Path(path)
        name = path.name.lower()
        if fmt is None:
            if name.endswith(".cif"):
                fmt = "cif"
            elif name.endswith((".extxyz", ".xyz")):
                fmt = "extxyz"
            elif "poscar" in name or "contcar" in name or name.endswith(".vasp"):
                fmt = "poscar"
            else:
                raise StructureError(f"cannot tell the format of {path.name}; use a .cif, .extxyz or POSCAR name")
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "cif":
            self.structure.to(filename=str(path), fmt="cif")
        elif fmt == "extxyz":
            atoms = self.atoms.copy()
            atoms.info["interface_z_A"] = np.array(self.interface_z_A, dtype=float)
            atoms.info["fingerprint_sha256"] = self.report.fingerprint_sha256
            ase.io.write(str(path), atoms, format="extxyz")
        elif fmt == "poscar":
            self.structure.to(filename=str(path), fmt="poscar")
        else:
            raise StructureError(f"unknown format {fmt!r}; use cif, extxyz or poscar")
        sidecar = path.with_name(path.name + ".report.json")
        payload = {"report": self.report.model_dump(mode="json"), "regions": list(self.atoms.arrays["region"])}
        sidecar.write_text(json.dumps(payload, indent=1))
        return path


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


def _parse_miller(miller: Any) -> Miller | None:
    if miller is None:
        return None
    if isinstance(miller, str):
        parts = miller.replace("(", "").replace(")", "").replace(",", " ").split()
        if len(parts) == 1 and len(parts[0]) == 3:
            parts = list(parts[0])
        miller = parts
    try:
        values = tuple(int(x) for x in miller)
    except (TypeError, ValueError) as exc:
        raise StructureError(f"bad Miller indices {miller!r}; write them as h,k,l (e.g. 1,0,0)") from exc
    if len(values) != 3 or not any(values):
        raise StructureError(f"bad Miller indices {miller!r}; give three integers, not all zero (e.g. 1,0,0)")
    return values


def _miller_options(structure: Structure, miller: Miller | None) -> list[Miller]:
    if miller is not None:
        return [miller]
    options = get_symmetrically_distinct_miller_indices(structure, 1)
    return sorted((tuple(int(x) for x in m) for m in options), key=lambda m: (sum(map(abs, m)), [-x for x in m]))


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


def _min_layers(bulk: OrientedBulk, region: str, min_slab_thickness_A: float, coating_thickness_A: float) -> int:
    target = min(min_slab_thickness_A, coating_thickness_A) if region == "coating" else min_slab_thickness_A
    return max(1, int(np.ceil(target / bulk.period_A - 1e-6)))


def _plan_layers(
    oriented: dict[str, OrientedBulk], match: LatticeMatch, order: list[str], max_atoms: int, sandwich: bool,
    coating_thickness_A: float, min_slab_thickness_A: float,
) -> tuple[dict[str, int], int] | None:
    """Periods per region: start at the minimum thickness, then grow the thinnest slab while the budget allows."""
    per_layer = {r: len(oriented[r].ouc) * abs(round(np.linalg.det(m))) for r, m in zip(order, match.supercells)}
    copies = {r: 2 if (r == "coating" and sandwich) else 1 for r in order}
    layers = {r: _min_layers(oriented[r], r, min_slab_thickness_A, coating_thickness_A) for r in order}

    def total(lay: dict[str, int]) -> int:
        return sum(lay[r] * per_layer[r] * copies[r] for r in order)

    if total(layers) > max_atoms:
        return None
    while True:
        growable = [r for r in order
                    if not (r == "coating" and (layers[r] + 1) * oriented[r].period_A > coating_thickness_A)]
        growable.sort(key=lambda r: (layers[r] * oriented[r].period_A, order.index(r)))
        for r in growable:
            trial = dict(layers, **{r: layers[r] + 1})
            if total(trial) <= max_atoms:
                layers = trial
                break
        else:
            return layers, total(layers)


def _enumerate_candidates(
    sides: dict[str, _Side],
    millers: dict[str, Miller | None],
    reference: str,
    *,
    max_atoms: int,
    max_strain_pct: float,
    max_area_A2: float | None,
    sandwich: bool,
    coating_thickness_A: float,
    min_inplane_A: float = 0.0,
    min_slab_thickness_A: float = 6.0,
    target_thickness_A: float = TARGET_THICKNESS_A,
    matcher: str = MATCHER_SCREEN,
    combos: list[tuple[Miller, ...]] | None = None,
    cache: dict[tuple[str, Miller], OrientedBulk] | None = None,
) -> tuple[list[tuple[CandidateInterface, dict[str, OrientedBulk], LatticeMatch, list[str]]], dict]:
    """All lattice matches over the Miller options (or ``combos``, in ``order``), scored; plus diagnostics.

    ``matcher`` is :data:`MATCHER_SCREEN` (NumPy) or :data:`MATCHER_ZSL` (pymatgen).
    """
    order = _order(sides, reference)
    options = {r: _miller_options(sides[r].structure, millers.get(r)) for r in order}
    cache = {} if cache is None else cache
    find_matches = match_lattices if matcher == MATCHER_SCREEN else zsl_match_lattices

    def orient(region: str, miller: Miller) -> OrientedBulk:
        key = (region, miller)
        if key not in cache:
            s = sides[region]
            cache[key] = OrientedBulk.from_structure(
                s.structure, miller, region=region, name=s.name,
                oxidation_states=s.oxidation_states, bulk_modulus_GPa=s.bulk_modulus_GPa,
            )
        return cache[key]

    found = []
    # unmatched: (reference, other vectors, area) searched again with loose tolerances only when
    # nothing matched at all, to name the best strain in the error (too slow to do for every combo)
    diagnostics = {"unmatched": [], "smallest_atoms": None, "searched_area_A2": 0.0}
    for combo in (combos if combos is not None else product(*(options[r] for r in order))):
        oriented = {r: orient(r, m) for r, m in zip(order, combo)}
        copies = {r: 2 if (r == "coating" and sandwich) else 1 for r in order}
        # atoms per Å² of interface for the thinnest allowed slabs bounds the search area; slabs of
        # the target thickness give the target area the score prefers
        density = sum(len(oriented[r].ouc) / oriented[r].area_A2 * copies[r]
                      * _min_layers(oriented[r], r, min_slab_thickness_A, coating_thickness_A) for r in order)
        volume_density = sum(len(oriented[r].ouc) / (oriented[r].area_A2 * oriented[r].period_A) * copies[r]
                             * (min(coating_thickness_A, target_thickness_A) if r == "coating" else target_thickness_A)
                             for r in order)
        target_area = max_atoms / volume_density
        area_cap = min(max_area_A2 or MAX_AREA_OVER_TARGET * target_area, max_atoms / density)
        diagnostics["searched_area_A2"] = max(diagnostics["searched_area_A2"], area_cap)
        ref_vectors = oriented[reference].inplane_vectors
        others = [oriented[r].inplane_vectors for r in order[1:]]
        if area_cap < oriented[reference].area_A2 * 0.999:
            smallest = int(np.ceil(oriented[reference].area_A2 * density))
            if diagnostics["smallest_atoms"] is None or smallest < diagnostics["smallest_atoms"]:
                diagnostics["smallest_atoms"] = smallest
            continue
        matches = find_matches(ref_vectors, others, max_strain_pct=max_strain_pct, max_area_A2=area_cap)
        if not matches:
            area = max(area_cap, oriented[reference].area_A2 * 1.01)
            diagnostics["unmatched"].extend((ref_vectors, other, area) for other in others)
        for match in matches:
            ref_sl = match.supercells[0] @ ref_vectors
            if np.linalg.norm(ref_sl, axis=1).min() < min_inplane_A - 1e-6:
                continue
            plan = _plan_layers(oriented, match, order, max_atoms, sandwich, coating_thickness_A,
                                min_slab_thickness_A)
            if plan is None:
                needed = sum(len(oriented[r].ouc) * abs(round(np.linalg.det(m))) * copies[r]
                             * _min_layers(oriented[r], r, min_slab_thickness_A, coating_thickness_A)
                             for r, m in zip(order, match.supercells))
                if diagnostics["smallest_atoms"] is None or needed < diagnostics["smallest_atoms"]:
                    diagnostics["smallest_atoms"] = needed
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
    found.sort(key=_rank)
    unique, seen = [], set()
    for item in found:  # equivalent supercells of one match differ only in their basis
        key = _match_key(item[0])
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique, diagnostics


def _order(sides: dict[str, _Side], reference: str) -> list[str]:
    return [reference] + [r for r in ("electrode", "coating", "electrolyte") if r in sides and r != reference]


def _rank(item: tuple) -> tuple:
    c = item[0]
    return c.score, c.n_atoms, json.dumps(c.miller, sort_keys=True), json.dumps(c.supercells, sort_keys=True)


def _match_key(c: CandidateInterface) -> tuple:
    miller, strain = json.dumps(c.miller, sort_keys=True), json.dumps(c.strain_pct, sort_keys=True)
    return miller, round(c.area_A2, 2), strain, c.n_atoms


def _matched_with_zsl(found: list[tuple], n_top: int, enumerate_kwargs: dict) -> list[tuple]:
    """Redo the Miller combinations of the best ``n_top`` screened candidates with pymatgen's ZSL.

    Their candidates become pymatgen's matches, scored the same way; a screened match that ZSL
    does not reproduce is kept, marked :data:`MATCHER_FALLBACK`. Repeats until the best ``n_top``
    all come from combinations done with ZSL.
    """
    done: set[tuple] = set()
    while True:
        pending = [item for item in found[:n_top] if item[0].matcher == MATCHER_SCREEN]
        if not pending:
            return found
        candidate, _, _, order = pending[0]
        combo = tuple(candidate.miller[r] for r in order)
        if combo in done:  # cannot happen: every candidate of a done combination is relabelled
            return found
        done.add(combo)
        same = [item for item in found if tuple(item[0].miller[r] for r in order) == combo]
        zsl, _ = _enumerate_candidates(**enumerate_kwargs, matcher=MATCHER_ZSL, combos=[combo])
        reproduced = {_match_key(item[0]) for item in zsl}
        missed = [item for item in same if _match_key(item[0]) not in reproduced]
        for item in missed:
            item[0].matcher = MATCHER_FALLBACK
        same_ids = {id(item) for item in same}
        found = sorted([item for item in found if id(item) not in same_ids] + zsl + missed, key=_rank)


def _no_match_error(diagnostics: dict, max_strain_pct: float, max_atoms: int) -> StructureError:
    strains = [best_strain_pct(ref, other, area) for ref, other, area in diagnostics["unmatched"]]
    best = min((s for s in strains if s is not None), default=None)
    if best is not None and best > max_strain_pct:
        return StructureError(
            f"no lattice match within {max_strain_pct:g}% strain up to {diagnostics['searched_area_A2']:.0f} A^2 "
            f"(best strain found {best:.2f}%); loosen --max-strain to >= {np.ceil(best * 10) / 10:g} or raise "
            "--max-area/--max-atoms, or give other Miller indices"
        )
    if diagnostics["smallest_atoms"] is not None:
        return StructureError(
            f"no lattice match fits {max_atoms} atoms (the smallest needs {diagnostics['smallest_atoms']}); "
            f"raise --max-atoms to >= {diagnostics['smallest_atoms']} or loosen --max-strain"
        )
    return StructureError(
        f"no lattice match within {max_strain_pct:g}% strain and {diagnostics['searched_area_A2']:.0f} A^2; "
        "loosen --max-strain or raise --max-area/--max-atoms, or give other Miller indices"
    )


def _fingerprint(sides: dict[str, _Side], settings: dict) -> str:
    def canonical(s: Structure) -> dict:
        return {
            "lattice": np.round(s.lattice.matrix, 6).tolist(),
            "species": [site.species_string for site in s],
            "frac": np.round(s.frac_coords, 6).tolist(),
        }

    payload = {"inputs": {r: canonical(s.structure) for r, s in sorted(sides.items())}, "settings": settings}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


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
    **overrides: Any,
) -> MatchedCandidates:
    """Lattice matches (all Miller options when indices are not given), scored and sorted best first.

    The NumPy screen ranks every Miller combination; the combinations of the best ``zsl_top`` (at
    least :data:`AUTO_CANDIDATES`) are matched again with pymatgen's ZSLGenerator
    (``CandidateInterface.matcher``). Arguments as in :func:`build_interface`.

    Raises:
        StructureError: unknown phase, unreadable file, or no lattice match (with the best strain
            found and the tolerance to loosen).
    """
    b = build_settings(settings, **overrides)
    electrode_miller, electrolyte_miller, coating_miller = b.electrode_miller, b.electrolyte_miller, b.coating_miller
    max_atoms, max_strain_pct, max_area_A2, vacuum_A = b.max_atoms, b.max_strain_pct, b.max_area_A2, b.vacuum_A
    strain_side, coating_thickness_A, min_inplane_A = b.strain_side, b.coating_thickness_A, b.min_inplane_A
    min_slab_thickness_A, target_thickness_A = b.min_slab_thickness_A, b.target_thickness_A
    sides = {"electrode": _side(electrode, "electrode"), "electrolyte": _side(electrolyte, "electrolyte")}
    if coating is not None:
        sides["coating"] = _side(coating, "coating")
    millers = {"electrode": _parse_miller(electrode_miller), "electrolyte": _parse_miller(electrolyte_miller),
               "coating": _parse_miller(coating_miller)}
    enumerate_kwargs = dict(
        sides=sides, millers=millers, reference=_reference_region(sides, strain_side), max_atoms=max_atoms,
        max_strain_pct=max_strain_pct, max_area_A2=max_area_A2, sandwich=vacuum_A <= 0,
        coating_thickness_A=coating_thickness_A, min_inplane_A=min_inplane_A,
        min_slab_thickness_A=min_slab_thickness_A, target_thickness_A=target_thickness_A,
        cache={},  # oriented bulks, shared by the screen and the ZSL pass
    )
    found, diagnostics = _enumerate_candidates(**enumerate_kwargs)
    if not found:
        raise _no_match_error(diagnostics, max_strain_pct, max_atoms)
    found = _matched_with_zsl(found, max(AUTO_CANDIDATES, zsl_top), enumerate_kwargs)
    settings = {
        "max_atoms": max_atoms, "max_strain_pct": max_strain_pct, "max_area_A2": max_area_A2, "vacuum_A": vacuum_A,
        "strain_side": strain_side, "coating_thickness_A": coating_thickness_A, "min_inplane_A": min_inplane_A,
        "min_slab_thickness_A": min_slab_thickness_A, "target_thickness_A": target_thickness_A,
    }
    return MatchedCandidates(sides=sides, millers=millers, settings=settings, found=found)


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
        fingerprint_sha256=_fingerprint(sides, settings),
        settings=settings,
        build_time_s=round(time.perf_counter() - t0, 3),
        versions={k: v for k, v in package_versions().items() if k in ("interfaceflow", "pymatgen", "ase", "python")},
    )
    return InterfaceBuild(atoms=atoms, structure=structure, interface_z_A=report.interface_z_A, report=report)


def build_interface(
    electrode: Any,
    electrolyte: Any,
    *,
    coating: Any = None,
    settings: BuildSettings | None = None,
    **overrides: Any,
) -> InterfaceBuild:
    """Build an electrode | (coating |) electrolyte cell within an atom budget.

    Args:
        electrode, electrolyte, coating: library names ('Li', 'Li6PS5Cl', 'LLZO', ...), structure
            files, or pymatgen/ASE objects.
        settings: :class:`~interfaceflow.structures.settings.BuildSettings` (Miller indices, atom
            budget, strain and area limits, vacuum, gap, fixed layers, terminations, ...; every
            field documents its unit and default).
        overrides: fields of ``BuildSettings`` given as keywords (``max_atoms=200``); they win
            over ``settings``.

    Raises:
        StructureError: unknown phase, unreadable file, no lattice match (with the best strain
            found and the tolerance to loosen), atom budget too small, or overlapping atoms.
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
                                 zsl_top=(candidate_index or 0) + 1)
    build = build_matched_interface(matched, candidate_index, gap_A=gap_A, fix_outer_A=b.fix_outer_A,
                                    termination_index=b.termination_index,
                                    max_terminations=b.max_terminations, seed=b.seed)
    build.report.build_time_s = round(time.perf_counter() - t0, 3)
    return build
