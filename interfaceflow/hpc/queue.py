"""The jobflow-remote queue of a project: one job controller per process, and a foreground runner.

A ``memory`` queue store lives in this process only, so everything that touches it (submit, the
runner, status, cancel, resume) must share one :class:`JobController`: :func:`job_controller`
caches it per project. With a MongoDB queue store the runner daemon (``jf runner start``) does
the work and any process can ask for the status.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from interfaceflow.errors import HPCError
from interfaceflow.hpc.project import load_project, mask_credentials

logger = logging.getLogger(__name__)
_CONTROLLERS: dict[str, object] = {}

# The states in which the runner itself moves a job on (as jobflow-remote's run_all_jobs).
RUNNER_STATES = ("CHECKED_OUT", "RUN_FINISHED", "DOWNLOADED", "UPLOADED")


def job_controller(project: str | None = None):
    """The process-wide jobflow-remote ``JobController`` of ``project`` (created once)."""
    proj = load_project(project)
    if proj.name not in _CONTROLLERS:
        from jobflow_remote.jobs.jobcontroller import JobController

        try:
            controller = JobController.from_project(proj)
            if controller.auxiliary.find_one({"next_id": {"$exists": True}}) is None:
                _initialise_queue(controller)
        except Exception as exc:
            raise HPCError(
                f"cannot open the queue store of project '{proj.name}' "
                f"({type(exc).__name__}: {mask_credentials(str(exc))[:200]}); check queue.store in "
                "the project file and that the MongoDB server is reachable"
            ) from None
        _CONTROLLERS[proj.name] = controller
    return _CONTROLLERS[proj.name]


def _initialise_queue(controller) -> None:
    """Give an empty queue database its counters and indexes (``jf admin reset`` on no flows).

    jobflow-remote logs its housekeeping at warning level while it indexes; that is noise here.
    """
    jf_logger = logging.getLogger("jobflow_remote")
    level = jf_logger.level
    jf_logger.setLevel(logging.CRITICAL)
    try:
        controller.reset(max_limit=1)
    finally:
        jf_logger.setLevel(level)


def queue_is_in_process(project: str | None = None) -> bool:
    """True when the queue store is a ``memory`` store (needs the runner in this process)."""
    return load_project(project).queue.store.get("type") == "MemoryStore"


def _runner(project: str | None):
    """jobflow-remote's Runner on the shared job controller, logging to its file only.

    The Runner configures logging with ``disable_existing_loggers=True`` and a stdout handler:
    in a process that also runs interfaceflow that would silence interfaceflow's own loggers and
    print the runner's INFO lines between the status lines. Both are undone here; the runner
    still logs to ``runner.log`` in the project's log folder.
    """
    from jobflow_remote.jobs.runner import Runner

    disabled = {name: logger.disabled for name, logger in logging.Logger.manager.loggerDict.items()
                if isinstance(logger, logging.Logger)}
    runner = Runner(project_name=load_project(project).name)
    for name, was_disabled in disabled.items():
        logging.getLogger(name).disabled = was_disabled
    jf_logger = logging.getLogger("jobflow_remote")
    jf_logger.handlers = [h for h in jf_logger.handlers if type(h) is not logging.StreamHandler]
    runner.job_controller = job_controller(project)
    return runner


def run_until_finished(
    flow_id: str,
    project: str | None = None,
    timeout_s: float | None = None,
    poll_s: float | None = None,
    on_poll: Callable[[], None] | None = None,
) -> None:
    """Drive jobflow-remote's runner in this process until no job of ``flow_id`` is active.

    Each round checks jobs out, uploads/submits them to the queue, asks the scheduler for their
    state and completes the finished ones; ``on_poll`` is called after each round (status output).
    """
    from jobflow_remote.jobs.state import JobState

    runner = _runner(project)
    poll_s = poll_s if poll_s is not None else runner.runner_options.delay_check_run_status
    controller = runner.job_controller
    active = [s.value for s in (JobState.READY, JobState.CHECKED_OUT, JobState.UPLOADED,
                                JobState.SUBMITTED, JobState.RUNNING, JobState.RUN_FINISHED,
                                JobState.DOWNLOADED)]
    start = time.monotonic()
    try:
        while True:
            runner.checkout()
            runner.advance_state(list(RUNNER_STATES))
            runner.check_run_status()
            runner.advance_state(list(RUNNER_STATES))
            if on_poll is not None:
                on_poll()
            if not controller.count_jobs(query={"state": {"$in": active}}, flow_ids=[flow_id]):
                return
            if timeout_s is not None and time.monotonic() - start > timeout_s:
                raise HPCError(
                    f"flow {flow_id} is still running after {timeout_s:.0f} s; check it with "
                    f"'interfaceflow status {flow_id}'"
                )
            time.sleep(poll_s)
    finally:
        for host in runner.hosts.values():
            try:
                host.close()
            except Exception:  # a host that never connected
                logger.debug("could not close host %s", host)
