"""Oriented bulk cells, whole-fragment slabs and their terminations.

A slab is cut from an oriented unit cell (OUC, from pymatgen's ``SlabGenerator``) as an integer
number of OUC periods along the surface normal, assigning every *fragment* (a polyanion such as
PS4, PO4, GeS4, P2S7, or a single free ion/atom) by the height of its centre. So a slab always has
the bulk composition and never cuts a polyanion. A termination is the height at which the periodic
fragment sequence is cut; candidate cuts sit in the gaps between fragment-centre heights, widest
gap first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from pymatgen.core import Composition, Structure
from pymatgen.core.surface import SlabGenerator, get_symmetrically_distinct_miller_indices
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

from interfaceflow.errors import StructureError
from interfaceflow.geometry import structure_neighbour_pairs
from interfaceflow.structures.validation import CENTRE_BOND_A, polyanion_cutoffs

Miller = tuple[int, int, int]


def parse_miller(miller: object) -> Miller | None:
    """Miller indices from (h, k, l) or text ("1,0,0", "(1 0 0)", "100"); None stays None."""
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


def miller_options(structure: Structure, miller: Miller | None, max_index: int = 1) -> list[Miller]:
    """``[miller]``, or the symmetrically distinct planes up to ``max_index``, lowest indices first."""
    if miller is not None:
        return [miller]
    options = get_symmetrically_distinct_miller_indices(structure, max_index)
    return sorted((tuple(int(x) for x in m) for m in options), key=lambda m: (sum(map(abs, m)), [-x for x in m]))


def fragment_cutoffs(structure: Structure) -> dict[tuple[str, str], float]:
    """Bonds that hold fragments together: polyanion bonds, P-P in thiophosphates (P2S6), S-S (S8, S_n)."""
    elements = {el.symbol for el in structure.composition}
    cutoffs = polyanion_cutoffs(elements)
    if "P" in elements and ("S" in elements or "O" in elements):
        cutoffs[("P", "P")] = CENTRE_BOND_A
    if "S" in elements:
        cutoffs[("S", "S")] = 2.3  # covalent S-S ~2.05 A; S-S contacts in sulfides are > 3 A
    return cutoffs


def find_fragments(structure: Structure) -> tuple[list[np.ndarray], np.ndarray]:
    """Group atoms into fragments and unwrap them.

    Returns ``(fragments, positions)``: a list of index arrays (one per fragment, sorted by first
    index) and (N, 3) Cartesian positions in which every fragment is contiguous (not split by
    periodic boundaries). Raises StructureError when bonds form an infinite network.
    """
    n = len(structure)
    positions = structure.cart_coords.copy()
    cutoffs = fragment_cutoffs(structure)
    if not cutoffs:
        return [np.array([i]) for i in range(n)], positions
    symbols = [site.specie.symbol for site in structure]
    rmax = max(cutoffs.values())
    centers, points, dists, images = structure_neighbour_pairs(structure, rmax)
    adjacency: dict[int, list[tuple[int, np.ndarray]]] = {i: [] for i in range(n)}
    for i, j, image, d in zip(centers, points, images, dists):
        pair = (symbols[i], symbols[j])
        cut = cutoffs.get(pair, cutoffs.get(pair[::-1]))
        if cut is not None and d <= cut:
            adjacency[int(i)].append((int(j), np.asarray(image, dtype=float)))
    lattice = structure.lattice.matrix
    frac = structure.frac_coords
    assigned = np.full(n, -1)
    image_of = np.zeros((n, 3))
    fragments: list[np.ndarray] = []
    for start in range(n):
        if assigned[start] >= 0:
            continue
        assigned[start] = len(fragments)
        members = [start]
        stack = [start]
        while stack:
            i = stack.pop()
            for j, image in adjacency[i]:
                target = image_of[i] + image
                if assigned[j] < 0:
                    assigned[j] = len(fragments)
                    image_of[j] = target
                    members.append(j)
                    stack.append(j)
                elif not np.allclose(image_of[j], target):
                    raise StructureError(
                        f"{structure.composition.reduced_formula}: {symbols[i]}-{symbols[j]} bonds form an "
                        "infinite network, so slabs cannot keep polyanions whole; check the structure"
                    )
        fragments.append(np.array(sorted(members)))
    positions = (frac + image_of) @ lattice
    return fragments, positions


#: Largest Miller index accepted in the primitive basis; a plane beyond it is cut from the conventional cell.
MAX_PRIMITIVE_INDEX = 12


def _primitive_basis(conventional: Structure, primitive: Structure | None) -> np.ndarray | None:
    """Rows: ``primitive``'s vectors in ``conventional``'s basis, or None unless both share one Cartesian frame."""
    if primitive is None or len(primitive) >= len(conventional):
        return None
    m = np.linalg.solve(conventional.lattice.matrix.T, primitive.lattice.matrix.T).T
    # a primitive vector is a lattice translation: rational with a small denominator; spglib's
    # standardised primitive cell of low-symmetry phases is rotated, and then it is not
    return m if np.allclose(m * 12, np.round(m * 12), atol=1e-3) else None


def primitive_miller(conventional: Structure, miller: Miller) -> tuple[Structure, Miller]:
    """The primitive cell and the same plane's Miller indices in its basis (the conventional cell if none fits)."""
    primitive = SpacegroupAnalyzer(conventional, symprec=1e-3).find_primitive()
    m = _primitive_basis(conventional, primitive)
    if m is None:  # same translations found in the input's own frame
        primitive = conventional.get_primitive_structure(tolerance=0.01)
        m = _primitive_basis(conventional, primitive)
    if m is None:
        return conventional, miller
    # h' = m @ h: Miller indices transform like the direct basis vectors
    h = [Fraction(float(x)).limit_denominator(24) for x in m @ np.asarray(miller, dtype=float)]
    denominator = math.lcm(*(f.denominator for f in h))
    ints = [int(f * denominator) for f in h]
    g = math.gcd(*ints)
    hkl = tuple(x // g for x in ints)
    if max(map(abs, hkl)) > MAX_PRIMITIVE_INDEX:
        return conventional, miller
    return primitive, hkl


@dataclass
class OrientedBulk:
    """A bulk phase oriented so that its (hkl) plane is spanned by the first two lattice vectors."""

    region: str
    name: str
    miller: Miller
    ouc: Structure
    oxidation_states: dict[str, float] | None = None
    bulk_modulus_GPa: float | None = None
    _fragments: list[np.ndarray] | None = field(default=None, repr=False)

    @classmethod
    def from_structure(
        cls,
        structure: Structure,
        miller: Miller,
        *,
        region: str,
        name: str,
        oxidation_states: dict[str, float] | None = None,
        bulk_modulus_GPa: float | None = None,
    ) -> OrientedBulk:
        """Orient ``structure`` (conventional setting Miller indices) with the smallest in-plane cell."""
        if not any(miller):
            raise StructureError(f"Miller indices {miller} of {name} are all zero; give e.g. 1,0,0")
        base, hkl = primitive_miller(structure, miller)
        gen = SlabGenerator(
            base, hkl, min_slab_size=1, min_vacuum_size=0, in_unit_planes=True, primitive=False,
        )
        ouc = gen.oriented_unit_cell.copy()
        a, b, c = ouc.lattice.matrix
        if np.dot(np.cross(a, b), c) < 0:  # keep (a, b, c) right-handed so that c points along a x b
            ouc = Structure(np.array([b, a, c]), ouc.species, ouc.frac_coords[:, [1, 0, 2]])
        return cls(region=region, name=name, miller=tuple(int(x) for x in miller), ouc=ouc,
                   oxidation_states=oxidation_states, bulk_modulus_GPa=bulk_modulus_GPa)

    @property
    def inplane_vectors(self) -> np.ndarray:
        """(2, 3) Cartesian in-plane lattice vectors."""
        return self.ouc.lattice.matrix[:2].copy()

    @property
    def normal(self) -> np.ndarray:
        a, b = self.inplane_vectors
        n = np.cross(a, b)
        return n / np.linalg.norm(n)

    @property
    def period_A(self) -> float:
        """Height of one OUC period along the normal (the interplanar repeat)."""
        return float(np.dot(self.ouc.lattice.matrix[2], self.normal))

    @property
    def area_A2(self) -> float:
        a, b = self.inplane_vectors
        return float(np.linalg.norm(np.cross(a, b)))

    @property
    def fragments(self) -> list[np.ndarray]:
        if self._fragments is None:
            self._fragments, _ = find_fragments(self.ouc)
        return self._fragments

    def termination_shifts(self, max_terminations: int = 6, tol_A: float = 0.15) -> list[tuple[float, float]]:
        """Cut heights (Å, in [0, period)) between fragment-centre heights, widest gap first.

        Returns ``[(shift_A, gap_A), ...]``. Cuts whose slabs have the same surface layers are dropped.
        """
        heights = np.sort(np.mod(self._centre_heights(), self.period_A))
        levels = [heights[0]]
        for h in heights[1:]:
            if h - levels[-1] > tol_A:
                levels.append(h)
        if len(levels) > 1 and levels[0] + self.period_A - levels[-1] <= tol_A:
            levels.pop()
        levels = np.array(levels)
        gaps = np.diff(np.append(levels, levels[0] + self.period_A))
        shifts = np.mod(levels + gaps / 2, self.period_A)
        order = sorted(range(len(levels)), key=lambda i: (-round(gaps[i], 3), round(shifts[i], 3)))
        chosen: list[tuple[float, float]] = []
        seen: set[tuple] = set()
        for i in order:
            signature = self._surface_signature(shifts[i])
            if signature in seen:
                continue
            seen.add(signature)
            chosen.append((float(shifts[i]), float(gaps[i])))
            if len(chosen) >= max_terminations:
                break
        return chosen

    def _centre_heights(self, structure: Structure | None = None) -> np.ndarray:
        structure = structure or self.ouc
        fragments, positions = find_fragments(structure)
        return np.array([positions[f].mean(axis=0) @ self.normal for f in fragments])

    def _surface_signature(self, shift_A: float, depth_A: float = 2.5) -> tuple:
        """Species and heights (0.1 Å) of fragments within ``depth_A`` above and below a cut."""
        fragments, positions = find_fragments(self.ouc)
        heights = np.array([positions[f].mean(axis=0) @ self.normal for f in fragments])
        rel = np.mod(heights - shift_A, self.period_A)
        species = [Composition("".join(self.ouc[i].specie.symbol for i in f)).formula for f in fragments]
        top = sorted((sp, round(float(self.period_A - r), 1)) for sp, r in zip(species, rel)
                     if self.period_A - r < depth_A)
        bottom = sorted((sp, round(float(r), 1)) for sp, r in zip(species, rel) if r < depth_A)
        return tuple(top), tuple(bottom)

    def slab(self, supercell: np.ndarray, n_layers: int, shift_A: float) -> tuple[list[str], np.ndarray]:
        """Atoms of a slab ``n_layers`` periods thick, cut at ``shift_A``, on an in-plane supercell.

        ``supercell`` is the 2x2 integer matrix whose rows give the slab's in-plane vectors in units
        of :attr:`inplane_vectors`. Returns species and coordinates ``(u, v, w)``: fractional along
        the two in-plane supercell vectors (wrapped to [0, 1)) and height in Å along :attr:`normal`,
        starting at 0.
        """
        m3 = np.eye(3, dtype=int)
        m3[:2, :2] = np.asarray(supercell, dtype=int)
        cell = self.ouc.copy()
        cell.make_supercell(m3)
        fragments, positions = find_fragments(cell)
        a, b, c = cell.lattice.matrix
        normal = self.normal
        period = float(c @ normal)
        species: list[str] = []
        coords: list[np.ndarray] = []
        basis = np.array([a, b, normal])
        for frag in fragments:
            centre_h = positions[frag].mean(axis=0) @ normal
            k0 = int(np.ceil((shift_A - centre_h) / period - 1e-9))
            for k in range(k0, k0 + n_layers):
                xyz = positions[frag] + k * c
                uvw = np.linalg.solve(basis.T, xyz.T).T
                species.extend(cell[i].specie.symbol for i in frag)
                coords.append(uvw)
        uvw = np.concatenate(coords)
        uvw[:, :2] = np.mod(uvw[:, :2], 1.0)
        uvw[:, 2] -= shift_A
        return species, uvw
