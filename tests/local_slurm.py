"""A real one-node Slurm cluster on localhost for the HPC tests (Debian's slurm-wlm + munge).

:func:`start_local_slurm` writes a ``slurm.conf`` (with one fake GPU, so ``--gres=gpu:1`` requests
are accepted) into a folder of its own, starts munged if it is not running, then slurmctld and
slurmd with that config, and waits until the partition accepts jobs. ``SLURM_CONF`` points every
Slurm client of the calling process (sbatch, squeue, scancel) at it. :func:`stop_local_slurm`
stops the daemons by the pids in their pid files.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SLURM_CONF = """\
ClusterName=iflocal
SlurmctldHost={host}
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldLogFile={root}/log/ctld.log
SlurmdLogFile={root}/log/d.log
SlurmctldPidFile={root}/ctld.pid
SlurmdPidFile={root}/d.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
KillWait={kill_wait_s}
InactiveLimit=0
GresTypes=gpu
NodeName={host} CPUs={cpus} RealMemory=4000 Gres=gpu:1 State=UNKNOWN
PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP
"""
GRES_CONF = "AutoDetect=off\nNodeName={host} Name=gpu File=/dev/null\n"


@dataclass
class LocalSlurm:
    """A running local cluster: its config file and folder."""

    root: Path
    conf: Path
    host: str
    started_munge: bool = False


def slurm_installed() -> bool:
    """True when the Slurm daemons and munge are on this machine."""
    return all(shutil.which(tool) for tool in ("slurmctld", "slurmd", "sbatch", "munged"))


MUNGE_PID_FILE = Path("/run/munge/munged.pid")


def _start_munge() -> bool:
    """Start munged unless it runs; True when this call started it."""
    if subprocess.run(["pgrep", "-x", "munged"], capture_output=True).returncode == 0:
        return False
    Path("/run/munge").mkdir(parents=True, exist_ok=True)
    shutil.chown("/run/munge", "munge", "munge")
    key = Path("/etc/munge/munge.key")
    if not key.exists():
        subprocess.run(["mungekey", "-c"], check=True)
    shutil.chown(key, "munge", "munge")
    key.chmod(0o400)
    subprocess.run(["su", "-s", "/bin/sh", "munge", "-c", "/usr/sbin/munged"], check=True)
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("", 0))
        return sock.getsockname()[1]


def _alive(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text().strip()), 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return False
    return True


def start_local_slurm(root: Path, kill_wait_s: int = 30, timeout_s: float = 60.0) -> LocalSlurm:
    """Start slurmctld + slurmd with a config in ``root``; return when ``debug`` is idle.

    The daemons listen on free ports, so a Slurm already running on this machine is left alone
    (and never answers in their place).
    """
    host = socket.gethostname().split(".")[0]
    ctld_port, d_port = _free_port(), _free_port()
    for sub in ("state", "spool", "log"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    conf = root / "slurm.conf"
    conf.write_text(SLURM_CONF.format(host=host, root=root, cpus=os.cpu_count() or 1,
                                      ctld_port=ctld_port, d_port=d_port, kill_wait_s=kill_wait_s))
    (root / "gres.conf").write_text(GRES_CONF.format(host=host))
    os.environ["SLURM_CONF"] = str(conf)
    started_munge = _start_munge()
    subprocess.run(["slurmctld", "-f", str(conf)], check=True)
    subprocess.run(["slurmd", "-f", str(conf)], check=True)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True).stdout
        daemons_up = _alive(root / "ctld.pid") and _alive(root / "d.pid")
        if daemons_up and state.strip() in ("idle", "mixed", "allocated"):
            return LocalSlurm(root=root, conf=conf, host=host, started_munge=started_munge)
        if "drain" in state or "inval" in state:
            subprocess.run(["scontrol", "update", f"nodename={host}", "state=resume"])
        time.sleep(1)
    log = (root / "log" / "ctld.log").read_text()[-2000:] if (root / "log" / "ctld.log").exists() else ""
    stop_local_slurm(root, stop_munge=started_munge)
    raise RuntimeError(f"local Slurm did not come up within {timeout_s} s: {log}")


def stop_local_slurm(root: Path, stop_munge: bool = False) -> None:
    """Stop the daemons started by :func:`start_local_slurm` (by pid, never by name)."""
    pid_files = [root / "d.pid", root / "ctld.pid"] + ([MUNGE_PID_FILE] if stop_munge else [])
    for pid_file in pid_files:
        try:
            os.kill(int(pid_file.read_text().strip()), 15)
        except (FileNotFoundError, ValueError, ProcessLookupError):
            pass
