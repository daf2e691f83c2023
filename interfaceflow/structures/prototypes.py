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

from interfaceflow.structures.competing_phases import COMPETING_PHASES
from interfaceflow.structures.phase_definition import CUBIC, HEX, PhaseDefinition, Role

PHASES: tuple[PhaseDefinition, ...] = (
    # ---------------------------------------------------------------- electrodes
    PhaseDefinition(
        name="Li", formula="Li", role="electrode", spacegroup="Im-3m",
        lattice_abc_A=(3.51, 3.51, 3.51), lattice_angles_deg=CUBIC,
        species=("Li",), coords=((0, 0, 0),),
        source="bcc Li at room temperature, a = 3.51 A (e.g. Berliner et al., Phys. Rev. B 1989)",
        database_id="mp-135", bulk_modulus_GPa=11.0, aliases=("lithium", "Li-metal"),
        oxidation_states={"Li": 0},
    ),
    PhaseDefinition(
        name="In", formula="In", role="electrode", spacegroup="I4/mmm",
        lattice_abc_A=(3.2523, 3.2523, 4.9461), lattice_angles_deg=CUBIC,
        species=("In",), coords=((0, 0, 0),),
        source="tetragonal indium, a = 3.2523 A, c = 4.9461 A (Smith & Schneider, J. Less-Common Met. 1964)",
        database_id="mp-85", bulk_modulus_GPa=41.0, aliases=("indium",),
        oxidation_states={"In": 0},
    ),
    PhaseDefinition(
        name="LiIn", formula="LiIn", role="electrode", spacegroup="F-43m",
        lattice_abc_A=(6.78, 6.78, 6.78), lattice_angles_deg=CUBIC,
        species=("Li", "Li", "In", "In"),
        coords=((0, 0, 0), (0.25, 0.25, 0.25), (0.5, 0.5, 0.5), (0.75, 0.75, 0.75)),
        source="NaTl-type LiIn (Fd-3m), a = 6.78 A (Zintl & Brauer 1933); written in the F-43m subgroup",
        bulk_modulus_GPa=35.0, aliases=("Li-In",),
        oxidation_states={"Li": 0, "In": 0},
        notes="Fd-3m NaTl type expressed with F-43m Wyckoff sites 4a+4c (Li) and 4b+4d (In).",
    ),
    PhaseDefinition(
        name="LiCoO2", formula="LiCoO2", role="electrode", spacegroup="R-3m",
        lattice_abc_A=(2.8156, 2.8156, 14.0542), lattice_angles_deg=HEX,
        species=("Co", "Li", "O"), coords=((0, 0, 0), (0, 0, 0.5), (0, 0, 0.2604)),
        source="Akimoto, Gotoh & Oosawa, J. Solid State Chem. 141, 298 (1998)",
        database_id="mp-22526", bulk_modulus_GPa=150.0, aliases=("LCO",),
        oxidation_states={"Li": 1, "Co": 3, "O": -2},
    ),
    PhaseDefinition(
        name="LiNiO2", formula="LiNiO2", role="electrode", spacegroup="R-3m",
        lattice_abc_A=(2.878, 2.878, 14.19), lattice_angles_deg=HEX,
        species=("Ni", "Li", "O"), coords=((0, 0, 0), (0, 0, 0.5), (0, 0, 0.2584)),
        source="layered alpha-NaFeO2-type LiNiO2 (Hirano et al., Solid State Ionics 78, 123 (1995))",
        database_id="mp-25411", bulk_modulus_GPa=140.0, aliases=("lithium-nickelate",),
        oxidation_states={"Li": 1, "Ni": 3, "O": -2},
        notes="Ideal stoichiometric cell; the Li/Ni antisite disorder of real samples is ignored.",
    ),
    # ---------------------------------------------------------------- electrolytes
    PhaseDefinition(
        name="Li6PS5Cl", formula="Li6PS5Cl", role="electrolyte", spacegroup="F-43m",
        lattice_abc_A=(9.856, 9.856, 9.856), lattice_angles_deg=CUBIC,
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
        lattice_abc_A=(12.819, 8.2195, 6.1236), lattice_angles_deg=CUBIC,
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
        lattice_abc_A=(8.69407, 8.69407, 12.5994), lattice_angles_deg=CUBIC,
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
        lattice_abc_A=(12.97, 12.97, 12.97), lattice_angles_deg=CUBIC,
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
        lattice_abc_A=(3.91, 3.91, 3.91), lattice_angles_deg=CUBIC,
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
        lattice_abc_A=(8.5129, 8.5129, 20.843), lattice_angles_deg=HEX,
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
        lattice_abc_A=(5.148, 5.148, 13.863), lattice_angles_deg=HEX,
        species=("Nb", "Li", "O"), coords=((0, 0, 0), (0, 0, 0.2829), (0.0492, 0.3446, 0.0647)),
        source="Abrahams, Reddy & Bernstein, J. Phys. Chem. Solids 27, 997 (1966)",
        database_id="mp-3731", bulk_modulus_GPa=110.0, aliases=("lithium-niobate",),
        oxidation_states={"Li": 1, "Nb": 5, "O": -2},
    ),
    PhaseDefinition(
        name="Li3PO4", formula="Li3PO4", role="coating", spacegroup="Pnma",
        lattice_abc_A=(10.4612, 6.1113, 4.9208), lattice_angles_deg=CUBIC,
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
        lattice_abc_A=(5.708, 5.708, 5.708), lattice_angles_deg=CUBIC,
        species=("S", "Li"), coords=((0, 0, 0), (0.25, 0.25, 0.25)),
        source="antifluorite Li2S, a = 5.708 A", database_id="mp-1153", bulk_modulus_GPa=41.0,
        oxidation_states={"Li": 1, "S": -2},
    ),
    PhaseDefinition(
        name="Li2O", formula="Li2O", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(4.6114, 4.6114, 4.6114), lattice_angles_deg=CUBIC,
        species=("O", "Li"), coords=((0, 0, 0), (0.25, 0.25, 0.25)),
        source="antifluorite Li2O, a = 4.611 A", database_id="mp-1960", bulk_modulus_GPa=82.0,
        oxidation_states={"Li": 1, "O": -2},
    ),
    PhaseDefinition(
        name="LiF", formula="LiF", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(4.0263, 4.0263, 4.0263), lattice_angles_deg=CUBIC,
        species=("Li", "F"), coords=((0, 0, 0), (0.5, 0.5, 0.5)),
        source="rock-salt LiF, a = 4.026 A", database_id="mp-1138", bulk_modulus_GPa=67.0,
        oxidation_states={"Li": 1, "F": -1},
    ),
    PhaseDefinition(
        name="LiCl", formula="LiCl", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(5.1295, 5.1295, 5.1295), lattice_angles_deg=CUBIC,
        species=("Li", "Cl"), coords=((0, 0, 0), (0.5, 0.5, 0.5)),
        source="rock-salt LiCl, a = 5.130 A", database_id="mp-22905", bulk_modulus_GPa=32.0,
        oxidation_states={"Li": 1, "Cl": -1},
    ),
    PhaseDefinition(
        name="Li3N", formula="Li3N", role="product", spacegroup="P6/mmm",
        lattice_abc_A=(3.648, 3.648, 3.875), lattice_angles_deg=HEX,
        species=("N", "Li", "Li"), coords=((0, 0, 0), (0, 0, 0.5), (1 / 3, 2 / 3, 0)),
        source="alpha-Li3N: Rabenau & Schulz, J. Less-Common Met. 50, 155 (1976)",
        database_id="mp-2251", bulk_modulus_GPa=60.0,
        oxidation_states={"Li": 1, "N": -3},
    ),
    PhaseDefinition(
        name="Li3P", formula="Li3P", role="product", spacegroup="P6_3/mmc",
        lattice_abc_A=(4.2695, 4.2695, 7.589), lattice_angles_deg=HEX,
        species=("P", "Li", "Li"), coords=((1 / 3, 2 / 3, 0.25), (0, 0, 0.25), (1 / 3, 2 / 3, 0.5827)),
        source="Na3As-type Li3P: Dong & DiSalvo, Acta Cryst. E 63, i97 (2007)",
        database_id="mp-736", bulk_modulus_GPa=40.0,
        oxidation_states={"Li": 1, "P": -3},
    ),
    PhaseDefinition(
        name="Ge", formula="Ge", role="product", spacegroup="F-43m",
        lattice_abc_A=(5.6575, 5.6575, 5.6575), lattice_angles_deg=CUBIC,
        species=("Ge", "Ge"), coords=((0, 0, 0), (0.25, 0.25, 0.25)),
        source="diamond-type Ge, a = 5.6575 A; written in the F-43m subgroup (4a + 4c)",
        database_id="mp-32", bulk_modulus_GPa=75.0, aliases=("germanium",),
        oxidation_states={"Ge": 0},
    ),
    PhaseDefinition(
        name="P-black", formula="P", role="product", spacegroup="Cmce",
        lattice_abc_A=(3.3136, 10.478, 4.3763), lattice_angles_deg=CUBIC,
        species=("P",), coords=((0, 0.10168, 0.08056),),
        source="black phosphorus: Brown & Rundqvist, Acta Cryst. 19, 684 (1965)",
        database_id="mp-157", bulk_modulus_GPa=36.0, aliases=("P", "black-P", "phosphorus"),
        oxidation_states={"P": 0},
    ),
    PhaseDefinition(
        name="Li15Ge4", formula="Li15Ge4", role="product", spacegroup="I-43d",
        lattice_abc_A=(10.783, 10.783, 10.783), lattice_angles_deg=CUBIC,
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
        lattice_abc_A=(10.4646, 12.8660, 24.4860), lattice_angles_deg=CUBIC,
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
        lattice_abc_A=(6.070, 6.070, 6.577), lattice_angles_deg=HEX,
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

PHASES = PHASES + COMPETING_PHASES

__all__ = ["COMPETING_PHASES", "PHASES", "PhaseDefinition", "Role"]
