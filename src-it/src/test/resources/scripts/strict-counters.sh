#!/bin/bash
# strict-counters.sh: set -euo pipefail gotchas: a grep that finds nothing inside $(...) || true,
# ${1:-} for a missing argument, [[ -v ]], and (( n++ )) which stops the script when n is 0.
set -euo pipefail
arg=${1:-none}
echo "argument: $arg"
hits=$(ncdump -h ccsm_01.nc | grep -c nosuch_attribute || true)
echo "hits: $hits"
[[ -v UNSET_THING ]] || echo "UNSET_THING is not set"
ok=0
for f in gfdl_0[1-3].nc; do
  ncks -O -v T "$f" "${f/gfdl/T}"
  (( ok += 1 ))
done
echo "ok=$ok"
count=0
(( count++ ))
echo "never printed: count=$count"
