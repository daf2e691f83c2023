"""interfaceflow: MLIP workflows for electrode|electrolyte interfaces in solid-state Li batteries."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("interfaceflow")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
