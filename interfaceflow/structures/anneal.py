"""Model coordinates for a library phase whose refinement is out of reach: anneal its polyanions and
Li with SevenNet-0 in the published cell and keep the lowest-energy quench (a maintainer's tool).

``python -m interfaceflow.structures.anneal Li4P2O7 --seeds 4`` starts each seed from intact polyanions
(ideal tetrahedra) placed at random with their inversion images (the P-1 motif of a Z = 2 cell) and
Li at random free sites, runs Langevin MD (hot, then a linear quench to 300 K) at the fixed
experimental cell, relaxes the positions and rejects any quench whose polyanions broke. It prints
the winner as fractional coordinates for a ``PhaseDefinition`` (space group P1, ``coordinates="model"``).
The result is an upper bound on the ground-state energy: a real refinement replaces it.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
from ase import Atoms, units
from ase.md.langevin import Langevin
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution

from interfaceflow.md.relax import run_relax
from interfaceflow.md.settings import RelaxSettings


@dataclass(frozen=True)
class ModelPhase:
    """Published cell and contents of one phase to anneal."""

    cell_abc_A: tuple[float, float, float]
    cell_angles_deg: tuple[float, float, float]
    n_pyro: int  # X2O7 units (corner-sharing tetrahedra), placed as inversion pairs
    centre: str  # tetrahedral centre of the polyanion
    n_li: int
    source: str


MODELS = {
    "Li4P2O7": ModelPhase(
        cell_abc_A=(8.5632, 7.1099, 5.1858), cell_angles_deg=(111.426, 89.991, 103.055), n_pyro=2, centre="P",
        n_li=8, source="triclinic Li4P2O7 (P-1, Z = 2), cell of J. Solid State Chem. (2014), doi 10.1016/j.jssc.2013.12.015",
    ),
}

BRIDGE_A, TERMINAL_A, BRIDGE_ANGLE_DEG = 1.60, 1.52, 130.0
MIN_LI_DISTANCE_A = 1.9
UNIT_GAP_A = 2.6  # closest approach of two polyanions at the start (Å)


def pyro_unit(centre: str, rng: np.random.Generator) -> Atoms:
    """One X2O7 unit: two ideal tetrahedra sharing the bridging O, random orientation, centred at 0."""
    half = np.radians(BRIDGE_ANGLE_DEG / 2)
    positions, symbols = [[0.0, 0.0, 0.0]], ["O"]
    for sign in (1, -1):
        p = np.array([sign * BRIDGE_A * np.sin(half), BRIDGE_A * np.cos(half), 0.0])
        u = -p / np.linalg.norm(p)  # P -> O_bridge
        e1 = np.cross(u, [0, 0, 1.0])
        e1 /= np.linalg.norm(e1)
        e2 = np.cross(u, e1)
        positions.append(p.tolist())
        symbols.append(centre)
        for phi in np.radians([60.0, 180.0, 300.0]):  # staggered against the bridge
            v = -u / 3 + (2 * np.sqrt(2) / 3) * (np.cos(phi) * e1 + np.sin(phi) * e2)
            positions.append((p + TERMINAL_A * v).tolist())
            symbols.append("O")
    unit = Atoms(symbols, positions=positions)
    unit.positions -= unit.positions.mean(axis=0)
    unit.rotate(rng.uniform(0, 360), rng.normal(size=3), center=(0, 0, 0))
    return unit


def random_start(model: ModelPhase, rng: np.random.Generator) -> Atoms:
    """Polyanions and Li placed as inversion pairs, no two atoms closer than MIN_LI_DISTANCE_A."""
    atoms = Atoms(cell=[*model.cell_abc_A, *model.cell_angles_deg], pbc=True)
    unit_of: list[int] = []
    while len(atoms) < 9 * model.n_pyro:
        unit = pyro_unit(model.centre, rng)
        unit.positions += atoms.cell.cartesian_positions(rng.uniform(0, 1, 3))
        image = unit.copy()
        image.positions *= -1
        trial = atoms + unit + image
        labels = np.array(unit_of + [len(unit_of) // 9] * 9 + [len(unit_of) // 9 + 1] * 9)
        if _units_apart(trial, labels):
            atoms, unit_of = trial, labels.tolist()
    placed = 0
    while placed < model.n_li:
        frac = rng.uniform(0, 1, 3)
        trial = atoms + Atoms("Li2", scaled_positions=[frac, -frac], cell=atoms.cell, pbc=True)
        d = trial.get_all_distances(mic=True)
        np.fill_diagonal(d, np.inf)
        if d[-2:].min() > MIN_LI_DISTANCE_A:
            atoms, placed = trial, placed + 2
    atoms.wrap()
    return atoms


def _units_apart(atoms: Atoms, labels: np.ndarray) -> bool:
    """No two polyanions (nor a polyanion and its own periodic image) closer than UNIT_GAP_A."""
    mic = atoms.get_all_distances(mic=True)
    direct = atoms.get_all_distances(mic=False)
    same = labels[:, None] == labels[None, :]
    own_image_close = same & ~np.isclose(mic, direct) & (mic < UNIT_GAP_A)
    return bool(not own_image_close.any() and mic[~same].min() > UNIT_GAP_A)


def polyanions_intact(atoms: Atoms, centre: str) -> bool:
    """Every centre has four O within 1.9 Å and each O at most two centres (one bridge per unit)."""
    d = atoms.get_all_distances(mic=True)
    symbols = np.array(atoms.get_chemical_symbols())
    bonds = d[np.ix_(symbols == centre, symbols == "O")] < 1.9
    n_bridges = int((bonds.sum(axis=0) == 2).sum())
    return bool(np.all(bonds.sum(axis=1) == 4) and n_bridges == (symbols == centre).sum() // 2)


def anneal(atoms: Atoms, calc, hot_K: float, hot_ps: float, quench_ps: float, seed: int, timestep_fs: float) -> Atoms:
    """Langevin MD at hot_K, linear quench to 300 K, then FIRE at fixed cell (fmax 0.02 eV/Å)."""
    atoms = atoms.copy()
    atoms.calc = calc
    MaxwellBoltzmannDistribution(atoms, temperature_K=hot_K, rng=np.random.default_rng(seed))
    dyn = Langevin(atoms, timestep_fs * units.fs, temperature_K=hot_K, friction=0.02, rng=np.random.default_rng(seed))
    dyn.run(int(hot_ps * 1000 / timestep_fs))
    n_quench = int(quench_ps * 1000 / timestep_fs)
    for temperature in np.linspace(hot_K, 300.0, 20):
        dyn.set_temperature(temperature_K=temperature)
        dyn.run(n_quench // 20)
    return run_relax(atoms, calc, RelaxSettings(optimizer="FIRE", fmax_eV_per_A=0.02, steps=2000)).atoms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", choices=sorted(MODELS))
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--hot-K", type=float, default=1000.0)
    parser.add_argument("--hot-ps", type=float, default=2.0)
    parser.add_argument("--quench-ps", type=float, default=4.0)
    parser.add_argument("--timestep-fs", type=float, default=2.0)
    args = parser.parse_args()

    from interfaceflow.structures.generate import maintainer_calculator

    calc = maintainer_calculator()
    model = MODELS[args.name]
    best: tuple[float, Atoms] | None = None
    for seed in range(args.seeds):
        start = random_start(model, np.random.default_rng(seed))
        quenched = anneal(start, calc, args.hot_K, args.hot_ps, args.quench_ps, seed, args.timestep_fs)
        quenched.calc = calc
        e = quenched.get_potential_energy() / len(quenched)
        intact = polyanions_intact(quenched, model.centre)
        print(f"seed {seed}: {e:.4f} eV/atom, polyanions intact: {intact}", flush=True)
        if intact and (best is None or e < best[0]):
            best = (e, quenched)
    if best is None:
        raise SystemExit(f"{args.name}: no seed kept its polyanions; lower --hot-K or add --seeds")
    e, atoms = best
    print(f"# {args.name}: lowest {e:.4f} eV/atom (SevenNet-0, fixed cell); {model.source}")
    for symbol, frac in zip(atoms.get_chemical_symbols(), atoms.get_scaled_positions(wrap=True)):
        print(f'("{symbol}", ({frac[0]:.4f}, {frac[1]:.4f}, {frac[2]:.4f})),')


if __name__ == "__main__":
    main()
