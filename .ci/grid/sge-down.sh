#!/usr/bin/env bash
# sge-down.sh - stop ONLY the sge_execd/sge_qmaster that sge-up.sh started (pids recorded in
# $STATE, verified by /proc start time). Deletes that cell's jobs first. Never kills by name.
# Not called by .ci/run (a CI machine is thrown away); for a developer's machine.
set -uo pipefail
STATE=${GRID_STATE:-/run/localgrid}/sge
export SGE_ROOT=/var/lib/gridengine SGE_CELL=default
TAG=sge-down
. "$(dirname "$0")/lib.sh"
if ourpid qmaster >/dev/null && ourpid execd >/dev/null; then
  if [ -n "$(qstat -u '*' 2>/dev/null)" ]; then
    log "deleting all jobs"; qdel -u '*' >/dev/null 2>&1
    for ((i = 0; i < 300; i++)); do [ -z "$(qstat -u '*' 2>/dev/null)" ] && break; sleep 0.1; done
  fi
fi
stop execd 30
stop qmaster 60
log "done"
