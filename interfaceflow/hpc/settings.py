"""The ``hpc:`` section of a recipe: where its jobs run and how long each may take (times in s)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class QueueSettings(BaseModel):
    """Per-study queue choices; every field left ``None`` falls back to the project's profile.

    MD and relaxation jobs go to ``gpu_worker``, everything else (build, thermodynamic references,
    analyses, summary) to ``cpu_worker``. An MD job's walltime is ``md_walltime_s``, else its
    ``md.chunk_walltime_s`` plus ``startup_margin_s``, else the GPU profile's walltime. When the
    recipe sets no MD chunking, ``md.chunk_walltime_s`` becomes walltime - ``startup_margin_s``:
    the MD then checkpoints and hands over to a continuation job before the scheduler kills it.
    """

    model_config = ConfigDict(extra="forbid")

    gpu_worker: str | None = Field(default=None, description="Worker of MD and relax jobs.")
    cpu_worker: str | None = Field(default=None, description="Worker of all other jobs.")
    md_walltime_s: int | None = Field(default=None, ge=60, description="Walltime of MD/relax jobs.")
    cpu_walltime_s: int | None = Field(default=None, ge=60, description="Walltime of CPU jobs.")
    startup_margin_s: int = Field(
        default=600,
        ge=0,
        description="Time kept free in each MD job for start-up (model loading) and writing outputs.",
    )
