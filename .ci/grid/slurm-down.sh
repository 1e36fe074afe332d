#!/usr/bin/env bash
# slurm-down.sh - stop ONLY the daemons that slurm-up.sh started (pids recorded in $STATE,
# verified by /proc start time). Cancels the jobs of that cluster first. Never kills by name.
# Not called by .ci/run (a CI machine is thrown away); for a developer's machine.
set -uo pipefail
STATE=${GRID_STATE:-/run/localgrid}/slurm
TAG=slurm-down
. "$(dirname "$0")/lib.sh"
if ourpid slurmctld >/dev/null; then
  jobs=$(squeue -h -o %A 2>/dev/null | tr '\n' ' ')
  if [ -n "${jobs// /}" ]; then
    log "cancelling jobs: $jobs"; scancel $jobs 2>/dev/null
    for ((i = 0; i < 150; i++)); do [ -z "$(squeue -h -o %A 2>/dev/null)" ] && break; sleep 0.1; done
  fi
fi
stop slurmd 30
stop slurmctld 30
stop munged 10
log "done"
