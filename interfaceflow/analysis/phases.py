"""Product phases: map local environments of a trajectory onto reference bulk phases.

**Fingerprint.** Every non-modifier atom (and every such site of a reference phase) gets a radial
environment fingerprint: for each neighbour element (Li, P, S, ...), the neighbour count smeared
with a Gaussian (``sigma_A``, 0.2 Å) on a radial grid up to ``r_max_A`` (5.5 Å) and damped by the
smooth cosine cutoff ``fc(r) = ½(1 + cos(π r / r_max))``, so first shells weigh most. The
fingerprint therefore carries the coordination numbers and the neighbour-distance histograms of
each neighbour element.

**Assignment.** An atom can only match reference sites of the same element *and* the same
fragment label (an S in a PS4 unit never matches Li2S). Among those, the site with the highest
Tanimoto similarity ``T(a, b) = a·b / (|a|² + |b|² − a·b)`` (1 for identical fingerprints, smaller
when peaks shift or coordination numbers differ) wins; the atom is assigned to that site's phase
when ``T ≥ min_similarity`` (0.6), otherwise it stays unassigned (amorphous or unknown).

**Outputs.** ``phase_fractions[phase][frame]`` is the fraction of the phase's anion-forming
(non-modifier) atoms, e.g. all S for Li2S, all P and S for Li3PS4, that sit in that phase's
environment. ``phase_confidence`` is the mean similarity of the assigned atoms (0–1).

**Mixed-anion antifluorite.** Li | Li6PS5Cl interphases crystallise into one Li2S-like
antifluorite whose anion sublattice holds S, P and Cl together (Li in the tetrahedral sites), which
no single-anion reference describes. Its environment is found element-agnostically: every isolated
anion (a one-atom fragment of negative charge: S²⁻, P³⁻, Cl⁻, ...) is fingerprinted with two
channels, Li and isolated anions of any element, and compared (Tanimoto, averaged over the atom
and its isolated-anion neighbours within the first anion shell, to beat thermal noise) with the
anion site of an ideal antifluorite of lattice parameter ``antifluorite_a_A`` (the Li2X reference
when one is given, else Li2S, 5.71 Å). A site that matches (≥ 0.8) and has an anion of another
element in its first anion shell is :data:`ANTIFLUORITE_MIXED` ("Li2S-like mixed anion (S,P,Cl)
antifluorite"), whatever its element-wise best match; pure Li2S stays Li2S (no foreign anion) and
Li3P and LiCl stay themselves (their anion sublattices are not fcc with tetrahedral Li). The phase
joins the assignment when the trajectory holds Li and at least two of the elements of
:data:`ANTIFLUORITE_ANIONS`.

Reference structures should be relaxed with the same calculator as the trajectory
(:func:`interfaceflow.analysis.thermo.relax_reference_phases`); unrelaxed library structures work
when lattice mismatches stay well below ``sigma_A``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from ase.data import atomic_numbers, chemical_symbols
from scipy.ndimage import gaussian_filter1d

from interfaceflow.analysis.speciation import MODIFIER_ELEMENTS, speciate_frame
from interfaceflow.errors import AnalysisError
from interfaceflow.geometry import neighbour_pairs

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pymatgen.core import Structure

    from interfaceflow.analysis.speciation import TrajectorySpeciation
    from interfaceflow.io.trajectory import TrajectoryData

R_MAX_A = 5.5
SIGMA_A = 0.2
DR_A = 0.05
MIN_SIMILARITY = 0.6

#: Phase key and description of the mixed-anion antifluorite environment.
ANTIFLUORITE_MIXED = "antifluorite_mixed"
ANTIFLUORITE_MIXED_DESCRIPTION = "Li2S-like mixed anion (S,P,Cl) antifluorite"
#: Elements that share the anion sublattice of a Li antifluorite in sulfide-electrolyte interphases.
ANTIFLUORITE_ANIONS: tuple[str, ...] = ("S", "Se", "Te", "P", "As", "Sb", "Cl", "Br", "I")
ANTIFLUORITE_A_A = 5.71  # Li2S
ANTIFLUORITE_MIN_SIMILARITY = 0.8
_ANY_ANION = 200  # pseudo atomic number of the merged isolated-anion channel

#: Phases looked up in the structure library for the default reference set, when their elements
#: are all present in the trajectory: interphase products first, then electrolytes and electrodes.
DEFAULT_REFERENCE_NAMES: tuple[str, ...] = (
    "Li2S", "Li3P", "LiCl", "Li2O", "Li3N", "LiF", "LiBr", "LiI", "Li15Ge4", "Li3PO4",
    "beta-Li3PS4", "Li6PS5Cl", "Li10GeP2S12", "Li7P3S11", "Li3OCl", "Ge", "P-black",
)


# ----------------------------------------------------------------------------- fingerprints
def environment_fingerprints(
    numbers,
    positions_A,
    cell_A,
    pbc,
    centers: np.ndarray,
    channels: list[int],
    *,
    r_max_A: float = R_MAX_A,
    sigma_A: float = SIGMA_A,
    dr_A: float = DR_A,
) -> np.ndarray:
    """Radial fingerprints (n_centers, n_channels · n_r) of the atoms ``centers``.

    ``channels`` are the atomic numbers of the neighbour elements, one block each.
    """
    numbers = np.asarray(numbers)
    centers = np.asarray(centers, dtype=np.int64)
    n_r = int(np.ceil(r_max_A / dr_A))
    n_ch = len(channels)
    if len(centers) == 0:
        return np.zeros((0, n_ch * n_r))
    i, j, d, _ = neighbour_pairs(np.asarray(positions_A, float), np.asarray(cell_A, float), pbc, r_max_A)
    row = np.full(len(numbers), -1, dtype=np.int64)
    row[centers] = np.arange(len(centers))
    ch_of_z = np.full(max(max(channels), int(numbers.max())) + 1, -1, dtype=np.int64)
    ch_of_z[np.asarray(channels)] = np.arange(n_ch)
    ch = ch_of_z[numbers[j]]
    keep = (row[i] >= 0) & (ch >= 0) & (d < r_max_A)
    ri, ch, d = row[i[keep]], ch[keep], d[keep]
    weight = 0.5 * (1.0 + np.cos(np.pi * d / r_max_A))
    rbin = np.minimum((d / dr_A).astype(np.int64), n_r - 1)
    hist = np.bincount(
        (ri * n_ch + ch) * n_r + rbin, weights=weight, minlength=len(centers) * n_ch * n_r
    ).reshape(len(centers), n_ch, n_r)
    hist = gaussian_filter1d(hist, sigma_A / dr_A, axis=2, mode="constant")
    return hist.reshape(len(centers), n_ch * n_r)


def tanimoto(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Tanimoto similarity matrix (len(a), len(b)) of non-negative fingerprints."""
    ab = a @ b.T
    aa = np.einsum("ij,ij->i", a, a)[:, None]
    bb = np.einsum("ij,ij->i", b, b)[None, :]
    denom = aa + bb - ab
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 1e-12, ab / denom, 1.0)


# ----------------------------------------------------------------------------- references
@dataclass
class PhaseReferences:
    """Fingerprints of the non-modifier sites of the reference phases.

    Attributes:
        phases: phase keys (reduced formulas unless given otherwise).
        channels: neighbour elements (atomic numbers) of the fingerprint blocks.
        site_phase: (K,) phase index of each reference site.
        site_number: (K,) atomic number of each site.
        site_label: (K,) fragment label of each site (``S``, ``PS4``, ...).
        fingerprints: (K, D) fingerprints.
        phase_elements: phase → its anion-forming (non-modifier) elements.
        r_max_A, sigma_A, dr_A: fingerprint settings.
        antifluorite_a_A: lattice parameter of the mixed-anion antifluorite template, Å (from a
            Li2X antifluorite reference when there is one).
    """

    phases: list[str]
    channels: list[int]
    site_phase: np.ndarray
    site_number: np.ndarray
    site_label: np.ndarray
    fingerprints: np.ndarray
    phase_elements: dict[str, list[str]]
    r_max_A: float = R_MAX_A
    sigma_A: float = SIGMA_A
    dr_A: float = DR_A
    antifluorite_a_A: float = ANTIFLUORITE_A_A

    def fragment_labels_by_phase(self) -> dict[str, set[str]]:
        """Phase → the fragment labels of its sites (``{"PS4", "P2S7"}`` for Li7P3S11)."""
        return {phase: {str(lab) for lab, k in zip(self.site_label, self.site_phase) if k == i}
                for i, phase in enumerate(self.phases)}


def reference_fingerprints(
    structures: Mapping[str, Structure],
    channels: list[int] | None = None,
    *,
    cutoffs: Mapping | None = None,
    r_max_A: float = R_MAX_A,
    sigma_A: float = SIGMA_A,
    dr_A: float = DR_A,
    modifier_elements: tuple[str, ...] = MODIFIER_ELEMENTS,
) -> PhaseReferences:
    """Fingerprint every distinct non-modifier site of each reference structure (name → Structure)."""
    if not structures:
        raise AnalysisError("no reference phases given; pass structures or install the phase library")
    zs = set(channels or [])
    for s in structures.values():
        zs |= set(s.atomic_numbers)
    channels = sorted(zs)
    phases, site_phase, site_number, site_label, fps = [], [], [], [], []
    phase_elements: dict[str, list[str]] = {}
    for name, s in structures.items():
        numbers = np.array(s.atomic_numbers)
        pbc = np.array(s.lattice.pbc, dtype=bool)
        spec = speciate_frame(numbers, s.cart_coords, s.lattice.matrix, pbc, cutoffs,
                              modifier_elements=modifier_elements)
        centers = np.flatnonzero(spec.fragment_ids >= 0)
        if len(centers) == 0:
            continue  # pure modifier phase (Li metal): nothing to fingerprint
        fp = environment_fingerprints(numbers, s.cart_coords, s.lattice.matrix, pbc, centers, channels,
                                      r_max_A=r_max_A, sigma_A=sigma_A, dr_A=dr_A)
        labels = np.array([spec.fragment_labels[spec.fragment_ids[c]] for c in centers], dtype=object)
        _, first = np.unique(np.round(fp, 4), axis=0, return_index=True)
        phases.append(name)
        phase_elements[name] = sorted({chemical_symbols[z] for z in numbers[centers]})
        site_phase.extend([len(phases) - 1] * len(first))
        site_number.extend(numbers[centers][first])
        site_label.extend(labels[first])
        fps.append(fp[first])
    if not phases:
        raise AnalysisError("the reference phases have no anion-forming atoms; add e.g. Li2S or Li3P")
    return PhaseReferences(
        phases=phases,
        channels=channels,
        site_phase=np.array(site_phase),
        site_number=np.array(site_number),
        site_label=np.array(site_label, dtype=object),
        fingerprints=np.vstack(fps),
        phase_elements=phase_elements,
        r_max_A=r_max_A,
        sigma_A=sigma_A,
        dr_A=dr_A,
        antifluorite_a_A=_antifluorite_lattice_A(structures),
    )


def _antifluorite_lattice_A(structures: Mapping[str, Structure]) -> float:
    """Cubic lattice parameter (Å) of the first Li2X reference (X in ANTIFLUORITE_ANIONS), else
    Li2S's. Its fcc anion sublattice has four anions per conventional cell: a = (4 V / n_X)^(1/3).
    """
    for s in structures.values():
        amounts = s.composition.get_el_amt_dict()
        anions = [el for el in amounts if el in ANTIFLUORITE_ANIONS]
        if len(anions) == 1 and len(amounts) == 2 and amounts.get("Li") == 2 * amounts[anions[0]]:
            return float((4.0 * s.volume / amounts[anions[0]]) ** (1.0 / 3.0))
    return ANTIFLUORITE_A_A


def phase_library():
    """``(get_phase, list_phases)`` of the bulk phase library, or a one-line AnalysisError."""
    try:
        from interfaceflow.structures.library import get_phase, list_phases
    except ImportError as exc:
        raise AnalysisError(
            "the bulk phase library (interfaceflow.structures.library) is not available; "
            "pass reference structures explicitly"
        ) from exc
    return get_phase, list_phases


def library_reference_structures(symbols, names: tuple[str, ...] = DEFAULT_REFERENCE_NAMES) -> dict[str, Structure]:
    """Phases of the structure library whose elements all occur in ``symbols`` (key: reduced formula)."""
    get_phase, _ = phase_library()
    present = set(symbols)
    out: dict[str, Structure] = {}
    for name in names:
        try:
            structure = get_phase(name).structure
        except Exception:  # a phase missing from the library is simply not a reference
            continue
        elements = {el.symbol for el in structure.composition.elements}
        if elements <= present:
            out.setdefault(structure.composition.reduced_formula, structure)
    return out


# ----------------------------------------------------------------------------- assignment
@dataclass
class PhaseAssignment:
    """Reference-phase environment of every atom of every analysed frame.

    Attributes:
        phases: phase keys.
        frames: (F,) indices of the analysed frames in the speciation.
        times_fs: (F,) their times.
        atom_phase: (F, N) phase index of each atom, -1 unassigned or modifier.
        atom_similarity: (F, N) best similarity of each atom (NaN for modifiers).
        phase_counts: (F, P) atoms assigned to each phase.
        phase_fractions: (F, P) fraction of each phase's anion-forming atoms in its environment.
        phase_confidence: (F, P) mean similarity of the assigned atoms (NaN when none).
        phase_depth_counts: (F, P, B) assigned atoms per depth bin.
        min_similarity: assignment threshold.
    """

    phases: list[str]
    frames: np.ndarray
    times_fs: np.ndarray
    atom_phase: np.ndarray
    atom_similarity: np.ndarray
    phase_counts: np.ndarray
    phase_fractions: np.ndarray
    phase_confidence: np.ndarray
    phase_depth_counts: np.ndarray
    min_similarity: float

    def fractions_dict(self) -> dict[str, list[float]]:
        """Phase → fraction per analysed frame."""
        return {p: self.phase_fractions[:, k].tolist() for k, p in enumerate(self.phases)}

    def confidence_dict(self) -> dict[str, float | None]:
        """Phase → mean similarity over all frames of its assigned atoms (None when never found)."""
        out: dict[str, float | None] = {}
        for k, p in enumerate(self.phases):
            n = self.phase_counts[:, k]
            c = np.nan_to_num(self.phase_confidence[:, k])
            out[p] = float((n * c).sum() / n.sum()) if n.sum() else None
        return out


def assign_phases(
    traj: TrajectoryData,
    speciation: TrajectorySpeciation,
    references: PhaseReferences,
    *,
    frames: np.ndarray | None = None,
    min_similarity: float = MIN_SIMILARITY,
    mixed_antifluorite: bool = True,
) -> PhaseAssignment:
    """Assign each non-modifier atom of the chosen frames to its most similar reference phase.

    With ``mixed_antifluorite`` (and Li plus two :data:`ANTIFLUORITE_ANIONS` elements in the
    trajectory), isolated anions in a mixed-anion antifluorite environment are assigned to the
    extra phase :data:`ANTIFLUORITE_MIXED` instead (see the module docstring).
    """
    n_frames_total, n_atoms = speciation.atom_state.shape
    frames = np.arange(n_frames_total) if frames is None else np.asarray(frames, dtype=np.int64)
    numbers = np.asarray(traj.numbers)
    label_index = {lab: k for k, lab in enumerate(speciation.fragment_labels)}
    # reference site label → index in the speciation vocabulary (-2: never seen in the trajectory)
    site_label_idx = np.array([label_index.get(lab, -2) for lab in references.site_label])
    phases, phase_elements = list(references.phases), dict(references.phase_elements)
    mixed = None
    if mixed_antifluorite:
        mixed = _MixedAntifluoriteFinder.build(numbers, speciation, references)
    if mixed is not None:
        phases.append(ANTIFLUORITE_MIXED)
        phase_elements[ANTIFLUORITE_MIXED] = mixed.elements
    n_p = len(phases)
    n_bins = len(speciation.z_edges_A) - 1
    atom_phase = np.full((len(frames), n_atoms), -1, dtype=np.int32)
    atom_sim = np.full((len(frames), n_atoms), np.nan, dtype=np.float32)
    centers = np.flatnonzero(speciation.atom_fragment_label[0] >= 0)
    graph_atom = speciation.atom_fragment_label[0] >= 0
    channels = sorted(set(references.channels) | set(np.unique(numbers).tolist()))
    if channels != references.channels:
        references = _pad_channels(references, channels)

    for out_row, f in enumerate(frames):
        fp = environment_fingerprints(
            numbers, traj.positions_A[f], traj.cells_A[f], traj.pbc, centers, channels,
            r_max_A=references.r_max_A, sigma_A=references.sigma_A, dr_A=references.dr_A,
        )
        sim = tanimoto(fp, references.fingerprints)
        allowed = (numbers[centers][:, None] == references.site_number[None, :]) & (
            speciation.atom_fragment_label[f, centers][:, None] == site_label_idx[None, :]
        )
        sim = np.where(allowed, sim, -1.0)
        best = np.argmax(sim, axis=1) if sim.shape[1] else np.zeros(len(centers), dtype=int)
        best_sim = sim[np.arange(len(centers)), best] if sim.shape[1] else np.full(len(centers), -1.0)
        ok = best_sim >= min_similarity
        atom_phase[out_row, centers[ok]] = references.site_phase[best[ok]]
        atom_sim[out_row, centers] = np.maximum(best_sim, 0.0)
        if mixed is not None:  # overrides the element-wise match
            site, site_sim = mixed.sites(traj, speciation, f)
            atom_phase[out_row, site] = n_p - 1
            atom_sim[out_row, site] = site_sim[site]

    counts = np.zeros((len(frames), n_p), dtype=np.int64)
    conf = np.full((len(frames), n_p), np.nan)
    depth_counts = np.zeros((len(frames), n_p, n_bins), dtype=np.int64)
    totals = np.zeros((len(frames), n_p))
    for k, phase in enumerate(phases):
        zs = [atomic_numbers[s] for s in phase_elements[phase]]
        owned = np.isin(numbers, zs) & graph_atom
        totals[:, k] = owned.sum()
        mine = atom_phase == k
        counts[:, k] = mine.sum(axis=1)
        with np.errstate(invalid="ignore"):
            conf[:, k] = np.where(
                counts[:, k] > 0, np.where(mine, atom_sim, 0.0).sum(axis=1) / np.maximum(counts[:, k], 1), np.nan
            )
        bins = np.searchsorted(speciation.z_edges_A, speciation.depth_A[frames], side="right") - 1
        valid = mine & (bins >= 0) & (bins < n_bins)
        for row in range(len(frames)):
            depth_counts[row, k] = np.bincount(bins[row][valid[row]], minlength=n_bins)[:n_bins]
    with np.errstate(invalid="ignore", divide="ignore"):
        fractions = np.where(totals > 0, counts / np.maximum(totals, 1), 0.0)
    return PhaseAssignment(
        phases=phases,
        frames=frames,
        times_fs=np.asarray(speciation.times_fs)[frames],
        atom_phase=atom_phase,
        atom_similarity=atom_sim,
        phase_counts=counts,
        phase_fractions=fractions,
        phase_confidence=conf,
        phase_depth_counts=depth_counts,
        min_similarity=min_similarity,
    )


def _pad_channels(ref: PhaseReferences, channels: list[int]) -> PhaseReferences:
    """Re-lay the reference fingerprints onto a larger set of neighbour channels (zeros added)."""
    n_r = ref.fingerprints.shape[1] // len(ref.channels)
    old = ref.fingerprints.reshape(len(ref.fingerprints), len(ref.channels), n_r)
    new = np.zeros((len(old), len(channels), n_r))
    for k, z in enumerate(ref.channels):
        new[:, channels.index(z)] = old[:, k]
    return replace(ref, channels=channels, fingerprints=new.reshape(len(old), -1))


# ----------------------------------------------------------------------------- mixed antifluorite
def _antifluorite_elements(numbers: np.ndarray) -> list[str]:
    """Anions of a possible mixed antifluorite: two or more of ANTIFLUORITE_ANIONS, with Li."""
    present = {chemical_symbols[z] for z in np.unique(numbers)}
    anions = sorted(present & set(ANTIFLUORITE_ANIONS))
    return anions if "Li" in present and len(anions) >= 2 else []


@dataclass
class _MixedAntifluoriteFinder:
    """Finds the mixed-antifluorite sites in the frames of one speciated trajectory."""

    elements: list[str]  # anion elements of the trajectory that may share the sublattice
    template: np.ndarray
    one_atom_label: np.ndarray  # per speciation label (and a last False for modifiers, -1)
    references: PhaseReferences

    @classmethod
    def build(
        cls, numbers: np.ndarray, speciation: TrajectorySpeciation, references: PhaseReferences
    ) -> _MixedAntifluoriteFinder | None:
        elements = _antifluorite_elements(numbers)
        if not elements:
            return None
        template = antifluorite_template(references.antifluorite_a_A, r_max_A=references.r_max_A,
                                         sigma_A=references.sigma_A, dr_A=references.dr_A)
        one_atom = [lab in atomic_numbers for lab in speciation.fragment_labels] + [False]
        return cls(elements, template, np.array(one_atom), references)

    def sites(self, traj: TrajectoryData, speciation: TrajectorySpeciation, frame: int):
        """``(mixed, similarity)`` of :func:`mixed_antifluorite_sites` for one frame."""
        labels = speciation.atom_fragment_label[frame]
        isolated = self.one_atom_label[labels] & (speciation.formal_charges[frame] < 0)
        ref = self.references
        return mixed_antifluorite_sites(
            traj.numbers, traj.positions_A[frame], traj.cells_A[frame], traj.pbc, isolated,
            template=self.template, lattice_A=ref.antifluorite_a_A, r_max_A=ref.r_max_A,
            sigma_A=ref.sigma_A, dr_A=ref.dr_A,
        )


def antifluorite_template(
    lattice_A: float = ANTIFLUORITE_A_A, *, r_max_A: float = R_MAX_A, sigma_A: float = SIGMA_A,
    dr_A: float = DR_A,
) -> np.ndarray:
    """(1, 2·n_r) fingerprint of the anion site of an ideal antifluorite Li2X of cubic lattice
    parameter ``lattice_A`` (Å): a Li block and one block for isolated anions of any element."""
    from ase.spacegroup import crystal

    atoms = crystal(["S", "Li"], [(0, 0, 0), (0.25, 0.25, 0.25)], spacegroup=225,
                    cellpar=[lattice_A] * 3 + [90] * 3)
    merged = np.where(atoms.numbers == 3, 3, _ANY_ANION)
    return environment_fingerprints(merged, atoms.positions, atoms.cell.array, [True] * 3, [0],
                                    [3, _ANY_ANION], r_max_A=r_max_A, sigma_A=sigma_A, dr_A=dr_A)


def mixed_antifluorite_sites(
    numbers,
    positions_A,
    cell_A,
    pbc,
    isolated: np.ndarray,
    *,
    lattice_A: float = ANTIFLUORITE_A_A,
    min_similarity: float = ANTIFLUORITE_MIN_SIMILARITY,
    min_foreign: int = 1,
    template: np.ndarray | None = None,
    r_max_A: float = R_MAX_A,
    sigma_A: float = SIGMA_A,
    dr_A: float = DR_A,
) -> tuple[np.ndarray, np.ndarray]:
    """Isolated anions of one frame that sit in a mixed-anion antifluorite environment.

    Args:
        numbers, positions_A, cell_A, pbc: the frame (Å).
        isolated: (N,) True for isolated anions (one-atom fragments of negative charge).
        lattice_A: cubic lattice parameter of the antifluorite template, Å.
        min_similarity: smallest Tanimoto similarity to the template, averaged over the atom and
            its isolated-anion neighbours in the first anion shell.
        min_foreign: anions of another element needed in that shell.
        template: a ready :func:`antifluorite_template` (else built from ``lattice_A``).

    Returns:
        ``(mixed, similarity)``: (N,) mask of mixed-antifluorite sites and (N,) averaged
        similarity of every isolated anion (NaN elsewhere).
    """
    numbers = np.asarray(numbers)
    isolated = np.asarray(isolated, dtype=bool)
    similarity = np.full(len(numbers), np.nan)
    centers = np.flatnonzero(isolated)
    if len(centers) == 0:
        return np.zeros(len(numbers), dtype=bool), similarity
    if template is None:
        template = antifluorite_template(lattice_A, r_max_A=r_max_A, sigma_A=sigma_A, dr_A=dr_A)
    merged = np.where(isolated, _ANY_ANION, np.where(numbers == 3, 3, 0))
    fp = environment_fingerprints(merged, positions_A, cell_A, pbc, centers, [3, _ANY_ANION],
                                  r_max_A=r_max_A, sigma_A=sigma_A, dr_A=dr_A)
    own = np.zeros(len(numbers))
    own[centers] = tanimoto(fp, template)[:, 0]
    # first anion shell: between the 12 neighbours at a/√2 and the 6 at a
    shell_A = 0.5 * lattice_A * (1.0 + 1.0 / np.sqrt(2.0))
    positions_A, cell_A = np.asarray(positions_A, float), np.asarray(cell_A, float)
    i, j, _, _ = neighbour_pairs(positions_A, cell_A, pbc, shell_A)
    pair = isolated[i] & isolated[j]
    i, j = i[pair], j[pair]
    n = len(numbers)
    total = own + np.bincount(i, weights=own[j], minlength=n)
    smooth = total / (1.0 + np.bincount(i, minlength=n))
    foreign = np.bincount(i[numbers[i] != numbers[j]], minlength=n)
    similarity[centers] = smooth[centers]
    return isolated & (smooth >= min_similarity) & (foreign >= min_foreign), similarity
