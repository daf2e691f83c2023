#!/usr/bin/env bash
# Installs the Debian packages the test suite needs besides Python: a real Slurm (slurm-wlm) and
# munge, its authentication daemon. The tests start and stop the daemons themselves
# (tests/local_slurm.py); nothing is started here. Needs root (or sudo) and apt.
set -euo pipefail
if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q slurm-wlm munge
