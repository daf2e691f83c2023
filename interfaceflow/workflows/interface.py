"""The interface study: build → relax → MD → analyses → summary, as one jobflow Flow.

:func:`study_flow` assembles the Flow from a :class:`~interfaceflow.workflows.recipe.Recipe`;
:func:`run_study` checks everything it can before any job runs (plugin, model file, phases,
element coverage), runs the Flow locally into a job store, and removes every document the Flow
wrote if any job fails, so a failed run leaves nothing half-written in the store.
"""

from __future__ import annotations

import logging
from pathlib import Path
from jobflow import Flow, JobStore, Maker, run_locally

from interfaceflow.errors import InterfaceflowError
from interfaceflow.settings import get_settings
from interfaceflow.store import get_job_store, remove_flow_outputs
from interfaceflow.workflows.build import BuildInterfaceMaker
from interfaceflow.workflows.md import InterfaceMDMaker, InterfaceRelaxMaker
from interfaceflow.workflows.products import ProductsAnalysisMaker, ThermoReferenceMaker
from interfaceflow.workflows.profiles import ProfileAnalysisMaker
from interfaceflow.workflows.transport import ArrheniusMaker, DiffusionAnalysisMaker
from interfaceflow.workflows.recipe import Recipe
from interfaceflow.workflows.summary import InterfaceStudyDocument, summarize_study

logger = logging.getLogger(__name__)


def analysis_maker(name: str, recipe: Recipe) -> Maker:
    """The maker of analysis ``name`` with the recipe's settings for it."""
    settings = getattr(recipe.analyses, name)
    if name == "products":
        return ProductsAnalysisMaker(settings=settings)
    if name == "diffusion":
        return DiffusionAnalysisMaker(settings=settings)
    return ProfileAnalysisMaker(settings=settings, label=recipe.name)


def study_flow(recipe: Recipe) -> Flow:
    """The Flow of one interface study described by ``recipe``."""
    calculator = recipe.calculator
    build_job = BuildInterfaceMaker(settings=recipe.build).make(
        recipe.electrode, recipe.electrolyte, recipe.coating
    )
    relax_job = InterfaceRelaxMaker(calculator=calculator, settings=recipe.relax).make(
        build_job.output.structure, regions=build_job.output.regions
    )
    md_job = InterfaceMDMaker(calculator=calculator, settings=recipe.md).make(
        relax_job.output.structure,
        interface_z_A=build_job.output.interface_z_A,
        regions=build_job.output.regions,
    )
    analysis_jobs = {}
    if recipe.temperatures_K:
        arrhenius = ArrheniusMaker.from_recipe(recipe, recipe.temperatures_K).make(
            relax_job.output.structure,
            interface_z_A=build_job.output.interface_z_A,
            regions=build_job.output.regions,
        )
        analysis_jobs["arrhenius"] = arrhenius
    thermo_job = None
    if "products" in recipe.analyses and recipe.electrode and recipe.thermo.enabled:
        thermo_job = ThermoReferenceMaker(
            calculator=calculator, settings=recipe.thermo.settings()
        ).make(recipe.electrolyte, recipe.electrode)
        analysis_jobs["thermo"] = thermo_job
    for name in recipe.analyses:
        maker = analysis_maker(name, recipe)
        if name == "products":
            analysis_jobs[name] = maker.make(
                md_job.output.trajectory_path,
                interface_z_A=build_job.output.interface_z_A,
                thermo=thermo_job.output if thermo_job else None,
            )
        elif name == "profiles":
            analysis_jobs[name] = maker.make(md_job.output.trajectory_path, build_job.output.interface_z_A)
        else:
            analysis_jobs[name] = maker.make(md_job.output.trajectory_path)
    flow = Flow([build_job, relax_job, md_job, *analysis_jobs.values()], name=recipe.name)
    summary_job = summarize_study(
        flow.uuid,
        recipe.model_dump(mode="json"),
        relax_job.output.calculator,
        build_job.output,
        relax_job.output,
        md_job.output,
        {name: job.output for name, job in analysis_jobs.items()},
    )
    summary_job.name = "summarize study"
    flow.add_jobs(summary_job)
    flow.output = summary_job.output
    return flow


def preflight(recipe: Recipe) -> None:
    """Fail fast, before anything is stored: plugin, package, model file, phases, elements."""
    from interfaceflow.plugins.registry import get_calculator
    from interfaceflow.structures import load_structure

    handle = get_calculator(**recipe.calculator.model_dump())
    sides = [side for side in (recipe.electrode, recipe.electrolyte, recipe.coating) if side]
    elements = {str(el) for side in sides for el in load_structure(side).composition.elements}
    handle.check_elements(elements)


def run_study(
    recipe: Recipe,
    store: JobStore | None = None,
    store_dir: str | Path | None = None,
    store_config: str | Path | None = None,
    progress: bool = True,
) -> InterfaceStudyDocument:
    """Run one study locally into the store and return its summary document.

    Raises the first job's :class:`InterfaceflowError` (or wraps another exception in one) after
    removing everything this study wrote to the store.
    """
    preflight(recipe)
    store = store if store is not None else get_job_store(store_dir, store_config)
    flow = study_flow(recipe)
    if not progress:
        for job, _ in flow.iterflow():  # nested flows too (the Arrhenius fan-out)
            if isinstance(job.maker, InterfaceMDMaker):
                job.maker.progress = False
    root_dir = get_settings().run_dir.resolve() / "jobs"
    root_dir.mkdir(parents=True, exist_ok=True)
    try:
        responses = run_locally(flow, store=store, create_folders=True, root_dir=root_dir,
                                raise_immediately=True, log=progress)
    except InterfaceflowError:
        remove_flow_outputs(store, flow.uuid)
        raise
    except Exception as exc:
        remove_flow_outputs(store, flow.uuid)
        raise InterfaceflowError(f"study '{recipe.name}' failed: {type(exc).__name__}: {_one_line(exc)}") from exc
    return flow_output(flow, responses)


def flow_output(flow: Flow, responses: dict) -> InterfaceStudyDocument:
    """The study document a finished ``run_locally`` returned for ``flow`` (no store read)."""
    by_index = responses[flow.output.uuid]
    output = by_index[max(by_index)].output
    return InterfaceStudyDocument.model_validate(
        output.model_dump() if isinstance(output, InterfaceStudyDocument) else output
    )


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) < 300 else text[:297] + "..."

