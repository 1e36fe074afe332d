#!/usr/bin/env bash
# slurm-down.sh - stop ONLY the daemons that slurm-up.sh started (pids recorded in $STATE,
# verified by /proc start time). Cancels the jobs of that cluster first. Never kills by name.
# Not called by .ci/run (a CI machine is thrown away); for a developer's machine.
set -uo pipefail
STATE=${GRID_STATE:-/run/localgrid}/slurm
log() { echo "[slurm-down] $*"; }
starttime() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }
ourpid() { # NAME -> pid if recorded and still the same process
  local f="$STATE/$1.pid" pid st
  [ -s "$f" ] || return 1
  read -r pid st <"$f"
  [ -n "$pid" ] && [ "$(starttime "$pid")" = "$st" ] && echo "$pid"
}
stop() { # NAME TIMEOUT_S
  local pid i
  if pid=$(ourpid "$1"); then
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < $2 * 10; i++)); do [ "$(starttime "$pid")" ] || break; sleep 0.1; done
    if [ "$(starttime "$pid")" ]; then log "$1 ($pid) ignored TERM, sending KILL"; kill -KILL "$pid"; sleep 0.5; fi
    log "$1 (pid $pid) stopped"
  fi
  rm -f "$STATE/$1.pid"
}
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
