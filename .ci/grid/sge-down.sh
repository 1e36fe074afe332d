#!/usr/bin/env bash
# sge-down.sh - stop ONLY the sge_execd/sge_qmaster that sge-up.sh started (pids recorded in
# $STATE, verified by /proc start time). Deletes that cell's jobs first. Never kills by name.
# Not called by .ci/run (a CI machine is thrown away); for a developer's machine.
set -uo pipefail
STATE=${GRID_STATE:-/run/localgrid}/sge
export SGE_ROOT=/var/lib/gridengine SGE_CELL=default
log() { echo "[sge-down] $*"; }
starttime() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }
ourpid() {
  local f="$STATE/$1.pid" pid st
  [ -s "$f" ] || return 1
  read -r pid st <"$f"
  [ -n "$pid" ] && [ "$(starttime "$pid")" = "$st" ] && echo "$pid"
}
stop() { # NAME TIMEOUT_S
  local pid i t0=$SECONDS
  if pid=$(ourpid "$1"); then
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < $2 * 10; i++)); do [ "$(starttime "$pid")" ] || break; sleep 0.1; done
    if [ "$(starttime "$pid")" ]; then log "$1 ($pid) ignored TERM, sending KILL"; kill -KILL "$pid"; sleep 0.5; fi
    log "$1 (pid $pid) stopped after $((SECONDS - t0))s"
  fi
  rm -f "$STATE/$1.pid"
}
if ourpid qmaster >/dev/null && ourpid execd >/dev/null; then
  if [ -n "$(qstat -u '*' 2>/dev/null)" ]; then
    log "deleting all jobs"; qdel -u '*' >/dev/null 2>&1
    for ((i = 0; i < 300; i++)); do [ -z "$(qstat -u '*' 2>/dev/null)" ] && break; sleep 0.1; done
  fi
fi
stop execd 30
stop qmaster 60
log "done"
