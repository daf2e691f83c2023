"""Library phases whose refined coordinates were out of reach: models from a symmetry-constrained
random search, a cation-ordering enumeration or a relative's structure with substituted cations,
relaxed with SevenNet-0 (each flagged ``coordinates="model"``; how each was made is in its notes
and in notes/thermo_windows.md)."""

from __future__ import annotations

from interfaceflow.structures.phase_definition import CUBIC, PhaseDefinition

SEARCHED_PHASES: tuple[PhaseDefinition, ...] = (
    # ----- searched models: LiNb3O8 (LiNbO3 oxidation), LiPO3 and LiTiPO5 (LATP), P2S5 (thiophosphate
    # oxidation), LiClO4 (Li3OCl oxidation)
    PhaseDefinition(
        name="LiNb3O8", formula="LiNb3O8", role="product", spacegroup="P2_1",
        lattice_abc_A=(5.1215, 4.8073, 11.764), lattice_angles_deg=(90.0, 90.079, 90.0),
        species=("Li", "Nb", "Nb", "Nb", "O", "O", "O", "O", "O", "O", "O", "O"),
        coords=((0.2599, 0.00705, 0.72002), (0.24457, 0.98374, 0.22063), (0.74231, 0.04462, 0.04845),
                (0.75395, 0.9593, 0.54238), (0.4406, 0.30079, 0.82824), (0.3917, 0.26473, 0.31765),
                (0.92177, 0.2777, 0.936), (0.92571, 0.24308, 0.44527), (0.90563, 0.22636, 0.68369),
                (0.92943, 0.21298, 0.17389), (0.41906, 0.25635, 0.06231), (0.42888, 0.2318, 0.55921)),
        source="LiNb3O8 (experiment: monoclinic P2_1/c, Z = 4, a cation-ordered alpha-PbO2-type oxide, as recalled), "
               "modelled as the lowest of 10 Li/Nb orderings of an alpha-PbO2 (Li1/4Nb3/4)O2 framework",
        bulk_modulus_GPa=150.0, coordinates="model",
        ordering_method="Li and Nb ordered over the octahedral sites of an alpha-PbO2-type O sublattice (16 cations, "
                        "Ewald-ranked, then SevenNet-0 energies)",
        oxidation_states={"Li": 1, "Nb": 5, "O": -2},
        notes=(
            "Model (2026-12-07), not the published structure: TiO2-II (alpha-PbO2 type, Pbcn) scaled to the "
            "volume per cation of LiNb3O8 (34.2 A^3); Li/Nb orderings of 16-cation supercells (2x2x1, 2x1x2, "
            "1x2x2, 4x1x1, 1x4x1, 1x1x4) ranked by Ewald energy with pymatgen's OrderDisorderedStructureTransformation; "
            "the 10 lowest distinct orderings relaxed with SevenNet-0 (cell free, fmax 0.05 eV/A): -8.469 to "
            "-8.483 eV/atom; the lowest (P2_1, 24-atom cell, every cation octahedral, Nb-O 1.84-2.45 A) refined "
            "under its symmetry to fmax 0.01 eV/A (-8.4839 eV/atom; a 0.08 A rattle relaxes back). 4.74 g/cm3 "
            "against about 5.0 for the recalled experimental cell. An upper bound on the MLIP energy of LiNb3O8, the "
            "Nb-rich lithium niobate on the LiNbO3 oxidation side."
        ),
    ),
    PhaseDefinition(
        name="LiPO3", formula="LiPO3", role="product", spacegroup="P2_1/c",
        lattice_abc_A=(7.0995, 5.7139, 13.4167), lattice_angles_deg=(90.0, 121.513, 90.0),
        species=("Li", "Li", "P", "P", "O", "O", "O", "O", "O", "O"),
        coords=((0.65145, 0.35672, 0.4733), (0.27981, 0.42598, 0.16023), (0.19643, 0.93296, 0.19795),
                (0.20979, 0.13325, 0.41178), (0.41074, 0.86337, 0.20851), (0.07656, 0.1413, 0.12455),
                (0.22851, 0.95217, 0.32566), (0.32968, 0.35763, 0.42454), (0.27143, 0.98926, 0.51793),
                (0.94592, 0.18848, 0.34564)),
        source="LiPO3, a chain metaphosphate (experiment: P2/c, Z = 20, as recalled), modelled from the NaPO3 chain "
               "structure (ICDD PDF 04-009-8784, P2_1/n, Z = 8, positions as transcribed in the BGMN template "
               "NaPO3.str of github.com/njszym/XRD-AutoAnalyzer, commit 7cab6f7) with Li on the Na sites",
        bulk_modulus_GPa=40.0, coordinates="model",
        ordering_method="infinite PO3 chains of corner-sharing PO4 (two bridging O per P), Li between the chains",
        oxidation_states={"Li": 1, "P": 5, "O": -2},
        notes=(
            "Model (2026-12-07): Li put on the Na sites of NaPO3 and relaxed with SevenNet-0 (cell free, "
            "-6.6844 eV/atom, 2.17 g/cm3); then compressed to 2.48 g/cm3 (the density of the recalled LiPO3 cell), "
            "annealed (Langevin, 1 ps at 900 K, 2 ps quench to 300 K, 2 fs), relaxed with the cell free and refined "
            "under P2_1/c to fmax 0.01 eV/A: -6.6871 eV/atom, 2.46 g/cm3, chains intact, Li four-coordinated "
            "(Li-O 1.94-2.24 A). The same anneal at the uncompressed cell ended 0.7 meV/atom lower at 2.12 g/cm3 "
            "(P1): the MLIP barely separates the packings. Not the Z = 20 structure: an upper bound on the MLIP "
            "energy of LiPO3, the Li-poor phosphate of the LATP phase diagram."
        ),
    ),
    PhaseDefinition(
        name="LiTiPO5", formula="LiTiPO5", role="product", spacegroup="Pnma",
        lattice_abc_A=(7.4726, 6.4395, 7.3578), lattice_angles_deg=CUBIC,
        species=("Li", "Ti", "P", "O", "O", "O", "O"),
        coords=((0, 0, 0), (0.66565, 0.75, 0.78041), (0.87335, 0.75, 0.37447), (0.20596, 0.75, 0.99924),
                (0.37119, 0.5568, 0.25016), (0.54705, 0.75, 0.01147), (0.88765, 0.75, 0.84768)),
        source="alpha-LiTiOPO4 (experiment: orthorhombic Pnma, Z = 4, a = 7.40, b = 6.38, c = 7.24 A as recalled), "
               "modelled by a random search in that cell: this Pnma structure (7.47 x 6.44 x 7.36 A) is the lowest found",
        bulk_modulus_GPa=100.0, coordinates="model", aliases=("LiTiOPO4",),
        ordering_method="PO4 tetrahedra, Ti and the titanyl O on the mirror planes (4c), Li on the inversion centres (4a)",
        oxidation_states={"Li": 1, "Ti": 4, "P": 5, "O": -2},
        notes=(
            "Model (2026-12-07): 6 random Pnma packings of rigid PO4 + Ti + O + Li (pyxtal, Wyckoff 4c/4c/4c/4a, "
            "lattice fixed at the recalled experimental cell, distance tolerance 0.8) relaxed with SevenNet-0 "
            "(positions, then cell free); the lowest (-7.6037 eV/atom; the others -7.46 to -7.57) refined under Pnma "
            "to fmax 0.01 eV/A (-7.6046 eV/atom; a 0.08 A rattle relaxes back to Pnma within 0.01 meV/atom). It has "
            "the features recalled for alpha-LiTiOPO4: TiO6 octahedra sharing corners in chains with alternating "
            "short and long Ti-O (1.74 / 2.23 A, the titanyl bond), PO4 tetrahedra (P-O 1.55 A) joining the chains, "
            "Li octahedral (Li-O 2.13-2.21 A); 3.11 g/cm3 (recalled cell: 3.22). Not refined coordinates: an upper "
            "bound on the MLIP energy of LiTiPO5, the product DFT gives for LATP reduction."
        ),
    ),
    PhaseDefinition(
        name="P2S5", formula="P2S5", role="product", spacegroup="P-1",
        lattice_abc_A=(8.5746, 9.1816, 10.5451), lattice_angles_deg=(71.246, 84.592, 64.081),
        species=("P",) * 4 + ("S",) * 10,
        coords=((0.6571, 0.059, 0.6178), (0.8971, 0.6201, 0.6871), (0.6439, 0.7694, 0.9241), (0.0051, 0.8443, 0.8372),
                (0.7737, 0.8583, 0.5319), (0.847, 0.7947, 0.9956), (0.4945, 0.9931, 0.767), (0.1075, 0.6376, 0.7581),
                (0.858, 0.082, 0.6966), (0.7285, 0.5751, 0.8375), (0.5368, 0.2814, 0.4882), (0.986, 0.405, 0.6494),
                (0.5335, 0.697, 0.0871), (0.1967, 0.8529, 0.9111)),
        source="P4S10 molecular crystal (P-1, two molecules per cell, as in experiment), modelled: the cell and the "
               "packing come from a random search, the density is the handbook 2.09 g/cm3",
        bulk_modulus_GPa=10.0, coordinates="model", aliases=("P4S10",),
        ordering_method="two P4S10 molecules (P4S6 adamantane cage, one terminal S on each P) on the general position",
        oxidation_states={"P": 5, "S": -2},
        notes=(
            "Model (2026-12-07): the molecule built from "
            "bond lengths (P-S 2.10 A bridging, 1.92 A terminal), packed in P-1 with Z = 2 by pyxtal (7 random "
            "packings relaxed with SevenNet-0, cell free; all within 4 meV/atom, so the packing barely matters), "
            "the lowest compressed with rigid molecules to the handbook density and relaxed at that cell. "
            "SevenNet-0 has no dispersion: free, the cell swells by about 50 % and the energy drops by 36 meV/atom, "
            "as a PBE relaxation would do. Not the experimental cell or packing."
        ),
    ),
    PhaseDefinition(
        name="LiClO4", formula="LiClO4", role="product", spacegroup="P2_12_12_1",
        lattice_abc_A=(5.0054, 7.007, 8.7316), lattice_angles_deg=CUBIC,
        species=("Li", "Cl", "O", "O", "O", "O"),
        coords=((0.0444, 0.7239, 0.7334), (0.9557, 0.4974, 0.0667), (0.8303, 0.6732, 0.1168), (0.9515, 0.4925, 0.8979),
                (0.2315, 0.4921, 0.1205), (0.8138, 0.3308, 0.1235)),
        source="anhydrous LiClO4 (experiment: orthorhombic Pnma, Z = 4, a = 8.66, b = 6.91, c = 4.84 A as recalled), "
               "modelled by a random search: this P2_12_12_1 cell (8.73 x 7.01 x 5.01 A) is the lowest found",
        bulk_modulus_GPa=20.0, coordinates="model",
        ordering_method="ClO4 tetrahedra and Li, Z = 4",
        oxidation_states={"Li": 1, "Cl": 7, "O": -2},
        notes=(
            "Model: the lowest of 6 random Pnma packings of ClO4 + Li (pyxtal, Z = 4) relaxed with SevenNet-0 "
            "(cell free), refined to fmax 0.01 eV/A; it relaxed off the mirror planes to P2_12_12_1 with a cell "
            "within 4 % of the recalled experimental one and Li five-coordinated (Li-O 2.07-2.20 A; Cl-O 1.45-1.48 "
            "A). Five packings that kept Li on the inversion centres (4a, octahedral, as recalled for experiment) "
            "stopped 31-43 meV/atom higher (four at the 400-step cap). An upper bound on the MLIP energy of LiClO4, the product Emly et al. "
            "(2013) give for Li3OCl oxidation."
        ),
    ),
)
