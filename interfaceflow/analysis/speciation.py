"""Speciation of every frame: bond graph, fragments, formal charges and anion states.

The speciation is driven by elements and cutoffs only; nothing is specific to one electrolyte.

**Atoms.** Elements fall into three classes:

- *modifiers* (:data:`MODIFIER_ELEMENTS`: alkali and alkaline-earth metals, Li first): ionic
  network modifiers. They never enter the bond graph; they *coordinate* fragments.
- *octet elements* (p-block non-metals and metalloids in pymatgen's sense, plus H): B, C, N, O, F,
  Si, P, S, Cl, Ge, As, Se, Br, Sb, Te, I, ... Their formal charge follows the octet (8 − N) rule.
- *metals* (everything else: transition metals, lanthanides, Al, Ga, In, Sn, Pb, Bi, ...).

**Bond graph.** Two non-modifier atoms are bonded when closer than the pair cutoff. The default
cutoff is ``bond_scale`` (1.2) × the sum of the covalent radii of Cordero et al., Dalton Trans.
2008, 2832 (``ase.data.covalent_radii``): P–S 2.54 Å, S–S 2.52 Å, P–P 2.57 Å, Ge–Ge 2.88 Å,
P–O 2.08 Å. A modifier coordinates an atom closer than ``coordination_scale`` (1.3) × the radii sum
(Li–S 3.03 Å, Li–P 3.06 Å, Li–Cl 2.99 Å, Li–O 2.52 Å, Li–N 2.59 Å, Li–Ge 3.22 Å). Any pair can be
overridden with ``cutoffs={"P-S": 2.4}`` (or ``{("P", "S"): 2.4}``).

**Fragments** are the connected components of the bond graph. Their label is the non-modifier
composition, elements ordered by increasing Pauling electronegativity (the central, least
electronegative element first; ties by atomic number), count 1 omitted: ``PS4``, ``P2S7``, ``P2S6``,
``S2`` (disulfide), ``S`` (isolated sulfide), ``P`` (isolated phosphide), ``PO4``, ``O``, ``Cl``,
``GeS4``, ``Ge4``. Fragments with more than ``network_size`` (24) atoms are extended networks and are
labelled by their reduced composition plus ``_net`` (``Ge_net``, ``TiS2_net``), and so are fragments
that bond to their own periodic image (a bond whose periodic shift disagrees with the minimum-image
placement of the fragment), whatever their size.

**Formal charges** (units of e):

- octet elements: the Lewis oxidation state with octets completed. Bonds count only between
  octet elements; an atom with n such bonds keeps max(0, 8 − 2n) non-bonding electrons; bond
  electrons go to the more electronegative partner and are shared in homoatomic bonds:
  ``q = V − NB − 2·n_bonds_to_less_electronegative − min(n_homoatomic, 8 − V)`` (V = valence
  electrons; the cap keeps close-packed elemental environments neutral).
  This gives PS4: P +5, S −2; P2S6: P +4; S2: S −1; isolated S −2, P −3, Cl −1, N −3, Ge −4
  (Zintl); elemental networks (S8, black P, Ge) 0.
- modifiers: their group valence (Li +1) when they coordinate an atom of negative charge, else 0
  (metallic Li).
- metals: Pauling's electrostatic valence. Each coordinated modifier gives its charge in equal
  parts to its negative neighbours; what is left of each anion's charge is shared equally among
  its bonded metal neighbours. TiS2 gives Ti +4, LiTiS2 Ti +3, Ti metal 0.

**Anion state** of an atom: ``"<element><charge>@<fragment label>"`` for graph atoms (``S-2@PS4``,
``S-1@S2``, ``S-2@S``, ``P+5@PS4``, ``P-3@P``, ``Ti+3@TiS2_net``) and ``"<element><charge>"`` for
modifiers (``Li+1``, ``Li0``). Charges in the state are rounded to integers.

**Depth.** Atoms (states) and fragments (centroid) are binned in z relative to the initial
interface plane, ``depth = z − interface_z`` wrapped into [−Lz/2, Lz/2) along a periodic z.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from ase.data import chemical_symbols, covalent_radii
from pymatgen.core import Element
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from interfaceflow.errors import AnalysisError
from interfaceflow.geometry import cell_for_search, neighbour_pairs

if TYPE_CHECKING:
    from collections.abc import Mapping

    from interfaceflow.io.trajectory import TrajectoryData

MODIFIER_ELEMENTS: tuple[str, ...] = ("Li", "Na", "K", "Rb", "Cs", "Be", "Mg", "Ca", "Sr", "Ba")
BOND_SCALE = 1.2
COORDINATION_SCALE = 1.3
NETWORK_SIZE = 24
DEFAULT_BIN_WIDTH_A = 2.0

_CLASS_MODIFIER, _CLASS_OCTET, _CLASS_METAL = 0, 1, 2


# ----------------------------------------------------------------------------- element metadata
def element_class(symbol: str, modifier_elements: tuple[str, ...] = MODIFIER_ELEMENTS) -> int:
    """0 modifier, 1 octet element (p-block non-metal/metalloid or H), 2 metal."""
    if symbol in modifier_elements:
        return _CLASS_MODIFIER
    el = Element(symbol)
    if symbol == "H" or (el.block == "p" and not el.is_metal):
        return _CLASS_OCTET
    return _CLASS_METAL


def _valence_electrons(symbol: str) -> int:
    el = Element(symbol)
    if symbol == "H":
        return 1
    return el.group - 10 if el.block == "p" else el.group


def _shell_target(symbol: str) -> int:
    return 2 if symbol == "H" else 8


def _electronegativity(symbol: str) -> float:
    x = Element(symbol).X
    return float(x) if np.isfinite(x) else 0.0


def _pair_key(key) -> tuple[str, str]:
    if isinstance(key, str):
        parts = key.replace("–", "-").split("-")
        if len(parts) != 2:
            raise AnalysisError(f"cutoff key '{key}' is not a pair; write it as 'P-S' or ('P', 'S')")
        key = parts
    a, b = (str(x).strip() for x in key)
    for s in (a, b):
        if s not in chemical_symbols[1:]:
            raise AnalysisError(f"cutoff key names unknown element '{s}'; use element symbols")
    return tuple(sorted((a, b)))


def default_cutoffs(
    symbols,
    *,
    bond_scale: float = BOND_SCALE,
    coordination_scale: float = COORDINATION_SCALE,
    modifier_elements: tuple[str, ...] = MODIFIER_ELEMENTS,
) -> dict[tuple[str, str], float]:
    """Pair cutoffs (Å) from Cordero covalent radii: bonds among non-modifiers, modifier coordination.

    Modifier–modifier pairs get no cutoff (they are never bonded).
    """
    syms = sorted(set(symbols))
    out: dict[tuple[str, str], float] = {}
    for ia, a in enumerate(syms):
        for b in syms[ia:]:
            mod_a, mod_b = a in modifier_elements, b in modifier_elements
            if mod_a and mod_b:
                continue
            scale = coordination_scale if (mod_a or mod_b) else bond_scale
            r = covalent_radii[Element(a).Z] + covalent_radii[Element(b).Z]
            out[(a, b)] = round(float(scale * r), 4)
    return out


def resolve_cutoffs(
    symbols,
    cutoffs: Mapping | None = None,
    *,
    bond_scale: float = BOND_SCALE,
    coordination_scale: float = COORDINATION_SCALE,
    modifier_elements: tuple[str, ...] = MODIFIER_ELEMENTS,
) -> dict[tuple[str, str], float]:
    """Defaults for ``symbols`` updated with user ``cutoffs`` (keys 'P-S' or ('P', 'S'), Å)."""
    out = default_cutoffs(
        symbols,
        bond_scale=bond_scale,
        coordination_scale=coordination_scale,
        modifier_elements=modifier_elements,
    )
    for key, value in (cutoffs or {}).items():
        if float(value) < 0:
            raise AnalysisError(f"cutoff for {key} is negative; give a distance in Å")
        out[_pair_key(key)] = float(value)
    return out


# ----------------------------------------------------------------------------- results
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
        anion_states: (N,) state label of each atom (see module docstring).
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


@dataclass
class TrajectorySpeciation:
    """Speciation of every frame, aggregated against time and depth.

    Attributes:
        times_fs: (F,) frame times, fs.
        numbers: (N,) atomic numbers.
        fragment_labels: (L,) every fragment label seen.
        fragment_counts: (F, L) fragments of each label per frame.
        fragment_li_mean: (F, L) mean Li coordinating a fragment of that label (NaN when absent).
        state_labels: (S,) every anion state seen.
        state_counts: (F, S) atoms in each state per frame.
        interface_z_A: the reference plane of the depth axis, Å.
        z_edges_A: (B+1,) depth bin edges relative to the interface plane, Å.
        fragment_depth_counts: (F, L, B) fragments per depth bin (by centroid).
        state_depth_counts: (F, S, B) atoms per depth bin and state.
        atom_fragment_label: (F, N) label index of each atom's fragment, -1 for modifiers.
        atom_state: (F, N) state index of each atom.
        formal_charges: (F, N) formal charges, e.
        li_neighbours: (F, N) Li atoms coordinating each atom.
        depth_A: (F, N) depth of each atom relative to the interface plane, Å.
        cutoffs: the pair cutoffs used, Å (keys 'A-B').
        area_A2: (F,) area of the cell's a×b face, Å².
        times_from_file: False when the file had no times and ``times_fs`` are frame indices.
    """

    times_fs: np.ndarray
    numbers: np.ndarray
    fragment_labels: list[str]
    fragment_counts: np.ndarray
    fragment_li_mean: np.ndarray
    state_labels: list[str]
    state_counts: np.ndarray
    interface_z_A: float
    z_edges_A: np.ndarray
    fragment_depth_counts: np.ndarray
    state_depth_counts: np.ndarray
    atom_fragment_label: np.ndarray
    atom_state: np.ndarray
    formal_charges: np.ndarray
    li_neighbours: np.ndarray
    depth_A: np.ndarray
    cutoffs: dict[str, float] = field(default_factory=dict)
    area_A2: np.ndarray | None = None
    times_from_file: bool = True

    @property
    def n_frames(self) -> int:
        return len(self.times_fs)

    @property
    def z_centers_A(self) -> np.ndarray:
        return 0.5 * (self.z_edges_A[1:] + self.z_edges_A[:-1])

    def fragment_counts_dict(self) -> dict[str, list[int]]:
        """Label → count per frame."""
        return {lab: self.fragment_counts[:, k].tolist() for k, lab in enumerate(self.fragment_labels)}

    def state_counts_dict(self) -> dict[str, list[int]]:
        """State → atoms per frame."""
        return {lab: self.state_counts[:, k].tolist() for k, lab in enumerate(self.state_labels)}

    def fragment_depth_dict(self, frame: int = -1) -> dict[str, list[int]]:
        """Label → fragments per depth bin in one frame."""
        return {
            lab: self.fragment_depth_counts[frame, k].tolist()
            for k, lab in enumerate(self.fragment_labels)
        }


# ----------------------------------------------------------------------------- core
class _Vocabulary:
    """Growing string ↔ index table shared by the frames of one trajectory."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def ids(self, labels) -> np.ndarray:
        return np.array([self.index.setdefault(s, len(self.index)) for s in labels], dtype=np.int64)

    @property
    def labels(self) -> list[str]:
        return list(self.index)


@dataclass
class _ElementTable:
    """Per-element constants of one system, indexed by a compact element index."""

    symbols: list[str]
    cls: np.ndarray
    valence: np.ndarray
    target: np.ndarray
    en: np.ndarray
    rank: np.ndarray  # order of elements in labels
    is_li: np.ndarray
    cutoff: np.ndarray  # (E, E), 0 where no pair interaction
    max_cutoff: float

    @classmethod
    def build(cls, numbers, cutoffs, modifier_elements, bond_scale, coordination_scale):
        zs = np.unique(numbers)
        symbols = [chemical_symbols[z] for z in zs]
        cut = resolve_cutoffs(
            symbols,
            cutoffs,
            bond_scale=bond_scale,
            coordination_scale=coordination_scale,
            modifier_elements=modifier_elements,
        )
        n = len(symbols)
        mat = np.zeros((n, n))
        for a in range(n):
            for b in range(n):
                mat[a, b] = cut.get(tuple(sorted((symbols[a], symbols[b]))), 0.0)
        classes = np.array([element_class(s, modifier_elements) for s in symbols])
        valence = np.array([_valence_electrons(s) if c != _CLASS_METAL else 0 for s, c in zip(symbols, classes)])
        en = np.array([_electronegativity(s) for s in symbols])
        order = sorted(range(n), key=lambda k: (en[k], zs[k]))
        rank = np.empty(n, dtype=int)
        rank[order] = np.arange(n)
        return cls(
            symbols=symbols,
            cls=classes,
            valence=valence,
            target=np.array([_shell_target(s) for s in symbols]),
            en=en,
            rank=rank,
            is_li=np.array([s == "Li" for s in symbols]),
            cutoff=mat,
            max_cutoff=float(mat.max()) if n else 0.0,
        ), {f"{a}-{b}": v for (a, b), v in cut.items()}


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
    ii, jj, ss = [], [], []
    for f in range(n_frames):
        i, j, d, shift = neighbour_pairs(positions[f], cells[f], pbc, table.max_cutoff)
        keep = d <= table.cutoff[el_idx[i], el_idx[j]]
        ii.append(i[keep] + f * n_atoms)
        jj.append(j[keep] + f * n_atoms)
        ss.append(shift[keep])
    i = np.concatenate(ii).astype(np.int64)
    j = np.concatenate(jj).astype(np.int64)
    shift = np.concatenate(ss).astype(np.int64).reshape(-1, 3)

    # one entry per bond: i < j, or a bond to the atom's own image counted with its positive shift
    first_nonzero = shift[np.arange(len(shift)), np.argmax(shift != 0, axis=1)] if len(shift) else shift[:, 0]
    bond_mask = (~is_mod[i]) & (~is_mod[j]) & ((i < j) | ((i == j) & (first_nonzero > 0)))
    bi, bj, bshift = i[bond_mask], j[bond_mask], shift[bond_mask]
    coord_mask = is_mod[i] & ~is_mod[j]
    ci, cj, cshift = i[coord_mask], j[coord_mask], shift[coord_mask]  # modifier ci coordinates cj

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

    # metals: electrostatic valence (what modifiers leave of each anion's charge)
    metal = cls_atom == _CLASS_METAL
    if metal.any():
        gift = charges[ci[neg_pairs]] / n_neg_neigh[ci[neg_pairs]]
        received = np.bincount(cj[neg_pairs], weights=gift, minlength=m_atoms)
        left = np.maximum(0.0, -charges - received) * negative
        mi = np.concatenate([bi, bj])
        aj = np.concatenate([bj, bi])
        mpair = metal[mi] & negative[aj]
        n_metal_neigh = np.bincount(aj[mpair], minlength=m_atoms)
        share = left[aj[mpair]] / np.maximum(n_metal_neigh[aj[mpair]], 1)
        charges[metal] = np.bincount(mi[mpair], weights=share, minlength=m_atoms)[metal]

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


def _depth(z: np.ndarray, z0: float, lz: np.ndarray, periodic_z: bool) -> np.ndarray:
    dz = z - z0
    if periodic_z:
        dz = dz - lz * np.floor(dz / lz + 0.5)
    return dz


def default_interface_z(traj: TrajectoryData) -> float:
    """Interface plane: the first stored ``interface_z_A``, else the electrode/electrolyte boundary
    from the region labels of frame 0, else the middle of the cell."""
    if traj.interface_z_A:
        return float(traj.interface_z_A[0])
    z = traj.positions_A[0, :, 2]
    if traj.regions is not None:
        regions = np.asarray(traj.regions).astype(str)
        electrode, electrolyte = regions == "electrode", regions == "electrolyte"
        if electrode.any() and electrolyte.any():
            ze, zl = z[electrode], z[electrolyte]
            return float(0.5 * (ze.max() + zl.min()) if ze.mean() < zl.mean() else 0.5 * (zl.max() + ze.min()))
    return float(0.5 * traj.cells_A[0, 2, 2]) if traj.cells_A[0, 2, 2] > 0 else float(z.mean())


def depth_edges(
    traj: TrajectoryData, bin_width_A: float = DEFAULT_BIN_WIDTH_A, interface_z_A: float | None = None
) -> np.ndarray:
    """Depth bin edges (Å) covering the cell (periodic z) or the atoms' z range."""
    if bin_width_A <= 0:
        raise AnalysisError(f"bin width {bin_width_A} Å is not positive; pass e.g. --bin-width 2.0")
    z0 = default_interface_z(traj) if interface_z_A is None else interface_z_A
    if traj.pbc[2] and traj.cells_A[0, 2, 2] > 0:
        half = 0.5 * float(traj.cells_A[:, 2, 2].max())
        lo, hi = -half, half
    else:
        lo = float(traj.positions_A[..., 2].min() - z0) - 1e-6
        hi = float(traj.positions_A[..., 2].max() - z0) + 1e-6
    n = max(1, int(np.ceil((hi - lo) / bin_width_A)))
    center = 0.5 * (lo + hi)
    return center + bin_width_A * (np.arange(n + 1) - n / 2)


def speciate_trajectory(
    traj: TrajectoryData,
    cutoffs: Mapping | None = None,
    *,
    interface_z_A: float | None = None,
    bin_width_A: float = DEFAULT_BIN_WIDTH_A,
    z_edges_A: np.ndarray | None = None,
    bond_scale: float = BOND_SCALE,
    coordination_scale: float = COORDINATION_SCALE,
    modifier_elements: tuple[str, ...] = MODIFIER_ELEMENTS,
    network_size: int = NETWORK_SIZE,
    chunk_frames: int = 64,
) -> TrajectorySpeciation:
    """Speciate every frame of a trajectory and aggregate counts against time and depth.

    Frames are processed in chunks: one neighbour search per frame, then the bond graphs of the
    whole chunk are labelled with one connected-components call and flat array algebra.
    """
    positions = np.asarray(traj.positions_A, dtype=float)
    if positions.ndim != 3 or positions.shape[0] == 0:
        raise AnalysisError("the trajectory has no frames; check the file and --start/--stop/--stride")
    n_frames, n_atoms = positions.shape[:2]
    numbers = np.asarray(traj.numbers, dtype=np.int64)
    cells = np.asarray(traj.cells_A, dtype=float)
    pbc = np.broadcast_to(np.asarray(traj.pbc, dtype=bool), (3,)).copy()
    table, cut_used = _ElementTable.build(numbers, cutoffs, modifier_elements, bond_scale, coordination_scale)
    el_idx = np.searchsorted(np.unique(numbers), numbers)
    times = (
        np.asarray(traj.times_fs, dtype=float)
        if traj.times_fs is not None
        else np.arange(n_frames, dtype=float)
    )

    z0 = default_interface_z(traj) if interface_z_A is None else float(interface_z_A)
    edges = (
        np.asarray(z_edges_A, dtype=float)
        if z_edges_A is not None
        else depth_edges(traj, bin_width_A, z0)
    )
    n_bins = len(edges) - 1
    periodic_z = bool(pbc[2])
    lz = cells[:, 2, 2]

    label_vocab, state_vocab = _Vocabulary(), _Vocabulary()
    frag_rows: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    atom_label = np.full((n_frames, n_atoms), -1, dtype=np.int32)
    atom_state = np.zeros((n_frames, n_atoms), dtype=np.int32)
    charges = np.zeros((n_frames, n_atoms), dtype=np.float32)
    li_neigh = np.zeros((n_frames, n_atoms), dtype=np.int16)
    depth = np.zeros((n_frames, n_atoms), dtype=np.float32)

    for start in range(0, n_frames, chunk_frames):
        stop = min(start + chunk_frames, n_frames)
        res = _speciate_batch(el_idx, positions[start:stop], cells[start:stop], pbc, table, network_size)
        nf = stop - start
        lab_ids = label_vocab.ids(res.label_names)[res.frag_label] if len(res.frag_label) else res.frag_label
        st_ids = state_vocab.ids(res.state_names)[res.state].reshape(nf, n_atoms)
        atom_state[start:stop] = st_ids
        fa = res.frag_of_atom.reshape(nf, n_atoms)
        atom_label[start:stop] = np.where(fa >= 0, lab_ids[np.maximum(fa, 0)] if len(lab_ids) else -1, -1)
        charges[start:stop] = res.charges.reshape(nf, n_atoms)
        li_neigh[start:stop] = res.li_neigh.reshape(nf, n_atoms)
        frames = res.frag_frame + start
        depth[start:stop] = _depth(
            positions[start:stop, :, 2], z0, lz[start:stop, None], periodic_z
        )
        frag_depth = _depth(res.frag_centroid[:, 2], z0, lz[frames], periodic_z)
        frag_rows.append((frames, lab_ids, res.frag_li, frag_depth))

    n_lab, n_state = len(label_vocab.index), len(state_vocab.index)
    frames = np.concatenate([r[0] for r in frag_rows])
    labs = np.concatenate([r[1] for r in frag_rows]).astype(np.int64)
    lis = np.concatenate([r[2] for r in frag_rows]).astype(float)
    fdepth = np.concatenate([r[3] for r in frag_rows])

    fragment_counts = np.bincount(frames * n_lab + labs, minlength=n_frames * n_lab).reshape(n_frames, n_lab)
    li_sum = np.bincount(frames * n_lab + labs, weights=lis, minlength=n_frames * n_lab).reshape(n_frames, n_lab)
    with np.errstate(invalid="ignore", divide="ignore"):
        li_mean = np.where(fragment_counts > 0, li_sum / fragment_counts, np.nan)

    fbin = _bin_index(fdepth, edges)
    ok = fbin >= 0
    fragment_depth = np.bincount(
        (frames[ok] * n_lab + labs[ok]) * n_bins + fbin[ok], minlength=n_frames * n_lab * n_bins
    ).reshape(n_frames, n_lab, n_bins)

    frame_of_atom = np.repeat(np.arange(n_frames), n_atoms)
    st = atom_state.ravel().astype(np.int64)
    state_counts = np.bincount(frame_of_atom * n_state + st, minlength=n_frames * n_state).reshape(
        n_frames, n_state
    )
    abin = _bin_index(depth.ravel(), edges)
    ok = abin >= 0
    state_depth = np.bincount(
        (frame_of_atom[ok] * n_state + st[ok]) * n_bins + abin[ok], minlength=n_frames * n_state * n_bins
    ).reshape(n_frames, n_state, n_bins)

    area = np.linalg.norm(np.cross(cells[:, 0], cells[:, 1]), axis=1)
    return TrajectorySpeciation(
        times_fs=times,
        numbers=numbers,
        fragment_labels=label_vocab.labels,
        fragment_counts=fragment_counts,
        fragment_li_mean=li_mean,
        state_labels=state_vocab.labels,
        state_counts=state_counts,
        interface_z_A=z0,
        z_edges_A=edges,
        fragment_depth_counts=fragment_depth,
        state_depth_counts=state_depth,
        atom_fragment_label=atom_label,
        atom_state=atom_state,
        formal_charges=charges,
        li_neighbours=li_neigh,
        depth_A=depth,
        cutoffs=cut_used,
        area_A2=area,
        times_from_file=traj.times_fs is not None,
    )


def _bin_index(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin of each value (-1 outside the edges)."""
    idx = np.searchsorted(edges, values, side="right") - 1
    idx[(values < edges[0]) | (values >= edges[-1])] = -1
    idx[idx >= len(edges) - 1] = -1
    return idx
