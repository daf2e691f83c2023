"""ASE integrators for each ensemble, their target temperature, and their restartable state.

Everything an integrator carries from one step to the next beyond positions and momenta
(Nosé–Hoover chain variables, barostat momenta, random generator state) is exposed as a flat
``dict[str, np.ndarray]`` by :func:`dynamics_state` and put back by :func:`restore_dynamics_state`,
which is what a checkpoint stores.
"""

from __future__ import annotations

import json

import numpy as np
from ase import Atoms, units
from ase.md.bussi import Bussi
from ase.md.langevin import Langevin
from ase.md.md import MolecularDynamics
from ase.md.nose_hoover_chain import (
    IsotropicMTKNPT,
    MaskedMTKNPT,
    MTKNPT,
    NoseHooverChainNVT,
    NoseHooverChainThermostat,
)
from ase.md.verlet import VelocityVerlet

from interfaceflow.errors import MDError
from interfaceflow.md.settings import MDSettings


class ConstrainedNoseHooverChainNVT(NoseHooverChainNVT):
    """ASE's Nosé–Hoover chain NVT, correct with fixed atoms.

    ASE's integrator keeps its own momenta and never reads back the constrained ones, so fixed
    atoms gather momentum that heats the chain, and its thermostat counts 3N degrees of freedom.
    Here the state is re-read from the atoms after every update and the chain uses the atoms'
    true number of degrees of freedom (3N minus what the constraints remove).
    """

    def __init__(self, atoms: Atoms, timestep: float, temperature_K: float, tdamp: float, tchain: int = 3, **kw):
        super().__init__(atoms, timestep, temperature_K=temperature_K, tdamp=tdamp, tchain=tchain, **kw)
        self._thermostat = NoseHooverChainThermostat(
            num_atoms_global=atoms.get_number_of_degrees_of_freedom() / 3,
            masses=self.masses,
            temperature_K=temperature_K,
            tdamp=tdamp,
            tchain=tchain,
        )

    def _update_atoms(self) -> None:
        super()._update_atoms()
        self._q = self.atoms.get_positions()
        self._p = self.atoms.get_momenta()


def make_dynamics(atoms: Atoms, settings: MDSettings, rng: np.random.Generator) -> MolecularDynamics:
    """The ASE integrator for ``settings.ensemble``, built at the schedule's step-0 temperature.

    Always building at the step-0 temperature keeps the thermostat masses identical between a run
    and its restarts; :func:`set_target_temperature` then applies the schedule.
    """
    dt = settings.timestep_fs * units.fs
    temperature_K = settings.target_temperature_K(0)
    tdamp = settings.tdamp_fs * units.fs
    match settings.ensemble:
        case "nvt_langevin":
            return Langevin(
                atoms,
                dt,
                temperature_K=temperature_K,
                friction=settings.friction_per_fs / units.fs,
                fixcm=False,
                rng=rng,
            )
        case "nvt_bussi":
            return Bussi(atoms, dt, temperature_K=temperature_K, taut=tdamp, rng=rng)
        case "nvt_nose_hoover":
            nhc = ConstrainedNoseHooverChainNVT if atoms.constraints else NoseHooverChainNVT
            return nhc(
                atoms, dt, temperature_K=temperature_K, tdamp=tdamp, tchain=settings.tchain
            )
        case "npt_mtk":
            if atoms.constraints:
                raise MDError(
                    "npt_mtk cannot run with fixed atoms (ASE's MTK integrator has no constraints); "
                    "use an nvt_* ensemble, or remove the constraints for the NPT stage"
                )
            kwargs = dict(
                temperature_K=temperature_K,
                pressure_au=settings.pressure_bar * units.bar,
                tdamp=tdamp,
                pdamp=settings.pdamp_fs * units.fs,
                tchain=settings.tchain,
            )
            if settings.npt_cell_dof == "normal":
                # a list, not a tuple: ASE indexes the cell momenta with it (a tuple would index nothing)
                return MaskedMTKNPT(atoms, dt, mask=[False, False, True], **kwargs)
            if settings.npt_cell_dof == "isotropic":
                return IsotropicMTKNPT(atoms, dt, **kwargs)
            return MTKNPT(atoms, dt, **kwargs)
        case "nve":
            return VelocityVerlet(atoms, dt)
    raise MDError(f"unknown ensemble '{settings.ensemble}'")  # pragma: no cover - pydantic guards


def set_target_temperature(dyn: MolecularDynamics, temperature_K: float) -> None:
    """Change the thermostat target of ``dyn`` in place (no-op for NVE)."""
    kT = units.kB * temperature_K
    if isinstance(dyn, Langevin):
        dyn.set_temperature(temperature_K=temperature_K)
    elif isinstance(dyn, Bussi):
        dyn.temp = kT
        dyn.target_kinetic_energy = 0.5 * kT * dyn.ndof
    elif isinstance(dyn, NoseHooverChainNVT):
        dyn._thermostat._kT = kT
    elif isinstance(dyn, MTKNPT | IsotropicMTKNPT):
        dyn._thermostat._kT = kT
        dyn._barostat._kT = kT
        dyn._kT = kT
        dyn._temperature_K = temperature_K


def _rng_state(rng) -> np.ndarray:
    return np.array(json.dumps(rng.bit_generator.state))


def _set_rng_state(rng, state: np.ndarray) -> None:
    rng.bit_generator.state = json.loads(str(state))


def dynamics_state(dyn: MolecularDynamics) -> dict[str, np.ndarray]:
    """The integrator's internal state beyond positions/momenta, as named arrays."""
    state: dict[str, np.ndarray] = {}
    if isinstance(getattr(dyn, "rng", None), np.random.Generator):
        state["rng"] = _rng_state(dyn.rng)
    if isinstance(dyn, Bussi):
        state["transferred_energy"] = np.array(dyn.transferred_energy)
    if isinstance(dyn, NoseHooverChainNVT | MTKNPT | IsotropicMTKNPT):
        state["eta"] = dyn._thermostat._eta.copy()
        state["p_eta"] = dyn._thermostat._p_eta.copy()
    if isinstance(dyn, MTKNPT | IsotropicMTKNPT):
        state["xi"] = dyn._barostat._xi.copy()
        state["p_xi"] = dyn._barostat._p_xi.copy()
    if isinstance(dyn, MaskedMTKNPT):
        state["p_c"] = dyn._p_c.copy()
        state["h0_basis"] = dyn._h0_basis.copy()
    elif isinstance(dyn, MTKNPT):
        state["p_g"] = dyn._p_g.copy()
    if isinstance(dyn, IsotropicMTKNPT):
        state["eps"] = np.array(dyn._eps)
        state["p_eps"] = np.array(dyn._p_eps)
        state["cell0"] = dyn._cell0.copy()
        state["volume0"] = np.array(dyn._volume0)
    return state


def restore_dynamics_state(dyn: MolecularDynamics, state: dict[str, np.ndarray]) -> None:
    """Put back what :func:`dynamics_state` returned (on an integrator built for the same run)."""
    if "rng" in state:
        _set_rng_state(dyn.rng, state["rng"])
    if isinstance(dyn, Bussi) and "transferred_energy" in state:
        dyn.transferred_energy = float(state["transferred_energy"])
    if "eta" in state:
        dyn._thermostat._eta = np.array(state["eta"])
        dyn._thermostat._p_eta = np.array(state["p_eta"])
    if "xi" in state:
        dyn._barostat._xi = np.array(state["xi"])
        dyn._barostat._p_xi = np.array(state["p_xi"])
    if "p_c" in state:
        dyn._p_c = np.array(state["p_c"])
        dyn._h0_basis = np.array(state["h0_basis"])
    if "p_g" in state:
        dyn._p_g = np.array(state["p_g"])
    if "eps" in state:
        dyn._eps = float(state["eps"])
        dyn._p_eps = float(state["p_eps"])
        dyn._cell0 = np.array(state["cell0"])
        dyn._volume0 = float(state["volume0"])
