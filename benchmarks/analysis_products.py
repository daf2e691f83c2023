"""Speciation speed: ``speciate_trajectory`` against a naive per-frame ASE NeighborList loop.

System: a beta-Li3PS4 supercell trimmed to ``--atoms`` atoms (default 1,000), ``--frames`` frames
(default 2,000) with Gaussian thermal noise. The fast path speciates every frame. The naive
baseline (per frame: ``ase.neighborlist.NeighborList`` update, Python loops over neighbours
with the same element-pair cutoffs, breadth-first search for fragments, Counter labels, sets
of Li per fragment) is timed on ``--naive-frames`` frames (default 40) and its time per frame is
compared with the fast path's; both give identical fragment counts on those frames (checked).

Last line: ``products_speedup_vs_naive=<ratio>`` (naive seconds per frame / fast seconds per frame).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, deque

import numpy as np
from ase import Atoms
from ase.data import chemical_symbols, covalent_radii
from ase.neighborlist import NeighborList
from pymatgen.core import Element, Lattice, Structure

from interfaceflow.analysis.speciation import resolve_cutoffs, speciate_trajectory
from interfaceflow.io.trajectory import TrajectoryData


def beta_li3ps4() -> Structure:
    try:
        from interfaceflow.structures.library import get_phase

        return get_phase("beta-Li3PS4").structure
    except Exception:
        return Structure.from_spacegroup(
            "Pnma", Lattice.orthorhombic(12.819, 8.2195, 6.1236), ["Li", "Li", "P", "S", "S", "S"],
            [[0.1627, 0.5016, 0.3008], [0.4246, 0.75, 0.2045], [0.4115, 0.25, 0.3079],
             [0.3418, 0.0441, 0.2054], [0.0503, 0.25, 0.2928], [0.0896, 0.75, 0.1223]],
        )


def build_trajectory(n_atoms: int, n_frames: int, noise_A: float, seed: int = 0) -> TrajectoryData:
    unit = beta_li3ps4()
    sc = unit * (2, 2, int(np.ceil(n_atoms / (4 * len(unit)))))
    rng = np.random.default_rng(seed)
    li = [i for i, site in enumerate(sc) if site.specie.symbol == "Li"]
    drop = set(rng.choice(li, size=len(sc) - n_atoms, replace=False).tolist()) if len(sc) > n_atoms else set()
    keep = np.array([i for i in range(len(sc)) if i not in drop])
    base = sc.cart_coords[keep]
    pos = base[None] + rng.normal(0.0, noise_A, (n_frames, len(keep), 3))
    cells = np.repeat(sc.lattice.matrix[None], n_frames, axis=0)
    return TrajectoryData(
        positions_A=pos, cells_A=cells, numbers=np.array(sc.atomic_numbers)[keep],
        pbc=np.array([True, True, True]), times_fs=np.arange(n_frames, dtype=float) * 10.0,
    )


def naive_fragment_counts(traj: TrajectoryData, frames) -> list[Counter]:
    """Per-frame ASE NeighborList + Python loops (the baseline)."""
    symbols = [chemical_symbols[z] for z in traj.numbers]
    cut = resolve_cutoffs(set(symbols))
    radius = [1.3 * covalent_radii[z] for z in traj.numbers]  # superset of every pair cutoff
    en = {s: Element(s).X for s in set(symbols)}
    out = []
    for f in frames:
        atoms = Atoms(numbers=traj.numbers, positions=traj.positions_A[f], cell=traj.cells_A[f], pbc=traj.pbc)
        nl = NeighborList(radius, self_interaction=False, bothways=True, skin=0.0)
        nl.update(atoms)
        bonds = {i: [] for i in range(len(atoms))}
        li_of = {i: set() for i in range(len(atoms))}
        for i in range(len(atoms)):
            indices, offsets = nl.get_neighbors(i)
            for j, off in zip(indices, offsets):
                d = np.linalg.norm(atoms.positions[j] + off @ atoms.cell.array - atoms.positions[i])
                pair = tuple(sorted((symbols[i], symbols[j])))
                if pair not in cut or d > cut[pair]:
                    continue
                if symbols[i] != "Li" and symbols[j] != "Li":
                    bonds[i].append(j)
                elif symbols[i] == "Li" and symbols[j] != "Li":
                    li_of[j].add((i, tuple(off)))
        seen = set()
        counts = Counter()
        for start in range(len(atoms)):
            if symbols[start] == "Li" or start in seen:
                continue
            queue, members = deque([start]), []
            seen.add(start)
            while queue:
                a = queue.popleft()
                members.append(a)
                for b in bonds[a]:
                    if b not in seen:
                        seen.add(b)
                        queue.append(b)
            comp = Counter(symbols[m] for m in members)
            order = sorted(comp, key=lambda s: (en[s], Element(s).Z))
            label = "".join(s + (str(comp[s]) if comp[s] > 1 else "") for s in order)
            counts[label] += 1
            _ = set().union(*(li_of[m] for m in members))  # Li per fragment, as the fast path does
        out.append(counts)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--atoms", type=int, default=1000)
    parser.add_argument("--frames", type=int, default=2000)
    parser.add_argument("--naive-frames", type=int, default=40)
    parser.add_argument("--noise", type=float, default=0.08, help="thermal noise, Å")
    args = parser.parse_args()

    traj = build_trajectory(args.atoms, args.frames, args.noise)
    print(f"system: {len(traj.numbers)} atoms x {args.frames} frames (beta-Li3PS4 + noise {args.noise} Å)")

    t0 = time.perf_counter()
    spec = speciate_trajectory(traj)
    fast = time.perf_counter() - t0
    fast_per_frame = fast / args.frames
    print(f"speciate_trajectory: {fast:.2f} s total, {1e3 * fast_per_frame:.2f} ms/frame")

    frames = list(range(min(args.naive_frames, args.frames)))
    t0 = time.perf_counter()
    naive = naive_fragment_counts(traj, frames)
    naive_time = time.perf_counter() - t0
    naive_per_frame = naive_time / len(frames)
    print(
        f"naive ASE NeighborList loop: {naive_time:.2f} s for {len(frames)} frames, "
        f"{1e3 * naive_per_frame:.1f} ms/frame (~{naive_per_frame * args.frames:.0f} s for all frames)"
    )
    for f, counts in zip(frames, naive):
        fast_counts = {
            lab: int(spec.fragment_counts[f, k]) for k, lab in enumerate(spec.fragment_labels) if spec.fragment_counts[f, k]
        }
        if fast_counts != dict(counts):
            raise SystemExit(f"fragment counts differ at frame {f}: fast {fast_counts} naive {dict(counts)}")
    print(f"fragment counts agree on {len(frames)} frames: {dict(naive[0])}")
    print(f"products_speedup_vs_naive={naive_per_frame / fast_per_frame:.1f}")


if __name__ == "__main__":
    main()
