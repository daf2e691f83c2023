"""atomate2's force-field makers on an interfaceflow calculator plugin (interfaceflow.plugins.atomate2)."""

from __future__ import annotations

import numpy as np
import pytest
from ase.calculators.lj import LennardJones
from atomate2.forcefields.jobs import ForceFieldStaticMaker
from jobflow import run_locally
from pymatgen.io.ase import AseAtomsAdaptor

from interfaceflow.plugins import (
    CalculatorPlugin,
    available_plugins,
    get_calculator,
    get_plugin,
    register_plugin,
    unregister_plugin,
)
from interfaceflow.plugins.atomate2 import interfaceflow_calculator
from interfaceflow.structures import load_structure

SEVENNET = {"plugin": "sevennet", "model": "7net-0", "device": "cpu", "dtype": "float32"}


def _li2s():
    structure = load_structure("Li2S")  # conventional antifluorite cell, 12 atoms
    structure.perturb(0.05, min_distance=0.0)  # off the ideal sites: forces are not all zero
    return structure


def _static_job(structure, calculator_kwargs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # atomate2's job directory
    maker = ForceFieldStaticMaker(
        force_field_name=interfaceflow_calculator, calculator_kwargs=calculator_kwargs
    )
    job = maker.make(structure)
    responses = run_locally(job, create_folders=False, ensure_success=True)
    return maker, responses[job.uuid][1].output


def test_atomate2_static_job_uses_the_cached_interfaceflow_calculator(tmp_path, monkeypatch):
    structure = _li2s()
    handle = get_calculator(**SEVENNET)
    handle.calculator.reset()  # so its results afterwards are those of the atomate2 job
    maker, doc = _static_job(structure, SEVENNET, tmp_path, monkeypatch)

    assert maker.calculator_meta == "interfaceflow.plugins.atomate2.interfaceflow_calculator"
    assert doc.forcefield_name == "interfaceflow_calculator" and doc.nsites == 12
    energy = doc.output.energy
    forces = np.array(doc.output.forces)
    assert np.isfinite(energy) and energy < 0
    assert forces.shape == (12, 3) and np.isfinite(forces).all() and np.abs(forces).max() > 1e-3
    # the job ran on the very calculator object of interfaceflow's cached factory
    assert handle.calculator.results["energy"] == pytest.approx(energy, abs=1e-6)
    assert interfaceflow_calculator(**SEVENNET) is handle.calculator
    # and it agrees with interfaceflow's calculator used directly on the same structure
    atoms = AseAtomsAdaptor.get_atoms(structure)
    atoms.calc = handle.calculator
    assert atoms.get_potential_energy() == pytest.approx(energy, abs=1e-4)
    assert np.allclose(atoms.get_forces(), forces, atol=1e-4)


class SoftLJ(CalculatorPlugin):
    """Element-blind Lennard-Jones: a stand-in registered in-process."""

    name = "soft-lj"
    default_model = "soft-lj"

    def create(self, model, device, dtype, **kwargs):
        return LennardJones(sigma=1.8, epsilon=0.02, rc=4.5, smooth=True)


@pytest.fixture
def lj_over_sevennet():
    """Register SoftLJ in-process under the entry-point name 'sevennet', which it then overrides.

    Yields the SevenNet handle cached before the registration; unregisters afterwards.
    """
    sevennet = get_calculator(**SEVENNET)
    register_plugin("sevennet", SoftLJ)
    yield sevennet
    unregister_plugin("sevennet")


def test_in_process_plugin_overrides_an_entry_point_in_atomate2_jobs(
    lj_over_sevennet, tmp_path, monkeypatch
):
    assert isinstance(get_plugin("sevennet"), SoftLJ)
    assert isinstance(available_plugins()["sevennet"], SoftLJ)
    handle = get_calculator(**SEVENNET)  # registering cleared the cache: no stale SevenNet
    assert handle is not lj_over_sevennet and isinstance(handle.calculator, LennardJones)
    assert handle.provenance.plugin == "soft-lj"

    structure = _li2s()
    _, doc = _static_job(structure, SEVENNET, tmp_path, monkeypatch)
    atoms = AseAtomsAdaptor.get_atoms(structure)
    atoms.calc = SoftLJ().create("soft-lj", "cpu", "float32")
    assert doc.output.energy == pytest.approx(atoms.get_potential_energy(), abs=1e-8)


def test_unregistering_brings_the_entry_point_back():
    entry_point_plugin = type(get_plugin("sevennet"))
    register_plugin("sevennet", SoftLJ)
    try:
        assert isinstance(get_plugin("sevennet"), SoftLJ)
    finally:
        unregister_plugin("sevennet")
    assert type(get_plugin("sevennet")) is entry_point_plugin
    unregister_plugin("never-registered")  # names not registered in-process are ignored
