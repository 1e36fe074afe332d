#!/usr/bin/env bash
# pg-up.sh - the PostgreSQL server the standby tests share a journal on, Debian 12, run as root.
# Idempotent: installs Debian's postgresql if needed, creates a cluster on $PG_PORT if there is
# none, starts it unless it is up, and makes sure of role swamp (password swamp, LOGIN CREATEDB:
# each test run makes a database of its own) and database swamp owned by it; then self-tests a
# password login over TCP. Stop the server with: pg_ctlcluster VERSION main stop.
# Env: PG_PORT (default 5432).
# bin/setup calls this; StandbyIT journals its masters to jdbc:postgresql://127.0.0.1:5432/swamp.
set -euo pipefail
T0=$(date +%s.%N)
PORT=${PG_PORT:-5432}
TAG=pg-up
. "$(dirname "$0")/grid/lib.sh"
cluster_on_port() { pg_lsclusters -h 2>/dev/null | awk -v p="$PORT" '$3==p{print $1, $2, $4; exit}'; }
as_postgres() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" -d postgres -tA "$@"; }

# ---------------------------------------------------------------- 1. install
if ! command -v pg_lsclusters >/dev/null || ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
  log "installing postgresql"
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then # keep postinst from starting the server: step 3 does
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  APT=(apt-get -o DPkg::Lock::Timeout=900 -y -q)
  rc=0
  "${APT[@]}" install --no-install-recommends postgresql >/dev/null ||
    { "${APT[@]}" update >/dev/null && "${APT[@]}" install --no-install-recommends postgresql >/dev/null; } || rc=$?
  [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ $rc = 0 ] || die "apt-get install failed ($rc)"
fi

# ---------------------------------------------------------------- 2. a cluster on $PORT
if [ -z "$(cluster_on_port)" ]; then
  VER=$(find /usr/lib/postgresql -maxdepth 1 -mindepth 1 -printf '%f\n' | sort -n | tail -1)
  pg_lsclusters -h | awk '{print $2}' | grep -qx main && die "cluster $VER main exists but not on port $PORT; set PG_PORT"
  log "creating cluster $VER main on port $PORT"
  pg_createcluster "$VER" main --port "$PORT" >/dev/null
fi
read -r VER NAME STATUS <<<"$(cluster_on_port)"

# ---------------------------------------------------------------- 3. start
if [[ $STATUS != online* ]]; then
  pg_ctlcluster "$VER" "$NAME" start ||
    die "cluster $VER $NAME did not start; see /var/log/postgresql/postgresql-$VER-$NAME.log"
  log "started cluster $VER $NAME on port $PORT"
fi
for ((i = 0; i < 300; i++)); do pg_isready -q -h 127.0.0.1 -p "$PORT" && break; sleep 0.1; done
pg_isready -q -h 127.0.0.1 -p "$PORT" || die "cluster $VER $NAME does not accept connections on 127.0.0.1:$PORT"

# ---------------------------------------------------------------- 4. role and database (idempotent)
if [ "$(as_postgres -c "SELECT 1 FROM pg_roles WHERE rolname = 'swamp'")" != 1 ]; then
  as_postgres -c "CREATE ROLE swamp LOGIN CREATEDB PASSWORD 'swamp'"
  log "created role swamp"
else
  as_postgres -c "ALTER ROLE swamp LOGIN CREATEDB PASSWORD 'swamp'"
fi
if [ "$(as_postgres -c "SELECT 1 FROM pg_database WHERE datname = 'swamp'")" != 1 ]; then
  as_postgres -c "CREATE DATABASE swamp OWNER swamp"
  log "created database swamp"
fi

# ---------------------------------------------------------------- 5. self-test
PGPASSWORD=swamp psql -X -q -h 127.0.0.1 -p "$PORT" -U swamp -d swamp -tA -c 'SELECT 1' >/dev/null ||
  die "role swamp cannot log in to database swamp over 127.0.0.1:$PORT"
log "READY: PostgreSQL $VER ($NAME) on 127.0.0.1:$PORT, role swamp/swamp, database swamp; total $(elapsed)s"
