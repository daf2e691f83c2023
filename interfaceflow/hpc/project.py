"""The jobflow-remote project of a cluster: what ``interfaceflow hpc init`` writes.

A project file (``~/.jfremote/<name>.yaml``, jobflow-remote's projects folder) holds

* two workers on one scheduler and host: ``gpu`` (MD and relaxation jobs) and ``cpu`` (build,
  thermodynamic references, analyses, summary); with ``gpus_per_job = 0`` only ``cpu``;
* the queue store (MongoDB for a runner daemon; ``memory`` for ``submit --wait`` without a server);
* the job store where results land (the embedded on-disk store by default, so ``interfaceflow
  results --store DIR`` reads them as after a local run);
* the execution config ``interfaceflow`` (``module load`` lines and the absolute run directory);
* ``metadata.interfaceflow``: this module's :class:`HPCProjectSpec`, from which ``submit`` sizes
  each job's resources.

Every value that reaches the job script (paths, module names, partitions) is checked against
:data:`SAFE_TOKEN`: jobflow-remote and qtoolkit write it into a shell script unquoted.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from interfaceflow.errors import HPCError
from interfaceflow.settings import get_settings

SAFE_TOKEN = re.compile(r"^[A-Za-z0-9_.,:/@%+=-]+$")
EXEC_CONFIG_NAME = "interfaceflow"
METADATA_KEY = "interfaceflow"
Scheduler = Literal["slurm", "pbs"]


class ResourceProfile(BaseModel):
    """What one job of a worker asks the scheduler for (times in s, memory in MB)."""

    model_config = ConfigDict(extra="forbid")

    partition: str | None = Field(default=None, description="Slurm partition / PBS queue.")
    account: str | None = None
    qos: str | None = Field(default=None, description="Slurm QOS (PBS: ignored).")
    gpus_per_job: int = Field(default=0, ge=0)
    cpus_per_job: int = Field(default=1, ge=1, description="Threads of the one process per job.")
    memory_per_cpu_MB: int | None = Field(default=None, gt=0)
    walltime_s: int = Field(default=4 * 3600, ge=60, description="Default walltime of a job.")

    @field_validator("partition", "account", "qos")
    @classmethod
    def _safe(cls, value: str | None) -> str | None:
        return value if value is None else _safe_for_validator(value, "queue option")


def _safe_for_validator(value: str, what: str) -> str:
    if not SAFE_TOKEN.match(value):
        raise ValueError(
            f"{what} {value!r} holds characters a job script would interpret (spaces, quotes, $, "
            ";, ...); use plain letters, digits and _ . , : / @ % + = -"
        )
    return value


class HPCProjectSpec(BaseModel):
    """Everything ``interfaceflow hpc init`` asks for; stored in the project's metadata."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="interfaceflow", pattern=r"^[A-Za-z0-9_.-]+$")
    scheduler: Scheduler = "slurm"
    host: str = Field(default="local", description="'local', or the login node reached by SSH.")
    user: str | None = Field(default=None, description="SSH user for a remote host.")
    work_dir: Path = Field(description="Absolute folder on the cluster for jobflow-remote's job folders.")
    run_dir: Path | None = Field(
        default=None,
        description="Absolute folder of MD work directories (trajectory, checkpoint); "
        "default <work_dir>/interfaceflow-runs. Must be visible to every worker.",
    )
    python_env: Path = Field(description="Virtual environment with interfaceflow on the nodes.")
    modules: list[str] = Field(default_factory=list, description="Environment modules to load.")
    queue_store: str = Field(
        default="memory",
        description="mongodb://[user:password@]host[:port]/database, or 'memory' (no server: "
        "submit --wait runs the runner in the submitting process).",
    )
    job_store_dir: Path = Field(
        default_factory=lambda: get_settings().store,
        description="Embedded job store folder where results land (read by 'interfaceflow results').",
    )
    gpu: ResourceProfile | None = Field(
        default_factory=lambda: ResourceProfile(gpus_per_job=1, cpus_per_job=4),
        description="Resources of MD and relaxation jobs; None puts every job on the cpu worker.",
    )
    cpu: ResourceProfile = Field(default_factory=ResourceProfile)
    poll_s: int = Field(default=30, ge=1, description="How often the runner polls the queue.")

    @field_validator("work_dir", "run_dir", "python_env", "job_store_dir")
    @classmethod
    def _absolute_safe_path(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if not value.is_absolute():
            raise ValueError(f"{value} is not an absolute path")
        _safe_for_validator(str(value), "path")
        return value

    @field_validator("modules", mode="after")
    @classmethod
    def _safe_modules(cls, modules: list[str]) -> list[str]:
        return [_safe_for_validator(m, "module name") for m in modules]

    @field_validator("host", "user")
    @classmethod
    def _safe_host(cls, value: str | None) -> str | None:
        return value if value is None else _safe_for_validator(value, "host/user")

    @model_validator(mode="after")
    def _queue_store_form(self) -> HPCProjectSpec:
        if self.queue_store != "memory" and not self.queue_store.startswith(("mongodb://", "mongodb+srv://")):
            raise ValueError("queue_store must be 'memory' or a mongodb:// URI")
        return self

    @property
    def md_run_dir(self) -> Path:
        """Where MD jobs keep their work directories (absolute, shared by reruns)."""
        return self.run_dir or self.work_dir / "interfaceflow-runs"

    @property
    def gpu_worker(self) -> str:
        """Worker name of MD and relaxation jobs."""
        return "gpu" if self.gpu is not None else "cpu"

    def profile(self, worker: str) -> ResourceProfile:
        """The resource profile of worker ``gpu`` or ``cpu``."""
        return self.gpu if worker == "gpu" and self.gpu is not None else self.cpu


def qresources(spec: HPCProjectSpec, profile: ResourceProfile, walltime_s: int | None = None):
    """A scheduler-agnostic qtoolkit ``QResources`` for one job of ``profile``.

    PBS has no ``gpus_per_job`` in qtoolkit: GPUs are asked for in the ``select`` chunk
    (``select=1:ncpus=N:ngpus=G``), as PBS Pro and OpenPBS expect.
    """
    from qtoolkit.core.data_objects import QResources

    fields: dict[str, Any] = dict(
        queue_name=profile.partition,
        account=profile.account,
        processes=1,
        threads_per_process=profile.cpus_per_job,
        memory_per_thread=profile.memory_per_cpu_MB,
        time_limit=int(walltime_s or profile.walltime_s),
    )
    kwargs: dict[str, Any] = {}
    if spec.scheduler == "slurm":
        fields["gpus_per_job"] = profile.gpus_per_job or None
        if profile.qos:
            fields["qos"] = profile.qos
    elif profile.gpus_per_job:
        select = f"select=1:ncpus={profile.cpus_per_job}:ngpus={profile.gpus_per_job}"
        if profile.memory_per_cpu_MB:
            select += f":mem={profile.cpus_per_job * profile.memory_per_cpu_MB}mb"
        kwargs["select"] = select
    if kwargs:
        fields["scheduler_kwargs"] = kwargs
    return QResources(**{k: v for k, v in fields.items() if v is not None})


def _worker_document(spec: HPCProjectSpec, worker: str) -> dict[str, Any]:
    from qtoolkit.io import scheduler_mapping

    scheduler_io = scheduler_mapping[spec.scheduler]()
    resources = scheduler_io.check_convert_qresources(qresources(spec, spec.profile(worker)))
    document: dict[str, Any] = {
        "type": "local" if spec.host == "local" else "remote",
        "scheduler_type": spec.scheduler,
        "work_dir": str(spec.work_dir / worker),
        "resources": resources,
        # python_env is a checked token (no shell metacharacters); quoting it is belt and braces.
        "pre_run": f"source {shlex.quote(str(spec.python_env / 'bin' / 'activate'))}",
        "execution_cmd": f"{shlex.quote(str(spec.python_env / 'bin' / 'jf'))} -fe execution run {{}}",
    }
    if spec.host != "local":
        document["host"] = spec.host
        if spec.user:
            document["user"] = spec.user
    return document


def _queue_store_document(spec: HPCProjectSpec) -> dict[str, Any]:
    if spec.queue_store == "memory":
        return {"type": "MemoryStore", "collection_name": "jobs"}
    database = urlsplit(spec.queue_store).path.strip("/") or "interfaceflow_queue"
    return {"type": "MongoURIStore", "uri": spec.queue_store, "database": database,
            "collection_name": "jobs"}


def _job_store_document(spec: HPCProjectSpec) -> dict[str, Any]:
    """The embedded store of the project directory, serialised (jobflow-remote loads it by class)."""
    from interfaceflow.store import embedded_job_store

    return embedded_job_store(spec.job_store_dir).as_dict()


def project_document(spec: HPCProjectSpec) -> dict[str, Any]:
    """The jobflow-remote project as a dict, validated by jobflow-remote's ``Project`` model."""
    from jobflow_remote.config.base import Project

    workers = ["gpu", "cpu"] if spec.gpu is not None else ["cpu"]
    delays = {key: spec.poll_s for key in
              ("delay_checkout", "delay_check_run_status", "delay_advance_status")}
    document = {
        "name": spec.name,
        "workers": {worker: _worker_document(spec, worker) for worker in workers},
        "queue": {"store": _queue_store_document(spec)},
        "jobstore": _job_store_document(spec),
        "exec_config": {
            EXEC_CONFIG_NAME: {
                "modules": list(spec.modules) or None,
                "export": {"INTERFACEFLOW_RUN_DIR": str(spec.md_run_dir)},
            }
        },
        "runner": delays,
        "metadata": {METADATA_KEY: spec.model_dump(mode="json")},
    }
    try:
        Project.model_validate(document)
    except ValidationError as exc:
        raise HPCError(f"jobflow-remote rejects the project: {_first_error(exc)}") from None
    return document


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"{'.'.join(map(str, error['loc']))}: {error['msg']}"


def projects_folder() -> Path:
    """jobflow-remote's projects folder (``JFREMOTE_PROJECTS_FOLDER``, default ``~/.jfremote``)."""
    from jobflow_remote import SETTINGS

    return Path(SETTINGS.projects_folder).expanduser()


def write_project(spec: HPCProjectSpec, overwrite: bool = False) -> Path:
    """Write the project file of ``spec`` into jobflow-remote's projects folder; return its path."""
    document = project_document(spec)
    path = projects_folder() / f"{spec.name}.yaml"
    if path.exists() and not overwrite:
        raise HPCError(f"project file {path} exists; pass --force to replace it or choose --name")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(yaml.safe_dump(document, sort_keys=False))
    tmp.chmod(0o600)  # it may hold the queue store's password
    tmp.replace(path)
    for folder in (spec.md_run_dir, spec.job_store_dir) if spec.host == "local" else ():
        folder.mkdir(parents=True, exist_ok=True)
    return path


def load_project(name: str | None = None):
    """jobflow-remote's ``Project`` by name (default: ``JFREMOTE_PROJECT`` or the only one)."""
    from jobflow_remote.config import ConfigManager
    from jobflow_remote.config.base import ConfigError

    try:
        return ConfigManager().get_project(name)
    except ConfigError as exc:
        where = projects_folder()
        broken = _broken_project_file(where, name) if name else None
        if broken:
            raise HPCError(broken) from None
        raise HPCError(
            f"no jobflow-remote project {name or '(default)'} in {where} ({_one_line(exc)}); "
            "create one with 'interfaceflow hpc init' or pass --project"
        ) from None


def _broken_project_file(folder: Path, name: str) -> str | None:
    """Why the project file of ``name`` in ``folder`` does not load, or None if there is none."""
    from jobflow_remote.config.base import Project

    from interfaceflow.safe_yaml import YAMLProblem, safe_yaml_file

    files = [folder / f"{name}.{ext}" for ext in ("yaml", "yml")]
    path = next((f for f in files if f.is_file()), None)
    if path is None:
        return None
    fix = f"fix it, or recreate it with 'interfaceflow hpc init --name {name} --force'"
    try:
        document = safe_yaml_file(path)
    except YAMLProblem as exc:
        return f"project file {exc}, or recreate it with 'interfaceflow hpc init --name {name} --force'"
    if not isinstance(document, dict):
        return f"project file {path} is not a YAML mapping; {fix}"
    try:
        Project.model_validate(document)
    except ValidationError as exc:
        return f"project file {path} is not a valid jobflow-remote project ({_first_error(exc)}); {fix}"
    return f"project file {path} does not load in jobflow-remote; {fix}"


def project_spec(project) -> HPCProjectSpec:
    """The :class:`HPCProjectSpec` stored in a project by ``hpc init``."""
    stored = (project.metadata or {}).get(METADATA_KEY)
    if stored is None:
        raise HPCError(
            f"project '{project.name}' was not written by 'interfaceflow hpc init' (no "
            "metadata.interfaceflow); recreate it with 'interfaceflow hpc init --name "
            f"{project.name} --force'"
        )
    return HPCProjectSpec.model_validate(stored)


def mask_credentials(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@host`` URI replaced by ***."""
    def mask(match: re.Match) -> str:
        parts = urlsplit(match.group(0))
        if parts.password is None:
            return match.group(0)
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))

    return re.sub(r"[a-z+]+://[^\s'\"]+", mask, text)


def _one_line(exc: Exception) -> str:
    return mask_credentials(" ".join(str(exc).split()))[:300]
