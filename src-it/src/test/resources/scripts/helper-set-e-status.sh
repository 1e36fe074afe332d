#!/bin/bash
# Run the set -e member-anomaly helper for each model/month; a missing month must not stop us.
# For swamp: the helper is a shell of its own, whose set -e the if around its call does not hold.
mkdir -p anom
ok=0; bad=0
for model in ccsm echam; do
  for mon in 01 07 13; do
    if bash member-anomaly.sh "$model" "$mon" 2>/dev/null; then
      ok=$((ok + 1))
    else
      echo "member-anomaly failed for $model $mon" >&2
      bad=$((bad + 1))
    fi
  done
done
echo "succeeded: $ok failed: $bad"
ls anom
ncks -H -C --trd -v T -d lat,6 -d lon,3 anom/ccsm_anom_07.nc | grep 'T\['
