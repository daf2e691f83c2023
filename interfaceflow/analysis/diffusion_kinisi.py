"""Optional cross-check of a tracer D and its uncertainty with kinisi (Bayesian regression of the
MSD with a model covariance matrix; McCluskey et al., J. Chem. Phys. 2024), where it is installed.

interfaceflow's own error bar comes from block averaging; kinisi's from the posterior of D given the
correlated MSD. Agreement within their combined uncertainty is evidence that both mean what they say.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field

from interfaceflow.errors import AnalysisError

#: kinisi's D comes in Å²/ps; 1 Å²/ps = 1e-4 cm²/s.
A2_PER_PS_IN_CM2_PER_S = 1e-4
#: Agreement: |D_ours - D_kinisi| below this many combined standard deviations.
AGREEMENT_SIGMAS = 2.0


class KinisiCheck(BaseModel):
    """kinisi's posterior of D for the same atoms, direction and window start (D in cm²/s)."""

    D_median_cm2_per_s: float
    D_std_cm2_per_s: float
    D_ci95_cm2_per_s: tuple[float, float] = Field(description="2.5 and 97.5 percentiles of the posterior.")
    start_fs: float = Field(description="Start of the diffusive regime given to kinisi, fs.")
    n_samples: int
    agrees: bool = Field(description=f"Within {AGREEMENT_SIGMAS:g} combined standard deviations of our D.")
    kinisi_version: str


def kinisi_available() -> bool:
    """True when kinisi can be imported."""
    try:
        import kinisi  # noqa: F401
    except ImportError:
        return False
    return True


def kinisi_cross_check(
    positions_A: np.ndarray,
    cells_A: np.ndarray,
    numbers: np.ndarray,
    atoms: np.ndarray,
    *,
    direction: str,
    frame_interval_fs: float,
    start_fs: float,
    D_cm2_per_s: float,
    D_err_cm2_per_s: float,
    seed: int = 0,
) -> KinisiCheck:
    """kinisi's D for ``atoms`` (indices) along ``direction`` from ``start_fs`` on, compared with ours.

    ``positions_A`` (F, N, 3) and ``cells_A`` (F, 3, 3) are the frames as stored; kinisi unwraps them
    and removes the drift of the other atoms itself.
    """
    try:
        import kinisi
        import scipp as sc
        from ase import Atoms
        from kinisi.analyze import DiffusionAnalyzer
    except ImportError as exc:
        raise AnalysisError("the kinisi cross-check needs kinisi; pip install kinisi (or interfaceflow[kinisi])") \
            from exc
    frames = [Atoms(numbers=numbers, positions=p, cell=c, pbc=True) for p, c in zip(positions_A, cells_A)]
    analyzer = DiffusionAnalyzer.from_ase(
        frames, specie_indices=sc.array(dims=["particle"], values=np.asarray(atoms, dtype=int)),
        time_step=sc.scalar(frame_interval_fs / 1000.0, unit="ps"), step_skip=sc.scalar(1),
        dimension=direction, progress=False,
    )
    analyzer.diffusion(sc.scalar(start_fs / 1000.0, unit="ps"), progress=False,
                       random_state=np.random.RandomState(seed))
    samples = sc.to_unit(analyzer.D, "angstrom**2/ps").values * A2_PER_PS_IN_CM2_PER_S
    median, std = float(np.median(samples)), float(np.std(samples))
    combined = np.hypot(std, D_err_cm2_per_s)
    return KinisiCheck(
        D_median_cm2_per_s=median, D_std_cm2_per_s=std,
        D_ci95_cm2_per_s=(float(np.percentile(samples, 2.5)), float(np.percentile(samples, 97.5))),
        start_fs=start_fs, n_samples=int(samples.size),
        agrees=bool(abs(D_cm2_per_s - median) <= AGREEMENT_SIGMAS * combined),
        kinisi_version=kinisi.__version__,
    )
