"""Trajectory analyses: interphase products, Li transport, space-charge profiles."""
