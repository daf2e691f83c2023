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
