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
- metals (cations of ionic oxides, phosphates, halides and sulfides): bond-valence states
  (:mod:`interfaceflow.analysis.oxidation`). The bond-valence sum over a metal's negative
  neighbours (O'Keeffe–Brese parameters, pymatgen's ``bvparam_1991.yaml``) is rounded to an
  allowed oxidation state of the element; then the metals of each fragment compensate its other
  atoms and what the coordinating modifiers give them (a modifier shares its charge among its
  negative neighbours in proportion to their bond valences), and the metals of each frame make
  the frame neutral, each step taken by the metal whose bond-valence sum is nearest the next
  state. A frame that holds an electron reservoir (Li0, or a metal bonded to no anion: a metal
  electrode) is not made neutral by its cations: the Li of the metal touching one or two anions
  at the contact count +1 but give nothing to the fragment, and the frame's net charge is left
  to the metal (the profile analysis puts it there with ``compensating_region``), so a Li | LLZO
  contact keeps La +3 and Zr +4 where bond valences and the garnet's neutrality say so. Charge
  that an undercoordinated surface or a strained contact moves from one element to another within
  a fragment (surface Co+2 paid for by Ni+3 in NCM, Co+4 next to Nb+4 at LiCoO2 | LiNbO3) is
  moved back towards each element's most common state when that costs no more than noise; and
  noise-sized splits of one element (two Co +3 read as Co +2 and Co +4 in a thermally displaced
  frame) are undone. LLZO gives La +3 and Zr +4, LiTi2(PO4)3 Ti +4 (P +5 from the
  octet rule), Li3InCl6 In +3, TiS2 Ti +4, LiTiS2 Ti +3; metals without negative neighbours (Ti
  metal, In in LiIn) 0. A frame stays charged only where no allowed state can compensate (Zintl
  Li15Ge4, an aliovalent dopant without its compensating Li).

**Anion state** of an atom: ``"<element><charge>@<fragment label>"`` for graph atoms (``S-2@PS4``,
``S-1@S2``, ``S-2@S``, ``P+5@PS4``, ``P-3@P``, ``Ti+3@TiS2_net``) and ``"<element><charge>"`` for
modifiers (``Li+1``, ``Li0``). Charges in the state are rounded to integers.

**Depth.** Atoms (states) and fragments (centroid) are binned in z relative to the initial
interface plane, ``depth = z − interface_z`` wrapped into [−Lz/2, Lz/2) along a periodic z.

This module speciates whole trajectories and aggregates against time and depth. Element classes
and cutoffs live in :mod:`interfaceflow.analysis.speciation_elements`, the per-frame bond graph,
fragments, charges and states in :mod:`interfaceflow.analysis.speciation_frame`, the bond-valence
states of metal cations in :mod:`interfaceflow.analysis.oxidation`; their public names are
importable from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from interfaceflow.analysis.speciation_elements import (
    BOND_SCALE,
    COORDINATION_SCALE,
    MODIFIER_ELEMENTS,
    _ElementTable,
    default_cutoffs,
    element_class,
    resolve_cutoffs,
)
from interfaceflow.analysis.speciation_frame import (
    NETWORK_SIZE,
    FrameSpeciation,
    _speciate_batch,
    speciate_frame,
)
from interfaceflow.errors import AnalysisError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from interfaceflow.io.trajectory import TrajectoryData

__all__ = [
    "BOND_SCALE",
    "COORDINATION_SCALE",
    "DEFAULT_BIN_WIDTH_A",
    "MODIFIER_ELEMENTS",
    "NETWORK_SIZE",
    "FrameSpeciation",
    "TrajectorySpeciation",
    "default_cutoffs",
    "default_interface_z",
    "depth_edges",
    "element_class",
    "resolve_cutoffs",
    "speciate_frame",
    "speciate_trajectory",
]

DEFAULT_BIN_WIDTH_A = 2.0


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


class _Vocabulary:
    """Growing string ↔ index table shared by the frames of one trajectory."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def ids(self, labels) -> np.ndarray:
        return np.array([self.index.setdefault(s, len(self.index)) for s in labels], dtype=np.int64)

    @property
    def labels(self) -> list[str]:
        return list(self.index)


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
