"""MLIP relaxation and molecular dynamics engines (pure functions, no jobflow).

* :mod:`interfaceflow.md.settings`: ``MDSettings``, ``RelaxSettings`` (pydantic, unknown keys are errors);
* :mod:`interfaceflow.md.engine`: ``run_md`` (streamed H5MD, checkpoints, restart, chunks, guards);
* :mod:`interfaceflow.md.relax`: ``run_relax`` (FIRE/BFGS, fixed atoms, cell along the normal);
* :mod:`interfaceflow.md.dynamics`, ``checkpoint``, ``guards``, ``progress``: the parts of ``run_md``.

The jobflow makers that call them live in :mod:`interfaceflow.workflows.md`.
"""
