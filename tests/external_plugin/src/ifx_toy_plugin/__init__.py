"""A third-party interfaceflow calculator plugin: ASE's Lennard-Jones with soft, element-blind parameters."""

from ase.calculators.lj import LennardJones

from interfaceflow.plugins import CalculatorPlugin


class ToyLennardJonesPlugin(CalculatorPlugin):
    """Soft Lennard-Jones for every element (sigma=1.8 Å, epsilon=0.02 eV): a plumbing test, not physics."""

    name = "toy-lj"
    requires = ("ifx-toy-plugin",)
    import_names = ("ifx_toy_plugin",)
    default_model = "soft-lj"

    def create(self, model, device, dtype, **kwargs):
        return LennardJones(sigma=1.8, epsilon=0.02, rc=4.5, smooth=True)


class NeedsMissingPackagePlugin(ToyLennardJonesPlugin):
    """A plugin whose dependency is not installed, to test the missing-package error."""

    name = "toy-needs-missing"
    requires = ("interfaceflow-nonexistent-dependency",)
    import_names = ("interfaceflow_nonexistent_dependency",)
