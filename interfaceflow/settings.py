"""The single settings object of interfaceflow (quacc style).

Every default lives here. Each field can be set with an environment variable named
``INTERFACEFLOW_<FIELD>`` (for example ``INTERFACEFLOW_STORE=/scratch/me/ifstore``) or in a
``.env`` file in the working directory.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Device = Literal["auto", "cpu", "cuda"]
DType = Literal["float32", "float64"]


class InterfaceflowSettings(BaseSettings):
    """Process-wide defaults; override with ``INTERFACEFLOW_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="INTERFACEFLOW_", env_file=".env", extra="ignore")

    store: Path = Field(
        default=Path.home() / ".interfaceflow" / "store",
        description="Directory of the embedded on-disk job store (env INTERFACEFLOW_STORE).",
    )
    store_config: Path | None = Field(
        default=None,
        description=(
            "YAML/JSON JobStore spec (e.g. MongoStore + GridFSStore). When set, it replaces the "
            "embedded store (env INTERFACEFLOW_STORE_CONFIG)."
        ),
    )
    run_dir: Path = Field(
        default=Path.home() / ".interfaceflow" / "runs",
        description=(
            "Where jobs write trajectories, checkpoints and logs (env INTERFACEFLOW_RUN_DIR); a "
            "relative path is made absolute against the working directory when the settings are "
            "read, so jobs running in their own folders still find it."
        ),
    )
    thermo_cache_dir: Path = Field(
        default=Path.home() / ".interfaceflow" / "cache" / "thermo",
        description=(
            "Cache of the MLIP-relaxed thermodynamic reference phases, shared by every run and "
            "process (env INTERFACEFLOW_THERMO_CACHE_DIR); a relative path is made absolute "
            "against the working directory when the settings are read."
        ),
    )
    calculator_plugin: str = Field(
        default="sevennet",
        description="Default calculator plugin: SevenNet-0 ships its weights in the sevenn wheel.",
    )
    calculator_model: str = Field(default="7net-0", description="Default model of the default plugin.")
    device: Device = Field(default="auto")
    dtype: DType = Field(default="float32")
    trust_pickled_models: bool = Field(
        default=False,
        description=(
            "Unpickle any MACE .model file (torch.load(weights_only=False)) wherever it lies "
            "(env INTERFACEFLOW_TRUST_PICKLED_MODELS). A pickled model runs arbitrary code when "
            "loaded; by default only files in a plugin's own model cache or under trusted_model_dirs load."
        ),
    )
    trusted_model_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description=(
            "Directories whose pickled model files are trusted, besides the plugins' own caches "
            "(env INTERFACEFLOW_TRUSTED_MODEL_DIRS, separated by ':')."
        ),
    )
    store_timeout_s: float = Field(
        default=5.0,
        gt=0,
        description=(
            "How long to wait for a MongoDB (or other server) store to answer before giving up, s "
            "(env INTERFACEFLOW_STORE_TIMEOUT_S)."
        ),
    )
    max_local_hours: float = Field(
        default=4.0,
        gt=0,
        description=(
            "A local 'interfaceflow run' whose estimated wall time (from a short timing of the "
            "calculator on the recipe's atoms) exceeds this many hours asks for confirmation or "
            "--yes (env INTERFACEFLOW_MAX_LOCAL_HOURS)."
        ),
    )

    @field_validator("trusted_model_dirs", mode="before")
    @classmethod
    def _split_dirs(cls, value):
        if isinstance(value, str):
            return [part for part in value.split(":") if part.strip()]
        return value

    @field_validator("trusted_model_dirs", mode="after")
    @classmethod
    def _absolute_dirs(cls, value: list[Path]) -> list[Path]:
        return [path.expanduser().resolve() for path in value]

    @field_validator("run_dir", "thermo_cache_dir", mode="after")
    @classmethod
    def _absolute_cache(cls, value: Path) -> Path:
        return value.expanduser().resolve()


@lru_cache(maxsize=1)
def get_settings() -> InterfaceflowSettings:
    """Return the process-wide settings (read once; call ``get_settings.cache_clear()`` to reload).

    Raises:
        InterfaceflowError: an ``INTERFACEFLOW_*`` environment variable (or ``.env`` entry) has an
            invalid value; the one-line message names the variable and the allowed values.
    """
    from pydantic import ValidationError

    from interfaceflow.errors import InterfaceflowError

    try:
        return InterfaceflowSettings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            variable = f"{InterfaceflowSettings.model_config['env_prefix']}{field.upper()}"
            given = error.get("input")
            reason = error["msg"].removeprefix("Value error, ")
            reason = reason[:1].lower() + reason[1:]
            if error["type"].startswith("bool_"):
                reason += " (use true or false)"
            problems.append(f"{variable}={given!r}: {reason}")
        raise InterfaceflowError(
            f"invalid environment setting {'; '.join(problems)}; set a valid value or unset it "
            "(check the environment and any .env file in the working directory)"
        ) from None
