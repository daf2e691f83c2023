"""jobflow makers: relax then MD, chunking through Response(replace=...), failure, data routing."""

from __future__ import annotations

import json

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.constraints import FixAtoms
from jobflow import Flow, run_locally
from pymatgen.io.ase import AseAtomsAdaptor

from interfaceflow.io.h5md import H5MDReader
from interfaceflow.plugins import CalculatorPlugin, register_plugin, unregister_plugin
from interfaceflow.workflows.md import InterfaceMDMaker, InterfaceRelaxMaker, MDDocument

CALCULATOR = {"plugin": "emt-test", "model": "EMT", "device": "cpu", "dtype": "float64"}


class EMTPlugin(CalculatorPlugin):
    """ASE's EMT as a calculator plugin (the built-in plugins have no EMT); records each creation."""

    name = "emt-test"
    default_model = "EMT"

    def __init__(self):
        self.created = []

    def create(self, model, device, dtype, **kwargs):
        self.created.append({"model": model, "device": device, "dtype": dtype, **kwargs})
        return EMT()


@pytest.fixture
def emt_registry():
    """Register the EMT plugin as ``emt-test`` for the makers' calculator spec; yield its creations."""
    plugin = EMTPlugin()
    register_plugin("emt-test", plugin)
    yield plugin.created
    unregister_plugin("emt-test")


def _structure(fixed: int = 2):
    atoms = bulk("Cu", cubic=True).repeat((2, 2, 2))
    atoms.rattle(0.05, seed=5)
    atoms.set_constraint(FixAtoms(indices=range(fixed)))
    structure = AseAtomsAdaptor.get_structure(atoms)
    structure.add_site_property("region", ["electrode"] * 16 + ["electrolyte"] * 16)
    return structure


MD_SETTINGS = dict(
    steps=60, traj_interval=5, checkpoint_interval=10, temperature_K=600, timestep_fs=2.0, exact_restart=True
)


def _newest_outputs(responses, uuid):
    return [responses[uuid][index].output for index in sorted(responses[uuid])]


def test_relax_then_chunked_md_flow(emt_registry, memory_job_store):
    calculator = CALCULATOR
    relax = InterfaceRelaxMaker(calculator=calculator, settings={"steps": 30, "fmax_eV_per_A": 0.1}).make(_structure())
    md = InterfaceMDMaker(
        calculator=calculator, settings={**MD_SETTINGS, "chunk_steps": 20}, progress=False
    ).make(relax.output.structure, interface_z_A=[3.6])
    responses = run_locally(Flow([relax, md]), store=memory_job_store, create_folders=False, ensure_success=True)

    relax_doc = responses[relax.uuid][1].output
    assert relax_doc.converged and relax_doc.steps > 0
    assert relax_doc.structure.site_properties["selective_dynamics"][0] == [False, False, False]
    assert relax_doc.structure.site_properties["region"][20] == "electrolyte"

    chunks = _newest_outputs(responses, md.uuid)
    assert [(d.status, d.start_step, d.steps_done, d.chunk_index) for d in chunks] == [
        ("chunk_done", 0, 20, 0), ("chunk_done", 20, 40, 1), ("completed", 40, 60, 2)
    ]
    final = chunks[-1]
    assert isinstance(final, MDDocument)
    assert len({d.trajectory_path for d in chunks}) == 1  # every chunk appends to one file
    assert final.n_frames == 13 and final.regions[0] == "electrode" and final.interface_z_A == [3.6]
    assert final.per_atom_energies and final.calculator["plugin"] == "emt-test"
    assert final.timings.ns_per_day > 0
    with H5MDReader(final.trajectory_path) as traj:
        assert list(traj.steps()) == list(range(0, 61, 5))
        assert list(traj.regions[:2]) == ["electrode", "electrode"]
        positions = traj.positions()
        assert np.array_equal(positions[:, :2], np.broadcast_to(positions[0, :2], (13, 2, 3)))
    # relax and the three MD chunks share the one calculator of the cached factory
    assert emt_registry == [{"model": "EMT", "device": "cpu", "dtype": "float64"}]
    assert {k: final.calculator[k] for k in ("model", "device", "dtype")} == emt_registry[0]

    # the stored document for the MD uuid is the last chunk's; the relax arrays went to `data`
    stored = memory_job_store.query_one({"uuid": md.uuid}, sort={"index": -1})
    assert stored["output"]["status"] == "completed" and stored["index"] == 3
    relax_stored = memory_job_store.query_one({"uuid": relax.uuid})
    assert "blob_uuid" in relax_stored["output"]["arrays"]
    # the trajectory is referenced by path, never embedded: the stored document stays small
    assert len(json.dumps(stored["output"], default=str)) < 30_000


def test_chunked_flow_equals_one_job(emt_registry, memory_job_store, tmp_path):
    structure = _structure()
    one = InterfaceMDMaker(
        calculator=CALCULATOR, settings=MD_SETTINGS, run_name="one", progress=False
    ).make(structure)
    three = InterfaceMDMaker(
        calculator=CALCULATOR, settings={**MD_SETTINGS, "chunk_steps": 20}, run_name="three", progress=False
    ).make(structure)
    responses = run_locally(Flow([one, three]), store=memory_job_store, create_folders=False, ensure_success=True)
    paths = [_newest_outputs(responses, job.uuid)[-1].trajectory_path for job in (one, three)]
    with H5MDReader(paths[0]) as a, H5MDReader(paths[1]) as b:
        assert np.array_equal(a.positions(), b.positions())
        assert np.array_equal(a.velocities(), b.velocities())


def test_exploding_md_job_fails_with_the_guard_message(emt_registry, memory_job_store):
    structure = _structure(fixed=0)
    structure.translate_sites([3], structure[0].coords - structure[3].coords + [0.2, 0.2, 0.2], frac_coords=False)
    md = InterfaceMDMaker(
        calculator=CALCULATOR, settings=MD_SETTINGS, run_name="boom", progress=False
    ).make(structure)
    responses = run_locally(md, store=memory_job_store, create_folders=False)
    assert md.uuid not in responses or 1 not in responses[md.uuid]
    with pytest.raises(Exception, match=r"MD stopped at step 0: atoms 0 \(Cu\) and 3 \(Cu\) are 0\.346 Å apart"):
        md.run(memory_job_store)


def test_makers_validate_settings_when_built():
    from interfaceflow.errors import MDError, PluginError

    with pytest.raises(MDError, match="unknown md setting stepz; use ensemble"):
        InterfaceMDMaker(settings={"stepz": 10})
    with pytest.raises(PluginError, match="invalid calculator setting device"):
        InterfaceMDMaker(calculator={"plugin": "sevennet", "device": "tpu"})
    maker = InterfaceRelaxMaker(settings={"optimizer": "BFGS"})
    assert maker.settings.optimizer == "BFGS" and maker.settings.fmax_eV_per_A == 0.05
    assert InterfaceMDMaker().settings.ensemble == "nvt_langevin"  # typed MDSettings with defaults
