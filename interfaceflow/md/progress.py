"""Progress of a running MD: a rich progress bar and log lines (step, T, Epot, ns/day, ETA)."""

from __future__ import annotations

import logging
import sys
import time
from datetime import timedelta

logger = logging.getLogger("interfaceflow.md")


def ns_per_day(steps: int, timestep_fs: float, wall_s: float) -> float:
    """Simulated nanoseconds per day of wall time."""
    return steps * timestep_fs * 1e-6 / wall_s * 86400.0 if wall_s > 0 else float("nan")


class MDProgress:
    """Reports the progress of one ``run_md`` call; ``enabled=False`` keeps only the log lines."""

    def __init__(self, total_steps: int, start_step: int, stop_step: int, timestep_fs: float, *, enabled: bool = True):
        self.total_steps = total_steps
        self.start_step = start_step
        self.timestep_fs = timestep_fs
        self._t0 = time.perf_counter()
        self._bar = None
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("MD"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[info]}"),
                TimeRemainingColumn(),
                console=Console(file=sys.stderr),
                transient=False,
            )
            self._task = self._bar.add_task("md", total=stop_step, completed=start_step, info="")
            self._bar.start()

    def elapsed_s(self) -> float:
        """Wall time since this call started."""
        return time.perf_counter() - self._t0

    def rates(self, step: int) -> tuple[float, float]:
        """(ns/day, ETA in s to the end of the whole run) from the steps done in this call."""
        done = step - self.start_step
        wall = self.elapsed_s()
        if done <= 0:
            return float("nan"), float("nan")
        return ns_per_day(done, self.timestep_fs, wall), wall / done * (self.total_steps - step)

    def update(self, step: int, temperature_K: float, energy_eV: float | None, *, log: bool) -> None:
        """Advance the bar to ``step``; emit a log line when ``log``."""
        rate, eta = self.rates(step)
        info = f"T={temperature_K:7.1f} K  {rate:8.3f} ns/day"
        if self._bar is not None:
            self._bar.update(self._task, completed=step, info=info)
        if log:
            eta_text = str(timedelta(seconds=round(eta))) if eta == eta else "?"
            energy = f"{energy_eV:.6f} eV" if energy_eV is not None else "n/a"
            logger.info(
                "step %d/%d  T=%.1f K  Epot=%s  %.3f ns/day  ETA %s",
                step, self.total_steps, temperature_K, energy, rate, eta_text,
            )

    def close(self) -> None:
        """Stop the bar."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
