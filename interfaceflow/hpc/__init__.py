"""Queue submission (Slurm, PBS) through jobflow-remote."""
