"""Per-atom fragment labels of one frame, by the speciation rules (for viewers such as OVITO)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from interfaceflow.analysis.speciation_frame import speciate_frame


def atom_fragment_labels(
    numbers, positions_A, cell_A, pbc=True, cutoffs: Mapping | None = None
) -> np.ndarray:
    """(N,) label of the fragment each atom belongs to (``PS4``, ``P2S7``, ``S``, ``Ge_net``).

    Modifiers (Li, Na, ...) belong to no fragment; they get their state instead (``Li+1`` ionic,
    ``Li0`` metallic), so a metallic electrode and the Li of the interphase stay apart. Fragments
    and states follow :mod:`interfaceflow.analysis.speciation`; ``cutoffs`` overrides pair
    cutoffs in Å (use a products analysis' ``cutoffs_A`` to label atoms as it did).
    """
    frame = speciate_frame(numbers, positions_A, cell_A, pbc, cutoffs)
    fragment_labels = np.asarray(frame.fragment_labels + [""], dtype=object)
    labels = fragment_labels[frame.fragment_ids]  # -1 picks the trailing "" for modifiers
    modifiers = frame.fragment_ids < 0
    labels[modifiers] = np.asarray(frame.anion_states, dtype=object)[modifiers]
    return labels.astype(str)
