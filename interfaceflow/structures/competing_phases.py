"""Competing phases of the seed chemistries: the binaries and ternaries that bound the stability
windows and hold the redox products (thermodynamic references; see :mod:`.prototypes`)."""

from __future__ import annotations

from interfaceflow.structures.phase_definition import CUBIC, HEX, PhaseDefinition
from interfaceflow.structures.searched_phases import SEARCHED_PHASES

# ---------------------------------------------------------------- competing phases of the seed chemistries
# Binary and ternary phases that bound the stability windows and hold the redox products of the seed
# electrolytes and cathodes (LLZO, LGPS, LATP, Li3InCl6, LiCoO2, NCM). Coordinates entered from memory
# of the cited refinements are checked by the bond lengths in generate (check_bulk) and the tests.
#: CrVO4-type sites (Cmcm): M 4a, S 4c (0, y, 1/4), O1 8f (0, y, z), O2 8g (x, y, 1/4); typical values.
_CRVO4_SITES = ((0, 0, 0), (0, 0.3506, 0.25), (0, 0.2523, 0.06), (0.2335, 0.4638, 0.25))
_RUTILE = "rutile type (P4_2/mnm): M on 2a, O on 4f (x, x, 0)"


def _crvo4_sulfate(metal: str, lattice_abc_A: tuple[float, float, float], density_g_cm3: float) -> PhaseDefinition:
    """Anhydrous MSO4 modelled in the CrVO4 type: the cell scaled to the handbook density."""
    return PhaseDefinition(
        name=f"{metal}SO4", formula=f"{metal}SO4", role="product", spacegroup="Cmcm",
        lattice_abc_A=lattice_abc_A, lattice_angles_deg=CUBIC,
        species=(metal, "S", "O", "O"), coords=_CRVO4_SITES,
        source=f"anhydrous {metal}SO4, CrVO4 type (Cmcm, Z = 4), modelled: {metal} 4a, S 4c, O 8f + 8g",
        bulk_modulus_GPa=60.0, coordinates="model", relax_fixed_cell=True,
        oxidation_states={metal: 2, "S": 6, "O": -2},
        notes=(
            f"Model: the cell is scaled to the handbook density ({density_g_cm3} g/cm^3) with CrVO4-type axis ratios, "
            "the positions are typical CrVO4-type values (entered from memory, not a refinement), relaxed at "
            "fixed cell with SevenNet-0 by generate; the thermodynamic reference relaxes the cell again. The "
            "transition-metal sulfate of oxide cathode | sulfide mixing."
        ),
    )

COMPETING_PHASES: tuple[PhaseDefinition, ...] = (
    # ----- La-Zr-O (LLZO)
    PhaseDefinition(
        name="La2O3", formula="La2O3", role="product", spacegroup="P-3m1",
        lattice_abc_A=(3.9373, 3.9373, 6.1299), lattice_angles_deg=HEX,
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
        lattice_abc_A=(10.80, 10.80, 10.80), lattice_angles_deg=CUBIC,
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
    PhaseDefinition(
        name="Li6Zr2O7", formula="Li6Zr2O7", role="product", spacegroup="C2/c",
        lattice_abc_A=(10.44, 5.991, 10.204), lattice_angles_deg=(90.0, 100.25, 90.0),
        species=("Li", "Li", "Li", "Zr", "O", "O", "O", "O"),
        coords=((0.0658, 0.1018, 0.1037), (0.0614, 0.3571, 0.5897), (0.2049, 0.3707, 0.3936), (0.1839, 0.1193, 0.8663),
                (0.1213, 0.1251, 0.4810), (0.1302, 0.3705, 0.0015), (0.2523, 0.3831, 0.7554), (0, 0.1511, 0.75)),
        source="Li6Zr2O7 (C2/c, Z = 4, a = 10.44, b = 5.991, c = 10.204 A, beta = 100.25 deg): the cell of ICSD 73835; "
               "the DFT oxidation product of LLZO (Zhu, He & Mo 2015)",
        database_id="ICSD 73835", bulk_modulus_GPa=120.0, coordinates="model",
        oxidation_states={"Li": 1, "Zr": 4, "O": -2},
        notes=(
            "Model positions: the start is the OBELiX data set's copy of ICSD 73835 (NRC-Mila/OBELiX, "
            "data/randomized_cifs/tws.cif), whose positions carry deliberate noise (sigma 0.01 in fractional "
            "coordinates); relaxed with SevenNet-0 in the ICSD cell under the C2/c symmetry (fmax 0.005 eV/A). "
            "Zr-O 2.05-2.18 A in edge-sharing Zr2O10 pairs (Zr-Zr 3.24 A); a rattled start (0.08 A) relaxes back "
            "to the same energy. Not the refined positions."
        ),
    ),
    PhaseDefinition(
        name="Zr3O", formula="Zr3O", role="product", spacegroup="P6_322",
        lattice_abc_A=(5.63, 5.63, 5.19), lattice_angles_deg=HEX,
        species=("Zr", "O"), coords=((1 / 3, 0, 0), (1 / 3, 2 / 3, 0.25)),
        source="Zr3O (P6_322, a = 5.63, c = 5.19 A, as recalled): hcp Zr in a sqrt3 x sqrt3 cell with O ordered on "
               "1/3 of the octahedral sites; the DFT reduction product of LLZO (Zhu, He & Mo 2015)",
        bulk_modulus_GPa=110.0, coordinates="model",
        ordering_method="O on one octahedral site in three (2c), every octahedral layer filled alike",
        oxidation_states={},
        notes=(
            "Model: ideal hcp Zr positions (6g, x = 1/3) and O in the centre of its octahedra (2c); the refined x(Zr) "
            "and the cell could not be checked offline. A metallic suboxide (interstitial O in Zr metal): no formal "
            "states, like the metals and alloys of the library."
        ),
    ),
    # ----- Ti, Al (LATP)
    PhaseDefinition(
        name="TiO2", formula="TiO2", role="product", spacegroup="P4_2/mnm",
        lattice_abc_A=(4.5937, 4.5937, 2.9587), lattice_angles_deg=CUBIC,
        species=("Ti", "O"), coords=((0, 0, 0), (0.30478, 0.30478, 0)),
        source="rutile TiO2: Burdett et al., J. Am. Chem. Soc. 109, 3639 (1987)",
        database_id="mp-2657", bulk_modulus_GPa=210.0, aliases=("rutile",),
        oxidation_states={"Ti": 4, "O": -2}, notes=_RUTILE,
    ),
    PhaseDefinition(
        name="Ti2O3", formula="Ti2O3", role="product", spacegroup="R-3c",
        lattice_abc_A=(5.157, 5.157, 13.61), lattice_angles_deg=HEX,
        species=("Ti", "O"), coords=((0, 0, 0.3447), (0.3125, 0, 0.25)),
        source="corundum-type Ti2O3 (a = 5.157, c = 13.61 A; e.g. Rice & Robinson, Acta Cryst. B 33, 1342 (1977))",
        database_id="mp-458", bulk_modulus_GPa=200.0, coordinates="model",
        oxidation_states={"Ti": 3, "O": -2},
        notes="Ti 12c, O 18e of the corundum type; z(Ti) and x(O) are typical corundum values, not the refined ones.",
    ),
    PhaseDefinition(
        name="Al2O3", formula="Al2O3", role="product", spacegroup="R-3c",
        lattice_abc_A=(4.7589, 4.7589, 12.991), lattice_angles_deg=HEX,
        species=("Al", "O"), coords=((0, 0, 0.35216), (0.30624, 0, 0.25)),
        source="corundum alpha-Al2O3: Lewis, Schwarzenbach & Flack, Acta Cryst. A 38, 733 (1982)",
        database_id="mp-1143", bulk_modulus_GPa=250.0, aliases=("corundum", "alumina"),
        oxidation_states={"Al": 3, "O": -2},
    ),
    # ----- Ge-S (LGPS)
    PhaseDefinition(
        name="GeS2", formula="GeS2", role="product", spacegroup="Ibam",
        lattice_abc_A=(9.96, 5.84, 5.77), lattice_angles_deg=CUBIC,
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
        lattice_abc_A=(14.06, 7.75, 6.15), lattice_angles_deg=CUBIC,
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
        name="Li2GeS3", formula="Li2GeS3", role="product", spacegroup="Cmc2_1",
        lattice_abc_A=(11.8507, 6.8520, 6.2048), lattice_angles_deg=CUBIC,
        species=("Li", "S", "Ge", "S"),
        coords=((0.83309, 0.65370, 0.20080), (0.84266, 0.31296, 0.31225), (0, 0.16771, 0.21862), (0, 0.15151, 0.84013)),
        source="Li2GeS3 (Cmc2_1, corner-sharing GeS4 chains), DFT-relaxed lowest-energy structure of J. H. Kim & "
               "S. U. Lee, J. Am. Chem. Soc. 147, 47381 (2025); data figshare 10.6084/m9.figshare.29468165 (CC BY 4.0)",
        doi="10.1021/jacs.5c15665", bulk_modulus_GPa=25.0,
        oxidation_states={"Li": 1, "Ge": 4, "S": -2},
        notes=(
            "Published DFT (PBE) coordinates and cell of the structure type of experiment, not an experimental "
            "refinement (file csp/Li2GeS3/structures/1_stable.cif of github.com/jhkimmmmm/CSP_SSE). Ge-S 2.19 A "
            "terminal, 2.31/2.35 A bridging."
        ),
    ),
    PhaseDefinition(
        name="AlPO4", formula="AlPO4", role="product", spacegroup="P3_121",
        lattice_abc_A=(4.943, 4.943, 10.948), lattice_angles_deg=HEX,
        species=("Al", "P", "O", "O"),
        coords=((0.4663, 0, 1 / 3), (0.4667, 0, 5 / 6), (0.4164, 0.2920, 0.3977), (0.4157, 0.2576, 0.8837)),
        source="berlinite AlPO4 (alpha-quartz type, P3_121): Thong & Schwarzenbach, Acta Cryst. A 35, 658 (1979)",
        database_id="mp-3277", bulk_modulus_GPa=35.0, aliases=("berlinite",),
        oxidation_states={"Al": 3, "P": 5, "O": -2},
        notes="Al 3a, P 3b, O 2 x 6c; positions entered from memory of the refinement and checked by the P-O and Al-O tetrahedra.",
    ),
    PhaseDefinition(
        name="TiP2O7", formula="TiP2O7", role="product", spacegroup="Pa-3",
        lattice_abc_A=(7.80, 7.80, 7.80), lattice_angles_deg=CUBIC,
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
        lattice_abc_A=(8.405, 8.405, 8.405), lattice_angles_deg=CUBIC,
        species=("Li", "Ti", "O"), coords=((0.125, 0.125, 0.125), (0.5, 0.5, 0.5), (0.2625, 0.2625, 0.2625)),
        source="spinel LiTi2O4 (Li 8a, Ti 16d, O 32e), a = 8.405 A (Johnston, J. Low Temp. Phys. 25, 145 (1976))",
        database_id="mp-5670", bulk_modulus_GPa=150.0, coordinates="model",
        oxidation_states={"Li": 1, "Ti": 3.5, "O": -2},
        notes="x(O) = 0.2625 is a typical spinel value, not the refined one; formal Ti3+/Ti4+ 1:1 stored as 3.5.",
    ),
    PhaseDefinition(
        name="LiAlO2", formula="LiAlO2", role="product", spacegroup="R-3m",
        lattice_abc_A=(2.799, 2.799, 14.18), lattice_angles_deg=HEX,
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
        lattice_abc_A=(4.2615, 4.2615, 4.2615), lattice_angles_deg=CUBIC,
        species=("Co", "O"), coords=((0, 0, 0), (0.5, 0.5, 0.5)),
        source="rock-salt CoO, a = 4.2615 A", database_id="mp-22408", bulk_modulus_GPa=180.0,
        oxidation_states={"Co": 2, "O": -2},
    ),
    PhaseDefinition(
        name="Co3O4", formula="Co3O4", role="product", spacegroup="Fd-3m:2",
        lattice_abc_A=(8.084, 8.084, 8.084), lattice_angles_deg=CUBIC,
        species=("Co", "Co", "O"), coords=((0.125, 0.125, 0.125), (0.5, 0.5, 0.5), (0.2632, 0.2632, 0.2632)),
        source="normal spinel Co3O4 (Co2+ 8a, Co3+ 16d, O 32e), a = 8.084 A, x(O) = 0.263 (e.g. Smith & Hobson, Z. Kristallogr. 1973)",
        database_id="mp-18748", bulk_modulus_GPa=200.0,
        oxidation_states={"Co": 8 / 3, "O": -2},
        notes="Formal states Co2+ (8a) and Co3+ (16d); stored per element as the mean 8/3.",
    ),
    PhaseDefinition(
        name="NiO", formula="NiO", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(4.1771, 4.1771, 4.1771), lattice_angles_deg=CUBIC,
        species=("Ni", "O"), coords=((0, 0, 0), (0.5, 0.5, 0.5)),
        source="rock-salt NiO, a = 4.177 A", database_id="mp-19009", bulk_modulus_GPa=200.0,
        oxidation_states={"Ni": 2, "O": -2},
    ),
    PhaseDefinition(
        name="MnO", formula="MnO", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(4.4448, 4.4448, 4.4448), lattice_angles_deg=CUBIC,
        species=("Mn", "O"), coords=((0, 0, 0), (0.5, 0.5, 0.5)),
        source="rock-salt MnO, a = 4.445 A", database_id="mp-19006", bulk_modulus_GPa=150.0,
        oxidation_states={"Mn": 2, "O": -2},
    ),
    PhaseDefinition(
        name="MnO2", formula="MnO2", role="product", spacegroup="P4_2/mnm",
        lattice_abc_A=(4.3983, 4.3983, 2.8730), lattice_angles_deg=CUBIC,
        species=("Mn", "O"), coords=((0, 0, 0), (0.3046, 0.3046, 0)),
        source="pyrolusite beta-MnO2: Bolzan, Fong, Kennedy & Howard, Aust. J. Chem. 46, 939 (1993)",
        database_id="mp-19395", bulk_modulus_GPa=260.0, aliases=("pyrolusite",),
        oxidation_states={"Mn": 4, "O": -2}, notes=_RUTILE,
    ),
    PhaseDefinition(
        name="LiMn2O4", formula="LiMn2O4", role="product", spacegroup="Fd-3m:2",
        lattice_abc_A=(8.2476, 8.2476, 8.2476), lattice_angles_deg=CUBIC,
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
        lattice_abc_A=(4.2101, 4.2101, 4.2101), lattice_angles_deg=CUBIC,
        species=("Nb", "O"), coords=((0, 0.5, 0.5), (0.5, 0, 0)),
        source="NbO (ordered-vacancy rock salt, Pm-3m, a = 4.210 A): Bowman, Wallace, Yarnell & Wenzel, Acta Cryst. 21, 843 (1966)",
        database_id="mp-2311", bulk_modulus_GPa=200.0,
        oxidation_states={"Nb": 2, "O": -2},
    ),
    PhaseDefinition(
        name="LiNbO2", formula="LiNbO2", role="product", spacegroup="P6_3/mmc",
        lattice_abc_A=(2.912, 2.912, 10.46), lattice_angles_deg=HEX,
        species=("Li", "Nb", "O"), coords=((0, 0, 0), (1 / 3, 2 / 3, 0.25), (1 / 3, 2 / 3, 0.6267)),
        source="LiNbO2 (P6_3/mmc, a = 2.912, c = 10.46 A): Meyer & Hoppe, J. Less-Common Met. 46, 55 (1976)",
        database_id="mp-3924", bulk_modulus_GPa=130.0, coordinates="model",
        oxidation_states={"Li": 1, "Nb": 3, "O": -2},
        notes="NbO2 layers of trigonal prisms (MoS2-like, Nb 2c, O 4f) with Li in octahedra (2a); z(O) from the Nb-O distance, not refined.",
    ),
    PhaseDefinition(
        name="NbO2", formula="NbO2", role="product", spacegroup="P4_2/mnm",
        lattice_abc_A=(4.846, 4.846, 3.032), lattice_angles_deg=CUBIC,
        species=("Nb", "O"), coords=((0, 0, 0), (0.2924, 0.2924, 0)),
        source="high-temperature rutile-type NbO2, a = 4.846, c = 3.032 A (Bolzan et al., Acta Cryst. B 50, 1994)",
        database_id="mp-2533", bulk_modulus_GPa=200.0, coordinates="model",
        oxidation_states={"Nb": 4, "O": -2},
        notes="The rutile form (stable above 1080 K) stands in for the 96-atom I4_1/a ground state; x(O) is a typical rutile value. " + _RUTILE,
    ),
    PhaseDefinition(
        name="Nb2O5", formula="Nb2O5", role="product", spacegroup="C2/m",
        lattice_abc_A=(12.79, 3.826, 3.983), lattice_angles_deg=(90.0, 90.75, 90.0),
        species=("Nb", "O", "O", "O"),
        coords=((0.1464, 0, 0.9267), (0, 0, 0), (0.3157, 0, 0.0047), (0.1461, 0, 0.4742)),
        source="R-Nb2O5 type (C2/m, Z = 2); cell a = 12.79, b = 3.826, c = 3.983 A, beta = 90.75 deg as recalled "
               "(the refinement could not be reached from the build machine; it gives 4.53 g/cm3, the handbook density "
               "of Nb2O5 is 4.55-4.60)",
        bulk_modulus_GPa=150.0, coordinates="model", aliases=("R-Nb2O5",),
        ordering_method="the simplest Nb2O5 polymorph: ReO3-type blocks two octahedra wide, joined by edge-sharing shear planes",
        oxidation_states={"Nb": 5, "O": -2},
        notes=(
            "Model positions: Nb 4i, O 2a (inside the block), O 4i (shared edge), O 4i (along c) placed from the block "
            "geometry (Nb-O 1.95 A) and relaxed with SevenNet-0 at that cell (fmax 0.01 eV/A; Nb-O 1.80-2.18 A, "
            "symmetry kept; a rattled start relaxes back to it). The library also holds the ground state, H-Nb2O5 "
            "(published coordinates; SevenNet-0 puts it 3 meV/atom below this model), and LiNb3O8."
        ),
    ),
    PhaseDefinition(
        name="H-Nb2O5", formula="Nb2O5", role="product", spacegroup="P2/m",
        lattice_abc_A=(21.19, 3.829, 19.395), lattice_angles_deg=(90.0, 119.8, 90.0),
        species=({"Nb": 0.5},) + ("Nb",) * 14 + ("O",) * 36,
        coords=((0, 0.2285, 0), (0.5, 0, 0.5), (0.1643, 0, 0.00353), (0.23623, 0, 0.23134), (0.30284, 0, 0.45456),
                (0.36087, 0, 0.04553), (0.43325, 0, 0.27741), (0.5627, 0, 0.09346), (0.62943, 0, 0.32219),
                (0.09353, 0.5, 0.20187), (0.15921, 0.5, 0.4241), (0.7033, 0.5, 0.12414), (0.77056, 0.5, 0.35141),
                (0.89895, 0.5, 0.16353), (0.96461, 0.5, 0.38928), (0, 0.5, 0.5), (0.5, 0.5, 0.5), (0.118, 0, 0.2012),
                (0.1867, 0, 0.4314), (0.1931, 0, 0.1067), (0.2639, 0, 0.3395), (0.2619, 0, 0.0139), (0.3257, 0, 0.2417),
                (0.3971, 0, 0.479), (0.4032, 0, 0.1497), (0.4624, 0, 0.3833), (0.4611, 0, 0.0382), (0.5344, 0, 0.2954),
                (0.5898, 0, 0.1959), (0.6701, 0, 0.4306), (0.6707, 0, 0.0961), (0.7411, 0, 0.3357), (0.8858, 0, 0.1341),
                (0.9412, 0, 0.0303), (0.9638, 0, 0.3798), (0.0608, 0.5, 0.0837), (0.0668, 0.5, 0.4051),
                (0.1327, 0.5, 0.3122), (0.2062, 0.5, 0.2184), (0.2764, 0.5, 0.4504), (0.3551, 0.5, 0.0113),
                (0.4275, 0.5, 0.2616), (0.5855, 0.5, 0.0884), (0.6535, 0.5, 0.3176), (0.7263, 0.5, 0.2257),
                (0.7987, 0.5, 0.4577), (0.7917, 0.5, 0.1318), (0.8613, 0.5, 0.3614), (0.8474, 0.5, 0.0283),
                (0.928, 0.5, 0.2664), (0.9971, 0.5, 0.1762)),
        source="H-Nb2O5, the stable high-temperature form (P2/m, Z = 14, block structure of 3x4 and 3x5 octahedra): "
               "ICDD PDF 00-068-0149, positions as transcribed in the BGMN structure template Nb2O5-MonoclinicP.str "
               "of the XRD-AutoAnalyzer project (github.com/njszym/XRD-AutoAnalyzer, commit 7cab6f7)",
        database_id="ICDD 00-068-0149", bulk_modulus_GPa=150.0,
        ordering_method="the tetrahedral Nb on the 2i site (half occupied, two positions at +-y) placed on one of them",
        oxidation_states={"Nb": 5, "O": -2},
        notes=(
            "98 atoms, the largest competing phase: the MLIP relaxation costs about 3 min once per calculator "
            "(SevenNet-0, one CPU thread; then cached). SevenNet-0 (cell free, fmax 0.02 eV/A): -8.9605 eV/atom, "
            "3 meV/atom below the R-Nb2O5 model and 12 meV/atom below B-Nb2O5 relaxed from its ICDD 00-068-0148 "
            "positions (not in the library)."
        ),
    ),
    # ----- Co, Ni, Mn sulfides and chlorides, In2O3, LaCoO3 (cathode | sulfide or halide, LCO | LLZO)
    PhaseDefinition(
        name="Li3NbO4", formula="Li3NbO4", role="product", spacegroup="I-43m",
        lattice_abc_A=(8.41, 8.41, 8.41), lattice_angles_deg=CUBIC,
        species=("Nb", "Li", "O", "O"),
        coords=((0.1413, 0.1413, 0.1413), (0.3793, 0.3793, 0.1071), (0.3657, 0.1230, 0.1230), (0.3849, 0.3849, 0.3849)),
        source="Li3NbO4 (I-43m, Z = 8, a = 8.41 A as recalled; the refinement could not be reached from the build "
               "machine): an ordered rock salt of Nb4O16 clusters of four edge-sharing octahedra",
        database_id="mp-31488", bulk_modulus_GPa=130.0, coordinates="model",
        ordering_method="Nb4 tetrahedra of edge-sharing octahedra at 0,0,0 and 1/2,1/2,1/2 of a 2x2x2 rock-salt cell",
        oxidation_states={"Li": 1, "Nb": 5, "O": -2},
        notes=(
            "Model positions: built as the ideal 2x2x2 rock-salt supercell with Nb on 8c (the Nb4 clusters), Li on "
            "24g and O on 8c + 24g, then relaxed with SevenNet-0 at the recalled cell under the I-43m symmetry "
            "(fmax 0.005 eV/A): Nb-O 1.90 (x3, terminal) and 2.18 A (x3, shared), Nb-Nb 3.36 A; a rattled start "
            "(0.08 A) relaxes back to the same energy. The Li-rich phase on the LiNbO3 reduction side."
        ),
    ),
    PhaseDefinition(
        name="CoS2", formula="CoS2", role="product", spacegroup="Pa-3",
        lattice_abc_A=(5.5385, 5.5385, 5.5385), lattice_angles_deg=CUBIC,
        species=("Co", "S"), coords=((0, 0, 0), (0.3892, 0.3892, 0.3892)),
        source="cattierite CoS2 (pyrite type, Co 4a, S 8c): Nowack, Schwarzenbach & Hahn, Z. Kristallogr. 196, 1 (1991)",
        database_id="mp-2070", bulk_modulus_GPa=130.0, aliases=("cattierite",),
        oxidation_states={"Co": 2, "S": -1},
        notes="S2(2-) dimers: formal S-1. Positions entered from memory of the refinement and checked by the Co-S and S-S distances.",
    ),
    PhaseDefinition(
        name="Co9S8", formula="Co9S8", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(9.927, 9.927, 9.927), lattice_angles_deg=CUBIC,
        species=("Co", "Co", "S", "S"), coords=((0.5, 0.5, 0.5), (0.1261, 0.1261, 0.1261), (0.25, 0.25, 0.25), (0.2624, 0, 0)),
        source="Co9S8 (pentlandite type, a = 9.927 A): Geller, Acta Cryst. 15, 1195 (1962)",
        bulk_modulus_GPa=120.0, coordinates="model",
        oxidation_states={"Co": 16 / 9, "S": -2},
        notes=(
            "Co 4b (octahedral) and 32f (tetrahedral, x = 0.1261), S 8c and 24e (x = 0.2624); x values entered from "
            "memory of the pentlandite type and checked by the distances (Co-S 2.13-2.36 A, the Co8 cube's Co-Co 2.50 A). "
            "The metal-rich cobalt sulfide of cathode | sulfide mixing (Richards et al. 2016)."
        ),
    ),
    PhaseDefinition(
        name="Ni3S2", formula="Ni3S2", role="product", spacegroup="R32",
        lattice_abc_A=(5.7311, 5.7311, 7.1188), lattice_angles_deg=HEX,
        species=("Ni", "S"), coords=((0.7449, 0, 0.5), (0, 0, 0.2521)),
        source=(
            "heazlewoodite Ni3S2 (R32, rhombohedral a = 4.0718 A, alpha = 89.459 deg; Ni 3e y = 0.2449, S 2c x = 0.2521): "
            "Parise, Acta Cryst. B 36, 1179 (1980), COD 9007640"
        ),
        doi="10.1107/S0567740880005523", database_id="COD 9007640", bulk_modulus_GPa=140.0,
        aliases=("heazlewoodite",), oxidation_states={"Ni": 4 / 3, "S": -2},
        notes=(
            "Hexagonal setting of the published rhombohedral cell (Ni 9e (x, 0, 1/2), S 6c (0, 0, z)); matches the "
            "COD file by pymatgen's StructureMatcher. Metal-rich and metallic: Ni 4/3 is a formal average. The "
            "S-poor nickel sulfide of Ni-rich cathode | sulfide mixing (Ni metal otherwise)."
        ),
    ),
    PhaseDefinition(
        name="NiS2", formula="NiS2", role="product", spacegroup="Pa-3",
        lattice_abc_A=(5.6873, 5.6873, 5.6873), lattice_angles_deg=CUBIC,
        species=("Ni", "S"), coords=((0, 0, 0), (0.3951, 0.3951, 0.3951)),
        source="vaesite NiS2 (pyrite type, Ni 4a, S 8c): Nowack, Schwarzenbach & Hahn, Z. Kristallogr. 196, 1 (1991)",
        database_id="mp-849", bulk_modulus_GPa=110.0, aliases=("vaesite",),
        oxidation_states={"Ni": 2, "S": -1},
        notes="S2(2-) dimers: formal S-1. Positions entered from memory of the refinement and checked by the Ni-S and S-S distances.",
    ),
    PhaseDefinition(
        name="MnS2", formula="MnS2", role="product", spacegroup="Pa-3",
        lattice_abc_A=(6.1013, 6.1013, 6.1013), lattice_angles_deg=CUBIC,
        species=("Mn", "S"), coords=((0, 0, 0), (0.4012, 0.4012, 0.4012)),
        source="hauerite MnS2 (pyrite type, Mn 4a, S 8c): Chattopadhyay et al., Physica B 156, 241 (1989)",
        database_id="mp-2343", bulk_modulus_GPa=80.0, aliases=("hauerite",),
        oxidation_states={"Mn": 2, "S": -1},
        notes="S2(2-) dimers: formal S-1. Positions entered from memory of the refinement and checked by the Mn-S distances.",
    ),
    PhaseDefinition(
        name="MnS", formula="MnS", role="product", spacegroup="Fm-3m",
        lattice_abc_A=(5.2236, 5.2236, 5.2236), lattice_angles_deg=CUBIC,
        species=("Mn", "S"), coords=((0, 0, 0), (0.5, 0.5, 0.5)),
        source="alabandite alpha-MnS (rock salt), a = 5.224 A", database_id="mp-2242",
        bulk_modulus_GPa=72.0, aliases=("alabandite",), oxidation_states={"Mn": 2, "S": -2},
    ),
    PhaseDefinition(
        name="CoCl2", formula="CoCl2", role="product", spacegroup="R-3m",
        lattice_abc_A=(3.544, 3.544, 17.43), lattice_angles_deg=HEX,
        species=("Co", "Cl"), coords=((0, 0, 0), (0, 0, 0.2573)),
        source="CdCl2-type CoCl2 (Co 3a, Cl 6c), a = 3.544, c = 17.43 A (Wyckoff, Crystal Structures)",
        database_id="mp-34395", bulk_modulus_GPa=30.0, oxidation_states={"Co": 2, "Cl": -1},
        notes="z(Cl) entered from memory of the CdCl2 type and checked by the Co-Cl distance.",
    ),
    PhaseDefinition(
        name="NiCl2", formula="NiCl2", role="product", spacegroup="R-3m",
        lattice_abc_A=(3.4805, 3.4805, 17.394), lattice_angles_deg=HEX,
        species=("Ni", "Cl"), coords=((0, 0, 0), (0, 0, 0.2567)),
        source="CdCl2-type NiCl2 (Ni 3a, Cl 6c), a = 3.48, c = 17.39 A (Wyckoff, Crystal Structures)",
        database_id="mp-22881", bulk_modulus_GPa=30.0, oxidation_states={"Ni": 2, "Cl": -1},
        notes="z(Cl) entered from memory of the CdCl2 type and checked by the Ni-Cl distance.",
    ),
    PhaseDefinition(
        name="MnCl2", formula="MnCl2", role="product", spacegroup="R-3m",
        lattice_abc_A=(3.711, 3.711, 17.59), lattice_angles_deg=HEX,
        species=("Mn", "Cl"), coords=((0, 0, 0), (0, 0, 0.2555)),
        source="CdCl2-type MnCl2 (Mn 3a, Cl 6c), a = 3.711, c = 17.59 A (Wyckoff, Crystal Structures)",
        database_id="mp-22936", bulk_modulus_GPa=25.0, oxidation_states={"Mn": 2, "Cl": -1},
        notes="z(Cl) entered from memory of the CdCl2 type and checked by the Mn-Cl distance.",
    ),
    PhaseDefinition(
        name="In2O3", formula="In2O3", role="product", spacegroup="Ia-3",
        lattice_abc_A=(10.117, 10.117, 10.117), lattice_angles_deg=CUBIC,
        species=("In", "In", "O"), coords=((0.25, 0.25, 0.25), (0.4668, 0, 0.25), (0.3905, 0.1529, 0.3832)),
        source="bixbyite In2O3 (In 8b, 24d; O 48e): Marezio, Acta Cryst. 20, 723 (1966)",
        database_id="mp-22598", bulk_modulus_GPa=180.0, aliases=("bixbyite",),
        oxidation_states={"In": 3, "O": -2},
        notes="Positions entered from memory of the refinement and checked by the In-O distances.",
    ),
    PhaseDefinition(
        name="LaCoO3", formula="LaCoO3", role="product", spacegroup="R-3c",
        lattice_abc_A=(5.4437, 5.4437, 13.0957), lattice_angles_deg=HEX,
        species=("La", "Co", "O"), coords=((0, 0, 0.25), (0, 0, 0), (0.5508, 0, 0.25)),
        source="rhombohedral perovskite LaCoO3 (La 6a, Co 6b, O 18e), hexagonal setting: Thornton, Tofield & Hewat, J. Solid State Chem. 61, 301 (1986)",
        database_id="mp-20451", bulk_modulus_GPa=150.0, oxidation_states={"La": 3, "Co": 3, "O": -2},
        notes="The co-sintering product of LiCoO2 | LLZO. Positions entered from memory of the refinement and checked by the Co-O distance.",
    ),
    # ----- Li-P-O (LATP oxidation; phosphates of oxide | sulfide mixing)
    PhaseDefinition(
        name="Li4P2O7", formula="Li4P2O7", role="product", spacegroup="P1",
        lattice_abc_A=(8.5632, 7.1099, 5.1858), lattice_angles_deg=(111.426, 89.991, 103.055),
        species=("O", "P", "O", "O", "O", "P", "O", "O", "O", "O", "P", "O", "O", "O", "P", "O", "O", "O", "Li", "Li", "Li", "Li", "Li", "Li", "Li", "Li"),
        coords=(
            (0.1779, 0.3065, 0.1645), (0.2126, 0.0855, 0.9703), (0.0627, 0.9860, 0.7608), (0.2205, 0.9690, 0.1640),
            (0.3656, 0.1281, 0.8288), (0.2792, 0.5109, 0.4335), (0.1556, 0.5708, 0.6380), (0.3353, 0.6610, 0.2813),
            (0.4142, 0.4526, 0.5549), (0.6703, 0.7634, 0.1460), (0.7161, 0.0029, 0.3735), (0.7139, 0.9967, 0.6644),
            (0.8801, 0.1025, 0.3071), (0.5805, 0.0909, 0.3062), (0.7773, 0.5909, 0.0306), (0.9409, 0.6705, 0.2039),
            (0.6658, 0.4061, 0.0739), (0.7925, 0.5562, 0.7263), (0.3811, 0.9729, 0.4240), (0.8924, 0.1085, 0.9411),
            (0.4485, 0.4779, 0.9478), (0.6196, 0.4008, 0.4408), (0.9743, 0.6688, 0.5759), (0.0402, 0.9819, 0.3898),
            (0.1537, 0.6626, 0.0330), (0.5736, 0.1110, 0.9374),
        ),
        source=(
            "triclinic Li4P2O7 (P-1, Z = 2): cell of the refinement in J. Solid State Chem. (2014), "
            "doi 10.1016/j.jssc.2013.12.015 (ICSD 248414); positions modelled by annealing"
        ),
        doi="10.1016/j.jssc.2013.12.015", bulk_modulus_GPa=60.0, coordinates="model",
        oxidation_states={"Li": 1, "P": 5, "O": -2},
        notes=(
            "NOT the refined positions (not reachable from the build machine): two P2O7 units (ideal PO4 "
            "tetrahedra sharing one O, P-O-P 130 deg) and eight Li placed at random as inversion pairs in the "
            "published cell, annealed with SevenNet-0 (Langevin, 1 ps at 1000 K, 2 ps quench to 300 K, 2 fs) and "
            "relaxed at fixed cell: `python -m interfaceflow.structures.anneal Li4P2O7 --seeds 1 --hot-ps 1 "
            "--quench-ps 2` (-6.4228 eV/atom). All Li end four-coordinated by O (1.9-2.3 A); the quench lost the "
            "inversion centre (P1). An upper bound on the ground-state energy: the Li-poor phosphate that "
            "bounds the LATP oxidation limit."
        ),
    ),
    # ----- sulfates (oxide cathode | sulfide: S is oxidised by the cathode's O)
    PhaseDefinition(
        name="Li2SO4", formula="Li2SO4", role="product", spacegroup="I-42m",
        lattice_abc_A=(4.879, 4.879, 6.9), lattice_angles_deg=CUBIC,
        species=("Li", "S", "O"), coords=((0, 0.5, 0.75), (0, 0, 0), (0.17454, 0.82546, 0.12342)),
        source=(
            "Li2SO4 (room-temperature beta-Li2SO4 is monoclinic, P2_1/c, Z = 4: e.g. Nord, Acta Cryst. B 32 (1976)) "
            "modelled as an orientationally ordered antifluorite (the cubic alpha-Li2SO4 motif)"
        ),
        bulk_modulus_GPa=40.0, coordinates="model",
        ordering_method="SO4 on the fcc sites of the antifluorite, all with their S4 axis along c; Li on every tetrahedral site",
        oxidation_states={"Li": 1, "S": 6, "O": -2},
        notes=(
            "NOT the monoclinic structure of the paper: the high-temperature alpha-Li2SO4 antifluorite "
            "(S on the fcc sites, Li in the tetrahedral holes) with the SO4 orientational disorder removed "
            "by aligning every S4 axis along c (I-42m, a = a_fcc / sqrt2). a_fcc = 6.9 A gives S-O 1.475 A, "
            "Li-O 2.00 A (LiO4 tetrahedra, as in beta-Li2SO4) and 2.22 g/cm^3 (beta-Li2SO4: 2.22). The "
            "thermodynamic reference relaxes the cell with its MLIP, so the model lies above the true ground "
            "state by the energy of the ordering; it makes the sulfate side of oxide | sulfide hulls exist."
        ),
    ),
    *(
        _crvo4_sulfate(metal, abc, density)
        for metal, abc, density in (
            ("Ni", (5.156, 7.843, 6.339), 4.01), ("Co", (5.294, 8.053, 6.509), 3.71), ("Mn", (5.485, 8.344, 6.743), 3.25)
        )
    ),
    *SEARCHED_PHASES,
)
