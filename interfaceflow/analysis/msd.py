"""Mean squared displacement (MSD) over all time origins, by FFT, per species, region and direction.

Pipeline (arrays in, arrays out, vectorised over atoms and frames):

1. :func:`unwrap_positions` turns wrapped positions into continuous ones. Each displacement between
   consecutive frames is taken with the minimum-image convention in fractional coordinates, so any
   triclinic (and time-dependent) cell works. For NPT runs this is the displacement-preserving
   ("toroidal-view-preserving") scheme of von Bülow, Bullerjahn and Hummer, J. Chem. Phys. 153,
   021101 (2020), not the lattice-scaling one that inflates D. **Frames must be closer in time than
   the time an atom needs to move half a cell length**; otherwise a jump is folded back and the MSD
   is too small.
2. :func:`remove_drift` subtracts the centre-of-mass displacement of the host framework (by default
   every atom that is not of the mobile species; all atoms when there are no others).
3. :func:`msd_sums` computes, for every lag m, the sum over time origins of the squared
   displacement, per Cartesian axis, with the FFT algorithm (Kneller et al., Comput. Phys. Commun.
   91, 191 (1995)): ``SD(m) = sum_k x_{k}^2 + x_{k+m}^2 - 2 FFT-autocorrelation(m)``. Cost
   O(F log F) per atom instead of O(F^2) for the direct double loop (:func:`msd_direct`, kept as
   the reference).

Regions (where an atom belongs), see :func:`residence_segments`:

- ``"start"``: an atom belongs to the region it occupies in the first analysed frame (or to its
  static label, e.g. 'electrolyte'), and its whole trajectory counts for that region.
- ``"instantaneous"``: an atom counts for a z slab only while it is inside the slab. Each atom's
  trajectory is cut into residence segments (maximal runs of consecutive frames inside the
  slab), and a displacement over a lag m from origin k counts only if the atom stayed in the slab
  from k to k+m (the residence-conditioned MSD of Liu, Harder and Berne, J. Phys. Chem. B 108,
  6595 (2004)). The in-plane MSD is then that of the slab; the normal MSD is bounded by the slab
  width, so use the in-plane direction for slab diffusion coefficients.

Directions (the interface normal is z): ``"xyz"`` (3D, MSD = 6Dt), ``"xy"`` (in the interface plane,
MSD = 4Dt), ``"z"`` (along the normal, MSD = 2Dt), and the single axes ``"x"``, ``"y"``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.fft import irfft, next_fast_len, rfft

from interfaceflow.errors import AnalysisError

DIRECTIONS: dict[str, tuple[int, ...]] = {
    "xyz": (0, 1, 2),
    "xy": (0, 1),
    "z": (2,),
    "x": (0,),
    "y": (1,),
}
DIRECTION_ALIASES = {"total": "xyz", "3d": "xyz", "inplane": "xy", "in_plane": "xy", "normal": "z"}

# elements of one FFT work chunk (series x nfft); bounds memory to ~ a few hundred MB
_CHUNK_ELEMENTS = 2**24


def direction_axes(direction: str) -> tuple[int, ...]:
    """Cartesian axes of a direction name (``xyz``, ``xy``, ``z``, ``x``, ``y`` or an alias)."""
    key = DIRECTION_ALIASES.get(direction.lower(), direction.lower())
    if key not in DIRECTIONS:
        names = ", ".join([*DIRECTIONS, *DIRECTION_ALIASES])
        raise AnalysisError(f"unknown direction {direction!r}; use one of {names}")
    return DIRECTIONS[key]


def canonical_direction(direction: str) -> str:
    """Canonical name (``xyz``, ``xy``, ``z``, ``x``, ``y``) of a direction or alias."""
    key = DIRECTION_ALIASES.get(direction.lower(), direction.lower())
    direction_axes(key)
    return key


def unwrap_positions(
    positions_A: np.ndarray, cells_A: np.ndarray, pbc: np.ndarray | tuple = (True, True, True)
) -> np.ndarray:
    """Continuous positions (F, N, 3) from wrapped ones by the minimum image between frames.

    The frame-to-frame displacement is ``r[t] - r[t-1] - round(s[t] - s[t-1]) @ cell[t]`` with ``s``
    the fractional coordinates, applied along periodic axes only. Valid while no atom moves more
    than half a cell length between two consecutive frames.
    """
    positions_A = np.asarray(positions_A, dtype=float)
    cells_A = np.broadcast_to(np.asarray(cells_A, dtype=float), (len(positions_A), 3, 3))
    periodic = np.asarray(pbc, dtype=bool)
    if len(positions_A) < 2 or not periodic.any():
        return positions_A.copy()
    inv_cells = np.linalg.inv(cells_A)
    frac = np.matmul(positions_A, inv_cells)
    jumps = np.round(np.diff(frac, axis=0))
    jumps[..., ~periodic] = 0.0
    steps = np.diff(positions_A, axis=0) - np.matmul(jumps, cells_A[1:])
    unwrapped = np.empty_like(positions_A)
    unwrapped[0] = positions_A[0]
    np.cumsum(steps, axis=0, out=unwrapped[1:])
    unwrapped[1:] += positions_A[0]
    return unwrapped


def remove_drift(
    unwrapped_A: np.ndarray, framework_mask: np.ndarray, masses: np.ndarray | None = None
) -> np.ndarray:
    """Subtract the centre-of-mass displacement of the framework atoms from every atom.

    Args:
        unwrapped_A: (F, N, 3) unwrapped positions.
        framework_mask: (N,) True for the atoms that define the reference frame (host framework).
        masses: (N,) atomic masses; equal masses when None.
    """
    framework_mask = np.asarray(framework_mask, dtype=bool)
    if not framework_mask.any():
        raise AnalysisError(
            "drift removal needs at least one framework atom; pass framework species"
        )
    weights = np.ones(unwrapped_A.shape[1]) if masses is None else np.asarray(masses, dtype=float)
    weights = np.where(framework_mask, weights, 0.0)
    com = np.einsum("fni,n->fi", unwrapped_A, weights) / weights.sum()
    return unwrapped_A - (com - com[0])[:, None, :]


@dataclass
class MSDSums:
    """Squared-displacement sums over time origins, grouped (e.g. into blocks of atoms).

    Attributes:
        sums_A2: (G, L, 3) sum over (atom, origin) pairs of squared displacement per axis, for
            lags 0..L-1.
        counts: (G, L) number of (atom, origin) pairs behind each sum.
    """

    sums_A2: np.ndarray
    counts: np.ndarray

    @property
    def n_lags(self) -> int:
        """Number of lags L (lag 0 included)."""
        return int(self.counts.shape[1])

    def msd(self, axes: tuple[int, ...] = (0, 1, 2)) -> np.ndarray:
        """(L,) MSD pooled over all groups along ``axes`` (NaN where no pair contributes)."""
        counts = self.counts.sum(axis=0)
        total = self.sums_A2[..., list(axes)].sum(axis=(0, 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, total / np.maximum(counts, 1), np.nan)

    def group_msd(self, axes: tuple[int, ...] = (0, 1, 2)) -> np.ndarray:
        """(G, L) MSD of every group along ``axes`` (NaN where the group has no pair)."""
        total = self.sums_A2[..., list(axes)].sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.counts > 0, total / np.maximum(self.counts, 1), np.nan)


def _segment_sd_sums(segments: np.ndarray, lengths: np.ndarray, n_lags: int):
    """Sums over origins of squared displacements of zero-padded segments, by FFT.

    Args:
        segments: (S, Lmax, 3) positions; rows past each segment's length must be zero.
        lengths: (S,) segment lengths.
        n_lags: lags 0..n_lags-1 to return (<= Lmax).

    Returns:
        sums (S, n_lags, 3) and counts (S, n_lags).
    """
    n_seg, l_max, _ = segments.shape
    series = np.ascontiguousarray(np.moveaxis(segments, 1, -1))  # (S, 3, Lmax)
    lengths = np.asarray(lengths, dtype=np.int64)
    valid_frame = np.arange(l_max)[None, :] < lengths[:, None]
    # centre each segment: the FFT identity holds for any origin, and small numbers keep precision
    centre = series.sum(axis=-1, keepdims=True) / lengths[:, None, None]
    series = np.where(valid_frame[:, None, :], series - centre, 0.0)
    nfft = next_fast_len(2 * l_max, real=True)
    spectrum = rfft(series, n=nfft, axis=-1)
    autocorr = irfft(spectrum.real**2 + spectrum.imag**2, n=nfft, axis=-1)[..., :n_lags]
    cumsq = np.zeros((n_seg, 3, l_max + 1))
    np.cumsum(series**2, axis=-1, out=cumsq[..., 1:])
    lags = np.arange(n_lags)
    head_idx = np.clip(lengths[:, None] - lags[None, :], 0, l_max)  # sum_{k < L-m} x_k^2
    head = np.take_along_axis(
        cumsq, np.broadcast_to(head_idx[:, None, :], (n_seg, 3, n_lags)), axis=-1
    )
    total = np.take_along_axis(cumsq, lengths[:, None, None].repeat(3, axis=1), axis=-1)
    tail = total - cumsq[..., :n_lags]  # sum_{m <= k < L} x_k^2
    counts = np.clip(lengths[:, None] - lags[None, :], 0, None)
    sums = np.where(counts[:, None, :] > 0, head + tail - 2.0 * autocorr, 0.0)
    return np.moveaxis(np.maximum(sums, 0.0), 1, -1), counts


def _accumulate(out_sums, out_counts, sums, counts, groups, n_groups):
    """Add per-segment sums into their groups with a one-hot matrix product."""
    onehot = np.zeros((n_groups, len(groups)))
    onehot[groups, np.arange(len(groups))] = 1.0
    n_lags = sums.shape[1]
    out_sums[:, :n_lags] += (onehot @ sums.reshape(len(groups), -1)).reshape(n_groups, n_lags, 3)
    out_counts[:, :n_lags] += (onehot @ counts).astype(out_counts.dtype)


def msd_sums(
    positions_A: np.ndarray,
    groups: np.ndarray | None = None,
    *,
    max_lag: int | None = None,
) -> MSDSums:
    """FFT squared-displacement sums of whole trajectories, one segment per atom.

    Args:
        positions_A: (F, N, 3) unwrapped (drift-corrected) positions of the atoms to analyse.
        groups: (N,) group index of each atom (e.g. its block); all in group 0 when None.
        max_lag: largest lag in frames (default F-1).

    Returns:
        :class:`MSDSums` with G = groups.max()+1 groups and lags 0..max_lag.
    """
    positions_A = np.asarray(positions_A, dtype=float)
    n_frames, n_atoms, _ = positions_A.shape
    groups = np.zeros(n_atoms, dtype=int) if groups is None else np.asarray(groups, dtype=int)
    n_groups = int(groups.max()) + 1 if n_atoms else 1
    n_lags = n_frames if max_lag is None else min(int(max_lag) + 1, n_frames)
    out_sums = np.zeros((n_groups, n_lags, 3))
    out_counts = np.zeros((n_groups, n_lags), dtype=np.int64)
    chunk = max(1, _CHUNK_ELEMENTS // (3 * 2 * n_frames))
    lengths = np.full(n_atoms, n_frames)
    for lo in range(0, n_atoms, chunk):
        segments = np.moveaxis(positions_A[:, lo : lo + chunk], 0, 1)
        sums, counts = _segment_sd_sums(segments, lengths[lo : lo + chunk], n_lags)
        _accumulate(out_sums, out_counts, sums, counts, groups[lo : lo + chunk], n_groups)
    return MSDSums(out_sums, out_counts)


def segment_msd_sums(
    positions_A: np.ndarray,
    atoms: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    groups: np.ndarray,
    *,
    max_lag: int | None = None,
) -> MSDSums:
    """FFT squared-displacement sums over residence segments (``atoms[i]`` from ``starts[i]``).

    Segments are bucketed by padded length (powers of two) so short and long ones share FFT sizes.
    """
    positions_A = np.asarray(positions_A, dtype=float)
    n_frames = positions_A.shape[0]
    n_lags = n_frames if max_lag is None else min(int(max_lag) + 1, n_frames)
    groups = np.asarray(groups, dtype=int)
    n_groups = int(groups.max()) + 1 if len(groups) else 1
    out_sums = np.zeros((n_groups, n_lags, 3))
    out_counts = np.zeros((n_groups, n_lags), dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    buckets = np.ceil(np.log2(np.maximum(lengths, 1))).astype(int)
    for bucket in np.unique(buckets):
        members = np.flatnonzero(buckets == bucket)
        l_max = int(lengths[members].max())
        chunk = max(1, _CHUNK_ELEMENTS // (3 * 2 * l_max))
        for lo in range(0, len(members), chunk):
            idx = members[lo : lo + chunk]
            frame_idx = starts[idx, None] + np.arange(l_max)[None, :]
            inside = np.arange(l_max)[None, :] < lengths[idx, None]
            frame_idx = np.where(inside, frame_idx, 0)
            segments = positions_A[frame_idx, atoms[idx, None]]  # (S, Lmax, 3)
            segments[~inside] = 0.0
            sums, counts = _segment_sd_sums(segments, lengths[idx], min(n_lags, l_max))
            _accumulate(out_sums, out_counts, sums, counts, groups[idx], n_groups)
    return MSDSums(out_sums, out_counts)


def residence_segments(inside: np.ndarray, min_length: int = 2):
    """Maximal runs of consecutive True frames per atom.

    Args:
        inside: (F, N) True where atom n is inside the region at frame f.
        min_length: shortest run kept (a run of one frame carries no displacement).

    Returns:
        atoms, starts, lengths: (S,) arrays describing each run.
    """
    inside = np.asarray(inside, dtype=bool)
    padded = np.zeros((inside.shape[1], inside.shape[0] + 2), dtype=np.int8)
    padded[:, 1:-1] = inside.T
    edges = np.diff(padded, axis=1)
    start_atom, start_frame = np.nonzero(edges == 1)
    _, end_frame = np.nonzero(edges == -1)  # row-major order pairs each start with its end
    lengths = end_frame - start_frame
    keep = lengths >= min_length
    return start_atom[keep], start_frame[keep], lengths[keep]


def wrapped_z(positions_A: np.ndarray, cells_A: np.ndarray, pbc) -> np.ndarray:
    """(F, N) z coordinate wrapped into [0, c_z) along a periodic c axis that is parallel to z.

    Raises:
        AnalysisError: when the a or b cell vector has a z component (the slab normal must be z).
    """
    cells_A = np.broadcast_to(np.asarray(cells_A, dtype=float), (len(positions_A), 3, 3))
    if np.abs(cells_A[:, :2, 2]).max() > 1e-6:
        raise AnalysisError(
            "z-bin regions need a and b cell vectors in the xy plane; reorient the cell"
        )
    if not np.asarray(pbc, dtype=bool)[2]:
        return np.asarray(positions_A[..., 2], dtype=float)
    return np.mod(positions_A[..., 2], cells_A[:, 2, 2][:, None])


def msd_direct(positions_A: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """Reference MSD by the direct double loop (lags x origins), vectorised over atoms.

    Returns:
        (len(lags), 3) MSD per axis averaged over atoms and origins.
    """
    positions_A = np.asarray(positions_A, dtype=float)
    out = np.zeros((len(lags), 3))
    for i, lag in enumerate(lags):
        lag = int(lag)
        if lag == 0:
            continue
        diff = positions_A[lag:] - positions_A[:-lag]
        out[i] = np.einsum("fni,fni->i", diff, diff) / (diff.shape[0] * diff.shape[1])
    return out
