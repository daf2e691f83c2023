"""Crystallographic definitions of the bulk phase library (the source of ``data/*.cif``).

Each :class:`PhaseDefinition` holds what a paper reports: space group, lattice parameters and
Wyckoff positions (with occupancies for disordered sites), plus the provenance and how the
structure was made ordered. ``python -m interfaceflow.structures.generate`` turns these into the
ordered CIF files under ``interfaceflow/structures/data/`` that :mod:`interfaceflow.structures.library`
loads at run time, so no ordering or relaxation happens when a user asks for a phase.

Coordinates marked ``coordinates="model"`` are not the refined values of the cited paper (they
were not available offline): they are a prototype of the same structure type at the cited
lattice parameters, relaxed at fixed cell with SevenNet-0 when ``relax_fixed_cell`` is True.
The ``notes`` field says exactly what was done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["electrode", "electrolyte", "coating", "product"]


@dataclass(frozen=True)
class PhaseDefinition:
    """One bulk phase: Wyckoff-level crystal data plus provenance."""

    name: str
    formula: str
    role: Role
    spacegroup: str
    lattice_abc_A: tuple[float, float, float]
    lattice_angles_deg: tuple[float, float, float]
    species: tuple  # per Wyckoff site: element or {element: occupancy}
    coords: tuple  # per Wyckoff site: fractional (x, y, z)
    source: str  # the publication the lattice (and, unless coordinates="model", positions) come from
    doi: str | None = None
    database_id: str | None = None  # ICSD / Materials Project id of the same phase, where known
    ordering_method: str = "ordered as published"
    bulk_modulus_GPa: float = 50.0  # rough experimental or computed estimate; picks the strained side
    aliases: tuple[str, ...] = ()
    coordinates: Literal["published", "model"] = "published"
    relax_fixed_cell: bool = False
    supercell: tuple[int, int, int] = (1, 1, 1)  # cell in which disordered sites are ordered
    oxidation_states: dict[str, float] = field(default_factory=dict)
    notes: str = ""


_CUBIC = (90.0, 90.0, 90.0)
_HEX = (90.0, 90.0, 120.0)

PHASES: tuple[PhaseDefinition, ...] = (
    # ---------------------------------------------------------------- electrodes
    PhaseDefinition(
        name="Li", formula="Li", role="electrode", spacegroup="Im-3m",
        lattice_abc_A=(3.51, 3.51, 3.51), lattice_angles_deg=_CUBIC,
        species=("Li",), coords=((0, 0, 0),),
        source="bcc Li at room temperature, a = 3.51 A (e.g. Berliner et al., Phys. Rev. B 1989)",
        database_id="mp-135", bulk_modulus_GPa=11.0, aliases=("lithium", "Li-metal"),
        oxidation_states={"Li": 0},
    ),
    PhaseDefinition(
        name="In", formula="In", role="electrode", spacegroup="I4/mmm",
        lattice_abc_A=(3.2523, 3.2523, 4.9461), lattice_angles_deg=_CUBIC,
        species=("In",), coords=((0, 0, 0),),
        source="tetragonal indium, a = 3.2523 A, c = 4.9461 A (Smith & Schneider, J. Less-Common Met. 1964)",
        database_id="mp-85", bulk_modulus_GPa=41.0, aliases=("indium",),
        oxidation_states={"In": 0},
    ),
    PhaseDefinition(
        name="LiIn", formula="LiIn", role="electrode", spacegroup="F-43m",
        lattice_abc_A=(6.78, 6.78, 6.78), lattice_angles_deg=_CUBIC,
        species=("Li", "Li", "In", "In"),
        coords=((0, 0, 0), (0.25, 0.25, 0.25), (0.5, 0.5, 0.5), (0.75, 0.75, 0.75)),
        source="NaTl-type LiIn (Fd-3m), a = 6.78 A (Zintl & Brauer 1933); written in the F-43m subgroup",
        bulk_modulus_GPa=35.0, aliases=("Li-In",),
        oxidation_states={"Li": 0, "In": 0},
        notes="Fd-3m NaTl type expressed with F-43m Wyckoff sites 4a+4c (Li) and 4b+4d (In).",
    ),
    PhaseDefinition(
        name="LiCoO2", formula="LiCoO2", role="electrode", spacegroup="R-3m",
        lattice_abc_A=(2.8156, 2.8156, 14.0542), lattice_angles_deg=_HEX,
        species=("Co", "Li", "O"), coords=((0, 0, 0), (0, 0, 0.5), (0, 0, 0.2604)),
        source="Akimoto, Gotoh & Oosawa, J. Solid State Chem. 141, 298 (1998)",
        database_id="mp-22526", bulk_modulus_GPa=150.0, aliases=("LCO",),
        oxidation_states={"Li": 1, "Co": 3, "O": -2},
    ),
    PhaseDefinition(
        name="LiNiO2", formula="LiNiO2", role="electrode", spacegroup="R-3m",
        lattice_abc_A=(2.878, 2.878, 14.19), lattice_angles_deg=_HEX,
        species=("Ni", "Li", "O"), coords=((0, 0, 0), (0, 0, 0.5), (0, 0, 0.2584)),
        source="layered alpha-NaFeO2-type LiNiO2 (Hirano et al., Solid State Ionics 78, 123 (1995))",
        database_id="mp-25411", bulk_modulus_GPa=140.0, aliases=("lithium-nickelate",),
        oxidation_states={"Li": 1, "Ni": 3, "O": -2},
        notes="Ideal stoichiometric cell; the Li/Ni antisite disorder of real samples is ignored.",
    ),
    # ---------------------------------------------------------------- electrolytes
    PhaseDefinition(
        name="Li6PS5Cl", formula="Li6PS5Cl", role="electrolyte", spacegroup="F-43m",
        lattice_abc_A=(9.856, 9.856, 9.856), lattice_angles_deg=_CUBIC,
        species=("P", "S", "S", "Cl", "Li"),
        coords=((0.5, 0.5, 0.5), (0.6199, 0.6199, 0.6199), (0.25, 0.25, 0.25), (0, 0, 0), (0.019, 0.25, 0.25)),
        source="Deiseroth et al., Angew. Chem. Int. Ed. 47, 755 (2008)",
        doi="10.1002/anie.200703900", database_id="mp-985591", bulk_modulus_GPa=29.0,
        aliases=("LPSCl", "LPSC", "argyrodite"),
        ordering_method=(
            "ordered argyrodite: Cl on 4a, S2- on 4c (the Li-cage centre), Li on the 24g site between "
            "the half-occupied 48h pairs; the experimental S/Cl 4a/4c site mixing is removed"
        ),
        oxidation_states={"Li": 1, "P": 5, "S": -2, "Cl": -1},
    ),
    PhaseDefinition(
        name="beta-Li3PS4", formula="Li3PS4", role="electrolyte", spacegroup="Pnma",
        lattice_abc_A=(12.819, 8.2195, 6.1236), lattice_angles_deg=_CUBIC,
        # gamma-Li3PO4-type positions (Wang et al., JSSC 115, 313 (1995)), axes permuted Pmnb -> Pnma
        species=("Li", "Li", "P", "S", "S", "S"),
        coords=((0.1627, 0.5016, 0.3008), (0.4246, 0.75, 0.2045), (0.4115, 0.25, 0.3079),
                (0.3418, 0.0441, 0.2054), (0.0503, 0.25, 0.2928), (0.0896, 0.75, 0.1223)),
        source="lattice: Homma et al., Solid State Ionics 182, 53 (2011); positions: gamma-Li3PO4 type",
        doi="10.1016/j.ssi.2010.10.001", database_id="mp-985583", bulk_modulus_GPa=23.0,
        aliases=("Li3PS4", "LPS", "b-Li3PS4", "beta-LPS"),
        coordinates="model", relax_fixed_cell=True,
        ordering_method=(
            "Li on the fully occupied 8d and the 4c site (Homma occupancy 0.7); the 4b site (occupancy 0.3) "
            "left empty"
        ),
        oxidation_states={"Li": 1, "P": 5, "S": -2},
        notes=(
            "beta-Li3PS4 has the gamma-Li3PO4 (LISICON) framework with P, S1, S2 on 4c and S3 on 8d. The "
            "refined Homma coordinates were not available offline: the gamma-Li3PO4 fractional "
            "coordinates were placed in the Homma cell and relaxed at fixed cell with SevenNet-0."
        ),
    ),
    PhaseDefinition(
        name="Li10GeP2S12", formula="Li10GeP2S12", role="electrolyte", spacegroup="P4_2/nmc",
        lattice_abc_A=(8.69407, 8.69407, 12.5994), lattice_angles_deg=_CUBIC,
        species=({"Li": 11 / 16}, "Li", {"Li": 5 / 8}, {"Ge": 0.5, "P": 0.5}, "P", "S", "S", "S"),
        coords=((0.7437, 0.7282, 0.8168), (0.0, 0.5, 0.0554), (0.7537, 0.7537, 0.0), (0.0, 0.5, 0.3093),
                (0.0, 0.0, 0.5), (0.0, 0.8157, 0.5897), (0.0, 0.7009, 0.905), (0.0, 0.301, 0.2086)),
        source="Kamaya et al., Nat. Mater. 10, 682 (2011) (structure as shipped in pymatgen's util/structures)",
        doi="10.1038/nmat3066", database_id="mp-696138", bulk_modulus_GPa=30.0,
        aliases=("LGPS",),
        ordering_method=(
            "occupancies rounded to Li10GeP2S12 (16h 11/16, 8f 5/8, 4d Ge/P 1/2); lowest Ewald energy "
            "ordering from pymatgen OrderDisorderedStructureTransformation"
        ),
        oxidation_states={"Li": 1, "Ge": 4, "P": 5, "S": -2},
    ),
    PhaseDefinition(
        name="LLZO", formula="Li7La3Zr2O12", role="electrolyte", spacegroup="Ia-3d",
        lattice_abc_A=(12.97, 12.97, 12.97), lattice_angles_deg=_CUBIC,
        species=("La", "Zr", "O", {"Li": 1 / 3}, "Li"),
        coords=((0.125, 0.0, 0.25), (0.0, 0.0, 0.0), (-0.0306, 0.0551, 0.1497), (0.375, 0.0, 0.25),
                (0.125, 0.68, 0.57)),
        source="cubic garnet Li7La3Zr2O12, a = 12.97 A: Awaka et al., Chem. Lett. 40, 60 (2011)",
        doi="10.1246/cl.2011.60", database_id="mp-942733", bulk_modulus_GPa=105.0,
        aliases=("Li7La3Zr2O12", "garnet", "c-LLZO"),
        coordinates="model", relax_fixed_cell=True,
        ordering_method=(
            "conventional cell: Li fills all 48g octahedral sites and 8 of the 24d tetrahedral sites "
            "(the tetragonal-LLZO site counts), the 8 chosen by lowest Ewald energy"
        ),
        oxidation_states={"Li": 1, "La": 3, "Zr": 4, "O": -2},
        notes=(
            "La 24c, Zr 16a, O 96h from the garnet prototype; Li on 24d (tetrahedral) and the 48g "
            "octahedral site, then relaxed at fixed cell with SevenNet-0."
        ),
    ),
    PhaseDefinition(
        name="Li3OCl", formula="Li3OCl", role="electrolyte", spacegroup="Pm-3m",
        lattice_abc_A=(3.91, 3.91, 3.91), lattice_angles_deg=_CUBIC,
        species=("O", "Cl", "Li"), coords=((0, 0, 0), (0.5, 0.5, 0.5), (0.5, 0, 0)),
        source="antiperovskite Li3OCl: Zhao & Daemen, J. Am. Chem. Soc. 134, 15042 (2012)",
        doi="10.1021/ja305709z", database_id="mp-985585", bulk_modulus_GPa=55.0,
        aliases=("LOC", "antiperovskite"),
        oxidation_states={"Li": 1, "O": -2, "Cl": -1},
    ),
    PhaseDefinition(
        name="Li7P3S11", formula="Li7P3S11", role="electrolyte", spacegroup="P-1",
        lattice_abc_A=(12.5009, 6.0316, 12.5303), lattice_angles_deg=(102.845, 113.2024, 74.467),
        species=("Li", "Li", "Li", "Li", "Li", "Li", "Li", "P", "P", "P", "S", "S", "S", "S", "S", "S", "S", "S",
                 "S", "S", "S"),
        coords=((0.09158, 0.24983, 0.64531), (0.03753, 0.80872, 0.07771), (0.69752, 0.64705, 0.52919),
                (0.34, 0.69164, 0.81027), (0.45793, 0.33685, 0.28806), (0.23235, 0.84349, 0.32499),
                (0.36752, 0.2393, 0.99495), (0.20429, 0.8473, 0.51865), (0.82012, 0.7457, 0.8876),
                (0.55167, 0.18562, 0.83846), (0.16638, 0.83421, 0.66108), (0.1546, 0.18043, 0.48046),
                (0.11244, 0.64255, 0.37403), (0.37744, 0.7215, 0.51783), (0.67415, 0.95122, 0.75696),
                (0.82864, 0.85145, 0.05505), (0.9647, 0.76789, 0.86006), (0.76418, 0.44012, 0.84039),
                (0.4416, 0.37241, 0.70846), (0.64212, 0.34928, 0.99393), (0.46566, 0.96399, 0.85707)),
        source="lattice (P-1, Z = 2): Yamane et al., Solid State Ionics 178, 1163 (2007)",
        doi="10.1016/j.ssi.2007.05.020", bulk_modulus_GPa=20.0, aliases=("LPS-glass-ceramic", "Li7P3S11-glass-ceramic"),
        coordinates="model",
        ordering_method="ordered model (no partial occupancies): 2 P2S7 + 2 PS4 + 14 Li per cell",
        oxidation_states={"Li": 1, "P": 5, "S": -2},
        notes=(
            "NOT the refined Yamane positions (not available offline): one PS4 and one P2S7 unit (P-S 2.03 A, "
            "bridging P-S 2.10 A, P-S-P 110 deg) were packed at random in the asymmetric unit of the Yamane "
            "cell (best of 4000 trials, seed 7), 7 Li put in the largest voids, and all positions relaxed at "
            "fixed cell with SevenNet-0 keeping P-1 symmetry (FIRE, fmax 0.05 eV/A). The coordinates above are "
            "that relaxed model; the P2S7/PS4 ratio and cell match the experimental phase, the Li sites do not "
            "claim to."
        ),
    ),
    PhaseDefinition(
        name="Li3InCl6", formula="Li3InCl6", role="electrolyte", spacegroup="C2/m",
        lattice_abc_A=(6.439, 11.142, 6.390), lattice_angles_deg=(90.0, 109.78, 90.0),
        species=("In", "Li", "Li", "Cl", "Cl"),
        coords=((0, 0.5, 0), (0, 0, 0.5), (0, 1 / 3, 0.5), (0.2434, 0, 0.2337), (0.2516, 0.3213, 0.2347)),
        source=(
            "Li3InCl6 structure type and cell: Asano et al., Adv. Mater. 30, 1803075 (2018); lattice "
            "a = 6.439, b = 11.142, c = 6.390 A, beta = 109.78 deg as commonly reported for C2/m Li3InCl6"
        ),
        doi="10.1002/adma.201803075", bulk_modulus_GPa=25.0, aliases=("LIC", "LiInCl"),
        coordinates="model", relax_fixed_cell=True,
        ordering_method=(
            "ordered layered rock salt: In fills the 2-fold octahedral site of the In layer (its 4g "
            "Li/In-mixed sites left empty), Li fills the 2c + 4h octahedra of the Li layer"
        ),
        oxidation_states={"Li": 1, "In": 3, "Cl": -1},
        notes=(
            "ccp Cl (4i + 8j, Li2MnO3-type C2/m positions) with octahedral cations; the refined Asano "
            "coordinates and the partial In/Li occupancies of the In layer were not available offline, "
            "so the ideal ordering was relaxed at fixed cell with SevenNet-0."
        ),
    ),
    PhaseDefinition(
        name="LiTi2(PO4)3", formula="LiTi2(PO4)3", role="electrolyte", spacegroup="R-3c",
        lattice_abc_A=(8.5129, 8.5129, 20.843), lattice_angles_deg=_HEX,
        species=("Li", "Ti", "P", "O", "O"),
        coords=((0, 0, 0), (0, 0, 0.14194), (0.2885, 0, 0.25), (0.1853, -0.0052, 0.1923), (0.1906, 0.1676, 0.0841)),
        source=(
            "NASICON LiTi2(PO4)3 (R-3c, a = 8.513, c = 20.84 A), the Al-free end member of LATP "
            "Li1.3Al0.3Ti1.7(PO4)3 (Aono et al., J. Electrochem. Soc. 137, 1023 (1990))"
        ),
        bulk_modulus_GPa=100.0, aliases=("LTP", "LATP", "NASICON"),
        coordinates="model", relax_fixed_cell=True,
        ordering_method=(
            "ordered as the end member: Li on the M1 (6b) site only. LATP's 0.3 Al per formula unit "
            "(1.8 per 108-atom cell) and its extra 0.3 Li on M3 need a 5x supercell (540 atoms, "
            "~1e10 orderings), too large for the library, so LiTi2(PO4)3 stands in for LATP"
        ),
        oxidation_states={"Li": 1, "Ti": 4, "P": 5, "O": -2},
        notes=(
            "Wyckoff positions of the NASICON framework (Ti 12c, P 18e, O 2 x 36f, Li 6b) entered from "
            "memory of the LiTi2(PO4)3 refinements, then relaxed at fixed cell with SevenNet-0; the alias "
            "'LATP' resolves to this end member."
        ),
    ),
    # ---------------------------------------------------------------- coatings
    PhaseDefinition(
        name="LiNbO3", formula="LiNbO3", role="coating", spacegroup="R3c",
        lattice_abc_A=(5.148, 5.148, 13.863), lattice_angles_deg=_HEX,
        species=("Nb", "Li", "O"), coords=((0, 0, 0), (0, 0, 0.2829), (0.0492, 0.3446, 0.0647)),
        source="Abrahams, Reddy & Bernstein, J. Phys. Chem. Solids 27, 997 (1966)",
        database_id="mp-3731", bulk_modulus_GPa=110.0, aliases=("lithium-niobate",),
        oxidation_states={"Li": 1, "Nb": 5, "O": -2},
    ),
    PhaseDefinition(
        name="Li3PO4", formula="Li3PO4", role="coating", spacegroup="Pnma",
        lattice_abc_A=(10.4612, 6.1113, 4.9208), lattice_angles_deg=_CUBIC,
        species=("Li", "Li", "P", "O", "O", "O"),
        coords=((0.1627, 0.5016, 0.3008), (0.4246, 0.75, 0.2045), (0.4115, 0.25, 0.3079),
                (0.3418, 0.0441, 0.2054), (0.0503, 0.25, 0.2928), (0.0896, 0.75, 0.1223)),
        source="gamma-Li3PO4: Wang et al., J. Solid State Chem. 115, 313 (1995) (AMCSD 0013843), Pmnb -> Pnma",
        database_id="mp-13725", bulk_modulus_GPa=70.0, aliases=("gamma-Li3PO4", "LPO"),
        oxidation_states={"Li": 1, "P": 5, "O": -2},
    ),
    # ---------------------------------------------------------------- interphase products
    PhaseDefinition(
        name="Li2S", formula="Li2S", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(5.708, 5.708, 5.708), lattice_angles_deg=_CUBIC,
        species=("S", "Li"), coords=((0, 0, 0), (0.25, 0.25, 0.25)),
        source="antifluorite Li2S, a = 5.708 A", database_id="mp-1153", bulk_modulus_GPa=41.0,
        oxidation_states={"Li": 1, "S": -2},
    ),
    PhaseDefinition(
        name="Li2O", formula="Li2O", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(4.6114, 4.6114, 4.6114), lattice_angles_deg=_CUBIC,
        species=("O", "Li"), coords=((0, 0, 0), (0.25, 0.25, 0.25)),
        source="antifluorite Li2O, a = 4.611 A", database_id="mp-1960", bulk_modulus_GPa=82.0,
        oxidation_states={"Li": 1, "O": -2},
    ),
    PhaseDefinition(
        name="LiF", formula="LiF", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(4.0263, 4.0263, 4.0263), lattice_angles_deg=_CUBIC,
        species=("Li", "F"), coords=((0, 0, 0), (0.5, 0.5, 0.5)),
        source="rock-salt LiF, a = 4.026 A", database_id="mp-1138", bulk_modulus_GPa=67.0,
        oxidation_states={"Li": 1, "F": -1},
    ),
    PhaseDefinition(
        name="LiCl", formula="LiCl", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(5.1295, 5.1295, 5.1295), lattice_angles_deg=_CUBIC,
        species=("Li", "Cl"), coords=((0, 0, 0), (0.5, 0.5, 0.5)),
        source="rock-salt LiCl, a = 5.130 A", database_id="mp-22905", bulk_modulus_GPa=32.0,
        oxidation_states={"Li": 1, "Cl": -1},
    ),
    PhaseDefinition(
        name="Li3N", formula="Li3N", role="product", spacegroup="P6/mmm",
        lattice_abc_A=(3.648, 3.648, 3.875), lattice_angles_deg=_HEX,
        species=("N", "Li", "Li"), coords=((0, 0, 0), (0, 0, 0.5), (1 / 3, 2 / 3, 0)),
        source="alpha-Li3N: Rabenau & Schulz, J. Less-Common Met. 50, 155 (1976)",
        database_id="mp-2251", bulk_modulus_GPa=60.0,
        oxidation_states={"Li": 1, "N": -3},
    ),
    PhaseDefinition(
        name="Li3P", formula="Li3P", role="product", spacegroup="P6_3/mmc",
        lattice_abc_A=(4.2695, 4.2695, 7.589), lattice_angles_deg=_HEX,
        species=("P", "Li", "Li"), coords=((1 / 3, 2 / 3, 0.25), (0, 0, 0.25), (1 / 3, 2 / 3, 0.5827)),
        source="Na3As-type Li3P: Dong & DiSalvo, Acta Cryst. E 63, i97 (2007)",
        database_id="mp-736", bulk_modulus_GPa=40.0,
        oxidation_states={"Li": 1, "P": -3},
    ),
    PhaseDefinition(
        name="Ge", formula="Ge", role="product", spacegroup="F-43m",
        lattice_abc_A=(5.6575, 5.6575, 5.6575), lattice_angles_deg=_CUBIC,
        species=("Ge", "Ge"), coords=((0, 0, 0), (0.25, 0.25, 0.25)),
        source="diamond-type Ge, a = 5.6575 A; written in the F-43m subgroup (4a + 4c)",
        database_id="mp-32", bulk_modulus_GPa=75.0, aliases=("germanium",),
        oxidation_states={"Ge": 0},
    ),
    PhaseDefinition(
        name="P-black", formula="P", role="product", spacegroup="Cmce",
        lattice_abc_A=(3.3136, 10.478, 4.3763), lattice_angles_deg=_CUBIC,
        species=("P",), coords=((0, 0.10168, 0.08056),),
        source="black phosphorus: Brown & Rundqvist, Acta Cryst. 19, 684 (1965)",
        database_id="mp-157", bulk_modulus_GPa=36.0, aliases=("P", "black-P", "phosphorus"),
        oxidation_states={"P": 0},
    ),
    PhaseDefinition(
        name="Li15Ge4", formula="Li15Ge4", role="product", spacegroup="I-43d",
        lattice_abc_A=(10.783, 10.783, 10.783), lattice_angles_deg=_CUBIC,
        species=("Ge", "Li", "Li"), coords=((0.2083, 0.2083, 0.2083), (0.375, 0, 0.25), (0.1209, 0.1599, 0.9567)),
        source="Cu15Si4-type Li15Ge4, a = 10.783 A: Johnson, Smith & Wood, Acta Cryst. 18, 131 (1965)",
        bulk_modulus_GPa=30.0,
        coordinates="model", relax_fixed_cell=True,
        oxidation_states={"Li": 0, "Ge": 0},
        notes=(
            "Ge 16c, Li 12a + 48e of the Cu15Si4 type at the Li15Ge4 lattice; the refined positions were not "
            "available offline (values of the isotypic Li15Si4 were used), relaxed at fixed cell with SevenNet-0. "
            "Isolated Ge (Ge-Ge > 4.5 A)."
        ),
    ),
    PhaseDefinition(
        name="alpha-S", formula="S", role="product", spacegroup="Fddd:2",
        lattice_abc_A=(10.4646, 12.8660, 24.4860), lattice_angles_deg=_CUBIC,
        species=("S", "S", "S", "S"),
        coords=((0.85556, 0.95261, 0.95149), (0.78566, 0.03041, 0.07633), (0.70693, 0.97938, 0.00411),
                (0.78700, 0.90732, 0.12896)),
        source="orthorhombic alpha-S8 at 100 K: Rettig & Trotter, Acta Cryst. C 43, 2260 (1987) (origin choice 2)",
        bulk_modulus_GPa=15.0, aliases=("S", "sulfur", "S8", "a-S"),
        oxidation_states={"S": 0},
        notes=(
            "Four 32h S sites give sixteen crown S8 rings per cell (S-S 2.02-2.07 A); the coordinates were "
            "entered from memory of the paper and checked by the ring geometry."
        ),
    ),
    PhaseDefinition(
        name="Li4P2S6", formula="Li4P2S6", role="product", spacegroup="P-31m",
        lattice_abc_A=(6.070, 6.070, 6.577), lattice_angles_deg=_HEX,
        species=("P", "S", "Li", "Li"),
        coords=((0, 0, 0.171), (0.3245, 0, 0.245), (1 / 3, 2 / 3, 0), (1 / 3, 2 / 3, 0.5)),
        source="Li4P2S6 (P-31m, a = 6.070, c = 6.577 A): Mercier et al., J. Solid State Chem. 43, 151 (1982)",
        bulk_modulus_GPa=25.0, aliases=("LPS-hypo", "Li2PS3"),
        coordinates="model", relax_fixed_cell=True,
        ordering_method=(
            "Li on the 2c and 2d octahedral sites; one staggered P2S6 per cell with its P-P bond along c "
            "(any P2S6 orientational or stacking disorder of real samples is not modelled)"
        ),
        oxidation_states={"Li": 1, "P": 4, "S": -2},
        notes=(
            "Ethane-like P2S6 (P-P 2.25 A, P-S 2.03 A) built on 2e/6k, Li in the octahedra between the S "
            "layers, relaxed at fixed cell with SevenNet-0."
        ),
    ),
    PhaseDefinition(
        name="LiP", formula="LiP", role="product", spacegroup="P2_1/c",
        lattice_abc_A=(5.59, 4.94, 10.08), lattice_angles_deg=(90.0, 117.4, 90.0),
        species=("P", "P", "Li", "Li"),
        coords=((0.19518, 0.38630, 0.71704), (0.80518, 0.16813, 0.61012),
                (0.71507, 0.37342, 0.83370), (0.71762, 0.66799, 0.52240)),
        source=("LiP (LiAs type, P2_1/c, Z = 8, a = 5.59, b = 4.94, c = 10.08 A, beta = 117.4 deg): "
                "Imai & von Schnering"),
        bulk_modulus_GPa=30.0, aliases=("lithium-monophosphide",),
        coordinates="model", relax_fixed_cell=True,
        oxidation_states={"Li": 1, "P": -1},
        notes=(
            "Model positions at the cited cell: two helical (P-)n chains along b around the 2_1 axes, built "
            "explicitly (4 P per turn, P-P 2.22 A, P-P-P 108 deg), Li placed on the two general positions "
            "farthest from P, then relaxed at fixed cell with SevenNet-0 (FIRE, fmax 0.02 eV/A). Result: "
            "P-P 2.22/2.23 A, P-P-P 106-109 deg, Li six-fold by P at 2.56-2.87 A; SevenNet-0 puts it "
            "0.09 eV/atom below 1/3 Li3P + 2/3 black P. Not the refined coordinates of the paper."
        ),
    ),
)

# ---------------------------------------------------------------- competing phases of the seed chemistries
# Binary and ternary phases that bound the stability windows and hold the redox products of the seed
# electrolytes and cathodes (LLZO, LGPS, LATP, Li3InCl6, LiCoO2, NCM). Coordinates entered from memory
# of the cited refinements are checked by the bond lengths in generate (check_bulk) and the tests.
_RUTILE = "rutile type (P4_2/mnm): M on 2a, O on 4f (x, x, 0)"

COMPETING_PHASES: tuple[PhaseDefinition, ...] = (
    # ----- La-Zr-O (LLZO)
    PhaseDefinition(
        name="La2O3", formula="La2O3", role="product", spacegroup="P-3m1",
        lattice_abc_A=(3.9373, 3.9373, 6.1299), lattice_angles_deg=_HEX,
        species=("La", "O", "O"), coords=((1 / 3, 2 / 3, 0.2467), (1 / 3, 2 / 3, 0.6470), (0, 0, 0)),
        source="A-type La2O3: Aldebert & Traverse, Mater. Res. Bull. 14, 303 (1979)",
        database_id="mp-1968", bulk_modulus_GPa=110.0, aliases=("lanthana",),
        oxidation_states={"La": 3, "O": -2},
        notes="La 2d, O 2d + 1a; positions entered from memory of the refinement and checked by the La-O distances.",
    ),
    PhaseDefinition(
        name="ZrO2", formula="ZrO2", role="product", spacegroup="P2_1/c",
        lattice_abc_A=(5.1454, 5.2075, 5.3107), lattice_angles_deg=(90.0, 99.23, 90.0),
        species=("Zr", "O", "O"),
        coords=((0.2754, 0.0395, 0.2083), (0.0700, 0.3317, 0.3447), (0.4496, 0.7569, 0.4792)),
        source="monoclinic ZrO2 (baddeleyite): McCullough & Trueblood, Acta Cryst. 12, 507 (1959)",
        database_id="mp-2858", bulk_modulus_GPa=190.0, aliases=("zirconia", "baddeleyite", "m-ZrO2"),
        oxidation_states={"Zr": 4, "O": -2},
        notes="Zr, O1, O2 on 4e; positions entered from memory of the refinement and checked by the Zr-O distances.",
    ),
    PhaseDefinition(
        name="La2Zr2O7", formula="La2Zr2O7", role="product", spacegroup="Fd-3m:2",
        lattice_abc_A=(10.80, 10.80, 10.80), lattice_angles_deg=_CUBIC,
        species=("La", "Zr", "O", "O"),
        coords=((0.5, 0.5, 0.5), (0, 0, 0), (0.3317, 0.125, 0.125), (0.375, 0.375, 0.375)),
        source="pyrochlore La2Zr2O7, a = 10.80 A (e.g. Tabira, Withers et al., J. Solid State Chem. 153, 16 (2000))",
        database_id="mp-4974", bulk_modulus_GPa=180.0, aliases=("LZO-pyrochlore",),
        coordinates="model",
        oxidation_states={"La": 3, "Zr": 4, "O": -2},
        notes="Pyrochlore (origin choice 2): La 16d, Zr 16c, O 48f (x, 1/8, 1/8) and O' 8b; x = 0.3317 is a typical value for La zirconate, not the refined one.",
    ),
    PhaseDefinition(
        name="Li2ZrO3", formula="Li2ZrO3", role="product", spacegroup="C2/m",
        lattice_abc_A=(5.28, 9.13, 5.38), lattice_angles_deg=(90.0, 109.46, 90.0),
        species=("Zr", "Li", "Li", "Li", "O", "O"),
        coords=((0, 0.16708, 0), (0, 0.5, 0), (0, 0, 0.5), (0, 0.6606, 0.5), (0.2189, 0, 0.2273), (0.2540, 0.3217, 0.2233)),
        source="Li2ZrO3 (C2/c, Hodeau et al., J. Solid State Chem. 45, 170 (1982)) modelled in the Li2MnO3 type",
        database_id="mp-4156", bulk_modulus_GPa=110.0, coordinates="model", relax_fixed_cell=True,
        ordering_method="ordered layered rock salt: Zr and Li in the honeycomb layer, Li in the Li layer",
        oxidation_states={"Li": 1, "Zr": 4, "O": -2},
        notes=(
            "NOT the C2/c structure of the paper: the Li2MnO3-type C2/m cell (same Li2[Li1/3M2/3]O3 honeycomb "
            "ordering, different stacking) with the Li2MnO3 positions, scaled to the Li2ZrO3 volume per "
            "formula unit (61 A^3), relaxed at fixed cell with SevenNet-0."
        ),
    ),
    # ----- Ti, Al (LATP)
    PhaseDefinition(
        name="TiO2", formula="TiO2", role="product", spacegroup="P4_2/mnm",
        lattice_abc_A=(4.5937, 4.5937, 2.9587), lattice_angles_deg=_CUBIC,
        species=("Ti", "O"), coords=((0, 0, 0), (0.30478, 0.30478, 0)),
        source="rutile TiO2: Burdett et al., J. Am. Chem. Soc. 109, 3639 (1987)",
        database_id="mp-2657", bulk_modulus_GPa=210.0, aliases=("rutile",),
        oxidation_states={"Ti": 4, "O": -2}, notes=_RUTILE,
    ),
    PhaseDefinition(
        name="Ti2O3", formula="Ti2O3", role="product", spacegroup="R-3c",
        lattice_abc_A=(5.157, 5.157, 13.61), lattice_angles_deg=_HEX,
        species=("Ti", "O"), coords=((0, 0, 0.3447), (0.3125, 0, 0.25)),
        source="corundum-type Ti2O3 (a = 5.157, c = 13.61 A; e.g. Rice & Robinson, Acta Cryst. B 33, 1342 (1977))",
        database_id="mp-458", bulk_modulus_GPa=200.0, coordinates="model",
        oxidation_states={"Ti": 3, "O": -2},
        notes="Ti 12c, O 18e of the corundum type; z(Ti) and x(O) are typical corundum values, not the refined ones.",
    ),
    PhaseDefinition(
        name="Al2O3", formula="Al2O3", role="product", spacegroup="R-3c",
        lattice_abc_A=(4.7589, 4.7589, 12.991), lattice_angles_deg=_HEX,
        species=("Al", "O"), coords=((0, 0, 0.35216), (0.30624, 0, 0.25)),
        source="corundum alpha-Al2O3: Lewis, Schwarzenbach & Flack, Acta Cryst. A 38, 733 (1982)",
        database_id="mp-1143", bulk_modulus_GPa=250.0, aliases=("corundum", "alumina"),
        oxidation_states={"Al": 3, "O": -2},
    ),
    # ----- Ge-S (LGPS)
    PhaseDefinition(
        name="GeS2", formula="GeS2", role="product", spacegroup="Ibam",
        lattice_abc_A=(9.96, 5.84, 5.77), lattice_angles_deg=_CUBIC,
        species=("Ge", "S"), coords=((0, 0, 0.25), (0.1187, 0.2031, 0)),
        source="GeS2 modelled in the SiS2 type (Ibam; SiS2: Peters & Krebs, Acta Cryst. B 38, 1270 (1982))",
        bulk_modulus_GPa=20.0, coordinates="model", relax_fixed_cell=True,
        oxidation_states={"Ge": 4, "S": -2},
        notes=(
            "NOT the monoclinic alpha-GeS2 of experiment (48-atom cell, positions not available offline): "
            "chains of edge-sharing GeS4 tetrahedra in the SiS2 type, SiS2 cell scaled by 1.04 for the longer "
            "Ge-S bond, relaxed at fixed cell with SevenNet-0. Same composition and GeS4 coordination."
        ),
    ),
    PhaseDefinition(
        name="Li4GeS4", formula="Li4GeS4", role="product", spacegroup="Pnma",
        lattice_abc_A=(14.06, 7.75, 6.15), lattice_angles_deg=_CUBIC,
        species=("Li", "Li", "Li", "Ge", "S", "S", "S"),
        coords=((0.1627, 0.5016, 0.3008), (0.4246, 0.75, 0.2045), (0, 0, 0.5), (0.4115, 0.25, 0.3079),
                (0.3418, 0.0441, 0.2054), (0.0503, 0.25, 0.2928), (0.0896, 0.75, 0.1223)),
        source="Li4GeS4 (Pnma, a = 14.06, b = 7.75, c = 6.15 A): Murayama et al., J. Solid State Chem. 168, 140 (2002)",
        doi="10.1006/jssc.2002.9701", database_id="mp-30249", bulk_modulus_GPa=25.0, aliases=("thio-LISICON-Ge",),
        coordinates="model", relax_fixed_cell=True,
        ordering_method="Li on 8d, 4c and 4b (all three Li sites of the beta-Li3PS4 framework filled)",
        oxidation_states={"Li": 1, "Ge": 4, "S": -2},
        notes=(
            "Model: the gamma-Li3PO4-type positions of the beta-Li3PS4 entry (P -> Ge, Li also on 4b) placed in the "
            "Murayama cell and relaxed at fixed cell with SevenNet-0; not the refined positions."
        ),
    ),
    PhaseDefinition(
        name="AlPO4", formula="AlPO4", role="product", spacegroup="P3_121",
        lattice_abc_A=(4.943, 4.943, 10.948), lattice_angles_deg=_HEX,
        species=("Al", "P", "O", "O"),
        coords=((0.4663, 0, 1 / 3), (0.4667, 0, 5 / 6), (0.4164, 0.2920, 0.3977), (0.4157, 0.2576, 0.8837)),
        source="berlinite AlPO4 (alpha-quartz type, P3_121): Thong & Schwarzenbach, Acta Cryst. A 35, 658 (1979)",
        database_id="mp-3277", bulk_modulus_GPa=35.0, aliases=("berlinite",),
        oxidation_states={"Al": 3, "P": 5, "O": -2},
        notes="Al 3a, P 3b, O 2 x 6c; positions entered from memory of the refinement and checked by the P-O and Al-O tetrahedra.",
    ),
    PhaseDefinition(
        name="TiP2O7", formula="TiP2O7", role="product", spacegroup="Pa-3",
        lattice_abc_A=(7.80, 7.80, 7.80), lattice_angles_deg=_CUBIC,
        species=("Ti", "P", "O", "O"),
        coords=((0, 0, 0), (0.3875, 0.3875, 0.3875), (0.5, 0.5, 0.5), (0.13743, 0.54320, 0.70403)),
        source=(
            "TiP2O7, ZrP2O7-type 1x1x1 subcell (Pa-3, a = 7.80 A) of the cubic 3x3x3 superstructure "
            "(a = 23.6 A; Norberg, Svensson & Albertsson, Acta Cryst. C 57, 225 (2001))"
        ),
        bulk_modulus_GPa=60.0, coordinates="model",
        ordering_method="the 1x1x1 average cell: linear P-O-P bridges on 4b, as in the high-temperature form",
        oxidation_states={"Ti": 4, "P": 5, "O": -2},
        notes=(
            "Model: Ti 4a, P 8c, bridging O 4b, terminal O 24d; x(P) from a 1.52 A bridging P-O bond and the "
            "24d position fitted (Nelder-Mead, 40 starts) to Ti-O 1.95 A and P-O 1.53 A with O-O >= 2.45 A "
            "(result Ti-O 1.95, P-O 1.52/1.54 A, density 3.10 g/cm3). The oxidation product of LATP with TiO2 and O2."
        ),
    ),
    PhaseDefinition(
        name="Li2TiO3", formula="Li2TiO3", role="product", spacegroup="C2/m",
        lattice_abc_A=(5.053, 8.733, 5.148), lattice_angles_deg=(90.0, 109.46, 90.0),
        species=("Ti", "Li", "Li", "Li", "O", "O"),
        coords=((0, 0.16708, 0), (0, 0.5, 0), (0, 0, 0.5), (0, 0.6606, 0.5), (0.2189, 0, 0.2273), (0.2540, 0.3217, 0.2233)),
        source="Li2TiO3 (C2/c, Kataoka et al., Mater. Res. Bull. 44, 168 (2009)) modelled in the Li2MnO3 type",
        database_id="mp-2931", bulk_modulus_GPa=120.0, coordinates="model", relax_fixed_cell=True,
        ordering_method="ordered layered rock salt: Ti and Li in the honeycomb layer, Li in the Li layer",
        oxidation_states={"Li": 1, "Ti": 4, "O": -2},
        notes=(
            "NOT the C2/c structure of the paper: the Li2MnO3-type C2/m cell (same honeycomb ordering, different "
            "stacking) with the Li2MnO3 positions scaled to the Li2TiO3 volume per formula unit (53.5 A^3), "
            "relaxed at fixed cell with SevenNet-0."
        ),
    ),
    PhaseDefinition(
        name="LiTi2O4", formula="LiTi2O4", role="product", spacegroup="Fd-3m:2",
        lattice_abc_A=(8.405, 8.405, 8.405), lattice_angles_deg=_CUBIC,
        species=("Li", "Ti", "O"), coords=((0.125, 0.125, 0.125), (0.5, 0.5, 0.5), (0.2625, 0.2625, 0.2625)),
        source="spinel LiTi2O4 (Li 8a, Ti 16d, O 32e), a = 8.405 A (Johnston, J. Low Temp. Phys. 25, 145 (1976))",
        database_id="mp-5670", bulk_modulus_GPa=150.0, coordinates="model",
        oxidation_states={"Li": 1, "Ti": 3.5, "O": -2},
        notes="x(O) = 0.2625 is a typical spinel value, not the refined one; formal Ti3+/Ti4+ 1:1 stored as 3.5.",
    ),
    PhaseDefinition(
        name="LiAlO2", formula="LiAlO2", role="product", spacegroup="R-3m",
        lattice_abc_A=(2.799, 2.799, 14.18), lattice_angles_deg=_HEX,
        species=("Al", "Li", "O"), coords=((0, 0, 0), (0, 0, 0.5), (0, 0, 0.2607)),
        source="alpha-LiAlO2 (alpha-NaFeO2 type), a = 2.799, c = 14.18 A: Marezio & Remeika, J. Chem. Phys. 44, 3143 (1966)",
        database_id="mp-3427", bulk_modulus_GPa=150.0, coordinates="model", aliases=("alpha-LiAlO2",),
        oxidation_states={"Li": 1, "Al": 3, "O": -2},
        notes="The layered alpha form stands in for the tetrahedral gamma-LiAlO2 ground state; z(O) is a typical layered value.",
    ),
    # ----- In-Cl (Li3InCl6)
    PhaseDefinition(
        name="InCl3", formula="InCl3", role="product", spacegroup="C2/m",
        lattice_abc_A=(6.41, 11.10, 6.31), lattice_angles_deg=(90.0, 109.7, 90.0),
        species=("In", "Cl", "Cl"), coords=((0, 0.1667, 0), (0.2187, 0, 0.2293), (0.2518, 0.3203, 0.2300)),
        source="InCl3, AlCl3 type (C2/m, a = 6.41, b = 11.10, c = 6.31 A, beta = 109.7 deg)",
        database_id="mp-22922", bulk_modulus_GPa=20.0, coordinates="model", relax_fixed_cell=True,
        oxidation_states={"In": 3, "Cl": -1},
        notes="In 4g, Cl 4i + 8j with AlCl3-type positions (ccp Cl, 2/3 of every other octahedral layer filled), relaxed at fixed cell with SevenNet-0.",
    ),
    # ----- Co, Ni, Mn oxides (LiCoO2, NCM)
    PhaseDefinition(
        name="CoO", formula="CoO", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(4.2615, 4.2615, 4.2615), lattice_angles_deg=_CUBIC,
        species=("Co", "O"), coords=((0, 0, 0), (0.5, 0.5, 0.5)),
        source="rock-salt CoO, a = 4.2615 A", database_id="mp-22408", bulk_modulus_GPa=180.0,
        oxidation_states={"Co": 2, "O": -2},
    ),
    PhaseDefinition(
        name="Co3O4", formula="Co3O4", role="product", spacegroup="Fd-3m:2",
        lattice_abc_A=(8.084, 8.084, 8.084), lattice_angles_deg=_CUBIC,
        species=("Co", "Co", "O"), coords=((0.125, 0.125, 0.125), (0.5, 0.5, 0.5), (0.2632, 0.2632, 0.2632)),
        source="normal spinel Co3O4 (Co2+ 8a, Co3+ 16d, O 32e), a = 8.084 A, x(O) = 0.263 (e.g. Smith & Hobson, Z. Kristallogr. 1973)",
        database_id="mp-18748", bulk_modulus_GPa=200.0,
        oxidation_states={"Co": 8 / 3, "O": -2},
        notes="Formal states Co2+ (8a) and Co3+ (16d); stored per element as the mean 8/3.",
    ),
    PhaseDefinition(
        name="NiO", formula="NiO", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(4.1771, 4.1771, 4.1771), lattice_angles_deg=_CUBIC,
        species=("Ni", "O"), coords=((0, 0, 0), (0.5, 0.5, 0.5)),
        source="rock-salt NiO, a = 4.177 A", database_id="mp-19009", bulk_modulus_GPa=200.0,
        oxidation_states={"Ni": 2, "O": -2},
    ),
    PhaseDefinition(
        name="MnO", formula="MnO", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(4.4448, 4.4448, 4.4448), lattice_angles_deg=_CUBIC,
        species=("Mn", "O"), coords=((0, 0, 0), (0.5, 0.5, 0.5)),
        source="rock-salt MnO, a = 4.445 A", database_id="mp-19006", bulk_modulus_GPa=150.0,
        oxidation_states={"Mn": 2, "O": -2},
    ),
    PhaseDefinition(
        name="MnO2", formula="MnO2", role="product", spacegroup="P4_2/mnm",
        lattice_abc_A=(4.3983, 4.3983, 2.8730), lattice_angles_deg=_CUBIC,
        species=("Mn", "O"), coords=((0, 0, 0), (0.3046, 0.3046, 0)),
        source="pyrolusite beta-MnO2: Bolzan, Fong, Kennedy & Howard, Aust. J. Chem. 46, 939 (1993)",
        database_id="mp-19395", bulk_modulus_GPa=260.0, aliases=("pyrolusite",),
        oxidation_states={"Mn": 4, "O": -2}, notes=_RUTILE,
    ),
    PhaseDefinition(
        name="LiMn2O4", formula="LiMn2O4", role="product", spacegroup="Fd-3m:2",
        lattice_abc_A=(8.2476, 8.2476, 8.2476), lattice_angles_deg=_CUBIC,
        species=("Li", "Mn", "O"), coords=((0.125, 0.125, 0.125), (0.5, 0.5, 0.5), (0.2631, 0.2631, 0.2631)),
        source="cubic spinel LiMn2O4 (Li 8a, Mn 16d, O 32e), a = 8.248 A",
        database_id="mp-25015", bulk_modulus_GPa=140.0, aliases=("LMO",),
        oxidation_states={"Li": 1, "Mn": 3.5, "O": -2},
        notes="Formal Mn3+/Mn4+ 1:1, stored per element as the mean 3.5.",
    ),
    PhaseDefinition(
        name="Li2MnO3", formula="Li2MnO3", role="product", spacegroup="C2/m",
        lattice_abc_A=(4.937, 8.532, 5.030), lattice_angles_deg=(90.0, 109.46, 90.0),
        species=("Mn", "Li", "Li", "Li", "O", "O"),
        coords=((0, 0.16708, 0), (0, 0.5, 0), (0, 0, 0.5), (0, 0.6606, 0.5), (0.2189, 0, 0.2273), (0.2540, 0.3217, 0.2233)),
        source="Strobel & Lambert-Andron, J. Solid State Chem. 75, 90 (1988)",
        database_id="mp-18988", bulk_modulus_GPa=150.0,
        oxidation_states={"Li": 1, "Mn": 4, "O": -2},
        notes="Positions entered from memory of the refinement and checked by the Mn-O and Li-O distances.",
    ),
    PhaseDefinition(
        name="NCM111", formula="Li3NiMnCoO6", role="electrode", spacegroup="P1",
        lattice_abc_A=(4.95367, 4.95367, 5.01623), lattice_angles_deg=(99.4733, 70.7812, 120.0),
        species=("Li", "Li", "Li", "Mn", "Co", "Ni", "O", "O", "O", "O", "O", "O"),
        coords=((0.83333, 0.66667, 0.5), (0.5, 0.0, 0.5), (0.16667, 0.33333, 0.5), (0.66667, 0.33333, 0.0),
                (0.33333, 0.66667, 0.0), (0.0, 0.0, 0.0), (0.2591, 0.0, 0.2227), (0.92577, 0.33333, 0.2227),
                (0.59243, 0.66667, 0.2227), (0.40757, 0.33333, 0.7773), (0.07423, 0.66667, 0.7773),
                (0.7409, 0.0, 0.7773)),
        source=(
            "ordered [sqrt3 x sqrt3]R30 LiNi1/3Mn1/3Co1/3O2 model (Koyama et al., J. Power Sources 119, 644 (2003)) "
            "on the layered R-3m cell a = 2.86, c = 14.21 A, z(O) = 0.2591"
        ),
        bulk_modulus_GPa=140.0, aliases=("NCM", "NMC111", "NMC", "LiNi1/3Mn1/3Co1/3O2"),
        coordinates="model",
        ordering_method="Ni, Mn and Co ordered in every transition-metal layer (12-atom cell, one of each per layer)",
        oxidation_states={"Li": 1, "Ni": 2, "Mn": 4, "Co": 3, "O": -2},
        notes=(
            "Built from the alpha-NaFeO2-type cell (a = 2.86, c = 14.21 A, z(O) = 0.2591): the rhombohedral "
            "primitive cell tripled in plane (sqrt3 x sqrt3) and one Ni, Mn, Co placed per layer; written as P1. "
            "Textbook states Ni2+, Mn4+, Co3+."
        ),
    ),
    # ----- Nb-O (LiNbO3)
    PhaseDefinition(
        name="NbO", formula="NbO", role="product", spacegroup="Pm-3m",
        lattice_abc_A=(4.2101, 4.2101, 4.2101), lattice_angles_deg=_CUBIC,
        species=("Nb", "O"), coords=((0, 0.5, 0.5), (0.5, 0, 0)),
        source="NbO (ordered-vacancy rock salt, Pm-3m, a = 4.210 A): Bowman, Wallace, Yarnell & Wenzel, Acta Cryst. 21, 843 (1966)",
        database_id="mp-2311", bulk_modulus_GPa=200.0,
        oxidation_states={"Nb": 2, "O": -2},
    ),
    PhaseDefinition(
        name="LiNbO2", formula="LiNbO2", role="product", spacegroup="P6_3/mmc",
        lattice_abc_A=(2.912, 2.912, 10.46), lattice_angles_deg=_HEX,
        species=("Li", "Nb", "O"), coords=((0, 0, 0), (1 / 3, 2 / 3, 0.25), (1 / 3, 2 / 3, 0.6267)),
        source="LiNbO2 (P6_3/mmc, a = 2.912, c = 10.46 A): Meyer & Hoppe, J. Less-Common Met. 46, 55 (1976)",
        database_id="mp-3924", bulk_modulus_GPa=130.0, coordinates="model",
        oxidation_states={"Li": 1, "Nb": 3, "O": -2},
        notes="NbO2 layers of trigonal prisms (MoS2-like, Nb 2c, O 4f) with Li in octahedra (2a); z(O) from the Nb-O distance, not refined.",
    ),
    PhaseDefinition(
        name="NbO2", formula="NbO2", role="product", spacegroup="P4_2/mnm",
        lattice_abc_A=(4.846, 4.846, 3.032), lattice_angles_deg=_CUBIC,
        species=("Nb", "O"), coords=((0, 0, 0), (0.2924, 0.2924, 0)),
        source="high-temperature rutile-type NbO2, a = 4.846, c = 3.032 A (Bolzan et al., Acta Cryst. B 50, 1994)",
        database_id="mp-2533", bulk_modulus_GPa=200.0, coordinates="model",
        oxidation_states={"Nb": 4, "O": -2},
        notes="The rutile form (stable above 1080 K) stands in for the 96-atom I4_1/a ground state; x(O) is a typical rutile value. " + _RUTILE,
    ),
    # ----- Co, Ni, Mn sulfides and chlorides, In2O3, LaCoO3 (cathode | sulfide or halide, LCO | LLZO)
    PhaseDefinition(
        name="CoS2", formula="CoS2", role="product", spacegroup="Pa-3",
        lattice_abc_A=(5.5385, 5.5385, 5.5385), lattice_angles_deg=_CUBIC,
        species=("Co", "S"), coords=((0, 0, 0), (0.3892, 0.3892, 0.3892)),
        source="cattierite CoS2 (pyrite type, Co 4a, S 8c): Nowack, Schwarzenbach & Hahn, Z. Kristallogr. 196, 1 (1991)",
        database_id="mp-2070", bulk_modulus_GPa=130.0, aliases=("cattierite",),
        oxidation_states={"Co": 2, "S": -1},
        notes="S2(2-) dimers: formal S-1. Positions entered from memory of the refinement and checked by the Co-S and S-S distances.",
    ),
    PhaseDefinition(
        name="NiS2", formula="NiS2", role="product", spacegroup="Pa-3",
        lattice_abc_A=(5.6873, 5.6873, 5.6873), lattice_angles_deg=_CUBIC,
        species=("Ni", "S"), coords=((0, 0, 0), (0.3951, 0.3951, 0.3951)),
        source="vaesite NiS2 (pyrite type, Ni 4a, S 8c): Nowack, Schwarzenbach & Hahn, Z. Kristallogr. 196, 1 (1991)",
        database_id="mp-849", bulk_modulus_GPa=110.0, aliases=("vaesite",),
        oxidation_states={"Ni": 2, "S": -1},
        notes="S2(2-) dimers: formal S-1. Positions entered from memory of the refinement and checked by the Ni-S and S-S distances.",
    ),
    PhaseDefinition(
        name="MnS2", formula="MnS2", role="product", spacegroup="Pa-3",
        lattice_abc_A=(6.1013, 6.1013, 6.1013), lattice_angles_deg=_CUBIC,
        species=("Mn", "S"), coords=((0, 0, 0), (0.4012, 0.4012, 0.4012)),
        source="hauerite MnS2 (pyrite type, Mn 4a, S 8c): Chattopadhyay et al., Physica B 156, 241 (1989)",
        database_id="mp-2343", bulk_modulus_GPa=80.0, aliases=("hauerite",),
        oxidation_states={"Mn": 2, "S": -1},
        notes="S2(2-) dimers: formal S-1. Positions entered from memory of the refinement and checked by the Mn-S distances.",
    ),
    PhaseDefinition(
        name="MnS", formula="MnS", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(5.2236, 5.2236, 5.2236), lattice_angles_deg=_CUBIC,
        species=("Mn", "S"), coords=((0, 0, 0), (0.5, 0.5, 0.5)),
        source="alabandite alpha-MnS (rock salt), a = 5.224 A", database_id="mp-2242",
        bulk_modulus_GPa=72.0, aliases=("alabandite",), oxidation_states={"Mn": 2, "S": -2},
    ),
    PhaseDefinition(
        name="CoCl2", formula="CoCl2", role="product", spacegroup="R-3m",
        lattice_abc_A=(3.544, 3.544, 17.43), lattice_angles_deg=_HEX,
        species=("Co", "Cl"), coords=((0, 0, 0), (0, 0, 0.2573)),
        source="CdCl2-type CoCl2 (Co 3a, Cl 6c), a = 3.544, c = 17.43 A (Wyckoff, Crystal Structures)",
        database_id="mp-34395", bulk_modulus_GPa=30.0, oxidation_states={"Co": 2, "Cl": -1},
        notes="z(Cl) entered from memory of the CdCl2 type and checked by the Co-Cl distance.",
    ),
    PhaseDefinition(
        name="NiCl2", formula="NiCl2", role="product", spacegroup="R-3m",
        lattice_abc_A=(3.4805, 3.4805, 17.394), lattice_angles_deg=_HEX,
        species=("Ni", "Cl"), coords=((0, 0, 0), (0, 0, 0.2567)),
        source="CdCl2-type NiCl2 (Ni 3a, Cl 6c), a = 3.48, c = 17.39 A (Wyckoff, Crystal Structures)",
        database_id="mp-22881", bulk_modulus_GPa=30.0, oxidation_states={"Ni": 2, "Cl": -1},
        notes="z(Cl) entered from memory of the CdCl2 type and checked by the Ni-Cl distance.",
    ),
    PhaseDefinition(
        name="MnCl2", formula="MnCl2", role="product", spacegroup="R-3m",
        lattice_abc_A=(3.711, 3.711, 17.59), lattice_angles_deg=_HEX,
        species=("Mn", "Cl"), coords=((0, 0, 0), (0, 0, 0.2555)),
        source="CdCl2-type MnCl2 (Mn 3a, Cl 6c), a = 3.711, c = 17.59 A (Wyckoff, Crystal Structures)",
        database_id="mp-22936", bulk_modulus_GPa=25.0, oxidation_states={"Mn": 2, "Cl": -1},
        notes="z(Cl) entered from memory of the CdCl2 type and checked by the Mn-Cl distance.",
    ),
    PhaseDefinition(
        name="In2O3", formula="In2O3", role="product", spacegroup="Ia-3",
        lattice_abc_A=(10.117, 10.117, 10.117), lattice_angles_deg=_CUBIC,
        species=("In", "In", "O"), coords=((0.25, 0.25, 0.25), (0.4668, 0, 0.25), (0.3905, 0.1529, 0.3832)),
        source="bixbyite In2O3 (In 8b, 24d; O 48e): Marezio, Acta Cryst. 20, 723 (1966)",
        database_id="mp-22598", bulk_modulus_GPa=180.0, aliases=("bixbyite",),
        oxidation_states={"In": 3, "O": -2},
        notes="Positions entered from memory of the refinement and checked by the In-O distances.",
    ),
    PhaseDefinition(
        name="LaCoO3", formula="LaCoO3", role="product", spacegroup="R-3c",
        lattice_abc_A=(5.4437, 5.4437, 13.0957), lattice_angles_deg=_HEX,
        species=("La", "Co", "O"), coords=((0, 0, 0.25), (0, 0, 0), (0.5508, 0, 0.25)),
        source="rhombohedral perovskite LaCoO3 (La 6a, Co 6b, O 18e), hexagonal setting: Thornton, Tofield & Hewat, J. Solid State Chem. 61, 301 (1986)",
        database_id="mp-20451", bulk_modulus_GPa=150.0, oxidation_states={"La": 3, "Co": 3, "O": -2},
        notes="The co-sintering product of LiCoO2 | LLZO. Positions entered from memory of the refinement and checked by the Co-O distance.",
    ),
)
PHASES = PHASES + COMPETING_PHASES
