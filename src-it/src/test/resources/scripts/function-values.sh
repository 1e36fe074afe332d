#!/bin/bash
# Compare each model's July global mean T with obs using bc for the arithmetic.
# For swamp: $(gm ...) calls a function whose jobs write gm_tmp.nc; they run as the substitution's jobs.
gm() {
  ncwa -O -a lat,lon -w gw "$1" gm_tmp.nc
  ncks -H -C --trd -v "$2" gm_tmp.nc | awk -F= '/T\[|pr\[/{print $NF}' | tr -d ' '
}
obsT=$(gm obs_07.nc T)
echo "obs July T: $obsT"
for m in ccsm echam gfdl; do
  mT=$(gm ${m}_07.nc T)
  bias=$(echo "$mT - $obsT" | bc -l)
  degc=$(echo "scale=2; ($mT - 273.15)/1" | bc -l)
  if (( $(echo "$bias > 0" | bc -l) )); then sign=warm; else sign=cold; fi
  printf '%-6s T=%s (%s C) bias=%+.3f %s\n' "$m" "$mT" "$degc" "$bias" "$sign"
done
rm -f gm_tmp.nc
