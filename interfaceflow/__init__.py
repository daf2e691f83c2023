"""interfaceflow: MLIP workflows for electrode|electrolyte interfaces in solid-state Li batteries."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("interfaceflow")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = ["Results", "__version__"]


def __getattr__(name: str):
    """``interfaceflow.Results`` without importing the store machinery at package import."""
    if name == "Results":
        from interfaceflow.results import Results

        return Results
    raise AttributeError(f"module 'interfaceflow' has no attribute {name!r}")
