"""Build and save a tiny, untrained MACE model with mace-torch's own modules (for plugin tests)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def save_tiny_mace_model(path: Path, atomic_numbers: list[int], seed: int = 0) -> Path:
    """Create a one-interaction ScaleShiftMACE for ``atomic_numbers`` and ``torch.save`` it whole.

    This is the same file format as a MACE foundation ``.model`` download (a pickled module).
    """
    from interfaceflow.plugins.torch_compat import import_mace

    modules = import_mace("mace.modules")
    import torch
    from e3nn import o3

    torch.manual_seed(seed)
    model = modules.ScaleShiftMACE(
        r_max=4.0,
        num_bessel=4,
        num_polynomial_cutoff=3,
        max_ell=1,
        interaction_cls=modules.interaction_classes["RealAgnosticResidualInteractionBlock"],
        interaction_cls_first=modules.interaction_classes["RealAgnosticResidualInteractionBlock"],
        num_interactions=1,
        num_elements=len(atomic_numbers),
        hidden_irreps=o3.Irreps("8x0e + 8x1o"),
        MLP_irreps=o3.Irreps("4x0e"),
        atomic_energies=np.linspace(-1.0, -2.0, len(atomic_numbers)),
        avg_num_neighbors=8.0,
        atomic_numbers=atomic_numbers,
        correlation=2,
        gate=torch.nn.functional.silu,
        atomic_inter_scale=1.0,
        atomic_inter_shift=0.0,
    )
    torch.save(model.to(torch.float64), path)
    return path
