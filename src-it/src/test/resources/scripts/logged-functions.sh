#!/bin/bash
# logged-functions.sh: helper functions that log to standard error and print the name of what
# they made, called as out=$(make_clim ...), the way scripts keep their "return values" apart
# from their messages; some captured with 2>&1 into a log text, some with their errors dropped,
# and set -x around a part of it.
log() { echo "[clim] $*" >&2; }
make_clim() {
  local model=$1 months=$2
  log "climatology of $model over months $months"
  ncra -O ${model}_${months}.nc "clim_${model}.nc" || { log "ncra failed for $model"; return 1; }
  echo "clim_${model}.nc"
}
check_var() {
  if ncks -m -v "$2" "$1" > /dev/null 2>&1; then
    echo yes
  else
    log "$1 has no $2"
    echo no
  fi
}
outs=()
for m in ccsm echam; do
  f=$(make_clim $m '0[1-3]')
  echo "made [$f]"
  outs+=("$f")
done
echo "outputs: ${outs[*]}"
echo "gfdl: $(make_clim gfdl '0[4-6]')"
msgs=$(make_clim obs '0[7-9]' 2>&1)
echo "with its messages: [$msgs]"
quiet=$(make_clim ccsm '1[0-2]' 2>/dev/null)
echo "quiet: [$quiet]"
bad=$(make_clim nosuch '0[1-3]')
echo "nosuch: [$bad] status $?"
for v in T nope; do
  echo "clim_ccsm.nc has $v: $(check_var clim_ccsm.nc $v)"
done
set -x
last=$(make_clim gfdl '1[0-2]')
set +x
echo "last: $last"
ncdiff -O "$last" "$quiet" late_diff.nc && echo "diff of $(basename "$last" .nc) and ${quiet%.nc}"
