#!/bin/bash
# err-trap.sh: the strict-mode preamble many scripts start with: set -Eeuo pipefail and an ERR
# trap that names the line that failed, beside an EXIT trap that cleans up. Each model's months
# are averaged in a function; the third model has no files, so its ncra fails: bash runs the
# ERR trap (line and status of that ncra, inside the function under set -E), then the EXIT trap,
# and exits with ncra's status. Exercises: trap ERR with $LINENO and $?, set -E, a failure in a
# function stopping the script, an EXIT trap removing scratch files, the script's exit status.
set -Eeuo pipefail
trap 'echo "error on line $LINENO (status $?)" >&2' ERR
trap 'echo "cleaning up"; rm -f tmp_*.nc' EXIT

average() {
  ncra -O "$1"_0[1-3].nc "tmp_$1.nc"
  ncwa -O -a lat,lon "tmp_$1.nc" "$1_gm.nc"
}

for m in ccsm gfdl nosuch; do
  average $m
  echo "did $m"
done
echo "not reached"
