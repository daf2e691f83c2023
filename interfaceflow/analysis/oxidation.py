"""Oxidation states of metal cations from bond-valence sums, neutral per fragment and frame.

Cations of ionic oxides, phosphates and halides (La and Zr in Li7La3Zr2O12, Ti in LiTi2(PO4)3,
In in Li3InCl6) are not covalently bonded: the octet rule says nothing about them, and sharing
each anion's charge equally among its metal neighbours (Pauling's electrostatic valence) fails as
soon as two kinds of cation, or a polyanion former such as P, share an anion. Their states come
from the bond-valence model instead, in four vectorised steps (no combinatorial search, so it
keeps up with MD frames of hundreds to thousands of atoms):

1. **Bond-valence sum** of every metal atom over its anion (negatively charged) neighbours,
   ``V_i = Σ_j exp((R0_ij − d_ij) / b)`` with ``b`` = 0.37 Å and ``R0`` from the element
   parameters of O'Keeffe & Brese (J. Am. Chem. Soc. 1991, 113, 3226; the ``bvparam_1991.yaml``
   table that pymatgen's :class:`~pymatgen.analysis.bond_valence.BVAnalyzer` reads):
   ``R0 = r_i + r_j − r_i r_j (√c_i − √c_j)² / (c_i r_i + c_j r_j)``.
   Elements without parameters (Pt, Au, Os, ...) keep the caller's estimate (Pauling's valence).
2. **Nearest allowed state**: the state ``s`` of the element (0, or a positive state from
   pymatgen's ICSD and common oxidation states) minimising ``(V − s)² + p·[s uncommon]``
   (``p`` = :data:`UNCOMMON_STATE_PENALTY`).
3. **Neutrality**, level by level (the speciation uses fragments, then frames): the cations of a
   group must carry ``target_e`` (what the group's other atoms and the Li around them leave
   uncompensated). While a group is more than ½ e off, its one atom whose step to the next
   allowed state costs least per unit charge takes that step; a step that overshoots is not
   taken, and an atom with no allowed state left stays where it is.
4. **Equalisation**: thermal noise scatters bond-valence sums by a few tenths, which can split
   two Co+3 into Co+2 and Co+4 at no cost in neutrality. Within a family (one element of one
   frame) the highest and lowest states step towards each other while that costs less than
   :data:`NOISE_TOLERANCE` (sums more than ~1.5 valence units apart stay split).

5. **Cross-element transfers**: an undercoordinated surface or a strained contact lowers some
   sums and neutrality then raises other cations, e.g. surface Co+2 paid for by Ni+3 one layer
   down in NCM, or Co+4 next to Nb+4 at a LiCoO2 | LiNbO3 contact. Within a transfer group (one
   fragment) an atom above its family's reference state (the element's most common state in the
   frame: the bulk's) and an atom of another family below theirs step back by the same charge
   while that costs less than :data:`NOISE_TOLERANCE`. A genuine mixed valence of one element
   (Co3O4, LiMn2O4) has no partner and stays.

A bulk crystal is thus neutral whenever its cations can reach the charge of its anions, and the
states follow the bond valences: LLZO La+3 Zr+4, LiCoO2 Co+3, LiNbO3 Nb+5, LATP Ti+4 Al+3,
Li3InCl6 In+3, also in thermally displaced frames.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from pymatgen.core import Element

BOND_VALENCE_B_A = 0.37  # Å, softness b of every bond valence
UNCOMMON_STATE_PENALTY = 0.25  # (valence units)², extra cost of a state outside the common ones
NOISE_TOLERANCE = 1.0  # (valence units)², largest cost rise accepted to undo a disproportionation
_NO_STATE = 99  # padding of the allowed-state table


@functools.lru_cache(maxsize=None)
def _bv_params() -> dict[str, tuple[float, float]]:
    """Element → (r, c) of O'Keeffe & Brese (1991), from pymatgen's table."""
    from pymatgen.core.bond_valence import BV_PARAMS

    return {el.symbol: (float(p["r"]), float(p["c"])) for el, p in BV_PARAMS.items()}


def bond_valence_r0_A(symbol_a: str, symbol_b: str) -> float:
    """Bond-valence parameter R0 (Å) of the pair from O'Keeffe & Brese; NaN without parameters."""
    params = _bv_params()
    if symbol_a not in params or symbol_b not in params:
        return math.nan
    (r1, c1), (r2, c2) = params[symbol_a], params[symbol_b]
    return r1 + r2 - r1 * r2 * (math.sqrt(c1) - math.sqrt(c2)) ** 2 / (c1 * r1 + c2 * r2)


def r0_table_A(symbols: list[str]) -> np.ndarray:
    """(E, E) R0 (Å) of every element pair of ``symbols``; NaN where a parameter is missing."""
    return np.array([[bond_valence_r0_A(a, b) for b in symbols] for a in symbols], dtype=float)


@functools.lru_cache(maxsize=None)
def allowed_oxidation_states(symbol: str) -> tuple[int, ...]:
    """States a metal cation may take: 0 and the positive ICSD/common states of the element."""
    el = Element(symbol)
    states = set(el.icsd_oxidation_states) | set(el.common_oxidation_states)
    positive = {int(s) for s in states if s > 0} or {int(s) for s in el.oxidation_states if s > 0}
    return tuple(sorted({0} | positive))


@functools.lru_cache(maxsize=None)
def _common_oxidation_states(symbol: str) -> frozenset[int]:
    return frozenset({int(s) for s in Element(symbol).common_oxidation_states} | {0})


def oxidation_state_tables(symbols: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(E, K) allowed states padded with a sentinel, and (E, K) penalty of each state.

    The penalty is :data:`UNCOMMON_STATE_PENALTY` for states outside the element's common ones.
    """
    rows = [allowed_oxidation_states(s) for s in symbols]
    width = max((len(r) for r in rows), default=1)
    states = np.full((len(symbols), width), _NO_STATE, dtype=np.int64)
    penalty = np.zeros((len(symbols), width))
    for k, (symbol, row) in enumerate(zip(symbols, rows)):
        states[k, : len(row)] = row
        common = _common_oxidation_states(symbol)
        penalty[k, : len(row)] = [0.0 if s in common else UNCOMMON_STATE_PENALTY for s in row]
    return states, penalty


def bond_valence_sums(
    center: np.ndarray,
    distance_A: np.ndarray,
    r0_A: np.ndarray,
    n_atoms: int,
    b_A: float = BOND_VALENCE_B_A,
) -> tuple[np.ndarray, np.ndarray]:
    """Bond-valence sum of every atom over the bonds ``center`` → neighbour, and where it is known.

    Args:
        center: (B,) atom index of the cation of each bond.
        distance_A: (B,) bond lengths, Å.
        r0_A: (B,) R0 of each bond, Å (NaN: no parameter).
        n_atoms: number of atoms.
        b_A: the bond-valence softness, Å.

    Returns:
        ``(V, known)``: (n_atoms,) sums in valence units, and False for atoms with a bond that has
        no parameter.
    """
    known_bond = np.isfinite(r0_A)
    valence = np.exp((np.where(known_bond, r0_A, 0.0) - distance_A) / b_A) * known_bond
    sums = np.bincount(center, weights=valence, minlength=n_atoms)
    unknown = np.bincount(center[~known_bond], minlength=n_atoms) > 0
    return sums, ~unknown


def _state_costs(valence: np.ndarray, states: np.ndarray, penalty: np.ndarray) -> np.ndarray:
    """(n, K) cost of every allowed state of every atom (inf for padding)."""
    cost = (valence[:, None] - states) ** 2 + penalty
    return np.where(states == _NO_STATE, np.inf, cost)


def _first_per_group(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Index of the atom with the smallest finite ``key`` in every group (ties: lowest index)."""
    rows = np.arange(len(group))
    order = np.lexsort((rows, key, group))
    first = order[np.r_[True, group[order][1:] != group[order][:-1]]] if len(order) else order
    return first[np.isfinite(key[first])]


def _step(
    states: np.ndarray, slot: np.ndarray, direction: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Slot of the next allowed state in ``direction`` (±1, 0: none) and the charge it moves."""
    rows = np.arange(len(slot))
    nxt = np.clip(slot + direction, 0, states.shape[1] - 1)
    ok = (direction != 0) & (nxt != slot) & (states[rows, nxt] != _NO_STATE)
    moved = np.where(ok, states[rows, nxt] - states[rows, slot], 0)
    return np.where(ok, nxt, slot), moved


def _neutralise(
    slot: np.ndarray,
    cost: np.ndarray,
    states: np.ndarray,
    group: np.ndarray,
    target_e: np.ndarray,
    max_steps: int,
) -> np.ndarray:
    """Step the cheapest atom of every group more than ½ e off its target, until none is."""
    rows = np.arange(len(slot))
    for _ in range(max_steps):
        carried = np.bincount(group, weights=states[rows, slot], minlength=len(target_e))
        residual = target_e - carried
        direction = np.where(residual > 0.5, 1, np.where(residual < -0.5, -1, 0))[group]
        nxt, moved = _step(states, slot, direction)
        # a step must bring its group closer to the target: 0 < |moved| < 2 |residual|
        admissible = (moved != 0) & (np.abs(moved) < 2 * np.abs(residual[group]))
        per_unit = (cost[rows, nxt] - cost[rows, slot]) / np.maximum(np.abs(moved), 1)
        first = _first_per_group(group, np.where(admissible, per_unit, np.inf))
        if len(first) == 0:
            break
        slot[first] = nxt[first]
    return slot


def _equalise(
    slot: np.ndarray,
    cost: np.ndarray,
    states: np.ndarray,
    family: np.ndarray,
    tolerance: float,
    max_steps: int,
) -> np.ndarray:
    """Undo noise-driven disproportionation within every family (e.g. one element of a frame).

    The highest-state atom steps down and the lowest-state atom steps up by the same charge (the
    family's total is kept) while they stay ordered and the cost rises by less than ``tolerance``;
    among atoms of equal state, the one whose step costs least moves.
    """
    rows = np.arange(len(slot))
    for _ in range(max_steps):
        current = states[rows, slot]
        down, moved_down, cost_down, up, moved_up, cost_up = _single_steps(slot, cost, states)
        # highest state first (ties: cheapest step down), lowest state first (cheapest step up)
        high_key = np.where(moved_down != 0, -current + 1e-6 * cost_down, np.inf)
        low_key = np.where(moved_up != 0, current + 1e-6 * cost_up, np.inf)
        a, b = _extreme_pairs(family, high_key, low_key)
        swap = (
            (moved_down[a] == -moved_up[b])
            & (states[a, down[a]] >= states[b, up[b]])
            & (cost_down[a] + cost_up[b] < tolerance)
        )
        if not swap.any():
            break
        slot[a[swap]], slot[b[swap]] = down[a[swap]], up[b[swap]]
    return slot


def _single_steps(slot: np.ndarray, cost: np.ndarray, states: np.ndarray):
    """Every atom's next state down and up: slots, charges moved and cost changes."""
    rows = np.arange(len(slot))
    down, moved_down = _step(states, slot, -np.ones_like(slot))
    up, moved_up = _step(states, slot, np.ones_like(slot))
    return (down, moved_down, cost[rows, down] - cost[rows, slot],
            up, moved_up, cost[rows, up] - cost[rows, slot])


def _extreme_pairs(
    group: np.ndarray, high_key: np.ndarray, low_key: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per group, the atom with the smallest ``high_key`` paired with the one with the smallest
    ``low_key`` (groups lacking either are left out)."""
    high, low = _first_per_group(group, high_key), _first_per_group(group, low_key)
    high_of = np.full(group.max() + 1, -1)
    high_of[group[high]] = high
    pair_high = high_of[group[low]]
    return pair_high[pair_high >= 0], low[pair_high >= 0]


def _family_reference(
    slot: np.ndarray, cost: np.ndarray, states: np.ndarray, family: np.ndarray
) -> np.ndarray:
    """(n,) reference state of each atom's family: its most common state (the bulk's, away from
    surfaces and contacts); a tie goes to the state nearest the family's bond valences (least
    summed cost). A family is one element, so its atoms share one state table."""
    n_family, width = family.max() + 1, cost.shape[1]
    counts = np.bincount(family * width + slot, minlength=n_family * width).reshape(n_family, width)
    finite = np.where(np.isfinite(cost), cost, 1e9)
    summed = np.stack([np.bincount(family, weights=finite[:, k], minlength=n_family)
                       for k in range(width)], axis=1)
    score = counts - summed / (1.0 + summed.max())  # the tie-break moves a score by less than 1
    return states[np.arange(len(family)), score.argmax(axis=1)[family]]


def _undo_cross_transfers(
    slot: np.ndarray,
    cost: np.ndarray,
    states: np.ndarray,
    group: np.ndarray,
    family: np.ndarray,
    tolerance: float,
    max_steps: int,
) -> np.ndarray:
    """Undo charge moved between families of one group by undercoordination or strain.

    In every group, the atom furthest above its family's reference state (its most common state)
    steps down and the atom furthest below its own family's reference steps up by the same
    charge, while the cost rises by less than ``tolerance``; the group's total is kept.
    """
    rows = np.arange(len(slot))
    reference = _family_reference(slot, cost, states, family)
    for _ in range(max_steps):
        deviation = states[rows, slot] - reference
        down, moved_down, cost_down, up, moved_up, cost_up = _single_steps(slot, cost, states)
        high_key = np.where((deviation > 0) & (moved_down != 0), -deviation + 1e-6 * cost_down, np.inf)
        low_key = np.where((deviation < 0) & (moved_up != 0), deviation + 1e-6 * cost_up, np.inf)
        a, b = _extreme_pairs(group, high_key, low_key)
        swap = (
            (family[a] != family[b])
            & (moved_down[a] == -moved_up[b])
            & (cost_down[a] + cost_up[b] < tolerance)
        )
        if not swap.any():
            break
        slot[a[swap]], slot[b[swap]] = down[a[swap]], up[b[swap]]
    return slot


def cation_oxidation_states(
    valence: np.ndarray,
    states: np.ndarray,
    penalty: np.ndarray,
    levels: list[tuple[np.ndarray, np.ndarray]],
    family: np.ndarray | None = None,
    *,
    transfer_group: np.ndarray | None = None,
    noise_tolerance: float = NOISE_TOLERANCE,
    max_steps: int = 10_000,
) -> np.ndarray:
    """Integer oxidation states of n cations, nearest their valence and neutral per group.

    Args:
        valence: (n,) bond-valence sums (or other valence estimates) of the cations.
        states: (n, K) allowed states of each cation, padded with a large sentinel.
        penalty: (n, K) extra cost of each allowed state.
        levels: ``(group, target_e)`` pairs applied in turn, e.g. fragments then frames: (n,)
            group of each cation (0..G-1) and (G,) total charge its cations must carry, e.
        family: (n,) family of each cation (0..), e.g. one element in one frame, within which
            noise-sized disproportionation is undone; None skips that step.
        transfer_group: (n,) group (e.g. fragment) within which charge moved between families
            by undercoordination or strain is moved back; None (or no family) skips that step.
        noise_tolerance: largest cost rise accepted to undo a disproportionation or transfer.

    Returns:
        (n,) states; each group's sum is within ½ e of its target unless no allowed step helps.
    """
    n = len(valence)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    cost = _state_costs(np.asarray(valence, dtype=float), states, penalty)
    slot = np.argmin(cost, axis=1)
    for group, target_e in levels:
        group, target_e = np.asarray(group), np.asarray(target_e, dtype=float)
        slot = _neutralise(slot, cost, states, group, target_e, max_steps)
    if family is not None:
        family = np.asarray(family)
        slot = _equalise(slot, cost, states, family, noise_tolerance, max_steps)
        if transfer_group is not None:
            slot = _undo_cross_transfers(
                slot, cost, states, np.asarray(transfer_group), family, noise_tolerance, max_steps
            )
    return states[np.arange(n), slot]
