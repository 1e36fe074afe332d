#!/usr/bin/env bash
# slurm-up.sh - single-node Slurm (+munge) on localhost, Debian 12, run as root.
# Idempotent: installs if needed, (re)writes slurm.conf, starts munged/slurmctld/slurmd
# unless already started by this script, waits until the node is idle, self-tests.
# Pids of daemons started here are recorded in $STATE; slurm-down.sh stops only those.
# Env: SELFTEST=0 to skip the job test; GRID_STATE (default /run/localgrid).
# .ci/run calls this before the tests; GridSlurmIT runs the master's slurm launcher against it.
set -euo pipefail
T0=$(date +%s.%N)
STATE=${GRID_STATE:-/run/localgrid}/slurm
mkdir -p "$STATE"
H=$(hostname -s)
PART=debug
TAG=slurm-up
. "$(dirname "$0")/lib.sh"
wait_pidfile() { # FILE EXE TIMEOUT -> pid
  local i
  for ((i = 0; i < $3 * 10; i++)); do live_pidfile "$1" "$2" && return 0; sleep 0.1; done
  return 1
}

# ---------------------------------------------------------------- 1. install
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
   ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  log "installing slurmctld slurmd slurm-client munge"
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then # keep postinst from starting daemons
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  APT=(apt-get -o DPkg::Lock::Timeout=900 -y -q)
  rc=0
  "${APT[@]}" install --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null ||
    { "${APT[@]}" update >/dev/null && "${APT[@]}" install --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null; } || rc=$?
  [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ $rc = 0 ] || die "apt-get install failed ($rc)"
fi

# ---------------------------------------------------------------- 2. configure
if [ ! -s /etc/munge/munge.key ]; then
  log "creating munge key"
  install -d -o munge -g munge -m 0700 /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
fi
install -d -o munge -g munge -m 0755 /run/munge
install -d -m 0755 /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm /etc/slurm

NODELINE=$(slurmd -C | head -1) # real hardware: NodeName=<h> CPUs=.. RealMemory=..
[[ $NODELINE == NodeName=$H\ * ]] || die "unexpected 'slurmd -C' output: $NODELINE"
CONF=$(cat <<EOF
# single-node localhost Slurm, written by slurm-up.sh
ClusterName=localcluster
SlurmctldHost=${H}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
KillWait=5
SlurmdTimeout=60
MinJobAge=300
${NODELINE} NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=${PART} Nodes=${H} Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
)
conf_changed=0
if [ "$(cat /etc/slurm/slurm.conf 2>/dev/null)" != "$CONF" ]; then
  printf '%s\n' "$CONF" >/etc/slurm/slurm.conf; conf_changed=1; log "wrote /etc/slurm/slurm.conf"
fi

# ---------------------------------------------------------------- 3. start daemons
# munged: reuse any working munged; start our own otherwise
if ours munged; then :
elif munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  log "a munged not started by this script is already serving /run/munge; reusing it"
else
  rm -f /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged
  pid=$(wait_pidfile /run/munge/munged.pid /usr/sbin/munged 10) || die "munged did not start"
  record munged "$pid"; log "munged started pid $pid"
fi
munge -n | unmunge >/dev/null || die "munge round trip failed"

for d in slurmctld slurmd; do
  if ours $d; then
    if [ $conf_changed = 1 ]; then # config changed under our running daemon: restart it
      read -r pid _ <"$STATE/$d.pid"; kill "$pid"
      for ((i = 0; i < 300; i++)); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
      rm -f "$STATE/$d.pid"
    else continue; fi
  fi
  if pid=$(live_pidfile /run/$d.pid /usr/sbin/$d); then
    die "$d already running (pid $pid) but not started by this script; refusing to touch it"
  fi
  rm -f /run/$d.pid
  /usr/sbin/$d            # daemonizes, writes /run/$d.pid
  pid=$(wait_pidfile /run/$d.pid /usr/sbin/$d 15) || die "$d did not start; see /var/log/slurm/$d.log"
  record $d "$pid"; log "$d started pid $pid"
done

# ---------------------------------------------------------------- 4. wait until ready
ready=0
for ((i = 0; i < 600; i++)); do
  st=$(sinfo -h -n "$H" -o %t 2>/dev/null || true)
  case "$st" in
    idle|mix|alloc|comp) ready=1; break ;;
    down*|drain*|drng*|fail*) [ $i -gt 20 ] && scontrol update NodeName="$H" State=RESUME 2>/dev/null || true ;;
  esac
  sleep 0.1
done
[ $ready = 1 ] || die "node $H not ready (state '$st'); see /var/log/slurm/"
log "READY: node $H is '$st' (partition $PART, $(sinfo -h -o %c -n "$H") CPUs)"
T_READY=$(elapsed)

# ---------------------------------------------------------------- 5. self-test
if [ "${SELFTEST:-1}" = 1 ]; then
  D=$(mktemp -d /tmp/slurm-selftest.XXXXXX); chmod 755 "$D"
  t=$(date +%s.%N)
  j=$(sbatch --parsable -D "$D" -o "$D/%j.out" -J selftest --wrap 'date +%s.%N; echo hello from $(hostname)')
  for ((i = 0; i < 600; i++)); do grep -q '^hello from' "$D/$j.out" 2>/dev/null && break; sleep 0.1; done
  out=$(cat "$D/$j.out" 2>/dev/null || true); grep -q '^hello from' <<<"$out" || die "self-test job $j produced: '$out'"
  lat=$(echo "$(head -1 <<<"$out") $t" | awk '{printf "%.2f", $1-$2}')
  log "self-test: job $j ran, sbatch->job start ${lat}s"
  # Cancel only once the script runs: a signal that lands while slurmstepd is still starting the
  # job is lost, and the job then sits in CG until KillWait (5 s in the slurm.conf above) ends in SIGKILL.
  j=$(sbatch --parsable -D "$D" -o /dev/null -J selftest-cancel --wrap "touch $D/started; sleep 600")
  for ((i = 0; i < 300; i++)); do [ -e "$D/started" ] && break; sleep 0.1; done
  scancel "$j"
  for ((i = 0; i < 600; i++)); do [ -z "$(squeue -h -j "$j" -o %t 2>/dev/null)" ] && break; sleep 0.1; done
  [ -z "$(squeue -h -j "$j" -o %t 2>/dev/null)" ] || die "scancel of job $j did not take effect"
  log "self-test: scancel ok (job $j)"
  rm -rf "$D"
fi
log "done: ready after ${T_READY}s, total $(elapsed)s. Stop with: $(dirname "$(readlink -f "$0")")/slurm-down.sh"
