"""Core commands: run, plugins, results, show."""

from __future__ import annotations
