"""Exception families of interfaceflow.

Every error carries a one-line message that names the problem and the fix; the CLI prints
``error: <message>`` and exits with a non-zero code (see :mod:`interfaceflow.cli`).
"""

from __future__ import annotations


class InterfaceflowError(Exception):
    """Base class: a user-facing error whose message is one actionable line."""

    exit_code = 2


class RecipeError(InterfaceflowError):
    """A recipe (YAML study description) is invalid."""


class PluginError(InterfaceflowError):
    """A calculator plugin is unknown, unavailable, or cannot create its calculator."""


class StructureError(InterfaceflowError):
    """A structure cannot be found, parsed, ordered, matched or built."""


class StoreError(InterfaceflowError):
    """The job store cannot be configured, opened, or queried."""


class MDError(InterfaceflowError):
    """A relaxation or MD run failed (stability guard, bad settings, restart mismatch)."""


class AnalysisError(InterfaceflowError):
    """An analysis cannot run on the given trajectory or settings."""


class HPCError(InterfaceflowError):
    """Queue submission through jobflow-remote failed."""


class RunInterrupted(InterfaceflowError):
    """A local run stopped on SIGINT or SIGTERM; its record (and MD checkpoint) make it resumable.

    ``exit_code`` is the shell's for the signal: 130 (SIGINT), 143 (SIGTERM).
    """

    def __init__(self, message: str, signum: int):
        super().__init__(message)
        self.signum = signum
        self.exit_code = 128 + signum


class ResumeError(InterfaceflowError):
    """A run cannot be resumed: no record of it, its process still runs, or the record is unusable."""


class CostLimitError(InterfaceflowError):
    """A local run is estimated to take longer than the ``max_local_hours`` setting allows."""
