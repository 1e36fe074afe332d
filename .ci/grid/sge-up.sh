#!/usr/bin/env bash
# sge-up.sh - single-node Son of Grid Engine 8.1.9 (Debian gridengine-*) on localhost.
# Debian 12, run as root. Idempotent: installs if needed, initialises the cell, fixes
# host-name resolution (host_aliases), starts sge_qmaster + sge_execd unless already
# started by this script, configures queue all.q (2 slots), waits until ready, self-tests.
# Pids of daemons started here are recorded in $STATE; sge-down.sh stops only those.
# Env: SELFTEST=0 to skip the job test; GRID_STATE (default /run/localgrid).
# .ci/run calls this before the tests; GridSgeIT runs the master's sge launcher against it.
set -euo pipefail
T0=$(date +%s.%N)
STATE=${GRID_STATE:-/run/localgrid}/sge
mkdir -p "$STATE"
export SGE_ROOT=/var/lib/gridengine SGE_CELL=default
COMMON=$SGE_ROOT/$SGE_CELL/common
SPOOL=/var/spool/gridengine
QM_EXE=/usr/lib/gridengine/sge_qmaster
EX_EXE=/usr/lib/gridengine/sge_execd
H=$(hostname -s)
NCPU=$(nproc)
TAG=sge-up
. "$(dirname "$0")/lib.sh"
live_execd() { local f; for f in "$SPOOL"/execd/*/execd.pid; do live_pidfile "$f" "$EX_EXE" && return 0; done; return 1; }

# ---------------------------------------------------------------- 1. install
if ! [ -x $QM_EXE ] || ! [ -x $EX_EXE ] || ! [ -x /usr/lib/gridengine/qsub ]; then
  log "installing gridengine-master gridengine-exec gridengine-client"
  printf '%s\n' "gridengine-common shared/gridengineconfig boolean true" \
    "gridengine-common shared/gridenginecell string $SGE_CELL" \
    "gridengine-common shared/gridenginemaster string $H" | debconf-set-selections
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then # keep postinst from starting sge/exim daemons
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  APT=(apt-get -o DPkg::Lock::Timeout=900 -y -q)
  PKGS=(gridengine-master gridengine-exec gridengine-client)
  rc=0
  "${APT[@]}" install --no-install-recommends "${PKGS[@]}" >/dev/null ||
    { "${APT[@]}" update >/dev/null && "${APT[@]}" install --no-install-recommends "${PKGS[@]}" >/dev/null; } || rc=$?
  [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ $rc = 0 ] || die "apt-get install failed ($rc)"
fi

# ---------------------------------------------------------------- 2. host names + cell
if ! getent hosts "$H" >/dev/null; then
  log "WARNING: $H does not resolve; adding '127.0.0.1 $H' to /etc/hosts"
  echo "127.0.0.1 $H" >>/etc/hosts
fi
for d in "$SPOOL" "$SPOOL/qmaster" "$SPOOL/qmaster/job_scripts" "$SPOOL/spooldb" "$SPOOL/execd"; do
  install -d -o sgeadmin -g sgeadmin -m 0755 "$d"
done
if [ ! -s "$COMMON/bootstrap" ] || [ ! -e "$SPOOL/spooldb/sge" ]; then
  log "initialising cell $SGE_CELL"
  install -d -o sgeadmin -g sgeadmin -m 0755 "$SGE_ROOT/$SGE_CELL" "$COMMON"
  rm -rf "${SPOOL:?}/spooldb/"* # half-initialised cell: start over (what the postinsts do)
  install -m0644 -o sgeadmin -g sgeadmin /usr/share/gridengine/default-bootstrap "$COMMON/bootstrap"
  su -s /bin/sh -c "/usr/share/gridengine/scripts/init_cluster $SGE_ROOT $SGE_CELL $SPOOL/spooldb sgeadmin" sgeadmin >/dev/null
fi
# SGE rejects a client whose IP reverse-resolves to another name ("localhost") than the one
# it claims ($H). Map every name of $H's address to $H.
IP=$(getent ahostsv4 "$H" | awk 'NR==1{print $1}')
ALIASES=$(awk -v ip="$IP" -v h="$H" '$1==ip{for(i=2;i<=NF;i++) if($i!=h) print $i}' /etc/hosts | sort -u | tr '\n' ' ')
[ "$IP" = 127.0.0.1 ] && [[ " $ALIASES " != *" localhost "* ]] && ALIASES="localhost $ALIASES"
echo "$H ${ALIASES% }" >"$COMMON/host_aliases"
chown sgeadmin:sgeadmin "$COMMON/host_aliases"

# ---------------------------------------------------------------- 3. qmaster
if ! ours qmaster; then
  pid=$(live_pidfile "$SPOOL/qmaster/qmaster.pid" $QM_EXE) &&
    die "sge_qmaster already running (pid $pid) but not started by this script; refusing"
  echo "$H" >"$COMMON/act_qmaster"
  rm -f "$SPOOL/qmaster/qmaster.pid"
  /usr/sbin/sge_qmaster
  for ((i = 0; i < 150; i++)); do pid=$(live_pidfile "$SPOOL/qmaster/qmaster.pid" $QM_EXE) && break; sleep 0.1; done
  [ -n "${pid:-}" ] || die "sge_qmaster did not start; see $SPOOL/qmaster/messages"
  record qmaster "$pid"; log "sge_qmaster started pid $pid"
fi
for ((i = 0; i < 300; i++)); do qconf -sh >/dev/null 2>&1 && break; sleep 0.1; done
qconf -sh >/dev/null || die "qmaster not answering: $(qconf -sh 2>&1 | head -2)"

# ---------------------------------------------------------------- 4. configuration (idempotent)
qconf -sh 2>/dev/null | grep -qx "$H" || qconf -ah "$H" >/dev/null 2>&1 || true
qconf -ss 2>/dev/null | grep -qx "$H" || qconf -as "$H" >/dev/null 2>&1 || true
norm() { awk '{$1=$1};1' "$@"; } # collapse whitespace for comparisons
# global conf: let root (uid/gid 0) run jobs (default min_uid/min_gid 1000), and start job
# shells as NON-login shells (default login_shells=sh,bash,.. sources ~/.profile, ~/.bashrc)
if ! qconf -sconf global | norm | grep -qx 'min_uid 0' || ! qconf -sconf global | norm | grep -qx 'min_gid 0' ||
   ! qconf -sconf global | norm | grep -qx 'login_shells none'; then
  printf '#!/bin/sh\nsed -i -e "s/^min_uid .*/min_uid 0/" -e "s/^min_gid .*/min_gid 0/" -e "s/^login_shells .*/login_shells none/" "$1"\n' >"$STATE/ed-conf.sh"
  chmod 755 "$STATE/ed-conf.sh"
  EDITOR="$STATE/ed-conf.sh" qconf -mconf global >/dev/null 2>&1
fi
# scheduler: run every second instead of every 15 s, dispatch on submit/finish
qconf -ssconf >"$STATE/sconf.old"
sed -e 's/^schedule_interval .*/schedule_interval 0:0:1/' -e 's/^flush_submit_sec .*/flush_submit_sec 1/' \
    -e 's/^flush_finish_sec .*/flush_finish_sec 1/' -e 's/^job_load_adjustments .*/job_load_adjustments NONE/' \
    -e 's/^load_adjustment_decay_time .*/load_adjustment_decay_time 0:0:0/' "$STATE/sconf.old" >"$STATE/sconf"
[ "$(norm "$STATE/sconf")" = "$(norm "$STATE/sconf.old")" ] || qconf -Msconf "$STATE/sconf" >/dev/null 2>&1
cat >"$STATE/smp.pe" <<'EOF'
pe_name            smp
slots              9999
user_lists         NONE
xuser_lists        NONE
start_proc_args    NONE
stop_proc_args     NONE
allocation_rule    $pe_slots
control_slaves     TRUE
job_is_first_task  TRUE
urgency_slots      min
accounting_summary FALSE
qsort_args         NONE
EOF
if ! qconf -sp smp >/dev/null 2>&1; then qconf -Ap "$STATE/smp.pe" >/dev/null 2>&1
elif [ "$(qconf -sp smp | norm)" != "$(norm "$STATE/smp.pe")" ]; then qconf -Mp "$STATE/smp.pe" >/dev/null 2>&1; fi
if ! qconf -se "$H" >/dev/null 2>&1; then
  printf 'hostname %s\nload_scaling NONE\ncomplex_values NONE\nuser_lists NONE\nxuser_lists NONE\nprojects NONE\nxprojects NONE\nusage_scaling NONE\nreport_variables NONE\n' "$H" >"$STATE/exechost"
  qconf -Ae "$STATE/exechost" >/dev/null 2>&1
fi
cat >"$STATE/all.q" <<EOF
qname                 all.q
hostlist              $H
seq_no                0
load_thresholds       NONE
suspend_thresholds    NONE
nsuspend              1
suspend_interval      00:05:00
priority              0
min_cpu_interval      00:05:00
processors            UNDEFINED
qtype                 BATCH INTERACTIVE
ckpt_list             NONE
pe_list               smp
rerun                 FALSE
slots                 $NCPU
tmpdir                /tmp
shell                 /bin/bash
prolog                NONE
epilog                NONE
shell_start_mode      unix_behavior
starter_method        NONE
suspend_method        NONE
resume_method         NONE
terminate_method      NONE
notify                00:00:60
owner_list            NONE
user_lists            NONE
xuser_lists           NONE
subordinate_list      NONE
complex_values        NONE
projects              NONE
xprojects             NONE
calendar              NONE
initial_state         default
s_rt                  INFINITY
h_rt                  INFINITY
s_cpu                 INFINITY
h_cpu                 INFINITY
s_fsize               INFINITY
h_fsize               INFINITY
s_data                INFINITY
h_data                INFINITY
s_stack               INFINITY
h_stack               INFINITY
s_core                INFINITY
h_core                INFINITY
s_rss                 INFINITY
h_rss                 INFINITY
s_vmem                INFINITY
h_vmem                INFINITY
EOF
if ! qconf -sq all.q >/dev/null 2>&1; then qconf -Aq "$STATE/all.q" >/dev/null 2>&1
elif [ "$(qconf -sq all.q | norm)" != "$(norm "$STATE/all.q")" ]; then qconf -Mq "$STATE/all.q" >/dev/null 2>&1; fi

# ---------------------------------------------------------------- 5. execd
if ! ours execd; then
  pid=$(live_execd) && die "sge_execd already running (pid $pid) but not started by this script; refusing"
  rm -f "$SPOOL"/execd/*/execd.pid
  /usr/sbin/sge_execd
  pid=
  for ((i = 0; i < 150; i++)); do pid=$(live_execd) && break; sleep 0.1; done
  [ -n "$pid" ] || die "sge_execd did not start; see $SPOOL/execd/*/messages"
  record execd "$pid"; log "sge_execd started pid $pid"
fi

# ---------------------------------------------------------------- 6. wait until queue instance is usable
states=u
for ((i = 0; i < 600; i++)); do
  line=$(qstat -f -q "all.q@$H" 2>/dev/null | awk -v q="all.q@$H" '$1==q')
  states=$(awk '{print $6}' <<<"$line")
  [ -n "$line" ] && [ -z "$states" ] && break
  [[ $states == *E* ]] && qmod -c "all.q@$H" >/dev/null 2>&1
  [[ $states == *d* ]] && qmod -e "all.q@$H" >/dev/null 2>&1
  sleep 0.1
done
[ -n "$line" ] && [ -z "$states" ] || die "queue all.q@$H not ready (states '$states')"
log "READY: all.q@$H, $NCPU slots, PE smp"
T_READY=$(elapsed)

# ---------------------------------------------------------------- 7. self-test
if [ "${SELFTEST:-1}" = 1 ]; then
  D=$(mktemp -d /tmp/sge-selftest.XXXXXX); chmod 755 "$D"
  t=$(date +%s.%N)
  j=$(qsub -terse -b y -wd "$D" -o "$D/echo.out" -j y /bin/echo hi)
  for ((i = 0; i < 600; i++)); do grep -qx hi "$D/echo.out" 2>/dev/null && break; sleep 0.1; done
  grep -qx hi "$D/echo.out" 2>/dev/null || die "self-test job $j (qsub -b y /bin/echo hi) produced no output"
  log "self-test: 'qsub -b y /bin/echo hi' job $j output seen after $(echo "$(date +%s.%N) $t" | awk '{printf "%.2f", $1-$2}')s"
  j=$(qsub -terse -b y -wd "$D" -o /dev/null -j y -N selftest-del /bin/sleep 600)
  for ((i = 0; i < 300; i++)); do qstat -s r | awk '{print $1}' | grep -qx "$j" && break; sleep 0.1; done
  qdel "$j" >/dev/null
  for ((i = 0; i < 300; i++)); do qstat -u '*' | awk '{print $1}' | grep -qx "$j" || break; sleep 0.1; done
  qstat -u '*' | awk '{print $1}' | grep -qx "$j" && die "qdel of job $j did not take effect"
  log "self-test: qdel ok (job $j)"
  rm -rf "$D"
fi
log "done: ready after ${T_READY}s, total $(elapsed)s. Stop with: $(dirname "$(readlink -f "$0")")/sge-down.sh"
