"""Provenance helpers shared by every result document: file hashes and package versions."""

from __future__ import annotations

import hashlib
import platform
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

TRACKED_PACKAGES = (
    "interfaceflow",
    "ase",
    "pymatgen",
    "jobflow",
    "maggma",
    "numpy",
    "torch",
    "mace-torch",
    "sevenn",
    "chgnet",
    "e3nn",
)


def sha256_file(path: str | Path, chunk_bytes: int = 1 << 20) -> str:
    """Return the hex sha256 of a file, read in chunks so large weights never sit in memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


def package_version(name: str) -> str | None:
    """Installed version of a distribution, or None when it is not installed."""
    try:
        return version(name)
    except PackageNotFoundError:
        return None


@lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    """Versions of the packages that determine a result (only those installed), plus Python."""
    versions = {name: v for name in TRACKED_PACKAGES if (v := package_version(name))}
    versions["python"] = platform.python_version()
    return versions
