"""Use an interfaceflow calculator plugin in atomate2's force-field makers.

atomate2's ``ForceFieldRelaxMaker``, ``ForceFieldStaticMaker`` and ``ForceFieldMDMaker`` build their
ASE calculator as ``calculator_meta(**calculator_kwargs)``, where ``calculator_meta`` is one of their
``MLFF`` names, an import path ``"module.callable"`` or a monty dict. Giving the function below as
``force_field_name`` (atomate2 turns a function into its import path,
``"interfaceflow.plugins.atomate2.interfaceflow_calculator"``) and the arguments of
:func:`interfaceflow.plugins.get_calculator` as ``calculator_kwargs`` makes the maker use the
calculator of interfaceflow's cached factory, i.e. the very same object interfaceflow's own makers
use in this process, with the same plugin, model, device and dtype resolution::

    from atomate2.forcefields.jobs import ForceFieldRelaxMaker
    from interfaceflow.plugins.atomate2 import interfaceflow_calculator

    maker = ForceFieldRelaxMaker(
        force_field_name=interfaceflow_calculator,
        calculator_kwargs={"plugin": "sevennet", "model": "7net-0", "device": "cpu", "dtype": "float32"},
        steps=50,
    )
    job = maker.make(structure)

Equivalent spellings atomate2 accepts (JSON-friendly, e.g. in a workflow file):
``calculator_meta="interfaceflow.plugins.atomate2.interfaceflow_calculator"`` or
``force_field_name={"@module": "interfaceflow.plugins.atomate2",
"@callable": "interfaceflow_calculator"}``. Any plugin works, including one added with
:func:`interfaceflow.plugins.register_plugin` in the process that runs the job; missing
``calculator_kwargs`` take interfaceflow's settings (``INTERFACEFLOW_CALCULATOR_PLUGIN``, ...).

atomate2's task document then names the calculator ``interfaceflow_calculator`` with package
``interfaceflow`` (its ``force_field_name`` stays the placeholder ``MLFF.Forcefield``); the model
and weights hash are not recorded there: ``get_calculator(**calculator_kwargs).provenance`` gives
them. The calculator is shared by every job of the process (as in interfaceflow), so run such jobs
one after another in a process, not from several threads at once.
"""

from __future__ import annotations

from typing import Any

from ase.calculators.calculator import Calculator

from interfaceflow.plugins.registry import get_calculator


def interfaceflow_calculator(
    plugin: str | None = None,
    model: str | None = None,
    device: str | None = None,
    dtype: str | None = None,
    **kwargs: Any,
) -> Calculator:
    """The ASE calculator of ``get_calculator(plugin, model, device, dtype, **kwargs)`` (cached).

    Give this function as an atomate2 force-field maker's ``force_field_name`` and these arguments
    as its ``calculator_kwargs``.
    """
    return get_calculator(plugin, model, device, dtype, **kwargs).calculator
