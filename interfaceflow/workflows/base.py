"""Job decorators shared by all interfaceflow makers (atomate2's ``forcefield_job`` shape).

Convention: every output document keeps its large numerical payload (per-frame series, profiles,
trajectory frames) in fields named in :data:`DATA_FIELDS`. jobflow routes any key with those names,
wherever it sits in the output, to the JobStore's additional ``data`` store, so the docs store only
holds small summaries.
"""

from __future__ import annotations

from collections.abc import Callable

from jobflow import job

DATA_FIELDS: tuple[str, ...] = ("arrays", "trajectory_frames")


def interfaceflow_job(method: Callable) -> Callable:
    """Decorate a maker's ``make`` so that its big arrays go to the ``data`` store."""
    return job(method, data=list(DATA_FIELDS))
