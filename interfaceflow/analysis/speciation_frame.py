"""Speciation of one frame, or a batch of frames at once: bond graph, fragments, formal charges and
anion states, by the rules of :mod:`interfaceflow.analysis.speciation`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from pymatgen.core import Element
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from interfaceflow.analysis.oxidation import (
    BOND_VALENCE_B_A,
    bond_valence_sums,
    cation_oxidation_states,
)
from interfaceflow.analysis.speciation_elements import (
    _CLASS_METAL,
    _CLASS_MODIFIER,
    _CLASS_OCTET,
    BOND_SCALE,
    COORDINATION_SCALE,
    MODIFIER_ELEMENTS,
    _ElementTable,
)
from interfaceflow.errors import AnalysisError
from interfaceflow.geometry import cell_for_search, neighbour_pairs

if TYPE_CHECKING:
    from collections.abc import Mapping

NETWORK_SIZE = 24


@dataclass
class FrameSpeciation:
    """Speciation of one frame (N atoms, n fragments).

    Attributes:
        numbers: (N,) atomic numbers.
        fragment_ids: (N,) fragment of each atom, -1 for modifiers (Li).
        fragment_labels: (n,) label of each fragment (``PS4``, ``S``, ...).
        fragment_li_counts: (n,) number of distinct Li atoms coordinating each fragment.
        fragment_modifier_counts: (n,) same for all modifier elements.
        fragment_sizes: (n,) atoms per fragment.
        fragment_centroids_A: (n, 3) centroid of each fragment (minimum image), Å.
        formal_charges: (N,) formal charge of each atom, e.
        anion_states: (N,) state label of each atom (see :mod:`interfaceflow.analysis.speciation`).
        li_neighbours: (N,) Li atoms coordinating each atom.
        bonds: (B, 2) bonded atom pairs i < j.
    """

    numbers: np.ndarray
    fragment_ids: np.ndarray
    fragment_labels: list[str]
    fragment_li_counts: np.ndarray
    fragment_modifier_counts: np.ndarray
    fragment_sizes: np.ndarray
    fragment_centroids_A: np.ndarray
    formal_charges: np.ndarray
    anion_states: list[str]
    li_neighbours: np.ndarray
    bonds: np.ndarray

    def fragment_counts(self) -> dict[str, int]:
        """Number of fragments of each label."""
        labels, counts = np.unique(np.asarray(self.fragment_labels, dtype=object), return_counts=True)
        return {str(k): int(v) for k, v in zip(labels, counts)}

    def state_counts(self) -> dict[str, int]:
        """Number of atoms in each anion state (modifier states included)."""
        labels, counts = np.unique(np.asarray(self.anion_states, dtype=object), return_counts=True)
        return {str(k): int(v) for k, v in zip(labels, counts)}

    def li_per_fragment(self) -> dict[str, float]:
        """Mean number of Li coordinating a fragment, per label."""
        labels = np.asarray(self.fragment_labels, dtype=object)
        return {
            str(lab): float(self.fragment_li_counts[labels == lab].mean()) for lab in np.unique(labels)
        }


def _format_charge(q: int) -> str:
    return "0" if q == 0 else f"{q:+d}"


def _composition_label(counts: np.ndarray, table: _ElementTable, network_size: int, extended: bool) -> str:
    present = [k for k in np.argsort(table.rank) if counts[k] > 0]
    total = int(counts.sum())
    if extended or total > network_size:
        g = int(np.gcd.reduce(counts[present].astype(int)))
        body = "".join(table.symbols[k] + (str(counts[k] // g) if counts[k] // g > 1 else "") for k in present)
        return f"{body}_net"
    return "".join(table.symbols[k] + (str(int(counts[k])) if counts[k] > 1 else "") for k in present)


@dataclass
class _BatchResult:
    """Flat results over the M = F·N atoms of a batch of frames."""

    frag_of_atom: np.ndarray  # (M,) global fragment id, -1 for modifiers
    label_names: list[str]  # distinct fragment labels of the batch
    frag_label: np.ndarray  # (n_frag,) index into label_names
    frag_frame: np.ndarray  # (n_frag,)
    frag_li: np.ndarray
    frag_mod: np.ndarray
    frag_size: np.ndarray
    frag_centroid: np.ndarray  # (n_frag, 3)
    charges: np.ndarray  # (M,)
    state_names: list[str]  # distinct states of the batch
    state: np.ndarray  # (M,) index into state_names
    li_neigh: np.ndarray  # (M,)
    bonds: np.ndarray  # (B, 2) global atom indices


def _speciate_batch(
    el_idx: np.ndarray,
    positions: np.ndarray,
    cells: np.ndarray,
    pbc: np.ndarray,
    table: _ElementTable,
    network_size: int,
) -> _BatchResult:
    """Speciate F frames at once: one neighbour search per frame, then flat array algebra."""
    n_frames, n_atoms = positions.shape[:2]
    m_atoms = n_frames * n_atoms
    el = np.tile(el_idx, n_frames)
    cls_atom = table.cls[el]
    is_mod = cls_atom == _CLASS_MODIFIER

    cells = np.stack([cell_for_search(positions[f], cells[f], pbc, table.max_cutoff) for f in range(n_frames)])
    # neighbour search per frame, pairs filtered by element-pair cutoffs
    ii, jj, dd, ss = [], [], [], []
    for f in range(n_frames):
        i, j, d, shift = neighbour_pairs(positions[f], cells[f], pbc, table.max_cutoff)
        keep = d <= table.cutoff[el_idx[i], el_idx[j]]
        ii.append(i[keep] + f * n_atoms)
        jj.append(j[keep] + f * n_atoms)
        dd.append(d[keep])
        ss.append(shift[keep])
    i = np.concatenate(ii).astype(np.int64)
    j = np.concatenate(jj).astype(np.int64)
    dist = np.concatenate(dd).astype(float)
    shift = np.concatenate(ss).astype(np.int64).reshape(-1, 3)

    # one entry per bond: i < j, or a bond to the atom's own image counted with its positive shift
    first_nonzero = shift[np.arange(len(shift)), np.argmax(shift != 0, axis=1)] if len(shift) else shift[:, 0]
    bond_mask = (~is_mod[i]) & (~is_mod[j]) & ((i < j) | ((i == j) & (first_nonzero > 0)))
    bi, bj, bshift, bdist = i[bond_mask], j[bond_mask], shift[bond_mask], dist[bond_mask]
    coord_mask = is_mod[i] & ~is_mod[j]
    ci, cj, cshift = i[coord_mask], j[coord_mask], shift[coord_mask]  # modifier ci coordinates cj
    cdist = dist[coord_mask]

    # fragments = connected components among non-modifiers
    graph = coo_matrix((np.ones(len(bi), dtype=np.int8), (bi, bj)), shape=(m_atoms, m_atoms))
    _, comp = connected_components(graph, directed=False)
    graph_atoms = np.flatnonzero(~is_mod)
    anchor = np.full(m_atoms, m_atoms, dtype=np.int64)
    np.minimum.at(anchor, comp[graph_atoms], graph_atoms)
    comp_anchor = anchor[comp[graph_atoms]]
    uniq_anchor, frag_local = np.unique(comp_anchor, return_inverse=True)
    frag_of_atom = np.full(m_atoms, -1, dtype=np.int64)
    frag_of_atom[graph_atoms] = frag_local
    n_frag = len(uniq_anchor)
    frag_frame = uniq_anchor // max(n_atoms, 1)

    # image of each graph atom relative to its fragment's anchor (minimum image); a bond whose
    # periodic shift disagrees with those images closes a loop through the boundary: the
    # fragment is an extended (periodic) network
    flat_pos = positions.reshape(m_atoms, 3)
    frame_of_atom = np.repeat(np.arange(n_frames), n_atoms)
    anchor_atom = uniq_anchor[frag_local]
    cells_g = cells[frame_of_atom[graph_atoms]]
    inv_cells = np.linalg.inv(cells)[frame_of_atom[graph_atoms]]
    frac = np.einsum("ni,nij->nj", flat_pos[graph_atoms] - flat_pos[anchor_atom], inv_cells)
    image = np.zeros((m_atoms, 3), dtype=np.int64)
    image[np.ix_(graph_atoms, np.flatnonzero(pbc))] = -np.round(frac[:, pbc]).astype(np.int64)
    frac[:, pbc] += image[graph_atoms][:, pbc]
    disp = np.einsum("ni,nij->nj", frac, cells_g)
    frag_size = np.bincount(frag_local, minlength=n_frag)
    centroid = flat_pos[uniq_anchor] + np.stack(
        [np.bincount(frag_local, weights=disp[:, k], minlength=n_frag) for k in range(3)], axis=1
    ) / np.maximum(frag_size, 1)[:, None]
    wraps = np.any(image[bj] - image[bi] != bshift, axis=1)
    extended = np.zeros(n_frag, dtype=bool)
    extended[frag_of_atom[bi[wraps]]] = True

    # compositions → labels (one string build per distinct composition)
    n_el = len(table.symbols)
    comp_counts = np.bincount(
        frag_local * n_el + el[graph_atoms], minlength=n_frag * n_el
    ).reshape(n_frag, n_el)
    rows_full = np.column_stack([comp_counts, extended]).astype(np.int64)
    radix = rows_full.max(axis=0) + 1 if n_frag else np.ones(n_el + 1, dtype=np.int64)
    if np.prod(radix.astype(float)) < 2**62:
        codes = rows_full @ np.concatenate([np.cumprod(radix[::-1])[::-1][1:], [1]])
        _, first, row_of_frag = np.unique(codes, return_index=True, return_inverse=True)
        rows = rows_full[first]
    else:  # very large networks: fall back to row-wise unique
        rows, row_of_frag = np.unique(rows_full, axis=0, return_inverse=True)
    row_of_frag = row_of_frag.ravel()
    row_labels = [_composition_label(r[:-1], table, network_size, bool(r[-1])) for r in rows]
    label_names = list(dict.fromkeys(row_labels))
    label_id_of_row = np.array([label_names.index(lab) for lab in row_labels] or [0], dtype=np.int64)
    frag_label = label_id_of_row[row_of_frag] if n_frag else np.zeros(0, dtype=np.int64)

    # octet formal charges
    charges = np.zeros(m_atoms)
    octet = cls_atom == _CLASS_OCTET
    ob = octet[bi] & octet[bj]
    oi, oj = bi[ob], bj[ob]
    en_i, en_j = table.en[el[oi]], table.en[el[oj]]
    homo = el[oi] == el[oj]
    n_tot = np.bincount(oi, minlength=m_atoms) + np.bincount(oj, minlength=m_atoms)
    n_homo = np.bincount(oi[homo], minlength=m_atoms) + np.bincount(oj[homo], minlength=m_atoms)
    # bond to a less electronegative partner: this atom takes both electrons
    i_takes = (~homo) & (en_i > en_j)
    j_takes = (~homo) & (en_j > en_i)
    n_down = np.bincount(oi[i_takes], minlength=m_atoms) + np.bincount(oj[j_takes], minlength=m_atoms)
    valence = table.valence[el]
    target = table.target[el]
    nonbonding = np.maximum(0, target - 2 * n_tot)
    # homoatomic bonds beyond the 8 - V an anion former can make (close packing) add no charge
    q_oct = valence - nonbonding - 2 * n_down - np.minimum(n_homo, np.maximum(0, target - valence))
    q_oct = np.clip(q_oct, valence - target, valence)
    charges[octet] = q_oct[octet]

    # modifiers: group valence when coordinating a negative atom
    negative = charges < -1e-9
    neg_pairs = negative[cj]
    n_neg_neigh = np.bincount(ci[neg_pairs], minlength=m_atoms)
    mod_valence = np.array([Element(s).group if c == _CLASS_MODIFIER else 0 for s, c in zip(table.symbols, table.cls)])
    charges[is_mod] = np.where(n_neg_neigh[is_mod] > 0, mod_valence[el[is_mod]], 0)

    # metals: bond-valence states, neutral per fragment and frame (interfaceflow.analysis.oxidation)
    metal = cls_atom == _CLASS_METAL
    if metal.any():
        bonds = _MetalBonds.of(bi, bj, bdist, metal, negative)
        reservoir = _has_reservoir(charges, is_mod, metal, bonds, frame_of_atom, n_frames)
        donor = neg_pairs & (~reservoir[frame_of_atom[ci]] | (n_neg_neigh[ci] >= MIN_DONOR_ANIONS))
        received = _modifier_gifts(charges, ci[donor], cj[donor], cdist[donor], el, table)
        charges[metal] = _metal_states(
            charges, received, bonds, el, frag_of_atom, n_frag, frame_of_atom, table, reservoir
        )[metal]

    # Li coordination: per atom and per fragment (distinct Li)
    # (a Li image is distinct by atom index and by periodic image relative to the fragment)
    li_pair = table.is_li[el[ci]]
    li_neigh = np.bincount(cj[li_pair], minlength=m_atoms)
    li_image = image[cj] - cshift
    frag_li = _distinct_count(frag_of_atom[cj[li_pair]], ci[li_pair], li_image[li_pair], n_frag, m_atoms)
    frag_mod = (
        frag_li if li_pair.all() else _distinct_count(frag_of_atom[cj], ci, li_image, n_frag, m_atoms)
    )

    # states: one string per distinct (element, rounded charge, fragment label)
    q_round = np.clip(np.rint(charges).astype(np.int64), -8, 8)
    atom_label = np.full(m_atoms, -1, dtype=np.int64)
    atom_label[graph_atoms] = frag_label[frag_local]
    n_lab = len(label_names) + 1
    key = (el * 17 + q_round + 8) * n_lab + atom_label + 1
    present = np.bincount(key, minlength=n_el * 17 * n_lab) > 0
    ukeys = np.flatnonzero(present)
    slot = np.cumsum(present) - 1
    state_names = []
    for code in ukeys:
        e, rest = divmod(int(code), 17 * n_lab)
        q, lab = divmod(rest, n_lab)
        state_names.append(
            f"{table.symbols[e]}{_format_charge(q - 8)}" + (f"@{label_names[lab - 1]}" if lab > 0 else "")
        )
    state = slot[key]

    return _BatchResult(
        frag_of_atom=frag_of_atom,
        label_names=label_names,
        frag_label=frag_label,
        frag_frame=frag_frame,
        frag_li=frag_li,
        frag_mod=frag_mod,
        frag_size=frag_size,
        frag_centroid=centroid,
        charges=charges,
        state_names=state_names,
        state=state,
        li_neigh=li_neigh,
        bonds=np.stack([bi, bj], axis=1),
    )


@dataclass
class _MetalBonds:
    """Bonds from metal atoms to negatively charged atoms (both directions of the bond list)."""

    metal: np.ndarray  # (P,) metal atom
    anion: np.ndarray  # (P,) negative atom
    distance_A: np.ndarray  # (P,)

    @classmethod
    def of(cls, bi, bj, distance_A, metal: np.ndarray, negative: np.ndarray) -> _MetalBonds:
        mi, aj = np.concatenate([bi, bj]), np.concatenate([bj, bi])
        d = np.concatenate([distance_A, distance_A])
        keep = metal[mi] & negative[aj]
        return cls(mi[keep], aj[keep], d[keep])


def _modifier_gifts(
    charges: np.ndarray,
    mod: np.ndarray,
    anion: np.ndarray,
    distance_A: np.ndarray,
    el: np.ndarray,
    table: _ElementTable,
) -> np.ndarray:
    """(M,) charge each anion receives from its modifiers, e.

    A modifier shares its charge among its anion neighbours in proportion to their bond valences
    (equal shares for pairs without parameters), so a neighbour drifting across the cutoff in MD
    changes the shares smoothly.
    """
    m_atoms = len(charges)
    r0 = table.r0_A[el[mod], el[anion]]
    bond_valence = np.exp((np.nan_to_num(r0) - distance_A) / BOND_VALENCE_B_A)
    weight = np.where(np.isfinite(r0), bond_valence, 1.0)
    total = np.bincount(mod, weights=weight, minlength=m_atoms)
    return np.bincount(anion, weights=charges[mod] * weight / total[mod], minlength=m_atoms)


def _electrostatic_valence(
    charges: np.ndarray, received: np.ndarray, bonds: _MetalBonds
) -> np.ndarray:
    """Pauling: what the modifiers leave of each anion's charge, shared equally by its metals, e."""
    m_atoms = len(charges)
    left = np.maximum(0.0, -charges - received)
    n_metal = np.bincount(bonds.anion, minlength=m_atoms)
    share = left[bonds.anion] / np.maximum(n_metal[bonds.anion], 1)
    return np.bincount(bonds.metal, weights=share, minlength=m_atoms)


def _metal_states(
    charges: np.ndarray,
    received: np.ndarray,
    bonds: _MetalBonds,
    el: np.ndarray,
    frag_of_atom: np.ndarray,
    n_frag: int,
    frame_of_atom: np.ndarray,
    table: _ElementTable,
    reservoir: np.ndarray,
) -> np.ndarray:
    """(M,) oxidation states of the metal atoms bonded to anions (0 for every other atom).

    Bond-valence sums (Pauling's valence for elements without parameters) rounded to allowed
    states; the metals of a fragment compensate its other atoms and the modifiers' gifts to them,
    then the metals of a frame compensate all its other atoms (the frame is neutral) unless
    ``reservoir`` (F,) marks the frame as holding metallic atoms, then noise-sized
    disproportionation of one element in one frame is undone.
    """
    m_atoms = len(charges)
    r0 = table.r0_A[el[bonds.metal], el[bonds.anion]]
    bvs, known = bond_valence_sums(bonds.metal, bonds.distance_A, r0, m_atoms)
    valence = np.where(known, bvs, _electrostatic_valence(charges, received, bonds))
    cation = np.flatnonzero(np.bincount(bonds.metal, minlength=m_atoms) > 0)
    non_metal = table.cls[el] != _CLASS_METAL
    others = (frag_of_atom >= 0) & non_metal
    uncompensated = charges[others] + received[others]
    frag_target = -np.bincount(frag_of_atom[others], weights=uncompensated, minlength=n_frag)
    frame_target = -np.bincount(
        frame_of_atom[non_metal], weights=charges[non_metal], minlength=int(frame_of_atom.max()) + 1
    )
    # a frame with an electron reservoir (metallic atoms) need not be neutral: the metal takes the
    # rest (NaN: no target, no step)
    frame_target = np.where(reservoir, np.nan, frame_target.astype(float))
    levels = []
    for owner, target in ((frag_of_atom, frag_target), (frame_of_atom, frame_target)):
        ids, group = np.unique(owner[cation], return_inverse=True)
        levels.append((group.ravel(), target[ids]))
    family_key = frame_of_atom[cation] * len(table.symbols) + el[cation]
    family = np.unique(family_key, return_inverse=True)[1].ravel()
    out = np.zeros(m_atoms)
    ecat = el[cation]
    out[cation] = cation_oxidation_states(
        valence[cation], table.ox_states[ecat], table.ox_penalty[ecat], levels, family,
        transfer_group=levels[0][0],
    )
    return out


#: In a frame with an electron reservoir, a modifier gives its charge to the anions of a fragment
#: only with at least this many anion neighbours: a Li of the metal touching one or two O at the
#: contact is counted +1, but its electron stays in the metal, not on the oxide's cations.
MIN_DONOR_ANIONS = 3


def _has_reservoir(
    charges: np.ndarray,
    is_mod: np.ndarray,
    metal: np.ndarray,
    bonds: _MetalBonds,
    frame_of_atom: np.ndarray,
    n_frames: int,
) -> np.ndarray:
    """(F,) True for frames holding metallic atoms (a modifier at 0, a metal bonded to no anion)."""
    bonded_metal = np.bincount(bonds.metal, minlength=len(charges)) > 0
    metallic = (is_mod & (np.abs(charges) < 1e-9)) | (metal & ~bonded_metal)
    return np.bincount(frame_of_atom[metallic], minlength=n_frames) > 0


def _distinct_count(
    groups: np.ndarray, members: np.ndarray, images: np.ndarray, n_groups: int, n_members: int
) -> np.ndarray:
    """Number of distinct (member, periodic image) per group from pairs with repeats."""
    if len(members) == 0:
        return np.zeros(n_groups, dtype=np.int64)
    img = np.clip(images, -15, 15) + 15
    img_code = (img[:, 0] * 31 + img[:, 1]) * 31 + img[:, 2]
    codes = np.unique((groups.astype(np.int64) * n_members + members) * 29791 + img_code)
    return np.bincount(codes // (29791 * n_members), minlength=n_groups)


def _as_arrays(numbers, positions_A, cell_A, pbc):
    numbers = np.asarray(numbers, dtype=np.int64)
    positions = np.asarray(positions_A, dtype=float)
    if positions.ndim != 2 or positions.shape != (len(numbers), 3):
        raise AnalysisError(
            f"positions have shape {positions.shape} but there are {len(numbers)} atoms; pass (N, 3) Å"
        )
    cell = np.zeros((3, 3)) if cell_A is None else np.asarray(cell_A, dtype=float)
    if cell.shape == (3,):
        cell = np.diag(cell)
    pbc = np.broadcast_to(np.asarray(pbc, dtype=bool), (3,)).copy()
    return numbers, positions, cell, pbc


def speciate_frame(
    numbers,
    positions_A,
    cell_A,
    pbc=True,
    cutoffs: Mapping | None = None,
    *,
    bond_scale: float = BOND_SCALE,
    coordination_scale: float = COORDINATION_SCALE,
    modifier_elements: tuple[str, ...] = MODIFIER_ELEMENTS,
    network_size: int = NETWORK_SIZE,
) -> FrameSpeciation:
    """Speciate one frame: fragments, Li coordination, formal charges and anion states.

    Args:
        numbers: (N,) atomic numbers.
        positions_A: (N, 3) Cartesian positions, Å.
        cell_A: (3, 3) cell rows (or (3,) lengths), Å; zero rows allowed on non-periodic axes.
        pbc: periodic flags (bool or (3,)).
        cutoffs: pair cutoff overrides, Å (``{"P-S": 2.4}``); defaults from covalent radii.
    """
    numbers, positions, cell, pbc = _as_arrays(numbers, positions_A, cell_A, pbc)
    table, _ = _ElementTable.build(numbers, cutoffs, modifier_elements, bond_scale, coordination_scale)
    el_idx = np.searchsorted(np.unique(numbers), numbers)
    res = _speciate_batch(el_idx, positions[None], cell[None], pbc, table, network_size)
    return FrameSpeciation(
        numbers=numbers,
        fragment_ids=res.frag_of_atom,
        fragment_labels=[res.label_names[k] for k in res.frag_label],
        fragment_li_counts=res.frag_li,
        fragment_modifier_counts=res.frag_mod,
        fragment_sizes=res.frag_size,
        fragment_centroids_A=res.frag_centroid,
        formal_charges=res.charges,
        anion_states=[res.state_names[k] for k in res.state],
        li_neighbours=res.li_neigh,
        bonds=res.bonds,
    )
