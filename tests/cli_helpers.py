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


#: --set overrides that make the shipped Li | Li6PS5Cl recipe a toy run (about a minute of MLIP).
TOY = [
    "--set", "max_atoms=110", "--set", "relax.steps=5", "--set", "md.steps=20", "--set", "md.heat_steps=0",
    "--set", "md.heat_from_K=null", "--set", "md.traj_interval=1", "--set", "md.checkpoint_interval=10",
    "--set", "md.log_interval=10", "--set", "calculator.device=cpu", "--set", "thermo.steps=3",
]


def run_toy_study(store: Path, *extra: str):
    """``interfaceflow run li_li6ps5cl`` at toy size into ``store`` (runs next to it)."""
    return run_cli("run", "li_li6ps5cl", "--store", str(store), *TOY, *extra, "--json",
                   env_extra={"INTERFACEFLOW_RUN_DIR": str(store.parent / "runs")})


def invoke_cli(*args: str):
    """Run ``interfaceflow ARGS`` through the console-script entry point in this process (fast,
    and the same error handling as the installed command); returns ``(exit_code, stdout, stderr)``."""
    import contextlib
    import io

    from interfaceflow.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["interfaceflow", *args]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


def assert_one_line(code: int, stderr: str, *fragments: str) -> str:
    """A bad input: non-zero exit, exactly one ``error: ...`` line naming ``fragments``, no traceback."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code != 0, stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr[-2000:]
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def stored_document_count(store_dir: Path) -> int:
    """Job documents in the embedded store at ``store_dir`` (0 when it was never created)."""
    if not Path(store_dir).exists():
        return 0
    from interfaceflow.store import embedded_job_store

    store = embedded_job_store(store_dir)
    store.connect()
    return store.count()
