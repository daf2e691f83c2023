"""Run the interfaceflow CLI in a fresh process, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(*args: str, env_extra: dict[str, str] | None = None, cwd: Path | None = None):
    """Run ``python -m interfaceflow ARGS`` in a fresh process and return the CompletedProcess."""
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "interfaceflow", *args],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=900,
    )
