# lib.sh - what the grid scripts share; sourced by *-up.sh and *-down.sh after they set
# STATE (where pids are recorded) and TAG (the log prefix), and, for the up scripts, T0.
log() { if [ -n "${T0:-}" ]; then echo "[$TAG +$(elapsed)s] $*"; else echo "[$TAG] $*"; fi; }
elapsed() { echo "$(date +%s.%N) $T0" | awk '{printf "%.1f", $1-$2}'; }
die() { log "ERROR: $*"; exit 1; }
starttime() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }
# ourpid NAME -> prints the pid recorded for NAME if it is still the same process
ourpid() {
  local f="$STATE/$1.pid" pid st
  [ -s "$f" ] || return 1
  read -r pid st <"$f"
  [ -n "$pid" ] && [ "$(starttime "$pid")" = "$st" ] && echo "$pid"
}
ours() { ourpid "$1" >/dev/null; }
record() { echo "$2 $(starttime "$2")" >"$STATE/$1.pid"; }
# live_pidfile FILE EXE -> prints pid if FILE names a live process running EXE
live_pidfile() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(tr -dc 0-9 <"$1")
  [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$2")" ] && echo "$pid"
}
# stop NAME TIMEOUT_S: TERM the process recorded for NAME, KILL it if it outlives the timeout
stop() {
  local pid i t0=$SECONDS
  if pid=$(ourpid "$1"); then
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < $2 * 10; i++)); do [ "$(starttime "$pid")" ] || break; sleep 0.1; done
    if [ "$(starttime "$pid")" ]; then log "$1 ($pid) ignored TERM, sending KILL"; kill -KILL "$pid"; sleep 0.5; fi
    log "$1 (pid $pid) stopped after $((SECONDS - t0))s"
  fi
  rm -f "$STATE/$1.pid"
}
