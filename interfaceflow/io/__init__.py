"""Trajectory input/output: streamed H5MD and readers for common formats."""
