"""Queue submission (Slurm, PBS) through jobflow-remote.

* :mod:`~interfaceflow.hpc.project`: the project file ``interfaceflow hpc init`` writes;
* :mod:`~interfaceflow.hpc.placement`: GPU/CPU worker, resources and walltime of each job;
* :mod:`~interfaceflow.hpc.submit`: :func:`submit_study` / :func:`submit_flow`;
* :mod:`~interfaceflow.hpc.queue`: the job controller and a foreground runner;
* :mod:`~interfaceflow.hpc.status`, :mod:`~interfaceflow.hpc.control`: status, cancel, resume.

Import the functions from their modules; this package imports nothing heavy on its own.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {
    "submit_study": "submit",
    "submit_flow": "submit",
    "flow_status": "status",
    "cancel_flow": "control",
    "resume_flow": "control",
    "run_until_finished": "queue",
    "HPCProjectSpec": "project",
    "write_project": "project",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f"interfaceflow.hpc.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'interfaceflow.hpc' has no attribute {name!r}")


__all__ = sorted(_EXPORTS)
