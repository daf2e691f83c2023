"""The interface study: build → relax → MD → analyses → summary, as one jobflow Flow.

:func:`study_flow` assembles the Flow from a :class:`~interfaceflow.workflows.recipe.Recipe`.
:func:`run_study` runs it locally into a job store, after checks cheapest first, before any job:

1. the recipe (validated when it was loaded: keys, ranges, frame counts);
2. the store (:func:`~interfaceflow.store.get_job_store`, then
   :func:`~interfaceflow.store.check_store`): a store path that is a file, a read-only store or an
   unreachable server fails in seconds, not after a model load;
3. the plugin and its model (the cached calculator that the jobs reuse);
4. the structures and the model's element coverage;
5. the cost: a run estimated longer than ``max_local_hours`` needs ``yes`` or a confirmation
   (:mod:`interfaceflow.cost`).

A study whose recipe (same content hash) already finished in the store is noted (``notify``), and
the run adds a new one.

While the Flow runs, a record in ``<run_dir>/active`` (:mod:`interfaceflow.run_registry`) holds
the recipe and the serialised Flow. The store holds a study's documents only once it finished: a
failure removes every document the Flow wrote. So does SIGINT (Ctrl-C) or SIGTERM, which also
checkpoints a running MD, marks the record ``interrupted`` and raises :class:`RunInterrupted`
(exit code 130 or 143). :func:`resume_study` (``interfaceflow run --resume FLOW_UUID``) runs the
recorded Flow again, same uuids: build and relaxation rerun (minutes at most), and the MD, whose
work directory ``md-<job uuid>`` holds the checkpoint, continues from it without a missing or
duplicated frame. A run killed outright (SIGKILL, power loss) leaves its record ``running`` with a
dead process, and maybe some documents; a resume removes those first.

Why roll back rather than keep the finished jobs: jobflow's local manager cannot skip jobs whose
outputs are stored, so kept documents would be written again anyway, and a store that only ever
holds finished studies needs no clean-up when a run is never resumed. The expensive part, the MD,
is kept where it belongs: in its checkpoint.
"""

from __future__ import annotations

import hashlib
import json
import logging
import signal
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobflow import Flow, JobStore, Maker, run_locally

from interfaceflow import run_registry
from interfaceflow.cost import check_local_cost
from interfaceflow.errors import InterfaceflowError, ResumeError, RunInterrupted
from interfaceflow.md.engine import MDInterrupted
from interfaceflow.settings import get_settings
from interfaceflow.store import get_job_store, remove_flow_outputs
from interfaceflow.workflows.build import BuildInterfaceMaker
from interfaceflow.workflows.md import LOCAL_STOP_SIGNALS, InterfaceMDMaker, InterfaceRelaxMaker, local_run
from interfaceflow.workflows.products import ProductsAnalysisMaker, ThermoReferenceMaker
from interfaceflow.workflows.profiles import ProfileAnalysisMaker
from interfaceflow.workflows.transport import ArrheniusMaker, DiffusionAnalysisMaker
from interfaceflow.workflows.recipe import Recipe, validate_recipe
from interfaceflow.workflows.summary import STUDY_DOC_TYPE, InterfaceStudyDocument, summarize_study

if TYPE_CHECKING:
    from interfaceflow.plugins.registry import CalculatorHandle

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
        # the electrolyte reacts with what it touches: the coating of a coated stack
        thermo_job = ThermoReferenceMaker(
            calculator=calculator, settings=recipe.thermo.settings()
        ).make(recipe.electrolyte, recipe.coating or recipe.electrode)
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


def preflight(recipe: Recipe) -> CalculatorHandle:
    """Fail fast, before any job, cheapest first: the structures (parsed, a 3D cell, no
    overlapping atoms, ordered), then the plugin and its model file, then element coverage.

    Returns the calculator handle (cached: the jobs reuse the loaded model).
    """
    from interfaceflow.plugins.registry import get_calculator
    from interfaceflow.structures import load_structure

    sides = [side for side in (recipe.electrode, recipe.electrolyte, recipe.coating) if side]
    elements = {str(el) for side in sides for el in load_structure(side).composition.elements}
    handle = get_calculator(**recipe.calculator.model_dump())
    handle.check_elements(elements)
    return handle


def recipe_sha256(recipe: Recipe | dict[str, Any]) -> str:
    """Content hash of a recipe as run (its JSON form, keys sorted); equal recipes, equal hashes."""
    data = recipe.model_dump(mode="json") if isinstance(recipe, Recipe) else recipe
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def finished_studies_of(store: JobStore, recipe: Recipe) -> list[tuple[str, Any]]:
    """(study id, created) of the finished studies in ``store`` with the same recipe hash, newest first."""
    digest = recipe_sha256(recipe)
    store.connect()
    docs = store.query(
        {"output.doc_type": STUDY_DOC_TYPE, "output.name": recipe.name},
        properties=["output.study_id", "output.recipe", "output.created"],
    )
    same = [(doc["output"]["study_id"], doc["output"].get("created")) for doc in docs
            if recipe_sha256(doc["output"].get("recipe") or {}) == digest]
    return sorted(same, key=lambda study: str(study[1]), reverse=True)


def run_study(
    recipe: Recipe,
    store: JobStore | None = None,
    store_dir: str | Path | None = None,
    store_config: str | Path | None = None,
    progress: bool = True,
    *,
    yes: bool = False,
    confirm: Callable[[str], bool] | None = None,
    notify: Callable[[str], None] | None = None,
) -> InterfaceStudyDocument:
    """Run one study locally into the store and return its summary document.

    Args:
        recipe: the study.
        store, store_dir, store_config: the job store (an object, an embedded store directory, or
            a spec file); by default the settings' store.
        progress: progress bars and job log lines.
        yes: run even when the estimated wall time exceeds ``max_local_hours``.
        confirm: asked (with the estimate) when it does; None refuses such a run.
        notify: receives one line when a finished study of the same recipe (same content hash) is
            already in the store; the run then adds a new study (default: a logged warning).

    Raises:
        RunInterrupted: SIGINT/SIGTERM; the store keeps nothing of the run, the record and the MD
            checkpoint make it resumable with :func:`resume_study`.
        InterfaceflowError: a failed check or job (wrapped in one if it is another exception),
            after removing everything this study wrote to the store.
    """
    store, store_ref = _open_store(store, store_dir, store_config)
    handle = preflight(recipe)
    check_local_cost(recipe, handle, yes=yes, confirm=confirm)
    same = finished_studies_of(store, recipe)
    if same:
        study_id, created = same[0]
        more = f" and {len(same) - 1} more" if len(same) > 1 else ""
        (notify or logger.warning)(
            f"a finished study of the same recipe (sha256 {recipe_sha256(recipe)[:12]}) is in the store: "
            f"{study_id} ({_date(created)}){more}; this run adds a new one")
    return _run_flow(recipe, study_flow(recipe), store, store_ref, progress)


def resume_study(
    flow_uuid: str,
    store: JobStore | None = None,
    store_dir: str | Path | None = None,
    store_config: str | Path | None = None,
    progress: bool = True,
) -> InterfaceStudyDocument:
    """Continue an interrupted or killed local run (``interfaceflow run --resume FLOW_UUID``).

    Runs the recorded Flow again with the same job uuids into the recorded store (or the one
    given): documents a killed run left are removed first, build and relaxation rerun, and the MD
    continues from its checkpoint. No cost check: that run was accepted when it started.

    Args:
        flow_uuid: the Flow uuid of the run (or a unique prefix of 6+ characters).

    Raises:
        ResumeError: no record of that run, its process still runs, or the record holds no Flow.
        RunInterrupted, InterfaceflowError: as :func:`run_study`.
    """
    record = resumable_record(flow_uuid)
    payload = record.payload
    if not {"recipe", "flow"} <= set(payload):
        raise ResumeError(f"the record of run {record.flow_uuid} holds no recipe and Flow to resume; "
                          "start the study again with interfaceflow run RECIPE")
    recipe = validate_recipe(payload["recipe"], source=f"the recipe recorded for run {record.flow_uuid}")
    if store is None and store_dir is None and store_config is None:
        store_dir, store_config = payload.get("store_dir"), payload.get("store_config")
    store, store_ref = _open_store(store, store_dir, store_config)
    preflight(recipe)
    flow = Flow.from_dict(payload["flow"])
    remove_flow_outputs(store, flow.uuid, strict=True)  # what a killed run stored before it died
    logger.info("resuming run %s (%s)", flow.uuid, recipe.name)
    return _run_flow(recipe, flow, store, store_ref, progress)


def resumable_record(flow_uuid: str) -> run_registry.RunRecord:
    """The record of an interrupted or killed run: its uuid, or a unique prefix of 6+ characters."""
    record = run_registry.read_record(flow_uuid)
    if record is None and len(flow_uuid) >= 6:
        matches = [r for r in run_registry.list_records() if r.flow_uuid.startswith(flow_uuid)]
        record = matches[0] if len(matches) == 1 else None
    if record is None:
        raise ResumeError(f"no interrupted run {flow_uuid} in {run_registry.registry_dir()}; list the "
                          "resumable runs with interfaceflow results --incomplete")
    if not record.resumable:
        if record.hostname != socket.gethostname():
            raise ResumeError(f"run {record.flow_uuid} ('{record.name}') was started on host {record.hostname} "
                              f"(pid {record.pid}), where it may still run; resume it there")
        raise ResumeError(f"run {record.flow_uuid} ('{record.name}') is still running (pid {record.pid}); "
                          f"wait for it, or stop it with kill -INT {record.pid} and resume then")
    return record


def _open_store(store: JobStore | None, store_dir, store_config) -> tuple[JobStore, dict[str, str | None]]:
    """The job store, checked (reachable, writable), and where a resume finds it again."""
    from interfaceflow import store as store_module

    where: dict[str, str | None] = {"store_dir": None, "store_config": None}
    if store is None:
        if store_config is None and store_dir is None:
            store_config, store_dir = get_settings().store_config, get_settings().store
        if store_config is not None:
            store_dir = None  # a spec file wins, as in get_job_store
        store = get_job_store(store_dir, store_config)
        where["store_config" if store_config is not None else "store_dir"] = store_module.store_label(
            store_dir, store_config)
    store_module.check_store(store, write=True)  # one line, in seconds: before any model loads
    return store, where


def _run_flow(recipe: Recipe, flow: Flow, store: JobStore, store_ref: dict[str, str | None],
              progress: bool) -> InterfaceStudyDocument:
    """Run ``flow`` locally under a run record; roll back on failure or interruption."""
    for job, _ in flow.iterflow():  # nested flows too (the Arrhenius fan-out)
        if isinstance(job.maker, InterfaceMDMaker):
            job.maker.progress = progress
    root_dir = get_settings().run_dir.resolve() / "jobs"
    root_dir.mkdir(parents=True, exist_ok=True)
    payload = {"recipe": recipe.model_dump(mode="json"), "recipe_sha256": recipe_sha256(recipe),
               "flow": _serialise(flow), **store_ref}
    label = store_ref["store_config"] or store_ref["store_dir"] or ""
    with run_registry.recorded_run(flow.uuid, recipe.name, store=label, payload=payload) as record:
        with _StopSignals() as stops, local_run():
            try:
                responses = run_locally(flow, store=store, create_folders=True, root_dir=root_dir,
                                        raise_immediately=True, log=progress)
            except (MDInterrupted, _Stopped, KeyboardInterrupt) as exc:
                stops.stopping = True  # a second Ctrl-C must not cut the clean-up short
                record.status = "interrupted"
                run_registry.write_record(record)  # first: resumable even if the roll-back fails
                remove_flow_outputs(store, flow.uuid)  # a store failure here is a warning: resume cleans
                raise _interruption(exc, flow.uuid) from None
            except InterfaceflowError:
                stops.stopping = True
                remove_flow_outputs(store, flow.uuid)
                raise
            except Exception as exc:
                stops.stopping = True
                remove_flow_outputs(store, flow.uuid)
                raise InterfaceflowError(
                    f"study '{recipe.name}' failed: {type(exc).__name__}: {_one_line(exc)}") from exc
    return flow_output(flow, responses)


class _Stopped(BaseException):
    """SIGINT/SIGTERM outside an MD: unwinds the running job like KeyboardInterrupt does."""

    def __init__(self, signum: int, job_name: str | None):
        super().__init__(signum)
        self.signum, self.job_name = signum, job_name


class _StopSignals:
    """SIGINT and SIGTERM during a local run raise :class:`_Stopped` once (main thread only).

    An MD installs its own handlers for its duration (it checkpoints first), then gives these back.
    """

    def __init__(self):
        self.stopping = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in LOCAL_STOP_SIGNALS:
                if signum == signal.SIGINT and signal.getsignal(signum) == signal.SIG_IGN:
                    continue  # a background job of a script: Ctrl-C is meant for the foreground
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self.stopping:
            return
        self.stopping = True
        from jobflow import CURRENT_JOB

        job = CURRENT_JOB.job
        raise _Stopped(signum, job.name if job is not None else None)

    def __exit__(self, *exc) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()


def _interruption(exc: BaseException, flow_uuid: str) -> RunInterrupted:
    resume = f"continue with: interfaceflow run --resume {flow_uuid}"
    if isinstance(exc, MDInterrupted):
        return RunInterrupted(f"{exc}; {resume}", exc.signum)
    signum = exc.signum if isinstance(exc, _Stopped) else signal.SIGINT
    during = f" during job '{exc.job_name}'" if isinstance(exc, _Stopped) and exc.job_name else ""
    return RunInterrupted(f"interrupted{during}; {resume}", int(signum))


def _serialise(flow: Flow) -> dict[str, Any]:
    from monty.json import jsanitize

    return jsanitize(flow.as_dict(), strict=True, enum_values=True)


def _date(created: Any) -> str:
    return f"created {created:%Y-%m-%d %H:%M} UTC" if hasattr(created, "strftime") else f"created {created}"


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

