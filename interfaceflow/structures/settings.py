"""Interface build settings: one typed model for the recipe, the maker, the CLI and the builder.

A new build option is added here (a field with its unit in the name, its default and a
description); :func:`interfaceflow.structures.build_interface` reads it from the settings it is
given, and recipes (``build:``), ``BuildInterfaceMaker`` and ``interfaceflow build --set`` reach it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interfaceflow.errors import StructureError
from interfaceflow.validation import validated_settings

StrainSide = Literal["softer", "electrode", "electrolyte"]
#: Default slab thickness (Å) used to turn the atom budget into a target interface area.
TARGET_THICKNESS_A = 15.0
#: Default largest coating thickness (Å): coatings are thin films.
COATING_THICKNESS_A = 8.0
#: Miller indices as (h, k, l), or text such as "1,0,0" / "100" (parsed by the builder).
MillerInput = tuple[int, int, int] | str | None


class BuildSettings(BaseModel):
    """How an electrode | (coating |) electrolyte cell is built (lengths in Å, strain in %)."""

    model_config = ConfigDict(extra="forbid")

    electrode_miller: MillerInput = Field(default=None, description="Searched when not given.")
    electrolyte_miller: MillerInput = Field(default=None, description="Searched when not given.")
    coating_miller: MillerInput = Field(default=None, description="Searched when not given.")
    max_atoms: int = Field(default=300, ge=10, le=50_000,
                           description="Atom budget (about 300 on CPU, 1000-5000 on a GPU).")
    max_strain_pct: float = Field(default=5.0, le=20, description="Largest in-plane strain.")
    max_area_A2: float | None = Field(
        default=None, gt=0,
        description="Largest interface area searched; None: what the atom budget allows (<= 600).",
    )
    vacuum_A: float = Field(default=0.0, ge=0, description="0 builds a periodic sandwich.")
    gap_A: float = Field(default=2.0, le=6, description="Gap between neighbouring slabs.")
    fix_outer_A: float = Field(default=0.0, ge=0, description="Fix atoms this far from the edges.")
    strain_side: StrainSide = Field(default="softer", description="Side that takes the strain.")
    termination_index: int | None = Field(default=None, ge=0, description="See the build report.")
    max_terminations: int = Field(default=6, ge=1, description="Termination combinations tried.")
    coating_thickness_A: float = Field(default=COATING_THICKNESS_A, gt=0)
    min_inplane_A: float = Field(default=8.0, ge=0, description="Shortest in-plane cell vector.")
    min_slab_thickness_A: float = Field(default=6.0, gt=0, description="Thinnest slab allowed.")
    target_thickness_A: float = Field(default=TARGET_THICKNESS_A, gt=0,
                                      description="Slab thickness that sets the target area.")
    candidate_index: int | None = Field(default=None, ge=0, description="See the build report.")
    max_miller_index: int = Field(default=1, ge=1, le=3,
                                  description="Largest Miller index searched when indices are not given.")
    max_candidates: int = Field(default=50, ge=1, description="Matches kept after screening, best score first.")
    time_budget_s: float = Field(
        default=120.0, gt=0,
        description="Wall time of the candidate search; when it runs out the best match found so far is built "
                    "(the report says so), or the error names what was searched.",
    )
    seed: int = Field(default=0, description="Recorded in the fingerprint (builds are deterministic).")


def build_settings(settings: BuildSettings | None = None, **overrides: Any) -> BuildSettings:
    """``settings`` with ``overrides`` applied; a bad key or value is a one-line StructureError."""
    data = {**(settings.model_dump() if settings else {}), **overrides}
    return validated_settings(data, BuildSettings, "build", StructureError)
