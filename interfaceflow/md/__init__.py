"""MLIP relaxation and molecular dynamics engines (pure functions, no jobflow)."""
