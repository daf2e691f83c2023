"""Records of local runs in progress or interrupted: ``<run_dir>/active/<flow uuid>.json``.

A local ``interfaceflow run`` writes one record when its Flow starts and removes it when the Flow
finishes or fails (a failure rolls the store back). A record left behind means the run was stopped:
``status: interrupted`` (SIGINT/SIGTERM, checkpointed, resumable) or ``running`` with a process that
no longer exists (SIGKILL, power loss). The store documents of such a Flow are *incomplete*; a record
whose process is alive marks a run that another process is doing right now, whose documents must not
be touched.
"""

from __future__ import annotations

import json
import os
import socket
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Literal

import psutil
from pydantic import BaseModel, Field

from interfaceflow.settings import get_settings

RunStatus = Literal["running", "interrupted"]


class RunRecord(BaseModel):
    """One local run that has not finished: who runs it, where it stores, how to resume it."""

    flow_uuid: str
    name: str = Field(description="Recipe name.")
    pid: int
    pid_started: float | None = Field(
        default=None, description="Start time of process ``pid`` (s since the epoch), which tells a "
        "reused pid from the recording process."
    )
    hostname: str
    started: str = Field(description="ISO 8601 UTC start time.")
    status: RunStatus = "running"
    store: str = Field(default="", description="Store directory or spec file the run writes to.")
    payload: dict[str, Any] = Field(
        default_factory=dict, description="What a resume needs (the recipe, the serialised Flow)."
    )

    @property
    def alive(self) -> bool:
        """True while the recording process still runs (only decidable on the same host)."""
        if self.hostname != socket.gethostname():
            return True  # cannot tell: never treat another host's run as dead
        try:
            started = psutil.Process(self.pid).create_time()
        except psutil.NoSuchProcess:
            return False
        except psutil.AccessDenied:
            return True
        # a different start time: the recording process died and the system gave its pid to another
        return self.pid_started is None or abs(started - self.pid_started) < 1.0

    @property
    def resumable(self) -> bool:
        """Interrupted, or its process is gone."""
        return self.status == "interrupted" or not self.alive


def registry_dir() -> Path:
    """The folder of run records under the ``run_dir`` setting."""
    return get_settings().run_dir / "active"


def record_path(flow_uuid: str) -> Path:
    """The record file of Flow ``flow_uuid``."""
    return registry_dir() / f"{flow_uuid}.json"


def write_record(record: RunRecord) -> None:
    """Write (or overwrite) a record atomically."""
    path = record_path(record.flow_uuid)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(record.model_dump_json(indent=1))
    os.replace(tmp, path)


def read_record(flow_uuid: str) -> RunRecord | None:
    """The record of Flow ``flow_uuid``, or None."""
    path = record_path(flow_uuid)
    if not path.is_file():
        return None
    return RunRecord.model_validate_json(path.read_text())


def list_records() -> list[RunRecord]:
    """Every record, oldest first; unreadable files are skipped."""
    records = []
    for path in sorted(registry_dir().glob("*.json")):
        try:
            records.append(RunRecord.model_validate_json(path.read_text()))
        except (OSError, ValueError):
            continue
    return sorted(records, key=lambda r: r.started)


def remove_record(flow_uuid: str) -> None:
    """Forget Flow ``flow_uuid`` (finished, failed, or cleaned)."""
    record_path(flow_uuid).unlink(missing_ok=True)


@contextmanager
def recorded_run(flow_uuid: str, name: str, store: str = "",
                 payload: dict[str, Any] | None = None) -> Iterator[RunRecord]:
    """Keep a record while the body runs; remove it on success or failure.

    The body marks an interruption by setting ``record.status = "interrupted"`` and calling
    :func:`write_record`; such a record survives the exit for ``--resume``.
    """
    record = RunRecord(
        flow_uuid=flow_uuid, name=name, pid=os.getpid(), pid_started=psutil.Process().create_time(),
        hostname=socket.gethostname(),
        started=datetime.now(timezone.utc).isoformat(timespec="seconds"), store=store,
        payload=payload or {},
    )
    write_record(record)
    try:
        yield record
    except BaseException:
        current = read_record(flow_uuid)
        if current is None or current.status != "interrupted":
            remove_record(flow_uuid)
        raise
    else:
        current = read_record(flow_uuid)
        if current is None or current.status != "interrupted":
            remove_record(flow_uuid)
