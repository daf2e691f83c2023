"""Bad-input catalogue: cluster projects and schedulers (unknown worker and project are in
test_hpc_project.py). A broken project file is named with its problem; a local Slurm worker whose
controller does not answer is refused before anything is queued, with the real ``sinfo``."""

from __future__ import annotations

import os
import shutil
import socket

import pytest

from builders import hpc_project_spec as spec
from cli_helpers import assert_one_line, invoke_cli
from local_slurm import SLURM_CONF, _free_port

from interfaceflow.hpc.project import write_project

PROJECT_FILES = {
    "yaml_syntax": ("name: broken\nworkers: [\n", ["broken.yaml is not valid YAML", "hpc init --name broken"]),
    "yaml_tag": ("name: broken\nworkers: !!python/object/apply:os.mkdir ['{marker}']\n",
                 ["YAML tag !!python/object/apply:os.mkdir", "nothing was executed"]),
    "wrong_schema": ("name: broken\nworkers: 3\n", ["not a valid jobflow-remote project", "workers"]),
}


@pytest.mark.parametrize("case", sorted(PROJECT_FILES))
def test_broken_project_file_is_named_with_its_problem(case, jf_projects, tmp_path):
    text, fragments = PROJECT_FILES[case]
    marker = tmp_path / "constructed"  # jobflow-remote and interfaceflow both read it: neither runs it
    (jf_projects / "broken.yaml").write_text(text.format(marker=marker))
    code, _, stderr = invoke_cli("status", "-p", "broken")
    assert_one_line(code, stderr, *fragments)
    assert not marker.exists()


@pytest.mark.skipif(shutil.which("sinfo") is None, reason="needs the Slurm client (scripts/install-test-services.sh)")
def test_unreachable_slurm_controller_is_refused_before_queueing(tmp_path, jf_projects, monkeypatch):
    from interfaceflow.hpc.queue import job_controller

    conf = tmp_path / "slurm.conf"  # a controller on a port where nothing listens
    values = dict(host=socket.gethostname().split(".")[0], root=tmp_path, cpus=os.cpu_count() or 1,
                  ctld_port=_free_port(), d_port=_free_port(), kill_wait_s=30)
    conf.write_text(SLURM_CONF.format(**values))
    monkeypatch.setenv("SLURM_CONF", str(conf))
    write_project(spec(tmp_path))
    code, _, stderr = invoke_cli("submit", "li_li6ps5cl", "-p", "testproj", "--wait",
                                 "--set", "calculator.device=cpu")
    assert_one_line(code, stderr, "slurm scheduler of worker", "not reachable", "sinfo")
    assert job_controller("testproj").count_flows() == 0
